"""The web app and JSON API over a real store (HTTP requests through Flask's test client)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.contract import check_search


def test_api_search_returns_the_contract_object(client: FlaskClient) -> None:
    res = client.get("/api/search", query_string={"q": "knife crime"})
    assert res.status_code == 200
    body = res.get_json()
    assert check_search(body) == [] and body["query"] == "knife crime" and body["total"] >= 2


def test_search_page_lists_items_with_highlights_and_facets(client: FlaskClient) -> None:
    html = client.get("/", query_string={"q": "car park barrier"}).get_data(as_text=True)
    assert "<mark>" in html and "Car park barrier" in html
    assert "Kind" in html and "minutes" in html


def test_facet_filter_narrows_results(client: FlaskClient) -> None:
    everything = client.get("/api/search", query_string={"q": "barrier"}).get_json()["total"]
    agendas = client.get("/api/search", query_string={"q": "barrier", "kind": "agenda"}).get_json()
    assert 0 < agendas["total"] < everything
    assert {h["kind"] for h in agendas["hits"]} == {"agenda"}


def test_item_page_shows_text_entities_and_pdf_link(client: FlaskClient, seeded: tuple[Path, dict[str, Any]]) -> None:
    export = seeded[1]
    doc = next(d for d in export["documents"] if d["kind"] == "minutes" and d["meeting_date"] == "2024-03-21")
    item = next(i for i in doc["items"] if "barrier" in i["title"].lower())
    html = client.get(f"/item/{item['id']}").get_data(as_text=True)
    assert item["title"] in html
    assert f"/file/{doc['id']}#page={item['page_start']}" in html
    with client.get(f"/file/{doc['id']}") as pdf:
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_meeting_page_lists_its_papers(client: FlaskClient, seeded: tuple[Path, dict[str, Any]]) -> None:
    meeting = next(m for m in seeded[1]["meetings"] if m["date"] == "2024-01-18")
    html = client.get(f"/meeting/{meeting['id']}").get_data(as_text=True)
    assert "Agenda" in html and "Minutes" in html and "Action_log" in html or "Action log" in html


def test_action_page_shows_history_to_closing(client: FlaskClient) -> None:
    html = client.get("/action/ashcombe-parish-council/Jan24.01").get_data(as_text=True)
    assert "2024-01-18" in html and "2024-05-16" in html and "closed" in html


def test_queries_and_text_are_escaped(client: FlaskClient) -> None:
    html = client.get("/", query_string={"q": '<script>alert("x")</script>'}).get_data(as_text=True)
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_oversized_query_is_rejected_cleanly(client: FlaskClient) -> None:
    res = client.get("/api/search", query_string={"q": "word " * 200})
    assert res.status_code == 400 and "too long" in res.get_json()["error"]


@pytest.mark.parametrize("url", ["/file/../../etc/passwd", "/file/%2e%2e%2fetc%2fpasswd", "/item/nope.0",
                                 "/meeting/none", "/action/x/y"])
def test_unknown_or_hostile_paths_are_404(client: FlaskClient, url: str) -> None:
    assert client.get(url).status_code == 404
