"""Links between items across documents and meetings, each with its evidence and a confidence.

Kinds (the contract's vocabulary):

- ``agenda_minutes``: an agenda item -> the minute of the same meeting that records it;
- ``previous_minutes``: an item approving earlier minutes -> the first item of those minutes;
- ``report``: a report (its first item) -> the agenda item it serves;
- ``action``: one mention of an action point -> its next mention (from the action register);
- ``reference``: an item citing another by number ("[paragraph no. 22-014]", "minute 205/18",
  decision number ``24/00093``) -> the cited item;
- ``same_subject``: an item -> the previous occurrence of its subject (a planning application,
  a decision number, a distinctive title phrase) in an earlier meeting of the same body.

Precision comes first: a false link costs the reader's trust, so every rule needs explicit
evidence (a number, a date, a rare shared phrase) and fan-out is capped.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from minutebook.model import ActionRecord, DocKind, Document, Item, Link, item_id

# Words that carry no subject when titles are compared.
STOP = frozenset(
    "the of and a an to for on in from by with at be is are as or any other this that its it all "
    "was were has have had been will would should can could not both there their they them which who "
    "what when where also into out our we you he she his her hers nothing further add now due if per "
    "via than then these those such some each more most very upon about after before over under being "
    "item items report reports update updates verbal agreement receive consider discuss note "
    "noted approve agree agreed including re regarding following matter matters".split()
)

# Standing agenda vocabulary: a title made only of these words names a procedure, not a subject
# (used for same_subject, where "Finance" at every meeting must not become a chain of links).
PROCEDURAL = frozenset(
    "apologies absence declarations declaration interest interests pecuniary minutes minute meeting "
    "meetings previous last matters arising clerk clerks chair chairman chairs chairmans vice "
    "report reports finance financial accounts account payments payment payable monthly planning "
    "applications application correspondence updates update public participation questions "
    "question open forum session date next time venue close closure business urgent exempt items "
    "item agenda members member councillor councillors council parish county district town city "
    "board committee cabinet commission communications communication announcements oral written "
    "consent calendar recommendation recommendations resolution resolutions ordinance adjournment "
    "adjourned roll call present welcome introductions introduction election elections annual "
    "general progress actions action points review approval approve accept adopt adoption "
    "received receive note consider discuss discussion information reports officer officers "
    "statement statements register work programme program other any new old unfinished special "
    "regular joint summary forward plan decisions decision taken record records period year "
    "quarter monthly budget budgets report matters reports dates future held accepted approved adopted "
    "carried potential staff name names file legistar http https www gov org com pdf page pages "
    "conference negotiator negotiators counsel legal litigation existing anticipated pursuant closed "
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday proclamation declaring week day month "
    "through case subdivision significant exposure number title government code section paragraph "
    "no ordinance resolution introduction final passage hearing exclusion press cheque cheques adjourn "
    "adjournment cllr cllrs councillor councilmember mayor mr mrs ms dr attendance present comment "
    "comments currently received begin discussions resident residents guest speaker speakers appoint "
    "appointment appointments appointing reappoint reappointing nomination nominations".split()
)

# A capitalised word after the first: a candidate name.
CAPITALISED_RE = re.compile(r"(?<=\S\s)[A-Z][a-z]{2,}")
URL_RE = re.compile(r"(?:https?://|www\.)\S+")
# "Cllr Jim McNeill", "Councilmember deHaan": names that say who, not what.
TITLED_NAME_RE = re.compile(
    r"""\b(?:Cllr|Councill?or|Councilmember|Council\s+Member|Mr|Mrs|Ms|Miss|Dr|Mayor|Vice\s+Mayor)\.?\s+
        ((?:[A-Z][\w'’-]*\.?\s*){1,3})   # up to three name words""",
    re.X,
)
# Only the opening words of a long heading (a paragraph used as a title) name its subject.
SUBJECT_MAX_WORDS = 30

# "350 Central", "1645 Park Street": a street number; two headings at different addresses are two subjects.
ADDRESS_RE = re.compile(r"\b(\d{1,5})\s+[A-Z][a-z]+")

# Minute/paragraph numbers as printed around them: "(*11-312)" -> "11-312", "84." -> "84".
NUMBER_TRIM = "()[]*. \t"

# "(Item 5)" printed under a minute heading: the agenda item it records (ModernGov minutes).
ITEM_MARKER_RE = re.compile(
    r"""\(\s*(?:agenda\s+)?item\s+    # "(Item" or "(Agenda item"
        (?:no\.?\s*)?                 # optional "No."
        (\d{1,3}(?:\.\d{1,2})*)       # the agenda item number: 5, 5.2
        \s*\)""",
    re.I | re.X,
)

# "Minutes of the previous meeting", "minutes of the meeting held on ...", "Minutes of 11 February
# 2020", "to approve the Minutes of the Ordinary meeting dated ...": a minute approving minutes.
PREVIOUS_MINUTES_RE = re.compile(
    r"""\bminutes\s+                                  # the word itself
        (?:of|from)\s+(?:the\s+)?                     # "of the" / "from the"
        (?:(?:previous|last|preceding|parish|town|city|council|annual|board|ordinary|regular|
             special|joint|extraordinary|general|full|committee|cabinet|[A-Z][a-z]+)\s+){0,6}
        (?:meetings?|\d)                              # "meeting", or straight into a date
    """,
    re.X,
)
PREVIOUS_MINUTES_CI_RE = re.compile(PREVIOUS_MINUTES_RE.pattern, re.X | re.I)

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
          r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
# "11 February 2020", "28 th July 2022", "9th of January", "May 17, 2011", "December 12th"
WORD_DATE_RE = re.compile(
    rf"""\b(?:(?P<d1>\d{{1,2}})\s*(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_MONTH})\.?(?:,?\s*(?P<y1>\d{{4}}))?
          |(?P<m2>{_MONTH})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s*(?P<y2>\d{{4}}))?)
        (?!\d)""",
    re.I | re.X,
)
# "06/06/2018", "6.6.18": day and month order unknown, both are tried
NUMERIC_DATE_RE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b")

# Words that make a mention of minutes their approval.
APPROVAL_RE = re.compile(
    r"\b(?:approv\w*|agree\w*|confirm\w*|signed|accept\w*|adopt\w*|receive\w*|correct|true|accurate)\b", re.I)

# Kinds of meeting whose minutes are not the ordinary ones.
MEETING_QUALIFIERS = ("planning", "extraordinary", "annual", "special", "emergency")

# "the last meeting", "the previous meeting": the minutes meant are those of the body's meeting
# just before this one.
LAST_MEETING_RE = re.compile(r"\b(?:last|previous|preceding)\s+(?:\w+\s+){0,3}?meeting", re.I)

# "Agenda Item 5.2", "Agenda item no. 6", "Item 7" (alone at a line start) in a report's head.
AGENDA_REF_RE = re.compile(
    r"""(?:\bagenda\s+item|^\s*item)      # "Agenda Item", or "Item" opening a line
        \s*(?:no\.?\s*|number\s*)?:?\s*   # optional "No." / "number" / colon
        (\d{1,2}(?:\.\d{1,2}){0,2})       # 5, 5.2, 6.1.1
        (?![\d/-])                        # not the start of a date or a reference
    """,
    re.I | re.X | re.M,
)

# Decision numbers: "24/00093", "24-00108" (two-digit year, five digits); never the start of a
# planning reference ("19/00274/OM").
DECISION_NO_RE = re.compile(
    r"""(?<![\d/-])
        (\d{2})\s?[/-]\s?(\d{5})   # year and serial
        (?![\d/-])                 # not a longer number or a planning reference
    """,
    re.X,
)

_DECISION_HINT_RE = re.compile(r"\d[/-] ?\d{5}")

# Planning application references: "19/00274/OM", "24/00123/FUL", "22/02264/AGN", "DC/19/01234/FUL".
PLANNING_REF_RE = re.compile(
    r"""(?<![\w/])
        (?:[A-Z]{1,4}/)?            # optional authority prefix
        \d{2}/\d{4,5}               # year and serial
        /[A-Z]{1,5}\d?              # application type (FUL, OM, HOU, TCA, AGN, F, LB)
        (?![\w/])""",
    re.X,
)

_PLANNING_HINT_RE = re.compile(r"\d/[A-Z]")

# Cited paragraph numbers: "[paragraph no. 22-014]", "paragraph nos. 12-329, 12-330, and 12-331".
PARAGRAPH_REF_RE = re.compile(
    r"""\bparagraph\s+(?:nos?\.?|numbers?)\s*  # "paragraph no." / "paragraph nos." / "paragraph number"
        ((?:\d{2}-\s*\d{3,4}                # one number, which may wrap after the hyphen
           (?:\s*,\s*(?:and\s+)?|\s+and\s+)?)+)  # more, separated by commas or "and"
    """,
    re.I | re.X,
)
PARAGRAPH_NO_RE = re.compile(r"(\d{2})-\s*(\d{3,4})")

# Cited minutes: "minute 205/18", "min. 134/17", "item 155/20", "Item 16/07/12.ii", "minute 02.23.05".
MINUTE_REF_RE = re.compile(
    r"""\b(?:minute|min\.?|item|resolution)s?\s+   # the word that makes it a citation
        (?:no\.?\s*|number\s+)?                    # optional "No."
        (\d{1,4}/\d{2}(?:/\d{1,3})*(?:\.[ivx\d]+)?  # 205/18, 16/07/12.ii
         |\d{2}\.\d{2}\.\d{2})                     # 02.23.05
        (?![\d/])""",
    re.I | re.X,
)

_CITED_HINT_RE = re.compile(r"\d[/.]\d\d")

# An agenda and minutes are one meeting's when at least this share of the agenda's items is matched.
AGENDA_MIN_MATCHED = 0.4

# Caps: an item cites or recurs, it does not fan out over the whole store.
MAX_REFERENCE_TARGETS = 3
# same_subject by headings: a word in more than this share of a body's meetings is a standing item,
# and two headings name one subject from this IDF-weighted cosine up.
SUBJECT_MAX_SHARE = 0.3
SUBJECT_MIN_COSINE = 0.7
# a heading word in more than this many (and this share of) the body's headings is boilerplate
SUBJECT_RARE_ITEMS = 4
SUBJECT_RARE_SHARE = 0.01


WORD_RE = re.compile(r"[a-z]{3,}")
SENTENCE_END_RE = re.compile(r"[.:;]\W*$")
BRACKETED_RE = re.compile(r"\([^)]*\)")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """Crude plural folding so "barriers" meets "barrier"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _words(text: str) -> set[str]:
    return {_stem(w) for w in WORD_RE.findall(text.lower()) if w not in STOP}


def _similarity(a: str, b: str) -> float:
    """Cosine over sets of content words: short titles ("Apologies") still meet long ones."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / math.sqrt(len(wa) * len(wb))


def norm_number(number: str) -> str:
    """An item number as printed, without brackets, stars and a trailing period: "(*11-312)" -> "11-312"."""
    return re.sub(r"\s+", "", number.strip(NUMBER_TRIM)).lower()


def _last_number(number: str) -> str:
    parts = re.findall(r"\d+", number)
    return str(int(parts[-1])) if parts else number


def _short(text: str, n: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def _top(doc: Document) -> list[tuple[int, Item]]:
    return [(i, it) for i, it in enumerate(doc.items) if not it.parent]


def _head(item: Item, n: int = 300) -> str:
    """The title, or the opening of the text when the title is a fragment."""
    return item.title if len(item.title) > 40 else item.text[:n]


# -- agenda item -> minute of the same meeting ----------------------------------------------------
def _marker(item: Item) -> str | None:
    """The agenda item number printed as "(Item n)" in the first lines of a minute, if any."""
    m = ITEM_MARKER_RE.search(item.text[: len(item.title) + 120])
    return m.group(1) if m else None


def _match_items(ag: Document, mi: Document) -> list[tuple[float, int, int, str]]:
    """One-to-one (score, agenda index, minute index, evidence) pairs for an agenda and minutes."""
    a_items, m_items = _top(ag), _top(mi)
    markers = {mj: _marker(m) for mj, m in m_items}
    by_marker: dict[str, int] = {}
    for mj, mark in markers.items():
        if mark is not None:
            by_marker.setdefault(mark, mj)
    pairs: list[tuple[float, int, int, str]] = []
    for ai, a in a_items:
        a_no = norm_number(a.number)
        mj = by_marker.get(a_no, -1) if a_no else -1
        # the marker names the item; a shared word shows the "agenda" really is this meeting's
        if mj >= 0 and _similarity(a.title, mi.items[mj].title) >= 0.2:
            pairs.append((2.0, ai, mj, f"minute {mi.items[mj].number} is marked (Item {a_no})"))
            continue
        for mj, m in m_items:
            if markers[mj] is not None:
                continue  # a marked minute records the item it names, no other
            sim = _similarity(a.title, m.title)
            same_no = bool(a.number and m.number) and _last_number(a.number) == _last_number(m.number)
            if sim >= 0.5 or (same_no and sim >= 0.25):
                score = sim + (0.3 if same_no else 0.0)
                why = "same number and title" if same_no else "same title"
                pairs.append((score, ai, mj, why))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    used_a: set[int] = set()
    used_m: set[int] = set()
    out = []
    for p in pairs:
        if p[1] not in used_a and p[2] not in used_m:
            used_a.add(p[1])
            used_m.add(p[2])
            out.append(p)
    return out


def agenda_minutes_links(meeting_docs: Sequence[Document]) -> Iterator[Link]:
    """Agenda items -> minutes of the same meeting: "(Item n)" markers, else numbers and titles.

    Each agenda is matched to the one minutes document of the meeting that fits it best (an
    annual meeting's agenda to the annual meeting's minutes), one minute per agenda item.
    """
    agendas = [d for d in meeting_docs if d.kind == DocKind.AGENDA and d.items]
    minutes = [d for d in meeting_docs if d.kind == DocKind.MINUTES and d.items]
    for ag in agendas:
        scored = [(sum(p[0] for p in pairs), mi, pairs) for mi in minutes if (pairs := _match_items(ag, mi))]
        if not scored:
            continue
        _, mi, pairs = max(scored, key=lambda s: s[0])
        if len(pairs) < AGENDA_MIN_MATCHED * len(_top(ag)):
            continue  # a few standing items in common do not make these minutes this agenda's
        for score, ai, mj, why in sorted(pairs, key=lambda p: p[1]):
            a, m = ag.items[ai], mi.items[mj]
            conf = 0.95 if score >= 2.0 else round(min(0.95, 0.45 + score / 2), 2)
            yield Link(item_id(ag.id, ai), item_id(mi.id, mj), "agenda_minutes",
                       f"agenda item {a.number} \u201c{_short(a.title)}\u201d is minuted as "
                       f"{m.number} \u201c{_short(m.title)}\u201d ({why})", conf)


# -- a minute -> the earlier minutes it approves ----------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Body:
    """The store seen by body: which documents and meetings each body key has."""

    key_of: Mapping[str, str]
    compatible: Mapping[str, frozenset[str]]

    def same(self, a: str, b: str) -> bool:
        return b in self.compatible.get(a, frozenset({a}))


def _bodies(documents: Sequence[Document], body_keys: Mapping[str, str]) -> _Body:
    """Body keys that name the same body: equal, or one's words inside the other's ("kent" / "kent cabinet")."""
    keys = {body_keys.get(d.id, "") for d in documents}
    sets = {k: frozenset(k.split()) for k in keys}
    compatible: dict[str, frozenset[str]] = {}
    for k, ks in sets.items():
        if not ks:
            compatible[k] = frozenset({k})
            continue
        compatible[k] = frozenset(o for o, os in sets.items() if os and (ks <= os or os <= ks))
    return _Body({d.id: body_keys.get(d.id, "") for d in documents}, compatible)


def _month_no(name: str) -> int:
    return MONTHS.index(name[:3].lower()) + 1


def _dates_before(text: str, meeting: date) -> list[str]:
    """ISO dates written in ``text`` that fall before the meeting, in order of appearance.

    A year-less date is the latest such day before the meeting; an all-numeric date yields both
    readings (the store decides which one names minutes that exist).
    """
    found: list[tuple[int, list[date]]] = []
    for m in WORD_DATE_RE.finditer(text):
        day = int(m.group("d1") or m.group("d2"))
        month = _month_no(m.group("m1") or m.group("m2"))
        year = m.group("y1") or m.group("y2")
        found.append((m.start(), _candidates(day, month, int(year) if year else None, meeting)))
    for m in NUMERIC_DATE_RE.finditer(text):
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        y = y + 2000 if y < 100 else y
        found.append((m.start(), _candidates(a, b, y, meeting) + _candidates(b, a, y, meeting)))
    out: list[str] = []
    for _, ds in sorted(found, key=lambda f: f[0]):
        out.extend(d.isoformat() for d in ds if d < meeting and d.isoformat() not in out)
    return out


def _candidates(day: int, month: int, year: int | None, meeting: date) -> list[date]:
    years = [year] if year else [meeting.year, meeting.year - 1]
    out = []
    for y in years:
        try:
            d = date(y, month, day)
        except ValueError:
            continue
        if d < meeting:
            out.append(d)
            if not year:
                break  # the latest such day before the meeting
    return out


def _pick_minutes(cands: Sequence[Document], head: str) -> Document | None:
    """Among minutes of one date, the one the words point at (an annual meeting's, or not)."""
    if len(cands) == 1:
        return cands[0]
    annual = "annual" in head.lower()
    fit = [c for c in cands if ("annual" in (c.title + " " + c.preamble[:200]).lower()) == annual]
    return fit[0] if len(fit) == 1 else None


def previous_minutes_links(documents: Sequence[Document], bodies: _Body) -> Iterator[Link]:
    """Items approving earlier minutes -> the first item of those minutes (same body).

    A stated date must be the date of stored minutes of the same body. "The last meeting" is the
    body's latest earlier meeting in the store, and links only when that meeting has minutes: a
    gap in the store must not make an older meeting look like the last one.
    """
    minutes_on: dict[tuple[str, str], list[Document]] = defaultdict(list)
    meeting_dates: dict[str, set[str]] = defaultdict(set)
    for d in documents:
        if not d.meeting_date:
            continue
        key = bodies.key_of[d.id]
        meeting_dates[key].add(d.meeting_date)
        if d.kind == DocKind.MINUTES and d.items:
            minutes_on[(key, d.meeting_date)].append(d)
    for d in documents:
        if d.kind not in (DocKind.MINUTES, DocKind.AGENDA) or not d.meeting_date:
            continue
        key = bodies.key_of[d.id]
        if not key:
            continue
        keys = [k for k in bodies.compatible.get(key, frozenset({key}))]
        try:
            base = date.fromisoformat(d.meeting_date)
        except ValueError:
            continue
        for i, it in enumerate(d.items):
            head = it.text[:400] if it.title and it.text.find(it.title[:20]) >= 0 else f"{it.title}\n{it.text[:400]}"
            if "minutes" not in head.lower():
                continue  # a cheap test first: most items approve nothing
            matches = list(PREVIOUS_MINUTES_CI_RE.finditer(head))
            if not matches or not ("minutes" in it.title.lower() or APPROVAL_RE.search(head)):
                continue  # minutes mentioned in passing are not minutes approved
            tails = [head[m.start(): m.end() + 80] for m in matches]
            tail = tails[0]
            written = list(dict.fromkeys(x for t in tails for x in _dates_before(t, base)))
            if written:
                # each stated date with stored minutes; a date without them links nowhere else
                targets = [(x, 0.95) for x in written if any(minutes_on.get((k, x)) for k in keys)]
                tail = next((t for t in tails if _dates_before(t, base)), tail)
            elif any(LAST_MEETING_RE.search(t) for t in tails):
                earlier = [x for k in keys for x in meeting_dates.get(k, ()) if x < d.meeting_date]
                targets = [(max(earlier), 0.8)] if earlier else []
                # "the minutes of the planning meeting": the latest meeting must be of that kind
                named = {q for q in MEETING_QUALIFIERS if q in " ".join(tails).lower()}
                if named:
                    targets = [(w, c) for w, c in targets if any(
                        all(q in (m.title + " " + m.preamble[:300]).lower() for q in named)
                        for k in keys for m in minutes_on.get((k, w), []))]
            else:
                continue
            for when, conf in targets[:MAX_REFERENCE_TARGETS]:
                cands = [c for k in keys for c in minutes_on.get((k, when), []) if c.id != d.id]
                target = _pick_minutes(cands, head)
                if target is not None:
                    yield Link(item_id(d.id, i), item_id(target.id, 0), "previous_minutes",
                               f"{_short(tail, 140)} \u2192 minutes of {when}", conf)


# -- a report -> the agenda item it serves ----------------------------------------------------------
def _decision_numbers(text: str) -> list[str]:
    if not _DECISION_HINT_RE.search(text):
        return []  # a cheap scan first: most texts have no such number
    return [f"{m.group(1)}/{m.group(2)}" for m in DECISION_NO_RE.finditer(text)]


def report_links(meeting_docs: Sequence[Document]) -> Iterator[Link]:
    """Reports -> the agenda item they serve, in each agenda of the meeting.

    A printed "Agenda Item 5.2" links the report item that carries it (a report answering several
    items links each part). Without one, a decision number shared with an agenda item's title,
    or else a close title, links the report's first item.
    """
    agendas = [d for d in meeting_docs if d.kind == DocKind.AGENDA and d.items]
    if not agendas:
        return
    for rep in meeting_docs:
        if rep.kind not in (DocKind.REPORT, DocKind.APPENDIX) or not rep.items:
            continue
        marked = False
        for ri, it in enumerate(rep.items):
            head = it.title + "\n" + it.text[:200]
            if ri == 0:
                head = "\n".join((rep.title, rep.preamble[:1500], head))
            for ref in dict.fromkeys(m.group(1) for m in AGENDA_REF_RE.finditer(head)):
                marked = True
                for ag in agendas:
                    found = _numbered_target(ag, ref, it)
                    if found:
                        yield Link(item_id(rep.id, ri), item_id(ag.id, found[0]), "report", found[1], found[2])
        if marked:
            continue
        head = "\n".join((rep.title, rep.preamble[:1500], rep.items[0].text[:300]))
        decisions = set(_decision_numbers(head))
        for ag in agendas:
            found = _unmarked_target(rep, ag, decisions)
            if found:
                yield Link(item_id(rep.id, 0), item_id(ag.id, found[0]), "report", found[1], found[2])


def _numbered_target(ag: Document, ref: str, it: Item) -> tuple[int, str, float] | None:
    """The agenda item numbered ``ref``; failing that its parent, when the parent's text names
    the report part's subject (agenda 5 listing "Update on Transforming Lives" for a 5.2 part)."""
    numbers = {norm_number(a.number): i for i, a in enumerate(ag.items) if a.number}
    if ref in numbers:
        return numbers[ref], f"report is marked \u201cAgenda Item {ref}\u201d", 0.9
    parent = ref.rsplit(".", 1)[0] if "." in ref else None
    if parent in numbers:
        pi = numbers[parent]
        words = _words(it.title)
        if words and len(words & _words(ag.items[pi].text)) / len(words) >= 0.5:
            return (pi, f"report is marked \u201cAgenda Item {ref}\u201d; agenda item {parent} lists "
                        f"\u201c{_short(it.title, 60)}\u201d", 0.8)
    return None


def _unmarked_target(rep: Document, ag: Document, decisions: set[str]) -> tuple[int, str, float] | None:
    for i, it in enumerate(ag.items):
        shared = decisions & set(_decision_numbers(it.title))
        if shared:
            return i, f"decision {min(shared)} in the report and in agenda item {it.number} title", 0.9
    if rep.title:
        best = max(((_similarity(rep.title, a.title), i, a) for i, a in _top(ag)), key=lambda t: t[0],
                   default=None)
        if best and best[0] >= 0.6 and len(_words(rep.title) & _words(best[2].title)) >= 2:
            return (best[1], f"report \u201c{_short(rep.title)}\u201d matches agenda item {best[2].number} "
                             f"\u201c{_short(best[2].title)}\u201d", round(min(0.85, 0.4 + best[0] / 2), 2))
    return None


# -- an action across meetings ----------------------------------------------------------------------
def action_links(actions: Sequence[ActionRecord]) -> Iterator[Link]:
    """Each mention of an action point -> its next mention, from the register's history.

    Actions listed in one table travel together: one link per pair of items, naming them all.
    """
    updates: dict[tuple[str, str], list[str]] = defaultdict(list)
    for a in actions:
        steps = [s for s in a.history if s.item]
        for prev, nxt in zip(steps, steps[1:], strict=False):
            if prev.item and nxt.item and prev.item != nxt.item:
                update = _short(nxt.update, 80)
                updates[(prev.item, nxt.item)].append(f"{a.id}: {update}" if update else a.id)
    for (source, target), notes in updates.items():
        evidence = "action " if len(notes) == 1 else f"{len(notes)} actions: "
        yield Link(source, target, "action", _short(evidence + "; ".join(notes), 300), 0.95)


# -- cited references -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Where:
    """One item's place in the store, for lookups by number and subject."""

    doc: Document
    index: int
    date: str  # meeting date, "" when unknown
    id: str  # the item id


def _where(doc: Document, index: int) -> _Where:
    return _Where(doc, index, doc.meeting_date or "", item_id(doc.id, index))


def _numbered(documents: Sequence[Document], bodies: _Body) -> dict[tuple[str, str], list[_Where]]:
    """(body key, normalised item number) -> items, for numbers distinctive enough to cite."""
    index: dict[tuple[str, str], list[_Where]] = defaultdict(list)
    for d in documents:
        key = bodies.key_of[d.id]
        for i, it in enumerate(d.items):
            no = norm_number(it.number)
            if re.search(r"\d[/.-]\d", no):
                index[(key, no)].append(_where(d, i))
    return index


def _cited(text: str) -> Iterator[tuple[str, str]]:
    """(normalised number, evidence) for each item number the text cites."""
    # cheap scans first: most items cite nothing
    if "aragraph" in text:
        for m in PARAGRAPH_REF_RE.finditer(text):
            for p in PARAGRAPH_NO_RE.finditer(m.group(1)):
                yield f"{p.group(1)}-{p.group(2)}", " ".join(m.group(0).split())
    if ("/" in text or "." in text) and _CITED_HINT_RE.search(text):
        for m in MINUTE_REF_RE.finditer(text):
            yield m.group(1).lower(), m.group(0)


def _closest(cands: Sequence[_Where], src: _Where) -> _Where | None:
    """The cited item: in the citing document, else the same meeting, else the latest earlier one."""
    others = [c for c in cands if c.id != src.id]
    if not others:
        return None
    same_doc = [c for c in others if c.doc.id == src.doc.id]
    if same_doc:
        return same_doc[0]
    same_day = [c for c in others if c.date and c.date == src.date]
    if same_day:
        minutes = [c for c in same_day if c.doc.kind == DocKind.MINUTES]
        return (minutes or same_day)[0]
    earlier = [c for c in others if c.date and src.date and c.date < src.date]
    if earlier:
        return max(earlier, key=lambda c: (c.date, c.doc.kind == DocKind.MINUTES))
    dated = [c for c in others if c.date]
    return min(dated, key=lambda c: c.date) if len({c.date for c in dated}) == 1 else None


def reference_links(documents: Sequence[Document], bodies: _Body) -> Iterator[Link]:
    """Cited paragraph/minute numbers -> the item of that number in the same body; decision
    numbers in the text -> items whose title carries that number."""
    numbered = _numbered(documents, bodies)
    by_decision: dict[str, list[_Where]] = defaultdict(list)
    for d in documents:
        for i, it in enumerate(d.items):
            for no in set(_decision_numbers(it.title)):
                by_decision[no].append(_where(d, i))
    for d in documents:
        key = bodies.key_of[d.id]
        if not key:
            continue
        keys = bodies.compatible.get(key, frozenset({key}))
        for i, it in enumerate(d.items):
            src = _where(d, i)
            own = norm_number(it.number)
            targets: dict[str, tuple[str, float]] = {}
            for no, evidence in _cited(it.text):
                if no == own:
                    continue
                cands = [w for k in keys for w in numbered.get((k, no), ())]
                hit = _closest(cands, src)
                if hit is not None:
                    targets.setdefault(hit.id, (f"\u201c{evidence}\u201d cites {hit.doc.items[hit.index].number}", 0.9))
            title_nos = set(_decision_numbers(it.title))
            for no in dict.fromkeys(_decision_numbers(it.text)):
                if no in title_nos:
                    continue  # the item is that decision; its other papers are same_subject
                cands = [w for w in by_decision.get(no, ()) if bodies.same(key, bodies.key_of[w.doc.id])]
                # the item for that decision at the latest meeting up to this one, in each kind of paper
                best: dict[DocKind, _Where] = {}
                for w in cands:
                    if w.id == src.id or (src.date and w.date and w.date > src.date):
                        continue
                    cur = best.get(w.doc.kind)
                    if cur is None or (w.date, -w.index) > (cur.date, -cur.index):
                        best[w.doc.kind] = w
                for w in best.values():
                    targets.setdefault(w.id, (f"decision {no} cited; item {w.doc.items[w.index].number} "
                                              f"\u201c{_short(w.doc.items[w.index].title, 60)}\u201d", 0.85))
            for tid, (evidence, conf) in list(targets.items())[:MAX_REFERENCE_TARGETS]:
                yield Link(src.id, tid, "reference", evidence, conf)


# -- the same subject meeting after meeting --------------------------------------------------------
# A heading that reports someone speaking ("Councilmember X stated ...") is not a subject.
SPEECH_RE = re.compile(
    r"""\b(?:stated|announced|discussed|expressed|submitted|thanked|welcomed|inquired|requested|
          commented|spoke|urged|invited|congratulated|noted|reported|moved|seconded|presented|read|
          responded|addressed|gave|provided|made|suggested|asked|clarified|explained|outlined|advised|
          declared)\b""",
    re.I | re.X,
)


_PROCEDURAL_STEMS = frozenset(_stem(w) for w in PROCEDURAL)


def _subject_heading(it: Item) -> str:
    """The item's heading: a title cut short by the line end runs on to the end of its sentence
    (legal titles put what is distinctive last: which lease, which union, which district)."""
    title = it.title
    if len(title) >= 45 and not title.rstrip().endswith((".", ":", ";")):
        lines = it.text.split("\n", 4)
        for line in lines[1:4]:
            title += " " + line
            if SENTENCE_END_RE.search(line) or len(line) < 30:
                break
    title = BRACKETED_RE.sub(" ", title)  # "(Pages 11 - 84)", "(Item 5)"
    return URL_RE.sub(" ", title)


def _addresses(it: Item) -> frozenset[str]:
    return frozenset(m.group(1) for m in ADDRESS_RE.finditer(_subject_heading(it)))


def _subject_words(it: Item, heading: str | None = None) -> frozenset[str]:
    """Content words of the heading that can name a subject: procedure words and people's names
    left out, nothing at all for a heading that opens with procedure ("Apologies for absence:
    Cllr ...", "Finance 9.1 Accounts for ...")."""
    heading = _subject_heading(it) if heading is None else heading
    if SPEECH_RE.search(heading) or PREVIOUS_MINUTES_CI_RE.search(heading):
        return frozenset()  # someone speaking, or minutes being approved: previous_minutes' job
    names = {w.lower() for m in TITLED_NAME_RE.finditer(heading) for w in m.group(1).split()}
    names.update(w.lower() for p in it.people if p.start < len(heading) + 40 for w in p.text.split())
    words = [_stem(w) for w in WORD_RE.findall(heading.lower())
             if w not in STOP and w not in names][:SUBJECT_MAX_WORDS]
    if len(words) >= 2 and words[0] in _PROCEDURAL_STEMS and words[1] in _PROCEDURAL_STEMS:
        return frozenset()
    return frozenset(w for w in words if w not in _PROCEDURAL_STEMS)


def _title_terms(title: str) -> set[str]:
    """Subject words of a bare title (for tests and callers without an item)."""
    return set(_subject_words(Item("", title, None, 1, 1, title)))


def _number_keys(it: Item) -> Iterator[tuple[str, str]]:
    """(key, evidence) for the numbered subjects an item is about: planning applications in its
    text, decision numbers in its title."""
    text = it.title + "\n" + it.text
    refs = PLANNING_REF_RE.finditer(text) if "/" in text and _PLANNING_HINT_RE.search(text) else ()
    for ref in dict.fromkeys(m.group(0) for m in refs):
        yield f"planning:{ref}", f"planning application {ref}"
    for no in dict.fromkeys(_decision_numbers(it.title)):
        yield f"decision:{no}", f"decision {no}"


def _places(documents: Sequence[Document], bodies: _Body) -> dict[str, list[_Where]]:
    """Items of dated agendas and minutes by body key, in meeting order."""
    out: dict[str, list[_Where]] = defaultdict(list)
    for d in documents:
        key = bodies.key_of[d.id]
        if d.kind in (DocKind.MINUTES, DocKind.AGENDA) and d.meeting_date and key:
            out[key].extend(_where(d, i) for i in range(len(d.items)))
    for ws in out.values():
        ws.sort(key=lambda w: (w.date, w.doc.kind != DocKind.MINUTES, w.doc.id, w.index))
    return out


def _previous(cands: Iterable[_Where], w: _Where) -> _Where | None:
    """The candidate at the latest meeting before ``w``'s, of the same kind of paper if there is one."""
    earlier = [c for c in cands if c.date < w.date]
    if not earlier:
        return None
    last = max(c.date for c in earlier)
    at = [c for c in earlier if c.date == last]
    return next((c for c in at if c.doc.kind == w.doc.kind), at[0])


def same_subject_links(documents: Sequence[Document], bodies: _Body) -> Iterator[Link]:
    """Each occurrence of a recurring subject -> its previous occurrence at an earlier meeting of
    the same body.

    Subjects are planning applications and decision numbers (from the text), and item headings
    whose distinctive words match: an IDF-weighted cosine over heading words (IDF over the body's
    meetings) of at least ``SUBJECT_MIN_COSINE``, sharing two words, or one rare word that is the
    whole subject ("Defibrillator"). Standing items (a word in more than ``SUBJECT_MAX_SHARE`` of
    the meetings) never count as a subject on their own.
    """
    for places in _places(documents, bodies).values():
        by_number: dict[str, list[_Where]] = defaultdict(list)
        evidence_of: dict[str, str] = {}
        words_of: dict[str, frozenset[str]] = {}
        meetings_with: dict[str, set[str]] = defaultdict(set)
        items_with: Counter[str] = Counter()
        headings: dict[str, str] = {}
        for w in places:
            it = w.doc.items[w.index]
            for k, ev in _number_keys(it):
                by_number[k].append(w)
                evidence_of[k] = ev
            headings[w.id] = heading = _subject_heading(it)
            words = _subject_words(it, heading)
            words_of[w.id] = words
            items_with.update(words)
            for word in words:
                meetings_with[word].add(w.date)
        n_meetings = len({w.date for w in places})
        idf = {word: math.log((n_meetings + 1) / (len(ds) + 0.5)) for word, ds in meetings_with.items()}
        standing = {word for word, ds in meetings_with.items()
                    if n_meetings >= 5 and len(ds) > SUBJECT_MAX_SHARE * n_meetings}
        # words in many headings are the body's boilerplate ("authorizing", "agreement"), not a subject
        limit = max(SUBJECT_RARE_ITEMS, SUBJECT_RARE_SHARE * len(places))
        common = {word for word, n in items_with.items() if n > limit}
        for k, ws in by_number.items():
            for w in ws:
                prev = _previous(ws, w)
                if prev is not None:
                    t = prev.doc.items[prev.index]
                    yield Link(w.id, prev.id, "same_subject", f"{evidence_of[k]}; earlier at {prev.date}: "
                               f"{t.number} \u201c{_short(t.title, 60)}\u201d", 0.9)
        # near-unique names in a heading ("Claimant: David Ellis", "Webster Street BIA"): two headings
        # that each name something the other does not are about two different things
        unique = {w.id: frozenset(_stem(x.lower()) for x in CAPITALISED_RE.findall(headings[w.id])
                                  if items_with[_stem(x.lower())] <= 2) for w in places}
        yield from _heading_links(places, words_of, idf, standing, common, unique)


def _heading_links(places: Sequence[_Where], words_of: Mapping[str, frozenset[str]], idf: Mapping[str, float],
                   standing: set[str], common: set[str],
                   unique: Mapping[str, frozenset[str]]) -> Iterator[Link]:
    """Each heading -> the matching heading at the latest earlier meeting (see same_subject_links)."""
    postings: dict[str, list[int]] = defaultdict(list)
    words = [words_of[w.id] for w in places]
    rare = [ws - standing - common for ws in words]
    norm = [math.sqrt(sum(idf[x] ** 2 for x in ws)) for ws in words]
    short = [len(w.doc.items[w.index].title.split()) <= 3 for w in places]
    postings_all: dict[str, list[int]] = defaultdict(list)
    for i, ws in enumerate(words):
        for word in ws:
            postings_all[word].append(i)
            if word in rare[i]:
                postings[word].append(i)
    addresses: dict[int, frozenset[str]] = {}
    for i, w in enumerate(places):
        if not rare[i] and not (short[i] and len(words[i]) == 1):
            continue
        # candidates share two rare words, or are the same one-word subject
        shared_count = Counter(j for word in rare[i] for j in postings[word] if places[j].date < w.date)
        cands = [j for j, n in shared_count.items() if n >= 2 or (n == 1 and short[i] and short[j])]
        if not cands and short[i] and len(words[i]) == 1:
            # a one-word subject may be common in the body's headings and still be the whole subject
            cands = [j for word in words[i] - standing for j in postings_all[word]
                     if places[j].date < w.date and short[j]]
        best: tuple[str, float, bool, int] | None = None
        for j in sorted(cands, key=lambda j: places[j].date, reverse=True):
            c = places[j]
            if best is not None and c.date < best[0]:
                break  # only the latest earlier meeting with a match counts
            shared = words[i] & words[j]
            cos = sum(idf[x] ** 2 for x in shared) / (norm[i] * norm[j])
            # one word can be the whole subject ("Defibrillator") only as the whole of a short title
            whole = (len(shared) == 1 and words[i] == words[j] and len(next(iter(shared))) >= 5
                     and short[i] and short[j] and not shared & standing)
            if cos < SUBJECT_MIN_COSINE or not (len(shared & rare[i]) >= 2 or whole):
                continue
            a_i = addresses.setdefault(i, _addresses(w.doc.items[w.index]))
            a_j = addresses.setdefault(j, _addresses(c.doc.items[c.index]))
            if a_i and a_j and not a_i & a_j:
                continue  # two street numbers: two places
            if unique[w.id] - words[j] and unique[c.id] - words[i]:
                continue  # each names something the other does not
            rank = (c.date, cos, c.doc.kind == w.doc.kind, -j)
            if best is None or rank > (best[0], best[1], best[2], -best[3]):
                best = (c.date, cos, c.doc.kind == w.doc.kind, j)
        if best is None:
            continue
        c = places[best[3]]
        shared_words = sorted(words[i] & words[best[3]], key=lambda x: -idf[x])
        t = c.doc.items[c.index]
        yield Link(w.id, c.id, "same_subject",
                   f"same subject ({', '.join(shared_words[:4])}); earlier at {c.date}: {t.number} "
                   f"\u201c{_short(t.title, 60)}\u201d", round(min(0.85, 0.3 + best[1] * 0.6), 2))


# -- all of it --------------------------------------------------------------------------------------
def _dedupe(links: Iterable[Link]) -> list[Link]:
    """First link per (source, target, kind); no self-links."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for link in links:
        key = (link.source, link.target, link.kind)
        if key not in seen and link.source != link.target and link.source and link.target:
            seen.add(key)
            out.append(link)
    return out


def build_links(documents: Sequence[Document], meetings: Mapping[str, list[str]],
                body_keys: Mapping[str, str], actions: Sequence[ActionRecord]) -> list[Link]:
    """All links; ``meetings`` maps meeting id -> document ids, ``body_keys`` doc id -> body key."""
    by_id = {d.id: d for d in documents}
    bodies = _bodies(documents, body_keys)
    links: list[Link] = []
    for doc_ids in meetings.values():
        mdocs = [by_id[i] for i in doc_ids if i in by_id]
        links.extend(agenda_minutes_links(mdocs))
        links.extend(report_links(mdocs))
    links.extend(previous_minutes_links(documents, bodies))
    links.extend(action_links(actions))
    links.extend(reference_links(documents, bodies))
    links.extend(same_subject_links(documents, bodies))
    return _dedupe(links)


def kind_counts(links: Iterable[Link]) -> Counter[str]:
    """Links per kind, for summaries."""
    return Counter(link.kind for link in links)
