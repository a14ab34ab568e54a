"""Routes: HTML pages and the JSON API, on one blueprint."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, abort, current_app, jsonify, render_template, request, send_file, url_for

from minutebook.model import item_id

from .data import Archive, action_key
from .index import FACETS, QueryError

bp = Blueprint("mb", __name__)

FACET_LABELS = {"kind": "Kind", "body_facet": "Body", "year": "Year", "outcome": "Decision"}


def archive() -> Archive:
    return current_app.extensions["minutebook"]  # type: ignore[no-any-return]


def init_app(app: Flask) -> None:
    app.extensions["minutebook"] = Archive(Path(app.config["DATA_DIR"]))
    app.register_blueprint(bp)

    @app.after_request
    def security_headers(resp):  # type: ignore[no-untyped-def]
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'")
        return resp


def _search_args() -> dict[str, Any]:
    q = request.args.get("q", "").strip()
    try:
        page = max(1, int(request.args.get("page", 1)))
        limit = min(100, max(1, int(request.args.get("limit", current_app.config["PAGE_SIZE"]))))
    except ValueError:
        abort(400, "page and limit must be numbers")
    sort = request.args.get("sort", "relevance")
    if sort not in ("relevance", "date"):
        sort = "relevance"
    filters = {f: request.args[f] for f in FACETS if request.args.get(f)}
    return {"q": q, "page": page, "limit": limit, "sort": sort, "filters": filters}


def _run_search(args: dict[str, Any], facets: bool) -> Any:
    ix = archive().index
    if not ix.exists():
        return None
    return ix.search(args["q"], limit=args["limit"], offset=(args["page"] - 1) * args["limit"],
                     sort=args["sort"], filters=args["filters"], facets=facets)


@bp.route("/")
def search_page() -> str:
    args = _search_args()
    result, error = None, None
    if args["q"] or args["filters"]:
        try:
            result = _run_search(args, facets=True)
        except QueryError as exc:
            error = str(exc)
    def toggle(name: str, value: str) -> str:
        filters = dict(args["filters"])
        if filters.get(name) == value:
            filters.pop(name)
        else:
            filters[name] = value
        return url_for("mb.search_page", q=args["q"], sort=args["sort"], **filters)

    return render_template("search.html", args=args, result=result, error=error, facet_labels=FACET_LABELS,
                           toggle=toggle)


@bp.route("/api/search")
def api_search() -> Any:
    args = _search_args()
    try:
        result = _run_search(args, facets=request.args.get("facets") == "1")
    except QueryError as exc:
        return jsonify({"error": str(exc)}), 400
    hits = result.hits if result else []
    payload: dict[str, Any] = {
        "query": args["q"], "total": result.total if result else 0,
        "hits": [asdict(h) for h in hits],
    }
    if result and result.facets:
        payload["facets"] = {k: [{"value": v, "count": c} for v, c in vals] for k, vals in result.facets.items()}
    return jsonify(payload)


def _item_context(iid: str) -> dict[str, Any]:
    found = archive().item(iid)
    if not found:
        abort(404)
    doc, i, item = found
    reg = archive().registers()
    links = []
    for lk in reg.links_by_item.get(iid, []):
        other = lk["target"] if lk["source"] == iid else lk["source"]
        label = archive().item_label(other)
        if label:
            links.append({**lk, "other": label, "direction": "to" if lk["source"] == iid else "from"})
    children = [(item_id(doc.id, j), it) for j, it in enumerate(doc.items) if it.parent == item.number and j > i]
    return {"doc": doc, "index": i, "item": item, "iid": iid, "links": links,
            "actions": reg.actions_by_item.get(iid, []), "meeting_id": reg.meeting_of.get(doc.id),
            "children": children, "action_key": action_key}


@bp.route("/item/<iid>")
def item_page(iid: str) -> str:
    return render_template("item.html", **_item_context(iid), q=request.args.get("q", ""))


@bp.route("/api/item/<iid>")
def api_item(iid: str) -> Any:
    from minutebook.serialize import to_dict

    ctx = _item_context(iid)
    return jsonify({"id": iid, "document_id": ctx["doc"].id, "meeting_id": ctx["meeting_id"],
                    "item": to_dict(ctx["item"]), "links": ctx["links"]})


@bp.route("/document/<doc_id>")
def document_page(doc_id: str) -> str:
    doc = archive().document(doc_id)
    if doc is None:
        abort(404)
    reg = archive().registers()
    return render_template("document.html", doc=doc, meeting_id=reg.meeting_of.get(doc.id), item_id=item_id)


@bp.route("/file/<doc_id>")
def original_file(doc_id: str) -> Any:
    """The original file of a document. The path comes from the store, never from the URL."""
    doc = archive().document(doc_id)
    if doc is None or not Path(doc.path).is_file():
        abort(404)
    mimetype = "application/pdf" if doc.path.lower().endswith(".pdf") else "text/plain; charset=utf-8"
    return send_file(doc.path, mimetype=mimetype, download_name=Path(doc.path).name)


def _meeting_context(meeting_id: str) -> dict[str, Any]:
    reg = archive().registers()
    m = reg.meetings.get(meeting_id)
    if m is None:
        abort(404)
    docs = [d for d in (archive().document(i) for i in m["documents"]) if d is not None]
    return {"meeting": m, "docs": docs}


@bp.route("/meeting/<meeting_id>")
def meeting_page(meeting_id: str) -> str:
    return render_template("meeting.html", **_meeting_context(meeting_id), item_id=item_id)


@bp.route("/api/meeting/<meeting_id>")
def api_meeting(meeting_id: str) -> Any:
    ctx = _meeting_context(meeting_id)
    return jsonify({**ctx["meeting"], "papers": [
        {"id": d.id, "kind": str(d.kind), "title": d.title, "path": d.path,
         "items": [{"id": item_id(d.id, i), "number": it.number, "title": it.title, "page_start": it.page_start}
                   for i, it in enumerate(d.items)]} for d in ctx["docs"]]})


@bp.route("/meetings")
def meetings_page() -> str:
    reg = archive().registers()
    meetings = sorted(reg.meetings.values(), key=lambda m: m["date"], reverse=True)
    return render_template("meetings.html", meetings=meetings)


def _find_action(key: str) -> dict[str, Any]:
    for a in archive().registers().actions:
        if action_key(a) == key:
            return a
    abort(404)


@bp.route("/actions")
def actions_page() -> str:
    reg = archive().registers()
    status = request.args.get("status", "")
    actions = [a for a in reg.actions if not status or a["status"] == status]
    actions.sort(key=lambda a: (a.get("first_meeting") or "", a["id"]), reverse=True)
    return render_template("actions.html", actions=actions, status=status, action_key=action_key)


@bp.route("/action/<path:key>")
def action_page(key: str) -> str:
    a = _find_action(key)
    steps = [{**s, "label": archive().item_label(s["item"]) if s.get("item") else None} for s in a["history"]]
    return render_template("action.html", action=a, steps=steps)


@bp.route("/api/actions")
def api_actions() -> Any:
    return jsonify({"actions": archive().registers().actions})


@bp.route("/api/action/<path:key>")
def api_action(key: str) -> Any:
    return jsonify(_find_action(key))


@bp.route("/decisions")
def decisions_page() -> str:
    outcome = request.args.get("outcome", "")
    rows = []
    for doc in archive().store.documents():
        for i, it in enumerate(doc.items):
            for d in it.decisions:
                if not outcome or str(d.outcome) == outcome:
                    rows.append({"doc": doc, "iid": item_id(doc.id, i), "item": it, "decision": d})
    rows.sort(key=lambda r: r["doc"].meeting_date or "", reverse=True)  # type: ignore[attr-defined]
    return render_template("decisions.html", rows=rows[:500], total=len(rows), outcome=outcome)


@bp.app_template_filter("pdf_url")
def pdf_url(doc_id: str, page: int) -> str:
    return url_for("mb.original_file", doc_id=doc_id) + f"#page={page}"
