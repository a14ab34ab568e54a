"""Routes: HTML pages, the JSON API, Atom feeds and CSV exports, on one blueprint.

Every page has a permalink (its URL with its parameters) and a JSON twin under ``/api``.
Document text and queries are untrusted: templates escape everything, and the only markup
we build ourselves (highlighted item text) escapes each piece before wrapping matches.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_file,
    url_for,
)
from markupsafe import Markup, escape

from minutebook.meetings import slug
from minutebook.model import Item, item_id
from minutebook.serialize import document_to_dict, to_dict

from .data import PREAMBLE_INDEX, Archive, Registers, action_key, per_year
from .index import FACETS, QueryError

bp = Blueprint("mb", __name__)

FACET_LABELS = {"kind": "Kind", "body_facet": "Body", "year": "Year", "outcome": "Decision", "person": "Person",
                "org": "Organisation", "has_action": "Action points"}
OUTCOMES = ["resolved", "agreed", "approved", "noted", "carried", "lost", "deferred", "rejected", "other"]
LIST_PAGE = 100  # rows per page of a register (keeps every page well under 200 KB)
MENTION_PAGE = 50  # mentions per page on a person or organisation page
ITEM_PART_CHARS = 30_000  # item text per page; the longest minutes run past 100,000 characters
ENTITY_ROWS = 60  # provenance rows per entity kind on one page of an item
FEED_ENTRIES = 50
CSV_MAX_ROWS = 1000
YEAR_RE = re.compile(r"^\d{4}$")
XML_FORBIDDEN_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Words of a query worth highlighting in an item's text (field filters and operators are not)
QUERY_TERM_RE = re.compile(
    r"""(?P<field>\b[A-Za-z_]+:(?:"[^"]*"|\S+))   # body:x, person:"a b", date:2019..2021 - skipped
      | "(?P<phrase>[^"]+)"                       # a quoted phrase, highlighted whole
      | (?P<word>[\w'\-]+)\*?                      # a word, or a prefix with its star
    """,
    re.X,
)
OPERATORS = {"and", "or", "not", "to"}
STOPWORDS = {"a", "an", "the", "of", "in", "on", "at", "to", "for", "by", "and", "or", "is", "was", "be", "we",
             "did", "do", "when", "what", "who", "how", "it", "as", "with", "from", "that", "this"}
# English endings dropped so "barriers" also marks "barrier" and "parking" marks "park"
SUFFIX_RE = re.compile(r"(?:ing|ed|es|s|ly)$")


def archive() -> Archive:
    return current_app.extensions["minutebook"]  # type: ignore[no-any-return]


def registers() -> Registers:
    return archive().registers()


def init_app(app: Flask) -> None:
    """Attach the archive and the routes to ``app``."""
    app.extensions["minutebook"] = Archive(app.config["DATA_DIR"])
    app.register_blueprint(bp)

    @app.after_request
    def security_headers(resp):  # type: ignore[no-untyped-def]
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'")
        return resp


# -- small helpers ---------------------------------------------------------------------------------
def _int_arg(name: str, default: int, lo: int, hi: int) -> int:
    try:
        value = int(request.args.get(name, default))
    except ValueError:
        abort(400, f"{name} must be a number")
    return min(hi, max(lo, value))


def _paginate(rows: list[Any], per_page: int, name: str = "page") -> tuple[list[Any], dict[str, Any]]:
    """One page of ``rows`` and the pager state (page, pages, total) for the template."""
    total = len(rows)
    pages = max(1, math.ceil(total / per_page))
    page = _int_arg(name, 1, 1, pages)
    return rows[(page - 1) * per_page: page * per_page], {"page": page, "pages": pages, "total": total,
                                                         "name": name}


def _query_args() -> dict[str, Any]:
    """The request's query arguments, to pass on to ``url_for``."""
    return request.args.to_dict()


def _page_url(pager: dict[str, Any], page: int) -> str:
    args: dict[str, Any] = request.args.to_dict()
    args[pager["name"]] = str(page)
    return url_for(request.endpoint or "mb.search_page", **(request.view_args or {}), **args)


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"page_url": _page_url, "action_key": action_key, "item_id": item_id, "person_url": person_url,
            "org_url": org_url, "facet_labels": FACET_LABELS}


def person_url(name: str | None, body: str | None = None) -> str | None:
    """The person page of a name as printed, when it names exactly one person in the register."""
    reg = registers()
    resolved = reg.names.resolve(name, body) if reg.names and name else None
    s = reg.person_slug.get(resolved or "")
    return url_for("mb.person_page", slug=s) if s else None


def org_url(name: str | None) -> str | None:
    reg = registers()
    s = reg.org_slug.get(name or "")
    return url_for("mb.organisation_page", slug=s) if s else None


@bp.app_template_filter("pdf_url")
def pdf_url(doc_id: str, page: int) -> str:
    return url_for("mb.original_file", doc_id=doc_id) + f"#page={page}"


@bp.app_template_filter("thousands")
def thousands(n: int) -> str:
    return f"{n:,}"


# -- query highlighting ----------------------------------------------------------------------------
def query_patterns(q: str, synonyms: dict[str, list[str]] | None = None) -> list[str]:
    """Regex sources that find a query's words and phrases in text, synonyms included.

    >>> query_patterns('"car park" barriers body:x')
    ['car\\\\s+park', '\\\\bbarrier\\\\w*']
    """
    synonyms = synonyms or {}
    out: list[str] = []
    for m in QUERY_TERM_RE.finditer(q[:500]):
        forms: list[str] = []
        if m.group("phrase"):
            forms = [m.group("phrase")]
        elif m.group("word"):
            w = m.group("word").strip("'-")
            if not w or w.lower() in OPERATORS or w.lower() in STOPWORDS:
                continue
            forms = [w, *synonyms.get(w.lower(), [])]
        for form in forms:
            words = form.split()
            if not words:
                continue
            if len(words) == 1 and len(words[0]) > 3:
                stem = SUFFIX_RE.sub("", words[0].lower()) if len(words[0]) > 4 else words[0].lower()
                out.append(r"\b" + re.escape(stem) + r"\w*")
            else:
                out.append(r"\s+".join(re.escape(w) for w in words))
    return list(dict.fromkeys(out))[:30]


def highlight(text: str, patterns: list[str]) -> Markup:
    """``text`` escaped, with every match of ``patterns`` wrapped in ``<mark>``."""
    if not patterns:
        return escape(text)
    rx = re.compile("|".join(sorted(patterns, key=len, reverse=True)), re.I)
    out, pos = [], 0
    for m in rx.finditer(text):
        if m.end() == m.start():
            continue
        out.append(escape(text[pos:m.start()]))
        out.append(Markup("<mark>") + escape(m.group(0)) + Markup("</mark>"))
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)


