"""Read-side access for the web app: documents, items and registers from the store."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from minutebook.meetings import slug
from minutebook.model import Document, Item, item_id
from minutebook.store import Store

from .index import SearchIndex


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


def action_key(action: dict[str, Any]) -> str:
    return f"{slug(action.get('body') or 'unknown')}/{action['id']}"


class Archive:
    """One per app: a store handle per thread and registers cached by generation."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self._local = threading.local()
        self._registers: Registers | None = None
        self._lock = threading.Lock()
        self.index = SearchIndex(self.data_dir)

    @property
    def store(self) -> Store:
        st = getattr(self._local, "store", None)
        if st is None:
            st = Store(self.data_dir)
            self._local.store = st
        return st

    def registers(self) -> Registers:
        gen = self.store.generation()
        reg = self._registers
        if reg is not None and reg.generation == gen:
            return reg
        with self._lock:
            st = self.store
            reg = Registers(generation=gen)
            reg.meetings = {m["id"]: m for m in st.derived("meetings")}
            reg.meeting_of = st.derived("meeting_of") or {}
            reg.actions = st.derived("actions")
            reg.links = st.derived("links")
            reg.people = st.derived("people")
            reg.organisations = st.derived("organisations")
            for lk in reg.links:
                reg.links_by_item.setdefault(lk["source"], []).append(lk)
                reg.links_by_item.setdefault(lk["target"], []).append(lk)
            for a in reg.actions:
                for s in a["history"]:
                    if s.get("item"):
                        reg.actions_by_item.setdefault(s["item"], []).append(a)
            self._registers = reg
            return reg

    def document(self, doc_id: str) -> Document | None:
        return self.store.document(doc_id)

    def item(self, iid: str) -> tuple[Document, int, Item] | None:
        doc_id, _, idx = iid.rpartition(".")
        doc = self.store.document(doc_id)
        if doc is None:
            return None
        try:
            i = int(idx)
        except ValueError:
            return None
        if not 0 <= i < len(doc.items):
            return None
        return doc, i, doc.items[i]

    def item_label(self, iid: str) -> dict[str, Any] | None:
        found = self.item(iid)
        if not found:
            return None
        doc, i, it = found
        return {"id": item_id(doc.id, i), "number": it.number, "title": it.title, "kind": str(doc.kind),
                "meeting_date": doc.meeting_date, "body": doc.body}
