"""Item segmentation (ingest.items): label schemes, traps, and real papers."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import corpus_file

from ingest.items import make_title, parse_label, split_items
from ingest.layout import strip_running_lines
from ingest.reader import read_file
from minutebook.model import Line


def _lines(text: str) -> list[Line]:
    return [Line(t, 1) for t in text.strip("\n").splitlines()]


def _numbers(text: str) -> list[tuple[str, str | None]]:
    _, items = split_items(_lines(text))
    return [(it.number, it.parent) for it in items]


@pytest.mark.parametrize(
    ("line", "number", "scheme"),
    [
        pytest.param("1. Apologies", "1", "plain", id="plain-period"),
        pytest.param("9 Christmas Functions", "9", "plain", id="plain-no-period"),
        pytest.param("5.3 Mark Freeman reported", "5.3", "dotted", id="dotted"),
        pytest.param("- 6.1.1 Nick Skipworth provided", "6.1.1", "dotted", id="bulleted-dotted"),
        pytest.param("7.0 Finance & performance", "7.0", "dotted", id="point-zero"),
        pytest.param("02.23.05 Clerks Report", "02.23.05", "month_seq", id="month-year-seq"),
        pytest.param("205/18 Apologies", "205/18", "slash", id="running-slash"),
        pytest.param("135/18Planning", "135/18", "slash", id="running-slash-no-space"),
        pytest.param("(22-006) Proclamation", "(22-006)", "paragraph", id="paragraph-id"),
        pytest.param("(*11-123) Minutes of the", "(*11-123)", "paragraph", id="consent-paragraph-id"),
        pytest.param("(11-127A) Recommendation", "(11-127A)", "paragraph", id="lettered-paragraph-id"),
        pytest.param("3-A Horizon Workshop", "3-A", "lettered", id="hyphen-letter"),
        pytest.param("3.A. Resolution of the", "3.A", "lettered", id="dot-letter"),
        pytest.param("5A 2019-6589", "5A", "lettered", id="bare-letter"),
        pytest.param("Agenda Item 6", "6", "agenda_item", id="agenda-item"),
        pytest.param("Item 6: Finance", "6", "agenda_item", id="item"),
        pytest.param("Item 16/10/6/1 Public Forum", "16/10/6/1", "month_seq", id="dated-item"),
    ],
)
def test_parse_label_schemes(line: str, number: str, scheme: str) -> None:
    label = parse_label(Line(line, 1))
    assert label is not None
    assert (label.number, label.scheme) == (number, scheme)


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("2 May 2019 Parish Council Elections", id="date"),
        pytest.param("12 th march 2025", id="ordinal-date"),
        pytest.param("10 to 11 percent, and could", id="quantity"),
        pytest.param("19/00274/OM Land off Lynn Road", id="planning-application"),
        pytest.param("02/01/2020 invoice", id="slash-date"),
        pytest.param("77/17d St Andrew's Close", id="minute-reference"),
        pytest.param("3. [Absent: Councilmember Johnson - 2.]", id="vote-tally"),
        pytest.param("6.5 miles) in their system", id="decimal"),
        pytest.param("£500 Playground sale", id="amount"),
        pytest.param("01869 347000", id="phone"),
        pytest.param("11-127] and the report", id="wrapped-reference"),
    ],
)
def test_parse_label_traps(line: str) -> None:
    label = parse_label(Line(line, 1))
    assert label is None or label.scheme == "plain" and line.startswith("01869")


def test_phone_number_is_never_an_item() -> None:
    assert _numbers("1. Apologies\n2. Minutes\n01869 347000\n3. Finance") == [
        ("1", None), ("2", None), ("3", None)]


def test_sub_items_after_bullets_and_parent_text_stops() -> None:
    text = """
