"""Ingestors for plain text, Markdown (with YAML front matter) and HTML."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import yaml

from minutebook.errors import UnreadableDocument
from minutebook.model import Line, SourceFile

FRONT_MATTER_RE = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
# Markdown inline syntax we drop, keeping the words: **bold**, _em_, [text](url), `code`, escapes.
MD_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
MD_EMPHASIS_RE = re.compile(r"(\*{1,3}|_{2,3})(?=\S)(.+?)(?<=\S)\1")
MD_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
MD_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+")


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Malformed UTF-8 is common in exported minutes: keep going with cp1252, which maps
        # every byte, rather than refusing the whole paper.
        return data.decode("cp1252", errors="replace")


def _lines_from_text(text: str) -> list[Line]:
    lines: list[Line] = []
    for page_no, page in enumerate(text.split("\f"), start=1):
        for raw in page.splitlines():
            if raw.strip():
                lines.append(Line(text=raw.rstrip(), page=page_no))
    return lines


def _source(path: Path, data: bytes, fmt: str, text: str, front: dict[str, str]) -> SourceFile:
    lines = _lines_from_text(text)
    return SourceFile(
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        format=fmt,
        pages=max((ln.page for ln in lines), default=1),
        lines=lines,
        front_matter=front,
    )


def read_txt(path: Path, data: bytes) -> SourceFile:
    text = _decode(data, path)
    if not text.strip():
        raise UnreadableDocument("empty file: no text")
    return _source(path, data, "txt", text, {})


def markdown_to_text(md: str) -> str:
    """Plain text of a Markdown body: inline markup dropped, escapes undone (``10\\.`` -> ``10.``)."""
    out = []
    for line in md.splitlines():
        line = MD_HEADING_RE.sub("", line)
        line = MD_LINK_RE.sub(r"\1", line)
        line = MD_EMPHASIS_RE.sub(r"\2", line)
        line = MD_ESCAPE_RE.sub(r"\1", line)
        out.append(line.replace("&nbsp;", " "))
    return "\n".join(out)


def read_markdown(path: Path, data: bytes) -> SourceFile:
    text = _decode(data, path)
    front: dict[str, str] = {}
    m = FRONT_MATTER_RE.match(text)
    if m:
        try:
            parsed = yaml.safe_load(m.group(1))
        except yaml.YAMLError:
            parsed = None
        if isinstance(parsed, dict):
            front = {str(k): str(v) for k, v in parsed.items() if not isinstance(v, (list, dict))}
        text = text[m.end():]
    if not text.strip() and not front:
        raise UnreadableDocument("empty file: no text")
    # Front matter alone (a meeting notice: date and place) is still a document.
    return _source(path, data, "md", markdown_to_text(text), front)


class _HTMLText(HTMLParser):
    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article"}
    SKIP = {"script", "style", "head", "nav", "footer"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")
        elif tag in {"td", "th"}:
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self.skipping:
            self.parts.append(data)


def read_html(path: Path, data: bytes) -> SourceFile:
    parser = _HTMLText()
    parser.feed(_decode(data, path))
    text = "".join(parser.parts)
    text = "\n".join(re.sub(r"[ \u00a0]+", " ", ln).strip() for ln in text.splitlines())
    if not text.strip():
        raise UnreadableDocument("empty file: no text in the HTML body")
    front = {"title": parser.title.strip()} if parser.title.strip() else {}
    return _source(path, data, "html", text, front)
