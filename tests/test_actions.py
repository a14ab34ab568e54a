"""Action points: IDs, table rows, inline markers, status words and the traps around them."""

from __future__ import annotations

import pytest
from conftest import corpus_file

from ingest.reader import read_file
from minutebook.model import ActionStatus
from nlp.actions import canonical_action_id, find_actions, header_roles, is_closed


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        pytest.param("Action point 02/01", "02/01", id="action-point"),
        pytest.param("Feb 23.05", "Feb23.05", id="month-space"),
        pytest.param("Sept21.01", "Sept21.01", id="sept"),
        pytest.param("03.19.11 (1)", "03.19.11(1)", id="sub-number-space"),
        pytest.param("11.18.07 d", "11.18.07d", id="suffix-letter"),
        pytest.param("O3,21.07", "03.21.07", id="ocr-letter-o-and-comma"),
        pytest.param("Nov2O.0l", "Nov20.01", id="ocr-month-id"),
        pytest.param("03.19.04(l)", "03.19.04(1)", id="ocr-sub-number"),
        pytest.param("03.21. 07", "03.21.07", id="ocr-space-by-dot"),
        pytest.param("1l.18.07 d", "11.18.07d", id="ocr-with-suffix-letter"),
    ],
)
def test_canonical_action_id(raw: str, canonical: str) -> None:
    assert canonical_action_id(raw) == canonical


@pytest.mark.parametrize(
    ("update", "closed"),
    [
        pytest.param("Completed - see below", True, id="completed-see"),
        pytest.param("Closed: This was shared with the CSP", True, id="closed-colon"),
        pytest.param("Deeley not PC responsibility\nAction closed", True, id="action-closed"),
        pytest.param("completed NO", True, id="completed-owner"),
        pytest.param("No longer required", True, id="no-longer-required"),
        pytest.param("On-going", False, id="ongoing"),
        pytest.param("NO will write back (open or closed churchyard) to Clive", False, id="closed-adjective"),
        pytest.param("NO to arrange a working party to remove the equipment", False, id="remove-verb"),
        pytest.param("tests done on the water", False, id="done-on"),
        pytest.param(
            "NO/AS to organise a working party\nCF to ask NP if the last cut has been done.",
            False,
            id="one-of-two-subactions",
        ),
        # OCR misreadings of the status words
        pytest.param("Cornpleted", True, id="ocr-rn-for-m"),
        pytest.param("Compieted.", True, id="ocr-i-for-l"),
        pytest.param("complete d", True, id="ocr-split-word"),
        pytest.param("C1osed", True, id="ocr-1-for-l"),
        pytest.param("Completed but no response received.", True, id="completed-but"),
        pytest.param("Completed — tidying up to\nbe done", True, id="completed-em-dash"),
        pytest.param("Paperwork\tneeds to be completed", False, id="to-be-completed"),
        pytest.param("the closed\tNO\nchurchyard", False, id="the-closed-before-owner"),
        pytest.param("NO to arrange a meeting regarding the open/closed\tNO", False, id="open-slash-closed"),
        pytest.param("KD to provide information regarding the\tCompleted - see below\tKD", True, id="cell-after-the"),
        pytest.param("3. Completed.\nMemorial plaque to be changed\tIn-hand", False, id="in-hand-hyphen"),
    ],
)
def test_is_closed(update: str, closed: bool) -> None:
    assert is_closed(update) is closed


SOULDERN_STYLE = """11.17.05 Clerks Report and Actions from previous meeting
NO ACTION Update OWNER
07.17.02 NO to chase Clerk to Blackthorne re borrowing Blackthorn's SID is broken CF
SID and unavailable.
09.17.07 CF to forward Notice regarding road closure to Completed CF
David Carlisle and The Malins
11.17.06 Data Protection
The clerk will undergo training in January.
05.18.10 Finance
ACTION LIST SUMMARY
NO ACTION OWNER
11.17.07 NO to contact Phil Mander to see if he can carry out the repairs NO
Nov21.01 NO to chase up Kev Keane regarding Rules of Engagement in NBW NO
"""


def test_souldern_style_table_rows() -> None:
    got = [(a.id, a.status, a.owner) for a in find_actions(SOULDERN_STYLE) if a.rule == "table_row"]
    assert got == [
        ("07.17.02", ActionStatus.OPEN, "CF"),
        ("09.17.07", ActionStatus.CLOSED, "CF"),
        ("11.17.07", ActionStatus.OPEN, "NO"),
        ("Nov21.01", ActionStatus.OPEN, "NO"),
    ]


def test_minute_numbers_are_not_actions_outside_a_table() -> None:
    text = "05.18.10 Finance\nThe accounts were approved.\n11.17.06 Data Protection\n"
    assert [a for a in find_actions(text) if a.id] == []