# -- search ------------------------------------------------------------------------------------------
def _search_args() -> dict[str, Any]:
    q = request.args.get("q", "").strip()
    page = _int_arg("page", 1, 1, 10_000)
    limit = _int_arg("limit", current_app.config["PAGE_SIZE"], 1, 100)
    sort = request.args.get("sort", "relevance")
    if sort not in ("relevance", "date"):
        sort = "relevance"
    filters = {f: request.args[f] for f in FACETS if request.args.get(f)}
    years = {k: request.args.get(k, "").strip() for k in ("from", "to")}
    years = {k: v for k, v in years.items() if YEAR_RE.match(v)}
    return {"q": q, "page": page, "limit": limit, "sort": sort, "filters": filters, "from": years.get("from", ""),
            "to": years.get("to", "")}


def _effective_query(args: dict[str, Any]) -> str:
    """The query with the page's year range applied as a ``date:`` filter that every hit must pass."""
    q = args["q"]
    if not (args["from"] or args["to"]):
        return q
    span = f"date:{args['from'] or '1000'}..{args['to'] or '9999'}"
    return f"({q}) AND {span}" if q else span


def _run_search(args: dict[str, Any], facets: bool, limit: int | None = None) -> Any:
    ix = archive().index
    if not ix.exists():
        return None
    limit = limit or args["limit"]
    return ix.search(_effective_query(args), limit=limit, offset=(args["page"] - 1) * limit,
                     sort=args["sort"], filters=args["filters"], facets=facets)


def _search_url(endpoint: str, args: dict[str, Any], **changes: Any) -> str:
    params = {"q": args["q"], "sort": args["sort"], "from": args["from"], "to": args["to"], **args["filters"]}
    params.update(changes)
    return url_for(endpoint, **{k: v for k, v in params.items() if v not in ("", None)})


def facet_value_label(name: str, value: str) -> str:
    """How a facet value reads on the page (the has-action facet stores a flag)."""
    if name == "has_action":
        return "with action points" if value.lower() in ("1", "true", "yes", "y") else "without action points"
    return value.replace("_", " ") if name == "kind" else value


