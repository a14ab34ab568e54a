"""Small PDFs our own code writes for tests (never copies of real papers)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

FIXED_DATE = datetime(2024, 1, 1, tzinfo=UTC)


def make_pdf(path: Path, pages: list[list[str]], *, user_password: str | None = None,
             owner_password: str | None = None) -> Path:
    """A text-layer PDF with one line of Helvetica per string, one list per page."""
    pdf = FPDF()
    pdf.set_creation_date(FIXED_DATE)
    if owner_password or user_password:
        pdf.set_encryption(owner_password=owner_password or "owner", user_password=user_password or "")
    pdf.set_font("Helvetica", size=11)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def make_image_only_pdf(path: Path) -> Path:
    """A PDF whose only page holds a drawn rectangle and no characters (needs OCR)."""
    pdf = FPDF()
    pdf.set_creation_date(FIXED_DATE)
    pdf.add_page()
    pdf.rect(20, 20, 100, 40, style="F")
    pdf.output(str(path))
    return path


MINUTES_LINES = [
    "Ashcombe Parish Council",
    "MINUTES OF THE MEETING HELD ON THURSDAY 18th JANUARY 2024",
    "Present: Cllr Alan Fairbairn (Chair), Cllr Beth Morgan, Cllr Carl Dunn",
    "Apologies: Cllr Diane Price",
    "1. Apologies for absence",
    "Apologies were received from Cllr Diane Price.",
    "2. Car park barrier",
    "RESOLVED: that the council replaces the car park barrier at a cost of 1,200 pounds.",
    "3. Any other business",
    "None.",
]
