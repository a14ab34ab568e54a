"""Action points in an item's text: table rows, inline markers, "Action:" lines, "X agreed to".

Action IDs come in several printed schemes, all accepted by :data:`ACTION_ID_RE`:

* ``02/01`` (month/number), only after "Action point" or in an action table's first column;
* ``Feb23.03``, ``Feb 23.05``, ``July22.01``, ``Sept21.01`` (month name, year, number);
* ``07.17.02``, ``03.19.04(1)``, ``03.19.11 (1)``, ``11.18.07 d`` (the minute number of the item
  that raised the action, used as its ID by some councils), only in an action table.

Everything returned is an :class:`ActionMention`; ``page`` is 0 and the caller fills it in.
Mentions with no printed ID (``id == ""``) are yielded too (owner columns, "ACTION: CF to ...",
"The Clerk agreed to ...") so the caller can show them; the register ignores them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from minutebook.model import ActionMention, ActionStatus

MONTH_WORD = r"""
    (?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?
      |Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)
"""

# An action ID in either scheme that is safe anywhere (month-name IDs never collide with
# minute numbers, amounts or dates).
MONTH_ID_RE = re.compile(
    rf"""
    (?<![\w.])
    {MONTH_WORD}        # month name, abbreviated in several house styles (Sept, July)
    [ ]?\d{{2}}         # two-digit year, sometimes after a space ("Feb 23.05")
    [ ]?\.[ ]?\d{{2}}   # dot and the sequence number
    (?![\w.])
    """,
    re.VERBOSE,
)

# The minute-number scheme, and the month/number scheme: only trusted in an action table.
TABLE_ID_RE = re.compile(
    r"""
    (?<![\w./])
    (?:
        \d{2}\.\d{2}\.\d{2}           # MM.YY.NN, the minute that raised the action
        (?:[ ]?\(\d{1,2}\)            # sub-number "(1)", sometimes after a space
          |[ ]?[a-z](?![\w]))?        # or a suffix letter "d"
      | \d{2}/\d{2}                   # MM/NN month and running number
    )
    (?![\w./])
    """,
    re.VERBOSE,
)

# Any action ID, for the first cell of an action-table row.
ACTION_ID_RE = re.compile(
    rf"(?:{MONTH_ID_RE.pattern}|{TABLE_ID_RE.pattern})",
    re.VERBOSE,
)

# A digit as OCR misreads it: O/o for 0, l/I/| for 1.
_OCR_DIGIT = r"[\dOoIl|]"

# An action ID as Tesseract may print it at the start of a table row: letters for digits
# ("Nov2O.0l", "O3.21.07"), a comma for the dot ("03,21.07"), a space beside a dot
# ("03.21. 07"), "(l)" for "(1)". Only trusted at a row start inside an action table, and only
# with enough real digits (see _ocr_id_ok).
OCR_ID_RE = re.compile(
    rf"""
    (?<![\w./])
    (?:
        (?P<month>{MONTH_WORD})                      # month-name scheme: the month as printed
        (?P<mdigits>[ ]?{_OCR_DIGIT}{{2}}[ ]?[.,][ ]?{_OCR_DIGIT}{{2}})  # year, dot or comma, number
      | (?P<digits>{_OCR_DIGIT}{{2}}[ ]?[.,][ ]?{_OCR_DIGIT}{{2}}[ ]?[.,][ ]?{_OCR_DIGIT}{{2}})  # MM.YY.NN
        (?:(?P<sub>[ ]?\({_OCR_DIGIT}{{1,2}}\))      # sub-number "(1)" read as "(l)"
          |(?P<suffix>[ ]?[a-z])(?![\w]))?          # or a suffix letter "d"
    )
    (?![\w./])
    """,
    re.VERBOSE,
)

# Digit-like letters and a comma, as they are meant in the digit part of an ID.
_DIGIT_FOR = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", ",": "."})

# What Tesseract reads from table rules, bullets and specks in front of a row's first cell:
# ". Nov20.01", "| 11.18.07 d", "‘Jan21.02".
ROW_NOISE_RE = re.compile(r"^[\s.,;:'‘’\"“”|»«*•·_=~\-–—]{1,4}(?=\S)")

# "Action point 02/01", "Action Point: Feb23.03", "Action no. 4"
INLINE_ACTION_RE = re.compile(
    rf"""
    \bAction(?:[ ]+(?:point|no\.?|number|ref\.?)s?)?   # the marker words ("Action Jan24.01" too)
    [ ]*[:.]?[ ]*                                 # optional punctuation
    (?P<id>
        {MONTH_WORD}[ ]?\d{{2}}[ ]?\.[ ]?\d{{2}}  # Feb23.03
      | \d{{2}}\.\d{{2}}\.\d{{2}}                 # 07.17.02
      | \d{{1,2}}/\d{{1,3}}                       # 02/01
    )
    (?![\w/])
    """,
    re.VERBOSE | re.IGNORECASE,
)

# A line that titles an action table ("ACTION LIST SUMMARY", "Actions from previous meeting",
# "ACTION POINTS", "Action log"); the table's rows follow.
TABLE_TITLE_RE = re.compile(
    r"""
    (?:^|\s)
    (?:
        action[ ]+(?:list|points?|log|summary|tracker|register)   # ACTION POINTS, ACTION LOG
      | actions?[ ]+(?:arising|from[ ]+(?:the[ ]+)?(?:previous|last))  # Actions from previous meeting
      | summary[ ]+of[ ]+actions                                  # Summary of Actions
      | matters[ ]+arising
    )
    """,
    re.VERBOSE | re.IGNORECASE,
)

# A table header row: short, names the action column and a number/owner/update column.
HEADER_WORDS_RE = re.compile(
    r"""
    \b(?:owner|update|status|responsible|lead|progress|no\.?|number|ref|id|by[ ]+whom|who)\b
    """,
    re.VERBOSE | re.IGNORECASE,
)

# Words a header row is made of; a header is mostly these.
HEADER_VOCAB = frozenset(
    "no number ref id action actions point points owner owners update updates status by whom who "
    "responsible lead progress month date due target comment comments description item person "
    "officer deadline agreed".split()
)

# The role of a header word, for reading a row's cells by column (see header_roles).
HEADER_ROLE = {
    **dict.fromkeys("no number ref id month".split(), "id"),
    **dict.fromkeys("action actions description".split(), "action"),
    **dict.fromkeys("owner owners who whom responsible lead person officer".split(), "owner"),
    **dict.fromkeys("update updates status progress comment comments".split(), "update"),
    **dict.fromkeys("date due target deadline".split(), "date"),
}

# Owner initials as printed in an owner column: "NO", "NO/CF", "KA/JH", "ALL", "NO; CF".
OWNER_RE = re.compile(
    r"""
    ^(?:
        (?:[A-Z]{2,4}|ALL|All|Clerk|Chair|\?)            # initials or a role
        (?:[ ]?[/;,&][ ]?(?:[A-Z]{2,4}|ALL|All|Clerk|Chair|[A-Z][a-z]+))*  # co-owners
      | [A-Z][a-z]+(?:[ ]?/[ ]?[A-Z][a-z]+)+           # "Lucy/Barbara"
    )$
    """,
    re.VERBOSE,
)

# Trailing owner initials on a row whose cells were joined with single spaces.
TRAILING_OWNER_RE = re.compile(
    r"""
    \s(?P<owner>
        (?:[A-Z]{2,3}|ALL)                 # initials
        (?:[ ]?/[ ]?(?:[A-Z]{2,3}|[A-Z][a-z]+))*  # co-owners "NO/CF", "NO/Lucy"
    )\s*$
    """,
    re.VERBOSE,
)

# Someone given a task: "CF to chase", "NO will arrange", "Clerk to write".
TASK_RE = re.compile(
    r"""
    (?:\b[A-Z]{2,3}(?:/[A-Z]{2,3})*|\b(?:Clerk|Chair|All|ALL|Council(?:lors)?|[A-Z][a-z]+))  # who
    [ ]+(?:to|will|agreed[ ]+to)[ ]+[a-z]                       # the task
    """,
    re.VERBOSE,
)

# Update wording that closes an action. The word must end the phrase ("Completed - see
# below", "Action closed", "done.") so "closed churchyard" or "remove the equipment" never count.
# The status words allow OCR misreadings ("Cornpleted", "Compieted", "complete d", "C1osed").
CLOSED_RE = re.compile(
    r"""
    (?:
        (?!(?<=\bthe[ ]|\bthe\n)(?-i:[a-z]))     # "the closed churchyard": an adjective (a capital
        (?!(?<=\ba[ ])(?-i:[a-z]))(?<!/)          # starts a cell: "regarding the Completed"), "open/closed"
        (?<!\bbe[ ])(?<!\bbe\n)(?<!\bnot[ ])       # "needs to be completed", "not done": not yet
        \b(?:c[o0](?:m|rn)p[l1Ii|]ete(?:[ ]?d)?    # complete, completed, "complete d"
           |c[l1Ii|]osed|done|discharged)\b        # the other status words
        (?=\s*(?:$|[.:;,!)\-–—]|see\b|and\b|but\b|(?-i:[A-Z]{2,3}\b)))  # ending the phrase
      | (?:^|\t)\s*removed?\b                     # "Remove" as the whole update
      | \bno[ ]longer[ ]required\b                # anywhere
      | \baction[ ]+(?:closed|completed?)\b
    )
    """,
    re.VERBOSE | re.IGNORECASE | re.MULTILINE,
)

# Words that keep an action open even when another part of the row says "completed".
ONGOING_RE = re.compile(
    r"\b(?:on-?\s?going|o/s|outstanding|in[\s-]+hand|in\s+progress|awaiting|pending|not\s+(?:yet|done))\b",
    re.IGNORECASE,
)

# "ACTION : CF to invite Ian Jones", "Action: Clerk to write" (no printed ID).
ACTION_LINE_RE = re.compile(
    r"""
    ^\s*ACTIONS?\s*[:\-–]?\s+          # the marker, often upper case
    (?P<text>(?:[A-Z][A-Za-z]*|[A-Z]{2,3}(?:/[A-Z]{2,3})*)\b.{3,})  # the task sentence
    """,
    re.VERBOSE,
)

# Narrative actions: "The Clerk agreed to ...", "Clerk to write to ...".
AGREED_TO_RE = re.compile(
    r"""
    (?P<who>\b(?:the\s+)?(?:Clerk|Chair(?:man)?|Councillor\s+[A-Z][a-z]+|Cllr\.?\s+[A-Z][a-z]+))
    \s+(?:agreed|undertook|was\s+asked|is\s+to|to)\s+(?:to\s+)?
    (?P<task>[a-z][^.\n]{5,})
    """,
    re.VERBOSE,
)

# A lettered heading line ("a. Playground Advisory Group"): a row's
# continuation never starts like this, so the table is over.
HEADING_LINE_RE = re.compile(
    r"""
    ^\s*(?:[a-z]\.|\([a-z]\)|[a-z]\))     # a. / (a) / a)
    \s+[A-Z][A-Za-z]*(?:[ ][A-Za-z&]+){0,6}\s*$  # then a short title and nothing else
    """,
    re.VERBOSE,
)

# The key under an action table ("Owners: AF Cllr Alan Fairbairn (Chair); PR Cllr Priya ..."):
# it explains the owners' initials and is no part of the last row's update, so the table is
# over. Two initials-and-name entries at least: "Owner: Clerk" or "Owner: AF" under a block-style
# action is the action's own owner.
LEGEND_LINE_RE = re.compile(
    r"""
    ^\s*(?:Key|Legend|Owners?|Initials|Abbreviations)\s*[:–—-]\s*  # the key's label
    [A-Z]{2,4}\b[^;\n]*                                               # first entry: initials, name
    [;,]\s*[A-Z]{2,4}\b                                               # a second entry's initials
    """,
    re.VERBOSE,
)

# A row line in wide-gap text: cells separated by tabs or runs of 2+ spaces.
CELL_SPLIT_RE = re.compile(r"\t+|\s{3,}|\s*‖\s*")

# Continuation lines of a table row longer than this (and not tab-indented) are prose.
MAX_CONTINUATION = 100


def canonical_action_id(raw: str) -> str:
    """The canonical action ID: as printed, marker words dropped, internal spaces removed.

    OCR letter-for-digit confusions in the digit part are put right ("Nov2O.0l" is Nov20.01);
    the month word and a suffix letter are kept as printed.

    >>> canonical_action_id("Action point 02/01"), canonical_action_id("Feb 23.05")
    ('02/01', 'Feb23.05')
    >>> canonical_action_id("O3,21.07"), canonical_action_id("03.19.04(l)")
    ('03.21.07', '03.19.04(1)')
    """
    m = INLINE_ACTION_RE.search(raw)
    if m:
        raw = m.group("id")
    raw = re.sub(r"\s+", "", raw.strip()).rstrip(".")
    if ACTION_ID_RE.fullmatch(raw):
        return raw
    ocr = OCR_ID_RE.fullmatch(raw)
    if ocr is None:
        return raw
    if ocr.group("month"):
        return ocr.group("month") + ocr.group("mdigits").translate(_DIGIT_FOR)
    return "".join((ocr.group("digits").translate(_DIGIT_FOR), (ocr.group("sub") or "").translate(_DIGIT_FOR),
                    ocr.group("suffix") or ""))


def _ocr_id_ok(raw: str) -> bool:
    """An OCR-read ID keeps most of its digits real: 3 of MM.YY.NN's 6, 2 of a month ID's 4."""
    digits = sum(ch.isdigit() for ch in raw)
    return digits >= (2 if re.match(r"[A-Za-z]{3}", raw) else 3)


def is_closed(update: str) -> bool:
    """True when an update records the action closed and nothing in it says it is still going.

    A row holding several sub-actions (one per line, each "XX to ...") is closed only when each
    has its own closing word: "completed" against one line of three leaves the action open.
    """
    closings = len(CLOSED_RE.findall(update))
    if not closings or ONGOING_RE.search(update):
        return False
    tasks = sum(1 for line in update.split("\n") if TASK_RE.match(_strip_topic(line)))
    return closings >= tasks or tasks < 2


def _strip_topic(line: str) -> str:
    """A row line without its leading ID and "Topic -" prefix ("Pond Cottage - JH will ...")."""
    line = ACTION_ID_RE.sub("", line, count=1).strip(" \t‖:")
    return re.sub(r"^[A-Z][\w ]{0,30}?\s[-–]\s*", "", line)


@dataclass
class _Row:
    raw: str
    start: int
    end: int
    cells: list[str]
    more: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Line:
    text: str
    start: int
    cells: tuple[str, ...]


def _lines(text: str, rows: Sequence[Sequence[str]] | None) -> list[_Line]:
    """Text lines with their offsets and cells; ``rows`` (table cells per line) wins when given."""
    out: list[_Line] = []
    if rows is not None:
        pos = 0
        for row in rows:
            cells = tuple(c.strip() for c in row if c is not None)
            joined = " ".join(c for c in cells if c)
            first = next((c for c in cells if c), "")
            at = text.find(first, pos) if first else -1
            start = at if at >= 0 else pos
            pos = start + len(first) if at >= 0 else pos
            out.append(_Line(joined, start, cells))
        return out
    pos = 0
    for raw in text.split("\n"):
        cells = tuple(c.strip() for c in CELL_SPLIT_RE.split(raw))
        out.append(_Line(raw, pos, cells if len(cells) > 1 else (raw.strip(),)))
        pos += len(raw) + 1
    return out


def _row_id(line: _Line, in_table: bool) -> tuple[str, str] | None:
    """(raw id, rest of the row) when the line starts a table row.

    Inside a table, a few noise characters before the ID (a bullet, a bit of a table rule) are
    skipped and an OCR-misread ID ("O3.21.07", "Nov2O.01") is accepted.
    """
    stripped = line.text.lstrip()
    m = MONTH_ID_RE.match(stripped)
    if m is None and in_table:
        m = TABLE_ID_RE.match(stripped)
        if m is None:
            noise = ROW_NOISE_RE.match(stripped)
            if noise is not None:
                stripped = stripped[noise.end() :]
            m = MONTH_ID_RE.match(stripped) or TABLE_ID_RE.match(stripped)
            if m is None:
                m = OCR_ID_RE.match(stripped)
                if m is not None and not _ocr_id_ok(m.group(0)):
                    m = None
    if m is None:
        return None
    return m.group(0), stripped[m.end() :].strip(" \t‖:-")


def _cells_after_id(cells: Sequence[str], raw: str) -> list[str]:
    """A row's cells with the ID (and any noise cell or characters before it) taken out.

    The ID may share its cell with the description ("Sept21.01 NO will ...").
    """
    rest = list(cells)
    while rest:
        first = rest[0]
        at = first.find(raw)
        if at >= 0:
            tail = first[at + len(raw) :].strip()
            return [tail, *rest[1:]] if tail else rest[1:]
        if first and ROW_NOISE_RE.sub("", first).strip(" .,;:'‘’|*•-–—"):
            # the ID split over two cells ("11.18.07" | "d Speed monitoring")
            left = raw[raw.find(first.strip()) + len(first.strip()) :].strip() if first.strip() in raw else ""
            rest = rest[1:]
            if left and rest and rest[0].startswith(left):
                rest[0] = rest[0][len(left) :].strip()
            return [c for i, c in enumerate(rest) if c or i]
        rest = rest[1:]
    return rest


def _looks_like_heading(rest: str) -> bool:
    """An item heading ("05.18.10 Finance") rather than an action row: short, no task, no owner."""
    words = rest.split()
    if not words or len(words) > 12:
        return not words
    if TASK_RE.search(rest) or TRAILING_OWNER_RE.search(" " + rest) or CLOSED_RE.search(rest):
        return False
    return True


def _is_header(line: _Line) -> bool:
    """A table header row ("NO ACTION OWNER Update", "MONTH / NUMBER ACTION POINT ACTION")."""
    t = line.text.strip()
    if not t or len(t) > 90 or ACTION_ID_RE.search(t) or t.endswith("."):
        return False
    words = re.findall(r"[A-Za-z]+", t)
    if not words or len(words) > 10 or not re.search(r"\baction", t, re.I):
        return False
    known = sum(w.lower() in HEADER_VOCAB for w in words)
    return bool(HEADER_WORDS_RE.search(t)) and known / len(words) >= 0.7


def header_roles(header: Sequence[str]) -> list[str]:
    """The column roles a table header names, one per column: id, action, owner, update, date.

    Words of one role next to each other in one cell are one column ("MONTH / NUMBER", "ACTION
    POINT", "By whom"); a cell naming two roles is two columns that OCR or the PDF reader ran
    together ("Owner Update"). A second "action" column is the update column ("ACTION POINT |
    ACTION").

    >>> header_roles(["No", "Action", "Owner Update"])
    ['id', 'action', 'owner', 'update']
    >>> header_roles(["MONTH / NUMBER", "ACTION POINT", "ACTION"])
    ['id', 'action', 'update']
    """
    roles: list[str] = []
    for cell in header:
        cell_roles: list[str] = []
        for word in re.findall(r"[A-Za-z]+", cell):
            role = HEADER_ROLE.get(word.lower())
            if role is not None and (not cell_roles or cell_roles[-1] != role):
                cell_roles.append(role)
        roles.extend(cell_roles)
    if roles.count("action") > 1:
        second = roles.index("action", roles.index("action") + 1)
        roles[second] = "update"
    return roles


def _split_row(row: _Row, header: list[str]) -> tuple[str, str | None, str]:
    """(description, owner, update) of a table row.

    Under a header, continuation lines go to their columns: a line with a cell per column is
    split by the header; in a line with fewer cells, an initials cell is the owner's, the
    leftmost other cell continues the description and the rest is update text. A lone cell is
    update text, unless the table has no update column (an action summary).
    """
    cells = [c for c in row.cells if c]
    more = " ".join(m.strip() for m in row.more if m.strip())
    if len(cells) >= 2:
        roles = header_roles(header)
        if roles[:1] == ["id"]:
            roles = roles[1:]  # the row's cells come without the ID
        by_role: dict[str, list[str]]
        if len(roles) == len(cells) and "action" in roles:
            # map by the header when it has the row's shape
            by_role = {role: [cell] for role, cell in zip(roles, cells, strict=True)}
        else:
            by_role = {"action": [], "owner": [], "update": []} if not roles or "update" in roles else \
                {"action": [], "owner": []}
            for cell in cells:
                if not by_role["owner"] and OWNER_RE.match(cell):
                    by_role["owner"].append(cell)
                elif not by_role["action"] or "update" not in by_role:
                    by_role["action"].append(cell)
                else:
                    by_role["update"].append(cell)
        columns = header_roles(header)
        for line in row.more:
            fields = [c.strip() for c in line.split("\t")]
            if len(fields) == len(columns) and "" in fields:
                # placed under the header's columns by the reader: each part stays in its column
                for role, part in zip(columns, fields, strict=True):
                    if part and role != "id":
                        by_role.setdefault(role if role in by_role else "update", []).append(part)
                continue
            _continue_row(by_role, roles, [f for f in fields if f])
        owner = "; ".join(by_role["owner"]) if by_role.get("owner") else None
        return _clean(" ".join(by_role["action"])), owner, _clean(" ".join(by_role.get("update", [])))
    rest = cells[0] if cells else ""
    owner = None
    m = TRAILING_OWNER_RE.search(" " + rest)
    if m:
        owner = m.group("owner")
        rest = rest[: max(0, m.start() - 1)]
    return _clean(rest), owner, _clean(more)


def _continue_row(by_role: dict[str, list[str]], roles: list[str], parts: list[str]) -> None:
    """Add a continuation line's cells to the columns of the row they continue."""
    if len(parts) == len(roles) and set(roles) <= set(by_role):
        for role, part in zip(roles, parts, strict=True):
            by_role[role].append(part)
        return
    # fewer cells than columns: an initials cell is the owner's, the leftmost other cell continues
    # the description, the rest the update (a lone cell: the update)
    rest = []
    for part in parts:
        if "owner" in by_role and OWNER_RE.match(part) and len(part) <= 12:
            by_role["owner"].append(part)
        else:
            rest.append(part)
    if rest and (len(parts) >= 2 or "update" not in by_role):
        by_role["action"].append(rest.pop(0))
    if rest:
        by_role["update" if "update" in by_role else "action"].append(" ".join(rest))


def _clean(s: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"</?p>", " ", s)).strip()


def _table_rows(lines: list[_Line]) -> Iterator[tuple[_Row, list[str]]]:
    """Rows of every action table among ``lines``, each with the header it sits under."""
    in_table = False
    header: list[str] = []
    row: _Row | None = None
    after_blank = False
    for line in lines:
        text = line.text
        if not text.strip():
            after_blank = True
            continue
        if after_blank and row is not None and text[:1] not in "\t " and _row_id(line, True) is None:
            # a blank line then unindented text: the table is over (Markdown/plain-text papers)
            yield row, header
            row, in_table = None, False
        after_blank = False
        hit = _row_id(line, in_table)
        if hit is not None:
            raw, rest = hit
            rest_cells = _cells_after_id(line.cells, raw)
            if _looks_like_heading(rest) and not MONTH_ID_RE.fullmatch(raw.strip()):
                if row is not None:
                    yield row, header
                row, in_table = None, False
                if TABLE_TITLE_RE.search(text):
                    in_table = True
                continue
            if row is not None:
                yield row, header
            row = _Row(raw, line.start + text.find(raw), line.start + len(text), rest_cells)
            in_table = True
            continue
        if _is_header(line):
            if row is not None:
                yield row, header
            row, in_table = None, True
            header = [c for c in line.cells if c] if len(line.cells) > 1 else text.split()
            continue
        if TABLE_TITLE_RE.search(text) and len(text) < 90:
            if row is not None:
                yield row, header
            row, in_table = None, True
            continue
        if HEADING_LINE_RE.match(text) or LEGEND_LINE_RE.match(text):
            if row is not None:
                yield row, header
            row, in_table = None, False
            continue
        if row is not None:
            indented = text[:1] in "\t " or (len(line.cells) > 1 and not line.cells[0])
            if len(text.strip()) <= MAX_CONTINUATION or indented:
                # cells stay tab-separated: a status word's guards never reach across a cell
                # a wrapped line placed under its columns (empty cells kept) stays in them
                row.more.append("\t".join(line.cells) if len(line.cells) > 1 else text)
                row.end = line.start + len(text)
                continue
            # prose after a row ends the row, not the table: a second table part may follow
            yield row, header
            row = None
    if row is not None:
        yield row, header


def _sentence_before(text: str, pos: int) -> tuple[int, str]:
    """The sentence (or numbered paragraph) that ends just before ``pos``."""
    head = text[:pos]
    cut = max(head.rfind("\n"), 0)
    para = head[cut:]
    # drop a paragraph number ("- 6.3.2 ") at the start
    para_stripped = re.sub(r"^\s*[-•]?\s*(?:\d+(?:\.\d+)*\.?\s+)?", "", para)
    start = pos - len(para_stripped)
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z])", para_stripped.strip())
    # a marker usually follows the one sentence that states the action
    last = parts[-1] if parts else ""
    if len(parts) > 1 and len(last) < 25:
        last = " ".join(parts[-2:])
    return start, last.strip()


