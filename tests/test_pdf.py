"""The PDF reader: pdfium words built as pdfplumber's, the pdfplumber fallback, same lines both ways."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF
from pdfplumber.utils.text import extract_words

from ingest import pdfium_text
from ingest.pdf import read_pdf
from minutebook.model import Line
from tests.conftest import corpus_file
from tests.pdfgen import FIXED_DATE, MINUTES_LINES, make_pdf


def _char(text: str, x0: float, width: float = 5.0, top: float = 100.0, size: float = 10.0,
          font: str = "Arial") -> pdfium_text.Char:
    return (text, x0, x0 + width, top, size, font)


def _spell(word: str, x0: float, **kw: object) -> list[pdfium_text.Char]:
    """Characters of ``word`` set edge to edge from ``x0``."""
    return [_char(ch, x0 + 5.0 * i, **kw) for i, ch in enumerate(word)]  # type: ignore[arg-type]


def _texts(chars: list[pdfium_text.Char], tolerance: float = 1.5) -> list[str]:
    return [w["text"] for w in pdfium_text.words(chars, tolerance)]


@pytest.mark.parametrize(
    ("chars", "expected"),
    [
        pytest.param(_spell("Hello", 10) + [_char(" ", 35)] + _spell("world", 40), ["Hello", "world"],
                     id="a-space-ends-a-word"),
        pytest.param(_spell("ab", 10) + _spell("cd", 21.4), ["abcd"], id="gap-within-tolerance-joins"),
        pytest.param(_spell("ab", 10) + _spell("cd", 21.6), ["ab", "cd"], id="gap-beyond-tolerance-splits"),
        pytest.param(_spell("ab", 10) + _spell("cd", 12), ["acbd"], id="overlapping-chars-interleave"),
        pytest.param([_char("a", 10, width=0), _char("b", 10)], ["ab"], id="same-start-keeps-drawing-order"),
        pytest.param(_spell("Bold", 10, font="Arial-Bold") + _spell("text", 30), ["Bold", "text"],
                     id="a-font-change-splits"),
        pytest.param(_spell("ab", 10, font="ABCDEE+Calibri") + _spell("cd", 20, font="Calibri"), ["abcd"],
                     id="a-subset-tag-is-not-a-font-change"),
        pytest.param(_spell("cd", 20) + _spell("ab", 10), ["abcd"], id="drawn-out-of-order-reads-left-to-right"),
        pytest.param(_spell("up", 10, top=100) + _spell("on", 20, top=102.5), ["upon"],
                     id="tops-within-y-tolerance-share-a-line"),
        pytest.param(_spell("down", 20, top=104) + _spell("up", 10, top=100), ["up", "down"],
                     id="tops-beyond-y-tolerance-are-lines-top-first"),
        pytest.param([_char("\ufb01", 10), *_spell("ne", 15)], ["fine"], id="ligatures-expanded"),
    ],
)
def test_words_follow_pdfplumber_rules(chars: list[pdfium_text.Char], expected: list[str]) -> None:
    assert _texts(chars) == expected
    if len({_plain_font(c[5]) for c in chars}) == len({c[5] for c in chars}):
        # the same characters through pdfplumber's own word extractor give the same words
        assert [w["text"] for w in extract_words([_plumber_char(c) for c in chars], x_tolerance=1.5,
                                                 extra_attrs=["fontname", "size"])] == expected


def _plain_font(name: str) -> str:
    return name.split("+")[-1]


def _plumber_char(c: pdfium_text.Char) -> dict[str, object]:
    text, x0, x1, top, size, font = c
    return {"text": text, "x0": x0, "x1": x1, "top": top, "bottom": top + size, "doctop": top,
            "upright": True, "fontname": font, "size": size}


def test_lines_cluster_by_top_and_keep_positions() -> None:
    chars = _spell("second", 10, top=120) + _spell("first", 10, top=100)
    words = pdfium_text.words(chars, 1.5)
    assert [(w["text"], w["top"], w["x0"]) for w in words] == [("first", 100, 10), ("second", 120, 10)]
    assert words[0]["bottom"] == 110 and words[0]["size"] == 10 and words[0]["fontname"] == "Arial"


def _fields(lines: list[Line]) -> list[tuple[object, ...]]:
    return [(ln.text, ln.page, ln.size, ln.bold, ln.cells) for ln in lines]


def _same_lines(path: Path) -> tuple[list[Line], list[Line]]:
    data = path.read_bytes()
    fast = read_pdf(path, data, ocr=False, fast=True).lines
    slow = read_pdf(path, data, ocr=False, fast=False).lines
    return fast, slow


def test_a_generated_paper_reads_the_same_both_ways(tmp_path: Path) -> None:
    fast, slow = _same_lines(make_pdf(tmp_path / "m.pdf", [MINUTES_LINES, MINUTES_LINES[4:]]))
    assert _fields(fast) == _fields(slow)
    assert [ln.text for ln in fast[:4]] == MINUTES_LINES[:4]
    for a, b in zip(fast, slow, strict=True):
        assert a.x0 == pytest.approx(b.x0, abs=0.2) and a.top == pytest.approx(b.top, abs=0.5)


def test_table_cells_bold_and_spaces_drawn_apart(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.set_creation_date(FIXED_DATE)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, "ACTION LIST SUMMARY", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    for row in (("Jan24.01", "Clerk", "Order the barrier"), ("Jan24.02", "AF", "Report on footpaths")):
        for width, cell in zip((30, 30, 80), row, strict=True):
            pdf.cell(width, 7, cell)
        pdf.ln(7)
    # a space drawn as its own text object, as Word writes them: pdfium leaves it out
    pdf.set_xy(20, 60)
    pdf.cell(0, 7, "1.")
    pdf.set_xy(24, 60)
    pdf.cell(0, 7, " ")
    pdf.set_xy(24.8, 60)
    pdf.cell(0, 7, "Apologies")
    path = tmp_path / "t.pdf"
    pdf.output(str(path))
    fast, slow = _same_lines(path)
    assert _fields(fast) == _fields(slow)
    assert fast[0].bold and fast[0].text == "ACTION LIST SUMMARY"
    assert fast[1].cells == ("Jan24.01", "Clerk", "Order the barrier")
    assert fast[-1].text == "1. Apologies"


def test_a_page_with_rotated_text_is_read_by_pdfplumber(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.set_creation_date(FIXED_DATE)
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in MINUTES_LINES:
        pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    with pdf.rotation(90, x=150, y=200):
        pdf.text(150, 200, "Draft")
    path = tmp_path / "r.pdf"
    pdf.output(str(path))
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    try:
        assert pdfium_text.page_chars(doc[0], 841.89) is None  # rotated text: pdfium gives up the page
    finally:
        doc.close()
    fast, slow = _same_lines(path)
    assert fast == slow
    assert [ln.text for ln in fast][:2] == MINUTES_LINES[:2]


@pytest.mark.slow
@pytest.mark.parametrize("rel", [
    "kent-county-council/cabinet/2025-01-30/Appendix L - Treasury Management Strategy 2025-26.pdf",
    "alameda-city-minutes/OpenGovernmentCommission/2022-05-18.pdf",
    "suffolk-libraries-board/board-meeting-minutes-2014-11-27.pdf",
    "souldern-parish-council/minutes/2018-07-26 SPC minutes.pdf",
    "souldern-parish-council/agendas/2020-10-29 Agenda.pdf",
])
def test_real_papers_read_nearly_the_same_both_ways(rel: str) -> None:
    fast, slow = _same_lines(corpus_file(rel))
    same = sum(a == b for a, b in zip([ln.text for ln in fast], [ln.text for ln in slow], strict=False))
    assert len(fast) == pytest.approx(len(slow), rel=0.02)
    assert same >= 0.97 * len(slow)
