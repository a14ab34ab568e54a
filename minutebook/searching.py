"""Open the search index for a data directory or database, repairing it from the store when needed."""

from __future__ import annotations

import logging
from pathlib import Path

from . import derive
from .backends import AnyIndex, describe, location, open_search_index, open_store, store_exists, writer_active

log = logging.getLogger(__name__)


def open_index(data_dir: str | Path) -> AnyIndex | None:
    """The index, rebuilt from the store when it is missing, unreadable or stale; None if no data.

    A readable index that is only behind the store is served as it is while an ingest is still
    writing: that ingest brings it up to date when it finishes, and rebuilding under it would
    cost a whole rebuild per search.
    """
    data_dir = location(data_dir)
    if not store_exists(data_dir):
        return None
    index = open_search_index(data_dir)
    store = open_store(data_dir)
    try:
        usable = derive.index_usable(index)
        if usable and index.generation() == store.generation():
            return index
        if usable and writer_active(data_dir):
            return index
        log.warning("search index missing or stale in %s: rebuilding from the store", describe(data_dir))
        # without force: under the lock, refresh rebuilds only if no other process just did
        derive.refresh(store)
    finally:
        store.close()
    return index
