"""The shared document model: plain dataclasses every stage reads and writes.

Every extracted value carries its provenance (page and character span inside the item or
document text it came from, plus the rule or model that found it) so the UI can show evidence.
Stages never pass PDF objects around: only these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class DocKind(StrEnum):
    MINUTES = "minutes"
    AGENDA = "agenda"
    REPORT = "report"
    APPENDIX = "appendix"
    ACTION_LOG = "action_log"
    QUESTIONS = "questions"
    NOTICE = "notice"
    OTHER = "other"


class Outcome(StrEnum):
    RESOLVED = "resolved"
    AGREED = "agreed"
    APPROVED = "approved"
    NOTED = "noted"
    CARRIED = "carried"
    LOST = "lost"
    DEFERRED = "deferred"
    REJECTED = "rejected"
    OTHER = "other"


class ActionStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Line:
    """One line of text as laid out on a page (1-based page number).

    ``x0``/``top`` are PDF points from the page's top-left; they are ``None`` for plain text.
    ``cells`` holds the cell texts when the line is a table row (a row is never an item heading).
    """

    text: str
    page: int
    x0: float | None = None
    top: float | None = None
    size: float | None = None
    bold: bool = False
    cells: tuple[str, ...] | None = None


@dataclass(slots=True)
class SourceFile:
    """A file as read by an ingestor, before it is split into documents."""

    path: str
    sha256: str
    format: str  # pdf | txt | md | html
    pages: int
    lines: list[Line]
    ocr: bool = False
    front_matter: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Mention:
    """A value found in text: ``text`` as printed, ``value`` normalised (ISO date, canonical name).

    ``start``/``end`` are character offsets into the text of the item (or document) that holds it.
    """

    text: str
    value: str
    page: int
    start: int
    end: int
    rule: str
    label: str = ""  # PERSON / ORG / DATE / role, free for the extractor


@dataclass(frozen=True, slots=True)
class Decision:
    text: str
    outcome: Outcome
    page: int
    start: int
    end: int
    rule: str
    mover: str | None = None
    seconder: str | None = None
    votes: dict[str, int] | None = None


@dataclass(frozen=True, slots=True)
class ActionMention:
    """One appearance of an action point: raised, updated or closed in one item."""

    id: str  # canonical: internal spaces removed ("Feb 23.05" -> "Feb23.05")
    raw: str
    description: str
    owner: str | None
    status: ActionStatus
    update: str
    page: int
    start: int
    end: int
    rule: str


@dataclass(slots=True)
class Item:
    number: str
    title: str
    parent: str | None
    page_start: int
    page_end: int
    text: str
    level: int = 1
    # offsets in ``text`` where pages page_start+1, page_start+2, ... begin
    page_breaks: list[int] = field(default_factory=list)
    people: list[Mention] = field(default_factory=list)
    organisations: list[Mention] = field(default_factory=list)
    dates: list[Mention] = field(default_factory=list)
    actions: list[ActionMention] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)

    def page_at(self, offset: int) -> int:
        """The page holding character ``offset`` of ``text``."""
        return self.page_start + sum(1 for b in self.page_breaks if b <= offset)


def item_id(document_id: str, index: int) -> str:
    """Stable id of the ``index``-th item (0-based, reading order) of a document."""
    return f"{document_id}.{index}"


@dataclass(slots=True)
class Attendance:
    chair: str | None = None
    present: list[str] = field(default_factory=list)
    apologies: list[str] = field(default_factory=list)
    officers: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)
    # roles and organisations as printed in the attendance block: name -> values
    roles: dict[str, list[str]] = field(default_factory=dict)
    organisations: dict[str, list[str]] = field(default_factory=dict)
    # initials printed beside a name in the attendance block ("Alan Smith (AS)"): name -> aliases
    aliases: dict[str, list[str]] = field(default_factory=dict)


@dataclass(slots=True)
class Document:
    """One paper (agenda, minutes, report...); a pack file yields several."""

    path: str
    sha256: str
    part: int  # 0 for a single-paper file, else the index within the pack
    kind: DocKind
    body: str | None
    meeting_date: str | None  # ISO
    page_start: int  # pages of the source file this document covers (1-based, inclusive)
    page_end: int
    lines: list[Line]
    ocr: bool = False
    title: str = ""
    date_source: str = ""  # "text" | "front_matter" | "filename" | ""
    items: list[Item] = field(default_factory=list)
    attendance: Attendance | None = None
    preamble: str = ""  # text before the first item (headings, attendance block)
    # action points recorded outside any numbered item (an action table in the preamble)
    actions: list[ActionMention] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.sha256[:16]}-{self.part}"

    @property
    def pages(self) -> int:
        return self.page_end - self.page_start + 1

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True, slots=True)
class ActionStep:
    """An action point as one meeting records it."""

    meeting_date: str | None
    document: str  # document id
    item: str | None  # item id
    status: ActionStatus
    update: str
    page: int
    evidence: str = ""


@dataclass(slots=True)
class ActionRecord:
    """An action point's life across meetings, raised to closed."""

    id: str
    body: str | None
    description: str
    owner: str | None
    status: ActionStatus
    first_meeting: str | None
    closed_at: str | None
    history: list[ActionStep] = field(default_factory=list)
    # set when a later meeting of the same body stops mentioning an open action
    disappeared_after: str | None = None


@dataclass(slots=True)
class PersonRecord:
    name: str
    aliases: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    mentions: int = 0


@dataclass(slots=True)
class OrganisationRecord:
    name: str
    aliases: list[str] = field(default_factory=list)
    mentions: int = 0


@dataclass(frozen=True, slots=True)
class Link:
    source: str  # item id
    target: str  # item id
    kind: str  # agenda_minutes | previous_minutes | action | report | same_subject | reference
    evidence: str
    confidence: float


EXAMPLE_LINES = [
    Line("Souldern Parish Council", 1, 72.0, 40.0, 14.0, True),
    Line("MINUTES OF THE MEETING HELD ON 23rd FEBRUARY 2023", 1, 72.0, 60.0, 11.0, True),
    Line("02.23.05 Clerks Report and Actions from previous meeting", 1, 72.0, 300.0, 11.0, True),
]
