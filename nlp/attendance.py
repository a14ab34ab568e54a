"""Who attended a meeting: chair, members present, apologies, officers and others.

``find_attendance`` reads the start of a minutes document (heading, attendance block and the first
few items, since apologies are often item 1). Table rows should keep their cells apart with tabs
(``head_text`` builds such text from :class:`Line` values).

The parser works in three steps:

1. *Sections*: labels such as ``Present:``, ``Apologies``, ``In attendance``, ``Clerk:`` or a
   ``Present: | Members of the Public: | Apologies:`` table header start a section; a section ends at
   the next label, an item number, a sentence end or (for one-per-line lists) a line with no name.
2. *Entries*: a section's text is cut into parts at separators (commas, "and", tabs, dashes), at
   titles ("Cllr", "Councillor", "Mayor", "Vice Chairman"...) and after a parenthesised role, and
   each part becomes a person with roles, organisations and initials, or is attached to the
   previous person as a role or organisation ("Peter King, Parish Clerk").
3. *Categories*: the section decides the default and roles override it: a clerk listed under
   "Present" is an officer, a county councillor or footpath warden is an "other", anyone recorded
   as sending apologies leaves the other lists.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field

from minutebook.model import Attendance, Line

# How much of a document the attendance block and the apologies item can reasonably span.
HEAD_CHARS = 6000

# Section kinds.
PRESENT = "present"
ATTENDING = "attending"  # "In attendance": members when it is the only list, else officers
ALSO = "also"  # "Also present": guests
STAFF = "staff"
CLERK = "clerk"
INVITED = "invited"
PUBLIC = "public"
APOLOGIES = "apologies"

# Attendance labels, most specific first; each maps to a section kind.
LABELS: list[tuple[str, str]] = [
    (r"staff\s+present|officers?\s+present|officers\s+in\s+attendance", STAFF),
    (r"also,?\s+(?:present|in\s+attendance)", ALSO),
    (r"in\s+attendance(?:\s+virtually)?", ATTENDING),
    (r"(?:members|councillors|commissioners|those|board\s+members)\s+present", PRESENT),
    (r"present(?:\s*\([^)]{0,30}\))?", PRESENT),
    (r"attendees|attendance|roll\s+call|attending(?:\s+(?:by|via|on)\s+\w+)?(?:\s*\([^)]{0,30}\))?", PRESENT),
    (r"board|members|board\s+members|committee\s+members", PRESENT),
    (r"invited|guests|observers", INVITED),
    (r"members\s+of\s+(?:the\s+)?public|public", PUBLIC),
    (r"(?:accepted\s+)?apologies(?:\s+for\s+absence)?(?:\s+received)?|(?:members\s+)?absent|not\s+present",
     APOLOGIES),
    (r"(?:parish\s+|town\s+|city\s+)?clerk", CLERK),
]
LABEL_KIND = [(re.compile(rf"^(?:{pat})$", re.I), kind) for pat, kind in LABELS]
_ANY_LABEL = "|".join(f"(?:{pat})" for pat, _ in LABELS)

# A label at the start of a line or table cell.
LINE_LABEL_RE = re.compile(
    rf"""
    (?:^|(?<=\t))                        # line or cell start
    [ \t]*(?:[-•*][ \t]*)?               # a bullet
    (?:(?:\d+[./])*\d+\.?[ \t]+)?        # an item number: 1. 07.17.01 224/18
    (?P<label>{_ANY_LABEL})
    (?P<end>[ \t]*(?:[:;]-?|[-–—]|$|(?=\t))  # followed by a colon, a dash, a tab or line end,
       |(?=[ \t]+(?:Cllrs?|Councillors?|Mr|Mrs|Ms|Miss|Dr|Councilmembers?|Commissioners?)\.?\s))
                                         # or by a titled name ("Apologies for Absence Cllr. Ian Mack")
    """,
    re.I | re.M | re.X,
)
# A label inside a run-on paragraph needs a colon or dash after it ("(AJ) Present: Vicky Bright").
INLINE_LABEL_RE = re.compile(
    rf"""
    (?<![\w/])                           # a whole word, not "Councilmembers/Authority"
    (?P<label>{_ANY_LABEL})
    (?P<end>[ \t]*(?:[:;]-?|[-–—](?=\s)))  # a colon (or "Present;") or a spaced dash
    """,
    re.I | re.X,
)
# "Apologies were received from", "These were accepted from", "There were apologies from".
APOLOGY_SENTENCE_RE = re.compile(
    r"""
    \bapolog(?:ies|y)\b                  # the word itself ...
    [^.\n]{0,60}?                        # ... a short stretch of the same sentence ...
    (?:(?:\b(?:received|accepted|noted|given|tendered)\b[^.\n]{0,20}?)?
       \bfrom\b                           # ... ending in "from"
     | \b(?:received|accepted|noted)\s+for\b)   # or "were noted and accepted for Cllr X"
    \s*:?
    """,
    re.I | re.X,
)
# "Cllr. Martin Storey sent his apologies".
SENT_APOLOGIES_RE = re.compile(
    r"""
    (?P<who>(?:[A-Z][\w.'-]*\s+){1,5}?)  # the capitalised words before it
    (?:also\s+)?(?:had\s+|has\s+)?(?:sent|gave|given|offered|tendered)\s+(?:his\s+|her\s+|their\s+)?apologies
    """,
    re.X,
)
# "Acting Mayor Bonta convened the meeting", "Commissioner Jesus Vargas called ... to order".
CONVENED_RE = re.compile(
    r"""
    (?P<who>(?:[A-Z][\w/.'-]*\s+){1,6}?)   # title and name
    (?:convened|called\s+(?:the\s+)?[\w\s]{0,40}?to\s+order|presided)
    """,
    re.X,
)
# A minute number inside a run-on paragraph ("... BCKLWN 01/20 Emergency Evacuation") ends a list.
MINUTE_NUMBER_RE = re.compile(r"(?<=\s)\d{1,4}/\d{2}(?:\.\d+)?\s+(?=[A-Z])")
# After a full stop, a title starts another listed person rather than a new sentence.
LIST_GOES_ON_RE = re.compile(
    r"\s+(?:Cllr|Councillor|Mr|Mrs|Ms|Miss|Dr)\b\.?\s+[A-Z][\w.]*(?:\s+[A-Z][\w-]+)?\s*(?:\(|,|$)"
)
# An item number at the start of a line ends a section.
ITEM_LINE_RE = re.compile(r"^\s*(?:[-•]\s*)?(?:\d+(?:[./]\d+)*\.?|\(?[a-z]\)|[ivx]+\))(?:\s|$)", re.I)
# "No apologies", "None", "Absent: None".
NONE_RE = re.compile(r"^\W*(?:none|nil|no\s+apologies|no\s+one)\b", re.I)

# Titles and honorifics dropped from names; plural ones introduce a list of surnames.
TITLE_WORDS = {
    "cllr", "cllrs", "clr", "councillor", "councillors", "councilmember", "councilmembers", "councilman",
    "councilwoman", "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "rev",
    "revd", "lord", "lady", "mayor", "commissioner", "commissioners", "member", "members",
    "supervisor", "supervisors", "trustee", "trustees", "alderman", "major", "colonel", "col", "lt",
}
HONOURS = {"obe", "mbe", "cbe", "jp", "mp", "dl", "qc", "kc", "frs", "phd", "msc", "ba", "bsc", "ma"}
# Role words: before a name they are a role prefix ("City Clerk Lara Weisiger"), after it a role.
ROLE_WORDS = {
    "chair", "chairman", "chairwoman", "chairperson", "vice", "deputy", "acting", "interim", "retiring",
    "former", "clerk", "officer", "manager", "director", "head", "chief", "executive", "administrator",
    "accountant", "counsel", "analyst", "engineer", "coordinator", "co-ordinator", "attorney",
    "captain", "lead", "assistant", "adviser", "advisor", "planner", "solicitor", "secretary",
    "treasurer", "warden", "observer", "observers", "representative", "rfo", "minutes", "consultant",
    "auditor", "inspector", "superintendent", "sergeant", "constable", "pcso", "leader", "governor",
    "president", "specialist", "worker", "staff", "footpath", "county", "borough", "district",
    "parish", "town", "city", "special", "senior", "principal", "police", "authority", "hon",
    "honorary", "general", "corporate", "legal", "finance", "financial", "democratic", "services",
    "committee", "cabinet", "portfolio", "holder", "programme", "project", "team", "support",
} | TITLE_WORDS
# Role words that end a role printed before a name ("City Clerk Lara Weisiger").
OFFICER_WORDS = {"clerk", "officer", "manager", "director", "executive", "administrator", "accountant",
                 "counsel", "analyst", "engineer", "coordinator", "attorney", "captain", "planner",
                 "solicitor", "secretary", "treasurer", "inspector", "superintendent", "sergeant"}
# A role that makes someone staff of the body.
OFFICER_RE = re.compile(
    r"""\b(?:clerk|officer|manager|director|head\s+of|chief|executive|administrator|accountant
    |counsel|analyst|engineer|co-?ordinator|attorney|captain|lead|assistant|advis[eo]r|planner
    |solicitor|rfo|minutes|governance|staff\s+member)\b""",
    re.I | re.X,
)
# A role that makes someone a guest: another council's councillor, a warden, an observer, an auditor.
VISITOR_RE = re.compile(
    r"""\b(?:(?:county|borough|district|city|town|unitary)\s+council(?:lor)?|(?:b|c|d)\s+cllr
    |warden|observers?|(?<=\w\s)commissioner|auditors?|item\s+\d+(?:\s*[-–]\s*\d+)?\s+only|retiring|former
    |resident|member\s+of\s+the\s+public)\b""",
    re.I | re.X,
)
# Role text that marks the person chairing (not a vice, deputy or retiring chair).
CHAIR_RE = re.compile(
    r"(?<!vice[ -])(?<!vice)(?<!deputy )(?<!retiring )(?<!former )\b(?:acting\s+)?chair(?:man|woman|person)?\b",
    re.I,
)
VICE_CHAIR_RE = re.compile(r"\b(?:vice|deputy)[ -]?chair(?:man|woman|person)?\b", re.I)
MAYOR_RE = re.compile(r"\bmayor\b", re.I)
# Words that make a capitalised run an organisation, not a person.
ORG_WORDS = {
    "council", "county", "borough", "district", "authority", "service", "services", "trust",
    "university", "uhb", "ltd", "limited", "plc", "group", "police", "constabulary", "commission",
    "partnership", "agency", "department", "association", "society", "office", "nhs", "government",
    "school", "academy", "college", "hospital", "hospitals", "foundation", "company", "inc", "llp",
    "cic", "forum", "network", "centre", "center", "fire", "rescue", "health", "ccg", "club",
    "church", "institute", "board", "committee", "team", "unit", "informatics", "ministry", "bank",
    "library", "libraries",
}
# Capitalised words that are never part of a person's name in an attendance list.
STOP_WORDS = {
    "apologies", "apology", "present", "absent", "none", "nil", "public", "board", "the", "and",
    "item", "items", "only", "action", "actions", "welcome", "minutes", "meeting", "agenda", "also",
    "attendees", "attendance", "invited", "note", "roll", "call", "via", "zoom", "teleconference",
    "directors", "staff", "trustees",
    "all", "no", "there", "these", "this", "it", "were", "was", "received", "from", "accepted",
    "section", "apologies:", "in", "of", "for", "to", "a", "an", "with", "at", "on", "by", "as",
    "declarations", "declaration", "interest", "interests", "unrestricted", "date", "time",
    "place", "title", "vacancy", "vacancies", "agreed", "resolved", "matters", "arising", "other",
    "others", "councils", "members", "chair", "clerk", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "january", "february", "march", "july", "september", "october",
    "november", "december", "welsh", "english", "chairs", "person", "link", "links", "responsible",
}
# One token of a person's name: an initial ("R", "R."), a capitalised word with inner capitals or
# hyphens ("McNeill", "Kerford-Byrnes", "O'Brien"), or a lower-case particle word ("deHaan").
NAME_TOKEN_RE = re.compile(
    r"""
    (?:[A-Z]\.?(?![\w'’]))                               # an initial
    | (?:(?:de|da|di|van|von|le|la|du|mac|mc)?            # a lower-case particle joined on ...
         [A-ZÀ-Þ][a-zß-ÿ]*(?:[A-Z][a-zß-ÿ]+)*             # ... a capitalised word (McKay, LoPilato)
         (?:[-'’][A-ZÀ-Þ]?[a-zß-ÿ]+)*)                    # ... hyphenated or O'Brien parts
    """,
    re.X,
)
# Bracketed acronyms that are roles, not someone's initials.
ROLE_ACRONYMS = {"RFO", "CEO", "CFO", "COO", "HR", "IT", "PA", "MP", "MEP", "OBE", "MBE", "CBE"}
# Initials printed after a name: "(AS)", "(AWa)".
ALIAS_RE = re.compile(r"^[A-Z][A-Za-z]{0,2}[A-Z]?$")
# A count after a roll call ("– 5") or junk such as "15".
DIGITS_RE = re.compile(r"\d")


@dataclass(slots=True)
class Entry:
    """One person as the attendance block prints them."""

    name: str
    titled: bool = False
    titles: str = ""  # honorifics and titles as printed ("Cllr", "County Councillor")
    tentative: bool = False  # a lone word kept only if a role or a shared surname confirms it
    prefix: str = ""  # role words before the name ("Vice Chairman", "County Councillor")
    roles: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Section:
    kind: str
    text: str
    vertical: bool  # one entry per line (a list under a label on its own line)
    single: bool = False  # "Clerk:" names one person


def head_text(lines: Sequence[Line], max_chars: int = HEAD_CHARS) -> str:
    """Text of the first lines of a document for :func:`find_attendance`, table cells tab-separated."""
    out: list[str] = []
    size = 0
    for line in lines:
        text = "\t".join(line.cells) if line.cells else line.text
        out.append(text)
        size += len(text) + 1
        if size >= max_chars:
            break
    return "\n".join(out)


def find_attendance(text: str) -> Attendance:
    """Attendance read from the start of a minutes document.

    Names lose their titles ("Cllr", "Mayor", "Mr"); initials printed in brackets become aliases.
    Anyone recorded as absent or sending apologies is removed from the other lists.
    """
    text = text[: HEAD_CHARS * 2]
    cats: dict[str, list[Entry]] = {PRESENT: [], APOLOGIES: [], "officers": [], "others": []}
    seen_present = False
    for section in _sections(text):
        entries = list(_entries(section))
        for index, entry in enumerate(entries):
            cat = _category(section, entry, index, seen_present)
            cats[cat].append(entry)
        if section.kind in (PRESENT, ATTENDING) and any(
            _category(section, e, i, seen_present) == PRESENT for i, e in enumerate(entries)
        ):
            seen_present = True
    for segment in _apology_sentences(text):
        cats[APOLOGIES].extend(_entries(Section(APOLOGIES, segment, vertical=False)))
    if not any(cats.values()):
        # no attendance block at all: the initials recorded speaking are the members present
        cats[PRESENT] = [Entry(initials) for initials in _speakers(text)]
    return _assemble(cats, _convener(text))


# "MW said", "AWa suggested": initials as the subject of a reporting verb.
SPEAKER_RE = re.compile(
    r"""(?<![\w.])(?P<who>[A-Z]{2,3}|[A-Z]{2}[a-z])   # initials, with a third letter for a clash
    \s+(?:said|asked|suggested|welcomed|explained|stated|noted|added|confirmed|reported|thanked
    |discussed|proposed|queried|highlighted|felt|advised|agreed|raised|commented)\b""",
    re.X,
)


def _speakers(text: str) -> list[str]:
    return list(dict.fromkeys(m.group("who") for m in SPEAKER_RE.finditer(text)))


# --- sections -------------------------------------------------------------------------------


def _label_kind(label: str) -> str | None:
    label = re.sub(r"\s+", " ", label.strip(" \t:-–—")).lower()
    for regex, kind in LABEL_KIND:
        if regex.match(label):
            return kind
    return None


def _table_header(line: str) -> list[str] | None:
    """Section kinds of a table header row such as ``Present:\\tMembers of the Public:\\tApologies:``."""
    cells = [c.strip() for c in line.split("\t") if c.strip()]
    if len(cells) < 2:
        return None
    kinds = [_label_kind(c) for c in cells]
    if any(k is None for k in kinds):
        return None
    return [k for k in kinds if k is not None]


def _sections(text: str) -> Iterator[Section]:
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        header = _table_header(lines[i])
        if header:
            i = yield from _column_table(lines, i + 1, header)
            continue
        labels = _labels_in_line(lines[i])
        if not labels:
            i += 1
            continue
        for n, (kind, _start, end) in enumerate(labels):
            stop = labels[n + 1][1] if n + 1 < len(labels) else len(lines[i])
            rest = lines[i][end:stop]
            last = n + 1 == len(labels)
            single = kind == CLERK
            if last and not rest.strip(" \t:-–—"):
                body, _ = _vertical_block(lines, i + 1)
                # a sentence wrapped over lines ("Apologies were received from ... and Marion\nHarvey")
                prose = re.search(r"\b[a-z]{2,}\s+[a-z]{2,}\b", re.sub(r"\([^)]*\)", "", body))
                yield Section(kind, body, vertical=not prose, single=single)
            elif last and not single:
                yield Section(kind, _inline_block(rest, lines, i + 1), vertical=False)
            else:
                yield Section(kind, _cut_sentence(rest), vertical=False, single=single)
        i += 1


def _labels_in_line(line: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of attendance labels in one line, in order."""
    found: dict[int, tuple[str, int, int]] = {}
    for regex in (LINE_LABEL_RE, INLINE_LABEL_RE):
        for m in regex.finditer(line):
            kind = _label_kind(m.group("label"))
            if kind == APOLOGIES and line[: m.start("label")].rstrip().endswith("["):
                continue  # a vote note such as "[Absent: Councilmember Johnson – 1.]"
            if kind is None or any(s <= m.start("label") < e for _, s, e in found.values()):
                continue
            if regex is INLINE_LABEL_RE and kind == PRESENT and m.group("label").lower() in (
                "board", "members"
            ):
                continue  # "Board:" or "Members:" inside prose is not an attendance list
            if kind == CLERK and not m.group("end").strip():
                continue  # a bare "Clerk" word is a role, not a label
            found[m.start("label")] = (kind, m.start("label"), m.end())
    return [found[k] for k in sorted(found)]


def _vertical_block(lines: list[str], start: int) -> tuple[str, int]:
    """Lines of a one-per-line list: until an item number, a label or a line with no name."""
    taken: list[str] = []
    i = start
    skipped = 0
    while i < len(lines) and len(taken) < 60:
        line = lines[i]
        if not line.strip():
            i += 1
            if taken:
                skipped += 1
                if skipped > 1:
                    break
            continue
        if ITEM_LINE_RE.match(line) or _labels_in_line(line) or _table_header(line):
            break
        if not _looks_like_list_line(line):
            if taken or i - start > 2:
                break
            i += 1
            continue
        taken.append(line)
        i += 1
    return "\n".join(taken), i


def _inline_block(first: str, lines: list[str], start: int) -> str:
    """A run-on list: the rest of the label's line plus wrapped lines, to a sentence end."""
    parts = [first]
    i = start
    while not _ends_sentence(" ".join(parts)) and i < len(lines) and i < start + 12:
        so_far = " ".join(parts)
        if so_far.count("]") > so_far.count("["):
            break  # "[Staff present: ... Alan Cohen]": the bracket around the list closed
        line = lines[i]
        if not line.strip() or ITEM_LINE_RE.match(line) or _table_header(line):
            break
        if _labels_in_line(line) or _is_heading(line) or not _continues_list(line, " ".join(parts)):
            break
        parts.append(line)
        i += 1
    return _cut_sentence(" ".join(parts))


def _continues_list(line: str, so_far: str = "") -> bool:
    """False for a line that starts prose ("The Chairman welcomed ...") or a heading ("Link:")."""
    if so_far.count("(") > so_far.count(")"):
        return True  # inside a bracketed role wrapped over lines: "(Head of\nIT)"
    first = re.match(r"\s*([\w’']+)", line)
    word = first.group(1) if first else ""
    if word.lower() in SENTENCE_STARTERS and word[:1].isupper() and not word.isupper():
        return False
    return not line.rstrip().endswith(":")


# Words that start a sentence of prose after an attendance list.
SENTENCE_STARTERS = {"the", "there", "this", "these", "it", "we", "he", "she", "they", "following",
                     "minutes", "meeting", "welcome", "agenda", "members", "all"}


def _column_table(lines: list[str], start: int, kinds: list[str]) -> Generator[Section, None, int]:
    """Rows under a ``Present | Members of the Public | Apologies`` header, cell by cell.

    A row with fewer cells than the header has empty columns; the text cannot say which, so a
    cell with initials in brackets stays in the first column when that column's names carry
    them, and the remaining cells fill the columns from the right.
    """
    kinds = list(kinds)
    columns: list[list[tuple[str, str]]] = [[] for _ in kinds]  # (kind, cell) per column
    i = start
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        cells = [c.strip() for c in line.split("\t") if c.strip()]
        sub = [_label_kind(c) for c in cells]
        if ITEM_LINE_RE.match(line) or not any(k is None for k in sub):
            break
        if not _looks_like_list_line(line) and not any(sub):
            break
        if len(cells) >= len(kinds):
            slots = list(range(len(kinds)))
        else:
            alias = re.compile(r"\([A-Z]{2,3}\)")
            col0_alias = any(alias.search(c) for _, c in columns[0]) if columns[0] else None
            first_col0 = col0_alias is None or bool(alias.search(cells[0])) == col0_alias
            rest = len(cells) - 1 if first_col0 else len(cells)
            slots = ([0] if first_col0 else []) + list(range(len(kinds) - rest, len(kinds)))
        for k, cell in zip(slots, cells, strict=False):
            sub_kind = _label_kind(cell)
            if sub_kind:
                kinds[k] = sub_kind  # "Apologies:" heading the rest of this column
            else:
                columns[k].append((kinds[k], cell))
        i += 1
    for col in columns:
        for kind in dict.fromkeys(k for k, _ in col):
            yield Section(kind, "\n".join(c for k, c in col if k == kind), vertical=True)
    return i


def _looks_like_list_line(line: str) -> bool:
    """True for a line of names and roles, False for prose (several lower-case words in a row)."""
    plain = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", line)
    if re.search(r"\b[a-z]{2,}\s+[a-z]{2,}\s+[a-z]{2,}\s+[a-z]{2,}\b", plain):
        return False
    return bool(_name_runs(plain))


def _is_heading(line: str) -> bool:
    words = re.findall(r"[A-Za-z]+", line)
    return len(words) >= 2 and all(w.isupper() for w in words)


def _ends_sentence(text: str) -> bool:
    return _sentence_end(text) is not None


def _sentence_end(text: str) -> int | None:
    """Offset of the first full stop that ends a sentence (not an initial or "Cllr.")."""
    for m in re.finditer(r"\.(?=\s|$)", text):
        before = re.search(r"([A-Za-z]+)\W*$", text[: m.start()])
        word = before.group(1) if before else ""
        if re.fullmatch(r"[A-Za-z]{1,2}|cllrs?|mrs?|ms|dr|st|rev|revd|no|hon|prof|cttee", word, re.I):
            continue
        if LIST_GOES_ON_RE.match(text, m.end()):
            continue  # "Cllr H Hogan. Mrs N Cooper (Clerk)": the list goes on after the stop
        return m.start()
    return None


def _cut_sentence(text: str) -> str:
    """Text up to its first sentence end or run-on minute number ("... BCKLWN 01/20 Emergency")."""
    minute = MINUTE_NUMBER_RE.search(text)
    if minute:
        text = text[: minute.start()]
    end = _sentence_end(text)
    return text if end is None else text[:end]


def _apology_sentences(text: str) -> Iterator[str]:
    """The names part of sentences that record apologies, wherever they are."""
    for m in APOLOGY_SENTENCE_RE.finditer(text):
        rest = text[m.end() : m.end() + 800]
        lines = rest.split("\n")
        body = lines[0]
        for line in lines[1:]:
            if _ends_sentence(body) or not line.strip() or ITEM_LINE_RE.match(line):
                break
            if _labels_in_line(line) or _is_heading(line) or not _continues_list(line, body):
                break
            body += " " + line
        yield _cut_sentence(body)
    for m in SENT_APOLOGIES_RE.finditer(text):
        # "Borough Council of Kings Lynn & West Norfolk Cllr. Peake sent his apologies": the
        # words before it are the council; the person is the last name in the run
        people = list(_entries(Section(APOLOGIES, m.group("who"), vertical=False)))
        if people:
            yield people[-1].titles + " " + people[-1].name


def _convener(text: str) -> str | None:
    m = CONVENED_RE.search(text[:3000])
    if not m:
        return None
    entries = list(_entries(Section(PRESENT, m.group("who"), vertical=False)))
    return entries[-1].name if entries else None


# --- entries --------------------------------------------------------------------------------


def _name_runs(text: str) -> list[list[str]]:
    """Runs of capitalised name tokens (stop words break a run)."""
    runs: list[list[str]] = []
    current: list[str] = []
    toks = re.findall(r"[\w.'’/-]+|[^\w\s]", text)
    for i, tok in enumerate(toks):
        if len(tok) > 2 and tok.endswith(".") and not re.fullmatch(r"(?:[A-Z]\.)+", tok):
            tok = tok.rstrip(".")  # "Bell." at a sentence end, but keep the initials "R."
        low = tok.lower().strip(".")
        if re.search(r"['’]s$", tok):
            low = "the"  # "Council’s": a possessive is never part of a listed name
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        # "JJ Macnamara", "A.J. Smith": two initials together, where a name starts and a
        # surname follows ("MP" after a name, "RFO" and "NCC" are not initials)
        initials = (not current and bool(re.fullmatch(r"[A-Z]{2}|(?:[A-Z]\.){2,3}", tok))
                    and tok not in ROLE_ACRONYMS and bool(re.fullmatch(r"[A-Z][a-z][\w'’-]*", nxt)))
        if initials or (NAME_TOKEN_RE.fullmatch(tok) and (len(low) == 1 or low not in STOP_WORDS | ORG_WORDS)):
            current.append(tok)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _mask_brackets(text: str) -> tuple[str, list[str]]:
    """Replace bracketed groups (nested too) by ``\\x00N\\x00`` markers; return their contents."""
    groups: list[str] = []
    out: list[str] = []
    depth = 0
    buf: list[str] = []
    for ch in text:
        if ch in "([":
            if depth:
                buf.append(ch)
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
            if depth:
                buf.append(ch)
            else:
                groups.append("".join(buf).strip())
                buf = []
                out.append(f" \x00{len(groups) - 1}\x00 ")
        elif depth:
            buf.append(ch)
        elif ch in ")]":
            out.append(" ")  # a stray closing bracket ("... Andrew Thomas]")
        else:
            out.append(ch)
    if buf:
        out.append(" ".join(buf))
    return "".join(out), groups


# Splits a section into parts: separators (kept as their own pieces), bracket markers, tabs.
SPLIT_RE = re.compile(
    r"""
    (\x00\d+\x00)                         # a bracketed group marker
    | (\t+|\n|;|,|:|\s&\s|\s+and\s+        # list separators
       |\s[-–—]+\s|\s[-–—]+(?=\w)|^[-–—]\s*)  # a spaced dash before a role: "Claire Cann (CC) – Chairman"
    """,
    re.X,
)


def _entries(section: Section) -> Iterator[Entry]:
    """People listed in one section, in order."""
    text = section.text.replace("\u00a0", " ")
    rows = [line for line in text.split("\n") if line.strip()]
    if section.vertical and len(rows) >= 2 and "\t" not in text and all("," in r for r in rows[:-1]) \
            and any(r.count(",") >= 2 for r in rows):
        # a comma list wrapped over several lines ("Charlotte Clark – Southwold, Sarah Hunt –
        # Hadleigh, ... Roger\nMcmaster – ..."), not one person per line
        yield from _parse_parts(" ".join(r.strip() for r in rows), section)
        return
    if section.vertical:
        # one entry per line; the cells after the first are the person's organisation
        for line in text.split("\n"):
            cells = [c.strip() for c in line.split("\t") if c.strip(" -–—\t")]
            if not cells:
                continue
            # "Mike Readman, Colin Owens, Mike Hosking" under an "Apologies" heading is a list of
            # people, not a person and the firm they come from
            one_per_line = not (len(cells) == 1 and _is_name_list(cells[0], pairs=section.kind == APOLOGIES))
            people = list(_parse_parts(cells[0], section, one_per_line=one_per_line))
            if people and len(cells) > 1:
                people[-1].orgs.append(_clean_org(" ".join(cells[1:])))
            yield from people
    else:
        yield from _parse_parts(re.sub(r"\s*\n\s*", " ", text), section)


def _is_name_list(line: str, pairs: bool = False) -> bool:
    """Whether a line is only people's names: three or more separated by commas (and a last
    "and"), or two joined by "and" (or by a comma with ``pairs``), each read as a full name with
    no role, firm or body around it."""
    text = line.strip().rstrip(".")
    pieces = [p.strip() for p in re.split(r",|\s+(?:and|&)\s+", text)]
    # "Lev Kushner, Alameda Point" in a staff list is a person and their employer; under an
    # apologies heading two names with a comma are two people
    if not all(pieces) or len(pieces) < 2 or (len(pieces) == 2 and "," in text and not pairs):
        return False
    read = [_parse_chunk(p, False) for p in pieces]
    # honorifics are fine ("Cllr A Smith, Cllr B Jones"); a role is not ("Chief Officer for Alameda Point")
    return all(kind == "name" and not (entry.roles or entry.orgs or entry.prefix) for entry, kind in read)


def _parse_parts(text: str, section: Section, one_per_line: bool = False) -> Iterator[Entry]:
    """People in a run of text; with ``one_per_line`` a second untitled name is a role or firm."""
    # "Vice-Chair" is the role "Vice Chair", not a hyphenated name
    text = re.sub(r"\b(vice|deputy)[-‐]((?:chair|mayor|president)\w*)", r"\1 \2", text, flags=re.I)
    # "B Cllr" / "C Cllr" are borough and county councillors in Norfolk minutes
    text = re.sub(r"\bB\.?\s+Cllr\b", "Borough Cllr", text)
    text = re.sub(r"\bC\.?\s+Cllr\b", "County Cllr", text)
    # a range "Item 1 – 3 Only" is not a dash before a role
    text = re.sub(r"(\d)\s*[-–—]\s*(\d)", r"\1-\2", text)
    masked, groups = _mask_brackets(text)
    masked = _split_titles(masked)
    semicolons = ";" in masked
    pieces = [p for p in SPLIT_RE.split(masked) if p]
    if semicolons:
        # "Interim Base Reuse and Economic Development Director Andrew Thomas;": in a list
        # separated by semicolons, "and" sits inside a role
        pieces = _rejoin_and(pieces)
    entries: list[Entry] = []
    group_title = False  # "Councilmember Bonta, deHaan, Johnson": surnames alone are names
    after_dash = after_and = last_was_org = last_was_role = False
    for piece in pieces:
        sep = piece.strip(" ")
        if not sep.strip():
            if "\t" in piece or "\n" in piece:
                after_dash = after_and = False
            continue
        marker = re.fullmatch(r"\x00(\d+)\x00", sep)
        if marker:
            if entries:
                _attach_bracket(entries[-1], groups[int(marker.group(1))])
            last_was_role = False
            continue
        if sep in {";", ",", ":", "&", "and"} or re.fullmatch(r"[-–—]+", sep):
            after_dash = bool(re.fullmatch(r"[-–—]+", sep))
            after_and = sep in {"&", "and"}
            continue
        for n, chunk in enumerate(piece.split("\x01")):
            chunk = chunk.strip()
            if n:
                after_dash = after_and = last_was_role = False
            if not chunk:
                continue
            entry, kind = _parse_chunk(chunk, group_title)
            prev = entries[-1] if entries else None
            if kind == "title-only":
                if prev and PLACE_ROLE_RE.search(chunk):
                    # "Cllr Martin Storey Norfolk County Councillor": a role after the name
                    _take_place(prev, chunk)
                    last_was_role = True
                elif chunk.lower().rstrip(".").endswith("s"):
                    group_title = True
                continue
            mostly_titled = bool(entries) and sum(e.titled for e in entries) * 2 >= len(entries)
            untitled_name = kind in ("name", "single") and not entry.titled
            if kind == "role" or (untitled_name and after_dash and prev):
                if prev and kind == "role" and PLACE_ROLE_RE.search(chunk):
                    _take_place(prev, chunk)
                elif prev:
                    prev.roles.append(_clean_role(chunk))
                after_dash = last_was_org = False
                last_was_role = True
                continue
            if (
                kind == "org"
                or (after_and and (last_was_org or last_was_role) and not entry.titled)
                or (untitled_name and prev and last_was_role and mostly_titled)
                or (untitled_name and prev and one_per_line and not after_and)
                or (untitled_name and prev and semicolons and prev.prefix)
            ):
                # "Cllr Colin Sampson, Borough Council of Kings Lynn and West Norfolk",
                # "Special Counsel Kristen Rogers, Olson Remcho;": the body or firm, not a person
                if prev:
                    prev.orgs.append(_clean_org(chunk))
                last_was_org = True
                after_dash = last_was_role = False
                continue
            if kind not in ("name", "single"):
                after_dash = last_was_role = False
                continue
            if not entries and entry.titled and kind == "name":
                group_title = True  # the title covers the surnames after it
            if after_and and prev and _shares_surname(prev, entry):
                prev.name = f"{prev.name} {entry.name.split()[-1]}"
                prev.tentative = False
            entries.extend(_split_pair(entry))
            after_dash = False
            last_was_org = bool(entry.orgs)
            last_was_role = bool(entry.roles)
        after_and = False
    for entry in entries:
        if entry.name and (not entry.tentative or entry.roles):
            yield entry


# A councillor of a named place: "Norfolk County Councillor".
PLACE_ROLE_RE = re.compile(r"\b(?:county|borough|district|parish|town)\s+(?:councillor|cllr)\b", re.I)


def _rejoin_and(pieces: list[str]) -> list[str]:
    out: list[str] = []
    for piece in pieces:
        if piece.strip() == "and" and out:
            out[-1] += " and "
        elif out and out[-1].endswith(" and "):
            out[-1] += piece
        else:
            out.append(piece)
    return out


def _split_pair(entry: Entry) -> list[Entry]:
    """"Gail Reeve Helen Richardson": four full words with no separator are two people."""
    tokens = entry.name.split()
    if len(tokens) != 4 or any(len(t.strip(".")) == 1 for t in tokens):
        return [entry]
    # the roles printed after the pair belong to the second person
    second = Entry(" ".join(tokens[2:]), roles=entry.roles, orgs=entry.orgs)
    entry.name = " ".join(tokens[:2])
    entry.roles, entry.orgs = [], []
    return [entry, second]


def _take_place(entry: Entry, role: str) -> None:
    """Attach a trailing role; a place name run into the person's name moves to it."""
    tokens = entry.name.split()
    if len(tokens) >= 3 and len(tokens[-1]) > 1:
        role = f"{tokens[-1]} {role}"
        entry.name = " ".join(tokens[:-1])
    entry.roles.append(_clean_role(role))


# Role words that introduce a person in a run-on list without commas:
# "Chairman S Lintern Vice Chairman Mrs J Taylor ... Footpath Warden Mr C Philpott".
ROLE_PREFIX_RE = re.compile(
    r"""(?<=[\w\x00.)]\s)                                  # after a word, not at the start
    (?=(?:Vice[\s-]+|Acting\s+)?Chairman\s
      |Footpath\s+Warden\s
      |(?:County|Borough|District)\s+(?:Councillor|Cllr)\b)""",
    re.X,
)


def _split_titles(text: str) -> str:
    """Mark a break (``\x01``) before each title chain so "Sarah Thorpe Cllr Brian Long" splits.

    Titles and role words in a row form one chain ("Vice Chairman Mrs J Taylor"); a title after a
    name, or after a role printed behind a name ("Sue Lintern Chair Cllr Daphne ..."), starts one.
    """
    text = ROLE_PREFIX_RE.sub("\x01", text)
    tokens = re.split(r"(\s+|,|;|&)", text)
    out: list[str] = []
    in_prefix = True  # at the start of an entry: titles and roles here introduce the next name
    for tok in tokens:
        if not tok.strip() or tok in {",", ";", "&"}:
            if tok in {",", ";", "&"}:
                in_prefix = True
            out.append(tok)
            continue
        if tok.startswith("\x01") or tok.lower() == "and" or re.fullmatch(r"[-–—]+", tok):
            in_prefix = True
            out.append(tok)
            continue
        word = tok.lower().strip(".,\x01")
        is_title = word in TITLE_WORDS or _is_title_chain(word)
        if is_title and not in_prefix:
            out.append("\x01")
            in_prefix = True
        if not (is_title or word in ROLE_WORDS or re.fullmatch(r"[a-z]", word)):
            in_prefix = False
        out.append(tok)
    return "".join(out)


def _is_title_chain(word: str) -> bool:
    parts = word.split("/")
    return len(parts) > 1 and all(p in TITLE_WORDS or p in {"chair", "vice", "authority"} for p in parts)


def _parse_chunk(chunk: str, group_title: bool) -> tuple[Entry, str]:
    """Read one part: ("name" | "single" | "role" | "org" | "title-only" | "junk")."""
    words = chunk.split()
    lower = [w.lower().strip(".,") for w in words]
    # leading titles and role words
    k = 0
    titles: list[str] = []
    while k < len(words):
        w = lower[k]
        if w in TITLE_WORDS or _is_title_chain(w):
            titles.append(words[k])
            k += 1
        elif w in ROLE_WORDS or (w in {"of", "the", "to", "for"} and k > 0):
            k += 1
        else:
            break
    # "Interim Base Reuse and Economic Development Director Andrew Thomas": a long role before
    # the name ends at its last role word when only a name follows it
    last_role = max((j for j, w in enumerate(lower) if w in OFFICER_WORDS), default=-1)
    if not titles and last_role >= k and 1 <= len(words) - last_role - 1 <= 3:
        tail = words[last_role + 1:]
        if all(NAME_TOKEN_RE.fullmatch(t.rstrip(".,")) for t in tail):
            k = last_role + 1
    prefix_words = words[:k]
    rest = words[k:]
    # "Trustee of the Playing Field Committee": a role in a named body, said of the person before
    if (0 < k < len(words) and lower[k - 1] in {"of", "the", "for", "to"}
            and not any(w in HONORIFICS for w in lower[:k]) and any(w in ORG_WORDS for w in lower[k:])):
        return Entry(""), "role"
    # prose ("Would the salt bins on Bradfield Place ...") is not a list of people
    if re.match(r"(?:\S+\s+)?(?:[a-z]\S*\s+){2,}", " ".join(rest)):
        return Entry(""), "junk"
    if not titles and any(w in ORG_WORDS for w in lower[k:]):
        # "Library Manager", "Council Clerk": a post in a body, said of the person before
        if lower[-1].strip(".,") in ROLE_WORDS - TITLE_WORDS:
            return Entry(""), "role"
        return Entry(""), "org"
    role_only = any(w in ROLE_WORDS - TITLE_WORDS for w in lower[:k])
    if not rest:
        if role_only:
            return Entry(""), "role"
        return Entry(""), "title-only" if titles else "junk"
    runs = _name_runs(" ".join(rest))
    if not runs:
        return Entry(""), "role" if role_only and not titles else "junk"
    first = runs[0]
    clean_rest = [w.rstrip(".,") for w in rest]
    start = clean_rest.index(first[0]) if first[0] in clean_rest else 0
    after = clean_rest[start + len(first)] if start + len(first) < len(clean_rest) else ""
    if after.lower() in ORG_WORDS and len(first) >= 3:
        first = first[:-1]  # "M Storey Norfolk County Council": Norfolk belongs to the council
    if not titles and any(t.lower() in ROLE_WORDS - TITLE_WORDS for t in first[1:]):
        return Entry(""), "role"  # "Transportation Coordinator", "Public Works Director"
    run_len = len(first)
    trailing_role: list[str] = []
    while len(first) > 2 and first[-1].lower() in ROLE_WORDS - TITLE_WORDS:
        trailing_role.insert(0, first.pop())  # "Chris Philpott Footpath Warden"
    name_tokens = [t for t in first if t.lower().strip(".") not in HONOURS]
    if not name_tokens or len(name_tokens) > 4:
        return Entry(""), "junk"
    if all(t.isupper() and len(t.strip(".")) > 1 for t in name_tokens):
        return Entry(""), "junk"  # an acronym or a heading, not a name
    trailing = rest[start + run_len:]
    entry = Entry(
        " ".join(name_tokens),
        titled=bool(prefix_words),
        titles=" ".join(prefix_words),
        prefix=" ".join(w for w, lw in zip(prefix_words, lower, strict=False) if lw not in HONORIFICS),
    )
    entry.prefix = entry.prefix.strip(" .")
    if trailing_role:
        entry.roles.append(" ".join(trailing_role))
    if trailing:
        trail = " ".join(trailing)
        if any(w.lower().strip(".,") in ORG_WORDS for w in trailing):
            entry.orgs.append(_clean_org(trail))
        elif all(w.lower().strip(".,") in ROLE_WORDS or w.isupper() for w in trailing):
            entry.roles.append(_clean_role(trail))
    if len(name_tokens) == 1 and not (prefix_words or group_title):
        entry.tentative = True
        return entry, "single"
    return entry, "name"


# Honorifics carry no role: "Mr", "Cllr" are dropped; "Vice Chairman", "Mayor" are kept as roles.
HONORIFICS = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "rev", "revd",
              "lord", "lady", "cllr", "cllrs", "clr", "councillor", "councillors"}


def _attach_bracket(entry: Entry, content: str) -> None:
    content = content.strip(" ,;")
    if not content:
        return
    if content.upper() in ROLE_ACRONYMS:
        entry.roles.append(content)
        return
    if ALIAS_RE.match(content) and content.upper() != content.lower():
        if not any(c.islower() for c in content[1:]) or len(content) <= 3:
            entry.aliases.append(content)
            return
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", content)}
    if words & ORG_WORDS and not OFFICER_RE.search(content) and not VISITOR_RE.search(content):
        entry.orgs.append(_clean_org(content))
    else:
        entry.roles.append(_clean_role(content))


def _clean_role(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,;:-–—.")


def _clean_org(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,;:-–—.")


def _shares_surname(left: Entry, right: Entry) -> bool:
    """"Ken & Jane Clifford": a lone first name before "&" takes the surname after it."""
    return (
        len(left.name.split()) == 1
        and not left.titled
        and len(right.name.split()) >= 2
        and not right.titled
        and not left.roles
    )


# --- categories -----------------------------------------------------------------------------


def _category(section: Section, entry: Entry, index: int, seen_present: bool) -> str:
    """Which list an entry belongs to, from its section and its roles."""
    role = " ".join([entry.prefix, *entry.roles, *entry.orgs])
    own_role = " ".join([entry.titles, *entry.roles])
    if section.kind == APOLOGIES:
        return APOLOGIES
    if section.kind == PUBLIC:
        return "others"
    if section.kind == STAFF:
        return "officers"
    if section.kind == CLERK:
        return "officers" if index == 0 else "others"
    if VISITOR_RE.search(own_role) or _visiting_council(entry):
        return "others"
    if OFFICER_RE.search(own_role):
        return "officers"
    if section.kind == PRESENT:
        return PRESENT
    if section.kind == ATTENDING:
        if not seen_present:
            return PRESENT
        councillor = re.search(r"\b(?:cllrs?|councillors?)\b", entry.titles, re.I)
        return "others" if CHAIR_RE.search(role) or councillor else "officers"
    return "others"


def _visiting_council(entry: Entry) -> bool:
    """A councillor listed with another council spelled out ("Cllr M Storey Norfolk County Council")."""
    return any(re.search(r"\b(?:county|borough|district)\s+council\b", o, re.I) for o in entry.orgs) and (
        entry.titled
    )


def _assemble(cats: dict[str, list[Entry]], convener: str | None) -> Attendance:
    att = Attendance()
    apologies = _dedupe(cats[APOLOGIES])
    listed = _dedupe(cats[PRESENT] + cats["officers"] + cats["others"])
    for e in apologies:
        if len(e.name.split()) == 1:
            full = [o.name for o in listed if len(o.name.split()) > 1 and _same_person(o.name, e.name)]
            if len(full) == 1:
                e.name = full[0]  # "Cllr Smith" sent apologies: the Cllr Richard Smith listed above
    absent = [e.name for e in apologies]

    def keep(entries: list[Entry]) -> list[Entry]:
        return [e for e in _dedupe(entries) if not any(_same_person(e.name, a) for a in absent)]

    present = keep(cats[PRESENT])
    officers = [e for e in keep(cats["officers"]) if not any(_same_person(e.name, p.name) for p in present)]
    others = [
        e for e in keep(cats["others"])
        if not any(_same_person(e.name, p.name) for p in present + officers)
    ]
    att.present = [e.name for e in present]
    att.apologies = absent
    att.officers = [e.name for e in officers]
    att.others = [e.name for e in others]
    everyone = present + officers + others + apologies
    for e in everyone:
        roles = [r for r in [e.prefix, *e.roles] if r and not ALIAS_RE.match(r)]
        if roles:
            att.roles.setdefault(e.name, [])
            att.roles[e.name] += [r for r in roles if r not in att.roles[e.name]]
        if e.orgs:
            att.organisations.setdefault(e.name, [])
            att.organisations[e.name] += [o for o in e.orgs if o and o not in att.organisations[e.name]]
        if e.aliases:
            att.aliases.setdefault(e.name, [])
            att.aliases[e.name] += [a for a in e.aliases if a not in att.aliases[e.name]]
    att.chair = _chair(present, apologies, convener)
    return att


def _chair(present: list[Entry], apologies: list[Entry], convener: str | None) -> str | None:
    def roles(e: Entry) -> str:
        return " ".join([e.prefix, *e.roles])

    for e in present:
        if CHAIR_RE.search(roles(e)) and not VICE_CHAIR_RE.search(roles(e)):
            return e.name
    if convener:
        match = next((e.name for e in present if _same_person(e.name, convener)), None)
        return match or convener
    for e in present:
        if MAYOR_RE.search(roles(e)) and not re.search(r"vice", roles(e), re.I):
            return e.name
    # the chair is absent or unmarked: the vice chair presides
    for e in present:
        if VICE_CHAIR_RE.search(roles(e)):
            return e.name
    return None


def _dedupe(entries: list[Entry]) -> list[Entry]:
    out: list[Entry] = []
    for e in entries:
        if not e.name:
            continue
        same = next((o for o in out if _same_person(o.name, e.name)), None)
        if same is None:
            out.append(e)
            continue
        # keep the fuller name and merge what each form printed
        if len(e.name) > len(same.name):
            same.name = e.name
        same.roles += [r for r in e.roles if r not in same.roles]
        same.orgs += [o for o in e.orgs if o not in same.orgs]
        same.aliases += [a for a in e.aliases if a not in same.aliases]
        same.prefix = same.prefix or e.prefix
    return out


def _same_person(a: str, b: str) -> bool:
    """"Peake" ~ "Mick Peake", "R. Crisp" ~ "Rosemary Crisp", exact match otherwise."""
    ta = a.replace(".", " ").split()
    tb = b.replace(".", " ").split()
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    if ta[-1].lower() != tb[-1].lower():
        return False
    if len(ta) == 1 or len(tb) == 1:
        return True
    fa, fb = ta[0].lower(), tb[0].lower()
    if len(fa) > 1 and len(fb) > 1:
        return fa == fb  # "Mick Peake" and "Mandy Peake" are two people
    return fa[0] == fb[0]