@bp.route("/")
def search_page() -> str:
    args = _search_args()
    result, error = None, None
    if args["q"] or args["filters"] or args["from"] or args["to"]:
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
        return _search_url("mb.search_page", {**args, "filters": filters})

    suggestion = getattr(result, "suggestion", None) if result is not None else None
    return render_template(
        "search.html", args=args, result=result, error=error, toggle=toggle, suggestion=suggestion,
        suggestion_url=_search_url("mb.search_page", args, q=suggestion) if suggestion else None,
        permalink=_search_url("mb.search_page", args, page=args["page"] if args["page"] > 1 else None),
        json_url=_search_url("mb.api_search", args, page=args["page"]),
        feed_url=_search_url("mb.feed_search", args) if result is not None else None,
        csv_url=_search_url("mb.export_search", args) if result is not None else None,
        prev_url=_search_url("mb.search_page", args, page=args["page"] - 1) if args["page"] > 1 else None,
        next_url=(_search_url("mb.search_page", args, page=args["page"] + 1)
                  if result is not None and args["page"] * args["limit"] < result.total else None),
        facet_value_label=facet_value_label,
    )


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
    suggestion = getattr(result, "suggestion", None)
    if suggestion:
        payload["suggestion"] = suggestion
    if result and result.facets:
        payload["facets"] = {k: [{"value": v, "count": c} for v, c in vals] for k, vals in result.facets.items()}
    return jsonify(payload)


