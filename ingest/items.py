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
from dataclasses import dataclass

from minutebook.model import DocKind, Item, Line

TITLE_MAX = 120
# Points by which a label may sit left/right of the item column and still be in it.
X_TOLERANCE = 12.0
# Largest forward jump in a running sequence accepted without a second witness (12 -> 15).
MAX_GAP = 3

MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    "july|august|september|october|november|december"
)

# Leading bullet before a numbered paragraph ("- 5.1 The Chair ...", "• 6.1.1 ...").
BULLET_PREFIX_RE = re.compile(r"^\s*(?:[-•*]\s+)")

# Alameda-style paragraph IDs: "(11-121)", "(*11-123)", "(11-127A)", "(13-239 A)",
# "(11-119 CC/11-027 ARRA/11-016 CIC)", "(14-010 A SACIC)".
PARAGRAPH_ID_RE = re.compile(
    r"""
    ^\(\s*
    (?P<star>\*)?                       # adopted on the consent calendar
    (?P<yy>\d{2})-(?P<seq>\d{3,4})      # year - sequence
    (?:\s?[A-Z](?![a-z]))?              # letter suffix, maybe spaced
    (?:\s*[A-Z]{2,6})?                  # agency tag (CC, CIC, SACIC, ARRA)
    (?:\s*/\s*\*?\d{2}-\d{3,4}\s?[A-Z]{0,6})*   # joint-agency IDs
    \s*\)
    """,
    re.VERBOSE,
)