Draft Minutes
1. Welcome
- 1.1 The Chair welcomed everyone.
2. Verbal Updates:
2.1 CSP Priority: Safeguarding
- 2.1.1 Nick reported on disruption.
- 2.1.2 Susie asked about hostels.
3. Close
"""
    pre, items = split_items(_lines(text))
    assert [ln.text for ln in pre] == ["Draft Minutes"]
    assert [(it.number, it.parent, it.level) for it in items] == [
        ("1", None, 1), ("1.1", "1", 2), ("2", None, 1), ("2.1", "2", 2),
        ("2.1.1", "2.1", 3), ("2.1.2", "2.1", 3), ("3", None, 1)]
    assert items[0].text == "1. Welcome"
    assert items[2].title == "Verbal Updates"


def test_list_inside_an_item_does_not_continue_the_sequence() -> None:
    text = """
1. Apologies
2. Finance
Key aims are to:
1. Take visible action.
2. Increase confidence.
3. Work with partners.
3. Planning
"""
    assert _numbers(text) == [("1", None), ("2", None), ("3", None)]
    _, items = split_items(_lines(text))
    assert items[1].text.endswith("3. Work with partners.")


def test_item_brought_forward_keeps_the_skipped_numbers() -> None:
    text = "9. GDPR\nItem 12 was brought forward.\n12. PARISH PARTNERSHIP\n10. BUDGET\n11. TREES\n13. PLANNING"
    assert [n for n, _ in _numbers(text)] == ["9", "12", "10", "11", "13"]


def test_sequence_resuming_after_a_big_jump_is_kept() -> None:
    # Stoke Ferry: "7." then the clerk's numbering jumps; 15, 16, 17 confirm each other
    text = ("6. Planning\nNone received.\n7. Finance\nPayments approved.\n15. Website\nUpdated.\n"
            "16. Correspondence\nNone.\n17. Date of next meeting\nTuesday.")
    assert [n for n, _ in _numbers(text)] == ["6", "7", "15", "16", "17"]
    # one witness is not enough for a jump that big: a stray "15." in the text is not an item
    assert [n for n, _ in _numbers("6. Planning\n7. Finance\n15. Website\nUpdated.\n16. Other")] == ["6", "7"]


def test_items_run_on_inside_a_text_paragraph_are_split_out() -> None:
    text = ("20. FINANCES: Payments approved.\n"
            "21. TRAINING: No new requests. 22. AGREE DATE FOR JANUARY MEETING: 7th January. "
            "23. ITEMS FOR AGENDA OF NEXT MEETING: Tennis Club.")
    assert [n for n, _ in _numbers(text)] == ["20", "21", "22", "23"]
    # one run-on paragraph with no number at a line start: the sequence starts at 1
    post = ("MINUTES OF WRETTON PARISH COUNCIL Present: Cllr Peake. 1. Apologies None. "
            "2. Declarations of Interest None. 3. Minutes Approved.")
    assert [n for n, _ in _numbers(post)] == ["1", "2", "3"]


def test_inline_list_numbers_that_start_lines_elsewhere_stay_in_the_text() -> None:
    text = ("1. Bus shelter\nThe council agreed: 1. Repair it. 2. Paint it.\n"
            "2. Village pond\nCleared.\n3. Finance\nNoted.")
    assert [n for n, _ in _numbers(text)] == ["1", "2", "3"]
    _, items = split_items(_lines(text))
    assert "1. Repair it. 2. Paint it." in items[0].text


def test_headings_whose_indent_drifts_stay_top_level() -> None:
    # Word minutes: headings at x=73..87, a nested list far in at x=159
    xs = [87.0, 84.0, 73.0, 73.0, 87.0, 87.0]
    lines = [Line(f"{n}. Heading {n}", 1, x) for n, x in enumerate(xs, start=1)]
    lines += [Line("1. The recommendation from the group", 1, 159.0), Line("2. As this is the first", 1, 159.0)]
    lines += [Line("7. Budget", 1, 84.0)]
    _, items = split_items(lines)
    assert [(it.number, it.parent) for it in items if it.parent is None] == [(str(n), None) for n in range(1, 8)]


def test_indented_list_counting_on_is_not_top_level() -> None:
    # Suffolk: "6. Evaluation Panel" (x=120) precedes "6. Updates from Board Committees" (x=84)
    lines = [Line("4. Minutes", 1, 84.0, bold=True), Line("5. Decisions", 1, 84.0, bold=True)]
    lines += [Line(f"{n}. Decision paper {n}", 1, 120.0, bold=True) for n in range(1, 7)]
    lines += [Line("6. Updates", 1, 84.0, bold=True)]
    _, items = split_items(lines)
    assert [(it.number, it.parent) for it in items] == [
        ("4", None), ("5", None), *((str(n), "5") for n in range(1, 7)), ("6", None)]


def test_agenda_grid_rows_are_items_but_action_rows_are_not() -> None:
    agenda = "No.\tItem\tLead Officer(s)\tTime\n1\tWelcome\tChair\t5\n2\tQuestions\tChair\t5\n3\tMinutes\tBoard\t5"
    assert _numbers(agenda) == [("1", None), ("2", None), ("3", None)]
    _, items = split_items(_lines(agenda))
    assert items[0].title == "Welcome"
    actions = (
        "MONTH / NUMBER\tACTION POINT\tACTION\n"
        "02/01\tLouise to advise Rob.\tClosed.\n"
        "02/02\tLeigh to ask.\tClosed."
    )
    assert _numbers(actions) == []


def test_month_year_numbers_ignore_the_action_table() -> None:
    text = """
