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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

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
        self.by_body: dict[str, set[str]] = defaultdict(set)
        self.by_doc: dict[str, set[str]] = defaultdict(set)
        for doc in documents:
            for name in _document_names(doc):
                if _is_full(name):
                    self.by_body[doc.body or ""].add(_canonical(name))
                    self.by_doc[doc.id].add(_canonical(name))

    def resolve(self, name: str, doc: Document) -> str:
        name = _canonical(name)
        if _is_full(name):
            return name
        for pool in (self.by_doc[doc.id], self.by_body[doc.body or ""]):
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


def build_people(documents: Sequence[Document]) -> list[PersonRecord]:
    """One record per person across documents, most mentioned first.

    ``mentions`` counts each attendance listing and each mention in item text (including "the
    Chair" for that meeting's chair); ``aliases`` are the other printed forms (initials, "Cllr Smith").
    """
    resolver = _Resolver(documents)
    people: dict[str, _Person] = {}

    def person(name: str) -> _Person:
        key = _key(name)
        if key not in people:
            people[key] = _Person(name)
        return people[key]

    for doc in documents:
        att = doc.attendance
        chair: str | None = None
        if att:
            for name in dict.fromkeys(_attendance_names(att)):
                canonical = resolver.resolve(name, doc)
                rec = person(canonical)
                rec.mentions += 1
                rec.add("aliases", [name, *att.aliases.get(name, [])])
                rec.add("roles", att.roles.get(name, []))
                rec.add("organisations", att.organisations.get(name, []))
                if name in att.officers and not att.roles.get(name):
                    rec.add("roles", ["Officer"])
            if att.chair:
                chair = resolver.resolve(att.chair, doc)
                person(chair).add("roles", ["Chair"])
        for item in doc.items:
            for m in item.people:
                rec = person(resolver.resolve(m.value, doc))
                rec.mentions += 1
                rec.add("aliases", [m.value, _printed(m)])
            if chair:
                person(chair).mentions += len(THE_CHAIR_RE.findall(item.text))
    records = [
        PersonRecord(p.name, p.aliases, p.roles, p.organisations, p.mentions) for p in people.values()
    ]
    return sorted(records, key=lambda r: (-r.mentions, r.name))


def _printed(m: Mention) -> str:
    """The form as printed, spaces tidied ("Cllr  Smith" -> "Cllr Smith")."""
    return re.sub(r"\s+", " ", m.text).strip(" ,.;:")


@dataclass(slots=True)
class _Org:
    name: str
    aliases: list[str] = field(default_factory=list)
    mentions: int = 0


def build_organisations(documents: Sequence[Document]) -> list[OrganisationRecord]:
    """One record per organisation across documents, most mentioned first.

    Acronyms resolved by the extractor (rule ``acronym``, or a printed form that is all capitals)
    become aliases of the full name; organisations named in attendance blocks count too.
    """
    orgs: dict[str, _Org] = {}

    def org(name: str) -> _Org:
        key = re.sub(r"^the\s+", "", name.strip(), flags=re.I).lower()
        if key not in orgs:
            orgs[key] = _Org(name.strip())
        return orgs[key]

    for doc in documents:
        if doc.attendance:
            for values in doc.attendance.organisations.values():
                for value in values:
                    org(value).mentions += 1
        for item in doc.items:
            for m in item.organisations:
                rec = org(m.value)
                rec.mentions += 1
                printed = _printed(m)
                if printed.lower() != rec.name.lower() and printed not in rec.aliases:
                    if m.rule == "acronym" or printed.isupper() or len(printed) < len(rec.name):
                        rec.aliases.append(printed)
    records = [OrganisationRecord(o.name, o.aliases, o.mentions) for o in orgs.values()]
    return sorted(records, key=lambda r: (-r.mentions, r.name))
