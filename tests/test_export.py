"""The export's document order: each file's papers together and in page order."""

from __future__ import annotations

from minutebook.export import file_order
from minutebook.model import DocKind, Document


def _doc(path: str, part: int, date: str | None, kind: DocKind = DocKind.MINUTES) -> Document:
    return Document(path=path, sha256=path.ljust(16, "0"), part=part, kind=kind, body="Board",
                    meeting_date=date, page_start=part * 10 + 1, page_end=part * 10 + 9, lines=[])


def test_a_pack_keeps_its_minutes_before_an_appendix_dated_earlier() -> None:
    # the store's own order is by meeting date, which put the appendix (about December's
    # meeting) before the January minutes it is appended to
    minutes = _doc("/p/board-2016-01-28.pdf", 0, "2016-01-28")
    appendix = _doc("/p/board-2016-01-28.pdf", 1, "2015-12-17", DocKind.APPENDIX)
    other = _doc("/p/board-2016-01-05.pdf", 0, "2016-01-05")
    undated = _doc("/p/notes.pdf", 0, None)
    ordered = file_order([appendix, other, minutes, undated])
    assert [(d.path, d.part) for d in ordered] == [
        ("/p/notes.pdf", 0), ("/p/board-2016-01-05.pdf", 0),
        ("/p/board-2016-01-28.pdf", 0), ("/p/board-2016-01-28.pdf", 1),
    ]
