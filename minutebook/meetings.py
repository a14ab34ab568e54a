"""Group documents into meetings: same date, and bodies that name the same organisation."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


class MeetingPaper(Protocol):
    """What grouping needs of a document: a stored :class:`~minutebook.model.Document` or its
    metadata row (:class:`~minutebook.store.DocMeta`), so meetings need no document loaded."""

    @property
    def id(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def part(self) -> int: ...
    @property
    def body(self) -> str | None: ...
    @property
    def meeting_date(self) -> str | None: ...

# Words that say what kind of body it is, not which one: "Kent County Council Cabinet" and
# "Kent County Council" are one meeting on one date.
GENERIC_BODY_WORDS = {
    "the", "of", "and", "for", "council", "parish", "town", "city", "county", "district", "borough",
    "board", "meeting", "committee", "partnership", "commission", "ltd", "ips", "s", "community",
}


@dataclass(slots=True)
class Meeting:
    id: str
    body: str | None
    date: str
    documents: list[str] = field(default_factory=list)


def body_key(body: str | None) -> frozenset[str]:
    """The words that say which body it is ("Kent County Council Cabinet" -> {"kent", "cabinet"})."""
    words = re.findall(r"[a-z0-9]+", (body or "").lower())
    key = frozenset(w for w in words if w not in GENERIC_BODY_WORDS)
    return key or frozenset(words)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "meeting"


def group_meetings(documents: Sequence[MeetingPaper]) -> list[Meeting]:
    """Meetings with their documents; a document with no date belongs to no meeting.

    A document with no body joins the first meeting of its date, whatever its body.
    """
    by_date: dict[str, list[MeetingPaper]] = defaultdict(list)
    for d in documents:
        if d.meeting_date:
            by_date[d.meeting_date].append(d)
    meetings: list[Meeting] = []
    for date, docs in sorted(by_date.items()):
        groups: list[tuple[frozenset[str], list[MeetingPaper]]] = []
        for d in sorted(docs, key=lambda d: (d.path, d.part)):
            key = body_key(d.body)
            for i, (gkey, members) in enumerate(groups):
                if not key or not gkey or key <= gkey or gkey <= key:
                    members.append(d)
                    groups[i] = (gkey | key, members)
                    break
            else:
                groups.append((key, [d]))
        for _, members in groups:
            named = [m.body for m in members if m.body]
            body = max(named, key=len) if named else None
            meetings.append(Meeting(id=f"{date}-{slug(body or 'meeting')}", body=body, date=date,
                                    documents=[m.id for m in members]))
    return meetings
