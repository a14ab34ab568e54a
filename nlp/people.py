"""Registers of people and organisations across all documents.

One person is printed many ways: "Alan Smith (AS)" in the attendance block, "AS" in the action
table, "Cllr Smith" and "the Chair" in the text. ``build_people`` merges these into one
:class:`PersonRecord` per person, with roles and organisations over time and a mention count;
``build_organisations`` does the same for organisations and their acronyms.

Partial names are resolved conservatively: a surname or an initial form ("Smith", "A Smith",
"R. Crisp") joins a full name only when exactly one full name of the same meeting, or else of the
same body, fits it. Otherwise it stays a record of its own rather than merge two people.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from minutebook.model import Attendance, Document, Mention, OrganisationRecord, PersonRecord

# "the Chair" / "the Chairman" in a meeting's text refers to that meeting's chair.
THE_CHAIR_RE = re.compile(r"\bthe\s+(?:Chair|Chairman|Chairperson|Chairwoman)\b(?!\s+of\b)")
# Titles dropped when comparing printed forms.
TITLE_RE = re.compile(
    r"^(?:(?:cllrs?|councillor|councilmember|council member|mayor|vice mayor|acting mayor|commissioner"
    r"|mr|mrs|ms|miss|dr|prof|sir|the)\.?\s+)+",
    re.I,
)


@dataclass(slots=True)
class _Person:
    name: str
    aliases: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    mentions: int = 0

    def add(self, attr: str, values: Iterable[str]) -> None:
        target: list[str] = getattr(self, attr)
        for v in values:
            v = _tidy(v) if attr == "roles" else v.strip()
            if v and v != self.name and v.lower() not in (t.lower() for t in target):
                target.append(v)


def _tidy(role: str) -> str:
    """"CHAIR", "chair" -> "Chair"; acronyms such as "RFO" stay as printed."""
    words = role.strip().split()
    return " ".join(w.capitalize() if w.islower() or (w.isupper() and len(w) > 4) else w for w in words)


def _key(name: str) -> str:
    return " ".join(re.sub(r"[^\w\s'-]", " ", TITLE_RE.sub("", name.strip())).lower().split())


def _tokens(name: str) -> list[str]:
    return TITLE_RE.sub("", name.strip()).replace(".", " ").split()


def _is_full(name: str) -> bool:
    """A first name and a surname ("Alan Smith"), not a surname or initials alone."""
    t = _tokens(name)
    return len(t) >= 2 and len(t[0]) > 1 and not t[0].isupper()


def _fits(partial: str, full: str) -> bool:
    """"Smith", "A Smith", "R W Gough" fit "Alan Smith", "Roger W Gough"."""
    p, f = _tokens(partial), _tokens(full)
    if not p or not f or p[-1].lower() != f[-1].lower():
        return False
    if len(p) == 1:
        return True
    return all(len(a) == 1 or a.lower() == b.lower() for a, b in zip(p[:-1], f[:-1], strict=False)) and (
        p[0][0].lower() == f[0][0].lower()
    )


class _Resolver:
    """Maps printed names to one canonical name per person, scoped by meeting and body."""

    def __init__(self, documents: Sequence[Document]) -> None:
        # full names by (scope, lower-case surname): a partial name can only fit a full name with
        # its surname, so each lookup reads one short list instead of the body's every name
        self.by_body: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.by_doc: dict[tuple[str, str], set[str]] = defaultdict(set)
        for doc in documents:
            for name in _document_names(doc):
                full = _canonical(name)
                tokens = _tokens(full)
                if _is_full(name) and tokens:
                    self.by_body[(doc.body or "", tokens[-1].lower())].add(full)
                    self.by_doc[(doc.id, tokens[-1].lower())].add(full)

    def resolve(self, name: str, doc: Document) -> str:
        name = _canonical(name)
        if _is_full(name):
            return name
        tokens = _tokens(name)
        if not tokens:
            return name
        surname = tokens[-1].lower()
        for pool in (self.by_doc.get((doc.id, surname), ()), self.by_body.get((doc.body or "", surname), ())):
            fits = [f for f in pool if _fits(name, f)]
            if len(fits) == 1:
                return fits[0]
        return name


def _canonical(name: str) -> str:
    return " ".join(TITLE_RE.sub("", re.sub(r"\s+", " ", name.strip())).split())


def _attendance_names(att: Attendance) -> list[str]:
    return [*att.present, *att.apologies, *att.officers, *att.others]


def _document_names(doc: Document) -> list[str]:
    names = _attendance_names(doc.attendance) if doc.attendance else []
    names += [m.value for item in doc.items for m in item.people]
    return names


# Where an observation was made: the document's place in the store's order, then the count of
# observations before it in that document. Compared, never inspected.
Position = tuple[Any, ...]
DocPosition = Callable[[Document], Sequence[Any]]


class _Clock:
    """Positions in store order: the document's position, then a count within the document."""

    def __init__(self) -> None:
        self.base: Position = ()
        self.tick = 0

    def start(self, document_position: Sequence[Any]) -> None:
        self.base, self.tick = tuple(document_position), 0

    def __call__(self) -> Position:
        self.tick += 1
        return (*self.base, self.tick)


