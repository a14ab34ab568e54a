"""search_app.analysis against whoosh's own analyzer chain: the same tokens, attribute for attribute."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.analysis import ShingleFilter, StemmingAnalyzer

from search_app import analysis
from search_app.analysis import FastStemmingAnalyzer

OLD = StemmingAnalyzer()
OLD_PAIRS = StemmingAnalyzer() | ShingleFilter(size=2, sep=" ")
NEW = FastStemmingAnalyzer()
NEW_PAIRS = FastStemmingAnalyzer(shingle=2, sep=" ")

# every way whoosh (and search_app.index) calls a field's analyzer
CALLS: list[dict[str, Any]] = [
    {},  # search_app.index's own query helpers
    {"no_morph": True},  # TEXT.spellable_words: the spelling words
    {"mode": "index", "positions": True, "boosts": True},  # Positions.word_values: `content`, `title`
    {"mode": "index", "boosts": True},  # Frequency.word_values: `pairs`
    {"mode": "query"},  # FieldType.process_text: a query word
    {"mode": "query", "chars": True},  # PhrasePlugin: a quoted phrase
    {"mode": "query", "tokenize": False, "removestops": False},  # syntax.py: a range's ends
    {"mode": "query", "tokenize": False},
    {"mode": "query", "removestops": False},
    {"mode": "query", "chars": True, "removestops": False},  # highlight.py: retokenizing a hit
    {"mode": "index", "positions": True, "chars": True, "removestops": False},  # highlight.py
    {"positions": True, "chars": True, "start_pos": 7, "start_char": 30},
    {"positions": True, "chars": True, "start_pos": 3, "removestops": False, "no_morph": True},
    {"keeporiginal": True, "chars": True},
    {"keeporiginal": True, "positions": True, "removestops": False},
    {"tokenize": False, "positions": True, "chars": True, "start_pos": 2, "start_char": 5, "no_morph": True},
    {"mode": "index", "positions": True, "boost": 2.0, "nomorph": True},  # stray keywords become attributes
]

TEXTS = [
    pytest.param("", id="empty"),
    pytest.param("   \n\t ", id="blank"),
    pytest.param("The barrier for the car park was broken again.", id="sentence"),
    pytest.param("the a of and is it", id="only-stop-words"),
    pytest.param("a b c d e", id="one-letter-words"),
    pytest.param("The cat", id="stop-word-first"),
    pytest.param("Running", id="one-word"),
    pytest.param("The running", id="one-kept-word"),
    pytest.param("to be or not to be", id="stops-and-one"),
    pytest.param("Well-being, co-operation and re-use: e-mail to o'brien's dog's", id="hyphens-apostrophes"),
    pytest.param("Item 3.1.2 costs £1,250.50 (VAT 20%) on 01/02/2023 at 10.30am", id="numbers"),
    pytest.param("Café naïve Ærø straße İstanbul ΣΊΣΥΦΟΣ ﬁnance Ⅻ", id="unicode"),
    pytest.param("İ İİ iİ", id="lower-changes-length"),
    pytest.param("wild* card*s *star a*b", id="asterisks"),
    pytest.param("x" * 300 + " supercalifragilisticexpialidocious", id="very-long-words"),
    pytest.param("end. .start a..b a.b.c .", id="dots"),
    pytest.param("under_score snake_case_name __init__", id="underscores"),
    pytest.param("résumé RESUME Resumes resumed", id="case-and-stems"),
    pytest.param("Councillors resolved that the parish council's recommendations be approved", id="council"),
]


def _stream(analyzer: Any, text: str, kw: dict[str, Any]) -> list[dict[str, Any]]:
    # a copy of each token as it is yielded: whoosh re-fills one token object
    return [dict(t.__dict__) for t in analyzer(text, **kw)]


def _same(text: str, kw: dict[str, Any]) -> None:
    assert _stream(NEW, text, kw) == _stream(OLD, text, kw)
    assert _stream(NEW_PAIRS, text, kw) == _stream(OLD_PAIRS, text, kw)


@pytest.mark.parametrize("kw", CALLS, ids=[",".join(f"{k}={v}" for k, v in kw.items()) or "default" for kw in CALLS])
@pytest.mark.parametrize("text", TEXTS)
def test_same_tokens_as_whoosh(text: str, kw: dict[str, Any]) -> None:
    _same(text, kw)


def test_examples_read_as_expected() -> None:
    # the quirks the module docstring names, spelled out
    toks = [(t.text, t.pos) for t in NEW("the cats sat on the mats", positions=True)]
    assert toks == [("cat", 1), ("sat", 2), ("mat", 3)]
    toks = [(t.text, t.pos, t.stopped) for t in NEW("the cats", positions=True, removestops=False)]
    assert toks == [("the", 0, True), ("cat", 1, False)]
    assert [t.text for t in NEW_PAIRS("the cats sat on the mats")] == ["cat sat", "sat mat"]
    assert [t.text for t in NEW_PAIRS("the cats")] == ["cat"]
    assert [t.text for t in NEW("Running Councils", no_morph=True)] == ["running", "councils"]


def test_memo_does_not_leak_between_texts_or_keywords() -> None:
    # the same text asked for in turn with different keywords, then another text, then back
    a, b = "Parking permits were approved", "The budget was agreed"
    for _ in range(2):
        for text in (a, a, b, a, b, b):
            for kw in CALLS:
                _same(text, kw)


def test_pair_tokens_are_fresh_objects() -> None:
    # consumers may keep pair tokens (ShingleFilter hands out copies); they must not change later
    toks = list(NEW_PAIRS("north park street lights", chars=True))
    assert [(t.text, t.startchar, t.endchar) for t in toks] == [
        ("north park", 0, 10),
        ("park street", 6, 17),
        ("street light", 11, 24),
    ]


def test_pickles_and_compares() -> None:
    # whoosh pickles the schema into the index's table of contents and into writer processes
    copy = pickle.loads(pickle.dumps(NEW_PAIRS))
    assert copy == NEW_PAIRS
    assert copy != NEW
    assert _stream(copy, "north park street", {}) == _stream(OLD_PAIRS, "north park street", {})
    assert NEW.has_morph()


def test_not_text_is_refused() -> None:
    with pytest.raises(TypeError):
        list(NEW(b"bytes"))  # type: ignore[arg-type]


def test_stem_cache_starts_again_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analysis, "_STEM_CACHE_SIZE", 3)
    monkeypatch.setattr(analysis, "_stems", {})
    _same("alpha bravo charlie delta echo foxtrot golf hotel running", {})
    assert len(analysis._stems) <= 3


# words whoosh's pattern treats specially (dots, asterisks, apostrophes), stop words, and any text
_WORDS = st.sampled_from(
    [
        "the",
        "a",
        "of",
        "and",
        "be",
        "it",
        "running",
        "council",
        "3.5",
        "e.g.",
        "o'neil",
        "well-being",
        "*",
        "x",
        "İ",
        "ß",
        "café",
        "_",
        ".",
        ",",
        "  ",
        "\n",
    ]
)
_TEXT = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(_WORDS, st.text(max_size=8)), max_size=12).map("".join),
    st.lists(_WORDS, max_size=12).map(" ".join),
)


@settings(max_examples=200, deadline=None)
@given(text=_TEXT, kw=st.sampled_from(CALLS))
def test_same_tokens_as_whoosh_on_any_text(text: str, kw: dict[str, Any]) -> None:
    _same(text, kw)
