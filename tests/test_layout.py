"""Running headers/footers and glyph clean-up (ingest.layout)."""

from __future__ import annotations

import pytest

from ingest.layout import normalise_text, strip_running_lines
from minutebook.model import Line


def _page(page: int, body: list[str], head: list[str], foot: list[str]) -> list[Line]:
    texts = [*head, *body, *foot]
    return [Line(t, page, 72.0, 40.0 + 20 * k, 11.0) for k, t in enumerate(texts)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("Speci\ufb01c \ufb02oor plan", "Specific floor plan", id="ligatures"),
        pytest.param("\uf0b7 Item one", "• Item one", id="private-use-bullet"),
        pytest.param("\u2022\tItem two", "• Item two", id="unicode-bullet"),
        pytest.param("£1,000\u00a0paid", "£1,000 paid", id="no-break-space"),
        pytest.param("- 5.1 The Chair", "- 5.1 The Chair", id="dash-bullet-untouched"),
    ],
)
def test_normalise_text(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


def test_strips_page_numbers_and_repeated_footers() -> None:
    bodies = {1: ["1. Apologies", "None were received."], 2: ["2. Minutes", "Agreed."],
              3: ["3. Finance", "Payments were approved."]}
    lines: list[Line] = []
    for p in (1, 2, 3):
        lines += _page(
            p,
            bodies[p],
            head=[f"{p} | P a g e"],
            foot=["Regular Meeting", "Alameda City Council", "March 15, 2011", f"Page {p} of 3"],
        )
    kept = [ln.text for ln in strip_running_lines(lines)]
    assert kept == [t for p in (1, 2, 3) for t in bodies[p]]


def test_keeps_item_headings_that_only_look_similar() -> None:
    # the digits differ but the words differ too: never mistaken for a running header
    lines = [Line("1. Apologies", 1, 72.0, 40.0), Line("Text", 1, 72.0, 60.0),
             Line("2. Minutes", 2, 72.0, 40.0), Line("Text again", 2, 72.0, 60.0)]
    assert [ln.text for ln in strip_running_lines(lines)] == ["1. Apologies", "Text", "2. Minutes", "Text again"]


def test_dehyphenates_words_broken_across_lines() -> None:
    lines = [Line("The Council agreed the recom-", 1), Line("mendation of the working group.", 1),
             Line("A long-", 1), Line("term plan.", 1)]
    assert [ln.text for ln in strip_running_lines(lines)] == [
        "The Council agreed the recommendation",
        "of the working group.",
        "A long-term",
        "plan.",
    ]


def test_regression_a_table_row_repeated_at_another_height_is_not_a_running_line() -> None:
    lines = [
        Line("Souldern Parish Council minutes", 1, 72, 30), Line("Nov21.01 Fix the gate NO Completed", 1, 72, 80),
        Line("body text one", 1, 72, 300), Line("more text", 1, 72, 400),
        Line("Souldern Parish Council minutes", 2, 72, 30), Line("body text two", 2, 72, 200),
        Line("other text", 2, 72, 300), Line("Nov21.01 Fix the gate NO Completed", 2, 72, 700),
    ]
    texts = [ln.text for ln in strip_running_lines(lines)]
    assert "Souldern Parish Council minutes" not in texts
    assert texts.count("Nov21.01 Fix the gate NO Completed") == 2
