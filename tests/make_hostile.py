"""Write a set of hostile input files (our own bytes, never corpus copies) into a folder.

Usage: ``python -m tests.make_hostile FOLDER [--pages N]``. :func:`make_hostile` returns what the
ingest of each file should do, so the test reads its expectations from the same place:
``None`` for a file that must be ingested, or words the one-line error reason must contain.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from fpdf import FPDF

from tests.pdfgen import FIXED_DATE, MINUTES_LINES, make_pdf

LONG_PAGES = 2000
TOPICS = ["Footpath repairs", "Street lighting", "Tree survey", "Drainage", "Bus shelter",
          "Play area", "Verge cutting", "Litter bins", "Parking", "Noticeboard", "Allotments"]
PLACES = ["Mill Lane", "Church Street", "the Green", "Station Road", "Orchard Close", "High Street",
          "Brook Lane", "the Recreation Ground", "Manor Farm", "School Lane", "Well Lane",
          "Hill Rise", "the Cemetery"]

# What one line of a hostile file's error must say (any of the words), or None: ingested.
Expectation = tuple[str, ...] | None


def _pdf(compress: bool = True) -> FPDF:
    pdf = FPDF()
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_compression(compress)
    pdf.set_font("Helvetica", size=11)
    return pdf


def make_long_pdf(path: Path, pages: int) -> Path:
    """A report of ``pages`` pages, a numbered heading and a sentence on each (fast to write)."""
    pdf = _pdf()
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_xy(20, 10)
    pdf.cell(0, 7, "Ashcombe Parish Council: footpath survey report")
    for n in range(1, pages + 1):
        if n > 1:
            pdf.add_page()
        # varied words: a line whose shape recurs on most pages is a running header and is cut
        topic, place = TOPICS[n % len(TOPICS)], PLACES[n // len(TOPICS) % len(PLACES)]
        pdf.set_xy(20, 20)
        pdf.cell(0, 7, f"{n}. {topic} at {place}")
        pdf.set_xy(20, 30)
        pdf.cell(0, 7, f"The council reviewed the {topic.lower()} at {place} (section {n}).")
    pdf.output(str(path))
    return path


def break_page_contents(data: bytes, pages: set[int]) -> bytes:
    """``data`` (an uncompressed fpdf2 PDF) with an incremental update that gives the content
    streams of ``pages`` (1-based) a filter no reader implements, so those pages fail to parse
    while the file and its other pages stay valid."""
    objects = {int(m.group(1)): m.group(2) for m in re.finditer(
        rb"(\d+) 0 obj\s*(.*?)endobj", data, re.S)}
    # page dictionaries in page order: the /Kids array of the page tree
    tree = next(body for body in objects.values() if re.search(rb"/Type\s*/Pages\b", body))
    kids = re.search(rb"/Kids\s*\[([^\]]*)\]", tree)
    assert kids is not None, "no page tree"
    page_ids = [int(n) for n in re.findall(rb"(\d+) 0 R", kids.group(1))]
    size = int(re.findall(rb"/Size (\d+)", data)[-1])
    root = re.findall(rb"/Root (\d+ 0 R)", data)[-1]
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    out = bytearray(data)
    offsets: dict[int, int] = {}
    for page_no in sorted(pages):
        contents = re.search(rb"/Contents (\d+) 0 R", objects[page_ids[page_no - 1]])
        assert contents is not None, "page without a content stream"
        obj = int(contents.group(1))
        body = b"BT /F1 11 Tf 20 800 Td (unreadable) Tj ET"
        offsets[obj] = len(out)
        out += b"%d 0 obj\n<< /Length %d /Filter /NoSuchDecode >>\nstream\n" % (obj, len(body))
        out += body + b"\nendstream\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    for obj in sorted(offsets):
        out += b"%d 1\n%010d 00000 n \n" % (obj, offsets[obj])
    out += b"trailer\n<< /Size %d /Root %s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size, root, prev, xref)
    return bytes(out)


def make_broken_pages_pdf(path: Path, pages: int, broken: set[int]) -> Path:
    """A minutes PDF of ``pages`` pages whose pages in ``broken`` raise when parsed."""
    pdf = _pdf(compress=False)
    for n in range(1, pages + 1):
        pdf.add_page()
        for line in ([*MINUTES_LINES[:4], f"{n}. Item on page {n}", "Noted."] if n == 1
                     else [f"{n}. Item on page {n}", f"The council discussed matter {n}."]):
            pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    path.write_bytes(break_page_contents(bytes(pdf.output()), broken))
    return path


def make_scanned_pdf(path: Path, lines: list[str], stamp: str | None = None) -> Path:
    """An image-only PDF: ``lines`` drawn into a greyscale picture, no text layer at all, or
    only ``stamp`` as text (a scanner's footer) at the foot of the page."""
    from PIL import Image, ImageDraw, ImageFont

    scale = 200 / 72  # a 200 dpi scan of an A4 page
    image = Image.new("L", (int(595 * scale), int(842 * scale)), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=30)
    for k, line in enumerate(lines):
        draw.text((150, 150 + 60 * k), line, fill=0, font=font)
    pdf = _pdf()
    pdf.add_page()
    pdf.image(image, x=0, y=0, w=pdf.w, h=pdf.h)
    if stamp:
        pdf.set_xy(10, pdf.h - 12)
        pdf.cell(0, 5, stamp)
    pdf.output(str(path))
    return path


def make_hostile(folder: Path, long_pages: int = LONG_PAGES, ocr: bool = True) -> dict[str, Expectation]:
    """Write the hostile set into ``folder``; return each file name's expected outcome.

    ``ocr``: whether the ingest will have Tesseract, which decides the scanned page's fate.
    """
    folder.mkdir(parents=True, exist_ok=True)
    expect: dict[str, Expectation] = {}

    (folder / "empty.pdf").write_bytes(b"")
    expect["empty.pdf"] = ("empty",)

    good = make_pdf(folder / "minutes.pdf", [MINUTES_LINES])
    expect["minutes.pdf"] = None
    (folder / "truncated.pdf").write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    expect["truncated.pdf"] = ("damaged", "truncated")

    make_pdf(folder / "locked.pdf", [MINUTES_LINES], user_password="secret")
    expect["locked.pdf"] = ("password",)
    # an owner password only: the user password is empty, so every reader opens it
    make_pdf(folder / "owner_only.pdf", [MINUTES_LINES], owner_password="council-owner")
    expect["owner_only.pdf"] = None

    (folder / "notes.pdf").write_text("These are notes saved as text with a .pdf name.\n")
    expect["notes.pdf"] = ("not a PDF",)
    (folder / "printout.pdf").write_bytes(
        b"%!PS-Adobe-3.0\n%%Title: minutes\n%%Pages: 1\n%%EndComments\n"
        b"/Helvetica findfont 11 scalefont setfont 72 720 moveto (1. Apologies) show\nshowpage\n%%EOF\n")
    expect["printout.pdf"] = ("PostScript",)

    make_long_pdf(folder / "long_report.pdf", long_pages)
    expect["long_report.pdf"] = None

    text = "\n".join(MINUTES_LINES).encode() + b"\nPaid to Caf\xe9 Ros\xe9 \xff\xfe\x80 for refreshments.\n"
    (folder / "bad_utf8.txt").write_bytes(text)
    expect["bad_utf8.txt"] = None

    make_broken_pages_pdf(folder / "broken_page.pdf", 3, {2})
    expect["broken_page.pdf"] = None  # pages 1 and 3 are kept, with a warning
    make_broken_pages_pdf(folder / "all_pages_broken.pdf", 2, {1, 2})
    expect["all_pages_broken.pdf"] = ("damaged", "pages")

    make_scanned_pdf(folder / "scan.pdf", ["Ashcombe Parish Council", "Minutes of the meeting",
                                           "1. Apologies for absence", "2. Footpath repairs",
                                           "3. Any other business"])
    expect["scan.pdf"] = None if ocr else ("OCR",)
    return expect


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args:
        sys.exit("usage: python -m tests.make_hostile FOLDER [--pages N]")
    n = int(args[args.index("--pages") + 1]) if "--pages" in args else LONG_PAGES
    for name, outcome in make_hostile(Path(args[0]), n).items():
        print(f"{name}: {'ingested' if outcome is None else 'error (' + ' / '.join(outcome) + ')'}")
