"""ingest.meta: kind, body and meeting date from the heading block, with the traps real papers set."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import corpus_file

from ingest import meta
from ingest.reader import read_file
from minutebook.model import DocKind, Line

NOWHERE = Path("paper.pdf")


def lines_of(text: str, page: int = 1) -> list[Line]:
    return [Line(t, page) for t in text.strip("\n").split("\n")]


# ---------------------------------------------------------------------------------------------
# dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("held on 23rd February 2023", ["2023-02-23"], id="uk-ordinal"),
        pytest.param("TUESDAY- -MARCH 15, 2011- -7:00 P.M.", ["2011-03-15"], id="us-dashes"),
        pytest.param("Thursday, 30th January, 2025, at 10.00 am", ["2025-01-30"], id="moderngov-commas"),
        pytest.param("Meeting of 5 th May 2015", ["2015-05-05"], id="split-superscript"),
        pytest.param("MONDAY JANUARY 4th 2015", ["2015-01-04"], id="month-first-ordinal"),
        pytest.param("Thursday,'10 'September'2015'", ["2015-09-10"], id="stray-quotes"),
        pytest.param("Date: 06/10/2020", ["2020-10-06"], id="numeric-day-first"),
        pytest.param("date = 2019-03-28T14:00:00Z", ["2019-03-28"], id="iso"),
        pytest.param("16/01/5 Minutes", [], id="minute-reference-not-a-date"),
        pytest.param("31st February 2020", [], id="impossible-date"),
    ],
)
def test_find_dates(text: str, expected: list[str]) -> None:
    assert [d[2] for d in meta.find_dates(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Transportation Commission\nMarch 25, 2015\nItem 4A\nAction\n"
            "Transportation Commission Meeting Minutes\nWednesday April 22, 2015",
            "2015-04-22",
            id="approval-header-before-real-date",
        ),
        pytest.param(
            "Transportation Commission March 25, 2015 Item 4A\nMeeting Minutes\nWednesday, April 22, 2015",
            "2015-04-22",
            id="approval-header-one-line",
        ),
        pytest.param(
            "MINUTES OF THE CONTINUED MAY 2, 2022\nOPEN GOVERNMENT COMMISSION MEETING\n"
            "WEDNESDAY - - - MAY 18, 2022 - - - 7:00 P.M.",
            "2022-05-18",
            id="continued-meeting",
        ),
        pytest.param(
            "STOKE FERRY PARISH COUNCIL DRAFT Minutes Subject to the Approval at the next Meeting "
            "Ordinary Meeting of the Parish Council Wednesday 6 September 2017",
            "2017-09-06",
            id="next-meeting-far-from-date",
        ),
        pytest.param(
            "Date: 27 January 2025\nDear Member\nCABINET - THURSDAY, 30 JANUARY 2025",
            "2025-01-30",
            id="letter-date-vs-meeting-date",
        ),
        pytest.param(
            "MINUTES OF TRUSTEES OF THE FRIENDS OF HALESWORTH COUNTY LIBRARY MEETING OF 24 TH MAY\n2016.",
            "2016-05-24",
            id="date-across-lines",
        ),
        pytest.param(
            "Cambridge Community Safety Partnership\n- 11 February 2020\n- 10:00-11:30\nDraft Minutes",
            "2020-02-11",
            id="bulleted-date-line",
        ),
        pytest.param(
            "Formal'notice'for'\nSuffolk’s'Libraries'IPS'Ltd'Annual'General'Meeting'\nThursday,'10 'September'2015'",
            "2015-09-10",
            id="stray-quote-separators",
        ),
    ],
)
def test_meeting_date_from_heading(text: str, expected: str) -> None:
    assert meta.detect_meeting_date(lines_of(text), NOWHERE) == (expected, "text")


def test_previous_meeting_date_is_not_this_meeting() -> None:
    text = (
        "Councillors present: Cllr. R. Crisp – Chair (RC), Cllr. A. Collins (AC)\n"
        "15/12/5 Minutes of the last meeting held on 3rd November 2015- LGA 1972: Resolved"
    )
    front = {"title": "Northwold PC December Meeting", "date": "2016-02-18"}
    path = Path("2016-02_northwold-pc-december-meeting.md")
    # the web post's date and the posting month in the name are never the meeting's
    assert meta.detect_meeting_date(lines_of(text), path, front) == (None, "")


def test_last_meeting_in_heading_is_skipped() -> None:
    text = "Minutes of the last meeting held on 3rd November 2015\nMeeting held on Tuesday 1 December 2015"
    assert meta.detect_meeting_date(lines_of(text), NOWHERE)[0] == "2015-12-01"


def test_event_front_matter_is_the_meeting_date() -> None:
    front = {"title": "Inaugural meeting", "date": "2018-05-22 10:00:00+00:00", "location": "Room 4.07"}
    got = meta.detect_meeting_date(lines_of("1. Welcome & introductions\n2. AOB"), Path("index.md"), front)
    assert got == ("2018-05-22", "front_matter")


def test_toml_front_matter_left_in_text() -> None:
    text = '+++\ntitle = "Focusing on developers"\ndate = 2019-05-30T09:30:00Z\n+++\n1. Review of minutes'
    lines = lines_of(text)
    assert meta.detect_meeting_date(lines, Path("index.md")) == ("2019-05-30", "front_matter")
    assert meta.detect_kind(lines, Path("index.md")) == DocKind.AGENDA


def test_heading_title_used_when_text_opens_with_attendance() -> None:
    front = {"title": "STOKE FERRY PARISH COUNCIL Draft Minutes of the Meeting held on Wednesday 5th June 2019"}
    lines = lines_of("Present: Cllr Jim McNeill (Vice Chair)\n135/19 Emergency Evacuation")
    assert meta.detect_meeting_date(lines, NOWHERE, front) == ("2019-06-05", "text")


def test_filename_date_is_the_last_resort() -> None:
    lines = lines_of("EQIA Submission Form\nResponsible Officer Paul Wilson")
    assert meta.detect_meeting_date(lines, Path("cabinet/2025-01-30/EQIA.pdf")) == ("2025-01-30", "filename")


# ---------------------------------------------------------------------------------------------
# kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        pytest.param(
            "Cambridge Community Safety Partnership\n- 6 October 2020\n"
            "- Minutes of the meeting will be available to the public afterwards\nAGENDA",
            DocKind.AGENDA,
            id="agenda-despite-minutes-sentence",
        ),
        pytest.param(
            "MINUTS OF THE REGULAR CITY COUNCIL MEETING\nTUESDAY- -APRIL 19, 2011", DocKind.MINUTES, id="misprint"
        ),
        pytest.param(
            "KENT COUNTY COUNCIL\nCABINET\nMINUTES of a meeting of the Cabinet held", DocKind.MINUTES, id="kent"
        ),
        pytest.param("Appendix O\nAnnual Minimum Revenue Provision (MRP) Statement", DocKind.APPENDIX, id="appendix"),
        pytest.param("KENT COUNTY COUNCIL – PROPOSED RECORD OF DECISION", DocKind.APPENDIX, id="prod"),
        pytest.param(
            "Cambridge Community Safety Partnership\n- 6 October 2020\nACTION POINTS", DocKind.ACTION_LOG, id="actions"
        ),
        pytest.param(
            "Formal notice for\nSuffolk’s Libraries IPS Ltd Annual General Meeting", DocKind.NOTICE, id="notice"
        ),
        pytest.param(
            "From: Roger Gough – Leader\nTo: Cabinet – 4 March 2025\nSubject: Quarterly Performance Report",
            DocKind.REPORT,
            id="report-header",
        ),
        pytest.param(
            "Finance Monitoring Report\nBy Deputy Leader, Peter Oakford\nTo Cabinet – 30 January 2025",
            DocKind.REPORT,
            id="report-header-without-colons",
        ),
        pytest.param(
            "Date: 29 January 2025\nDear Member\nCABINET - THURSDAY, 30 JANUARY 2025\nAgenda Item No",
            DocKind.AGENDA,
            id="supplementary-agenda-letter",
        ),
        pytest.param(
            "PRESENT Cllr C Anderson, Cllr M Peake\nBefore the meeting started Cllr Anderson advised",
            DocKind.MINUTES,
            id="opens-with-attendance",
        ),
        pytest.param(
            "1. Minutes and Actions - Doc 1\n2. Interoperability framework", DocKind.OTHER, id="item-not-heading"
        ),
    ],
)
def test_detect_kind(text: str, kind: DocKind) -> None:
    assert meta.detect_kind(lines_of(text), NOWHERE) == kind


def test_sentences_about_papers_are_not_headings() -> None:
    assert not list(meta.kind_headings(["The agenda for this meeting was posted in accordance with the Brown Act."]))
    assert not list(meta.kind_headings(["ORAL COMMUNICATIONS, NON-AGENDA"]))
    assert not list(meta.kind_headings(["For next Agenda :"]))


def test_kind_falls_back_to_file_name_then_front_matter() -> None:
    assert meta.detect_kind(lines_of("Welcome all"), Path("2016-suffolk-libraries-agm-agenda.pdf")) == DocKind.AGENDA
    assert meta.detect_kind([], Path("index.md"), {"date": "2019-07-23 09:30:00+00:00"}) == DocKind.NOTICE


def test_a_report_filed_as_an_appendix_is_an_appendix() -> None:
    heading = lines_of("Report to Kent County Council\nby a Planning Inspector\nDate: 6 February 2025")
    assert meta.detect_kind(heading, Path("APPENDIX A - Planning Inspectors Report.pdf")) == DocKind.APPENDIX
    assert meta.detect_kind(heading, Path("Inspectors Report.pdf")) == DocKind.REPORT
    minutes = lines_of("MINUTES OF THE MEETING OF THE CABINET\nheld on 9 January 2025")
    assert meta.detect_kind(minutes, Path("Appendix 1 - Cabinet minutes.pdf")) == DocKind.MINUTES


# ---------------------------------------------------------------------------------------------
# body


@pytest.mark.parametrize(
    ("text", "body"),
    [
        pytest.param("Souldern Parish Council\n15th February 2018 at 7.30pm", "Souldern Parish Council", id="plain"),
        pytest.param(
            "MINUTES OF THE SOULDERN ANNUAL PARISH MEETING\nHELD IN THE VILLAGE HALL",
            "Souldern Parish Council",
            id="annual-parish-meeting",
        ),
        pytest.param("KENT COUNTY COUNCIL\nCABINET\nMINUTES of a meeting", "Kent County Council Cabinet", id="joined"),
        pytest.param("MINUTES FOR THE REGULAR CITY COUNCIL MEETING\nTUESDAY- -JUNE 7, 2011", "City Council", id="us"),
        pytest.param(
            "MINUTES OF THE CONTINUED MAY 2, 2022\nOPEN GOVERNMENT COMMISSION MEETING",
            "Open Government Commission",
            id="date-not-a-name",
        ),
        pytest.param(
            "Minutes of Trustees of The Friends of Halesworth County Library\nMeeting of 5 th May 2015",
            "Friends of Halesworth County Library",
            id="trustees-of",
        ),
        pytest.param(
            "Suffolk’s Libraries IPS\nThe Industrial & Provident Society Limited enabling county-wide library services "
            "supported by Suffolk County Council\nMINUTES\nTitle of Meeting Suffolk Libraries IPS - Board Meeting",
            "Suffolk Libraries IPS - Board",
            id="labelled-title-beats-mentions",
        ),
        pytest.param(
            "STOKE FERRY PARISH COUNCIL Minutes of the meeting held on 10th February, 2016 Borough Councillor",
            "Stoke Ferry Parish Council",
            id="caps-paragraph",
        ),
        pytest.param(
            "To: Cambridge Community Safety Partnership Board\nFrom: Louise Walker\nSubject: Timetable",
            "Cambridge Community Safety Partnership Board",
            id="report-addressee",
        ),
    ],
)
def test_detect_body(text: str, body: str) -> None:
    assert meta.detect_body(lines_of(text)) == body


def test_body_from_post_title_and_folders() -> None:
    lines = lines_of("Councillors present: Cllr. R. Crisp – Chair (RC)")
    assert meta.detect_body(lines, {"title": "Northwold PC December Meeting"}) == "Northwold Parish Council"
    report = lines_of("From: Peter Oakford\nTo: Cabinet – 4 March 2025\nSubject: Budget")
    path = Path("/data/kent-county-council/cabinet/2025-03-04/report.pdf")
    assert meta.detect_body(report, {}, path) == "Kent County Council Cabinet"
    assert (
        meta.body_from_path(Path("/x/welsh-technical-standards-board/2019_index.md"))
        == "Welsh Technical Standards Board"
    )
    assert meta.body_from_path(Path("/x/stokeferry-parish-minutes-md/a.md")) is None


def test_detect_title() -> None:
    assert meta.detect_title(lines_of("To: Cabinet\nFrom: A Person\nSubject: CSP Update")) == "CSP Update"
    assert meta.detect_title(lines_of("Souldern Parish Council\n1. Apologies")) == "Souldern Parish Council"


# ---------------------------------------------------------------------------------------------
# real papers


@pytest.mark.parametrize(
    ("rel", "kind", "body_word", "date"),
    [
        pytest.param(
            "alameda-city-minutes/TransportationCommission/2015-05-27.pdf",
            DocKind.MINUTES,
            "Transportation",
            "2015-07-22",
            id="alameda-misnamed-with-approval-header",
        ),
        pytest.param(
            "kent-county-council/cabinet/2025-01-30/Minutes of the meeting held on 9th January 2025.pdf",
            DocKind.MINUTES,
            "Cabinet",
            "2025-01-09",
            id="kent-minutes-in-approving-folder",
        ),
        pytest.param(
            "suffolk-libraries-board/formal-notice-agenda-agm.pdf",
            DocKind.NOTICE,
            "Suffolk",
            "2015-09-10",
            id="suffolk-stray-quotes",
        ),
        pytest.param(
            "stokeferry-parish-minutes-md/2016-05_wretton-parish-council-march-meeting-2.md",
            DocKind.MINUTES,
            "Wretton",
            "2016-03-14",
            id="wretton-held-at-stoke-ferry",
        ),
        pytest.param(
            "souldern-parish-council/minutes/2014-05-14 Annual Parish Meeting minutes.pdf",
            DocKind.MINUTES,
            "Souldern",
            "2014-05-15",
            id="souldern-text-beats-file-name",
        ),
    ],
)
def test_real_papers(rel: str, kind: DocKind, body_word: str, date: str) -> None:
    path = corpus_file(rel)
    src = read_file(path)
    assert meta.detect_kind(src.lines, path, src.front_matter) == kind
    body = meta.detect_body(src.lines, src.front_matter, path)
    assert body and body_word in body
    assert meta.detect_meeting_date(src.lines, path, src.front_matter, kind) == (date, "text")


@pytest.mark.slow
def test_gold_meta_accuracy() -> None:
    """Kind, body and date of every gold document's first paper (reads the whole corpus: minutes)."""
    import json
    import sys

    from conftest import CORPUS, GOLD

    from ingest.packs import split_documents
    from minutebook.errors import MinutebookError

    if not (GOLD / "meta.json").exists():
        pytest.skip("shared gold not available")
    sys.path.insert(0, str(GOLD.parent / "eval"))
    from score import body_match

    docs = json.loads((GOLD / "meta.json").read_text())["documents"]
    hits = {"kind": 0, "body": 0, "date": 0}
    for g in docs:
        try:
            src = read_file(CORPUS / g["document"])
        except MinutebookError:
            continue
        p = split_documents(src)[0]
        hits["kind"] += p.kind in [g["kind"], *g.get("kind_alt", [])]
        bodies = [g.get("body"), g.get("body_as_printed")]
        hits["body"] += any(body_match(b, p.body) for b in bodies if b)
        ok = {g.get("meeting_date"), g.get("date_inferred"), g.get("printed_date")} - {None} or {None}
        hits["date"] += p.meeting_date in ok
    assert min(hits.values()) / len(docs) >= 0.95, hits


