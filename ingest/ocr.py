"""OCR for pages with no text layer: pypdfium2 renders, Tesseract reads (TSV, with word boxes).

Used only for pages where the PDF has no characters (scans, or glyphs drawn as vector paths).
Tesseract's default page segmentation sets a column of item numbers apart from their titles;
``--psm 4`` (a single column of variable-size text) keeps each number on its title's line.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from minutebook.errors import UnreadableDocument
from minutebook.model import Line

DPI = 200  # 300 dpi costs ~1.5x the time for the same text on the papers measured
PSM = "4"
TIMEOUT_S = 120


def available() -> bool:
    return shutil.which("tesseract") is not None


def _lines_from_tsv(tsv: str, page_no: int, scale: float) -> list[Line]:
    rows: dict[tuple[int, int, int], list[tuple[float, float, float, str]]] = {}
    for raw in tsv.splitlines()[1:]:
        cols = raw.split("\t")
        if len(cols) < 12 or cols[0] != "5":  # level 5 rows are words
            continue
        text = cols[11].strip()
        if not text:
            continue
        try:
            key = (int(cols[2]), int(cols[3]), int(cols[4]))  # block, paragraph, line
            left, top, height = float(cols[6]), float(cols[7]), float(cols[9])
        except ValueError:
            continue
        rows.setdefault(key, []).append((left, top, height, text))
    lines = []
    for words in rows.values():
        words.sort()
        lines.append(Line(
            text=" ".join(w[3] for w in words), page=page_no,
            x0=round(words[0][0] * scale, 1), top=round(min(w[1] for w in words) * scale, 1),
            size=round(max(w[2] for w in words) * scale, 1),
        ))
    lines.sort(key=lambda ln: (ln.top or 0.0, ln.x0 or 0.0))
    return lines


def ocr_pages(path: Path, pages: Iterable[int], dpi: int = DPI) -> dict[int, list[Line]]:
    """Lines for each 1-based page number, read by Tesseract; positions in PDF points."""
    import pypdfium2 as pdfium

    if not available():
        raise UnreadableDocument("needs OCR but tesseract is not installed (Debian: tesseract-ocr)")
    out: dict[int, list[Line]] = {}
    pdf = pdfium.PdfDocument(str(path))
    try:
        with tempfile.TemporaryDirectory(prefix="minutebook-ocr-") as tmp:
            for page_no in pages:
                page = pdf[page_no - 1]
                image = page.render(scale=dpi / 72).to_pil()
                img_path = Path(tmp) / f"p{page_no}.png"
                image.save(img_path)
                page.close()
                try:
                    res = subprocess.run(
                        ["tesseract", str(img_path), "stdout", "--psm", PSM, "-l", "eng", "tsv"],
                        capture_output=True, text=True, timeout=TIMEOUT_S, check=True,
                    )
                except subprocess.TimeoutExpired as exc:
                    raise UnreadableDocument(f"OCR timed out on page {page_no}") from exc
                except subprocess.CalledProcessError as exc:
                    raise UnreadableDocument(f"OCR failed on page {page_no}: {exc.stderr.strip()[:120]}") from exc
                out[page_no] = _lines_from_tsv(res.stdout, page_no, 72 / dpi)
    finally:
        pdf.close()
    return out
