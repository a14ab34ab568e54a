"""ingest.packs: a file that bundles several papers splits into them, and only on strong signals."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import corpus_file

from ingest.packs import boundaries, split_documents
from ingest.reader import read_file
from minutebook.model import DocKind, Line, SourceFile


def source(text: str, fmt: str = "txt", path: str = "/data/pack.txt") -> SourceFile:
    lines = []
    for page_no, page in enumerate(text.strip("\n").split("\f"), start=1):
        lines += [Line(t, page_no) for t in page.strip("\n").split("\n")]
    return SourceFile(path=path, sha256="0" * 64, format=fmt, pages=lines[-1].page, lines=lines)


PACK = """\
Riverside Community Safety Partnership
- 6 October 2020
AGENDA
1 Welcome and apologies
2 Minutes of 11 February 2020 meeting
3 Reports
Riverside Community Safety Partnership
- 11 February 2020
Draft Minutes
1. Welcome
1.1 The Chair welcomed everyone.
2. Any other business
Riverside Community Safety Partnership
- 6 October 2020
ACTION POINTS
02/01 Clerk to circulate the timetable. Closed.
02/02 Chair to write to the police. Closed.
To: Riverside Community Safety Partnership Board
From: A Officer, Community Safety Officer
Subject: Knife crime project
1. Purpose of the report
1.1 To update the Board.
"""


def test_literal_pack_splits_on_heading_blocks() -> None:
    docs = split_documents(source(PACK))
    got = [(d.part, d.kind, d.meeting_date) for d in docs]
    assert got == [
        (0, DocKind.AGENDA, "2020-10-06"),
        (1, DocKind.MINUTES, "2020-02-11"),
        (2, DocKind.ACTION_LOG, "2020-10-06"),
        (3, DocKind.REPORT, "2020-10-06"),
    ]
    assert docs[3].date_source == "pack"  # the report names no date: it takes the agenda's
    assert docs[3].title == "Knife crime project"
    assert all(d.body and d.body.startswith("Riverside Community Safety Partnership") for d in docs)
    assert sum(len(d.lines) for d in docs) == len(source(PACK).lines)


def test_single_paper_is_one_part() -> None:
    docs = split_documents(
        source("Souldern Parish Council\nMINUTES OF THE MEETING HELD ON 23rd FEBRUARY 2023\n1. Apologies")
    )
    assert [(d.part, d.kind, d.meeting_date, d.body) for d in docs] == [
        (0, DocKind.MINUTES, "2023-02-23", "Souldern Parish Council")
    ]


def test_agenda_item_naming_minutes_is_not_a_boundary() -> None:
    text = (
        "Riverside Parish Council\n- 6 October 2020\nAGENDA\n1. Apologies\n"
        "2. Minutes of the meeting held on 1 September 2020\n3. Planning\n4. Finance"
    )
    assert boundaries(source(text).lines, "txt") == [0]


def test_report_header_lines_are_one_header() -> None:
    text = (
        "From: Peter Oakford, Deputy Leader\nJohn Betts, Director\nInterim Finance\n"
        "To: Cabinet – 30 January 2025\nSubject: Budget\nBody"
    )
    assert boundaries(source(text, "pdf").lines, "pdf") == [0]


def test_same_date_minutes_stay_one_document() -> None:
    # a US city prints the regular meeting and its closed session in one file
    text = (
        "MINUTES OF THE REGULAR CITY COUNCIL MEETING\nTUESDAY- -FEBRUARY 1, 2011- -7:00 P.M.\n"
        "Mayor convened.\nAdjourned.\f"
        "MINUTES OF THE SPECIAL JOINT CITY COUNCIL MEETING\nTUESDAY- -FEBRUARY 1, 2011- -6:59 P.M.\n"
        "Mayor convened.\nEnd."
    )
    docs = split_documents(source(text, "pdf", "/data/2011-02-01.pdf"))
    assert [(d.kind, d.meeting_date, d.page_start, d.page_end) for d in docs] == [(DocKind.MINUTES, "2011-02-01", 1, 2)]


def test_appendix_pages_split_only_on_a_new_label() -> None:
    text = (
        "Appendix 1 - Key Service Statement\nrow\nrow\nrow\f"
        "Appendix 1 - Key Service Statement\nrow\nrow\nrow\f"
        "Appendix 2 - Savings\nrow\nrow\nrow"
    )
    docs = split_documents(source(text, "pdf", "/data/cabinet/appendix.pdf"))
    assert [(d.kind, d.page_start, d.page_end) for d in docs] == [
        (DocKind.APPENDIX, 1, 2),
        (DocKind.APPENDIX, 3, 3),
    ]


def test_seed_pack(seed_pack: Path) -> None:
    docs = split_documents(read_file(seed_pack))
    kinds = [d.kind for d in docs]
    assert kinds[:3] == [DocKind.AGENDA, DocKind.MINUTES, DocKind.ACTION_LOG]
    assert kinds[3:] and all(k == DocKind.REPORT for k in kinds[3:])
    assert docs[0].meeting_date == "2020-10-06"
    assert docs[1].meeting_date == "2020-02-11"  # the draft minutes are of the previous meeting
    assert docs[2].meeting_date == "2020-10-06"
    assert all(d.meeting_date == "2020-10-06" for d in docs[3:])
    assert all("Cambridge Community Safety Partnership" in (d.body or "") for d in docs)
    assert [d.title for d in docs[3:]][0] == "Transformation Topic – County Lines Project"
    assert [d.part for d in docs] == list(range(len(docs)))


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        pytest.param(
            "souldern-parish-council/minutes/2019-05-23 SPC minutes.pdf",
            [(DocKind.MINUTES, "2018-05-24"), (DocKind.MINUTES, "2019-05-23")],
            id="souldern-two-sets-of-minutes",
        ),
        pytest.param(
            "kent-county-council/cabinet/2025-01-30/Item 7 - Supplementary - 2400109 - Transfer the 18-25 section"
            " of the Strengthening Independence Ser.pdf",
            [(DocKind.AGENDA, "2025-01-30"), (DocKind.REPORT, "2025-01-30")],
            id="kent-supplementary-pack",
        ),
        pytest.param(
            "kent-county-council/cabinet/2025-03-13/Public reports pack 13th-Mar-2025 15.00 Cabinet.pdf",
            [(DocKind.AGENDA, "2025-03-13")],
            id="kent-reports-pack-agenda-only",
        ),
        pytest.param(
            "alameda-city-minutes/CityCouncil/2011-02-01.pdf",
            [(DocKind.MINUTES, "2011-02-01")],
            id="alameda-several-meetings-one-date",
        ),
    ],
)
def test_real_packs(rel: str, expected: list[tuple[DocKind, str]]) -> None:
    src = read_file(corpus_file(rel))
    docs = split_documents(src)
    assert [(d.kind, d.meeting_date) for d in docs] == expected
    assert docs[0].page_start == 1 and docs[-1].page_end == src.pages