# Minute numbers that embed the meeting's month and year: "03.18.02" (MM.YY.NN).
MONTH_YEAR_SEQ_RE = re.compile(
    r"""
    ^(?P<mm>0[1-9]|1[0-2])\.(?P<yy>\d{2})\.(?P<seq>\d{2})   # month . year . sequence
    \.?(?=\s|$|[A-Z])                                      # then a space or the title
    """,
    re.VERBOSE,
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
    (?P<num>\d{1,3})(?P<letter>[A-Z])?    # the number, maybe lettered
    \b[.:]?
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
        (?:{MONTHS})\b              # 2 May 2019
      | (?:st|nd|rd|th)\b           # 12 th march
      | (?:am|pm|a\.m|p\.m)\b       # 10 am
      | [%£$€]                      # amounts and shares
      | (?:to|and|or|of|x|per|percent|hours?|minutes?|mins?|days?|weeks?|months?|years?)\b
      | \[                          # a bracketed tally or reference
      | [-–/:,]                     # 3 - 4, 10:30, 1/2
    )
    """,
    re.VERBOSE | re.IGNORECASE,
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
    if m := RUNNING_SLASH_RE.match(text):
        return Label(_clean_number(m.group(0)), "slash", (int(m.group("seq")),),
                     text[m.end():].strip(), prefix=m.group("yy"), bullet=bullet,
                     own_cell=own(m.group(0)))
    if m := AGENDA_ITEM_RE.match(text):
        letter = m.group("letter") or ""
        return Label(m.group("num") + letter, "agenda_item", (int(m.group("num")),),
                     text[m.end():].strip(), letter=letter, bullet=bullet)
    if m := LETTERED_RE.match(text):
        return Label(_clean_number(m.group(0)), "lettered", (int(m.group("num")),),
                     text[m.end():].strip(), letter=m.group("letter"), bullet=bullet,
                     own_cell=own(m.group(0)))
    if m := DOTTED_RE.match(text):
        rest = text[m.end():].strip()
        parts = tuple(int(p) for p in m.group("num").split("."))
        if rest and (NOT_A_TITLE_RE.match(rest) or rest[0].islower()):
            return None
        return Label(_clean_number(m.group(0)), "dotted", parts, rest, bullet=bullet,
                     own_cell=own(m.group(0)))
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


def _is_table_row(line: Line, label: Label) -> bool:
    """A row of a table (action log, payments) rather than a heading with a margin number."""
    cells = line.cells or (tuple(line.text.split("\t")) if "\t" in line.text else None)
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
    return max((p for p, n in counts.items() if n == best), key=lambda p: p.split(".")[::-1])


def _column_x(lines: list[Line], heads: list[_Head]) -> float | None:
    xs = [lines[h.index].x0 for h in heads if h.level == 1 and lines[h.index].x0 is not None]
    return min(xs) if xs else None


def _choose_heads(lines: list[Line], labels: list[Label | None], kind: DocKind | None) -> list[_Head]:
    present = [lb for lb in labels if lb is not None]
    scheme_counts = Counter(lb.scheme for lb in present)
    month_prefix = _dominant_prefix(present, "month_seq")
    slash_prefix = _dominant_prefix(present, "slash")
    use_month = scheme_counts["month_seq"] >= 2
    use_slash = scheme_counts["slash"] >= 3
    use_paragraph = scheme_counts["paragraph"] >= 2

    heads: list[_Head] = []
    top: int | None = None  # last top-level number
    top_label: str | None = None
    top_x: float | None = None
    sub_last: dict[str, int] = {}  # parent -> last plain sub-number under it
    sub_x: float | None = None

    def followed_by(i: int, n: int, x: float | None, within: int = 60) -> bool:
        """Whether a later line within ``within`` lines carries plain/agenda number ``n``."""
        for j in range(i + 1, min(len(labels), i + 1 + within * 4)):
            lb = labels[j]
            if lb and lb.scheme in ("plain", "agenda_item") and lb.parts[0] == n:
                xj = lines[j].x0
                if x is None or xj is None or abs(xj - x) <= X_TOLERANCE:
                    return True
        return False

    for i, lb in enumerate(labels):
        if lb is None:
            continue
        line = lines[i]
        x = line.x0
        table = _is_table_row(line, lb)
        in_column = top_x is None or x is None or abs(x - top_x) <= X_TOLERANCE
        deeper = top_x is not None and x is not None and x > top_x + X_TOLERANCE

        if lb.scheme == "paragraph":
            if use_paragraph:
                heads.append(_Head(i, lb, None, 1))
                top_label = lb.number
            continue
        if lb.scheme == "month_seq":
            if use_month and lb.prefix == month_prefix and not (table and not lb.rest):
                if top is None or lb.parts[0] > top:
                    heads.append(_Head(i, lb, None, 1))
                    top, top_label = lb.parts[0], lb.number
                    top_x = x if top_x is None else min(top_x, x or top_x)
            continue
        if lb.scheme == "slash":
            if use_slash and lb.prefix == slash_prefix and not table and not line.cells:
                if top is None or top <= lb.parts[0] <= top + 30:
                    heads.append(_Head(i, lb, None, 1))
                    top, top_label = lb.parts[0], lb.number
            continue
        if use_month or use_slash:
            continue  # running minute numbers are the only items; other numbers are lists

        n = lb.parts[0]
        if lb.scheme in ("plain", "agenda_item") and not lb.letter:
            if table and not (lb.own_cell or "\t" in line.text) and top is not None:
                continue
            is_next = top is None or n == top + 1
            jump = top is not None and top + 1 < n <= top + 1 + MAX_GAP
            if top is not None and not deeper and in_column and (is_next or jump):
                if is_next or line.bold or followed_by(i, n + 1, x):
                    # a deeper list that happens to count on (Suffolk "6." under "5.") is not top
                    heads.append(_Head(i, lb, None, 1))
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
            if top_label is not None and deeper and lb.scheme == "plain" and lb.rest:
                last = sub_last.get(top_label, 0)
                if n == last + 1 or (n == last and n == 1) or (n == 1 and last > 0 and sub_x == x):
                    if sub_x is None or last == 0 or abs((x or 0) - sub_x) <= X_TOLERANCE:
                        heads.append(_Head(i, lb, top_label, 2))
                        sub_last[top_label] = n
                        sub_x = x
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
                parent = str(parts[0]) if len(parts) == 2 else f"{parts[0]}.{parts[1]}"
                heads.append(_Head(i, lb, _parent_label(top_label, parent), len(parts)))
                continue
            if top is not None and parts[0] == top + 1 and parts[1] == 1 and not deeper:
                # parent number not printed on its own line: the sub-item opens the next item
                heads.append(_Head(i, lb, str(parts[0]), len(parts)))
                top, top_label = parts[0], str(parts[0])
            continue

        if lb.letter:
            if top is not None and n == top:
                heads.append(_Head(i, lb, top_label, 2))
            elif top is None or n > top or (top_label is not None and "-" in lb.number):
                # parents not printed (Open Government Commission "1-A", "3-A"): top level
                heads.append(_Head(i, lb, None, 1))
            continue
    return heads


def _parent_label(top_label: str | None, parent: str) -> str:
    """The parent as printed when it is the current top item ("7.0" for 7.1), else ``parent``."""
    if top_label is not None and "." not in parent and top_label.split(".")[0] == parent:
        return top_label
    return parent


SENTENCE_END_RE = re.compile(r"(?<=[a-z)\]])[.!?](?=\s+[A-Z])")
PAGES_REF_RE = re.compile(r"\(\s*Pages?\s+\d+\s*(?:[-–]\s*\d+)?\s*\)", re.IGNORECASE)


def make_title(text: str, limit: int = TITLE_MAX) -> str:
    """An item title from its heading text: cut at a colon or sentence end, ~``limit`` chars.

    >>> make_title("Conservation Review: There are no updates this month.")
    'Conservation Review'
    """
    text = PAGES_REF_RE.sub("", text)
    text = re.sub(r"\s+", " ", text).strip(" -–:")
    colon = text.find(": ")
    if 0 < colon and colon < len(text) - 2:
        text = text[:colon]
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
    cells = line.cells or (tuple(line.text.split("\t")) if "\t" in line.text else None)
    rest = head.label.rest
    if cells and head.label.own_cell and len(cells) >= 2:
        rest = cells[1]  # the title cell; later cells are owners, times, the Action column
    if not rest and head.index + 1 < end:
        rest = lines[head.index + 1].text
    elif line.bold and head.index + 1 < end:
        nxt = lines[head.index + 1]
        # a bold heading wrapped onto a second line
        if nxt.bold and nxt.page == line.page and parse_label(nxt) is None and len(rest) < TITLE_MAX:
            rest = f"{rest} {nxt.text}"
    return rest


def _page_breaks(chunk: list[Line]) -> list[int]:
    breaks: list[int] = []
    offset = 0
    for k, line in enumerate(chunk):
        if k and line.page != chunk[k - 1].page:
            breaks.extend([offset] * (line.page - chunk[k - 1].page))
        offset += len(line.text) + 1
    return breaks


def split_items(lines: list[Line], kind: DocKind | None = None) -> tuple[list[Line], list[Item]]:
    """The preamble lines (before the first item) and the numbered items, in reading order.

    An item's ``text`` runs from its heading line to the next heading of any level, so a parent
    holds only its own lines and each sub-item (``parent`` set) holds its own.
    """
    labels = [parse_label(line) for line in lines]
    heads = _choose_heads(lines, labels, kind)
    if not heads:
        return list(lines), []
    items: list[Item] = []
    for k, head in enumerate(heads):
        end = heads[k + 1].index if k + 1 < len(heads) else len(lines)
        chunk = lines[head.index:end]
        items.append(
            Item(
                number=head.label.number,
                title=make_title(_heading_text(lines, head, end)),
                parent=head.parent,
                page_start=chunk[0].page,
                page_end=chunk[-1].page,
                text="\n".join(line.text for line in chunk),
                level=head.level,
                page_breaks=_page_breaks(chunk),
            )
        )
    return list(lines[: heads[0].index]), items
