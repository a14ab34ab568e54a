"""Read-side access for the web app: documents, items and registers from the store.

Everything that needs a pass over every document (the decision register, person and
organisation profiles, item labels) is computed once per store generation and shared by all
requests; a page then costs a dictionary lookup and at most one document load.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from minutebook.backends import AnyStore, location, open_search_index, open_store
from minutebook.meetings import slug
from minutebook.model import Document, Item, item_id

PREAMBLE_INDEX = -1  # item id f"{doc_id}.-1": the text before a document's first numbered item

# "NO/CF", "KA & CR", "Clerk, AS" -> one owner per part
OWNER_SPLIT_RE = re.compile(
    r"""\s*(?:/|,|&|\band\b|\+)\s*   # slash, comma, ampersand, 'and' or plus between owners
    """,
    re.X | re.I,
)

INITIALS_RE = re.compile(r"^[A-Z]{2,3}$")  # "AF", "NO", "KDA": how action logs name owners

# attendance list a name sits in -> how the person page words it
ATTENDANCE_ROLES = (("chair", "chair"), ("present", "present"), ("officers", "officer"), ("others", "in attendance"),
                    ("apologies", "apologies"))


@dataclass(slots=True)
class Registers:
    """Derived data loaded once per store generation."""

    generation: int
    meetings: dict[str, dict[str, Any]] = field(default_factory=dict)
    meeting_of: dict[str, str] = field(default_factory=dict)
    actions: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    organisations: list[dict[str, Any]] = field(default_factory=list)
    links_by_item: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    actions_by_item: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    action_by_key: dict[str, dict[str, Any]] = field(default_factory=dict)
    # item id -> a small label (number, title, kind, date, body, page) for links and lists
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    # every decision of every item, newest first
    decisions: list[dict[str, Any]] = field(default_factory=list)
    # people and organisations: slug -> register record (with "slug"), name -> slug
    person_by_slug: dict[str, dict[str, Any]] = field(default_factory=dict)
    person_slug: dict[str, str] = field(default_factory=dict)
    org_by_slug: dict[str, dict[str, Any]] = field(default_factory=dict)
    org_slug: dict[str, str] = field(default_factory=dict)
    # name -> mentions (newest first), meetings attended, roles over time, action keys owned
    person_mentions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    person_attended: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    person_roles: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    person_actions: dict[str, list[str]] = field(default_factory=dict)
    org_mentions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # resolves a name as printed (with a body's initials) to a person in the register
    names: _Names | None = None


def action_key(action: dict[str, Any]) -> str:
    """The permalink key of an action: its body's slug and its id (ids repeat across bodies).

    When the register holds two records with one id in one body, the later ones carry a
    ``key`` with a ``~2``, ``~3`` suffix (set by :func:`build_registers`).
    """
    return action.get("key") or f"{slug(action.get('body') or 'unknown')}/{action['id']}"


def _unique_slugs(names: list[str], fallback: str) -> dict[str, str]:
    """name -> slug, the first (most mentioned) name keeping the plain slug on a clash."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or fallback
        s, n = base, 1
        while s in taken:
            n += 1
            s = f"{base}-{n}"
        taken.add(s)
        out[name] = s
    return out


