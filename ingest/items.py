"""Split a document's lines into its numbered items (agenda items, minutes, report sections).

Councils number their items in many ways (``1.``, ``5.3``, ``02.23.05``, ``205/18``,
``(*11-123)``, ``3-A``, ``Item 6``...), and the same shapes turn up inside the text as dates,
amounts, planning application numbers, table rows and list items. The splitter therefore works in
two steps: :func:`parse_label` proposes a label for any line that *starts* like a number, and
:func:`split_items` keeps only the labels that continue the document's running sequence at the
indentation of the items already found.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from minutebook.model import DocKind, Item, Line

TITLE_MAX = 120
# Points by which a label may sit left/right of the item column and still be in it. Word
# documents drift: Suffolk's and Kent's headings sit up to 14 pt either side of their first one
# (12 lost items 5-9 of a Suffolk minutes); their nested lists start much further in.
X_TOLERANCE = 15.0
# Largest forward jump in a running sequence accepted without a second witness (12 -> 15).
MAX_GAP = 3
# Labelled lines within which each of the two numbers confirming a resumed sequence must come.
RESUME_REACH = 200
# Lines a list entry may wrap over before the next entry (PDF lines; plain text has one per entry).
LIST_GAP_X = 4
# How far (points) above a bare margin number its heading may sit.
MARGIN_REACH = 26.0

MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    "july|august|september|october|november|december"
)

# Leading bullet before a numbered paragraph ("- 5.1 The Chair ...", "• 6.1.1 ...").
BULLET_PREFIX_RE = re.compile(r"^\s*(?:[-•*]\s+)")

# Alameda-style paragraph IDs: "(11-121)", "(*11-123)", "(11-127A)", "(13-239 A)",
# "(11-119 CC/11-027 ARRA/11-016 CIC)", "(14-010 A SACIC)", and the joint agencies' shorter
# serials and lists: "(*11-01 APFA)", "(11-117A CC/11-015A CIC)", "(11-280 CC/PUB)",
# "(13-01 IDA, 13-01 APIC)", "(*13-488 CC/13- 020 SACIC)".
PARAGRAPH_ID_RE = re.compile(
    r"""
    ^\(\s*
    (?P<star>\*)?                       # adopted on the consent calendar
    (?P<yy>\d{2})-\s?(?P<seq>\d{2,4})   # year - sequence (a stray space after the dash)
    (?:\s?[A-Z](?![a-z]))?              # letter suffix, maybe spaced
    (?:\s*[A-Z]{2,6})?                  # agency tag (CC, CIC, SACIC, ARRA)
    (?:\s*[/,]\s*(?:\*?\d{2}-\s?\d{2,4}[A-Z]?)?\s?[A-Z]{0,6})*   # joint-agency IDs, or a bare agency
    \s*\)
    """,
    re.VERBOSE,
)

# Minute numbers that embed the meeting's month and year: "03.18.02" (MM.YY.NN).
MONTH_YEAR_SEQ_RE = re.compile(
    r"""
    ^(?P<mm>0[1-9]|1[0-2])\d?       # month; a stray typed digit is kept as printed ("023.21.06")
    \.(?P<yy>\d{2})\.(?P<seq>\d{2})  # . year . sequence
    \.?(?=\s|$|[A-Z])                                      # then a space or the title
    """,
    re.VERBOSE,
)

# Item references that carry the meeting in the number: "Item 16/10/6/1" (year/month/day/seq).
DATED_ITEM_RE = re.compile(
    r"""
    ^(?:agenda\s+)?item\s+                      # the word Item
    (?P<prefix>\d{1,4}(?:/\d{1,4}){1,3})/        # the meeting: 16/10/6
    (?P<seq>\d{1,3})(?![\d/])                    # the item's sequence
    [.:]?
    """,
    re.VERBOSE | re.IGNORECASE,
)

# Running minute numbers with the year: "205/18", "135/18Planning" (no space).
RUNNING_SLASH_RE = re.compile(
    r"""
    ^(?P<seq>\d{1,3})/(?P<yy>\d{2})   # sequence / two-digit year
    (?![\d/])                         # not a date (02/01/2020) nor an application (19/00274/OM)
    (?![a-z])                         # not a reference back to a paragraph (77/17d)
    \.?
    """,
    re.VERBOSE,
)

# "Agenda Item 6", "Item 6:", "ITEM 6A".
AGENDA_ITEM_RE = re.compile(
    r"""
    ^(?:agenda\s+)?item\s+(?:no\.?\s*)?   # the word Item, maybe "Agenda Item", "Item No."
    (?P<num>\d{1,3}(?:\.\d{1,2})*)        # the number, maybe dotted ("Agenda Item 5.2")
    (?P<letter>[A-Z])?                    # maybe lettered ("Item 6A")
    (?![\d.]\d)[.:]?
    """,
    re.VERBOSE | re.IGNORECASE,
)

# Lettered sub-items that embed the parent: "3-A", "3.A.", "5A", "1-A.".
LETTERED_RE = re.compile(
    r"""
    ^(?P<num>\d{1,2})(?P<sep>[-.]?)(?P<letter>[A-Z])   # parent number, separator, letter
    \.?(?=\s|$)                                        # then a space: "5A 2019-6589"
    """,
    re.VERBOSE,
)

# Dotted numbers: "5.3", "6.1.1", "7.0" (a level-one item printed with ".0").
DOTTED_RE = re.compile(
    r"""
    ^(?P<num>\d{1,2}(?:\.\d{1,2}){1,2})   # two or three dotted parts
    \.?(?=\s|$)                           # then a space (not "6.5miles", "4.26.2017")
    """,
    re.VERBOSE,
)

# Plain numbers: "1.", "12", "9 Christmas Functions", "10)".
PLAIN_RE = re.compile(
    r"""
    ^(?P<num>\d{1,3})            # the number
    (?P<dot>[.)])?               # a period or bracket
    (?=\s|$)                     # then a space or the end of the line
    """,
    re.VERBOSE,
)

# What may not follow a plain or dotted number if it is to be an item label: a month (a date),
# ordinal suffixes, units, amounts and times, or a bracketed vote tally ("3. [Absent: ...]").
NOT_A_TITLE_RE = re.compile(
    rf"""
    ^(?:
        (?i:{MONTHS})\b            # 2 May 2019
      | (?i:st|nd|rd|th)\b         # 12 th march
      | (?i:am|pm|a\.m|p\.m)\b     # 10 am
      | [%£$€]                      # amounts and shares
      | (?:to|and|or|of|x|per|percent|hours?|minutes?|mins?|days?|weeks?|months?|years?)\b
                                    # lowercase only: "10 to 11 percent", not "5. TO APPROVE"
      | \[                          # a bracketed tally or reference
      | [-–/:,]                     # 3 - 4, 10:30, 1/2
    )
    """,
    re.VERBOSE,
)


# A heading that introduces a closing list of actions or decisions: the numbers under it count
# the actions, they are not the document's items ("Actions / 1. Agree letter ...").
ACTION_LIST_HEADING_RE = re.compile(
    r"""
    ^(?:summary\s+of\s+)?                              # "Summary of actions"
    (?:actions?(?:\s+(?:points?|agreed|arising|list))?  # Actions, Action points
      |decisions?(?:\s+taken)?                         # Decisions
      |recommendations?)
    \s*:?\s*$
    """,
    re.VERBOSE | re.IGNORECASE,
)

# A running minute number inside a paragraph, after the end of a sentence:
# "... were made. 90/17 Use of social media ..." (West Dereham prints several items per line).
# A plain item number run on inside a text paper's paragraph: "... No new requests. 22. AGREE DATE".
INLINE_PLAIN_RE = re.compile(
    r"""
    (?<=[.!?:;)”"’]\s)            # after a sentence end and one space
    (?P<n>\d{1,2})\.              # the number and its dot
    \s+(?=[A-Z][A-Za-z])           # then a capitalised title
    """,
    re.VERBOSE,
)

INLINE_SLASH_RE = re.compile(
    r"""
    (?<=[.!?:)”"]\s)               # after a sentence end and one space
    (?P<seq>\d{1,3})/(?P<yy>\d{2}) # sequence / year
    (?![\d/a-z])                   # not a date, an application number or "77/17d"
    \s+(?=[A-Z])                   # then a capitalised title
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Label:
    """A line that starts like an item number."""

    number: str  # as printed, trailing period and spaces removed
    scheme: str  # plain | dotted | lettered | month_seq | slash | paragraph | agenda_item
    parts: tuple[int, ...]  # numeric key: (5,) for "5.", (6, 1, 1) for "6.1.1", (205,) for "205/18"
    rest: str  # text after the label on the same line
    prefix: str = ""  # what ties a running sequence together: "03.18" for 03.18.02, "18" for 205/18
    letter: str = ""
    bullet: bool = False
    own_cell: bool = False  # the label is alone in the first cell of a PDF row


def _clean_number(raw: str) -> str:
    return raw.strip().rstrip(".").strip()


def parse_label(line: Line) -> Label | None:
    """The item label a line starts with, or None.

    >>> parse_label(Line("03.18.02 Declarations of interest", 1)).number
    '03.18.02'
    >>> parse_label(Line("2 May 2019 at 7pm", 1)) is None
    True
    """
    text = line.text.strip()
    bullet = False
    m = BULLET_PREFIX_RE.match(text)
    if m:
        text, bullet = text[m.end():], True
    cells = line.cells or (tuple(c.strip() for c in text.split("\t")) if "\t" in text else None)
    first_cell = cells[0].strip() if cells else None
    text = text.replace("\t", " ")

    def own(raw: str) -> bool:
        return first_cell is not None and first_cell.rstrip(".") == raw.rstrip(".")

    if m := PARAGRAPH_ID_RE.match(text):
        number = re.sub(r"\s+", " ", m.group(0))
        return Label(number, "paragraph", (int(m.group("seq")),), text[m.end():].strip(),
                     prefix=m.group("yy"), bullet=bullet)
    if m := MONTH_YEAR_SEQ_RE.match(text):
        return Label(_clean_number(m.group(0)), "month_seq", (int(m.group("seq")),),
                     text[m.end():].strip(), prefix=f"{m.group('mm')}.{m.group('yy')}",
                     bullet=bullet, own_cell=own(m.group(0)))
    if m := DATED_ITEM_RE.match(text):
        number = f"{m.group('prefix')}/{m.group('seq')}"
        return Label(number, "month_seq", (int(m.group("seq")),), text[m.end():].strip(),
                     prefix=m.group("prefix"), bullet=bullet)
    if m := RUNNING_SLASH_RE.match(text):
        return Label(_clean_number(m.group(0)), "slash", (int(m.group("seq")),),
                     text[m.end():].strip(), prefix=m.group("yy"), bullet=bullet,
                     own_cell=own(m.group(0)))
    if m := AGENDA_ITEM_RE.match(text):
        letter = m.group("letter") or ""
        parts = tuple(int(p) for p in m.group("num").split("."))
        return Label(m.group("num") + letter, "agenda_item", parts,
                     text[m.end():].strip(), letter=letter, bullet=bullet)
    if m := LETTERED_RE.match(text):
        return Label(_clean_number(m.group(0)), "lettered", (int(m.group("num")),),
                     text[m.end():].strip(), letter=m.group("letter"), bullet=bullet,
                     own_cell=own(m.group(0)))
    if m := DOTTED_RE.match(text):
        rest = text[m.end():].strip()
        parts = tuple(int(p) for p in m.group("num").split("."))
        is_own = own(m.group(0))
        # "7.1 August Report" is a heading, not a date; a margin number may precede any text
        bad_start = rest[:1].islower() or bool(NOT_A_TITLE_RE.match(rest) and not rest[0].isupper())
        if rest and not is_own and bad_start:
            return None
        return Label(_clean_number(m.group(0)), "dotted", parts, rest, bullet=bullet, own_cell=is_own)
    if m := PLAIN_RE.match(text):
        rest = text[m.end():].strip()
        is_own = own(m.group(0))
        if rest and NOT_A_TITLE_RE.match(rest):
            return None
        # "9 Christmas Functions" needs a capital; "1. the minutes" or a margin number may not
        if rest and rest[0].islower() and not (m.group("dot") == "." or is_own):
            return None
        if rest and not (rest[0].isalnum() or rest[0] in "\"'“‘("):
            return None
        return Label(m.group("num"), "plain", (int(m.group("num")),), rest, bullet=bullet,
                     own_cell=is_own)
    return None


@dataclass(slots=True)
class _Head:
    index: int  # line index
    label: Label
    parent: str | None
    level: int
    title_index: int | None = None  # a heading line printed before the number (margin numbers)


def _cells(line: Line) -> tuple[str, ...] | None:
    """A line's table cells: from the PDF layout, or tab-separated in plain text."""
    if line.cells:
        return line.cells
    return tuple(line.text.split("\t")) if "\t" in line.text else None


def _is_table_row(line: Line, label: Label) -> bool:
    """A row of a table (action log, payments) rather than a heading with a margin number."""
    cells = _cells(line)
    if not cells:
        return False
    # a heading is "number | title" and maybe an "Action" column; a data row has more cells
    filled = [c for c in cells if c.strip()]
    return len(filled) >= 3 and not label.own_cell or len(filled) >= 4


def _dominant_prefix(labels: list[Label], scheme: str) -> str | None:
    """The prefix (meeting month/year) whose labels form the longest rising run."""
    counts: Counter[str] = Counter(lb.prefix for lb in labels if lb.scheme == scheme)
    if not counts:
        return None
    best = max(counts.values())
    # on a tie prefer the later (more recent) prefix, as action tables carry older ones
    return max((p for p, n in counts.items() if n == best), key=lambda p: re.split(r"[./]", p)[::-1])


def _column_x(lines: list[Line], heads: list[_Head]) -> float | None:
    xs = [x for h in heads if h.level == 1 and (x := lines[h.index].x0) is not None]
    return min(xs) if xs else None


# Schemes that number the top level on their own; "plain" also covers dotted and lettered labels.
MODES = ("paragraph", "month_seq", "slash", "plain")


def _choose_heads(lines: list[Line], labels: list[Label | None], mode: str) -> list[_Head]:
    """The labels kept as item headings when ``mode`` is the document's top-level scheme."""
    present = [lb for lb in labels if lb is not None]
    month_prefix = _dominant_prefix(present, "month_seq")
    slash_prefix = _dominant_prefix(present, "slash")

    # the smallest sequence number of the meeting's own MM.YY numbers after each line
    own_after: list[int] = [10**6] * (len(labels) + 1)
    for j in range(len(labels) - 1, -1, -1):
        lbj = labels[j]
        own_after[j] = own_after[j + 1]
        if lbj is not None and lbj.scheme == "month_seq" and lbj.prefix == month_prefix:
            own_after[j] = min(own_after[j], lbj.parts[0])
    own_after = own_after[1:] + [10**6]  # strictly after line j

    heads: list[_Head] = []
    top: int | None = None  # last top-level number
    top_label: str | None = None
    top_x: float | None = None
    sub_last: dict[str, int] = {}  # parent -> last plain sub-number under it
    sub_x: float | None = None
    last_dotted: dict[int, tuple[int, ...]] = {}
    run: tuple[int, int, float | None] | None = None  # open list: last number, line index, x0
    owed: set[int] = set()  # numbers skipped by a forward jump, which may still come

    def followed_by(i: int, n: int, x: float | None, within: int = 60) -> bool:
        """Whether a later line within ``within`` lines carries plain/agenda number ``n``."""
        for j in range(i + 1, min(len(labels), i + 1 + within * 4)):
            lb = labels[j]
            if lb and lb.scheme in ("plain", "agenda_item") and lb.parts[0] == n:
                xj = lines[j].x0
                if x is None or xj is None or abs(xj - x) <= X_TOLERANCE:
                    return True
        return False

    def run_resumes(i: int, n: int, x: float | None) -> bool:
        """Whether ``n`` is followed by ``n + 1`` and then ``n + 2`` in its column: a sequence
        that resumes after a jump too big to take on one witness ("7." then "15.", "16.", "17.")."""
        at = i
        for want in (n + 1, n + 2):
            for j in range(at + 1, min(len(labels), at + 1 + RESUME_REACH)):
                lb = labels[j]
                if lb and lb.scheme in ("plain", "agenda_item") and lb.parts[0] == want and not lb.letter:
                    xj = lines[j].x0
                    if x is None or xj is None or abs(xj - x) <= X_TOLERANCE:
                        at = j
                        break
            else:
                return False
        return True

    for i, lb in enumerate(labels):
        if lb is None:
            continue
        line = lines[i]
        x = line.x0
        table = _is_table_row(line, lb)
        in_column = top_x is None or x is None or abs(x - top_x) <= X_TOLERANCE
        deeper = top_x is not None and x is not None and x > top_x + X_TOLERANCE

        if lb.scheme == "paragraph":
            if mode == "paragraph":
                heads.append(_Head(i, lb, None, 1))
                top_label = lb.number
            continue
        if lb.scheme == "month_seq":
            if mode == "month_seq" and lb.prefix == month_prefix and not (table and not lb.rest):
                if top is None or lb.parts[0] > top:
                    heads.append(_Head(i, lb, None, 1))
                    top, top_label = lb.parts[0], lb.number
                    top_x = x if top_x is None else min(top_x, x or top_x)
            elif mode == "month_seq" and top is not None and lb.rest and not table and in_column:
                # a number copied from another meeting by mistake ("11.18.05" among 01.19.xx)
                # that still counts on, when the meeting's own number for that place never comes
                seq = lb.parts[0]
                if top < seq <= top + 2 and own_after[i] > seq:
                    heads.append(_Head(i, lb, None, 1))
                    top, top_label = seq, lb.number
            continue
        if lb.scheme == "slash":
            cells = _cells(line)
            # action logs number their rows "02/01" too: a slash heading is never a data row
            heading_cells = cells is None or (len(cells) == 2 and lb.own_cell)
            if mode == "slash" and lb.prefix == slash_prefix and heading_cells:
                if top is None or top <= lb.parts[0] <= top + 30:
                    heads.append(_Head(i, lb, None, 1))
                    top, top_label = lb.parts[0], lb.number
            continue
        if mode == "month_seq" and top is not None and _continues_running(lb, top, line, table, in_column):
            # the clerk dropped the MM.YY prefix part-way ("02.21.05", then "7 Planning")
            heads.append(_Head(i, lb, None, 1))
            top, top_label = lb.parts[0], lb.number
            continue
        if mode != "plain":
            continue  # running minute numbers are the only items; other numbers are lists

        n = lb.parts[0]
        if lb.scheme in ("plain", "agenda_item") and not lb.letter:
            if table and not (lb.own_cell or "\t" in line.text) and top is not None:
                continue
            nested_ok = top_label is not None and deeper and lb.scheme == "plain" and bool(lb.rest)
            # a third level (a list under "6-B") is never recorded
            nested_ok = nested_ok and not (heads and heads[-1].level >= 2 and heads[-1].label.scheme != "plain")
            if run is not None and n == run[0] + 1 and i - run[1] <= (LIST_GAP_X if x is not None else 1):
                if x is None or run[2] is None or abs(x - run[2]) <= X_TOLERANCE:
                    # the next entry of a list that runs on line after line ("1. ... 2. ... 3.")
                    run = (n, i, x)
                    if nested_ok and sub_last.get(top_label or "", 0) == n - 1:
                        heads.append(_Head(i, lb, top_label, 2))
                        sub_last[top_label or ""] = n
                    continue
            is_next = top is None or n == top + 1
            jump = top is not None and top + 1 < n <= top + 1 + MAX_GAP
            if top is not None and not deeper and in_column and n in owed and not lb.bullet and lb.rest[:1].isalpha():
                # an item taken out of order ("item 12 was brought forward"): 10 and 11 follow it
                heads.append(_Head(i, lb, None, 1))
                owed.discard(n)
                top_label = lb.number
                continue
            resumed = (top is not None and n > top + 1 + MAX_GAP and not lb.bullet and not table
                       and bool(lb.rest[:1].isupper()) and run_resumes(i, n, x))
            if top is not None and not deeper and in_column and (is_next or jump or resumed):
                if is_next or resumed or line.bold or followed_by(i, n + 1, x):
                    # a deeper list that happens to count on (Suffolk "6." under "5.") is not top
                    heads.append(_Head(i, lb, None, 1))
                    owed.update(range(top + 1, n))
                    top, top_label = n, lb.number
                    top_x = x if top_x is None or x is None else min(top_x, x)
                    continue
            if top is None and not lb.bullet:
                if n <= 2 or followed_by(i, n + 1, x):
                    heads.append(_Head(i, lb, None, 1))
                    top, top_label = n, lb.number
                    top_x = x
                    continue
            # a nested numbered paragraph under the current item (Kent "1." under "87.")
            if nested_ok and top_label is not None:
                last = sub_last.get(top_label, 0)
                if n == last + 1 or (n == last and n == 1) or (n == 1 and last > 0 and sub_x == x):
                    if sub_x is None or last == 0 or abs((x or 0) - sub_x) <= X_TOLERANCE:
                        heads.append(_Head(i, lb, top_label, 2))
                        sub_last[top_label] = n
                        sub_x = x
            if n == 1:
                run = (1, i, x)
            continue

        if lb.scheme == "dotted":
            parts = lb.parts
            if len(parts) == 2 and parts[1] == 0:
                # "7.0": a level-one item printed with a zero
                if top is None or parts[0] in (top + 1, top + 2):
                    heads.append(_Head(i, lb, None, 1))
                    top, top_label = parts[0], lb.number
                    top_x = x if top_x is None else top_x
                continue
            if table and not lb.own_cell:
                continue
            if top is not None and parts[0] == top:
                if parts <= last_dotted.get(top, ()):
                    continue  # a reference back ("see 6.2"), not the next paragraph
                parent = str(parts[0]) if len(parts) == 2 else f"{parts[0]}.{parts[1]}"
                heads.append(_Head(i, lb, _parent_label(top_label, parent), len(parts)))
                last_dotted[top] = parts
                continue
            if top is not None and parts[0] == top + 1 and parts[1] == 1 and not deeper:
                # parent number not printed on its own line: the sub-item opens the next item
                heads.append(_Head(i, lb, str(parts[0]), len(parts)))
                top, top_label = parts[0], str(parts[0])
            continue

        if lb.letter:
            if top is not None and n == top:
                heads.append(_Head(i, lb, top_label, 2))
            elif "-" in lb.number and (top is None or n >= top):
                # parents not printed (Open Government Commission "1-A", "3-A"): top level
                heads.append(_Head(i, lb, None, 1))
            continue
    return heads


def _continues_running(lb: Label, top: int, line: Line, table: bool, in_column: bool) -> bool:
    """Whether a plain number carries on a running MM.YY.NN sequence: the next number, in the
    item column, with a capitalised title, outside tables."""
    return (lb.scheme == "plain" and lb.parts[0] == top + 1 and in_column and not table
            and line.x0 is not None and lb.rest[:1].isupper())


def _attach_margin_numbers(lines: list[Line], heads: list[_Head]) -> None:
    """Move a bare margin number's item start up to the bold heading printed beside it.

    Some minutes set the number in a margin column level with the middle of a block, so the
    heading ("Planning Matters") comes one or two lines before the number in reading order.
    """
    taken = {h.index for h in heads}
    for head in heads:
        line = lines[head.index]
        if head.label.rest or line.top is None or line.x0 is None:
            continue
        for k in (head.index - 1, head.index - 2):
            if k < 0 or k in taken:
                break
            prev = lines[k]
            if prev.page != line.page or prev.top is None or line.top - prev.top > MARGIN_REACH:
                break
            if prev.bold and parse_label(prev) is None and (prev.x0 or 0) > line.x0:
                head.title_index = k
                break


def _parent_label(top_label: str | None, parent: str) -> str:
    """The parent as printed when it is the current top item ("7.0" for 7.1), else ``parent``."""
    if top_label is not None and "." not in parent and top_label.split(".")[0] == parent:
        return top_label
    return parent


# A heading line at least this long has probably wrapped onto the next line.
WRAPPED_HEADING_CHARS = 60
# Lettered and roman list markers that open a line: "a)", "b.", "(ii)".
LIST_MARKER_RE = re.compile(r"^\(?(?:[a-z]|[ivx]{1,4})[.)]\s")
SENTENCE_END_RE = re.compile(r"(?<=[a-z)\]])[.!?](?=\s+[A-Z])")
PAGES_REF_RE = re.compile(r"\(\s*Pages?\s+\d+\s*(?:[-–]\s*\d+)?\s*\)", re.IGNORECASE)


# Where a run-on heading meets its body: an uppercase heading followed by ordinary words
# ("PLAY AREAS The swings ..."), or a title followed by a typical opening word of a sentence.
UPPER_HEADING_RE = re.compile(r"^(?P<head>[^a-z]*?[A-Z]{2,}[^a-z]*?)\s+(?=[A-Z][a-z])")
BODY_OPENING_RE = re.compile(
    r"\s(?=(?:The|There|It|This|These|Cllr|Councillors?|Members|No|A|An|All)\s+[a-z])"
)


# A list marker left at the end of a heading line ("LOCAL AUTHORITY REPORTS i.").
INNER_MARKER_RE = re.compile(r"\s\(?(?:[a-h]|i{1,3}|iv|v|vi{1,3})[.)]\s")
TRAILING_MARKER_RE = re.compile(r"\s+\(?(?:[a-z]|[ivx]{1,4})[.)]$")


def make_title(text: str, limit: int = TITLE_MAX) -> str:
    """An item title from its heading text: cut at a colon or sentence end, ~``limit`` chars.

    >>> make_title("Conservation Review: There are no updates this month.")
    'Conservation Review'
    >>> make_title("PLAY AREAS The swings were repaired.")
    'PLAY AREAS'
    """
    text = PAGES_REF_RE.sub("", text)
    text = re.sub(r"\s+", " ", text).strip(" -–:")
    m = INNER_MARKER_RE.search(text)
    if m and m.start() > 0:
        text = text[: m.start()]  # "Planning Applications i. 16/01..." keeps the heading only
    text = TRAILING_MARKER_RE.sub("", text)
    colon = text.find(": ")
    if 0 < colon < len(text) - 2:
        text = text[:colon]
    m = UPPER_HEADING_RE.match(text)
    if m and len(m.group("head").split()) >= 2 or m and len(m.group("head")) >= 4:
        text = m.group("head")
    m = BODY_OPENING_RE.search(text)
    if m and len(text[: m.start()].split()) >= 2:
        text = text[: m.start()]
    text = text.rstrip(" :-–")
    m = SENTENCE_END_RE.search(text)
    if m and m.start() >= 3:
        text = text[: m.start() + 1]
    if len(text) > limit:
        cut = text.rfind(" ", 0, limit)
        text = text[: cut if cut > limit // 2 else limit].rstrip(" ,;-–")
    return text


def _heading_text(lines: list[Line], head: _Head, end: int) -> str:
    """The heading words of an item: the label's line, or the next line for a bare number."""
    line = lines[head.index]
    cells = _cells(line)
    rest = head.label.rest
    if cells and head.label.own_cell and len(cells) >= 2:
        rest = cells[1]  # the title cell; later cells are owners, times, the Action column
    if not rest and head.index + 1 < end:
        rest = lines[head.index + 1].text
    elif line.bold and head.index + 1 < end:
        nxt = lines[head.index + 1]
        # a bold heading wrapped onto a second line
        wrapped = len(line.text) >= WRAPPED_HEADING_CHARS and not rest.rstrip().endswith(":")
        same_block = nxt.bold and nxt.page == line.page and parse_label(nxt) is None
        if wrapped and same_block and len(rest) < TITLE_MAX:
            rest = f"{rest} {nxt.text}"
    else:
        # a paragraph that starts with its number: its title is its opening words
        k = head.index + 1
        while k < end and len(rest) < TITLE_MAX and not rest.rstrip().endswith((".", ":", "?", "!")):
            nxt_text = lines[k].text.strip()
            if lines[k].bold or _cells(lines[k]) or not nxt_text[:1].islower():
                break
            if LIST_MARKER_RE.match(nxt_text):
                break
            rest = f"{rest} {lines[k].text.strip()}"
            k += 1
    return rest


def _page_breaks(chunk: list[Line]) -> list[int]:
    breaks: list[int] = []
    offset = 0
    for k, line in enumerate(chunk):
        if k and line.page != chunk[k - 1].page:
            breaks.extend([offset] * (line.page - chunk[k - 1].page))
        offset += len(line.text) + 1
    return breaks


def _cut(line: Line, cuts: list[int]) -> list[Line]:
    """``line`` cut into lines of their own at the character offsets ``cuts`` (none: itself)."""
    if not cuts:
        return [line]
    bounds = [0, *cuts, len(line.text)]
    pieces = (line.text[a:b].strip() for a, b in zip(bounds, bounds[1:], strict=False))
    return [replace(line, text=piece, cells=None) for piece in pieces if piece]


def _split_inline_running(lines: list[Line], labels: list[Label | None]) -> list[Line]:
    """Lines with inline running minute numbers moved onto lines of their own.

    Only a number that continues the sequence (the next after the last one seen, or one that
    leads up to the first line-start number) is split out, so references back ("see 81/17")
    stay in the text.
    """
    starts = [lb for lb in labels if lb is not None and lb.scheme == "slash"]
    prefix = _dominant_prefix(starts, "slash")
    if prefix is None:
        return lines
    first = next(lb.parts[0] for lb in starts if lb.prefix == prefix)
    out: list[Line] = []
    last: int | None = None
    for line, lb in zip(lines, labels, strict=True):
        if lb is not None and lb.scheme == "slash" and lb.prefix == prefix:
            last = lb.parts[0] if last is None else max(last, lb.parts[0])
        cuts = []
        for m in INLINE_SLASH_RE.finditer(line.text):
            n = int(m.group("seq"))
            if m.group("yy") != prefix:
                continue
            if (last is None and n < first <= n + 10) or (last is not None and n == last + 1):
                cuts.append(m.start())
                last = n
        out.extend(_cut(line, cuts))
    return out


def _split_inline_plain(lines: list[Line], labels: list[Label | None]) -> list[Line]:
    """Text papers (no positions) with numbered items run on inside a paragraph ("21. TRAINING:
    No new requests. 22. AGREE DATE ..."): each such item moved onto a line of its own.

    A number is split out only where it continues the sequence (the next after the last one
    seen; before any, one leading up to the first line-start number, or 1 when there is none)
    and no line of the paper starts with it: a number that starts a line somewhere is that
    line's item, and an inline one is a list or a reference.
    """
    if not lines or any(line.x0 is not None for line in lines):
        return lines
    plain = [(i, lb.parts[0]) for i, lb in enumerate(labels)
             if lb is not None and lb.scheme == "plain" and not lb.letter]
    at_line_start = {n for _, n in plain}
    first = plain[0][1] if plain else None
    out: list[Line] = []
    last: int | None = None
    for line, lb in zip(lines, labels, strict=True):
        if lb is not None and lb.scheme == "plain" and not lb.letter:
            last = lb.parts[0] if last is None else max(last, lb.parts[0])
        cuts = []
        for m in INLINE_PLAIN_RE.finditer(line.text):
            n = int(m.group("n"))
            if n in at_line_start:
                continue
            if last is None:
                leads = n == 1 if first is None else n < first <= n + 10
            else:
                leads = n == last + 1
            if leads:
                cuts.append(m.start())
                last = n
        out.extend(_cut(line, cuts))
    return out


def _drop_action_list(lines: list[Line], heads: list[_Head], kind: DocKind | None) -> list[_Head]:
    """Heads without a closing numbered list of actions/decisions that sits under its own heading."""
    if not heads or kind == DocKind.ACTION_LOG or heads[0].index < len(lines) // 2:
        return heads
    before = heads[0].index - 1
    if before >= 0 and ACTION_LIST_HEADING_RE.match(lines[before].text.strip()):
        return []
    return heads


def split_items(lines: list[Line], kind: DocKind | None = None) -> tuple[list[Line], list[Item]]:
    """The preamble lines (before the first item) and the numbered items, in reading order.

    An item's ``text`` runs from its heading line to the next heading of any level, so a parent
    holds only its own lines and each sub-item (``parent`` set) holds its own.
    """
    labels = [parse_label(line) for line in lines]
    if any(lb is not None and lb.scheme == "slash" for lb in labels):
        lines = _split_inline_running(lines, labels)
        labels = [parse_label(line) for line in lines]
    split = _split_inline_plain(lines, labels)
    if len(split) != len(lines):
        lines, labels = split, [parse_label(line) for line in split]
    schemes = {lb.scheme for lb in labels if lb is not None}
    heads: list[_Head] = []
    for mode in MODES:
        if mode in schemes or mode == "plain":
            found = _drop_action_list(lines, _choose_heads(lines, labels, mode), kind)
            # the scheme that numbers most items wins; ties go to the more specific scheme
            if sum(h.level == 1 for h in found) > sum(h.level == 1 for h in heads):
                heads = found
    if not heads:
        return list(lines), []
    _attach_margin_numbers(lines, heads)
    starts = [h.index if h.title_index is None else h.title_index for h in heads]
    items: list[Item] = []
    for k, head in enumerate(heads):
        end = starts[k + 1] if k + 1 < len(heads) else len(lines)
        chunk = lines[starts[k]:end]
        heading = lines[head.title_index].text if head.title_index is not None else None
        items.append(
            Item(
                number=head.label.number,
                title=make_title(heading or _heading_text(lines, head, end)),
                parent=head.parent,
                page_start=chunk[0].page,
                page_end=chunk[-1].page,
                text="\n".join(line.text for line in chunk),
                level=head.level,
                page_breaks=_page_breaks(chunk),
            )
        )
    return list(lines[: starts[0]]), items