def find_actions(text: str, rows: Sequence[Sequence[str]] | None = None) -> Iterator[ActionMention]:
    """Yield the action points an item's text records, in reading order of their kind.

    ``rows``: the item's lines as table cells (one sequence per line, a single cell for plain
    lines), when the layout knows them; otherwise cells are split on tabs and wide gaps.
    Status is closed only when the update says so (Completed, Closed, done, no longer required).
    """
    lines = _lines(text, rows)
    seen_spans: list[tuple[int, int]] = []
    for row, header in _table_rows(lines):
        desc, owner, update = _split_row(row, header)
        whole = "\n".join(["\t".join(row.cells), *row.more])
        # the whole row, not just the update cell: column splits are unreliable, and the
        # phrase-ending rule in CLOSED_RE keeps descriptions ("closed churchyard") from counting
        status = ActionStatus.CLOSED if is_closed(whole) else ActionStatus.OPEN
        seen_spans.append((row.start, row.end))
        yield ActionMention(
            id=canonical_action_id(row.raw),
            raw=row.raw.strip(),
            description=desc,
            owner=owner,
            status=status,
            update=update,
            page=0,
            start=row.start,
            end=row.end,
            rule="table_row",
        )
    for m in INLINE_ACTION_RE.finditer(text):
        if any(a <= m.start() < b for a, b in seen_spans):
            continue
        start, sentence = _sentence_before(text, m.start())
        owner_m = TASK_RE.search(sentence)
        yield ActionMention(
            id=canonical_action_id(m.group("id")),
            raw=m.group(0),
            description=sentence,
            owner=None if owner_m is None else owner_m.group(0).split()[0],
            status=ActionStatus.OPEN,
            update="",
            page=0,
            start=start,
            end=m.end(),
            rule="inline_marker",
        )
    yield from _unnumbered(text, lines, seen_spans)