class _Names:
    """Resolves a name as printed (full name, surname, alias, initials) to one register name.

    Papers name a councillor in full once ("Mayor Marie Gilmore") and by surname after, so a
    short form first resolves to a full name used in the same document; then exact names, a
    body's initials, and aliases that only one person has.
    """

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.exact = {r["name"] for r in records}
        self.aliases = {r["name"]: [r["name"], *r.get("aliases", [])] for r in records}
        forms: dict[str, set[str]] = defaultdict(set)
        for r in records:
            for form in self.aliases[r["name"]]:
                forms[form.lower()].add(r["name"])
        # a one-word record ("Gilmore") that is the alias of exactly one full name is that person
        self.promote = {n: next(iter(forms[n.lower()] - {n})) for n in self.exact
                        if " " not in n and len(forms[n.lower()] - {n}) == 1}
        # an alias two people share ("Johnson", "AB") names nobody
        merged = {k: {self.promote.get(n, n) for n in v} for k, v in forms.items()}
        self.lower = {k: next(iter(v)) for k, v in merged.items() if len(v) == 1}
        self.by_body: dict[tuple[str, str], str] = {}

    def local(self, printed: list[str]) -> dict[str, str]:
        """Short forms (surname, aliases) -> full name, for the full names printed in one document."""
        full = {n for n in (p.strip() for p in printed) if n in self.exact and " " in n}
        forms: dict[str, set[str]] = defaultdict(set)
        for name in full:
            for form in [*self.aliases[name], name.split()[-1]]:
                forms[form.lower()].add(name)
        return {k: next(iter(v)) for k, v in forms.items() if len(v) == 1}

    def resolve(self, name: str | None, body: str | None = None, local: dict[str, str] | None = None) -> str | None:
        if not name:
            return None
        name = name.strip()
        if local and name.lower() in local:
            return local[name.lower()]
        if name in self.promote:
            return self.promote[name]
        if name in self.exact:
            return name
        by_body = self.by_body.get((body or "", name.lower()))
        if by_body:
            return by_body
        return self.lower.get(name.lower())


def _label(doc: Document, index: int, it: Item) -> dict[str, Any]:
    return {"id": item_id(doc.id, index), "document_id": doc.id, "number": it.number, "title": it.title,
            "kind": str(doc.kind), "meeting_date": doc.meeting_date, "body": doc.body, "page_start": it.page_start}


def preamble_item(doc: Document) -> Item:
    """The text before a document's first numbered item, as an unnumbered item."""
    end = doc.items[0].page_start if doc.items else doc.page_end
    return Item(number="", title=doc.title or "Opening text", parent=None, page_start=doc.page_start,
                page_end=max(doc.page_start, end), text=doc.preamble)


