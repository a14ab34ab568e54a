"""The whoosh index behind search_app.index, on hand-built items."""

from __future__ import annotations

from pathlib import Path

import pytest

from search_app.index import IndexedItem, QueryError, SearchIndex, _rewrite_query, expand_synonyms


def _item(n: int, text: str, **kw: object) -> IndexedItem:
    base = dict(item_id=f"doc{n}.0", document_id=f"doc{n}", meeting_id="", path=f"/papers/{n}.pdf",
                number=str(n), title=text.split(".")[0], text=text, kind="minutes", body="Ashcombe Parish Council",
                meeting_date=f"20{10 + n}-03-01", page_start=n)
    base.update(kw)
    return IndexedItem(**base)  # type: ignore[arg-type]


@pytest.fixture()
def index(tmp_path: Path) -> SearchIndex:
    ix = SearchIndex(tmp_path)
    ix.rebuild([
        _item(1, "Car park barrier. The barrier for the car park was broken again."),
        _item(2, "Knife crime. Serious violence among young people and knife crime.", kind="report"),
        _item(3, "Speed limit. A 20mph limit <script>alert(1)</script> was resolved.", outcomes=("resolved",),
              people=("Alan Smith",), action_ids=("Feb23.03",)),
        _item(4, "Village hall roof. Quotes for the village hall roof.", kind="agenda"),
    ], generation=7)
    return ix


def test_phrase_search_finds_the_item_with_a_highlighted_snippet(index: SearchIndex) -> None:
    res = index.search('"knife crime"')
    assert [h.item_id for h in res.hits] == ["doc2.0"]
    assert "<mark>knife</mark>" in res.hits[0].snippet.lower()


def test_words_are_stemmed(index: SearchIndex) -> None:
    assert index.search("barriers").hits[0].item_id == "doc1.0"


def test_snippets_escape_document_text(index: SearchIndex) -> None:
    snippet = index.search("limit").hits[0].snippet
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet


@pytest.mark.parametrize("query, expected", [
    pytest.param("date:2013", ["doc3.0"], id="year"),
    pytest.param("date:2012..2013", ["doc2.0", "doc3.0"], id="range"),
    pytest.param("kind:agenda", ["doc4.0"], id="kind"),
    pytest.param("action:Feb23.03", ["doc3.0"], id="action-id-any-case"),
    pytest.param('person:"Alan Smith"', ["doc3.0"], id="person"),
    pytest.param("barrier NOT broken", [], id="not"),
    pytest.param("car OR roof NOT hall", ["doc1.0"], id="or-not"),
    pytest.param("vill*", ["doc4.0"], id="prefix"),
])
def test_query_language(index: SearchIndex, query: str, expected: list[str]) -> None:
    assert sorted(h.item_id for h in index.search(query).hits) == expected


def test_facets_count_every_match(index: SearchIndex) -> None:
    res = index.search("", facets=True)
    kinds = dict(res.facets["kind"])
    assert kinds == {"minutes": 2, "report": 1, "agenda": 1} and res.total == 4


def test_update_replaces_a_documents_items(index: SearchIndex) -> None:
    index.update(["doc1"], [_item(1, "Car park resurfacing. New tarmac for the car park.")], generation=8)
    assert index.search("barrier").total == 0
    assert index.search("tarmac").hits[0].item_id == "doc1.0"
    assert index.generation() == 8


def test_oversized_query_is_rejected(index: SearchIndex) -> None:
    with pytest.raises(QueryError):
        index.search("x" * 501)


def test_date_rewrites() -> None:
    assert _rewrite_query("date:2019..2021") == "date:[20190101 TO 20211231]"
    assert _rewrite_query("date:2020-02..") == "date:[20200201 TO 99991231]"
    assert _rewrite_query("org:OPCC") == "org:opcc"


def test_synonyms_find_other_forms(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path)
    ix.rebuild([_item(1, "Anti-social behaviour. Reports of anti-social behaviour near the shops."),
                _item(2, "Speed limit. The 20mph speed limit consultation.")], generation=1)
    assert [h.item_id for h in ix.search("ASB").hits] == ["doc1.0"]
    assert [h.item_id for h in ix.search("antisocial").hits] == ["doc1.0"]
    assert ix.search("20mph").hits[0].item_id == "doc2.0"


def test_user_synonyms_extend_the_list(tmp_path: Path) -> None:
    (tmp_path / "synonyms.txt").write_text("bus shelter, shelter\nvh, village hall\n")
    ix = SearchIndex(tmp_path)
    ix.rebuild([_item(4, "Village hall roof. Quotes for the village hall roof.")], generation=1)
    assert ix.search("VH").total == 1


def test_expand_synonyms_leaves_phrases_and_fields_alone() -> None:
    syn = {"asb": ["asb", "anti-social behaviour"], "anti-social behaviour": ["asb", "anti-social behaviour"]}
    assert expand_synonyms('"asb" kind:asb', syn) == '"asb" kind:asb'
    assert expand_synonyms("asb report", syn) == '(asb OR "anti-social behaviour") report'
