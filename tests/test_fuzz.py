"""Fuzzing with hypothesis: the item splitter, the date finder and the query parser.

Random input must never raise (the query parser may raise ``QueryError`` only) and never hang:
every example has a deadline. Inputs are built from the pieces real papers and real queries are
made of (item numbers, dates, operators, field filters), mixed with arbitrary text, so the
fuzzer reaches the interesting branches rather than only the "no match" one.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.items import split_items
from minutebook.model import DocKind, Line
from nlp.dates import find_dates
from search_app.index import (
    MAX_QUERY_CHARS,
    SYNONYMS_FILE,
    IndexedItem,
    QueryError,
    SearchIndex,
    _rewrite_query,
    expand_synonyms,
    load_synonyms,
)

# modest example counts and a per-example deadline: the suite stays fast, a hang still fails;
# MB_FUZZ_EXAMPLES=5000 for a deeper hunt
FUZZ = settings(max_examples=int(os.environ.get("MB_FUZZ_EXAMPLES", "150")), deadline=dt.timedelta(seconds=3),
                database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# -- the item splitter -------------------------------------------------------------------------------
NUMBERS = st.sampled_from([
    "1.", "2", "3)", "4.1", "4.1.2", "10.", "01.19.03", "02.23.05", "205/18", "16/10/6/1", "a)", "(b)",
    "i.", "ii)", "Item 5", "Minute 12", "84.", "A.", "5.3", "7 -", "Q1", "•", "-", "*", "12/2019",
])
WORDS = st.sampled_from([
    "Apologies", "for", "absence", "Minutes", "of", "the", "previous", "meeting", "Planning", "RESOLVED",
    "that", "Clerk's", "report", "Action", "Feb23.03", "Any", "other", "business", "Date", "next",
    "Present:", "Cllr", "Smith", "£1,200", "2023", "January", "Page", "1", "of", "3", "\t", "", "AGENDA",
])
FREE_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)


@st.composite
def line_text(draw: st.DrawFn) -> str:
    shape = draw(st.integers(0, 3))
    if shape == 0:
        return draw(FREE_TEXT)
    words = " ".join(draw(st.lists(WORDS, max_size=8)))
    if shape == 1:
        return f"{draw(NUMBERS)} {words}"
    if shape == 2:
        return f"{draw(NUMBERS)}\t{words}\t{draw(FREE_TEXT)}"
    return words


@st.composite
def lines(draw: st.DrawFn) -> list[Line]:
    """Lines on non-decreasing pages, with or without PDF geometry (plain text has none)."""
    texts = draw(st.lists(line_text(), max_size=40))
    pdf = draw(st.booleans())
    page, top, out = 1, 50.0, []
    for text in texts:
        if draw(st.integers(0, 9)) == 0:
            page, top = page + 1, 50.0
        top += draw(st.floats(0, 30, allow_nan=False))
        cells = tuple(text.split("\t")) if pdf and "\t" in text else None
        if pdf:
            out.append(Line(text=text, page=page, x0=draw(st.floats(0, 500, allow_nan=False)), top=top,
                            size=draw(st.sampled_from([8.0, 10.0, 11.0, 12.0, 14.0, 18.0])),
                            bold=draw(st.booleans()), cells=cells))
        else:
            out.append(Line(text=text, page=page))
    return out


@FUZZ
@given(lines(), st.sampled_from([None, *DocKind]))
def test_split_items_never_raises_and_keeps_its_invariants(ls: list[Line], kind: DocKind | None) -> None:
    preamble, items = split_items(ls, kind)
    assert all(isinstance(line, Line) for line in preamble)
    last_page = ls[-1].page if ls else 1
    for it in items:
        assert isinstance(it.number, str) and isinstance(it.title, str) and isinstance(it.text, str)
        assert 1 <= it.page_start <= it.page_end <= last_page
        assert it.page_breaks == sorted(it.page_breaks)
        assert all(0 <= b <= len(it.text) for b in it.page_breaks)
        assert it.parent is None or isinstance(it.parent, str)


# -- the date finder -----------------------------------------------------------------------------------
DATE_PIECES = st.sampled_from([
    "12/03/2020", "1/2/03", "31/02/2021", "00/00/0000", "2023-02-23", "2023-13-45", "1st March 2019",
    "March 1st, 2019", "Thursday 18th January 2024", "18 Jan", "Jan 2024", "Q3 2020", "2019/20",
    "2019-2020", "financial year 2021/22", "between 1 and 3 May", "1-3 May 2022", "the 31st", "Sept 2019",
    "Monday", "next Tuesday", "12.03.2020", "12 . 03 . 2020", "9999", "0", "29 February 2023", "29/02/2024",
    "1 January 1900", "1 January 2200", "01234 567890", "07/07/7777", "May", "may", "March", "31st of",
])


@st.composite
def date_text(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(DATE_PIECES, FREE_TEXT, WORDS), max_size=12))
    return draw(st.sampled_from([" ", "\n", ", ", ""])).join(parts)


@FUZZ
@given(date_text(), st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31))))
def test_find_dates_never_raises_and_yields_iso_dates_inside_the_text(text: str, base: dt.date | None) -> None:
    for m in find_dates(text, base):
        assert 0 <= m.start <= m.end <= len(text)
        dt.date.fromisoformat(m.value)  # every value is a real ISO date


@FUZZ
@given(FREE_TEXT)
def test_find_dates_on_arbitrary_unicode(text: str) -> None:
    for m in find_dates(text, dt.date(2023, 2, 23)):
        dt.date.fromisoformat(m.value)


# -- the query parser ------------------------------------------------------------------------------
QUERY_PIECES = st.sampled_from([
    "AND", "OR", "NOT", "and", "or", "not", "(", ")", '"', "*", "?", "~", "^", "^2", ":", "[", "]", "{", "}",
    "TO", "-", "+", "\\", "/", "date:", "date:2023", "date:2019..2021", "date:2019..", "date:2023-02",
    "date:2023-02-23", "date:..2020", "kind:minutes", "kind:", "body:", 'body:"parish council"', "person:Alan",
    "person:", "org:", "action:Feb23.03", "outcome:resolved", "number:5.3", "title:barrier", "text:car",
    "year:2020", "nosuchfield:x", "car", "park", "barrier", "antisocial", "anti-social", "ASB", "speeding",
    "plan*", '"car park"', "x" * 40, "💥", "\x00", "\u202e", "é",
])


@st.composite
def query_text(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(QUERY_PIECES, FREE_TEXT), max_size=14))
    return draw(st.sampled_from([" ", ""])).join(parts)


def _row(n: int, text: str, kind: str, date: str, people: tuple[str, ...] = ()) -> IndexedItem:
    return IndexedItem(item_id=f"doc{n}.0", document_id=f"doc{n}", meeting_id=f"m{n}", path=f"/papers/{n}.pdf",
                       number=str(n), title=text.split(".")[0], text=text, kind=kind, body="Ashcombe Parish Council",
                       meeting_date=date, page_start=1, people=people, organisations=("Cherwell District Council",),
                       action_ids=(f"Feb23.0{n}",), outcomes=("resolved",) if n % 2 else ())


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    ix = SearchIndex(Path(tmp_path_factory.mktemp("fuzzindex")))
    rows = [
        _row(1, "Car park barrier. The council replaces the car park barrier.", "minutes", "2023-02-23",
             ("Alan Smith",)),
        _row(2, "Anti-social behaviour. Reports of ASB near the play area.", "agenda", "2021-06-10"),
        _row(3, "Speeding on the High Street. Road safety and speed watch.", "minutes", "2019-11-05"),
        _row(4, "Planning applications. No objection to the planning application.", "report", ""),
    ]
    ix.rebuild(rows, generation=1)
    return ix


@FUZZ
@given(query_text(), st.sampled_from(["relevance", "date"]), st.booleans())
def test_search_only_ever_raises_query_error(small_index: SearchIndex, q: str, sort: str, facets: bool) -> None:
    try:
        result = small_index.search(q, limit=5, sort=sort, facets=facets)
    except QueryError:
        return
    assert 0 <= len(result.hits) <= 5 and result.total >= len(result.hits)
    for h in result.hits:
        assert "<script" not in h.snippet.lower()


@FUZZ
@given(query_text())
def test_rewrite_and_synonyms_never_raise(q: str) -> None:
    rewritten = _rewrite_query(q)
    assert isinstance(rewritten, str)
    assert isinstance(expand_synonyms(rewritten, SYNONYMS), str)


@FUZZ
@given(st.text(min_size=MAX_QUERY_CHARS + 1, max_size=MAX_QUERY_CHARS + 50))
def test_over_long_queries_are_a_query_error(small_index: SearchIndex, q: str) -> None:
    with pytest.raises(QueryError):
        small_index.search(q)


SYNONYMS = load_synonyms(SYNONYMS_FILE)


@pytest.mark.parametrize("q", [
    pytest.param("NOT NOT a", id="not-not"), pytest.param("NOT NOT NOT", id="not-chain"),
    pytest.param("NOT AND AND", id="not-and-and"), pytest.param("a NOT", id="trailing-not"),
])
def test_operator_chains_are_a_query_error_or_a_result(small_index: SearchIndex, q: str) -> None:
    """Found by the fuzzer: whoosh's own parser raises IndexError on these."""
    try:
        small_index.search(q)
    except QueryError:
        pass
