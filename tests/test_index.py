"""The whoosh index behind search_app.index, on hand-built items."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from minutebook.model import DocKind, Document, Item
from search_app.index import (
    FACETS,
    IndexedItem,
    QueryError,
    SearchIndex,
    _rewrite_query,
    expand_synonyms,
    is_paragraph,
    items_for_index,
    passages,
    strip_question_words,
)


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


# -- ranking and the engine's additions ---------------------------------------------------------

@pytest.mark.parametrize("question, expected", [
    pytest.param("When did the council agree the budget?", "council agree budget", id="when-did"),
    pytest.param("Where was it recorded that MKB was standing down?", "recorded MKB standing down", id="where-was"),
    pytest.param('Which "village hall" roof', '"village hall" roof', id="phrase-kept"),
    pytest.param("car OR roof NOT hall", "car OR roof NOT hall", id="operators-kept"),
    pytest.param("when", "when", id="nothing-left-keeps-the-query"),
])
def test_question_words_are_dropped(question: str, expected: str) -> None:
    assert strip_question_words(question) == expected


def test_a_natural_question_finds_the_item(index: SearchIndex) -> None:
    assert index.search("When was the car park barrier broken?").hits[0].item_id == "doc1.0"


def test_words_and_a_typed_filter_are_anded(index: SearchIndex) -> None:
    # `kind:report` narrows the words; it does not add every report
    assert [h.item_id for h in index.search("knife kind:report").hits] == ["doc2.0"]
    assert index.search("barrier kind:report").total == 0
    assert [h.item_id for h in index.search("limit since 2013").hits] == ["doc3.0"]
    assert index.search("barrier since 2013").total == 0


def test_facets_have_every_name_and_filters_take_the_same_names(index: SearchIndex) -> None:
    res = index.search("", facets=True)
    assert set(res.facets) == set(FACETS) >= {"kind", "body_facet", "year", "outcome", "person", "org", "has_action"}
    assert dict(res.facets["person"]) == {"Alan Smith": 1}  # printed case, not the search form
    assert dict(res.facets["has_action"]) == {"no": 3, "yes": 1}
    assert dict(res.facets["year"]) == {"2011": 1, "2012": 1, "2013": 1, "2014": 1}
    only = index.search("", filters={"person": "Alan Smith", "has_action": "yes"})
    assert [h.item_id for h in only.hits] == ["doc3.0"]
    assert index.search("limit", filters={"kind": "agenda"}).total == 0


def test_did_you_mean_corrects_a_word_no_item_has(index: SearchIndex) -> None:
    res = index.search("barier")
    assert res.suggestion == "barrier"
    assert index.search("barrier").suggestion is None
    assert index.search("vilage hall").suggestion == "village hall"


def test_more_like_finds_related_items_in_other_documents(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path)
    ix.rebuild([
        _item(1, "Allotments. The allotment waiting list and allotment rents for next year."),
        _item(2, "Allotment rents. Allotment rents rise next year; the waiting list is long."),
        _item(3, "Speed limit. A 20mph limit was resolved."),
        _item(4, "Allotments. The allotment waiting list and allotment rents for next year.", document_id="doc4"),
    ], generation=1)
    like = ix.more_like("doc1.0")
    # doc4 is a reprint of doc1's text: the same item, not a related one
    assert [h.item_id for h in like] == ["doc2.0"]
    assert ix.more_like("nope.0") == []


def test_preamble_rows_and_paragraphs_shown_as_their_item() -> None:
    doc = Document(path="/p/min.pdf", sha256="d" * 64, part=0, kind=DocKind.MINUTES, body="Kent County Council Cabinet",
                   meeting_date="2025-01-30", page_start=1, page_end=3, lines=[], title="Cabinet minutes",
                   preamble="Cabinet minutes\nACTION LIST\nJan25.01 Clerk to write to the bus company",
                   items=[
                       Item(number="87", title="Cabinet Member Updates", parent=None, page_start=1, page_end=2,
                            text="87. Cabinet Member Updates\n(Item 4)"),
                       Item(number="1", title="Mr Watkins wrote to the Minister of State for Care about",
                            parent="87", page_start=2, page_end=2, level=2,
                            text="1. Mr Watkins wrote to the Minister of State for Care about\nNational Insurance."),
                       Item(number="88", title="Budget monitoring", parent=None, page_start=3, page_end=3,
                            text="88. Budget monitoring"),
                       Item(number="1", title="Capital programme", parent="88", page_start=3, page_end=3, level=2,
                            text="1. Capital programme\nThe capital programme was agreed."),
                   ])
    rows = {r.item_id.replace(doc.id, "d"): r for r in items_for_index(doc, "m1")}
    assert rows["d.-1"].number == "" and "bus company" in rows["d.-1"].text and rows["d.-1"].preamble
    # a numbered paragraph is found on its words but shown as minute 87, whose row holds its text
    assert rows["d.1"].unit_id == f"{doc.id}.0" and rows["d.1"].number == "87"
    assert "National Insurance" in rows["d.0"].text
    # a titled sub-item is an item of its own
    assert rows["d.3"].unit_id == "" and rows["d.3"].number == "1"


def test_paragraph_hits_fold_into_their_item_and_reprints_into_one(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path)
    common = dict(kind="minutes", body="Cabinet", meeting_date="2025-01-30")
    ix.rebuild([
        IndexedItem(item_id="a.0", document_id="a", meeting_id="", path="/a.pdf", number="87", title="Updates",
                    text="87. Updates", page_start=1, **common),
        IndexedItem(item_id="a.1", document_id="a", meeting_id="", path="/a.pdf", number="87", title="Updates",
                    text="1. Mr Watkins wrote about National Insurance.", page_start=2, unit_id="a.0", **common),
        IndexedItem(item_id="b.0", document_id="b", meeting_id="", path="/b.pdf", number="87", title="Updates",
                    text="87. Updates", page_start=1, **common),
        IndexedItem(item_id="b.1", document_id="b", meeting_id="", path="/b.pdf", number="87", title="Updates",
                    text="1. Mr Watkins wrote about National Insurance.", page_start=2, unit_id="b.0", **common),
    ], generation=1)
    hits = ix.search("Watkins national insurance").hits
    assert len(hits) == 1 and hits[0].item_id in {"a.0", "b.0"} and hits[0].item_number == "87"
    assert "<mark>Watkins</mark>" in hits[0].snippet


def test_minutes_rank_above_an_agenda_on_the_same_words(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path)
    ix.rebuild([_item(1, "Bus shelter repairs. Bus shelter repairs.", kind="agenda"),
                _item(2, "Bus shelter repairs. Bus shelter repairs.", kind="minutes")], generation=1)
    assert [h.item_id for h in ix.search("bus shelter").hits] == ["doc2.0", "doc1.0"]


def test_equal_scores_go_to_the_newer_meeting(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path)
    ix.rebuild([_item(1, "Bus shelter repairs.", document_id="x"), _item(5, "Bus shelter repairs.")],
               generation=1)
    assert ix.search("bus shelter").hits[0].meeting_date == "2015-03-01"


def test_a_reused_searcher_sees_a_rebuild(index: SearchIndex) -> None:
    assert index.search("barrier").total == 1
    index.rebuild([_item(9, "Tarmac. New tarmac.")], generation=9)
    assert index.search("barrier").total == 0 and index.search("tarmac").total == 1


def test_an_index_from_an_older_schema_is_not_healthy(tmp_path: Path) -> None:
    from whoosh import index as whoosh_index
    from whoosh.fields import ID, TEXT, Schema

    (tmp_path / "whoosh").mkdir()
    old = whoosh_index.create_in(str(tmp_path / "whoosh"), Schema(item_id=ID(stored=True), content=TEXT))
    with old.writer() as w:
        w.add_document(item_id="a.0", content="text")
    ix = SearchIndex(tmp_path)
    assert ix.exists() and not ix.is_healthy()


# -- schema fingerprint, rebuild under searches, the array engine, the result cache ---------------

def test_an_index_with_another_schema_fingerprint_is_rebuilt(index: SearchIndex) -> None:
    from search_app.index import SCHEMA_FILE, schema_fingerprint

    assert index.is_current_schema() and index.is_healthy()
    # same fields, written by a version whose fields meant something else (or before fingerprints)
    (index.dir / SCHEMA_FILE).write_text("0123456789abcdef")
    assert not index.is_current_schema() and not index.is_healthy()
    (index.dir / SCHEMA_FILE).unlink()
    assert not index.is_healthy()
    index.rebuild([_item(9, "Tarmac. New tarmac.")], generation=9)
    assert (index.dir / SCHEMA_FILE).read_text() == schema_fingerprint() and index.is_healthy()
    assert index.search("tarmac").total == 1


def test_the_fingerprint_changes_with_fields_and_version(monkeypatch: pytest.MonkeyPatch) -> None:
    from whoosh.fields import ID, TEXT, Schema

    import search_app.index as mod

    one = mod.schema_fingerprint(Schema(a=ID, b=TEXT))
    assert one != mod.schema_fingerprint(Schema(a=TEXT, b=TEXT)) != mod.schema_fingerprint(Schema(a=ID))
    monkeypatch.setattr(mod, "SCHEMA_VERSION", mod.SCHEMA_VERSION + 1)
    assert mod.schema_fingerprint(Schema(a=ID, b=TEXT)) != one


def rebuild_while_searching(index: Any, reopen: Callable[[], Any], rounds: int, filler: int = 0) -> None:
    """Rebuild ``index`` ``rounds`` times while two threads search it: one through ``index``
    itself (its searcher reopened at each new generation), one through a new handle per search
    (``reopen``, as the CLI opens one per run). Every search must find the one barrier item
    among ``filler`` other items."""
    import threading

    stop = threading.Event()
    errors: list[str] = []
    counts = [0, 0]

    def search(name: str, handle: Callable[[], Any], slot: int) -> None:
        while not stop.is_set():
            try:
                if handle().search("barrier").total != 1:
                    errors.append(f"{name}: no hit")
            except Exception as exc:  # noqa: BLE001 - any failure is what this test looks for
                errors.append(f"{name}: {exc!r}")
            counts[slot] += 1

    threads = [threading.Thread(target=search, args=("shared", lambda: index, 0)),
               threading.Thread(target=search, args=("fresh", reopen, 1))]
    for t in threads:
        t.start()
    try:
        for g in range(rounds):
            others = [_item(2, f"Round {g}.")] + [
                _item(3, f"Village hall matter {i} of round {g}.", item_id=f"f{i}.0", document_id=f"f{i}")
                for i in range(filler)]
            index.rebuild([_item(1, "Car park barrier. The barrier was broken."), *others], generation=10 + g)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert errors == [] and min(counts) > 0, (errors[:3], counts)
    assert index.generation() == 10 + rounds - 1


def test_a_healthy_index_is_rebuilt_in_place_while_searches_run(index: SearchIndex) -> None:
    rebuild_while_searching(index, lambda: SearchIndex(index.dir.parent), rounds=20)
    assert not index.dir.with_name("whoosh.new").exists()


@pytest.mark.parametrize("query", [
    pytest.param('"car park"', id="phrase"),
    pytest.param('"park barrier"', id="phrase-across-title-and-text"),
    pytest.param("barrier AND broken", id="and"),
    pytest.param("car OR knife", id="or"),
    pytest.param("car OR roof NOT hall", id="or-not"),
    pytest.param("NOT barrier", id="lone-not"),
    pytest.param("(knife OR speed) AND limit", id="group"),
    pytest.param("vill* OR bar*", id="prefixes"),
    pytest.param("title:roof", id="field"),
    pytest.param("kind:minutes", id="filter-alone"),
    pytest.param("date:2012..2013", id="date-range"),
    pytest.param("limit date:2013..", id="words-and-open-range"),
])
def test_the_array_engine_matches_what_whoosh_matches(index: SearchIndex, query: str) -> None:
    from search_app.index import _evaluate, _rewrite_query, _split_filters

    with index._lock:
        op = index._opened()
        rest, parts = _split_filters(_rewrite_query(query))
        q = index._parse(rest, op)
        ours = _evaluate(q, op)[1]
        theirs = set(op.searcher.docs_for_query(q))
        for part in parts:
            f = index._parse(part, op)
            ours = ours & _evaluate(f, op)[1]
            theirs &= set(op.searcher.docs_for_query(f))
    assert set(ours.nonzero()[0].tolist()) == theirs


def test_date_ranges_and_phrases_rank_and_sort(index: SearchIndex) -> None:
    assert [h.item_id for h in index.search("date:2011..2014", sort="date").hits] == \
        ["doc4.0", "doc3.0", "doc2.0", "doc1.0"]
    res = index.search('"village hall" roof')
    assert [h.item_id for h in res.hits] == ["doc4.0"] and "<mark>" in res.hits[0].snippet


def test_answers_are_cached_per_generation_and_handed_out_as_copies(index: SearchIndex) -> None:
    first = index.search("barrier")
    first.hits.clear()
    again = index.search("barrier")
    assert again.total == 1 and len(again.hits) == 1 and len(index._cache) == 1
    index.update(["doc1"], [], generation=8)
    assert index.search("barrier").total == 0
    index.cache_size = 0
    index.search("knife")
    assert not any(key[0] == "knife" for key in index._cache)


def test_passages_cover_a_long_text_in_windows_cut_at_lines() -> None:
    lines = [f"Line {i} of the discussion about the village hall and its roof." for i in range(60)]
    text = "\n".join(lines)
    windows = passages(text, size=300, min_text=600)
    assert len(windows) > 5
    for offset, passage in windows:
        assert text[offset:offset + len(passage)] == passage  # offsets are true
        assert passage.startswith("Line ") and passage.endswith("roof.")  # whole lines only
        assert len(passage) < 300 + 70  # about the window size: at most one line over
    # every line is in exactly one window, in order
    assert [ln for _, p in windows for ln in p.split("\n")] == lines
    assert passages("A short item.\nIt has two lines.") == []


def test_a_few_words_together_in_a_long_item_outrank_the_same_words_spread_thin(tmp_path: Path) -> None:
    """Passage rows: of two equally long items holding the same words, the one where they stand in
    one paragraph comes first, shown at the page of that paragraph, and each item counts once."""
    filler = [f"Councillors discussed general matter number {i} at some length." for i in range(150)]
    together = "\n".join(["7. Contract negotiation", *filler,
                          "The Vice-Chair warned that the living wage increase means a significant risk "
                          "that the society could become insolvent.", *filler])
    spread = "\n".join(["9. Budget", "The living wage was noted.", *filler, "A significant risk was logged.",
                        *filler, "No member was insolvent."])
    docs = [Document(path=f"/p/{n}.pdf", sha256=c * 64, part=0, kind=DocKind.MINUTES, body="Library Board",
                     meeting_date="2016-01-28", page_start=1, page_end=9, lines=[], title="Board minutes",
                     items=[Item(number=n, title=t, parent=None, page_start=6, page_end=8, text=text,
                                 page_breaks=[len(text) // 3, 2 * len(text) // 3])])
            for n, c, t, text in (("7", "e", "Contract negotiation", together), ("9", "f", "Budget", spread))]
    rows = [r for d in docs for r in items_for_index(d, "m1")]
    ix = SearchIndex(tmp_path)
    ix.rebuild(rows, generation=1)
    res = ix.search("living wage insolvency risk")
    assert [h.item_number for h in res.hits] == ["7", "9"]
    assert res.hits[0].page_start == 7  # the page of the matching passage, not the item's first page
    assert "<mark>insolvent</mark>" in res.hits[0].snippet
    assert res.total == 2  # items, not rows: passages count with their item
    assert ix.search('"living wage" AND risk').total == 2  # the query language path leaves passages out too


@pytest.mark.parametrize("number, parent, carried", [
    pytest.param("87.2", "87", True, id="dotted"),
    pytest.param("5C", "5", True, id="letter-suffix"),
    pytest.param("5(c)", "5.", True, id="bracketed"),
    pytest.param("2.", "87.", False, id="restarted-paragraph"),
    pytest.param("12", "1", False, id="another-number"),
])
def test_a_sub_item_number_that_carries_its_parents_is_an_item_not_a_paragraph(
        number: str, parent: str, carried: bool) -> None:
    title = "Approve the Clement Avenue Complete Street Concept Proposal and the Grant Submittal"
    sub = Item(number=number, title=title, parent=parent, page_start=7, page_end=9, level=2, text=f"{number}. {title}")
    assert is_paragraph(sub) is (not carried)


def test_a_parallel_rebuild_answers_like_a_single_process_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Several writer processes put an item and its passages in different segments: a passage
    must still lift (and be shown as) its own item."""
    import search_app.index as index_module

    filler = "\n".join(f"General matter {i} was discussed at some length by members." for i in range(120))
    rows = [_item(n, f"Item {n}. {filler}\nThe bus shelter on Mill Lane needs a new roof {n}.\n{filler}",
                  document_id=f"d{n}", item_id=f"d{n}.0") for n in range(1, 40)]
    rows.append(_item(50, "Bus shelter. Repairs to the bus shelter roof.", document_id="d50", item_id="d50.0"))
    monkeypatch.setattr(index_module, "PARALLEL_BUILD_ROWS", 1)
    answers = []
    for procs in (1, 2):
        ix = SearchIndex(tmp_path / str(procs), build_procs=procs)
        ix.rebuild(rows, generation=1)
        res = ix.search("bus shelter roof mill lane", limit=50)
        answers.append([(h.item_id, h.page_start, h.score) for h in res.hits])
        assert res.total == len(rows)
        ix.close()
    assert answers[0] == answers[1]


