"""The contract's JSON shapes (../shared/CONTRACT.md), checked field by field."""

from __future__ import annotations

import re
from typing import Any

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
KINDS = {"minutes", "agenda", "report", "appendix", "action_log", "questions", "notice", "other"}
OUTCOMES = {"resolved", "agreed", "approved", "noted", "carried", "lost", "deferred", "rejected", "other"}
LINK_KINDS = {"agenda_minutes", "previous_minutes", "action", "report", "same_subject", "reference"}


def _date(v: Any) -> bool:
    return v is None or (isinstance(v, str) and bool(ISO.match(v)))


def check_export(export: dict[str, Any]) -> list[str]:
    """Every way ``export`` departs from the contract (empty when it conforms)."""
    problems: list[str] = []

    def need(cond: bool, msg: str) -> None:
        if not cond:
            problems.append(msg)

    need(export.get("schema") == "minutebook.export/1", "schema")
    for key in ("documents", "meetings", "actions", "people", "organisations", "links"):
        need(isinstance(export.get(key), list), f"{key} is a list")
    doc_ids, item_ids = set(), set()
    for d in export.get("documents", []):
        for k, t in (("id", str), ("path", str), ("sha256", str), ("kind", str), ("pages", int),
                     ("ocr", bool), ("items", list)):
            need(isinstance(d.get(k), t), f"document.{k} is {t.__name__}: {d.get('path')}")
        need(d.get("kind") in KINDS, f"document.kind {d.get('kind')}")
        need(d.get("body") is None or isinstance(d.get("body"), str), "document.body")
        need(_date(d.get("meeting_date")), f"document.meeting_date {d.get('meeting_date')}")
        need("meeting_id" in d, "document.meeting_id")
        need(len(d.get("sha256", "")) == 64, "document.sha256 is a hex digest")
        att = d.get("attendance")
        if d.get("kind") != "minutes":
            need(att is None, "attendance only for minutes")
        if att is not None:
            for k in ("present", "apologies", "officers", "others"):
                need(isinstance(att.get(k), list), f"attendance.{k}")
            need("chair" in att, "attendance.chair")
        doc_ids.add(d.get("id"))
        for it in d.get("items", []):
            item_ids.add(it.get("id"))
            for k, t in (("id", str), ("number", str), ("title", str), ("page_start", int), ("page_end", int),
                         ("text", str), ("people", list), ("organisations", list), ("dates", list),
                         ("action_ids", list), ("decisions", list)):
                need(isinstance(it.get(k), t), f"item.{k} is {t.__name__}")
            need("parent" in it, "item.parent")
            need(it.get("page_start", 0) >= 1 and it.get("page_end", 0) >= it.get("page_start", 0), "item pages")
            need(all(_date(x) and x for x in it.get("dates", [])), "item.dates are ISO")
            need(all(not re.search(r"\s", a) for a in it.get("action_ids", [])), "action ids have no spaces")
            for dec in it.get("decisions", []):
                need(isinstance(dec.get("text"), str) and dec.get("outcome") in OUTCOMES, "decision shape")
    for m in export.get("meetings", []):
        need(isinstance(m.get("id"), str) and _date(m.get("date")), "meeting id/date")
        need(all(x in doc_ids for x in m.get("documents", [])), "meeting documents exist")
    for a in export.get("actions", []):
        need(isinstance(a.get("id"), str) and not re.search(r"\s", a.get("id", "")), "action.id")
        need(a.get("status") in {"open", "closed"}, "action.status")
        need(_date(a.get("first_meeting")) and _date(a.get("closed_at")), "action dates")
        for h in a.get("history", []):
            need(h.get("status") in {"open", "closed"} and _date(h.get("meeting_date")), "history step")
            need(h.get("document") in doc_ids, "history.document exists")
            need(h.get("item") is None or h.get("item") in item_ids, "history.item exists")
            need(isinstance(h.get("update"), str), "history.update")
    for p in export.get("people", []):
        need(isinstance(p.get("name"), str) and isinstance(p.get("aliases"), list), "person shape")
        need(isinstance(p.get("roles"), list) and isinstance(p.get("mentions"), int), "person roles/mentions")
    for o in export.get("organisations", []):
        need(isinstance(o.get("name"), str) and isinstance(o.get("aliases"), list), "organisation shape")
    for lk in export.get("links", []):
        need(lk.get("from") in item_ids and lk.get("to") in item_ids, "link ends are items")
        need(lk.get("kind") in LINK_KINDS, f"link.kind {lk.get('kind')}")
        need(isinstance(lk.get("evidence"), str) and lk.get("evidence"), "link.evidence")
        need(isinstance(lk.get("confidence"), float | int) and 0 <= lk["confidence"] <= 1, "link.confidence")
    return sorted(set(problems))


def check_search(result: dict[str, Any]) -> list[str]:
    problems = []
    if not isinstance(result.get("query"), str) or not isinstance(result.get("total"), int):
        problems.append("query/total")
    for h in result.get("hits", []):
        for k in ("document_id", "path", "item_id", "item_number", "title", "kind", "body", "page_start",
                  "score", "snippet"):
            if k not in h:
                problems.append(f"hit.{k}")
        if not _date(h.get("meeting_date")):
            problems.append("hit.meeting_date")
    return problems