@pytest.mark.parametrize("heading, expected", [
    pytest.param(["ACTION LOG", "Status of action points following the meeting held on Thursday 18th January 2024.",
                  "The next meeting will be held on Thursday 21st March 2024 at 7.30pm."], "2024-01-18",
                 id="following-the-meeting-is-this-meeting"),
    pytest.param(["MINUTES", "Actions agreed.", "The next meeting will be held on Thursday 21st March 2024.",
                  "Meeting of 18 January 2024"], "2024-01-18", id="next-meeting-will-be-held-is-not-this-one"),
    pytest.param(["Northwold and Whittington Parish Council – Ordinary Meeting DRAFT FOR CONSIDERATION AT THE "
                  "NEXT MEETING Tuesday 3rd July 2018, 7.30pm Northwold Village Hall"], "2018-07-03",
                 id="draft-notice-before-this-meetings-date"),
    pytest.param(["WEREHAM PARISH COUNCIL", "Draft Minutes Subject to the Approval at the next Meeting",
                  "Extraordinary Parish Council Meeting", "12 April 2016 at 6.30 pm", "Wereham Village Hall"],
                 "2016-04-12", id="date-line-is-not-item-12"),
    pytest.param(["MINUTES", "Draft, to be approved at the next meeting on Tuesday 3rd July 2018",
                  "Meeting held on Tuesday 5 June 2018"], "2018-06-05", id="next-meeting-on-a-date-is-not-this-one"),
])
def test_regression_this_meeting_versus_next(heading: list[str], expected: str) -> None:
    lines = [Line(t, 1) for t in heading]
    assert meta.detect_meeting_date(lines, Path("x.pdf"), {}, None)[0] == expected
