"""Open the search index for a data directory, repairing it from the store when needed."""

from __future__ import annotations

import logging
from pathlib import Path

from search_app.index import SearchIndex

from . import derive
from .store import Store

log = logging.getLogger(__name__)


def open_index(data_dir: Path) -> SearchIndex | None:
    """The index, rebuilt from the store when it is missing, unreadable or stale; None if no data."""
    data_dir = Path(data_dir)
    if not (data_dir / "minutebook.sqlite3").exists():
        return None
    index = SearchIndex(data_dir)
    store = Store(data_dir)
    try:
        if not (index.exists() and index.is_healthy() and index.generation() == store.generation()):
            log.warning("search index missing or stale in %s: rebuilding from the store", data_dir)
            derive.refresh(store, force=True)
    finally:
        store.close()
    return index