def _unnumbered(text: str, lines: list[_Line], seen: list[tuple[int, int]]) -> Iterator[ActionMention]:
    """Actions with no printed ID: "ACTION: CF to ...", owner columns, "The Clerk agreed to"."""
    for line in lines:
        if any(a <= line.start < b for a, b in seen):
            continue
        m = ACTION_LINE_RE.match(line.text)
        if m and not TABLE_TITLE_RE.search(line.text):
            task = _clean(m.group("text"))
            who = TASK_RE.search(task)
            yield ActionMention(
                id="",
                raw=line.text.strip(),
                description=task,
                owner=None if who is None else who.group(0).split()[0],
                status=ActionStatus.OPEN,
                update="",
                page=0,
                start=line.start,
                end=line.start + len(line.text),
                rule="action_line",
            )
            continue
        cells = [c for c in line.cells if c]
        if len(cells) >= 2 and OWNER_RE.match(cells[-1]) and len(cells[-1]) <= 12:
            body = " ".join(cells[:-1])
            if len(body.split()) >= 4:
                yield ActionMention(
                    id="",
                    raw=line.text.strip(),
                    description=_clean(body),
                    owner=cells[-1],
                    status=ActionStatus.CLOSED if is_closed(body) else ActionStatus.OPEN,
                    update="",
                    page=0,
                    start=line.start,
                    end=line.start + len(line.text),
                    rule="owner_column",
                )
    for m in AGREED_TO_RE.finditer(text):
        if any(a <= m.start() < b for a, b in seen):
            continue
        yield ActionMention(
            id="",
            raw=m.group(0),
            description=_clean(m.group(0)),
            owner=re.sub(r"^the\s+", "", m.group("who"), flags=re.I),
            status=ActionStatus.OPEN,
            update="",
            page=0,
            start=m.start(),
            end=m.end(),
            rule="agreed_to",
        )