03.18.04 Public participation
03.18.05 Clerks report and actions from previous meeting
01.18.04\tNO to contact Heyfordian Buses\tOutstanding\tNO
01.18.06\tClerk will send the forms\tcompleted\tCF
03.18.06 Updates
"""
    assert [n for n, _ in _numbers(text)] == ["03.18.04", "03.18.05", "03.18.06"]


def _placed(rows: list[tuple[float, str]]) -> list[Line]:
    """Lines with an x position, one per row, 12 points apart."""
    return [Line(t, 1, x, 100.0 + 12 * k, 11.0) for k, (x, t) in enumerate(rows)]


def test_month_year_numbers_with_a_typo_then_plain_numbers() -> None:
    # a scanned Souldern paper: "023.21.06" (typed as printed), then the clerk drops to "7", "8."
    lines = _placed([(50, "02.21.04 Public Participation"), (99, "No members of the public."),
                     (50, "02.21.05 Local Plan Review"), (99, "A questionnaire was received."),
                     (50, "023.21.06 Playground Update"), (99, "3 contractors seen."),
                     (50, "7 Planning"), (75, "21/00424/LB Hollies Farm - No objection"),
                     (50, "8. Finance The following payments were approved:"),
                     (99, "1 Clerk salary")])
    _, items = split_items(lines)
    assert [it.number for it in items] == ["02.21.04", "02.21.05", "023.21.06", "7", "8"]
    assert items[-1].title == "Finance The following payments were approved"


def test_number_copied_from_another_meeting_counts_only_where_its_own_never_comes() -> None:
    lines = _placed([(72, "01.19.04 Public participation"), (144, "None."),
                     (72, "11.18.05 Co-Option of Councillor"), (144, "Agreed."),
                     (72, "01.19.06 Clerks Report and Actions from previous meeting"),
                     (72, "06.18.07 NO to instruct solicitor"),
                     (72, "01.19.07 Planning")])
    _, items = split_items(lines)
    # 11.18.05 fills the place of the missing 01.19.05; the action row 06.18.07 does not,
    # because the meeting's own 01.19.07 follows
    assert [it.number for it in items] == ["01.19.04", "11.18.05", "01.19.06", "01.19.07"]


def test_running_slash_numbers_inline_and_repeated() -> None:
    text = """