P = TypeVar("P", "PersonPart", "OrganisationPart")


def _sighted(parts: dict[str, P], key: str, name: str, pos: Position, make: Callable[[str, str, Position], P]) -> P:
    """The part for ``key``, made at its first sighting; the earliest sighting names it."""
    part = parts.get(key)
    if part is None:
        part = parts[key] = make(key, name, pos)
    elif pos < part.first:  # documents given out of store order
        part.name, part.first = name, pos
    return part


def _in_order(documents: Sequence[Document]) -> DocPosition:
    index = {id(d): i for i, d in enumerate(documents)}
    return lambda doc: (index[id(doc)],)


@dataclass(slots=True)
class PersonPart:
    """What some documents say about one person, to be merged with other documents' parts.

    Each distinct printed value keeps the position of its first sighting, so a merge replays the
    observations of all parts in store order and builds the record a single pass would build.
    """

    key: str
    name: str  # the form of the first sighting
    first: Position
    mentions: int = 0
    aliases: dict[str, Position] = field(default_factory=dict)
    roles: dict[str, Position] = field(default_factory=dict)
    organisations: dict[str, Position] = field(default_factory=dict)

    def see(self, attr: str, values: Iterable[str], where: Callable[[], Position]) -> None:
        seen: dict[str, Position] = getattr(self, attr)
        for v in values:
            pos = where()
            if v not in seen or pos < seen[v]:
                seen[v] = pos


def people_parts(documents: Sequence[Document], position: DocPosition | None = None) -> list[PersonPart]:
    """Per-person parts from ``documents``, to merge with :func:`merge_people`.

    Names resolve within one document or one body (``doc.body``), so parts built from groups of
    documents that each hold every document of their bodies merge into the same records as one
    pass over all of them. ``position`` gives a document's place in the store's order (its
    index in ``documents`` by default); merged parts must share one order.
    """
    position = position or _in_order(documents)
    resolver = _Resolver(documents)
    parts: dict[str, PersonPart] = {}
    where = _Clock()

    def person(name: str) -> PersonPart:
        return _sighted(parts, _key(name), name, where(), PersonPart)

    for doc in documents:
        where.start(position(doc))
        att = doc.attendance
        chair: str | None = None
        if att:
            for name in dict.fromkeys(_attendance_names(att)):
                canonical = resolver.resolve(name, doc)
                rec = person(canonical)
                rec.mentions += 1
                rec.see("aliases", [name, *att.aliases.get(name, [])], where)
                rec.see("roles", att.roles.get(name, []), where)
                rec.see("organisations", att.organisations.get(name, []), where)
                if name in att.officers and not att.roles.get(name):
                    rec.see("roles", ["Officer"], where)
            if att.chair:
                chair = resolver.resolve(att.chair, doc)
                person(chair).see("roles", ["Chair"], where)
        for item in doc.items:
            for m in item.people:
                rec = person(resolver.resolve(m.value, doc))
                rec.mentions += 1
                rec.see("aliases", [m.value, _printed(m)], where)
            if chair:
                person(chair).mentions += len(THE_CHAIR_RE.findall(item.text))
    return list(parts.values())


