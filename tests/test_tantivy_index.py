"""The tantivy engine (search_app.tantivy_index) held to the default engine's behaviour.

The engine-level tests of test_index.py run here again with ``SearchIndex`` standing for
:class:`TantivySearchIndex`; tests of whoosh internals (its array engine, its on-disk schema)
have tantivy counterparts below. Then one CLI run: the bundled sample corpus ingested with
``--engine tantivy`` and searched.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("tantivy")

import test_index as base  # noqa: E402 - the default engine's tests, rerun below

from search_app.tantivy_index import (  # noqa: E402
    INDEX_DIRNAME,
    SCHEMA_FILE,
    TantivySearchIndex,
    _edit_distance,
    schema_fingerprint,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _tantivy_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    # the reused tests build their indexes as test_index.SearchIndex(...)
    monkeypatch.setattr(base, "SearchIndex", TantivySearchIndex)


@pytest.fixture()
def index(tmp_path: Path) -> TantivySearchIndex:
    ix = TantivySearchIndex(tmp_path)
    ix.rebuild([
        base._item(1, "Car park barrier. The barrier for the car park was broken again."),
        base._item(2, "Knife crime. Serious violence among young people and knife crime.", kind="report"),
        base._item(3, "Speed limit. A 20mph limit <script>alert(1)</script> was resolved.", outcomes=("resolved",),
                   people=("Alan Smith",), action_ids=("Feb23.03",)),
        base._item(4, "Village hall roof. Quotes for the village hall roof.", kind="agenda"),
    ], generation=7)
    return ix


# -- the default engine's behaviour, on this engine ---------------------------------------------
test_phrase_search_finds_the_item_with_a_highlighted_snippet = \
    base.test_phrase_search_finds_the_item_with_a_highlighted_snippet
test_words_are_stemmed = base.test_words_are_stemmed
test_snippets_escape_document_text = base.test_snippets_escape_document_text
test_query_language = base.test_query_language
test_facets_count_every_match = base.test_facets_count_every_match
test_update_replaces_a_documents_items = base.test_update_replaces_a_documents_items
test_oversized_query_is_rejected = base.test_oversized_query_is_rejected
test_synonyms_find_other_forms = base.test_synonyms_find_other_forms
test_user_synonyms_extend_the_list = base.test_user_synonyms_extend_the_list
test_a_natural_question_finds_the_item = base.test_a_natural_question_finds_the_item
test_words_and_a_typed_filter_are_anded = base.test_words_and_a_typed_filter_are_anded
test_facets_have_every_name_and_filters_take_the_same_names = \
    base.test_facets_have_every_name_and_filters_take_the_same_names
test_did_you_mean_corrects_a_word_no_item_has = base.test_did_you_mean_corrects_a_word_no_item_has
test_more_like_finds_related_items_in_other_documents = base.test_more_like_finds_related_items_in_other_documents
test_paragraph_hits_fold_into_their_item_and_reprints_into_one = \
    base.test_paragraph_hits_fold_into_their_item_and_reprints_into_one
test_minutes_rank_above_an_agenda_on_the_same_words = base.test_minutes_rank_above_an_agenda_on_the_same_words
test_equal_scores_go_to_the_newer_meeting = base.test_equal_scores_go_to_the_newer_meeting
test_a_reused_searcher_sees_a_rebuild = base.test_a_reused_searcher_sees_a_rebuild
test_date_ranges_and_phrases_rank_and_sort = base.test_date_ranges_and_phrases_rank_and_sort
test_answers_are_cached_per_generation_and_handed_out_as_copies = \
    base.test_answers_are_cached_per_generation_and_handed_out_as_copies
test_a_few_words_together_in_a_long_item_outrank_the_same_words_spread_thin = \
    base.test_a_few_words_together_in_a_long_item_outrank_the_same_words_spread_thin


# -- the fuzzer's query-language properties, on this engine (hypothesis is a dev dependency) --------
try:
    import test_fuzz as fuzz
except ImportError:  # without hypothesis the fuzz tests are simply not collected
    fuzz = None

if fuzz is not None:
    @pytest.fixture(scope="module")
    def small_index(tmp_path_factory: pytest.TempPathFactory) -> TantivySearchIndex:
        ix = TantivySearchIndex(Path(tmp_path_factory.mktemp("fuzzindex")))
        ix.rebuild([
            fuzz._row(1, "Car park barrier. The council replaces the car park barrier.", "minutes", "2023-02-23",
                      ("Alan Smith",)),
            fuzz._row(2, "Anti-social behaviour. Reports of ASB near the play area.", "agenda", "2021-06-10"),
            fuzz._row(3, "Speeding on the High Street. Road safety and speed watch.", "minutes", "2019-11-05"),
            fuzz._row(4, "Planning applications. No objection to the planning application.", "report", ""),
        ], generation=1)
        return ix

    test_search_only_ever_raises_query_error = fuzz.test_search_only_ever_raises_query_error
    test_over_long_queries_are_a_query_error = fuzz.test_over_long_queries_are_a_query_error
    test_operator_chains_are_a_query_error_or_a_result = fuzz.test_operator_chains_are_a_query_error_or_a_result


# -- this engine's own ---------------------------------------------------------------------------
@pytest.mark.parametrize("query, expected", [
    pytest.param('"car park"', ["doc1.0"], id="phrase"),
    pytest.param('"park barrier"', ["doc1.0"], id="phrase-across-title-and-text"),
    pytest.param("barrier AND broken", ["doc1.0"], id="and"),
    pytest.param("car OR knife", ["doc1.0", "doc2.0"], id="or"),
    pytest.param("NOT barrier", ["doc2.0", "doc3.0", "doc4.0"], id="lone-not"),
    pytest.param("(knife OR speed) AND limit", ["doc3.0"], id="group"),
    pytest.param("vill* OR bar*", ["doc1.0", "doc4.0"], id="prefixes"),
    pytest.param("title:roof", ["doc4.0"], id="field"),
    pytest.param("kind:minutes", ["doc1.0", "doc3.0"], id="filter-alone"),
    pytest.param("limit date:2013..", ["doc3.0"], id="words-and-open-range"),
    pytest.param("number:2", ["doc2.0"], id="number"),
    pytest.param("outcome:Resolved", ["doc3.0"], id="outcome-any-case"),
    pytest.param("year:2014", ["doc4.0"], id="year"),
    pytest.param("body:parish knife", ["doc2.0"], id="body-words"),
    pytest.param("crime since 2012", ["doc2.0"], id="since"),
    pytest.param("crime before 2012", [], id="before"),
])
def test_the_query_language_matches_the_same_items(index: TantivySearchIndex, query: str,
                                                     expected: list[str]) -> None:
    assert sorted(h.item_id for h in index.search(query, limit=20).hits) == expected


@pytest.mark.parametrize("query", [
    pytest.param("(((", id="open-groups"),
    pytest.param('"unclosed phrase', id="open-quote"),
    pytest.param("AND OR NOT", id="operators-only"),
    pytest.param("date:[x TO y]", id="bad-range"),
    pytest.param("foo:bar* [a TO", id="junk"),
    pytest.param("*", id="bare-star"),
    pytest.param("a\x00b", id="nul"),
])
def test_odd_queries_answer_or_raise_a_query_error(index: TantivySearchIndex, query: str) -> None:
    try:
        res = index.search(query)
    except base.QueryError:
        return
    assert res.total >= 0


def test_pagination_and_date_sort(tmp_path: Path) -> None:
    ix = TantivySearchIndex(tmp_path)
    ix.rebuild([base._item(n, f"Allotment rents item {n}. Allotment rents.", document_id=f"d{n}")
                for n in range(1, 26)], generation=1)
    first = ix.search("allotment", limit=10)
    second = ix.search("allotment", limit=10, offset=10)
    assert first.total == second.total == 25
    assert not {h.item_id for h in first.hits} & {h.item_id for h in second.hits}
    dated = ix.search("allotment", limit=25, sort="date").hits
    assert [h.meeting_date for h in dated] == sorted((h.meeting_date for h in dated), reverse=True)


def test_a_stale_or_foreign_index_is_rebuilt(index: TantivySearchIndex) -> None:
    assert index.exists() and index.is_current_schema() and index.is_healthy()
    (index.dir / SCHEMA_FILE).write_text("0123456789abcdef")
    assert not index.is_current_schema() and not index.is_healthy()
    index.rebuild([base._item(9, "Tarmac. New tarmac.")], generation=9)
    assert (index.dir / SCHEMA_FILE).read_text() == schema_fingerprint() and index.is_healthy()
    assert index.search("tarmac").total == 1 and index.search("barrier").total == 0
    assert index.generation() == 9 and index.doc_count() == 1


def test_a_garbled_index_is_not_healthy(index: TantivySearchIndex) -> None:
    (index.dir / "meta.json").write_text("{not json")
    assert not index.is_healthy()
    index.rebuild([base._item(9, "Tarmac. New tarmac.")], generation=9)
    assert index.is_healthy() and index.search("tarmac").total == 1


def test_the_fingerprint_changes_with_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    import search_app.tantivy_index as mod

    one = schema_fingerprint()
    assert schema_fingerprint(mod.FIELDS[:-1]) != one
    monkeypatch.setattr(mod, "SCHEMA_VERSION", mod.SCHEMA_VERSION + 1)
    assert schema_fingerprint() != one


def test_rebuilt_in_place_while_searches_run(index: TantivySearchIndex) -> None:
    base.rebuild_while_searching(index, lambda: TantivySearchIndex(index.dir.parent), rounds=10)
    assert not index.dir.with_name(INDEX_DIRNAME + ".new").exists()


@pytest.mark.parametrize("a, b, d", [
    pytest.param("barier", "barrier", 1, id="insert"),
    pytest.param("vilage", "village", 1, id="insert-2"),
    pytest.param("recieve", "receive", 1, id="transpose"),
    pytest.param("kitten", "sitting", 3, id="classic"),
])
def test_edit_distance(a: str, b: str, d: int) -> None:
    assert _edit_distance(a, b) == d


def test_cli_ingests_the_sample_corpus_with_the_tantivy_engine(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from minutebook.backends import open_search_index
    from minutebook.cli import main

    sample = ROOT / "corpus"
    if not sample.exists():
        pytest.skip("bundled sample corpus not available")
    data = tmp_path / "data"
    res = CliRunner().invoke(main, ["ingest", str(sample), "--data", str(data), "--no-ner", "--workers", "1",
                                    "--engine", "tantivy"])
    assert res.exit_code == 0, res.output + res.stderr
    assert (data / INDEX_DIRNAME).is_dir() and not (data / "whoosh").exists()
    assert isinstance(open_search_index(data), TantivySearchIndex)
    # later commands follow the data directory's engine without being told
    res = CliRunner().invoke(main, ["search", "minutes", "--data", str(data), "--json"])
    assert res.exit_code == 0, res.output + res.stderr
    payload = json.loads(res.stdout)
    assert payload["total"] > 0 and payload["hits"][0]["item_id"]
    # a switch is kept for later commands; the first search builds the new engine's index
    res = CliRunner().invoke(main, ["ingest", str(sample), "--data", str(data), "--no-ner", "--workers", "1",
                                    "--engine", "whoosh"])
    assert res.exit_code == 0, res.output + res.stderr
    assert (data / "search_engine").read_text().strip() == "whoosh"
    res = CliRunner().invoke(main, ["search", "minutes", "--data", str(data), "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["total"] > 0 and (data / "whoosh").is_dir()


def test_an_unknown_engine_name_in_the_data_directory_is_an_error(tmp_path: Path) -> None:
    from minutebook.backends import open_search_index, search_engine
    from minutebook.errors import MinutebookError

    assert search_engine(tmp_path) == "whoosh"
    (tmp_path / "search_engine").write_text("lucene\n")
    with pytest.raises(MinutebookError, match="lucene"):
        open_search_index(tmp_path)
