"""The cross-document stage: meetings, registers and links from the whole store, then the index.

Runs after every ingest that changed something, and on demand (``minutebook reindex``). Its
output is derived data: it can always be rebuilt from the documents in the store.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from nlp.links import build_links
from nlp.people import build_organisations, build_people
from nlp.register import build_actions
from search_app.index import SearchIndex, items_for_index

from .meetings import body_key, group_meetings
from .serialize import to_dict
from .store import Store

log = logging.getLogger(__name__)


def refresh(store: Store, changed: Sequence[str] = (), removed: Sequence[str] = (), force: bool = False,
            since: int | None = None) -> None:
    """Bring derived registers and the search index up to date with the store.

    ``since`` is the store generation before the caller's changes: the index is updated in
    place only when it was exactly current then; otherwise it is rebuilt from the store.
    """
    index = SearchIndex(store.data_dir)
    generation = store.generation()
    index_ok = index.exists() and index.generation() is not None and index.is_healthy()
    if not force and not changed and not removed and store.derived_is_current() and index_ok \
            and index.generation() == generation:
        return
    docs = store.documents()
    meetings = group_meetings(docs)
    meeting_of = {doc_id: m.id for m in meetings for doc_id in m.documents}
    keys = {d.id: " ".join(sorted(body_key(d.body))) for d in docs}
    actions = build_actions(docs)
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
