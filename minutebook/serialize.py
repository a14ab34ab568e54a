"""Documents to and from plain dicts (the store's JSON), keeping every provenance field."""

from __future__ import annotations

import dataclasses
from typing import Any

from .model import (
    ActionMention,
    ActionStatus,
    Attendance,
    Decision,
    DocKind,
    Document,
    Item,
    Mention,
    Outcome,
)


def to_dict(obj: Any) -> Any:
    """A JSON-ready copy of a model value (dataclasses, enums, lists, dicts)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj


def _known(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def item_from_dict(d: dict[str, Any]) -> Item:
    d = dict(d)
    d["people"] = [Mention(**_known(Mention, m)) for m in d.get("people", [])]
    d["organisations"] = [Mention(**_known(Mention, m)) for m in d.get("organisations", [])]
    d["dates"] = [Mention(**_known(Mention, m)) for m in d.get("dates", [])]
    d["actions"] = [
        ActionMention(**{**_known(ActionMention, a), "status": ActionStatus(a["status"])})
        for a in d.get("actions", [])
    ]
    d["decisions"] = [
        Decision(**{**_known(Decision, x), "outcome": Outcome(x["outcome"])}) for x in d.get("decisions", [])
    ]
    return Item(**_known(Item, d))


def document_to_dict(doc: Document) -> dict[str, Any]:
    """The stored form: everything but the raw lines (items and preamble hold the text)."""
    d = to_dict(doc)
    d.pop("lines", None)
    return d


def document_from_dict(d: dict[str, Any]) -> Document:
    d = dict(d)
    d["kind"] = DocKind(d["kind"])
    d["items"] = [item_from_dict(i) for i in d.get("items", [])]
    att = d.get("attendance")
    d["attendance"] = Attendance(**_known(Attendance, att)) if att else None
    d["lines"] = []
    d["actions"] = [
        ActionMention(**{**_known(ActionMention, a), "status": ActionStatus(a["status"])})
        for a in d.get("actions", [])
    ]
    return Document(**_known(Document, d))