def test_rows_parameter_uses_cells() -> None:
    rows = [("NO", "ACTION", "OWNER", "Update"), ("Jan22.01", "AS will submit the application", "AS", "completed")]
    text = "NO ACTION OWNER Update\nJan22.01 AS will submit the application AS completed"
    (a,) = [a for a in find_actions(text, rows=rows) if a.id]
    assert (a.id, a.description, a.owner, a.update, a.status) == (
        "Jan22.01",
        "AS will submit the application",
        "AS",
        "completed",
        ActionStatus.CLOSED,
    )
    assert text[a.start : a.start + 8] == "Jan22.01"


def test_continuation_cells_placed_by_column_stay_in_their_column() -> None:
    """A wrapped line the reader placed under its columns (empty cells kept): its description part
    continues the description and its update part the update, whatever their lengths."""
    rows = [("No", "Action", "Owner", "Update"),
            ("Jan24.02", "Draft the council's response to", "AF", "New: response due by 29th"),
            ("", "the 20mph speed limit consultation", "", "February 2024"),
            ("Jan24.03", "Obtain three quotes for repair of the car", "Clerk", "New"),
            ("", "park barrier", "", "")]
    text = "\n".join(" ".join(c for c in r if c) for r in rows)
    found = {a.id: a for a in find_actions(text, rows=rows) if a.id}
    assert found["Jan24.02"].description == "Draft the council's response to the 20mph speed limit consultation"
    assert found["Jan24.02"].update == "New: response due by 29th February 2024"
    assert (found["Jan24.03"].description, found["Jan24.03"].update) == (
        "Obtain three quotes for repair of the car park barrier", "New")


def test_tab_separated_table_and_inline_markers() -> None:
    text = (
        "4.2 The Chair asked Louise Walker to advise Rob Hill of the date. Action point 02/01\n\n"
        "ACTION POINTS\n\nMONTH / NUMBER\tACTION POINT\tACTION\n"
        "02/01\tLouise Walker to advise Rob Hill of the next CSP meeting date.\tClosed.\n"
        "02/02\tLeigh Roberts to ask the County DASV Partnership\tClosed: The County responded\n"
    )
    got = [(a.rule, a.id, a.status.value) for a in find_actions(text) if a.id]
    assert got == [
        ("table_row", "02/01", "closed"),
        ("table_row", "02/02", "closed"),
        ("inline_marker", "02/01", "open"),
    ]
    inline = next(a for a in find_actions(text) if a.rule == "inline_marker")
    assert inline.description == "The Chair asked Louise Walker to advise Rob Hill of the date."


def test_owners_key_under_the_table_is_not_the_last_rows_update() -> None:
    text = (
        "ACTION POINTS\n\nREF\tACTION\tOWNER\tUPDATE\n"
        "Jan24.01\tObtain three quotes for the car park barrier\tAF\tNew: raised 18th January 2024\n"
        "Jan24.02\tWrite to the highways team about the verge\tClerk\tAwaiting reply\n"
        "Owners: AF Cllr Alan Fairbairn (Chair); PR Cllr Priya Raman (Vice-Chair); TW Cllr Tom Whitlock\n"
    )
    found = {a.id: a for a in find_actions(text) if a.id}
    assert list(found) == ["Jan24.01", "Jan24.02"]
    assert "Owners" not in found["Jan24.02"].update and "Fairbairn" not in found["Jan24.02"].update
    assert found["Jan24.02"].update == "Awaiting reply"


def test_a_block_style_actions_own_owner_line_stays_with_it() -> None:
    # one owner after the label is the action's own, not a key to initials
    text = ("ACTION POINTS\n\nMONTH / NUMBER\tACTION POINT\tACTION\n"
            "02/03\tLouise Walker to repair the noticeboard.\tOpen\nOwner: Clerk; due March\n")
    (a,) = [a for a in find_actions(text) if a.id]
    assert "Owner: Clerk" in a.update or "Owner: Clerk" in a.description


@pytest.mark.parametrize(
    ("text", "rule", "owner"),
    [
        pytest.param("ACTION : CF to invite Ian Jones to next meeting", "action_line", "CF"),
        pytest.param("The Clerk agreed to write to the highways team.", "agreed_to", "Clerk"),
        pytest.param("A document control system to be formalised by October.\tAW", "owner_column", "AW"),
    ],
)
def test_unnumbered_actions_have_no_id(text: str, rule: str, owner: str) -> None:
    (a,) = list(find_actions(text))
    assert (a.id, a.rule, a.owner) == ("", rule, owner)


def test_slash_numbers_need_a_table_or_marker() -> None:
    # a running minute number or a date fragment is not an action ID
    assert [a for a in find_actions("205/18 Planning applications 02/01 were noted") if a.id] == []