def build_registers(st: AnyStore, generation: int) -> Registers:
    """Load the stored registers and derive the per-item, per-person and per-organisation views."""
    reg = Registers(generation=generation)
    reg.meetings = {m["id"]: m for m in st.derived("meetings")}
    reg.meeting_of = st.derived("meeting_of") or {}
    reg.actions = st.derived("actions")
    reg.links = st.derived("links")
    reg.people = sorted(st.derived("people"), key=lambda p: (-p.get("mentions", 0), p["name"]))
    reg.organisations = sorted(st.derived("organisations"), key=lambda o: (-o.get("mentions", 0), o["name"]))
    for lk in reg.links:
        reg.links_by_item.setdefault(lk["source"], []).append(lk)
        reg.links_by_item.setdefault(lk["target"], []).append(lk)
    for a in reg.actions:
        key, n = action_key(a), 1
        while key in reg.action_by_key:
            n += 1
            key = f"{action_key(a)}~{n}"
        a["key"] = key
        reg.action_by_key[key] = a
        seen: set[str] = set()
        for s in a["history"]:
            if s.get("item") and s["item"] not in seen:
                seen.add(s["item"])
                reg.actions_by_item.setdefault(s["item"], []).append(a)

    reg.person_slug = _unique_slugs([p["name"] for p in reg.people], "person")
    reg.person_by_slug = {reg.person_slug[p["name"]]: {**p, "slug": reg.person_slug[p["name"]]} for p in reg.people}
    reg.org_slug = _unique_slugs([o["name"] for o in reg.organisations], "organisation")
    reg.org_by_slug = {reg.org_slug[o["name"]]: {**o, "slug": reg.org_slug[o["name"]]} for o in reg.organisations}
    people, orgs = _Names(reg.people), _Names(reg.organisations)

    mentions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    org_mentions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    attended: dict[str, list[dict[str, Any]]] = defaultdict(list)
    roles: dict[tuple[str, str, str], dict[str, Any]] = {}
    for doc in st.documents():
        local = people.local([m.value for it in doc.items for m in it.people]
                             + (_attendance_names(doc) if doc.attendance else []))
        if doc.preamble.strip():
            reg.labels[item_id(doc.id, PREAMBLE_INDEX)] = _label(doc, PREAMBLE_INDEX, preamble_item(doc))
        for i, it in enumerate(doc.items):
            label = _label(doc, i, it)
            reg.labels[label["id"]] = label
            for d in it.decisions:
                reg.decisions.append({
                    "item": label["id"], "document": doc.id, "date": doc.meeting_date,
                    "year": (doc.meeting_date or "")[:4], "body": doc.body, "kind": str(doc.kind),
                    "number": it.number, "title": it.title, "outcome": str(d.outcome), "text": d.text,
                    "page": d.page, "start": d.start, "rule": d.rule, "mover": d.mover, "seconder": d.seconder,
                    "votes": d.votes})
            for m in it.people:
                name = people.resolve(m.value, doc.body, local)
                if name:
                    mentions[name].append({"item": label["id"], "date": doc.meeting_date, "body": doc.body,
                                           "page": m.page, "text": m.text, "rule": m.rule})
            for m in it.organisations:
                name = orgs.resolve(m.value)
                if name:
                    org_mentions[name].append({"item": label["id"], "date": doc.meeting_date, "body": doc.body,
                                               "page": m.page, "text": m.text, "rule": m.rule})
        if doc.attendance:
            _attendance(doc, reg, people, attended, roles, local)

    newest = lambda r: (r.get("date") or "", r.get("item") or "")  # noqa: E731 - one sort key, four lists
    reg.decisions.sort(key=newest, reverse=True)
    reg.person_mentions = {k: sorted(v, key=newest, reverse=True) for k, v in mentions.items()}
    reg.org_mentions = {k: sorted(v, key=newest, reverse=True) for k, v in org_mentions.items()}
    reg.person_attended = {k: sorted(v, key=newest, reverse=True) for k, v in attended.items()}
    by_person: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (name, _, _), r in roles.items():
        by_person[name].append(r)
    reg.person_roles = {k: sorted(v, key=lambda r: (r["first"] or "", r["role"])) for k, v in by_person.items()}
    owned: dict[str, list[str]] = defaultdict(list)
    members: dict[str, set[str]] = defaultdict(set)
    for name, rows in reg.person_attended.items():
        for r in rows:
            members[r["body"] or ""].add(name)
    for a in reg.actions:
        for part in OWNER_SPLIT_RE.split(a.get("owner") or ""):
            name = people.resolve(part, a.get("body")) or _by_initials(part, members[a.get("body") or ""])
            if name and action_key(a) not in owned[name]:
                owned[name].append(action_key(a))
    reg.person_actions = dict(owned)
    reg.names = people
    return reg


def _by_initials(owner: str, members: set[str]) -> str | None:
    """The one member of a body with initials ``owner`` ("AF" -> Alan Fairbairn) or surname ``owner``."""
    owner = owner.strip()
    if INITIALS_RE.match(owner):
        found = [n for n in members if "".join(w[0] for w in n.split() if w[:1].isalpha()).upper() == owner]
    elif re.fullmatch(r"[A-Z][a-z'\-]+", owner):
        found = [n for n in members if " " in n and n.split()[-1] == owner]
    else:
        return None
    return found[0] if len(found) == 1 else None


def _attendance_names(doc: Document) -> list[str]:
    att = doc.attendance
    if att is None:
        return []
    return [*att.present, *att.apologies, *att.officers, *att.others, *([att.chair] if att.chair else [])]