The Chairman welcomed everyone. 88/17 Apologies for absence None. 89/17 Declaration of Interest None.
90/17 Minutes were agreed.
91/17 Matters Arising 77/17d St Andrew's Close: no reply. 81/17 Glazewing Report: waiting.
92/17 Planning 19/00274/OM Land off Lynn Road was noted.
92/17 Planning again
93/17 Close
"""
    assert [n for n, _ in _numbers(text)] == ["88/17", "89/17", "90/17", "91/17", "92/17", "92/17", "93/17"]


def test_alameda_paragraph_ids_not_bracketed_references() -> None:
    text = """
CONSENT CALENDAR
(*11-123) Minutes of the Special City Council Meeting.
(11-127) Recommendation to Approve Modifications [paragraph no. 11-127A].
(11-127A) Recommendation to Approve the Taxi Service.
[paragraph number 11-445] was continued.
"""
    assert [n for n, _ in _numbers(text)] == ["(*11-123)", "(11-127)", "(11-127A)"]


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("(*11-01 APFA) Minutes of the Financing Authority", id="two-digit-serial"),
        pytest.param("(11-117A CC/11-015A CIC) Recommendation to approve", id="letters-on-joint-ids"),
        pytest.param("(11-280 CC/PUB) Public hearing", id="bare-agency"),
        pytest.param("(13-01 IDA, 13-01 APIC, 13-01 CAFA) Minutes of the APIC Meeting", id="comma-list"),
        pytest.param("(*13-488 CC/13- 020 SACIC) Recommendation", id="space-after-dash"),
    ],
)
def test_alameda_joint_agency_id_shapes_are_paragraph_ids(line: str) -> None:
    label = parse_label(Line(line, 1))
    assert label is not None and label.scheme == "paragraph"
    assert label.number == line[: line.index(")") + 1]


def test_lettered_sub_items_and_unprinted_parents() -> None:
    commission = (
        "1. ROLL CALL\n2. AGENDA CHANGES\n3. ANNOUNCEMENTS\n3-A Horizon Workshop\n3-B Otis Drive\n"
        "4. CONSENT CALENDAR\n5. NEW BUSINESS\n5A 2019-6589"
    )
    assert _numbers(commission) == [
        ("1", None), ("2", None), ("3", None), ("3-A", "3"), ("3-B", "3"), ("4", None), ("5", None), ("5A", "5")]
    open_government = "Roll call\n3-A. Approve the minutes\n3-B. Review the ordinance\n4-A. Discussion"
    assert _numbers(open_government) == [("3-A", None), ("3-B", None), ("4-A", None)]


def test_closing_action_list_is_not_items() -> None:
    text = (
        "Minutes\ne-Prescribing\nMW said it was a foundation.\nThe Board agreed.\nAny other business\n"
        "None.\nActions\n1.\tAgree letter.\n2.\tMW to blog."
    )
    assert _numbers(text) == []


def test_page_breaks_map_offsets_to_pages() -> None:
    lines = [Line("1. Finance", 1), Line("Payments", 1), Line("more payments", 2), Line("2. Close", 3)]
    _, items = split_items(lines)
    first = items[0]
    assert (first.page_start, first.page_end) == (1, 2)
    assert first.page_at(first.text.index("more")) == 2
    assert first.page_at(0) == 1


@pytest.mark.parametrize(
    ("text", "title"),
    [
        pytest.param("Conservation Review: There are no updates.", "Conservation Review", id="colon"),
        pytest.param("PLAY AREAS The swings were repaired.", "PLAY AREAS", id="uppercase-run-on"),
        pytest.param("Revenue Report (Pages 5 - 20)", "Revenue Report", id="pages-ref"),
        pytest.param("word " * 40, ("word " * 24).strip(), id="long"),
    ],
)
def test_make_title(text: str, title: str) -> None:
    assert make_title(text) == title


# Real papers: expected numbers hand-checked against /work/shared/gold/items.json.
REAL = [
    pytest.param("souldern-parish-council/minutes/2018-03-22 SPC minutes.pdf",
                 [f"03.18.{n:02d}" for n in range(2, 15)], [], id="souldern-month-seq"),
    pytest.param("souldern-parish-council/minutes/2012-09-27 SPC minutes.pdf",
                 [str(n) for n in range(1, 12)], [], id="souldern-margin-numbers"),
    pytest.param("kent-county-council/cabinet/2025-01-30/Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf",
                 [str(n) for n in range(84, 93)],
                 ["1", "1", "2", "3", "4", "5", "6", "7", "1", "2", "3", "1", "2", "3", "4",
                  "1", "2", "3", "4", "5", "1", "2", "3", "4", "1", "2", "3", "4"], id="kent-running"),
    pytest.param("suffolk-libraries-board/board-meeting-minutes-2014-07-31.pdf",
                 [str(n) for n in range(1, 13)], None, id="suffolk-multilevel"),
    pytest.param("stokeferry-parish-minutes-md/2019-04_stoke-ferry-parish-council-minutes-march.md",
                 [f"{n}/19" for n in [*range(43, 51), 50, *range(51, 68)]], [], id="stokeferry-slash"),
    pytest.param("welsh-technical-standards-board/2018-11-21_index.md",
                 [str(n) for n in range(1, 8)], [], id="welsh-agenda"),
    pytest.param("welsh-technical-standards-board/2019-03-28_minutes.md", [], [], id="welsh-unnumbered"),
    pytest.param("alameda-city-minutes/TransportationCommission/2019-02-27.pdf",
                 [str(n) for n in range(1, 9)],
                 ["3-A", "3-B", "3-C", "3-D", "3-E", "4-A", "5A", "5-B", "6-A", "6-B"], id="alameda-lettered"),
    pytest.param("alameda-city-minutes/CityCouncil/2011-03-15.pdf",
                 ["(11-121)", "(11-122)", "(*11-123)", "(*11-124)", "(*11-125)", "(*11-126)", "(11-127)",
                  "(11-127A)", "(*11-128)", "(*11-129)", "(*11-129A)", "(*11-130)", "(*11-131)", "(11-132)",
                  "(11-133)", "(11-134)", "(11-135)", "(11-136)", "(11-118 CC)",
                  "(11-119 CC/11-027 ARRA/11-016 CIC)", "(11-120 CC/11-028 ARRA/11-017 CIC)",
                  "(*11-137 CC/11-029 ARRA/11-018 CIC)", "(11-138 CC/11-030 ARRA)", "(11-139 CC/11-031 ARRA)"],
                 [], id="alameda-paragraphs"),
]


@pytest.mark.parametrize(("rel", "top", "subs"), REAL)
def test_real_papers(rel: str, top: list[str], subs: list[str] | None) -> None:
    source = read_file(corpus_file(rel))
    _, items = split_items(strip_running_lines(source.lines))
    assert [it.number for it in items if it.parent is None] == top
    if subs is not None:
        assert [it.number for it in items if it.parent is not None] == subs


def _seed_parts(path: Path) -> list[list[Line]]:
    parts: list[list[Line]] = [[]]
    for line in strip_running_lines(read_file(path).lines):
        if line.text.strip() == "Cambridge Community Safety Partnership" or line.text.startswith("To: "):
            parts.append([])
        parts[-1].append(line)
    return [p for p in parts if p]


def test_seed_pack_parts(seed_pack: Path) -> None:
    agenda, minutes, action_table, *_ = _seed_parts(seed_pack)
    _, items = split_items(agenda)
    assert [it.number for it in items] == [str(n) for n in range(1, 15)]
    _, items = split_items(minutes)
    assert [it.number for it in items if it.parent is None] == [str(n) for n in range(1, 14)]
    subs = {it.number: it.parent for it in items if it.parent}
    assert subs["5.3"] == "5" and subs["6.1"] == "6" and subs["6.1.1"] == "6.1" and subs["13.2"] == "13"
    assert len(subs) == 32
    assert split_items(action_table)[1] == []
