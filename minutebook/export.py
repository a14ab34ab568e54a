"""``minutebook export``: the whole store as one JSON object in the contract's shape."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .model import Document, item_id

if TYPE_CHECKING:
    from .backends import AnyStore

SCHEMA_NAME = "minutebook.export/1"


def _item(doc: Document, index: int) -> dict[str, Any]:
    it = doc.items[index]
    return {
        "id": item_id(doc.id, index),
        "number": it.number,
        "title": it.title,
        "parent": it.parent,
        "page_start": it.page_start,
        "page_end": it.page_end,
        "text": it.text,
        "people": sorted({m.value for m in it.people}),
        "organisations": sorted({m.value for m in it.organisations}),
        "dates": sorted({m.value for m in it.dates}),
        "action_ids": sorted({a.id for a in it.actions if a.id}),
        "decisions": [{"text": d.text, "outcome": str(d.outcome), "page": d.page,
                       **({"mover": d.mover} if d.mover else {}),
                       **({"seconder": d.seconder} if d.seconder else {}),
                       **({"votes": d.votes} if d.votes else {})} for d in it.decisions],
    }


def _document(doc: Document, meeting_id: str | None) -> dict[str, Any]:
    att = doc.attendance
    return {
        "id": doc.id,
        "path": doc.path,
        "sha256": doc.sha256,
        "kind": str(doc.kind),
        "body": doc.body,
        "meeting_date": doc.meeting_date,
        "meeting_id": meeting_id,
        "pages": doc.pages,
        "page_start": doc.page_start,
        "page_end": doc.page_end,
        "ocr": doc.ocr,
        "title": doc.title,
        "attendance": None if att is None else {
            "chair": att.chair, "present": att.present, "apologies": att.apologies,
            "officers": att.officers, "others": att.others,
        },
        "items": [_item(doc, i) for i in range(len(doc.items))],
    }


def file_order(docs: Sequence[Document]) -> list[Document]:
    """Each file's documents together and in page order, files by their first part's meeting
    date (undated first), then path.

    The store orders documents by meeting date, which splits a pack and can list its appendix
    (dated by the meeting it reports back on) before the minutes it is appended to: a reader
    taking a file's first document as the file would get the wrong one.
    """
    parts: dict[str, list[Document]] = defaultdict(list)
    for d in docs:
        parts[d.path].append(d)
    files = [sorted(ds, key=lambda d: d.part) for ds in parts.values()]
    files.sort(key=lambda ds: (ds[0].meeting_date is not None, ds[0].meeting_date or "", ds[0].path))
    return [d for ds in files for d in ds]


def build_export(store: AnyStore) -> dict[str, Any]:
    meeting_of: dict[str, str] = store.derived("meeting_of") or {}
    docs = file_order(store.documents())
    actions = []
    for a in store.derived("actions"):
        actions.append({
            "id": a["id"], "body": a["body"], "description": a["description"], "owner": a["owner"],
            "status": a["status"], "first_meeting": a["first_meeting"], "closed_at": a["closed_at"],
            "disappeared_after": a.get("disappeared_after"),
            "history": [{"meeting_date": s["meeting_date"], "document": s["document"], "item": s["item"],
                         "status": s["status"], "update": s["update"], "page": s.get("page")}
                        for s in a["history"]],
        })
    return {
        "schema": SCHEMA_NAME,
        "documents": [_document(d, meeting_of.get(d.id)) for d in docs],
        "meetings": [{"id": m["id"], "body": m["body"], "date": m["date"], "documents": m["documents"]}
                     for m in store.derived("meetings")],
        "actions": actions,
        "people": [{"name": p["name"], "aliases": p["aliases"], "roles": p["roles"],
                    "organisations": p["organisations"], "mentions": p["mentions"]}
                   for p in store.derived("people")],
        "organisations": [{"name": o["name"], "aliases": o["aliases"], "mentions": o["mentions"]}
                          for o in store.derived("organisations")],
        "links": [{"from": lk["source"], "to": lk["target"], "kind": lk["kind"], "evidence": lk["evidence"],
                   "confidence": lk["confidence"]} for lk in store.derived("links")],
        "failures": [{"path": f.path, "reason": f.error} for f in store.failures()],
    }
