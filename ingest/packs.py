"""Split a file that bundles several papers (a meeting pack) into its documents.

A pack opens with an agenda and goes on with the previous minutes, an action log, officers'
reports and appendices. A new paper starts where a new heading block starts: a report header
("To: ... / From: ... / Subject: ..."), or a body name line followed closely by a date line and a
kind heading ("Draft Minutes", "ACTION POINTS"), or, in a PDF, a page that opens with such a
heading. A false split costs more than a missed one, so only these strong signals split.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from minutebook.model import DocKind, Document, Line, SourceFile

from . import meta

# Lines after a body name line within which its date line and kind heading must follow.
HEADING_SPAN = 8
# Lines from the top of a PDF page within which a new paper's heading must start.
PAGE_TOP_LINES = 4
# Lines from the top of a page within which a minutes or agenda heading opens it.
PAGE_HEADING_LINES = 2
# Lines a report header ("From: ... / To: ... / Subject: ...") spans, names wrapping included.
REPORT_HEADER_SPAN = 10
# The fewest lines a paper can have; a closer boundary is noise.
MIN_LINES = 3

# A line that is only a body name ("Cambridge Community Safety Partnership", "KENT COUNTY COUNCIL").
BODY_LINE_RE = re.compile(rf"^\W*{meta.BODY_NAME_RE.pattern}\W*$", re.X)
# A line that is only a date, perhaps with a weekday and a time ("- 6 October 2020").
DATE_LINE_MAX_WORDS = 8
# "Appendix B", "ANNEX 2" opening a page; longer lines are sentences that cite one.
APPENDIX_LINE_RE = re.compile(r"^\W*(?:appendix|annexe?)\s+(?P<label>[A-Z0-9]{1,3})\b", re.I)
APPENDIX_LINE_MAX_WORDS = 12
# Kinds whose heading, standing on its own line, opens a new paper.
OPENING_KINDS = {DocKind.MINUTES, DocKind.AGENDA, DocKind.ACTION_LOG, DocKind.QUESTIONS, DocKind.NOTICE}
# Kinds that take the pack's meeting date when their own text names none.
INHERIT_DATE_KINDS = {DocKind.REPORT, DocKind.APPENDIX, DocKind.ACTION_LOG, DocKind.QUESTIONS, DocKind.OTHER}


def _is_date_line(text: str) -> bool:
    return len(text.split()) <= DATE_LINE_MAX_WORDS and any(meta.find_dates(text, numeric=False))


def _standalone_kind(text: str) -> DocKind | None:
    """The kind named by a line that is itself a heading ("Draft Minutes", "AGENDA"), else None."""
    for _, strength, kind in meta.kind_headings([text]):
        if strength >= 2 and len(text.split()) <= meta.SHORT_LINE_WORDS:
            return kind
    return None


def _heading_block_at(lines: Sequence[Line], i: int) -> bool:
    """True when line ``i`` is a body name with a date line and a kind heading just below it."""
    if not BODY_LINE_RE.match(lines[i].text.strip()):
        return False
    window = [ln.text.strip() for ln in lines[i + 1 : i + 1 + HEADING_SPAN]]
    has_date = any(_is_date_line(t) for t in window)
    kinds = [_standalone_kind(t) for t in window]
    return has_date and any(k in OPENING_KINDS for k in kinds if k)


def _report_header_at(lines: Sequence[Line], i: int) -> bool:
    """True when a "To:/From:/By:/Subject:" report header starts at line ``i``."""
    if not meta.REPORT_FIELD_RE.match(lines[i].text):
        return False
    # "To:" below "From:" is the same header, not a new one
    if any(meta.REPORT_FIELD_RE.match(ln.text) for ln in lines[max(0, i - 6) : i]):
        return False
    return meta.is_report_header(lines[i : i + REPORT_HEADER_SPAN])


def _page_heading_at(lines: Sequence[Line], i: int) -> bool:
    """True when line ``i`` opens a PDF page with a paper's heading (agenda, minutes, appendix)."""
    page = lines[i].page
    head = [ln.text.strip() for ln in lines[i : i + PAGE_TOP_LINES] if ln.page == page]
    # the heading opens the page: a "Draft Meeting Minutes - <date>" line under "4. Consent
    # Calendar" is an item that approves other minutes
    kinds = [_standalone_kind(t) for t in head[:PAGE_HEADING_LINES]]
    if any(meta.ITEM_LINE_RE.match(t) for t in head[:PAGE_HEADING_LINES]):
        return False
    if not any(k in (DocKind.MINUTES, DocKind.AGENDA) for k in kinds if k):
        return False
    # a kind word alone is not enough: the heading also names the body or the date
    block = [ln.text.strip() for ln in lines[i : i + HEADING_SPAN] if ln.page == page]
    return any(_is_date_line(t) or meta.BODY_NAME_RE.search(t) for t in block)


