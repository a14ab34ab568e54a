"""The cross-document stage: meetings, registers and links, kept per partition of the store, then the index.

Runs after every ingest that changed something, and on demand (``minutebook reindex``). Its
output is derived data: it can always be rebuilt from the documents in the store.

The store is cut into partitions that no derived value crosses: documents whose bodies the
links builder treats as one body (body keys equal, or one key's words inside the other's, taken
transitively), all documents with no body together, and every meeting whole (a paper with no
body joins a meeting of its date). Per partition the stage stores the action register, the
links and partial people and organisation registers; a refresh derives again only partitions
whose documents changed (the fingerprint of their document rows, or a document the caller says
it changed), loading only their documents, and assembles the whole-store registers that
:meth:`Store.derived` returns from the stored parts. Meetings come from the documents' rows
alone and are grouped whole every time.
"""

from __future__ import annotations

import hashlib
import logging
import time
import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from nlp.links import build_links
from nlp.people import (
    OrganisationPart,
    PersonPart,
    merge_organisations,
    merge_people,
    organisation_parts,
    people_parts,
)
from nlp.register import build_actions
from search_app.index import items_for_index

from .backends import AnyIndex, AnyStore, index_lock, open_search_index, store_location
from .meetings import Meeting, body_key, group_meetings
from .model import ActionRecord, DocKind, Document
from .serialize import to_dict
from .store import DocMeta

log = logging.getLogger(__name__)

RECORD_KINDS = {DocKind.MINUTES, DocKind.ACTION_LOG}

# Bumped when what a partition stores changes shape or meaning: stored parts of another
# version no longer match any fingerprint and are derived again.
PART_VERSION = "1"

# The name of the partition of documents with no body (body keys are words and spaces).
NO_BODY = "-"


@dataclass(slots=True)
class RefreshStats:
    """What a refresh did, for logs, tests and benchmarks."""

    documents: int = 0  # documents in the store
    partitions: int = 0
    recomputed: list[str] = field(default_factory=list)  # partitions derived again
    loaded: int = 0  # documents loaded (to derive partitions, and to index)
    index: str = "current"  # current | updated | rebuilt
    seconds: float = 0.0


def index_usable(index: AnyIndex) -> bool:
    """True when the index exists and reads end to end.

    Any exception means "rebuild": whoosh's own existence check raises (not False) on a truncated
    or garbled table of contents, and a corrupt index must never stop the repair that fixes it.
    """
    # whoosh leaves a corrupt table of contents' file open when it fails to read it; the file is
    # closed as the exception is dropped, and that ResourceWarning is whoosh's, not a fault here
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            return index.exists() and index.is_healthy()
        except Exception:  # noqa: BLE001 - whatever a broken index raises, the answer is the same
            return False


def refresh(store: AnyStore, changed: Sequence[str] = (), removed: Sequence[str] = (), force: bool = False,
            since: int | None = None) -> RefreshStats:
    """Bring derived registers and the search index up to date with the store.

    ``changed`` and ``removed`` are document ids the caller wrote or deleted; partitions holding
    them, and any partition whose documents differ from when it was last derived, are derived
    again (``force``: all of them). ``since`` is the store generation before the caller's
    changes: the index is updated in place only when it was exactly current then; otherwise it
    is rebuilt from the store. One process at a time runs this (a lock file in the data
    directory, an advisory lock on a server): two rebuilds at once would each build and swap
    the same index.
    """
    with index_lock(store):
        t0 = time.perf_counter()
        stats = _refresh(store, changed, removed, force, since)
        stats.seconds = time.perf_counter() - t0
    if stats.index != "current":
        log.info("derived %d of %d partitions from %d of %d documents; index %s in %.2f s",
                 len(stats.recomputed), stats.partitions, stats.loaded, stats.documents, stats.index, stats.seconds)
    return stats


# -- partitions -----------------------------------------------------------------------------------
def key_string(body: str | None) -> str:
    """A body's key as the links builder takes it: its distinctive words, sorted, space-joined."""
    return " ".join(sorted(body_key(body)))


