"""PDF ingestor: words (from pdfium, or pdfplumber where needed) grouped into lines with positions.

PDF objects never leave this module; callers get :class:`SourceFile` with :class:`Line` values.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from minutebook.errors import NeedsOCR, UnreadableDocument
from minutebook.model import Line, SourceFile

from . import ocr as ocr_engine
from . import pdfium_text

log = logging.getLogger(__name__)

# Several real papers set words so tightly that the default x_tolerance=3 runs them together.
X_TOLERANCE = 1.5
# Words whose tops differ by less than this many points sit on one line.
LINE_TOLERANCE = 3.0
# pdfium keeps a font's descent in whole thousandths of an em, so its tops can differ from
# pdfminer's by ~0.01 pt: Word tables put words exactly LINE_TOLERANCE apart, which must not split.
TOP_NOISE = 0.02
# A line with this many cells is a table row; in a table of two such rows or more (a header and
# a row: not a one-line label/text layout), the lines under a row that begin further right than
# its first cell are its wrapped lines, placed under its columns (within COLUMN_SLACK points).
MIN_TABLE_COLUMNS = 3
COLUMN_SLACK = 6.0
# A horizontal gap wider than this (points) separates two table cells or columns.
CELL_GAP = 18.0
# A page with fewer words than this under an image covering SCAN_IMAGE_SHARE of it is a scan
# with a stamp or a scanner's footer, not a text page: it is OCR'd.
SCAN_STAMP_WORDS = 8
SCAN_IMAGE_SHARE = 0.6
# Curves on a page of glyphs drawn as vector paths: hundreds (873 on a Souldern page that also
# prints one line in a real font); a page with a small chart or logo has a few dozen.
VECTOR_GLYPH_CURVES = 200


def _group_lines(words: list[dict[str, Any]], page_no: int) -> list[Line]:
    words = sorted(words, key=lambda w: (round(w["top"]), w["x0"]))
    rows: list[list[dict[str, Any]]] = []
    for w in words:
        if rows and abs(rows[-1][0]["top"] - w["top"]) <= LINE_TOLERANCE + TOP_NOISE:
            rows[-1].append(w)
        else:
            rows.append([w])
    lines = []
    columns: list[float] = []  # where the cells of the table row above begin
    table_rows = 0  # rows of MIN_TABLE_COLUMNS cells in the table so far
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        cells: list[list[str]] = [[row[0]["text"]]]
        starts = [float(row[0]["x0"])]
        for prev, w in zip(row, row[1:], strict=False):
            if w["x0"] - prev["x1"] > CELL_GAP:
                cells.append([])
                starts.append(float(w["x0"]))
            cells[-1].append(w["text"])
        cell_texts = tuple(" ".join(c) for c in cells)
        if len(cell_texts) >= MIN_TABLE_COLUMNS:
            columns, table_rows = starts, table_rows + 1
        elif table_rows >= 2 and starts[0] > columns[0] + COLUMN_SLACK and len(cell_texts) < len(columns):
            # a wrapped line of the row above ("park barrier" under "Obtain three quotes for
            # repair of the car"): its cells are placed under the columns they start in, so a
            # reader of the table knows a description's second line from an update's
            cell_texts = _place(cell_texts, starts, columns)
        else:
            columns, table_rows = [], 0
        fonts = [str(w.get("fontname", "")) for w in row]
        bold = sum("bold" in f.lower() for f in fonts) * 2 > len(fonts)
        lines.append(
            Line(
                text=" ".join(c for c in cell_texts if c),
                page=page_no,
                x0=round(row[0]["x0"], 1),
                top=round(row[0]["top"], 1),
                size=round(max(float(w.get("size", 0)) for w in row), 1),
                bold=bold,
                cells=cell_texts if len(cell_texts) > 1 else None,
            )
        )
    return lines


def _place(cells: tuple[str, ...], starts: list[float], columns: list[float]) -> tuple[str, ...]:
    """``cells`` (beginning at ``starts``) as a row of ``len(columns)`` cells, each under the
    column it begins in, the others empty."""
    placed = [""] * len(columns)
    for text, x in zip(cells, starts, strict=True):
        col = max([i for i, cx in enumerate(columns) if cx <= x + COLUMN_SLACK] or [0])
        placed[col] = f"{placed[col]} {text}".strip()
    return tuple(placed)


def _plumber_words(page: Any) -> tuple[list[dict[str, Any]], bool]:
    """A page's words by pdfplumber, and whether the page is a scan to OCR rather than read."""
    try:
        words = page.extract_words(x_tolerance=X_TOLERANCE, extra_attrs=["fontname", "size"])
        scan = len(words) < SCAN_STAMP_WORDS and (
            _mostly_image(page) or len(page.curves) >= VECTOR_GLYPH_CURVES)
    finally:
        page.close()
    return words, scan


def _open_pdfium(data: bytes, n_pages: int) -> pdfium.PdfDocument | None:
    """The same PDF opened by pdfium, or None when pdfium reads it differently from pdfminer."""
    try:
        doc = pdfium.PdfDocument(data, password="")
    except pdfium.PdfiumError:
        return None
    if len(doc) != n_pages:
        doc.close()
        return None
    return doc


def _pdfium_words(doc: pdfium.PdfDocument, page_no: int, height: float) -> list[dict[str, Any]] | None:
    """A page's words by pdfium, or None when it cannot rebuild them as pdfplumber would."""
    try:
        page = doc[page_no - 1]
    except pdfium.PdfiumError:
        return None
    try:
        chars = pdfium_text.page_chars(page, height)
    except pdfium.PdfiumError:
        return None
    finally:
        page.close()
    return None if chars is None else pdfium_text.words(chars, X_TOLERANCE)


