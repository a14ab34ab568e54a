"""PDF ingestor: pdfplumber words grouped into lines with their positions.

PDF objects never leave this module; callers get :class:`SourceFile` with :class:`Line` values.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError

from minutebook.errors import NeedsOCR, UnreadableDocument
from minutebook.model import Line, SourceFile

from . import ocr as ocr_engine

# Several real papers set words so tightly that the default x_tolerance=3 runs them together.
X_TOLERANCE = 1.5
# Words whose tops differ by less than this many points sit on one line.
LINE_TOLERANCE = 3.0
# A horizontal gap wider than this (points) separates two table cells or columns.
CELL_GAP = 18.0


def _group_lines(words: list[dict[str, Any]], page_no: int) -> list[Line]:
    words = sorted(words, key=lambda w: (round(w["top"]), w["x0"]))
    rows: list[list[dict[str, Any]]] = []
    for w in words:
        if rows and abs(rows[-1][0]["top"] - w["top"]) <= LINE_TOLERANCE:
            rows[-1].append(w)
        else:
            rows.append([w])
    lines = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        cells: list[list[str]] = [[row[0]["text"]]]
        for prev, w in zip(row, row[1:], strict=False):
            if w["x0"] - prev["x1"] > CELL_GAP:
                cells.append([])
            cells[-1].append(w["text"])
        cell_texts = tuple(" ".join(c) for c in cells)
        fonts = [str(w.get("fontname", "")) for w in row]
        bold = sum("bold" in f.lower() for f in fonts) * 2 > len(fonts)
        lines.append(
            Line(
                text=" ".join(cell_texts),
                page=page_no,
                x0=round(row[0]["x0"], 1),
                top=round(row[0]["top"], 1),
                size=round(max(float(w.get("size", 0)) for w in row), 1),
                bold=bold,
                cells=cell_texts if len(cell_texts) > 1 else None,
            )
        )
    return lines


def read_pdf(path: Path, data: bytes, ocr: bool = True) -> SourceFile:
    """Read a PDF's text layer, OCR-ing pages that have none when ``ocr`` is set.

    Raises UnreadableDocument (or NeedsOCR) with a one-line reason.
    """
    if not data.startswith(b"%PDF"):
        head = data[:4]
        if head.startswith(b"%!"):
            raise UnreadableDocument("not a PDF: PostScript file named .pdf")
        raise UnreadableDocument("not a PDF: file does not start with %PDF")
    lines: list[Line] = []
    empty_pages: list[int] = []
    try:
        with pdfplumber.open(path) as pdf:
            n_pages = len(pdf.pages)
            for i, page in enumerate(pdf.pages, start=1):
                words = page.extract_words(
                    x_tolerance=X_TOLERANCE, extra_attrs=["fontname", "size"]
                )
                page_lines = _group_lines(words, i)
                if not page_lines:
                    empty_pages.append(i)
                lines.extend(page_lines)
                page.close()
    except PDFPasswordIncorrect as exc:
        raise UnreadableDocument("encrypted PDF: a password is required") from exc
    except PDFSyntaxError as exc:
        raise UnreadableDocument(f"damaged PDF: {exc}") from exc
    except Exception as exc:  # pdfminer raises many unrelated types on broken files
        if "encrypt" in type(exc).__name__.lower() or "password" in str(exc).lower():
            raise UnreadableDocument("encrypted PDF: a password is required") from exc
        raise UnreadableDocument(f"damaged PDF: {type(exc).__name__}: {exc}".strip()) from exc
    used_ocr = False
    if empty_pages and ocr and ocr_engine.available():
        # Scans and glyphs drawn as vector paths have no characters: read those pages by OCR.
        read = ocr_engine.ocr_pages(path, empty_pages)
        used_ocr = any(read.values())
        lines = sorted([*lines, *(ln for page in read.values() for ln in page)],
                       key=lambda ln: ln.page)  # stable: keeps each page's reading order
    if not lines:
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