def _appendix_label(text: str) -> str | None:
    m = APPENDIX_LINE_RE.match(text)
    return m.group("label").upper() if m and len(text.split()) <= APPENDIX_LINE_MAX_WORDS else None


def boundaries(lines: Sequence[Line], fmt: str) -> list[int]:
    """Indices of the lines that start a new paper (always including 0)."""
    starts = [0]
    page_start = {i for i, ln in enumerate(lines) if i == 0 or ln.page != lines[i - 1].page}
    page_top: set[int] = set()
    for i in sorted(page_start):
        page_top.update(j for j in range(i, min(i + PAGE_TOP_LINES, len(lines))) if lines[j].page == lines[i].page)
    label = _appendix_label(lines[0].text) if lines else None
    for i in range(1, len(lines)):
        if i - starts[-1] < MIN_LINES:
            continue
        if fmt == "pdf" and i not in page_top:
            continue
        new_label = _appendix_label(lines[i].text) if fmt == "pdf" and i in page_start else None
        if new_label and new_label != label:
            # "Appendix 2" on top of a page after "Appendix 1"; a repeated "Appendix F" is a
            # running title of the same appendix
            starts.append(i)
            label = new_label
        elif (
            _report_header_at(lines, i)
            or _heading_block_at(lines, i)
            or (fmt == "pdf" and i in page_start and _page_heading_at(lines, i))
        ):
            # a stamp such as "Agenda Item 7" above the header belongs to the new paper
            top = max((p for p in page_start if p <= i), default=i)
            if fmt == "pdf" and top > starts[-1] and all(len(ln.text.split()) <= 4 for ln in lines[top:i]):
                i = top
            starts.append(i)
            label = None
    return starts


def _segments(lines: Sequence[Line], starts: list[int]) -> Iterator[list[Line]]:
    for a, b in zip(starts, [*starts[1:], len(lines)], strict=True):
        yield list(lines[a:b])


def split_documents(src: SourceFile) -> list[Document]:
    """Split ``src`` into its papers, each with kind, body, meeting date, pages and title.

    A single paper gives one Document (part 0). Consecutive minutes of the same date are one
    paper (a US city prints a regular meeting and its closed session together). A paper that
    names no body takes the pack's; reports and appendices that name no date take the date of
    the agenda heading the pack.
    """
    path = Path(src.path)
    front = src.front_matter
    lines = src.lines
    starts = boundaries(lines, src.format) if lines else [0]
    docs: list[Document] = []
    for part_lines in _segments(lines, starts):
        # the file's front matter and name describe its first paper only
        first = not docs
        fm = front if first else {}
        own_path = path if first else Path("")
        kind = meta.detect_kind(part_lines, own_path, fm)
        body = meta.detect_body(part_lines, fm, path if first else None)
        date, source = meta.detect_meeting_date(part_lines, own_path, fm, kind)
        if docs:
            prev = docs[-1]
            if kind == prev.kind and kind in (DocKind.MINUTES, DocKind.AGENDA) and date in (prev.meeting_date, None):
                prev.lines.extend(part_lines)
                prev.page_end = part_lines[-1].page
                continue
        docs.append(
            Document(
                path=src.path,
                sha256=src.sha256,
                part=len(docs),
                kind=kind,
                body=body,
                meeting_date=date,
                page_start=part_lines[0].page if part_lines else 1,
                page_end=part_lines[-1].page if part_lines else max(src.pages, 1),
                lines=part_lines,
                ocr=src.ocr,
                title=meta.detect_title(part_lines, fm),
                date_source=source,
            )
        )
    head = docs[0]
    pack_date = head.meeting_date if head.kind == DocKind.AGENDA else None
    for doc in docs[1:]:
        # an appendix names the organisations it is about, not the meeting it goes to
        if head.body and (
            doc.body is None or doc.kind == DocKind.APPENDIX or meta.tokens(doc.body) < meta.tokens(head.body)
        ):
            doc.body = head.body
        if doc.meeting_date is None and pack_date and doc.kind in INHERIT_DATE_KINDS:
            doc.meeting_date, doc.date_source = pack_date, "pack"
    return docs