# -- items and documents --------------------------------------------------------------------------------
def _text_parts(text: str) -> list[tuple[int, int]]:
    """(start, end) of each page of a long text, cut at a line break near every ITEM_PART_CHARS."""
    parts, start = [], 0
    while start < len(text):
        end = min(len(text), start + ITEM_PART_CHARS)
        if end < len(text):
            cut = text.rfind("\n", start + ITEM_PART_CHARS // 2, end)
            end = cut + 1 if cut > 0 else end
        parts.append((start, end))
        start = end
    return parts or [(0, 0)]


def _evidence(item: Item, kind: str, mentions: list[Any], span: tuple[int, int]) -> list[dict[str, Any]]:
    """Provenance rows: value, the words with a little context, page and rule, for mentions in ``span``."""
    rows = []
    for m in mentions:
        if not span[0] <= m.start < max(span[1], span[0] + 1) and not (span == (0, 0)):
            continue
        rows.append({"kind": kind, "value": m.value, "text": m.text, "page": m.page, "rule": m.rule,
                     "before": item.text[max(0, m.start - 45):m.start].lstrip(),
                     "words": item.text[m.start:m.end] or m.text, "after": item.text[m.end:m.end + 45].rstrip()})
    return rows


def _related(iid: str, exclude: set[str]) -> list[dict[str, Any]]:
    """More-like-this items from the search engine, when it offers them."""
    ix = archive().index
    if not hasattr(ix, "more_like") or not ix.exists():
        return []
    try:
        hits = ix.more_like(iid, limit=6)
    except Exception:  # noqa: BLE001 - related items are a nicety; never fail the item page for them
        current_app.logger.exception("more_like failed for %s", iid)
        return []
    return [asdict(h) for h in hits if h.item_id != iid and h.item_id not in exclude][:5]


def _item_context(iid: str) -> dict[str, Any]:
    found = archive().item(iid)
    if not found:
        abort(404)
    doc, i, item = found
    reg = registers()
    links = []
    for lk in reg.links_by_item.get(iid, []):
        other = lk["target"] if lk["source"] == iid else lk["source"]
        label = reg.labels.get(other)
        if label:
            links.append({**lk, "other": label, "direction": "to" if lk["source"] == iid else "from"})
    children = [] if i == PREAMBLE_INDEX else [
        (item_id(doc.id, j), it) for j, it in enumerate(doc.items) if it.parent == item.number and j > i]
    return {"doc": doc, "index": i, "item": item, "iid": iid, "links": links,
            "actions": reg.actions_by_item.get(iid, []), "meeting_id": reg.meeting_of.get(doc.id),
            "children": children, "is_pdf": doc.path.lower().endswith(".pdf"),
            "prev_id": item_id(doc.id, i - 1) if i > 0 else (
                item_id(doc.id, PREAMBLE_INDEX) if i == 0 and doc.preamble.strip() else None),
            "next_id": item_id(doc.id, i + 1) if i + 1 < len(doc.items) else None}


@bp.route("/item/<iid>")
def item_page(iid: str) -> str:
    ctx = _item_context(iid)
    item: Item = ctx["item"]
    q = request.args.get("q", "")[:500]
    parts = _text_parts(item.text)
    part = _int_arg("part", 1, 1, len(parts))
    span = parts[part - 1]
    patterns = query_patterns(q, archive().index.synonyms)
    entities = {kind: _evidence(item, kind, getattr(item, attr), span if len(parts) > 1 else (0, 0))
                for kind, attr in (("person", "people"), ("organisation", "organisations"), ("date", "dates"))}
    related = _related(iid, {lk["other"]["id"] for lk in ctx["links"]})
    # action points this item records that the register does not tie to it (ids, or none)
    shown = {a["id"] for a in ctx["actions"]}
    reg = registers()
    body_slug = slug(ctx["doc"].body or "unknown")
    mentioned = [{"mention": a, "key": f"{body_slug}/{a.id}" if f"{body_slug}/{a.id}" in reg.action_by_key else None}
                 for a in item.actions if not a.id or a.id not in shown]
    return render_template(
        "item.html", **ctx, q=q, text=highlight(item.text[span[0]:span[1]], patterns), part=part,
        parts=len(parts), entities=entities, mentioned_actions=mentioned, entity_rows=ENTITY_ROWS, related=related,
        page_of=item.page_at(span[0]), permalink=url_for("mb.item_page", iid=iid),
        json_url=url_for("mb.api_item", iid=iid))


@bp.route("/api/item/<iid>")
def api_item(iid: str) -> Any:
    ctx = _item_context(iid)
    return jsonify({"id": iid, "document_id": ctx["doc"].id, "meeting_id": ctx["meeting_id"],
                    "url": url_for("mb.item_page", iid=iid, _external=True),
                    "pdf": pdf_url(ctx["doc"].id, ctx["item"].page_start),
                    "body": ctx["doc"].body, "kind": str(ctx["doc"].kind), "meeting_date": ctx["doc"].meeting_date,
                    "item": to_dict(ctx["item"]), "links": ctx["links"],
                    "actions": [action_key(a) for a in ctx["actions"]],
                    "related": _related(iid, {lk["other"]["id"] for lk in ctx["links"]})})


@bp.route("/document/<doc_id>")
def document_page(doc_id: str) -> str:
    doc = archive().document(doc_id)
    if doc is None:
        abort(404)
    reg = registers()
    return render_template("document.html", doc=doc, meeting_id=reg.meeting_of.get(doc.id),
                           preamble_id=item_id(doc.id, PREAMBLE_INDEX) if doc.preamble.strip() else None,
                           permalink=url_for("mb.document_page", doc_id=doc_id),
                           json_url=url_for("mb.api_document", doc_id=doc_id))


@bp.route("/api/document/<doc_id>")
def api_document(doc_id: str) -> Any:
    doc = archive().document(doc_id)
    if doc is None:
        abort(404)
    data = document_to_dict(doc)
    data.pop("path", None)  # where the file sits on the server is not the public's business
    for i, it in enumerate(data.get("items", [])):
        it["id"] = item_id(doc.id, i)
    return jsonify({"id": doc.id, "meeting_id": registers().meeting_of.get(doc.id),
                    "file": url_for("mb.original_file", doc_id=doc.id), **data})


@bp.route("/file/<doc_id>")
def original_file(doc_id: str) -> Any:
    """The original file of a document. The path comes from the store, never from the URL."""
    doc = archive().document(doc_id)
    if doc is None or not Path(doc.path).is_file():
        abort(404)
    mimetype = "application/pdf" if doc.path.lower().endswith(".pdf") else "text/plain; charset=utf-8"
    return send_file(doc.path, mimetype=mimetype, download_name=Path(doc.path).name)


# -- meetings ---------------------------------------------------------------------------------------------
def _meeting_context(meeting_id: str) -> dict[str, Any]:
    reg = registers()
    m = reg.meetings.get(meeting_id)
    if m is None:
        abort(404)
    docs = [d for d in (archive().document(i) for i in m["documents"]) if d is not None]
    raised = [a for a in reg.actions if any(s["document"] in m["documents"] for s in a["history"])]
    decisions = sum(len(it.decisions) for d in docs for it in d.items)
    return {"meeting": m, "docs": docs, "meeting_actions": raised, "decision_count": decisions}


@bp.route("/meeting/<meeting_id>")
def meeting_page(meeting_id: str) -> str:
    return render_template("meeting.html", **_meeting_context(meeting_id),
                           permalink=url_for("mb.meeting_page", meeting_id=meeting_id),
                           json_url=url_for("mb.api_meeting", meeting_id=meeting_id))


@bp.route("/api/meeting/<meeting_id>")
def api_meeting(meeting_id: str) -> Any:
    ctx = _meeting_context(meeting_id)
    return jsonify({**ctx["meeting"], "url": url_for("mb.meeting_page", meeting_id=meeting_id, _external=True),
                    "papers": [
        {"id": d.id, "kind": str(d.kind), "title": d.title, "path": d.path,
         "file": url_for("mb.original_file", doc_id=d.id),
         "attendance": to_dict(d.attendance) if d.attendance else None,
         "items": [{"id": item_id(d.id, i), "number": it.number, "title": it.title, "page_start": it.page_start,
                    "decisions": len(it.decisions)}
                   for i, it in enumerate(d.items)]} for d in ctx["docs"]],
                    "actions": [action_key(a) for a in ctx["meeting_actions"]]})


@bp.route("/meetings")
def meetings_page() -> str:
    reg = registers()
    body = request.args.get("body", "")
    meetings = sorted((m for m in reg.meetings.values() if not body or m["body"] == body),
                      key=lambda m: m["date"], reverse=True)
    rows, pager = _paginate(meetings, LIST_PAGE)
    bodies = sorted({m["body"] for m in reg.meetings.values() if m.get("body")})
    return render_template("meetings.html", meetings=rows, pager=pager, body=body, bodies=bodies,
                           permalink=url_for("mb.meetings_page", **_query_args()))


# -- actions -------------------------------------------------------------------------------------------------
def _find_action(key: str) -> dict[str, Any]:
    a = registers().action_by_key.get(key)
    if a is None:
        abort(404)
    return a


def _days(a: str | None, b: str | None) -> int | None:
    try:
        return (date.fromisoformat(b or "") - date.fromisoformat(a or "")).days  # type: ignore[operator]
    except ValueError:
        return None


def _action_filter() -> tuple[list[dict[str, Any]], str, str]:
    reg = registers()
    status = request.args.get("status", "")
    body = request.args.get("body", "")
    rows = [a for a in reg.actions if (not status or a["status"] == status) and (not body or a.get("body") == body)]
    rows.sort(key=lambda a: (a.get("first_meeting") or "", a["id"]), reverse=True)
    return rows, status, body


@bp.route("/actions")
def actions_page() -> str:
    rows, status, body = _action_filter()
    page_rows, pager = _paginate(rows, LIST_PAGE)
    bodies = sorted({a["body"] for a in registers().actions if a.get("body")})
    return render_template("actions.html", actions=page_rows, pager=pager, status=status, body=body, bodies=bodies,
                           permalink=url_for("mb.actions_page", **_query_args()),
                           json_url=url_for("mb.api_actions", status=status or None, body=body or None),
                           csv_url=url_for("mb.export_actions", status=status or None, body=body or None))


def action_timeline(a: dict[str, Any]) -> dict[str, Any]:
    """An action's open time: days from raised to closed (or to its last mention) and step positions.

    Positions are fractions of the span for the server-side SVG bar; a one-day span still draws.
    """
    dates = [s.get("meeting_date") for s in a["history"] if s.get("meeting_date")]
    start = a.get("first_meeting") or (min(dates) if dates else None)
    end = a.get("closed_at") or (max(dates) if dates else None)
    days = _days(start, end)
    span = max(days or 0, 1)
    marks = []
    for s in a["history"]:
        d = _days(start, s.get("meeting_date"))
        if d is not None:
            marks.append({"x": min(1.0, max(0.0, d / span)), "status": s["status"], "date": s["meeting_date"]})
    return {"start": start, "end": end, "days": days, "closed": a["status"] == "closed", "marks": marks}


def _action_steps(a: dict[str, Any]) -> list[dict[str, Any]]:
    reg = registers()
    return [{**s, "label": reg.labels.get(s["item"]) if s.get("item") else None} for s in a["history"]]


@bp.route("/action/<path:key>")
def action_page(key: str) -> str:
    a = _find_action(key)
    reg = registers()
    owners = [(n, reg.person_slug.get(n)) for n, keys in reg.person_actions.items() if key in keys]
    return render_template("action.html", action=a, key=key, steps=_action_steps(a), timeline=action_timeline(a),
                           owners=owners, permalink=url_for("mb.action_page", key=key),
                           json_url=url_for("mb.api_action", key=key), feed_url=url_for("mb.feed_action", key=key))


@bp.route("/api/actions")
def api_actions() -> Any:
    rows, _, _ = _action_filter()
    return jsonify({"total": len(rows), "actions": [{**a, "key": action_key(a)} for a in rows]})


@bp.route("/api/action/<path:key>")
def api_action(key: str) -> Any:
    a = _find_action(key)
    return jsonify({**a, "key": key, "url": url_for("mb.action_page", key=key, _external=True),
                    "open_days": action_timeline(a)["days"]})


# -- decisions -------------------------------------------------------------------------------------------------
def _decision_filter() -> tuple[list[dict[str, Any]], dict[str, str]]:
    f = {k: request.args.get(k, "").strip() for k in ("body", "year", "outcome")}
    rows = [r for r in registers().decisions
            if (not f["body"] or r["body"] == f["body"]) and (not f["year"] or r["year"] == f["year"])
            and (not f["outcome"] or r["outcome"] == f["outcome"])]
    return rows, f


@bp.route("/decisions")
def decisions_page() -> str:
    reg = registers()
    rows, f = _decision_filter()
    page_rows, pager = _paginate(rows, LIST_PAGE)
    # the chart counts every year under the other filters, so a year bar can be picked from it
    chart_rows = [r for r in reg.decisions if (not f["body"] or r["body"] == f["body"])
                  and (not f["outcome"] or r["outcome"] == f["outcome"])]
    bodies = [b for b, _ in sorted(_count(r["body"] for r in reg.decisions if r["body"]).items(),
                                   key=lambda kv: (-kv[1], kv[0]))]
    years = sorted({r["year"] for r in reg.decisions if r["year"]}, reverse=True)
    clean: dict[str, Any] = {k: v for k, v in f.items() if v}
    chart = [{"label": y, "value": n, "href": url_for("mb.decisions_page", **{**clean, "year": y}),
              "selected": y == f["year"]} for y, n in per_year(chart_rows)]
    return render_template("decisions.html", rows=page_rows, pager=pager, f=f, bodies=bodies, years=years,
                           outcomes=OUTCOMES, chart=chart, permalink=url_for("mb.decisions_page", **clean),
                           json_url=url_for("mb.api_decisions", **clean),
                           feed_url=url_for("mb.feed_decisions", **clean))


def _count(values: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


@bp.route("/api/decisions")
def api_decisions() -> Any:
    rows, f = _decision_filter()
    page_rows, pager = _paginate(rows, LIST_PAGE)
    return jsonify({"filters": f, "total": pager["total"], "page": pager["page"], "pages": pager["pages"],
                    "per_year": dict(per_year(rows)), "decisions": page_rows})


# -- people and organisations ---------------------------------------------------------------------------------------
def _people_filter(records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str]:
    q = request.args.get("q", "").strip()[:100]
    if not q:
        return records, q
    ql = q.lower()
    return [r for r in records if ql in r["name"].lower() or any(ql in a.lower() for a in r.get("aliases", []))], q


@bp.route("/people")
def people_page() -> str:
    reg = registers()
    rows, q = _people_filter(list(reg.person_by_slug.values()))
    page_rows, pager = _paginate(rows, LIST_PAGE)
    return render_template("people.html", people=page_rows, pager=pager, q=q,
                           permalink=url_for("mb.people_page", **_query_args()),
                           json_url=url_for("mb.api_people", **_query_args()))


@bp.route("/api/people")
def api_people() -> Any:
    rows, q = _people_filter(list(registers().person_by_slug.values()))
    page_rows, pager = _paginate(rows, LIST_PAGE)
    return jsonify({"q": q, "total": pager["total"], "page": pager["page"], "pages": pager["pages"],
                    "people": [{**p, "url": url_for("mb.person_page", slug=p["slug"])} for p in page_rows]})


def _person(slug: str) -> dict[str, Any]:
    reg = registers()
    p = reg.person_by_slug.get(slug)
    if p is None:
        abort(404)
    name = p["name"]
    mentions = [{**m, "label": reg.labels.get(m["item"])} for m in reg.person_mentions.get(name, [])]
    actions = [reg.action_by_key[k] for k in reg.person_actions.get(name, []) if k in reg.action_by_key]
    return {"person": p, "mentions": mentions, "attended": reg.person_attended.get(name, []),
            "roles": reg.person_roles.get(name, []), "actions": actions}


@bp.route("/person/<slug>")
def person_page(slug: str) -> str:
    ctx = _person(slug)
    mentions, pager = _paginate(ctx["mentions"], MENTION_PAGE)
    attended, apager = _paginate(ctx["attended"], LIST_PAGE, "apage")
    chart = [{"label": y, "value": n} for y, n in per_year(ctx["mentions"])]
    return render_template("person.html", **{**ctx, "mentions": mentions, "attended": attended}, pager=pager,
                           apager=apager, chart=chart, total_attended=len(ctx["attended"]),
                           permalink=url_for("mb.person_page", slug=slug), json_url=url_for("mb.api_person", slug=slug),
                           feed_url=url_for("mb.feed_person", slug=slug))


@bp.route("/api/person/<slug>")
def api_person(slug: str) -> Any:
    ctx = _person(slug)
    mentions, pager = _paginate(ctx["mentions"], MENTION_PAGE)
    return jsonify({**ctx["person"], "url": url_for("mb.person_page", slug=slug, _external=True),
                    "roles_over_time": ctx["roles"], "attended": ctx["attended"],
                    "actions": [{**a, "key": action_key(a)} for a in ctx["actions"]],
                    "mentions_per_year": dict(per_year(ctx["mentions"])),
                    "mentions_page": pager["page"], "mentions_pages": pager["pages"],
                    "mention_list": [{k: v for k, v in m.items() if k != "label"} for m in mentions]})


@bp.route("/organisations")
def organisations_page() -> str:
    rows, q = _people_filter(list(registers().org_by_slug.values()))
    page_rows, pager = _paginate(rows, LIST_PAGE)
    return render_template("organisations.html", orgs=page_rows, pager=pager, q=q,
                           permalink=url_for("mb.organisations_page", **_query_args()),
                           json_url=url_for("mb.api_organisations", **_query_args()))


@bp.route("/api/organisations")
def api_organisations() -> Any:
    rows, q = _people_filter(list(registers().org_by_slug.values()))
    page_rows, pager = _paginate(rows, LIST_PAGE)
    return jsonify({"q": q, "total": pager["total"], "page": pager["page"], "pages": pager["pages"],
                    "organisations": [{**o, "url": url_for("mb.organisation_page", slug=o["slug"])}
                                      for o in page_rows]})


def _organisation(slug: str) -> dict[str, Any]:
    reg = registers()
    o = reg.org_by_slug.get(slug)
    if o is None:
        abort(404)
    mentions = [{**m, "label": reg.labels.get(m["item"])} for m in reg.org_mentions.get(o["name"], [])]
    return {"org": o, "mentions": mentions}


@bp.route("/organisation/<slug>")
def organisation_page(slug: str) -> str:
    ctx = _organisation(slug)
    mentions, pager = _paginate(ctx["mentions"], MENTION_PAGE)
    chart = [{"label": y, "value": n} for y, n in per_year(ctx["mentions"])]
    bodies = sorted(_count(m["body"] for m in ctx["mentions"] if m["body"]).items(), key=lambda kv: -kv[1])
    return render_template("organisation.html", org=ctx["org"], mentions=mentions, pager=pager, chart=chart,
                           bodies=bodies, permalink=url_for("mb.organisation_page", slug=slug),
                           json_url=url_for("mb.api_organisation", slug=slug))


@bp.route("/api/organisation/<slug>")
def api_organisation(slug: str) -> Any:
    ctx = _organisation(slug)
    mentions, pager = _paginate(ctx["mentions"], MENTION_PAGE)
    return jsonify({**ctx["org"], "url": url_for("mb.organisation_page", slug=slug, _external=True),
                    "mentions_per_year": dict(per_year(ctx["mentions"])),
                    "mentions_page": pager["page"], "mentions_pages": pager["pages"],
                    "mention_list": [{k: v for k, v in m.items() if k != "label"} for m in mentions]})


# -- Atom feeds -----------------------------------------------------------------------------------------------------
def _stamp(day: str | None) -> str:
    """An Atom timestamp for a meeting date (papers carry a day, not a time)."""
    return f"{day}T00:00:00Z" if day and re.match(r"^\d{4}-\d{2}-\d{2}$", day) else "1970-01-01T00:00:00Z"


def _feed(title: str, self_url: str, alt_url: str, entries: list[dict[str, Any]]) -> Response:
    for e in entries:
        e["updated"] = _stamp(e.get("date"))
        # text from PDFs can carry control characters that XML 1.0 forbids
        e["title"], e["summary"] = (XML_FORBIDDEN_RE.sub(" ", e[k] or "") for k in ("title", "summary"))
    title = XML_FORBIDDEN_RE.sub(" ", title)
    updated = max((e["updated"] for e in entries), default=_stamp(None))
    xml = render_template("feed.xml", title=title, self_url=self_url, alt_url=alt_url, updated=updated,
                          entries=entries)
    return Response(xml, mimetype="application/atom+xml")


def _label_title(label: dict[str, Any] | None) -> str:
    if not label:
        return "item"
    return " ".join(x for x in (label.get("number"), label.get("title")) if x) or "item"


@bp.route("/feeds/search.atom")
def feed_search() -> Response:
    args = _search_args()
    args["sort"], args["page"] = "date", 1
    try:
        result = _run_search(args, facets=False, limit=FEED_ENTRIES)
    except QueryError as exc:
        abort(400, str(exc))
    hits = result.hits if result else []
    entries = [{"title": f"{h.meeting_date or 'undated'} · {h.body or ''} · {h.item_number} {h.title}".strip(),
                "url": url_for("mb.item_page", iid=h.item_id, _external=True), "date": h.meeting_date,
                "summary": re.sub(r"<[^>]+>", "", h.snippet)} for h in hits]
    return _feed(f"Minutebook search: {args['q'] or 'everything'}", request.url,
                 _search_url("mb.search_page", args), entries)


@bp.route("/feeds/action/<path:key>.atom")
def feed_action(key: str) -> Response:
    a = _find_action(key)
    entries = [{"title": f"{s.get('meeting_date') or 'undated'}: {a['id']} {s['status']}",
                "id": url_for("mb.action_page", key=key, _external=True) + f"#step-{n}",
                "url": url_for("mb.item_page", iid=s["item"], _external=True) if s.get("item")
                else url_for("mb.action_page", key=key, _external=True) + f"#step-{n}",
                "date": s.get("meeting_date"), "summary": s.get("update") or a["description"]}
               for n, s in enumerate(a["history"], 1)]
    entries.reverse()
    return _feed(f"Action {a['id']} ({a.get('body') or 'unknown body'})", request.url,
                 url_for("mb.action_page", key=key, _external=True), entries)


@bp.route("/feeds/person/<slug>.atom")
def feed_person(slug: str) -> Response:
    ctx = _person(slug)
    by_item: dict[str, list[dict[str, Any]]] = {}
    for m in ctx["mentions"]:
        if m["item"] in by_item or len(by_item) < FEED_ENTRIES:
            by_item.setdefault(m["item"], []).append(m)
    # one entry per item (an Atom id is unique), listing the words that named the person there
    entries = [{"title": f"{ms[0]['date'] or 'undated'} · {ms[0]['body'] or ''} · {_label_title(ms[0]['label'])}",
                "url": url_for("mb.item_page", iid=iid, _external=True), "date": ms[0]["date"],
                "summary": "; ".join(f"“{m['text']}”, page {m['page']}" for m in ms[:5])}
               for iid, ms in by_item.items()]
    return _feed(f"{ctx['person']['name']} in the council papers", request.url,
                 url_for("mb.person_page", slug=slug, _external=True), entries)


@bp.route("/feeds/decisions.atom")
def feed_decisions() -> Response:
    rows, f = _decision_filter()
    entries = [{"title": f"{r['date'] or 'undated'} · {r['body'] or ''} · {r['outcome']}: {r['number']} {r['title']}",
                "url": url_for("mb.item_page", iid=r["item"], _external=True), "date": r["date"],
                "id": url_for("mb.item_page", iid=r["item"], _external=True) + f"#decision-{r['start']}",
                "summary": r["text"]} for r in rows[:FEED_ENTRIES]]
    return _feed("New decisions", request.url,
                 url_for("mb.decisions_page", _external=True, **{k: v for k, v in f.items() if v}), entries)


# -- CSV exports ----------------------------------------------------------------------------------------------------
def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (text from papers is untrusted)."""
    s = "" if value is None else str(value)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def _csv(name: str, header: list[str], rows: list[list[Any]]) -> Response:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows([[_cell(v) for v in row] for row in rows])
    return Response(buf.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/export/search.csv")
def export_search() -> Response:
    args = _search_args()
    args["page"] = 1
    limit = _int_arg("limit", CSV_MAX_ROWS, 1, CSV_MAX_ROWS)
    try:
        result = _run_search(args, facets=False, limit=limit)
    except QueryError as exc:
        abort(400, str(exc))
    hits = result.hits if result else []
    return _csv("search.csv", ["item_id", "url", "meeting_date", "body", "kind", "number", "title", "page", "score",
                               "snippet"],
                [[h.item_id, url_for("mb.item_page", iid=h.item_id, _external=True), h.meeting_date, h.body, h.kind,
                  h.item_number, h.title, h.page_start, h.score, re.sub(r"<[^>]+>", "", h.snippet)] for h in hits])


@bp.route("/export/actions.csv")
def export_actions() -> Response:
    rows, _, _ = _action_filter()
    return _csv("actions.csv", ["key", "id", "body", "description", "owner", "status", "raised", "closed",
                                "not_mentioned_after", "open_days", "steps", "url"],
                [[action_key(a), a["id"], a.get("body"), a["description"], a.get("owner"), a["status"],
                  a.get("first_meeting"), a.get("closed_at"), a.get("disappeared_after"),
                  action_timeline(a)["days"], len(a["history"]),
                  url_for("mb.action_page", key=action_key(a), _external=True)] for a in rows])