def _mostly_image(page: Any) -> bool:
    """Whether one image covers most of the page (a scanned page)."""
    area = float(page.width) * float(page.height)
    for img in page.images:
        w = float(img["x1"]) - float(img["x0"])
        h = float(img["bottom"]) - float(img["top"])
        if area and w * h >= SCAN_IMAGE_SHARE * area:
            return True
    return False


def _root_cause(exc: BaseException) -> BaseException:
    """pdfplumber wraps pdfminer's errors in PdfminerException(original): unwrap it."""
    if isinstance(exc, PdfminerException) and exc.args and isinstance(exc.args[0], BaseException):
        return exc.args[0]
    return exc


def _reason(exc: BaseException) -> str:
    """One line naming what went wrong, for an error or a warning."""
    exc = _root_cause(exc)
    text = " ".join(str(exc).split())[:160]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _is_password_error(exc: BaseException) -> bool:
    exc = _root_cause(exc)
    return isinstance(exc, PDFPasswordIncorrect) or "password" in str(exc).lower() or (
        "encrypt" in type(exc).__name__.lower())


def _page_list(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")


def read_pdf(path: Path, data: bytes, ocr: bool = True, fast: bool = True) -> SourceFile:
    """Read a PDF's text layer, OCR-ing pages that have none when ``ocr`` is set.

    A page that fails to parse is skipped with a logged warning and the rest are kept; the file
    fails only when no page can be read. Raises UnreadableDocument (or NeedsOCR) with a one-line
    reason. A PDF encrypted with an empty user password (owner password only) opens normally.
    pdfplumber opens the file (its errors decide whether it is readable); with ``fast`` each
    page's words come from pdfium (:mod:`ingest.pdfium_text`) and pdfplumber reads only the pages
    pdfium cannot rebuild or that have too few words to rule out a scan.
    """
    if b"%PDF" not in data[:1024]:  # the header may follow a little junk, as readers allow
        if data.lstrip().startswith(b"%!"):
            raise UnreadableDocument("not a PDF: PostScript file named .pdf")
        raise UnreadableDocument("not a PDF: file does not start with %PDF")
    lines: list[Line] = []
    empty_pages: list[int] = []
    failed: dict[int, str] = {}
    try:
        # password="" is pdfminer's default too: owner-password-only PDFs open without asking
        with pdfplumber.open(path, password="") as pdf:
            n_pages = len(pdf.pages)
            fast_doc = _open_pdfium(data, n_pages) if fast else None
            try:
                for i, page in enumerate(pdf.pages, start=1):
                    words = None
                    if fast_doc is not None and not page.rotation:
                        words = _pdfium_words(fast_doc, i, float(page.height))
                    if words is None or len(words) < SCAN_STAMP_WORDS:
                        # pdfium could not rebuild the page, or it may be a scan: pdfplumber
                        # decides, with the image and curve tests
                        try:
                            words, scan = _plumber_words(page)
                        except Exception as exc:  # noqa: BLE001 - pdfminer raises many types on a bad page
                            failed[i] = _reason(exc)
                            continue
                        if scan:
                            # a scan with a few stamped words ("Page 2", a scanner's name), or a
                            # page of glyphs drawn as paths with a line of real text: OCR it whole
                            empty_pages.append(i)
                            continue
                    page_lines = _group_lines(words, i)
                    if not page_lines:
                        empty_pages.append(i)
                    lines.extend(page_lines)
            finally:
                if fast_doc is not None:
                    fast_doc.close()
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many unrelated types on broken files
        if _is_password_error(exc):
            raise UnreadableDocument("encrypted PDF: a password is required to open it") from exc
        if b"%%EOF" not in data[-2048:]:
            raise UnreadableDocument(f"damaged PDF: truncated (no end-of-file marker); {_reason(exc)}") from exc
        raise UnreadableDocument(f"damaged PDF: {_reason(exc)}") from exc
    if n_pages == 0:
        raise UnreadableDocument("damaged PDF: no pages")
    if len(failed) == n_pages:
        first = min(failed)
        raise UnreadableDocument(
            f"damaged PDF: none of its {n_pages} pages can be read (page {first}: {failed[first]})")
    used_ocr = False
    if empty_pages and ocr and ocr_engine.available():
        # Scans and glyphs drawn as vector paths have no characters: read those pages by OCR.
        ocr_failed: dict[int, str] = {}
        try:
            read = ocr_engine.ocr_pages(path, empty_pages, failures=ocr_failed)
        except UnreadableDocument as exc:
            if not lines:
                raise
            # the text pages stand on their own; the OCR pages are lost, with a warning
            read = {}
            ocr_failed = dict.fromkeys(empty_pages, str(exc))
        failed.update(ocr_failed)
        used_ocr = any(read.values())
        lines = sorted([*lines, *(ln for page in read.values() for ln in page)],
                       key=lambda ln: ln.page)  # stable: keeps each page's reading order
    if failed:
        pages = sorted(failed)
        log.warning("%s: kept %d of %d pages; page %s could not be read (page %d: %s)",
                    path, n_pages - len(pages), n_pages, _page_list(pages), pages[0], failed[pages[0]])
    if not lines:
        if failed:
            first = min(failed)
            raise UnreadableDocument(f"no readable text: page {first} failed ({failed[first]})")
        if ocr and ocr_engine.available():
            raise NeedsOCR(f"no text layer on any of {n_pages} pages, and OCR found no text")
        raise NeedsOCR(f"no text layer on any of {n_pages} pages (needs OCR; tesseract not installed)")
    return SourceFile(
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        format="pdf",
        pages=n_pages,
        lines=lines,
        ocr=used_ocr,
    )
