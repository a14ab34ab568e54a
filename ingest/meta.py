"""Document metadata from the text itself: kind, meeting body, meeting date and a short title.

Every function here is pure over :class:`Line` values (plus the file path and any front matter),
so each rule can be tested on literal strings. The text is always trusted before the front
matter, and the front matter before the file name: posted files are often renamed by the date
they were published, not the date of the meeting.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import dateparser

from minutebook.model import DocKind, Line

# How many lines from the top of a document can hold its heading block.
HEADING_LINES = 24
# A Markdown paragraph is one Line; only its opening characters belong to the heading.
HEADING_CHARS = 400
# Words in a line that is a heading rather than a sentence.
SHORT_LINE_WORDS = 8

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip

_MONTH = r"""(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?
    |sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"""
# Separators seen between date parts: spaces, commas, dashes, dots and the stray quote marks
# that some PDF exports put between every word ("Thursday,'10 'September'2015").
_SEP = r"""[\s'’‘",.\-–]"""

DMY_RE = re.compile(
    rf"""
    \b(?P<day>[0-3]?\d)              # day
    (?:\s?(?:st|nd|rd|th))?          # ordinal suffix, sometimes split off as a superscript
    (?:{_SEP}+of)?                   # "10th of March"
    {_SEP}+
    {_MONTH}\b\.?                     # month name or abbreviation
    {_SEP}*
    (?P<year>(?:19|20)\d\d)\b        # four-digit year
    """,
    re.I | re.X,
)

MDY_RE = re.compile(
    rf"""
    \b{_MONTH}\b\.?                   # month name first (US, and some UK headings)
    {_SEP}+
    (?P<day>[0-3]?\d)                # day
    (?:\s?(?:st|nd|rd|th))?\b        # ordinal suffix
    {_SEP}+
    (?P<year>(?:19|20)\d\d)\b        # four-digit year
    """,
    re.I | re.X,
)

ISO_RE = re.compile(
    r"""
    \b(?P<year>(?:19|20)\d\d)        # year
    -(?P<month>[01]\d)               # month
    -(?P<day>[0-3]\d)                # day
    (?![\d-])                        # not part of a longer number
    """,
    re.X,
)

NUMERIC_RE = re.compile(
    r"""
    (?<![\d/.])                      # not inside a longer reference such as 15/12/2
    (?P<text>[0-3]?\d[/.][01]?\d[/.](?:(?:19|20)\d\d|\d\d))  # 06/10/2020, 6.10.20
    (?![\d/.]*\d)                    # not followed by more digits
    """,
    re.X,
)

# Context just before a date that says it is not this meeting's date.
NOT_THIS_MEETING_RE = re.compile(
    r"""
    (?:
        (?:\b(?:last|previous|prior|next|future|earlier|subsequent)
          | \b(?:the|a)\s+following)\s+            # "the following meeting", not "following the meeting"
            (?:\w+\s+){0,2}(?:meeting|minutes)\b(?:\W+\w+){0,4}\W*$   # "the last meeting held on"
      | \b(?:next|following)\s+meeting\s+(?:will|is|shall)\s+be\s+held\b[^.\n]{0,40}$   # "... will be held on"
      | \b(?:published|publication|issued|printed|dated|despatched|dispatched
            |circulated|posted|updated|revised|received)\W*(?:on\W*)?$   # paper dates
      | \b(?:continued|adjourned|postponed|rescheduled|moved)\b(?:\s+(?:from|to))?[^.\n]{0,40}$
      | \b(?:deadline|by|before|until|from|since|ending|ended|between)\W*$   # periods, deadlines
    )
    """,
    re.I | re.X,
)

# The draft-minutes notice in a heading ("DRAFT FOR CONSIDERATION AT THE NEXT MEETING Tuesday 3rd
# July 2018", "Subject to approval at the next meeting"): it names the next meeting without dating
# it, so the date after it is still this meeting's.
DRAFT_NOTICE_RE = re.compile(
    r"""
    \b(?:consideration|approval|confirmation|signing|signature|agreement|adoption   # what the draft awaits
       |approved|confirmed|signed|agreed|adopted|considered|ratified|ratification)
    \s+(?:at|by)\s+(?:the\s+)?next\s+(?:\w+\s+)?meeting\b                         # "at the next (Council) meeting"
    (?!\W*(?:on|held|of|to\s+be\s+held|scheduled|date)\b)   # "... next meeting on 3 July" dates the next one
    """,
    re.I | re.X,
)

# Text right after a date that marks it as an approval header ("March 25, 2015 / Item 4A").
APPROVAL_HEADER_RE = re.compile(
    r"""^\W{0,6}(?:agenda\s+)?item\s+[\dA-Z]{1,4}\b""",
    re.I | re.X,
)

# Context before a date that says it is the date of this meeting ("held on", a weekday).
THIS_MEETING_RE = re.compile(
    r"""
    (?:
        \bheld\b[^.]{0,80}$                         # "held in the Village Hall on"
      | \bmeeting\b[^.]{0,40}\b(?:on|of)\W*$        # "Meeting of 5 May", "meeting on"
      | \bto:[^\n]{0,60}$                           # "To: Cabinet – 30 January 2025"
      | \b(?:mon|tues|wednes|thurs|fri|satur|sun)day\W*$   # "Thursday, 30 January 2025"
    )
    """,
    re.I | re.X,
)
# Context that makes a date plausible but not certain: a "Date:" label (letters carry their own
# date too), or a date line of its own.
DATE_LABEL_RE = re.compile(r"(?:\bdate\b\W*|^\W*)$", re.I)

# A line that opens a numbered item ("3.", "02.23.05", "15/12/5", "(11-190)"): from here on we are
# past the heading block.
ITEM_LINE_RE = re.compile(
    r"""
    ^\s*(?:
        \d{1,3}(?:\.\d{1,3}){0,3}[.)]?\s+        # 3. Apologies / 5.2 Clerk / 1 Welcome
            (?!(?:st|nd|rd|th|am|pm|a\.m|p\.m)\b)   # but not "11 th" or "7.30 pm"
            (?!(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{4}\b)  # nor "12 April 2016"
            [A-Za-z]
      | \d{1,3}[A-Z][.)]\s                          # 4A. Approve Meeting Minutes
      | \d\d\.\d\d\.\d\d\b                          # Souldern 02.23.05
      | \d\d/\d\d/\d{1,2}\b                         # Northwold 15/12/5
      | \(\*?\d\d-\d{3}[A-Z]?\b                     # Alameda (11-190)
      | [a-z][.)]\s                                 # a. sub-item
    )
    """,
    re.X,
)

# Where the attendance list starts: the heading is over.
ATTENDANCE_RE = re.compile(
    r"""
    \b(?:councillors\s+present|present\s*[:;(–-]|those\s+(?:attending|present)|attendees\b
      |attendance\s*:|roll\s+call|in\s+attendance|members\s+present|apologies\s*[:;])
    """,
    re.I | re.X,
)

# A line that opens an attendance list ("PRESENT Cllr ...", "Councillors present:").
ATTENDANCE_OPENS_RE = re.compile(
    r"^\W*(?:present|attendees|attendance|(?:councillors|members|those)\s+present|those\s+attending|roll\s+call)\b",
    re.I,
)

FRONT_MATTER_LINE_RE = re.compile(r"""^\s*(?P<key>[A-Za-z_]+)\s*[=:]\s*"?(?P<value>.*?)"?\s*$""")
TOML_FENCE = "+++"
# Front matter keys that describe an event (a meeting) rather than a web post.
EVENT_KEYS = {"enddate", "end", "start", "startdate", "location", "venue", "time", "postcode"}

WEEKDAY_RE = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.I)


@dataclass(frozen=True, slots=True)
class DateCandidate:
    """A full date found in the heading block, with its offset and what the context says."""

    iso: str
    start: int
    end: int
    score: int  # 2: the context names it as this meeting's date; 1: a label or a line of its own
    rule: str


# ---------------------------------------------------------------------------------------------
# heading block


def front_matter_from_lines(lines: Sequence[Line]) -> tuple[dict[str, str], int]:
    """TOML (``+++``) front matter left in the text by the reader: its keys and the lines it spans.

    Returns ``({}, 0)`` when the text does not open with a fence.
    """
    if not lines or lines[0].text.strip() != TOML_FENCE:
        return {}, 0
    front: dict[str, str] = {}
    for i, line in enumerate(lines[1:40], start=1):
        if line.text.strip() == TOML_FENCE:
            return front, i + 1
        m = FRONT_MATTER_LINE_RE.match(line.text)
        if m:
            front[m.group("key").lower()] = m.group("value")
    return {}, 0


def body_lines(lines: Sequence[Line]) -> list[Line]:
    """The lines after any TOML front matter the reader left in the text."""
    _, skip = front_matter_from_lines(lines)
    return list(lines[skip:])


def unquote(text: str) -> str:
    """Text with quote marks or "!" used as word separators turned back into spaces.

    Some PDF exports put them between every word: "Formal'notice'for'" -> "Formal notice for".
    """
    seps = len(re.findall(r"(?<=\S)['!](?=\S|$)", text))
    if seps >= 2 and seps >= text.count(" "):
        return re.sub(r"['!]", " ", text)
    return text


def heading_block(lines: Sequence[Line]) -> list[str]:
    """Texts of the heading block: the top lines up to the first numbered item or attendance list.

    A long Markdown paragraph is cut at its first attendance marker, so "Minutes of the meeting
    held on 9th December 2015 Attendance: ..." keeps only the heading part.
    """
    out: list[str] = []
    lines = body_lines(lines)
    first_page = lines[0].page if lines else 1
    for i, line in enumerate(lines[:HEADING_LINES]):
        text = unquote(line.text).strip()
        if not text:
            continue
        if i > 0 and line.page != first_page and len(out) >= 3:
            break
        if ITEM_LINE_RE.match(text) and out:
            break
        m = ATTENDANCE_RE.search(text)
        if m:
            if m.start() > 0:
                out.append(text[: m.start()])
            if out:
                break
            # a document that opens with its attendance list has no heading block
            return []
        out.append(text[:HEADING_CHARS])
        if len(text) > HEADING_CHARS:
            break
    return out


# ---------------------------------------------------------------------------------------------
# dates


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _month_number(name: str) -> int:
    return MONTHS[name[:3].lower()]


def parse_numeric_date(text: str, us: bool = False) -> str | None:
    """ISO date of a numeric date such as ``06/10/2020`` (day first unless ``us``), via dateparser."""
    parsed = dateparser.parse(
        text.replace(".", "/"),
        languages=["en"],
        settings={"DATE_ORDER": "MDY" if us else "DMY", "PREFER_DAY_OF_MONTH": "first", "STRICT_PARSING": True},
    )
    return parsed.date().isoformat() if parsed else None


def find_dates(text: str, numeric: bool = True, us: bool = False) -> Iterator[tuple[int, int, str, str]]:
    """Full dates in ``text`` as ``(start, end, iso, rule)``, in reading order, overlaps removed.

    >>> [d[2] for d in find_dates("held on 23rd February 2023 and TUESDAY- -MARCH 15, 2011")]
    ['2023-02-23', '2011-03-15']
    """
    found: list[tuple[int, int, str, str]] = []
    for rx, rule in ((DMY_RE, "dmy"), (MDY_RE, "mdy")):
        for m in rx.finditer(text):
            iso = _valid(int(m.group("year")), _month_number(m.group("month")), int(m.group("day")))
            if iso:
                found.append((m.start(), m.end(), iso, rule))
    for m in ISO_RE.finditer(text):
        iso = _valid(int(m.group("year")), int(m.group("month")), int(m.group("day")))
        if iso:
            found.append((m.start(), m.end(), iso, "iso"))
    if numeric:
        for m in NUMERIC_RE.finditer(text):
            iso = parse_numeric_date(m.group("text"), us=us)
            if iso:
                found.append((m.start(), m.end(), iso, "numeric"))
    found.sort()
    out: list[tuple[int, int, str, str]] = []
    for cand in found:
        if out and cand[0] < out[-1][1]:
            # "March 15, 2011" also matches as "15, 2011"... keep the earlier, longer reading
            if cand[1] - cand[0] > out[-1][1] - out[-1][0] and cand[0] == out[-1][0]:
                out[-1] = cand
            continue
        out.append(cand)
    yield from out


def date_candidates(text: str) -> list[DateCandidate]:
    """Dates in a heading text that may be the meeting's date, each marked strong or not.

    The score is 2 where the context names the meeting ("held on", a weekday, "To: Cabinet -"),
    1 after a "Date:" label or on a line of its own, else 0. Dates the context marks as another
    meeting's ("the last meeting held on"), a publication date
    or an approval header ("March 25, 2015 Item 4A") are dropped. Numeric dates only count after
    an explicit cue ("Date:", "held on"), because minute references look like them.
    """
    out: list[DateCandidate] = []
    for start, end, iso, rule in find_dates(text):
        before = DRAFT_NOTICE_RE.sub(" ", text[max(0, start - 100) : start])
        line_before = before.rsplit("\n", 1)[-1]
        after = text[end : end + 30]
        if NOT_THIS_MEETING_RE.search(line_before) or APPROVAL_HEADER_RE.search(after):
            continue
        # a weekday or "held" may sit at the end of the line above ("... on Thursday / 24 May")
        score = 2 if THIS_MEETING_RE.search(before[-60:]) else 1 if DATE_LABEL_RE.search(line_before) else 0
        if rule == "numeric" and not score:
            continue
        out.append(DateCandidate(iso, start, end, score, rule))
    return out


def date_from_path(path: Path) -> str | None:
    """A full ISO date in the file name, else in its folder name (``2025-01-30/Report.pdf``)."""
    for part in (path.name, path.parent.name):
        m = ISO_RE.search(part)
        if m:
            iso = _valid(int(m.group("year")), int(m.group("month")), int(m.group("day")))
            if iso:
                return iso
    return None


def _front_matter_is_event(front: dict[str, str]) -> bool:
    """True when the front matter describes a meeting (end time, location) rather than a post."""
    keys = {k.lower() for k in front}
    date = front.get("date", "")
    return bool(keys & EVENT_KEYS) or bool(re.search(r"\d[T ]\d\d:\d\d", date))


def detect_meeting_date(
    lines: Sequence[Line], path: Path, front_matter: dict[str, str] | None = None, kind: DocKind | None = None
) -> tuple[str | None, str]:
    """The ISO date of the meeting this document belongs to, and where it came from.

    Order: the first date the heading block names as this meeting's ("held on", a weekday);
    then one after a "Date:" label or on a line of its own; then any acceptable date in the
    heading; then front matter that
    describes a meeting (web posts carry their posting date, which is never used); then the path.
    Returns ``(None, "")`` when nothing fits.
    """
    front = dict(front_matter or {})
    toml, _ = front_matter_from_lines(lines)
    front.update({k: v for k, v in toml.items() if k not in front})
    # minutes that open straight with the attendance list keep their heading in the post title
    texts = heading_block(lines) or ([front["title"]] if front.get("title") else [])
    cands = date_candidates("\n".join(texts))
    if cands:
        best = max(c.score for c in cands)
        return next(c.iso for c in cands if c.score == best), "text"
    if front.get("date") and _front_matter_is_event(front):
        m = ISO_RE.search(front["date"])
        if m:
            iso = _valid(int(m.group("year")), int(m.group("month")), int(m.group("day")))
            if iso:
                return iso, "front_matter"
    # a front matter without event keys is a web post: its date is the posting date, and a file
    # name that carries only a month is the posting month, so neither is trusted
    iso = date_from_path(path)
    if iso:
        return iso, "filename"
    return None, ""


# ---------------------------------------------------------------------------------------------
# kind

# (kind, pattern): a heading line that names the kind of paper. Matched against heading lines.
KIND_HEADINGS: list[tuple[DocKind, re.Pattern[str]]] = [
    (DocKind.NOTICE, re.compile(r"^\W*(?:formal\s+)?notice\s+(?:of|for)\b|\bnotice\s+is\s+hereby\s+given", re.I)),
    (
        DocKind.APPENDIX,
        re.compile(
            r"""^\W*(?:appendix|annex|annexe|schedule)\s+[A-Z0-9]{1,3}\b   # Appendix A, APPENDIX 1
              | \brecord\s+of\s+decision\b                                # (Proposed) Record of Decision
              | ^\W*eq[iI][aA]\b | \bequality\s+(?:impact|analysis)\s+assessment\b
              | \bdata\s+protection\s+impact\s+assessment\b | ^\W*DPIA\b""",
            re.I | re.X,
        ),
    ),
    (
        DocKind.ACTION_LOG,
        re.compile(r"^\W*(?:action\s+(?:points?|log|list|tracker|sheet)|actions?\s+(?:log|arising))\b", re.I),
    ),
    (DocKind.QUESTIONS, re.compile(r"^\W*(?:public\s+|members?'?\s+)?questions?\s+(?:to|from|for|and)\b", re.I)),
    (
        DocKind.MINUTES,
        re.compile(
            r"""\bminut(?:es|s|e)\b                     # MINUTES, and misprints MINUTS / MINUTE OF
              (?!\s+(?:of\s+(?:the\s+)?)?(?:last|previous|prior)\b)   # not "minutes of the last meeting"
              (?!\s+(?:will|are|can|to)\b)          # "minutes will be available afterwards"
              (?!\s+secretary)""",
            re.I | re.X,
        ),
    ),
    (
        DocKind.AGENDA,
        re.compile(
            r"""(?<!non-)\bagenda\b(?!\s+(?:items?|for\s+the\s+next)\b)
              | \byou\s+are\s+(?:hereby\s+)?summoned\b | \bsummons\b
              | ^\W*agenda\s+item\s+no\W*$            # column header of a supplementary agenda letter
              | \bsupplementary\s+(?:agenda|papers|pack)\b""",
            re.I | re.X,
        ),
    ),
]

# Words before a kind word that make it a reference, not a heading ("to approve the minutes").
KIND_REFERENCE_RE = re.compile(
    r"""\b(?:approve|receive|sign|confirm|agree|adopt|note|review|see|attached|with\s+the|and|this|next|last
         |previous|on\s+the|of\s+the)
        (?:\s+(?:of|the|meeting|council|board))*\s*$""",
    re.I | re.X,
)
# Words after a kind word that make a sentence about the paper, not its heading
# ("The agenda for this meeting was posted", "Minutes of the meeting will be available").
KIND_SENTENCE_RE = re.compile(
    r"^(?:\s+[\w']+){0,4}?\s+(?:was|were|is|are|will|has|have|had|can|may(?!\W*\d)|shall|should)\b", re.I
)

# Report header lines: "To: Cabinet – 30 January 2025", "From: ...", "By: ...", "Subject: ...".
REPORT_FIELD_RE = re.compile(r"^\W*(?P<field>to|from|by|subject|report\s+(?:of|by|from|to))\s*:", re.I)
# "To Cabinet – 30 January 2025" without a colon: only with a body after it, since "To Approve
# the Minutes" is an agenda item.
REPORT_TO_BARE_RE = re.compile(
    r"^\W*(?P<field>[Tt]o)\s+(?=(?:[A-Z][\w&-]*\s+){0,4}(?:Cabinet|Council|Board|Committee|Commission|Panel)\b)"
)
REPORT_HEADING_RE = re.compile(r"^\W*report\s+(?:of|by|from|to)\b|^\W*(?:cover(?:ing)?\s+)?report\s*$", re.I)

# A file named as an appendix: "Appendix A - ...", "APPENDIX 2 ...", "Annex B ...".
APPENDIX_FILE_RE = re.compile(r"^\W*(?:appendix|annexe?)\b", re.I)

FILENAME_KINDS: list[tuple[DocKind, re.Pattern[str]]] = [
    (DocKind.MINUTES, re.compile(r"minut", re.I)),
    (DocKind.AGENDA, re.compile(r"agenda|summons", re.I)),
    (DocKind.APPENDIX, re.compile(r"append|annex|eqia|dpia|prod\b", re.I)),
    (DocKind.ACTION_LOG, re.compile(r"action[\s_-]*(?:log|points)", re.I)),
    (DocKind.NOTICE, re.compile(r"notice", re.I)),
    (DocKind.REPORT, re.compile(r"report|cover", re.I)),
]


def report_header(lines: Sequence[Line], window: int = 14) -> dict[str, str]:
    """The "To:/From:/By:/Subject:" fields at the top of an officer's report (empty if absent)."""
    fields: dict[str, str] = {}
    top = body_lines(lines)[:window]
    for line in top:
        m = REPORT_FIELD_RE.match(line.text) or REPORT_TO_BARE_RE.match(line.text)
        if m:
            key = m.group("field").lower().split()[0]
            key = "from" if key in ("by", "report") else key
            fields.setdefault(key, line.text[m.end() :].strip())
    if "to" in fields and "from" not in fields:
        # "By Deputy Leader ..." without a colon, beside a "To Cabinet" line
        by = next((ln for ln in top if re.match(r"^\W*(?i:by|from)\s+[A-Z]", ln.text)), None)
        if by:
            fields["from"] = by.text.split(None, 1)[1]
    return fields


def is_report_header(lines: Sequence[Line]) -> bool:
    """True when the top of ``lines`` is a report header: "To:" with "From:"/"By:" or "Subject:"."""
    fields = report_header(lines)
    return "to" in fields and ("from" in fields or "subject" in fields)


def kind_headings(texts: Sequence[str]) -> Iterator[tuple[int, int, DocKind]]:
    """Kind headings in heading texts as ``(line index, strength, kind)``.

    Strength 3: the line is only the heading ("AGENDA", "Draft Minutes"). Strength 2: the line
    is a heading (it opens with the kind word, or is a short line holding it). Strength 1: the
    kind word sits inside a longer sentence ("STOKE FERRY PARISH COUNCIL Minutes of the meeting
    held on ...").
    """
    for i, text in enumerate(texts):
        if ITEM_LINE_RE.match(text) and len(text.split()) <= 2 * SHORT_LINE_WORDS:
            # "1. Minutes and Actions" is business on an agenda, not a heading
            continue
        best: tuple[int, DocKind] | None = None
        for kind, rx in KIND_HEADINGS:
            for m in rx.finditer(text):
                if kind in (DocKind.MINUTES, DocKind.AGENDA) and (
                    KIND_REFERENCE_RE.search(text[: m.start()]) or KIND_SENTENCE_RE.match(text[m.end() :])
                ):
                    continue
                if best is None or m.start() < best[0]:
                    best = (m.start(), kind)
                break
        if best is None:
            continue
        pos, kind = best
        opens = not re.search(r"[A-Za-z]", text[:pos]) or re.fullmatch(
            r"\W*(?:draft|printed|approved|unconfirmed|confirmed|signed|open|public|formal|the|board|meeting|"
            r"annual\s+general\s+meeting|proposed|special|\s)+\W*",
            text[:pos],
            re.I,
        )
        short = len(text.split()) <= SHORT_LINE_WORDS
        alone = len(text.split()) <= 3 and bool(opens)
        yield i, 3 if alone else 2 if (opens or short) else 1, kind


def detect_kind(lines: Sequence[Line], path: Path, front_matter: dict[str, str] | None = None) -> DocKind:
    """The kind of paper, from its heading block first and its file name only as a fallback.

    The first heading line that *is* a kind heading ("AGENDA", "Draft Minutes", "Appendix A")
    wins over a kind word inside a sentence; a "To:/From:/Subject:" block makes a report. A
    file with only meeting front matter and no text is a notice of the meeting.
    """
    front = dict(front_matter or {})
    toml, _ = front_matter_from_lines(lines)
    front.update(toml)
    texts = heading_block(lines)
    # the first lines of a paper are where report fields sit; they end the heading block for
    # items, so look at the raw top lines too
    found = sorted(kind_headings(texts), key=lambda t: (-t[1], t[0]))
    report = is_report_header(lines)
    # a report published as a pack's appendix ("APPENDIX A - Planning Inspector's Report") is
    # the appendix its file name says it is
    as_report = DocKind.APPENDIX if APPENDIX_FILE_RE.match(path.stem) else DocKind.REPORT
    if found:
        idx, strength, kind = found[0]
        if report and (strength < 2 or idx > 0 or kind in (DocKind.MINUTES, DocKind.AGENDA)):
            return as_report
        return as_report if kind == DocKind.REPORT else kind
    if report or any(REPORT_HEADING_RE.match(t) for t in texts[:3]):
        return as_report
    body = body_lines(lines)
    if not body and front.get("date"):
        return DocKind.NOTICE
    # only minutes open with who was present
    if any(ATTENDANCE_OPENS_RE.match(ln.text) for ln in body[:3]):
        return DocKind.MINUTES
    # a meeting page (front matter with time and place) whose text is a list of business
    if body and _front_matter_is_event(front):
        return DocKind.AGENDA
    for kind, rx in FILENAME_KINDS:
        if rx.search(path.stem):
            return kind
    return DocKind.OTHER


# ---------------------------------------------------------------------------------------------
# body

_NAME_WORD = r"""(?:[A-Z][\w’'&.-]*|of|and|the|&|upon|on|in|under|le|de)"""
BODY_NOUNS = (
    r"Parish\s+Council|Town\s+Council|City\s+Council|County\s+Council|District\s+Council|Borough\s+Council"
    r"|Council|Cabinet|Board|Partnership|Commission|Committee|Authority|Trust|Assembly|Panel|Ltd|Limited"
)

# "<Name> <body noun>", e.g. "Souldern Parish Council", "Cambridge Community Safety Partnership".
BODY_NAME_RE = re.compile(
    rf"""
    (?P<name>
        (?!(?i:of|and|the|for|to|by|in|on|at|a|an|minut\w*|agenda|draft|notice|report)\b)
        (?:[A-Z][\w’'&.-]*\s+)                    # first word of the name, capitalised
        (?:{_NAME_WORD}\s+){{0,6}}?               # further words of the name
        (?i:{BODY_NOUNS})                         # the kind of body, in any case
        (?:\s+(?i:Cabinet|Board|Committee|Sub-Committee))?  # "Kent County Council Cabinet"
    )\b\.?
    (?!\s+[a-z])                                 # not the subject of a sentence ("... Limited enabling")
    (?!['’]s\b)                                  # not a possessive ("Council's Office")
    """,
    re.X,
)

# A line that is only a committee or board: "CABINET", "Board", "Planning Committee".
BARE_BODY_RE = re.compile(
    r"""^\W*(?P<name>(?:[A-Z][\w&-]*\s+){0,4}(?:Cabinet|Board|Committee|Sub-Committee|Commission|Panel))\W*$""",
    re.I | re.X,
)

# "Title of Meeting Suffolk Libraries IPS - Board Meeting": a labelled body name.
TITLE_OF_MEETING_RE = re.compile(
    r"^\W*(?:title\s+of\s+meeting|name\s+of\s+(?:meeting|body))\s*[:\-]?\s+(?P<name>.+)$", re.I
)
# "Minutes of the Special City Council Meeting", "Minutes of a meeting of the Cabinet held ...",
# "MINUTES 0F TRUSTEES OF FRIENDS OF ..." (a zero for the O, as printed).
MINUTES_OF_RE = re.compile(
    r"""\b(?:minut(?:es|s|e)|agenda|meeting)\s+(?:[o0]f|for)\s+(?:the\s+|a\s+)?
        (?:(?:special|regular|annual|extraordinary|ordinary|joint|open|continued|adjourned|
            trustees|members|directors|governors)\s+(?:[o0]f\s+)?(?:the\s+)?)*
        (?:meeting\s+[o0]f\s+(?:the\s+)?)?
        (?P<name>[A-Z][^,.(\n]*?)
        (?=\s+(?:meeting|held|on|at|in)\b|\s*[,.(]|$)""",
    re.I | re.X,
)
# Words of a meeting description that are not part of a body's name.
MEETING_WORDS_RE = re.compile(
    r"\b(?:special|regular|annual|extraordinary|ordinary|joint|continued|adjourned|general|virtual|"
    r"minut(?:es|s|e)|agenda|meeting|draft|the)\b",
    re.I,
)
# "Souldern Annual Parish Meeting" is the parish's meeting, run by its parish council.
PARISH_MEETING_RE = re.compile(r"^(?P<place>[A-Z][\w’' -]*?)\s+(?:annual\s+)?parish\s+meeting\b", re.I)
GENERIC_BODY_RE = re.compile(rf"^(?:the\s+)?(?:{BODY_NOUNS})$", re.I)
PATH_BODY_RE = re.compile(rf"\b(?:{BODY_NOUNS.replace(chr(92) + 's+', ' ')})$", re.I)
# Lines longer than this are sentences: a body name inside one is only mentioned.
BODY_LINE_MAX_WORDS = 10
# Acronyms kept in capitals when a heading in capitals is re-cased.
ACRONYM_RE = re.compile(r"^\(?(?:IPS|CSP|NHS|PCC|ICB|ARRA|CIC|SACIC|SSHRB|KCC|CCSP|LTD)\)?$")


def _tidy(name: str) -> str:
    """Trim and re-case a body name: ALL CAPS becomes Title Case, dates and stray punctuation go."""
    for rx in (DMY_RE, MDY_RE):
        name = rx.sub(" ", name)
    name = re.sub(r"\s+", " ", name).strip(" -–—:;,.'\"")
    name = re.sub(r"^(?:(?:the|of|for)\s+)+", "", name, flags=re.I)
    if name.isupper():
        small = {"of", "and", "the", "for", "upon", "on", "in"}
        words = []
        for i, w in enumerate(name.split()):
            if w.lower() in small and i:
                words.append(w.lower())
            elif ACRONYM_RE.match(w):
                words.append(w)
            else:
                words.append(w.capitalize())
        name = " ".join(words)
    return name


def tokens(name: str) -> set[str]:
    """The words of a body name, lower case, without punctuation or filler words."""
    return set(re.sub(r"[^\w\s]", " ", name.lower()).split()) - {"the", "of", "and"}


def body_from_path(path: Path) -> str | None:
    """A body named by the folders a file sits in ("kent-county-council/cabinet"), or None."""
    names: list[str] = []
    for part in reversed(path.parent.parts[-3:]):
        words = re.sub(r"([a-z])([A-Z])", r"\1 \2", part)
        words = re.sub(r"[-_]+", " ", words).strip()
        if PATH_BODY_RE.search(words):
            names.insert(0, words.title())
        elif names:
            break
    return " ".join(names) if names else None


def _clean_name(name: str) -> str | None:
    name = _tidy(MEETING_WORDS_RE.sub(" ", name))
    if not name or re.fullmatch(r"[\W\d]*", name):
        return None
    return name


def _body_in_line(text: str) -> tuple[str, int] | None:
    """A body named in one heading line, with how sure we are (3 labelled ... 1 mentioned)."""
    name: str | None
    m = TITLE_OF_MEETING_RE.match(text)
    if m:
        name = re.sub(r"\s*\b(?:meeting|minutes)\s*$", "", m.group("name"), flags=re.I)
        return _tidy(name), 3
    if re.search(r"\bparish\s+meeting\b", text, re.I) and not re.search(r"parish\s+council", text, re.I):
        pm = PARISH_MEETING_RE.search(_tidy(re.sub(r"\b(?:minutes|agenda)\s+of\b|\bthe\b", " ", text, flags=re.I)))
        if pm:
            place = MEETING_WORDS_RE.sub(" ", pm.group("place")).strip()
            if place:
                return _tidy(place) + " Parish Council", 2
    starts = BODY_NAME_RE.match(text.lstrip(" -–•*"))
    if starts:
        name = _clean_name(starts.group("name"))
        if name:
            return name, 2
    m = MINUTES_OF_RE.search(text)
    if m:
        inner = BODY_NAME_RE.search(m.group("name") + " ")
        name = _clean_name(inner.group("name") if inner else m.group("name"))
        if name and (inner or (len(name.split()) >= 2 and not re.search(r"\d", m.group("name")))):
            return name, 2
    if len(text.split()) <= BODY_LINE_MAX_WORDS:
        for m in BODY_NAME_RE.finditer(text):
            name = _clean_name(m.group("name"))
            if name and not GENERIC_BODY_RE.match(name):
                return name, 1
        bare = BARE_BODY_RE.match(text)
        if bare:
            return _tidy(bare.group("name")), 1
    return None


def body_from_heading(texts: Sequence[str]) -> str | None:
    """The body named by heading lines; a council line joins a bare committee line below it."""
    best: tuple[int, int, str] | None = None  # (-strength, index, name)
    for i, text in enumerate(texts):
        got = _body_in_line(text)
        if got and (best is None or -got[1] < best[0]):
            best = (-got[1], i, got[0])
    if best is None:
        return None
    _, i, name = best
    if i + 1 < len(texts) and re.search(r"council$", name, re.I):
        nb = BARE_BODY_RE.match(texts[i + 1])
        if nb and not re.search(r"council$", nb.group("name"), re.I):
            name = f"{name} {_tidy(nb.group('name'))}"
    return name


def detect_body(
    lines: Sequence[Line], front_matter: dict[str, str] | None = None, path: Path | None = None
) -> str | None:
    """The meeting body as the document names it ("Souldern Parish Council", "Kent County Council Cabinet").

    A report's "To:" line names it first; else the heading block (a labelled "Title of Meeting",
    a line that opens with a body name, "Minutes of the X", a short line holding one), joining a
    council line with a bare committee line under it ("KENT COUNTY COUNCIL" + "CABINET"); then
    the front matter title; then folder names. When the folders name the same body more fully
    ("Cabinet" in the text, ".../kent-county-council/cabinet/" as the folder) the fuller name wins.
    """
    front = front_matter or {}
    found: str | None = None
    header = report_header(lines)
    if header.get("to"):
        to = re.split(r"\s*[–—,]\s*|\s+-\s+|\s+on\s+|\s+\d", header["to"])[0]
        found = _tidy(to) or None
    if found is None:
        found = body_from_heading(heading_block(lines) or ([front["title"]] if front.get("title") else []))
    from_path = body_from_path(path) if path else None
    # a web post's title names the body less reliably than the folders it was filed in
    if found is None and front.get("title") and not from_path:
        title = re.sub(r"\bPC\b", "Parish Council", front["title"])
        m = BODY_NAME_RE.match(title)
        if m:
            found = _clean_name(m.group("name"))
    if found and from_path and tokens(found) < tokens(from_path):
        return from_path
    return found or from_path


# ---------------------------------------------------------------------------------------------
# title


def detect_title(lines: Sequence[Line], front_matter: dict[str, str] | None = None) -> str:
    """A short human title: a report's subject, else the front matter title, else the first heading."""
    header = report_header(lines)
    if header.get("subject"):
        return header["subject"][:120]
    if front_matter and front_matter.get("title"):
        return front_matter["title"][:120]
    for text in heading_block(lines) or [ln.text for ln in body_lines(lines)[:3]]:
        words = text.strip(" -–•")
        if words and not re.fullmatch(r"[\W\d]*", words):
            return words[:120]
    return ""