def test_seed_pack_actions(seed_pack) -> None:  # noqa: ANN001
    found = [a for a in find_actions(seed_pack.read_text()) if a.id]
    raised = {a.id for a in found if a.rule == "inline_marker"}
    closed = {a.id for a in found if a.rule == "table_row" and a.status == ActionStatus.CLOSED}
    assert raised == closed == {"02/01", "02/02", "02/03", "02/04", "02/05"}


def test_souldern_real_minutes() -> None:
    sf = read_file(corpus_file("souldern-parish-council/minutes/2022-03-31 SPC minutes.pdf"))
    text = "\n".join(line.text for line in sf.lines)
    status = {a.id: a.status.value for a in find_actions(text) if a.id}
    assert status["Nov21.01"] == "closed"  # "Completed"
    assert status["Nov21.04"] == "open"  # "(open or closed churchyard)" is no closure
    assert status["Jan22.02"] == "closed"  # "Action closed" on the update's last line
    assert status["03.22.05"] == "closed"
    assert "05.18.10" not in status


def test_regression_bare_action_marker_with_month_id() -> None:
    text = "It was agreed that the Clerk should obtain three quotes (Action Jan24.01)."
    assert [(a.id, a.rule) for a in find_actions(text)] == [("Jan24.01", "inline_marker")]


@pytest.mark.parametrize(
    ("header", "roles"),
    [
        pytest.param(["NO", "ACTION", "OWNER", "Update"], ["id", "action", "owner", "update"], id="four-cells"),
        pytest.param(["No", "Action", "Owner Update"], ["id", "action", "owner", "update"], id="ocr-merged-cells"),
        pytest.param(["MONTH / NUMBER", "ACTION POINT", "ACTION"], ["id", "action", "update"], id="second-action"),
        pytest.param(["Ref", "Action", "By whom", "Due date"], ["id", "action", "owner", "date"], id="by-whom"),
    ],
)
def test_header_roles(header: list[str], roles: list[str]) -> None:
    assert header_roles(header) == roles


# Tesseract's reading of a Souldern action table: a speck before one ID, a letter O for a zero,
# the "(1)" sub-number as "(l)", the header's last two cells run together, a row with no owner.
OCR_TABLE = [
    ("03.21.05 Clerks Report and Actions from previous meeting",),
    ("No", "Action", "Owner Update"),
    (". Nov20.01 NO will speak to the Malins regarding a path", "NO", "Completed"),
    ("around the outside of the playground", "‘Agenda item"),
    ("Nov2O.02 CF will draft letter to Clive Smith regarding the", "Completed but no"),
    ("churchyard wall.", "response received."),
    ("O3.19.04(l) JH to arrange purchase of speeding signs", "JH", "In-hand"),
    ("| 11.18.07 d", "Speed monitoring/ Potholes in Back Lane", "NO", "Email to AF"),
]


def test_ocr_table_rows() -> None:
    text = "\n".join(" ".join(r) for r in OCR_TABLE)
    got = [(a.id, a.status.value, a.description, a.owner) for a in find_actions(text, rows=OCR_TABLE) if a.id]
    assert got == [
        ("Nov20.01", "closed", "NO will speak to the Malins regarding a path around the outside of the playground",
         "NO"),
        ("Nov20.02", "closed", "CF will draft letter to Clive Smith regarding the churchyard wall.", None),
        ("03.19.04(1)", "open", "JH to arrange purchase of speeding signs", "JH"),
        ("11.18.07d", "open", "Speed monitoring/ Potholes in Back Lane", "NO"),
    ]
    # the update is the update column (not the owner column the header names next), and a
    # wrapped row's cells go back to their columns
    nov02 = next(a for a in find_actions(text, rows=OCR_TABLE) if a.id == "Nov20.02")
    assert nov02.update == "Completed but no response received."


def test_summary_rows_wrap_into_the_description() -> None:
    rows = [
        ("ACTION LIST SUMMARY",),
        ("NO", "ACTION", "OWNER"),
        ("Sept21.01 NO will arrange for a working party to remove the remaining playground", "NO"),
        ("equipment the weekend after next.",),
        ("Sept21.02 All to set up gmail addresses.", "ALL"),
        ("CF to set up G-drive", "CF"),
    ]
    text = "\n".join(" ".join(r) for r in rows)
    got = [(a.description, a.owner, a.update) for a in find_actions(text, rows=rows) if a.id]
    assert got == [
        ("NO will arrange for a working party to remove the remaining playground equipment the weekend after next.",
         "NO", ""),
        ("All to set up gmail addresses. CF to set up G-drive", "ALL; CF", ""),
    ]


def test_ocr_ids_need_a_table_and_real_digits() -> None:
    # outside a table, and with too few real digits, a misread-looking number is no action ID
    assert [a.id for a in find_actions("O3.21.07 NO to empty the bins NO") if a.id] == []
    table = "ACTION LIST SUMMARY\nNO ACTION OWNER\nOl.lO.Ol NO to empty the bins NO\n"
    assert [a.id for a in find_actions(table) if a.id] == []
