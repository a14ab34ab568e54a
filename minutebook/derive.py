"""The cross-document stage: meetings, registers and links from the whole store, then the index.

Runs after every ingest that changed something, and on demand (``minutebook reindex``). Its
output is derived data: it can always be rebuilt from the documents in the store.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence

from nlp.links import build_links
from nlp.people import build_organisations, build_people
from nlp.register import build_actions
from search_app.index import items_for_index

from .backends import AnyIndex, AnyStore, index_lock, open_search_index, store_location
from .meetings import body_key, group_meetings
from .model import DocKind
from .serialize import to_dict

log = logging.getLogger(__name__)

RECORD_KINDS = {DocKind.MINUTES, DocKind.ACTION_LOG}


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
            since: int | None = None) -> None:
    """Bring derived registers and the search index up to date with the store.

    ``since`` is the store generation before the caller's changes: the index is updated in
    place only when it was exactly current then; otherwise it is rebuilt from the store.
    One process at a time runs this (a lock file in the data directory, an advisory lock on a
    server): two rebuilds at once would each build and swap the same index.
    """
    with index_lock(store):
        _refresh(store, changed, removed, force, since)


def _refresh(store: AnyStore, changed: Sequence[str], removed: Sequence[str], force: bool, since: int | None) -> None:
    index = open_search_index(store_location(store))
    generation = store.generation()
    index_ok = index.generation() is not None and index_usable(index)
    if not force and not changed and not removed and store.derived_is_current() and index_ok \
            and index.generation() == generation:
        return
    docs = store.documents()
    meetings = group_meetings(docs)
    meeting_of = {doc_id: m.id for m in meetings for doc_id in m.documents}
    keys = {d.id: " ".join(sorted(body_key(d.body))) for d in docs}
    # An agenda's action table is a copy made before the meeting; the register follows what
    # minutes and action logs record.
    actions = build_actions([d for d in docs if d.kind in RECORD_KINDS])
    people = build_people(docs)
    organisations = build_organisations(docs)
    links = build_links(docs, {m.id: m.documents for m in meetings}, keys, actions)
    store.put_derived({
        "meetings": to_dict(meetings),
        "actions": to_dict(actions),
        "people": to_dict(people),
        "organisations": to_dict(organisations),
        "links": to_dict(links),
        "meeting_of": meeting_of,
    })
    # The index is rebuilt whole when it is missing, unreadable, or behind an earlier change
    # (a crash between the store commit and the index commit); otherwise only changes are applied.
    if force or not index_ok or since is None or index.generation() != since:
        n = index.rebuild((row for d in docs for row in items_for_index(d, meeting_of.get(d.id))), generation)
        log.info("rebuilt search index: %d items", n)
    else:
        changed_set = set(changed)
        index.update(sorted(set(removed) | changed_set),
                     [row for d in docs if d.id in changed_set for row in items_for_index(d, meeting_of.get(d.id))],
                     generation)
