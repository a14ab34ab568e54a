"""Decisions recorded in minutes: resolutions, agreements, approvals, motions and votes.

One :class:`Decision` per sentence that records an outcome. Motions ("Councilmember Tam moved
approval ... Councilmember deHaan seconded the motion, which carried by unanimous voice vote
- 5.") give one decision with mover, seconder and vote counts. ``page`` is 0: the caller
fills it in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from minutebook.model import Decision, Outcome

# A sentence: runs over single line breaks, stops at . ! ? (not inside "5.3" or "No.") or a blank line.
SENTENCE_RE = re.compile(
    r"""
    (?:
        [^.!?\n]                 # ordinary characters
      | \n(?![ \t]*\n)           # a single line break inside a paragraph
      | \.(?=\d)                 # a dot inside a number ("5.3", "£2.50")
      | (?:(?<=\bNo)|(?<=\bno)|(?<=Cllr)|(?<=\bMrs)|(?<=\bMr)|(?<=\bMs)|(?<=\bDr)|(?<=\bSt))\.  # abbreviations
    )+
    (?:[.!?]+|$)
    """,
    re.VERBOSE | re.MULTILINE,
)

# Name of a person as written before "moved"/"seconded": titles and up to three capitalised words.
NAME = r"(?:(?:Council\s?member|Councillor|Cllr\.?|Vice\s+Mayor|Mayor|Chair(?:man|person)?|Commissioner|Board\s+Member|Member|Mr\.?|Mrs\.?|Ms\.?|Dr\.?)\s+)?(?:[a-z]{1,3}[A-Z]|[A-Z])[\w'’-]+(?:\s+(?:[a-z]{1,3}[A-Z]|[A-Z])[\w'’-]+){0,2}"  # noqa: E501

# "Councilmember Tam moved approval of ..."
MOVED_RE = re.compile(rf"(?P<mover>{NAME})\s+moved\b", re.VERBOSE)
# "Councilmember deHaan seconded the motion"
SECONDED_RE = re.compile(rf"(?P<seconder>{NAME})\s+seconded\b")
# "Proposed by X, seconded by Y" / "CR proposed and KD seconded"
PROPOSED_BY_RE = re.compile(
    rf"""
    (?:[Pp]roposed|[Mm]oved)\s+by\s+(?P<mover>{NAME})[,;]?\s*(?:and\s+)?[Ss]econded\s+by\s+(?P<seconder>{NAME})
  | (?P<mover2>{NAME}|[A-Z]{{2,3}})\s+proposed\s+(?:and|,)\s+(?P<seconder2>{NAME}|[A-Z]{{2,3}})\s+seconded
    """,
    re.VERBOSE,
)

# The short forms under a resolution: "Prop: CR 2 nd: KD", "Prop. GK, 2nd JR", "Proposed – Cllr Mrs Mann
# Seconded – Cllr Mrs Clements", "Proposed Alan, seconded Umi", and "Cllr Eglington proposed that
# ...; Cllr Crisp seconded" / "..., seconded by Cllr Crisp".
SHORT_PROPOSAL_RE = re.compile(
    rf"""
    (?:Proposed|PROPOSED|Prop\.?)(?:\s+by)?\s*[:–—-]?\s*(?P<mover>{NAME}|[A-Z]{{2,3}})   # proposer
    \s*[,;]?\s*(?:and\s+)?
    (?:[Ss]econded|SECONDED|2\s?nd\.?)(?:\s+by)?\s*[:–—-]?\s*(?P<seconder>{NAME}|[A-Z]{{2,3}})   # seconder
  | (?P<mover2>{NAME})\s+proposed\b[^.;]{{0,200}}?[,;]\s*                               # "X proposed ..."
    (?:seconded\s+by\s+(?P<seconder2>{NAME})|(?P<seconder3>{NAME})\s+seconded\b)        # "; Y seconded"
    """,
    re.VERBOSE,
)

# Vote tallies: "Ayes: Councilmembers A, B and C - 3. Noes: D - 1." / "unanimous voice vote - 5"
TALLY_RE = re.compile(
    r"""
    (?P<kind>Ayes|Noes|Nays|Abstentions?|Abstain(?:ed|ing)?|Absent|For|Against)   # column
    \s*[:(]\s*
    (?P<names>[^:\n]{0,200}?)                                            # who, maybe
    (?:\s[–—-]\s*|\()(?P<n>\d{1,2})\)?                                  # the count
    (?=\W)
    """,
    re.VERBOSE | re.DOTALL,
)
UNANIMOUS_RE = re.compile(r"unanimous(?:ly)?(?:\s+voice)?\s+vote\s*[–—-]\s*(?P<n>\d{1,2})", re.I)
TALLY_KEYS = {
    "ayes": "ayes", "noes": "noes", "nays": "noes", "for": "ayes", "against": "noes",
    "absent": "absent",
}  # fmt: skip

# Outcome patterns in precedence order: the first that matches a sentence decides it.
OUTCOME_PATTERNS: list[tuple[Outcome, re.Pattern[str]]] = [
    (Outcome.RESOLVED,
     re.compile(r"\bRESOLVED\b|\bResolved\s*[:,-]|(?i:\bit\s+was\s+(?:also\s+|then\s+)?resolved\b)"
                r"|(?i:\bresolved\s+that\b)")),
    (Outcome.LOST, re.compile(r"\bmotion\b[^.]{0,80}\b(?:failed|lost|was\s+defeated)\b|\b(?:was|were)\s+lost\b", re.I)),
    (Outcome.CARRIED, re.compile(r"\b(?:carried|passed)\b|\ball\s+in\s+favour\b", re.I)),
    (Outcome.REJECTED, re.compile(r"\b(?:rejected|refused|declined\s+the)\b", re.I)),
    (Outcome.DEFERRED,
     re.compile(r"\b(?:deferred|postponed|adjourned\s+to|continued\s+the\s+(?:matter|item|hearing))\b", re.I)),
    (
        Outcome.APPROVED,
        re.compile(
            r"\b(?:was|were|be|been|is|are|being)\s+(?:\w+\s+)?approved\b"
            r"|\b(?:Board|Council|Committee|Cabinet|members?|councillors|meeting|Commission)\s+approved\b"
            r"|\bapproved\s+(?:unanimously|by)\b|\bmoved\s+approval\b"
            # "This application has been accepted", "The Board reviewed and accepted the changes",
            # a consent item's closing "Accepted."
            r"|\b(?:was|were|been|is|are)\s+(?:\w+\s+and\s+)?(?:\w+\s+)?accepted\b"
            r"|\b(?:Board|Council|Committee|Cabinet|members?|councillors|meeting|Commission)\s+(?:\w+\s+and\s+)?accepted\b"
            r"|^\s*(?:accepted|approved)\s*\.?\s*$|^\s*ratified\b",   # a consent item's closing word
            re.I,
        ),
    ),
    (
        Outcome.AGREED,
        re.compile(
            r"\b(?:it\s+was|was|were|been|is|are)\s+(?:\w+\s+)?agreed\b|\bagreed\s+by\b"
            r"|\b(?:Board|Council|Committee|Cabinet|Members|members|councillors|Councillors|meeting|all|PC|Trustees"
            r"|Directors|Governors)\s+(?:unanimously\s+)?(?:agreed|decided)\b"
            r"|\bAGREED\b|(?i:\bit\s+was\s+(?:also\s+)?decided\b)"
            r"|\b(?:seconded|proposed)\b[^.]{0,60}\band\s+agreed\b",   # "Proposed Alan, seconded Umi and agreed"
        ),
    ),
    (
        Outcome.NOTED,
        re.compile(
            r"\b(?:it\s+was|was|were|be|been)\s+(?:\w+\s+and\s+)?noted\b"   # "was discussed and noted"
            r"|(?i:\b(?:board|council|committee|cabinet|members|councillors|meeting|commission))\s+noted\b|\bNOTED\b"
            r"|^\s*Noted\s+that\b"
        ),
    ),
]


def _clean(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _votes(text: str) -> dict[str, int] | None:
    votes: dict[str, int] = {}
    u = UNANIMOUS_RE.search(text)
    if u:
        votes = {"ayes": int(u.group("n")), "noes": 0}
    for m in TALLY_RE.finditer(text):
        kind = m.group("kind").lower()
        key = TALLY_KEYS.get(kind, "abstentions" if kind.startswith("abst") else kind)
        votes[key] = int(m.group("n"))
    return votes or None


def _outcome(sentence: str) -> Outcome | None:
    for outcome, pattern in OUTCOME_PATTERNS:
        if pattern.search(sentence):
            return outcome
    return None


def _proposer(m: re.Match[str], role: str) -> str | None:
    """The proposer or seconder a :data:`SHORT_PROPOSAL_RE` match names, on its own line only."""
    found = next((g for g in (m.group(role), m.group(f"{role}2"), m.groupdict().get(f"{role}3")) if g), None)
    return _clean(found.split("\n")[0]) if found else None


# How far (characters) after a decision a bare "Prop: CR 2nd: KD" line still names its proposers.
PROPOSAL_REACH = 250


def find_decisions(text: str) -> Iterator[Decision]:
    """Yield one decision per sentence that records an outcome, motions with mover/seconder/votes.

    A motion's decision spans from the "moved" sentence to the vote tally after "seconded". A
    proposer/seconder line with no outcome of its own ("Prop: CR 2 nd: KD") names those of the
    decision just before it.
    """
    last: Decision | None = None
    for decision in _decisions(text):
        if decision.rule == "proposal_line":
            if last is not None and last.mover is None and decision.start - last.end <= PROPOSAL_REACH:
                last = replace(last, mover=decision.mover, seconder=decision.seconder)
                continue
            decision = replace(decision, rule="proposed")  # a motion recorded by its proposers alone
        if last is not None:
            yield last
        last = decision
    if last is not None:
        yield last


def _decisions(text: str) -> Iterator[Decision]:
    sentences = [(m.start(), m.end()) for m in SENTENCE_RE.finditer(text) if m.group(0).strip()]
    pending_move: tuple[int, str] | None = None
    i = 0
    while i < len(sentences):
        start, end = sentences[i]
        sent = text[start:end]
        moved = MOVED_RE.search(sent)
        if moved and "seconded" not in sent:
            pending_move = (start + (len(sent) - len(sent.lstrip())), moved.group("mover"))
            i += 1
            continue
        seconded = SECONDED_RE.search(sent)
        proposed = PROPOSED_BY_RE.search(sent)
        if seconded and pending_move is not None or (seconded and moved):
            # the tally may run over the next sentences ("- 4. Noes: ... - 1.")
            tail_end = end
            j = i + 1
            while j < len(sentences) and re.match(
                r"\s*(?:Noes|Nays|Abstentions?|Absent|Ayes)\b", text[sentences[j][0] : sentences[j][1]]
            ):
                tail_end = sentences[j][1]
                j += 1
            span_start = pending_move[0] if pending_move and not moved else start
            mover = moved.group("mover") if moved else pending_move[1] if pending_move else None
            whole = text[span_start:tail_end]
            outcome = _outcome(whole[whole.find("seconded") :]) or Outcome.OTHER
            if outcome not in (Outcome.CARRIED, Outcome.LOST):
                outcome = Outcome.CARRIED if re.search(r"carried|passed", whole, re.I) else outcome
            yield Decision(
                text=_clean(whole),
                outcome=outcome,
                page=0,
                start=span_start,
                end=tail_end,
                rule="motion",
                mover=_clean(mover) if mover else None,
                seconder=_clean(seconded.group("seconder")),
                votes=_votes(whole),
            )
            pending_move = None
            i = j
            continue
        said = _outcome(sent)
        short = None if proposed else SHORT_PROPOSAL_RE.search(sent)
        if said is not None or proposed or short:
            lead = len(sent) - len(sent.lstrip())
            mover = seconder = None
            if proposed:
                mover = proposed.group("mover") or proposed.group("mover2")
                seconder = proposed.group("seconder") or proposed.group("seconder2")
            elif short is not None:
                mover, seconder = _proposer(short, "mover"), _proposer(short, "seconder")
            if said is None and short is not None:
                # a line naming only who proposed and seconded: find_decisions gives it to the decision before
                yield Decision(text=_clean(sent), outcome=Outcome.OTHER, page=0, start=start + lead, end=end,
                               rule="proposal_line", mover=mover, seconder=seconder)
                i += 1
                continue
            yield Decision(
                text=_clean(sent),
                outcome=said or Outcome.APPROVED if proposed and "approv" in sent else said or Outcome.OTHER,
                page=0,
                start=start + lead,
                end=end,
                rule="proposed" if proposed else f"sentence_{(said or Outcome.OTHER).value}",
                mover=mover,
                seconder=seconder,
                votes=_votes(sent),
            )
        i += 1