def merge_people(parts: Iterable[PersonPart]) -> list[PersonRecord]:
    """One record per person from parts of any groups of documents, most mentioned first.

    The name is the first sighting's form; aliases, roles and organisations are replayed in
    the order they were seen, with the same filters as one pass (see :class:`_Person`).
    """
    by_key: dict[str, list[PersonPart]] = defaultdict(list)
    for part in parts:
        by_key[part.key].append(part)
    records = []
    for group in by_key.values():
        p = _Person(min(group, key=lambda g: g.first).name, mentions=sum(g.mentions for g in group))
        for attr in ("aliases", "roles", "organisations"):
            seen = sorted((pos, v) for g in group for v, pos in getattr(g, attr).items())
            p.add(attr, [v for _, v in seen])
        records.append(PersonRecord(p.name, p.aliases, p.roles, p.organisations, p.mentions))
    return sorted(records, key=lambda r: (-r.mentions, r.name))


def build_people(documents: Sequence[Document]) -> list[PersonRecord]:
    """One record per person across documents, most mentioned first.

    ``mentions`` counts each attendance listing and each mention in item text (including "the
    Chair" for that meeting's chair); ``aliases`` are the other printed forms (initials, "Cllr Smith").
    """
    return merge_people(people_parts(documents))


def _printed(m: Mention) -> str:
    """The form as printed, spaces tidied ("Cllr  Smith" -> "Cllr Smith")."""
    return re.sub(r"\s+", " ", m.text).strip(" ,.;:")


@dataclass(slots=True)
class OrganisationPart:
    """What some documents say about one organisation, to be merged like :class:`PersonPart`.

    ``printed`` holds each distinct (printed form, found as an acronym) with its first position:
    whether a form becomes an alias depends on the merged record's name, so the merge decides.
    """

    key: str
    name: str
    first: Position
    mentions: int = 0
    printed: dict[tuple[str, bool], Position] = field(default_factory=dict)


def organisation_parts(documents: Sequence[Document],
                       position: DocPosition | None = None) -> list[OrganisationPart]:
    """Per-organisation parts from ``documents``, to merge with :func:`merge_organisations`.

    Nothing here depends on other documents, so any grouping of the store merges to the same
    records; ``position`` is as for :func:`people_parts`.
    """
    position = position or _in_order(documents)
    parts: dict[str, OrganisationPart] = {}
    where = _Clock()

    def org(name: str) -> OrganisationPart:
        key = re.sub(r"^the\s+", "", name.strip(), flags=re.I).lower()
        return _sighted(parts, key, name.strip(), where(), OrganisationPart)

    for doc in documents:
        where.start(position(doc))
        if doc.attendance:
            for values in doc.attendance.organisations.values():
                for value in values:
                    org(value).mentions += 1
        for item in doc.items:
            for m in item.organisations:
                rec = org(m.value)
                rec.mentions += 1
                form, pos = (_printed(m), m.rule == "acronym"), where()
                if form not in rec.printed or pos < rec.printed[form]:
                    rec.printed[form] = pos
    return list(parts.values())


def merge_organisations(parts: Iterable[OrganisationPart]) -> list[OrganisationRecord]:
    """One record per organisation from parts of any groups of documents, most mentioned first.

    Acronyms resolved by the extractor (rule ``acronym``, or a printed form that is all capitals)
    and shorter printed forms become aliases of the full name.
    """
    by_key: dict[str, list[OrganisationPart]] = defaultdict(list)
    for part in parts:
        by_key[part.key].append(part)
    records = []
    for group in by_key.values():
        name = min(group, key=lambda g: g.first).name
        aliases: list[str] = []
        for _, (printed, acronym) in sorted((pos, form) for g in group for form, pos in g.printed.items()):
            if printed.lower() != name.lower() and printed not in aliases:
                if acronym or printed.isupper() or len(printed) < len(name):
                    aliases.append(printed)
        records.append(OrganisationRecord(name, aliases, sum(g.mentions for g in group)))
    return sorted(records, key=lambda r: (-r.mentions, r.name))


def build_organisations(documents: Sequence[Document]) -> list[OrganisationRecord]:
    """One record per organisation across documents, most mentioned first.

    Acronyms resolved by the extractor (rule ``acronym``, or a printed form that is all capitals)
    become aliases of the full name; organisations named in attendance blocks count too.
    """
    return merge_organisations(organisation_parts(documents))
