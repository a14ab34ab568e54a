"""OCR for pages with no text layer: pypdfium2 renders, Tesseract reads (TSV, with word boxes).

Used only for pages where the PDF has no characters (scans, or glyphs drawn as vector paths).

Tesseract's layout analysis (``--psm 3``/``4``) drops a column of bare item numbers ("1." ...
"9." set apart from their titles) or reads them as lines of their own; ``--psm 6`` (one block of
text) keeps each number on its title's line. On the 60 Souldern papers that need OCR, psm 4 gave
items in 56 files (494 items), psm 6 in all 60 (545), the same on the 3 OCR gold documents.

DPI, measured by ``scratch/ocr_dpi.py`` on 30 Souldern pages (scans and vector-glyph minutes),
one Tesseract thread, psm 6, wall time per page including the render:

=====  ===========  ===================  ==============================
dpi    s per page   gold items (3 docs)  items on 12 more files vs 200
=====  ===========  ===================  ==============================
150    0.55         26/27                107/111
200    0.66         27/27                111/111
300    0.87         27/27                111/111
=====  ===========  ===================  ==============================

200 dpi is kept: every item 300 dpi finds, at three quarters of its time. Rendering in
greyscale gives byte-identical TSV to colour and saves the colour conversion.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from minutebook.errors import UnreadableDocument
from minutebook.model import Line

DPI = 200
PSM = "6"
TIMEOUT_S = 120
# A horizontal gap wider than this (points) separates two table cells, as in ingest/pdf.py.
CELL_GAP = 18.0
# Two Tesseract lines whose middles differ by less than this share of a line's height are level.
ROW_TOLERANCE = 0.5
# Tesseract's OpenMP threads spin-wait: one thread per process is ~6x faster per page here
# (0.45 s against 2.5-3.5 s on a 2-core machine) and gives the same text; parallelism comes
# from the ingest worker processes instead.
TESSERACT_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}

# Mean word confidence (0-100) under which a line without digits is noise: on the Souldern scans
# every line under 40 was a signature or a speck ("C Vda :", "tii Le"), and real lines scored 85+.
LOW_CONFIDENCE = 40.0
# A "word" that is only table-rule or margin noise: Tesseract reads ruled lines and scanner
# specks as "|", "_" or "~" (dashes and quotes stay: they can be real text).
NOISE_WORD_RE = re.compile(r"^[|¦_~=`]+$")
# Bars stuck to a word ("|Apologies", "02.21.03|"): a vertical rule read with the text.
EDGE_BAR_RE = re.compile(r"^[|¦\[\]]+(?=\w)|(?<=\w)[|¦]+$")
# A line's first word when it is an item number with OCR letter-for-digit confusions:
# "O2.19.01", "02.l9.0I", "1O.", "02,21.03". Needs one real digit and a digit-like run only.
OCR_NUMBER_RE = re.compile(
    r"""
    ^(?=[^\s]*\d)                       # at least one real digit in the word
    (?P<num>
        [\dOoIl|]{1,3}                  # first group, maybe with O for 0, l/I/| for 1
        (?:[.,][\dOoIl|]{1,2}){0,2}     # dotted groups (a comma is a misread period; three
                                        # digits after a comma are thousands: "5,000")
    )
    (?P<end>[.,]?)(?=\s|$)              # trailing period, then the title
    """,
    re.VERBOSE,
)
DIGIT_FOR = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", ",": "."})


def available() -> bool:
    """Whether the ``tesseract`` executable is on the PATH."""
    return shutil.which("tesseract") is not None


def _clean_word(text: str) -> str:
    text = EDGE_BAR_RE.sub("", text.strip())
    return "" if NOISE_WORD_RE.match(text) else text


def repair_number(text: str) -> str:
    """A line with its leading item number's OCR letter confusions put right.

    >>> repair_number("O2.19.01 Apologies")
    '02.19.01 Apologies'
    >>> repair_number("4, Public Participation")
    '4. Public Participation'
    >>> repair_number("Ol Minutes")
    'Ol Minutes'
    """
    m = OCR_NUMBER_RE.match(text)
    if m is None:
        return text
    # "4, Public Participation": a comma after a bare number is a misread period when a
    # capitalised title follows; "4, 5 and 6" stays
    comma_for_period = m.group("end") == "," and text[m.end():m.end() + 2].strip()[:1].isupper()
    if m.group("num").isdigit() and not comma_for_period:
        return text
    fixed = m.group("num").translate(DIGIT_FOR)
    end = "." if m.group("end") else ""
    return fixed + end + text[m.end():]


class _Word(NamedTuple):
    left: float
    top: float
    right: float
    bottom: float
    text: str


def _tsv_words(tsv: str) -> dict[tuple[int, int, int], list[_Word]]:
    """Tesseract's words (level-5 rows), cleaned, grouped by its (block, paragraph, line).

    A line Tesseract itself doubts (mean confidence under LOW_CONFIDENCE) with no digit in it is
    a signature, a stamp or a speck, and is dropped; numbers are kept whatever their score.
    """
    found: dict[tuple[int, int, int], list[_Word]] = {}
    confidence: dict[tuple[int, int, int], list[float]] = {}
    for raw in tsv.splitlines()[1:]:
        cols = raw.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = _clean_word(cols[11])
        if not text:
            continue
        try:
            key = (int(cols[2]), int(cols[3]), int(cols[4]))
            left, top, width, height, conf = (float(c) for c in cols[6:11])
        except ValueError:
            continue
        found.setdefault(key, []).append(_Word(left, top, left + width, top + height, text))
        confidence.setdefault(key, []).append(conf)
    for key, confs in confidence.items():
        if sum(confs) / len(confs) < LOW_CONFIDENCE and not any(
                ch.isdigit() for w in found[key] for ch in w.text):
            del found[key]
    return found


def _same_row(a: list[_Word], b: list[_Word]) -> bool:
    """Two Tesseract lines side by side on one printed row (a number set apart from its title,
    or two table cells): their middles level, their spans apart."""
    a_top, a_bot = min(w.top for w in a), max(w.bottom for w in a)
    b_top, b_bot = min(w.top for w in b), max(w.bottom for w in b)
    level = abs((a_top + a_bot) - (b_top + b_bot)) / 2 <= ROW_TOLERANCE * min(a_bot - a_top, b_bot - b_top)
    apart = max(w.right for w in a) <= min(w.left for w in b) or max(w.right for w in b) <= min(w.left for w in a)
    return level and apart


def lines_from_tsv(tsv: str, page_no: int, scale: float) -> list[Line]:
    """Lines from Tesseract's TSV output, positions multiplied by ``scale`` (pixels to points).

    Noise words (bars from table rules, specks) are dropped. Tesseract lines level with each
    other become one row, as the PDF reader's lines are; words far apart start a new cell.
    """
    rows: list[list[_Word]] = []
    for words in sorted(_tsv_words(tsv).values(), key=lambda ws: min(w.top for w in ws)):
        for row in rows[-3:]:  # only rows just above can be level with this one
            if _same_row(row, words):
                row.extend(words)
                break
        else:
            rows.append(list(words))
    lines = []
    for row in rows:
        row.sort()
        cells: list[list[str]] = [[row[0].text]]
        for prev, w in zip(row, row[1:], strict=False):
            if (w.left - prev.right) * scale > CELL_GAP:
                cells.append([])
            cells[-1].append(w.text)
        cell_texts = tuple(" ".join(c) for c in cells)
        lines.append(Line(
            text=repair_number(" ".join(cell_texts)), page=page_no,
            x0=round(row[0].left * scale, 1), top=round(min(w.top for w in row) * scale, 1),
            size=round(max(w.bottom - w.top for w in row) * scale, 1),
            cells=cell_texts if len(cell_texts) > 1 else None,
        ))
    lines.sort(key=lambda ln: (ln.top or 0.0, ln.x0 or 0.0))
    return lines


def page_tsvs(
    path: Path, pages: Iterable[int], dpi: int = DPI, psm: str = PSM,
    failures: dict[int, str] | None = None,
) -> Iterator[tuple[int, str]]:
    """Tesseract's TSV for each 1-based page number, one subprocess per page.

    A page that cannot be rendered or read raises UnreadableDocument, or, when ``failures`` is
    given, is recorded there (page number -> reason) and skipped.
    """
    import pypdfium2 as pdfium

    if not available():
        raise UnreadableDocument("needs OCR but tesseract is not installed (Debian: tesseract-ocr)")
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise UnreadableDocument(f"OCR cannot open the PDF: {exc}") from exc
    try:
        with tempfile.TemporaryDirectory(prefix="minutebook-ocr-") as tmp:
            for page_no in pages:
                try:
                    yield page_no, _ocr_page(pdf, page_no, dpi, psm, Path(tmp))
                except UnreadableDocument as exc:
                    if failures is None:
                        raise
                    failures[page_no] = str(exc)
    finally:
        pdf.close()


RULE_INCHES = 0.6  # a letter stroke is never this long; a table rule or an underline is
INK = 160  # grey level below which a pixel is ink


def _long_runs(dark: np.ndarray, length: int) -> np.ndarray:
    """Pixels that lie in a horizontal run of ink at least ``length`` long (window sums, no loops)."""
    h, w = dark.shape
    if w < length:
        return np.zeros_like(dark)
    c = np.zeros((h, w + 1), np.int32)
    np.cumsum(dark, axis=1, out=c[:, 1:])
    full = (c[:, length:] - c[:, :-length]) == length  # window [j, j + length) all ink
    f = np.zeros((h, w + 1), np.int32)  # spread each full window back over its pixels
    np.cumsum(full, axis=1, out=f[:, 1:full.shape[1] + 1])
    f[:, full.shape[1] + 1:] = f[:, full.shape[1]:full.shape[1] + 1]
    j = np.arange(w)
    lo = np.clip(j - length + 1, 0, full.shape[1])
    hi = np.clip(j + 1, 0, full.shape[1])
    return (f[:, hi] - f[:, lo]) > 0


def remove_rules(image: Any, dpi: int) -> Any:
    """The page with table rules whited out.

    With ``--psm 6`` Tesseract reads a ruled table as one block, and the rules between rows make
    it drop whole rows (on one Souldern page, 4 of 5 action rows). Long straight runs of ink,
    horizontal or vertical, are rules or underlines, never glyphs.
    """
    from PIL import Image

    a = np.array(image.convert("L"))
    dark = a < INK
    n = int(dpi * RULE_INCHES)
    rules = _long_runs(dark, n) | _long_runs(dark.T, n).T
    grown = rules.copy()  # one pixel more each way: the anti-aliased edge of a rule
    grown[1:] |= rules[:-1]
    grown[:-1] |= rules[1:]
    grown[:, 1:] |= rules[:, :-1]
    grown[:, :-1] |= rules[:, 1:]
    a[grown] = 255
    return Image.fromarray(a)


def _ocr_page(pdf: Any, page_no: int, dpi: int, psm: str, tmp: Path) -> str:
    import pypdfium2 as pdfium

    try:
        page = pdf[page_no - 1]
        try:
            image = page.render(scale=dpi / 72, grayscale=True).to_pil()
        finally:
            page.close()
    except pdfium.PdfiumError as exc:
        raise UnreadableDocument(f"OCR cannot render page {page_no}: {exc}") from exc
    image = remove_rules(image, dpi)
    # uncompressed greyscale: no PNG encode/decode on either side
    img_path = tmp / f"p{page_no}.pgm"
    image.save(img_path)
    try:
        res = subprocess.run(
            ["tesseract", str(img_path), "stdout", "--psm", psm, "-l", "eng", "tsv"],
            capture_output=True, text=True, timeout=TIMEOUT_S, check=True, env=TESSERACT_ENV,
        )
    except subprocess.TimeoutExpired as exc:
        raise UnreadableDocument(f"OCR timed out on page {page_no}") from exc
    except subprocess.CalledProcessError as exc:
        reason = " ".join(exc.stderr.split())[:120]
        raise UnreadableDocument(f"OCR failed on page {page_no}: {reason}") from exc
    finally:
        img_path.unlink(missing_ok=True)
    return res.stdout


def ocr_pages(
    path: Path, pages: Iterable[int], dpi: int = DPI, failures: dict[int, str] | None = None
) -> dict[int, list[Line]]:
    """Lines for each 1-based page number, read by Tesseract; positions in PDF points.

    With ``failures``, a page that cannot be read is recorded there instead of raising.
    """
    return {page_no: lines_from_tsv(tsv, page_no, 72 / dpi)
            for page_no, tsv in page_tsvs(path, pages, dpi, failures=failures)}
