"""Every page, API route, feed and export of the web app over the seeded store (Flask test client).

Each page is checked for status, content type, the content a reader comes for, escaping of
untrusted text and queries, and size (no page over 200 KB).
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from search_app.index import Hit
from search_app.views import _cell, _text_parts, highlight, query_patterns

ATOM = "{http://www.w3.org/2005/Atom}"
MAX_PAGE_BYTES = 200_000
SCRIPT = '<script>alert("x")</script>'


@pytest.fixture(scope="module")
def export(seeded: tuple[Path, dict[str, Any]]) -> dict[str, Any]:
    return seeded[1]


def _html(client: FlaskClient, url: str, **query: Any) -> str:
    res = client.get(url, query_string=query or None)
    assert res.status_code == 200, (url, res.status_code)
    assert res.mimetype == "text/html"
    assert len(res.data) < MAX_PAGE_BYTES, (url, len(res.data))
    return res.get_data(as_text=True)


def _minutes_item(export: dict[str, Any], word: str) -> tuple[dict[str, Any], dict[str, Any]]:
    doc = next(d for d in export["documents"] if d["kind"] == "minutes" and d["meeting_date"] == "2024-03-21"
               and any(word in i["title"].lower() for i in d["items"]))
    return doc, next(i for i in doc["items"] if word in i["title"].lower())


# -- every page answers, small and escaped ----------------------------------------------------------------------
PAGES = ["/", "/?q=barrier", "/?q=barrier&from=2024&to=2024", "/?q=barrier&sort=date&page=2", "/meetings",
         "/meetings?page=99", "/actions", "/actions?status=open", "/decisions", "/decisions?year=2024&outcome=approved",
         "/people", "/people?q=fair", "/organisations", "/organisations?q=agency", "/person/alan-fairbairn",
         "/organisation/environment-agency", "/action/ashcombe-parish-council/Jan24.01"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_answers_small_html_with_permalink(client: FlaskClient, url: str) -> None:
    html = _html(client, url)
    assert "<script" not in html.lower()
    assert 'name="viewport"' in html and '<main id="main"' in html
    if url != "/":
        assert 'rel="canonical"' in html or url.startswith("/?")


def test_every_item_document_and_meeting_page_is_under_200kb(client: FlaskClient, export: dict[str, Any]) -> None:
    urls = [f"/document/{d['id']}" for d in export["documents"]]
    urls += [f"/item/{i['id']}" for d in export["documents"] for i in d["items"]]
    urls += [f"/meeting/{m['id']}" for m in export["meetings"]]
    for url in urls:
        _html(client, url)


# -- search ----------------------------------------------------------------------
def test_search_page_has_date_filter_and_it_narrows(client: FlaskClient) -> None:
    every = client.get("/api/search", query_string={"q": "barrier"}).get_json()
    recent = client.get("/api/search", query_string={"q": "barrier", "from": "2024", "to": "2024"}).get_json()
    assert every["total"] > 0 and recent["total"] > 0
    assert all(h["meeting_date"].startswith("2024") for h in recent["hits"])
    old = client.get("/api/search", query_string={"q": "barrier", "to": "2019"}).get_json()
    assert old["total"] == 0
    html = _html(client, "/", q="barrier", **{"from": "2024", "to": "2024"})
    assert 'id="from"' in html and 'value="2024"' in html and "2024 to 2024" in html


def test_search_page_ignores_a_malformed_year(client: FlaskClient) -> None:
    html = _html(client, "/", q="barrier", **{"from": "20x4", "to": SCRIPT})
    assert "found" in html and SCRIPT not in html


def test_search_page_links_feed_csv_json_and_permalink(client: FlaskClient) -> None:
    html = _html(client, "/", q="barrier", kind="minutes")
    for path in ("/feeds/search.atom?", "/export/search.csv?", "/api/search?", 'rel="bookmark"'):
        assert path in html
    assert "kind=minutes" in html


def test_did_you_mean_and_new_facets_render_when_the_engine_offers_them(
        client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    hit = Hit(document_id="d", path="p", item_id="d.0", item_number="1", title="Barrier", kind="minutes",
              body="Ashcombe", meeting_date="2024-01-18", page_start=2, score=1.0, snippet="a <mark>barrier</mark>")
    fake = SimpleNamespace(query="barier", total=1, hits=[hit], suggestion="barrier", facets={
        "kind": [("minutes", 1)], "person": [("alan fairbairn", 1)], "org": [("environment agency", 1)],
        "has_action": [("yes", 1)]})
    monkeypatch.setattr(app.extensions["minutebook"].index, "search", lambda *a, **k: fake)
    html = _html(client, "/", q="barier")
    assert 'Did you mean <a href="/?q=barrier' in html
    assert ">Person<" in html and ">Organisation<" in html and "with action points" in html
    assert "person=alan+fairbairn" in html
    assert client.get("/api/search", query_string={"q": "barier"}).get_json()["suggestion"] == "barrier"


def test_search_queries_are_escaped_everywhere(client: FlaskClient) -> None:
    html = _html(client, "/", q=SCRIPT)
    assert SCRIPT not in html and "&lt;script&gt;" in html
    feed = client.get("/feeds/search.atom", query_string={"q": SCRIPT})
    assert feed.status_code == 200 and b"<script>" not in feed.data


# -- items ----------------------------------------------------------------------
def test_item_page_highlights_query_terms_in_the_text(client: FlaskClient, export: dict[str, Any]) -> None:
    _, item = _minutes_item(export, "barrier")
    html = _html(client, f"/item/{item['id']}", q="barriers")
    text = html.split('id="item-text"', 1)[1].split("</div>", 1)[0]
    assert re.search(r"<mark>barrier\w*</mark>", text, re.I)


def test_item_page_has_pdf_link_provenance_and_decisions(client: FlaskClient, app: Flask,
                                                          export: dict[str, Any]) -> None:
    doc, item = _minutes_item(export, "barrier")
    html = _html(client, f"/item/{item['id']}")
    assert f"Open PDF at page {item['page_start']}" in html
    assert f"/file/{doc['id']}#page={item['page_start']}" in html
    assert "Found in this item" in html and "The words" in html and "Found by" in html
    # an item with a person, an organisation and a decision: each shown with its words, page and rule
    stored = [(d, i, it) for d in app.extensions["minutebook"].store.documents() for i, it in enumerate(d.items)
              if it.people and it.organisations and it.decisions]
    d, i, it = stored[0]
    html = _html(client, f"/item/{d.id}.{i}")
    for m in (it.people[0], it.organisations[0]):
        assert f"<mark>{highlight(it.text[m.start:m.end], [])}</mark>" in html
        assert f"<code>{m.rule}</code>" in html and f"#page={m.page}" in html
    dec = it.decisions[0]
    assert f"page {dec.page} · found by <code>{dec.rule}</code>" in html


def test_item_page_links_people_and_organisations_to_their_pages(client: FlaskClient,
                                                                 export: dict[str, Any]) -> None:
    items = [i for d in export["documents"] for i in d["items"] if i["people"] and i["organisations"]]
    html = _html(client, f"/item/{items[0]['id']}")
    assert 'href="/person/' in html and 'href="/organisation/' in html


def test_preamble_item_shows_the_text_before_the_first_item(client: FlaskClient, app: Flask) -> None:
    doc = next(d for d in app.extensions["minutebook"].store.documents() if d.preamble.strip() and d.items)
    html = _html(client, f"/item/{doc.id}.-1")
    assert "opening text" in html
    first_line = next(line for line in doc.preamble.splitlines() if line.strip()).strip()
    assert str(highlight(first_line, [])) in html
    assert f'href="/item/{doc.id}.0"' in html  # next item
    api = client.get(f"/api/item/{doc.id}.-1").get_json()
    assert api["item"]["text"] == doc.preamble and api["item"]["number"] == ""
    assert f"/item/{doc.id}.-1" in _html(client, f"/document/{doc.id}")


@pytest.mark.parametrize("iid", ["nope.0", "nope.-1", "x.-2", "x.y", ".0"])
def test_unknown_items_are_404(client: FlaskClient, iid: str) -> None:
    assert client.get(f"/item/{iid}").status_code == 404


def test_more_like_this_appears_when_the_engine_offers_it(client: FlaskClient, app: Flask, export: dict[str, Any],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _, item = _minutes_item(export, "barrier")
    other = next(i for d in export["documents"] for i in d["items"] if i["id"] != item["id"])
    hit = Hit(document_id="d", path="p", item_id=other["id"], item_number=other["number"], title=other["title"],
              kind="agenda", body="Ashcombe", meeting_date="2024-01-18", page_start=1, score=1.0, snippet="")
    monkeypatch.setattr(app.extensions["minutebook"].index, "more_like", lambda iid, limit=5: [hit], raising=False)
    html = _html(client, f"/item/{item['id']}")
    assert "more like this" in html and f"/item/{other['id']}" in html
    assert client.get(f"/api/item/{item['id']}").get_json()["related"][0]["item_id"] == other["id"]


def test_more_like_this_failure_never_breaks_the_item_page(client: FlaskClient, app: Flask, export: dict[str, Any],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(iid: str, limit: int = 5) -> list[Hit]:
        raise RuntimeError("index gone")

    monkeypatch.setattr(app.extensions["minutebook"].index, "more_like", broken, raising=False)
    _, item = _minutes_item(export, "barrier")
    _html(client, f"/item/{item['id']}")


@pytest.mark.parametrize(("text", "query", "marked"), [
    pytest.param("Car park barriers were fixed", "barrier", ["barriers"], id="word-form"),
    pytest.param("the knife crime plan", '"knife crime"', ["knife crime"], id="phrase"),
    pytest.param("speeding on the road", "speed*", ["speeding"], id="prefix"),
    pytest.param("Barrier and barrier", "body:barrier kind:minutes", [], id="field-filters-ignored"),
    pytest.param("to be or not", "to AND be", [], id="operators-and-stopwords-ignored"),
])
def test_query_highlighting(text: str, query: str, marked: list[str]) -> None:
    html = str(highlight(text, query_patterns(query)))
    assert re.findall(r"<mark>(.*?)</mark>", html) == marked


def test_highlighting_escapes_document_text() -> None:
    html = str(highlight(f"{SCRIPT} barrier <b>", query_patterns("barrier")))
    assert "<script>" not in html and "&lt;script&gt;" in html and "<mark>barrier</mark>" in html


def test_highlighting_uses_synonyms() -> None:
    html = str(highlight("Anti-social behaviour rose", query_patterns("ASB", {"asb": ["asb", "anti-social"]})))
    assert "<mark>Anti-social</mark>" in html


def test_long_item_text_is_cut_into_parts_at_line_breaks() -> None:
    text = "".join(f"line {n} of a very long minute\n" for n in range(5000))
    parts = _text_parts(text)
    assert len(parts) > 3 and parts[0][0] == 0 and parts[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(parts, parts[1:], strict=False))
    assert all(text[end - 1] == "\n" for _, end in parts)


# -- documents, meetings ----------------------------------------------------------------------
def test_document_page_and_api(client: FlaskClient, export: dict[str, Any]) -> None:
    doc = next(d for d in export["documents"] if d["kind"] == "minutes")
    html = _html(client, f"/document/{doc['id']}")
    assert doc["items"][0]["title"] in html and f"/file/{doc['id']}#page=" in html
    res = client.get(f"/api/document/{doc['id']}")
    assert res.mimetype == "application/json"
    body = res.get_json()
    assert body["id"] == doc["id"] and body["kind"] == "minutes" and "path" not in body
    assert [i["id"] for i in body["items"]] == [i["id"] for i in doc["items"]]
    assert client.get("/api/document/nope").status_code == 404


def test_meeting_page_shows_papers_items_and_attendance_linked_to_people(client: FlaskClient,
                                                                        export: dict[str, Any]) -> None:
    meeting = next(m for m in export["meetings"] if m["date"] == "2024-01-18")
    html = _html(client, f"/meeting/{meeting['id']}")
    assert "Attendance" in html and "Present" in html and "Apologies" in html
    assert '<a href="/person/alan-fairbairn">Alan Fairbairn</a>' in html
    assert "Action points at this meeting" in html and "Jan24.01" in html
    api = client.get(f"/api/meeting/{meeting['id']}").get_json()
    assert {p["kind"] for p in api["papers"]} >= {"agenda", "minutes"}
    assert any(p["attendance"] for p in api["papers"]) and api["actions"]


def test_meetings_list_filters_by_body(client: FlaskClient) -> None:
    html = _html(client, "/meetings", body="Ashcombe Parish Council")
    assert "2024-01-18" in html and "2020-02-11" not in html


# -- actions ----------------------------------------------------------------------
def test_action_page_shows_timeline_open_time_owner_and_sources(client: FlaskClient) -> None:
    html = _html(client, "/action/ashcombe-parish-council/Jan24.02")
    assert "<svg" in html and 'class="timeline"' in html
    assert re.search(r"open for \d+ days?", html)
    assert '<a href="/person/alan-fairbairn">Alan Fairbairn</a>' in html
    assert html.count("source, page") >= 2 and "#page=" in html
    assert "built-in method" not in html  # a step's update text, not dict.update


def test_open_action_says_how_long_it_has_been_open(client: FlaskClient) -> None:
    html = _html(client, "/action/ashcombe-parish-council/Jan24.03")
    assert "open at its last mention" in html and "Priya Raman" in html


def test_duplicate_action_ids_in_one_body_each_get_a_page(client: FlaskClient) -> None:
    keys = [a["key"] for a in client.get("/api/actions").get_json()["actions"]]
    assert len(keys) == len(set(keys))
    for key in keys:
        assert client.get(f"/action/{key}").status_code == 200
        assert client.get(f"/api/action/{key}").get_json()["key"] == key


def test_action_register_filters_and_api(client: FlaskClient) -> None:
    html = _html(client, "/actions", status="open")
    assert "Jan24.03" in html and "Jan24.01" not in html
    body = client.get("/api/actions", query_string={"status": "closed"}).get_json()
    assert body["total"] == len(body["actions"]) > 0 and {a["status"] for a in body["actions"]} == {"closed"}
    one = client.get("/api/action/ashcombe-parish-council/Jan24.01").get_json()
    assert one["status"] == "closed" and one["open_days"] > 0 and one["history"]


# -- decisions ----------------------------------------------------------------------
def test_decision_register_filters_by_body_year_and_outcome(client: FlaskClient) -> None:
    everything = client.get("/api/decisions").get_json()
    assert everything["total"] > 0 and set(everything["per_year"]) >= {"2020", "2024"}
    body = client.get("/api/decisions", query_string={"body": "Ashcombe Parish Council"}).get_json()
    assert 0 < body["total"] < everything["total"]
    assert {d["body"] for d in body["decisions"]} == {"Ashcombe Parish Council"}
    year = client.get("/api/decisions", query_string={"year": "2020"}).get_json()
    assert year["total"] > 0 and {d["year"] for d in year["decisions"]} == {"2020"}
    outcome = client.get("/api/decisions", query_string={"outcome": "approved"}).get_json()
    assert outcome["total"] > 0 and {d["outcome"] for d in outcome["decisions"]} == {"approved"}


def test_decision_register_page_has_a_per_year_chart_linking_to_each_year(client: FlaskClient) -> None:
    html = _html(client, "/decisions")
    assert '<svg viewBox' in html and "Decisions per year" in html
    assert 'href="/decisions?year=2024"' in html and 'href="/decisions?year=2020"' in html
    assert html.count("<rect") >= 5  # a bar per year from 2020 to 2024, gaps as zero
    filtered = _html(client, "/decisions", year="2020")
    assert 'class="sel"' in filtered and "2024-" not in filtered.split("<tbody>", 1)[1]


# -- people and organisations ----------------------------------------------------------------------
def test_people_list_and_api(client: FlaskClient) -> None:
    html = _html(client, "/people")
    assert '<a href="/person/alan-fairbairn">Alan Fairbairn</a>' in html
    found = client.get("/api/people", query_string={"q": "fairbairn"}).get_json()
    assert [p["name"] for p in found["people"]] == ["Alan Fairbairn"] and found["people"][0]["url"]


def test_person_page_shows_roles_meetings_mentions_and_actions(client: FlaskClient) -> None:
    html = _html(client, "/person/alan-fairbairn")
    assert "<h1>Alan Fairbairn</h1>" in html
    roles = html.split("Roles over time", 1)[1].split("</table>", 1)[0]
    assert "Chair" in roles and "2024-01-18" in roles and "2024-05-16" in roles
    assert "Meetings attended" in html and "/meeting/2024-03-21-ashcombe-parish-council" in html
    assert "Actions owned" in html and "Jan24.02" in html
    assert "Mentions" in html and "/item/" in html and "<svg" in html
    api = client.get("/api/person/alan-fairbairn").get_json()
    assert api["name"] == "Alan Fairbairn" and api["roles_over_time"] and len(api["attended"]) == 3
    assert [a["id"] for a in api["actions"]] == ["Jan24.02"] and api["mention_list"]
    assert client.get("/person/nobody-here").status_code == 404


def test_organisation_pages_and_api(client: FlaskClient) -> None:
    assert '<a href="/organisation/environment-agency">Environment Agency</a>' in _html(client, "/organisations")
    html = _html(client, "/organisation/environment-agency")
    assert "<h1>Environment Agency</h1>" in html and "<svg" in html and "/item/" in html
    api = client.get("/api/organisation/environment-agency").get_json()
    assert api["mentions_per_year"] and api["mention_list"]
    assert client.get("/api/organisations").get_json()["total"] > 10
    assert client.get("/organisation/nothing").status_code == 404


# -- feeds ----------------------------------------------------------------------
def _atom(client: FlaskClient, url: str, **query: Any) -> ET.Element:
    res = client.get(url, query_string=query)
    assert res.status_code == 200, url
    assert res.mimetype == "application/atom+xml"
    root = ET.fromstring(res.data)
    assert root.tag == f"{ATOM}feed" and root.find(f"{ATOM}updated") is not None
    ids = [e.findtext(f"{ATOM}id") for e in root.iter(f"{ATOM}entry")]
    assert len(ids) == len(set(ids)), "Atom entry ids must be unique"
    return root


@pytest.mark.parametrize(("url", "query", "expect"), [
    ("/feeds/search.atom", {"q": "barrier"}, "arrier"),
    ("/feeds/action/ashcombe-parish-council/Jan24.01.atom", {}, "Jan24.01"),
    ("/feeds/person/alan-fairbairn.atom", {}, "Fairbairn"),
    ("/feeds/decisions.atom", {}, "Ashcombe"),
    ("/feeds/decisions.atom", {"body": "Cambridge Community Safety Partnership"}, "Cambridge"),
])
def test_atom_feeds(client: FlaskClient, url: str, query: dict[str, str], expect: str) -> None:
    root = _atom(client, url, **query)
    entries = list(root.iter(f"{ATOM}entry"))
    assert entries and expect in ET.tostring(root, encoding="unicode")
    for e in entries:
        assert e.find(f"{ATOM}link").get("href", "").startswith("http")  # type: ignore[union-attr]
        assert re.match(r"\d{4}-\d{2}-\d{2}T", e.findtext(f"{ATOM}updated") or "")


def test_action_feed_lists_each_step_newest_first(client: FlaskClient) -> None:
    root = _atom(client, "/feeds/action/ashcombe-parish-council/Jan24.01.atom")
    titles = [e.findtext(f"{ATOM}title") or "" for e in root.iter(f"{ATOM}entry")]
    assert titles[0].startswith("2024-05-16") and "closed" in titles[0] and titles[-1].startswith("2024-01-18")


@pytest.mark.parametrize("url", ["/feeds/action/x/y.atom", "/feeds/person/nobody.atom"])
def test_unknown_feeds_are_404(client: FlaskClient, url: str) -> None:
    assert client.get(url).status_code == 404


# -- CSV ----------------------------------------------------------------------
def _csv_rows(client: FlaskClient, url: str, **query: Any) -> list[dict[str, str]]:
    res = client.get(url, query_string=query)
    assert res.status_code == 200 and res.mimetype == "text/csv"
    assert "attachment" in res.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(res.get_data(as_text=True))))


def test_search_results_export_as_csv(client: FlaskClient) -> None:
    rows = _csv_rows(client, "/export/search.csv", q="barrier")
    api = client.get("/api/search", query_string={"q": "barrier", "limit": 100}).get_json()
    assert rows and [r["item_id"] for r in rows] == [h["item_id"] for h in api["hits"]]
    assert rows[0]["url"].startswith("http") and "<mark>" not in rows[0]["snippet"]


def test_action_register_exports_as_csv(client: FlaskClient) -> None:
    rows = _csv_rows(client, "/export/actions.csv")
    assert len(rows) == client.get("/api/actions").get_json()["total"]
    row = next(r for r in rows if r["id"] == "Jan24.01")
    assert row["status"] == "closed" and row["raised"] == "2024-01-18" and int(row["open_days"]) > 0
    open_rows = _csv_rows(client, "/export/actions.csv", status="open")
    assert open_rows and {r["status"] for r in open_rows} == {"open"}


@pytest.mark.parametrize(("value", "cell"), [
    pytest.param("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")", id="formula"),
    pytest.param("+1", "'+1", id="plus"),
    pytest.param("@SUM(A1)", "'@SUM(A1)", id="at"),
    pytest.param("Car park", "Car park", id="plain"),
    pytest.param(None, "", id="none"),
])
def test_csv_cells_never_run_as_formulas(value: str | None, cell: str) -> None:
    assert _cell(value) == cell