def _attendance(doc: Document, reg: Registers, people: _Names, attended: dict[str, list[dict[str, Any]]],
                roles: dict[tuple[str, str, str], dict[str, Any]], local: dict[str, str]) -> None:
    """Record who attended one meeting, and the roles the attendance block gives them."""
    att = doc.attendance
    assert att is not None
    for printed, aliases in att.aliases.items():
        name = people.resolve(printed, doc.body)
        for alias in aliases:
            if name:
                # initials are only unambiguous inside one body's papers
                people.by_body.setdefault((doc.body or "", alias.lower()), name)
    meeting_id = reg.meeting_of.get(doc.id)
    seen: set[str] = set()
    for attr, word in ATTENDANCE_ROLES:
        value = getattr(att, attr)
        for printed in [value] if isinstance(value, str) else (value or []):
            name = people.resolve(printed, doc.body, local)
            if not name or name in seen:
                continue
            seen.add(name)
            attended[name].append({"meeting_id": meeting_id, "date": doc.meeting_date, "body": doc.body,
                                   "document": doc.id, "as": word, "printed": printed})
            given = [*att.roles.get(printed, []), *(["Chair"] if word == "chair" else [])]
            for role in {r.lower(): r for r in reversed(given)}.values():  # once per meeting, first spelling
                key = (name, role.lower(), doc.body or "")
                r = roles.setdefault(key, {"role": role, "body": doc.body, "first": doc.meeting_date,
                                           "last": doc.meeting_date, "meetings": 0})
                r["meetings"] += 1
                if doc.meeting_date:
                    r["first"] = min(filter(None, [r["first"], doc.meeting_date]))
                    r["last"] = max(filter(None, [r["last"], doc.meeting_date]))


def per_year(rows: list[dict[str, Any]], key: str = "date") -> list[tuple[str, int]]:
    """(year, count) for every year from the first to the last that has rows, gaps as zero."""
    counts = Counter((r.get(key) or "")[:4] for r in rows if (r.get(key) or "")[:4].isdigit())
    if not counts:
        return []
    years = range(int(min(counts)), int(max(counts)) + 1)
    return [(str(y), counts.get(str(y), 0)) for y in years]


class Archive:
    """One per app: a store handle per thread and registers cached by generation."""

    def __init__(self, data_dir: str | Path) -> None:
        self.data_dir = location(data_dir)  # a directory, or a postgresql:// DSN
        self._local = threading.local()
        self._registers: Registers | None = None
        self._lock = threading.Lock()
        self.index = open_search_index(self.data_dir)

    @property
    def store(self) -> AnyStore:
        st: AnyStore | None = getattr(self._local, "store", None)
        if st is None:
            st = open_store(self.data_dir)  # a PgStore for a DSN: the same methods
            self._local.store = st
        return st

    def registers(self) -> Registers:
        """The registers of the store's current generation, built by the first request that needs them."""
        gen = self.store.generation()
        reg = self._registers
        if reg is not None and reg.generation == gen:
            return reg
        with self._lock:
            reg = self._registers
            if reg is None or reg.generation != gen:
                reg = build_registers(self.store, gen)
                self._registers = reg
            return reg

    def document(self, doc_id: str) -> Document | None:
        return self.store.document(doc_id)

    def item(self, iid: str) -> tuple[Document, int, Item] | None:
        """(document, index, item) for an item id; index -1 is the document's preamble."""
        doc_id, _, idx = iid.rpartition(".")
        try:
            i = int(idx)
        except ValueError:
            return None
        if not doc_id or not (i == PREAMBLE_INDEX or i >= 0):
            return None
        doc = self.store.document(doc_id)
        if doc is None:
            return None
        if i == PREAMBLE_INDEX:
            return (doc, i, preamble_item(doc)) if doc.preamble.strip() else None
        if i >= len(doc.items):
            return None
        return doc, i, doc.items[i]

    def item_label(self, iid: str) -> dict[str, Any] | None:
        """A small label for an item id (number, title, kind, date, body), or None."""
        return self.registers().labels.get(iid)
