"""Formats other than PDF: Markdown with front matter, HTML and Word, through the reader."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from ingest.reader import read_file
from minutebook.errors import UnreadableDocument


def test_docx_paragraphs_and_table_cells(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("ASHCOMBE PARISH COUNCIL")
    d.add_paragraph("Minutes of the meeting held on 4 March 2024")
    d.add_paragraph("1. Apologies")
    table = d.add_table(rows=2, cols=3)
    for i, row in enumerate([("No", "Action", "Owner"), ("Mar24.01", "Repair the bench", "Clerk")]):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    path = tmp_path / "minutes.docx"
    d.save(str(path))
    src = read_file(path)
    assert [ln.text for ln in src.lines[:3]] == ["ASHCOMBE PARISH COUNCIL",
                                                "Minutes of the meeting held on 4 March 2024", "1. Apologies"]
    assert src.lines[-1].cells == ("Mar24.01", "Repair the bench", "Clerk")


def test_not_a_docx_is_one_clear_reason(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    path.write_text("plain text pretending")
    with pytest.raises(UnreadableDocument, match="not a Word document"):
        read_file(path)


def test_markdown_front_matter_and_escapes(tmp_path: Path) -> None:
    path = tmp_path / "post.md"
    path.write_text('---\ntitle: "Minutes"\ndate: "2018-07-29"\n---\n\n10\\. **Planning** [link](http://x)\n')
    src = read_file(path)
    assert src.front_matter["date"] == "2018-07-29"
    assert src.lines[0].text == "10. Planning link"


def test_markdown_front_matter_only_is_a_document(tmp_path: Path) -> None:
    path = tmp_path / "notice.md"
    path.write_text('---\ntitle: "Board meeting"\ndate: "2019-07-23T10:00"\nlocation: "Cardiff"\n---\n')
    assert read_file(path).front_matter["location"] == "Cardiff"


def test_html_blocks_become_lines(tmp_path: Path) -> None:
    path = tmp_path / "minutes.html"
    path.write_text("<html><head><title>Minutes</title><script>x()</script></head><body>"
                    "<h1>Minutes</h1><p>1. Apologies &amp; welcome</p><table><tr><td>A</td><td>B</td></tr></table>"
                    "</body></html>")
    texts = [ln.text for ln in read_file(path).lines]
    assert texts[:2] == ["Minutes", "1. Apologies & welcome"] and "x()" not in " ".join(texts)