def partitions(meta: Sequence[DocMeta], meetings: Iterable[Meeting]) -> dict[str, list[DocMeta]]:
    """The store's documents in partitions no derived value crosses, by name, in store order.

    Body keys join when one's words are a subset of the other's (``nlp.links._bodies``), and
    the keys of one meeting's documents join (a paper with no body joins a meeting of any
    body). All documents with no body key form one partition unless a meeting joins it to
    another: names resolve within a body, and "no body" is one body to the people register.
    A partition's name is its sorted body keys joined by " | " (no body: ``NO_BODY``).
    """
    key_of = {m.id: key_string(m.body) for m in meta}
    parent = {k: k for k in key_of.values()}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    words = {k: frozenset(k.split()) for k in parent}
    # a key inside another shares each of its words with it: compare only keys holding its rarest word
    holding: dict[str, list[str]] = defaultdict(list)
    for k, ws in words.items():
        for w in ws:
            holding[w].append(k)
    for k, ws in words.items():
        if ws:
            for other in holding[min(ws, key=lambda w: len(holding[w]))]:
                if ws <= words[other]:
                    union(k, other)
    for meeting in meetings:
        for doc_id in meeting.documents[1:]:
            union(key_of[meeting.documents[0]], key_of[doc_id])
    members: dict[str, set[str]] = defaultdict(set)
    for k in parent:
        members[find(k)].add(k)
    names = {root: " | ".join(sorted(k or NO_BODY for k in ks)) for root, ks in members.items()}
    out: dict[str, list[DocMeta]] = defaultdict(list)
    for m in meta:
        out[names[find(key_of[m.id])]].append(m)
    return {name: out[name] for name in sorted(out)}


def fingerprint(docs: Iterable[DocMeta]) -> str:
    """A digest of a partition's document rows: it changes when any document comes, goes or moves."""
    h = hashlib.sha256(PART_VERSION.encode())
    for d in sorted(docs, key=lambda d: d.id):
        h.update("\x1f".join((d.id, d.sha256, d.path, str(d.part), d.kind, d.body or "\x00",
                              d.meeting_date or "\x00")).encode("utf-8", "surrogatepass") + b"\x1e")
    return h.hexdigest()


# -- one partition --------------------------------------------------------------------------------
def derive_part(docs: Sequence[Document], meetings: Sequence[Meeting], keys: Mapping[str, str],
                order: Mapping[str, tuple[Any, ...]]) -> dict[str, Any]:
    """A partition's stored parts (JSON-ready): its actions, links and partial registers.

    ``docs`` are the partition's documents in store order, ``meetings`` its meetings in the
    store's meeting order, ``keys`` body keys by document id and ``order`` each document's place
    in store order (positions that let parts of different partitions merge in store order).
    """
    records = [d for d in docs if d.kind in RECORD_KINDS]
    actions = build_actions(records)
    first = _first_mentions(records)
    links = build_links(docs, {m.id: m.documents for m in meetings}, keys, actions)
    return {
        "actions": [[list(first[_meeting_key(a)]), to_dict(a)] for a in actions],
        "people": [_person_json(p) for p in people_parts(docs, lambda d: order[d.id])],
        "organisations": [_organisation_json(o) for o in organisation_parts(docs, lambda d: order[d.id])],
        "links": to_dict(links),
    }


def _meeting_key(a: ActionRecord) -> tuple[str | None, str, str]:
    """The (body, meeting, ID) under which ``build_actions`` met the record's first mention."""
    return (a.body, a.first_meeting or f"doc:{a.history[0].document}", a.id)


def _first_mentions(records: Sequence[Document]) -> dict[tuple[str | None, str, str], tuple[Any, ...]]:
    """Where each (body, meeting, action ID) is first mentioned, in ``build_actions``' own order
    (dated meetings by date, then undated documents; store order, then order in the document):
    sorting records of all partitions by it gives the order one pass over the store gives."""
    first: dict[tuple[str | None, str, str], tuple[Any, ...]] = {}
    for d in records:
        placed = [*d.actions, *(m for it in d.items for m in it.actions)]
        for n, mention in enumerate(placed):
            if mention.id:
                first.setdefault((d.body, d.meeting_date or f"doc:{d.id}", mention.id),
                                 (d.meeting_date is None, d.meeting_date or "", d.path, d.part, n))
    return first


def _person_json(p: PersonPart) -> dict[str, Any]:
    return {"key": p.key, "name": p.name, "first": list(p.first), "mentions": p.mentions,
            "aliases": [[v, list(pos)] for v, pos in p.aliases.items()],
            "roles": [[v, list(pos)] for v, pos in p.roles.items()],
            "organisations": [[v, list(pos)] for v, pos in p.organisations.items()]}


def _person_part(d: Mapping[str, Any]) -> PersonPart:
    return PersonPart(d["key"], d["name"], tuple(d["first"]), d["mentions"],
                      {v: tuple(pos) for v, pos in d["aliases"]}, {v: tuple(pos) for v, pos in d["roles"]},
                      {v: tuple(pos) for v, pos in d["organisations"]})


def _organisation_json(o: OrganisationPart) -> dict[str, Any]:
    return {"key": o.key, "name": o.name, "first": list(o.first), "mentions": o.mentions,
            "printed": [[form, acronym, list(pos)] for (form, acronym), pos in o.printed.items()]}


def _organisation_part(d: Mapping[str, Any]) -> OrganisationPart:
    return OrganisationPart(d["key"], d["name"], tuple(d["first"]), d["mentions"],
                            {(form, bool(acronym)): tuple(pos) for form, acronym, pos in d["printed"]})


