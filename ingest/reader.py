"""Choose the ingestor for a file by what it is, and read it into a :class:`SourceFile`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from minutebook.errors import UnreadableDocument
from minutebook.model import SourceFile

from . import docx, pdf, text

SUFFIXES = (".pdf", ".txt", ".md", ".markdown", ".html", ".htm", ".docx")

READERS: dict[str, Callable[[Path, bytes], SourceFile]] = {
    ".pdf": pdf.read_pdf,
    ".txt": text.read_txt,
    ".md": text.read_markdown,
    ".markdown": text.read_markdown,
    ".html": text.read_html,
    ".htm": text.read_html,
    ".docx": docx.read_docx,
}


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in READERS


def read_file(path: Path, data: bytes | None = None, ocr: bool = True) -> SourceFile:
    """Read one file; raise UnreadableDocument with a one-line reason when it cannot be read."""
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UnreadableDocument(f"cannot read file: {exc.strerror or exc}") from exc
    if not data:
        raise UnreadableDocument("empty file (0 bytes)")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise UnreadableDocument(f"unsupported file type {path.suffix or '(none)'}")
    if reader is pdf.read_pdf:
        return pdf.read_pdf(path, data, ocr=ocr)
    return reader(path, data)