def test_a_minute_ranks_above_the_agenda_item_of_its_own_meeting(tmp_path: Path) -> None:
    """The short agenda line would outscore the long minute on its words; the minute of the same
    meeting and number comes first. An agenda of another meeting is not moved."""
    minute = ("8.1 Car park barrier. The height barrier at the car park was damaged by a vehicle and is "
              "locked open. It was agreed that the Clerk obtain three quotes for its repair, and that the "
              "cost be met from the general reserve after the insurer has replied to the claim.")
    ix = SearchIndex(tmp_path)
    ix.rebuild([
        _item(1, "8.1 Car park barrier. To consider the car park barrier.", kind="agenda", meeting_id="m1",
              number="8.1", document_id="a", item_id="a.0", meeting_date="2024-01-18"),
        _item(2, minute, kind="minutes", meeting_id="m1", number="8.1", document_id="b", item_id="b.0",
              meeting_date="2024-01-18"),
        _item(3, "8.1 Car park barrier. Car park barrier: the car park barrier.", kind="agenda", meeting_id="m0",
              number="8.1", document_id="c", item_id="c.0", meeting_date="2023-11-16"),
    ], generation=1)
    order = [h.item_id for h in ix.search("car park barrier").hits]
    assert order.index("b.0") < order.index("a.0")
    assert order[0] == "c.0"  # another meeting's agenda, scoring higher, keeps its place


def test_a_parallel_rebuild_in_place_keeps_searches_answering(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import search_app.index as index_module

    monkeypatch.setattr(index_module, "PARALLEL_BUILD_ROWS", 1)
    ix = SearchIndex(tmp_path, build_procs=2)
    ix.rebuild([_item(1, "Car park barrier. The barrier was broken.")], generation=9)
    # enough rows that whoosh hands batches to its writer processes
    rebuild_while_searching(ix, lambda: SearchIndex(tmp_path), rounds=4, filler=400)
    assert not ix.dir.with_name("whoosh.new").exists()