def assemble(parts: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Whole-store actions, people, organisations and links from every partition's parts.

    Actions come in the order one pass over the store gives; people and organisations merge
    across partitions; links come partition by partition (by name), each partition's in the
    order one pass gives, so every item's links keep their order.
    """
    names = sorted(parts)
    actions = sorted(((tuple(pos), i, j, a) for i, n in enumerate(names)
                      for j, (pos, a) in enumerate(parts[n]["actions"])), key=lambda t: t[:3])
    return {
        "actions": [a for *_, a in actions],
        "people": to_dict(merge_people(_person_part(p) for n in names for p in parts[n]["people"])),
        "organisations": to_dict(merge_organisations(_organisation_part(o) for n in names
                                                     for o in parts[n]["organisations"])),
        "links": [lk for n in names for lk in parts[n]["links"]],
    }


# -- the refresh ----------------------------------------------------------------------------------
def _refresh(store: AnyStore, changed: Sequence[str], removed: Sequence[str], force: bool,
             since: int | None) -> RefreshStats:
    index = open_search_index(store_location(store))
    generation = store.generation()
    index_ok = index.generation() is not None and index_usable(index)
    if not force and not changed and not removed and store.derived_is_current() and index_ok \
            and index.generation() == generation:
        return RefreshStats()
    meta = store.document_meta()
    meetings = group_meetings(meta)
    meeting_of = {doc_id: m.id for m in meetings for doc_id in m.documents}
    parts = partitions(meta, meetings)
    stats = RefreshStats(documents=len(meta), partitions=len(parts))
    prints = {name: fingerprint(docs) for name, docs in parts.items()}
    stored = store.derived_fingerprints()
    dirty = set(changed) | set(removed)
    todo = [n for n, docs in parts.items()
            if force or stored.get(n) != prints[n] or any(d.id in dirty for d in docs)]
    stats.recomputed = todo
    # The index is rebuilt whole when it is missing, unreadable, or behind an earlier change
    # (a crash between the store commit and the index commit); otherwise only changes are applied.
    rebuild_index = force or not index_ok or since is None or index.generation() != since

    order = {m.id: m.order for m in meta}
    keys = {m.id: key_string(m.body) for m in meta}
    meetings_in: dict[str, list[Meeting]] = defaultdict(list)
    part_of = {d.id: n for n, docs in parts.items() for d in docs}
    for m in meetings:
        meetings_in[part_of[m.documents[0]]].append(m)
    fresh: dict[str, tuple[str, Any]] = {}

    def derive(n: str, docs: list[Document]) -> None:
        # a document gone between the two reads (a concurrent ingest): derived without it, and
        # marked so the next refresh (that ingest's own) derives the partition again
        fp = prints[n] if len(docs) == len(parts[n]) else "incomplete"
        fresh[n] = (fp, derive_part(docs, meetings_in[n], keys, order))

    def save_derived() -> None:
        all_parts = store.derived_parts([n for n in parts if n not in fresh])
        all_parts.update({n: data for n, (_, data) in fresh.items()})
        store.put_derived({**assemble(all_parts), "meetings": to_dict(meetings), "meeting_of": meeting_of},
                          fresh, drop_parts=[n for n in stored if n not in parts])

    if rebuild_index:
        # One partition's documents in memory at a time: each is loaded, derived if it must be,
        # and written to the index, then dropped (a whole archive at once would not fit in 1 GB).
        todo_set = set(todo)

        def rows() -> Iterable[Any]:
            for n, members in parts.items():
                docs = store.documents_by_ids([d.id for d in members])
                rank = {d.id: i for i, d in enumerate(members)}
                docs.sort(key=lambda d: rank[d.id])
                stats.loaded += len(docs)
                if n in todo_set:
                    derive(n, docs)
                for d in docs:
                    yield from items_for_index(d, meeting_of.get(d.id))

        n_items = index.rebuild(rows(), generation)
        save_derived()
        stats.index = "rebuilt"
        log.info("rebuilt search index: %d items", n_items)
        return stats

    by_id = {d.id: d for d in store.documents_by_ids([d.id for n in todo for d in parts[n]])}
    for n in todo:
        derive(n, [by_id[d.id] for d in parts[n] if d.id in by_id])
    old_meeting_of: dict[str, str] = store.derived("meeting_of") or {}
    save_derived()

    # a document whose meeting changed (a paper of its meeting came or went) carries its meeting
    # in the index too
    moved = {i for i in order if meeting_of.get(i) != old_meeting_of.get(i)}
    reindex = (set(changed) | moved) & set(order)
    missing = [i for i in reindex if i not in by_id]
    by_id.update((d.id, d) for d in store.documents_by_ids(missing))
    index.update(sorted(set(removed) | reindex),
                 [row for i in sorted(reindex, key=order.__getitem__) if i in by_id
                  for row in items_for_index(by_id[i], meeting_of.get(i))],
                 generation)
    stats.index = "updated"
    stats.loaded = len(by_id)
    return stats
