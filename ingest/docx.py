"""Word (.docx) ingestor: paragraphs and table rows in document order, via python-docx.

A .docx has no fixed pages, so every line is on page 1; table rows keep their cells.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from minutebook.errors import UnreadableDocument
from minutebook.model import Line, SourceFile


def read_docx(path: Path, data: bytes) -> SourceFile:
    """Read a .docx; raise UnreadableDocument when it is not a Word document."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableDocument("not a Word document: the .docx archive cannot be opened") from exc
    lines: list[Line] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if text:
                bold = bool(block.runs) and all(r.bold for r in block.runs if r.text.strip())
                lines.append(Line(text=text, page=1, bold=bold))
        elif isinstance(block, Table):
            for row in block.rows:
                # merged cells repeat across the row: keep each cell's text once
                cells = tuple(dict.fromkeys(c.text.strip() for c in row.cells))
                cells = tuple(c for c in cells if c)
                if cells:
                    lines.append(Line(text=" ".join(cells), page=1, cells=cells if len(cells) > 1 else None))
    if not lines:
        raise UnreadableDocument("empty file: no text in the Word document")
    return SourceFile(path=str(path), sha256=hashlib.sha256(data).hexdigest(), format="docx", pages=1, lines=lines)
