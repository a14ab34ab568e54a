"""OCR (ingest.ocr): Tesseract TSV into lines, OCR noise in item numbers, scanned papers end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import corpus_file

from ingest import ocr
from ingest.items import split_items
from ingest.layout import strip_running_lines
from ingest.reader import read_file
from tests.make_hostile import make_scanned_pdf

needs_tesseract = pytest.mark.skipif(not ocr.available(), reason="tesseract not installed")

TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


def _tsv(*words: tuple[int, int, int, int, int, str], conf: float = 95.0) -> str:
    """TSV rows for words given as (block, line, left, top, width, text); height is 30 px."""
    rows = [TSV_HEADER]
    for k, (block, line, left, top, width, text) in enumerate(words):
        rows.append(f"5\t1\t{block}\t1\t{line}\t{k + 1}\t{left}\t{top}\t{width}\t30\t{conf}\t{text}")
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        pytest.param("O2.19.01 Apologies", "02.19.01 Apologies", id="letter-O-for-zero"),
        pytest.param("02.l9.0I Minutes", "02.19.01 Minutes", id="l-and-I-for-one"),
        pytest.param("02,21.03 To receive", "02.21.03 To receive", id="comma-for-period"),
        pytest.param("1O. Finance", "10. Finance", id="plain-with-O"),
        pytest.param("4, Public Participation", "4. Public Participation", id="comma-after-number"),
        pytest.param("4, 5 and 6 were agreed", "4, 5 and 6 were agreed", id="list-of-numbers"),
        pytest.param("5,000 people attended", "5,000 people attended", id="thousands"),
        pytest.param("Ol Minutes", "Ol Minutes", id="no-real-digit"),
        pytest.param("023.21.06 Playground", "023.21.06 Playground", id="typo-kept-as-printed"),
        pytest.param("I am pleased", "I am pleased", id="word-I"),
    ],
)
def test_repair_number(raw: str, fixed: str) -> None:
    assert ocr.repair_number(raw) == fixed


def test_number_set_apart_from_its_title_joins_it() -> None:
    # Tesseract may return a margin number and its title as two lines level with each other
    tsv = _tsv((1, 1, 100, 500, 40, "7"), (2, 1, 200, 502, 150, "Planning"),
               (2, 2, 200, 560, 100, "No"), (2, 2, 310, 560, 150, "objection"))
    lines = ocr.lines_from_tsv(tsv, 2, 72 / 200)
    assert [ln.text for ln in lines] == ["7 Planning", "No objection"]
    assert lines[0].page == 2 and lines[0].x0 == pytest.approx(36.0)
    assert lines[0].top == pytest.approx(180.0)


def test_table_rule_bars_dropped_and_far_words_split_into_cells() -> None:
    tsv = _tsv((1, 1, 100, 300, 100, "Payee"), (1, 1, 205, 300, 10, "|"),
               (1, 1, 400, 300, 100, "Detail"), (1, 1, 510, 300, 60, "|Total"),
               (1, 2, 100, 360, 10, "|"))
    lines = ocr.lines_from_tsv(tsv, 1, 72 / 200)
    assert [ln.text for ln in lines] == ["Payee Detail Total"]
    assert lines[0].cells == ("Payee", "Detail Total")


def test_doubtful_lines_dropped_unless_they_hold_a_number() -> None:
    good = _tsv((1, 1, 100, 100, 80, "Signed"))
    scribble = _tsv((2, 1, 100, 300, 80, "C"), (2, 1, 190, 300, 80, "Vda"), conf=18.0)
    number = _tsv((3, 1, 100, 500, 40, "4"), conf=31.0)
    tsv = good + "\n".join([*scribble.splitlines()[1:], *number.splitlines()[1:]]) + "\n"
    assert [ln.text for ln in ocr.lines_from_tsv(tsv, 1, 0.36)] == ["Signed", "4"]


def test_lines_in_reading_order_from_top() -> None:
    tsv = _tsv((2, 1, 100, 900, 80, "Later"), (1, 1, 100, 100, 80, "First"))
    assert [ln.text for ln in ocr.lines_from_tsv(tsv, 1, 0.36)] == ["First", "Later"]


@needs_tesseract
def test_scanned_page_is_read_and_split(tmp_path: Path) -> None:
    path = make_scanned_pdf(tmp_path / "scan.pdf", [
        "Ashcombe Parish Council", "Minutes of the meeting", "1. Apologies for absence",
        "2. Footpath repairs", "3. Any other business"])
    src = read_file(path)
    assert src.ocr and src.pages == 1
    _, items = split_items(strip_running_lines(src.lines))
    assert [(it.number, it.title) for it in items] == [
        ("1", "Apologies for absence"), ("2", "Footpath repairs"), ("3", "Any other business")]


@needs_tesseract
def test_scan_with_a_stamped_text_footer_is_still_read_by_ocr(tmp_path: Path) -> None:
    path = make_scanned_pdf(tmp_path / "scan.pdf", ["1. Apologies for absence", "2. Footpath repairs"],
                            stamp="Scanned by OfficeScan")
    src = read_file(path)
    assert src.ocr
    assert "1. Apologies for absence" in [ln.text for ln in src.lines]


@needs_tesseract
def test_no_ocr_flag_leaves_a_scan_unread(tmp_path: Path) -> None:
    from minutebook.errors import NeedsOCR

    path = make_scanned_pdf(tmp_path / "scan.pdf", ["1. Apologies"])
    with pytest.raises(NeedsOCR):
        read_file(path, ocr=False)


@needs_tesseract
@pytest.mark.parametrize(
    ("rel", "numbers"),
    [
        pytest.param("souldern-parish-council/minutes/2019-02-28 SPC minutes.pdf",
                     ["02.19.01", "02.19.02", "02.19.03", "02.19.04", "02.19.05", "02.19.06"],
                     id="vector-glyph-minutes"),
        pytest.param("souldern-parish-council/minutes/2021-02-25 SPC minutes.pdf",
                     ["02.21.01", "02.21.02", "02.21.03", "02.21.04", "02.21.05", "023.21.06", "7", "8"],
                     id="scanned-minutes-typo-then-plain-numbers"),
        pytest.param("souldern-parish-council/agendas/2021-05-27 Annual Meeting Agenda.pdf",
                     [str(n) for n in range(1, 10)], id="scanned-agenda-number-column"),
    ],
)
def test_ocr_papers_give_their_items(rel: str, numbers: list[str]) -> None:
    src = read_file(corpus_file(rel))
    assert src.ocr
    _, items = split_items(strip_running_lines(src.lines))
    assert [it.number for it in items if it.parent is None] == numbers


@needs_tesseract
def test_vector_glyph_page_with_one_real_text_line_is_ocrd_whole() -> None:
    # page 3 prints its "Date of next meetings" table in a real font (run together by the
    # text layer) and everything else as vector paths: the whole page is read by OCR
    src = read_file(corpus_file("souldern-parish-council/minutes/2018-08-23 SPC minutes.pdf"))
    page3 = [ln.text for ln in src.lines if ln.page == 3]
    assert src.ocr
    assert "Date of next meetings :" in page3
    assert not any("Dateofnextmeetings" in t for t in page3)
