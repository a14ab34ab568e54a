"""Write the bundled sample corpus: three meetings of a fictional parish council.

Ashcombe Parish Council, its people, places and business are invented for demos and tests. Each
meeting has an agenda, minutes and an action log, written as text-layer PDFs with a running header
and footer. Output is deterministic (fixed creation dates and producer), so re-running the script
gives byte-identical files.

Usage: ``python corpus/generate.py [--out DIR]`` (default: the folder holding this script).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import fpdf
from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

COUNCIL = "Ashcombe Parish Council"
FOLDER = "ashcombe-parish-council"
CLERK_LINE = (
    "Clerk: Mrs Ruth Okafor, 4 Mill Lane, Ashcombe, Westshire AS7 2QT  |  "
    "Tel 01632 960418  |  clerk@ashcombe-pc.example.org"
)
VENUE = "the Village Hall, Church Street, Ashcombe"
FONT = "Helvetica"
BODY_SIZE = 10.5
# Cell padding (mm). Left + right padding keeps neighbouring cells' words more than 18pt apart,
# the gap at which the PDF reader splits a row into cells.
TABLE_PADDING = (1.2, 3.6)
OWNER_KEY = (
    "Owners: AF Cllr Alan Fairbairn (Chair); PR Cllr Priya Raman (Vice-Chair); TW Cllr Tom Whitlock; "
    "HG Cllr Helen Grieve; DO Cllr David Osei; ML Cllr Margaret Lyle; SC Cllr Sam Corrigan; "
    "Clerk Mrs Ruth Okafor."
)


@dataclass(frozen=True)
class ActionRow:
    """One row of an action table: No / Action / Owner / Update."""

    number: str
    action: str
    owner: str
    update: str


@dataclass(frozen=True)
class Payment:
    """One payment for approval; ``pence`` keeps the totals exact."""

    payee: str
    details: str
    pence: int


@dataclass(frozen=True)
class ActionTable:
    """A drawn No / Action / Owner / Update table inside an item."""

    rows: tuple[ActionRow, ...]


@dataclass(frozen=True)
class PaymentsTable:
    """A drawn Payee / Details / Amount table with a total row."""

    rows: tuple[Payment, ...]


Block = str | ActionTable | PaymentsTable


@dataclass(frozen=True)
class Entry:
    """An agenda item or sub-item (``5.1``) with its agenda wording and what the minutes record."""

    number: str
    title: str
    agenda: Sequence[Block] = ()
    minutes: Sequence[Block] = ()


@dataclass(frozen=True)
class Meeting:
    """One meeting: its date, attendance, items, new actions and the action log after it."""

    held: date
    previous: date
    following: date
    present: str
    in_attendance: str
    apologies: str
    entries: Sequence[Entry]
    new_actions: tuple[ActionRow, ...]
    log: tuple[ActionRow, ...]
    closed_at: str


def day_ordinal(d: date) -> str:
    """``18th``, ``21st``, ``2nd``."""
    suffix = "th" if 11 <= d.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(d.day % 10, "th")
    return f"{d.day}{suffix}"


def ordinal(d: date) -> str:
    """``18th January 2024``: the day-first style UK councils print."""
    return f"{day_ordinal(d)} {d:%B %Y}"


def money(pence: int) -> str:
    """``\u00a31,262.50`` from 126250 pence."""
    return f"\u00a3{pence // 100:,}.{pence % 100:02d}"


class CouncilPaper(FPDF):
    """An A4 paper with the council's running header and the clerk's address and page in the footer."""

    def __init__(self, running_title: str, created: datetime) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.running_title = running_title
        self.set_margins(20, 22, 20)
        self.set_auto_page_break(auto=True, margin=24)
        self.set_creation_date(created)
        self.set_author(COUNCIL)
        self.set_title(running_title)
        # Byte-identical output needs the same fpdf2; naming it lets a test tell drift from a change.
        self.set_producer(f"Minutebook sample corpus generator (fpdf2 {fpdf.__version__})")
        self.set_creator("corpus/generate.py")

    def header(self) -> None:
        self.set_font(FONT, size=8)
        self.set_text_color(110)
        self.set_y(10)
        self.cell(0, 4, self.running_title, align="R")
        self.set_text_color(0)
        self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_y(-18)
        self.set_font(FONT, size=8)
        self.set_text_color(110)
        self.cell(0, 4, CLERK_LINE, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0)

    def title_block(self, *lines: str, size: float = 13) -> None:
        self.set_font(FONT, style="B", size=size)
        for line in lines:
            self.multi_cell(0, size * 0.5, line, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)

    def para(self, text: str, indent: float = 0, bold: bool = False, gap: float = 1.6) -> None:
        self.set_font(FONT, style="B" if bold else "", size=BODY_SIZE)
        self.set_x(self.l_margin + indent)
        self.multi_cell(0, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(gap)

    def item_heading(self, entry: Entry) -> None:
        # Sub-items sit a little further in, as most councils print them.
        indent = 6 if "." in entry.number else 0
        if not indent:
            self.ln(1.5)
        # Top-level numbers carry a trailing period ("7."), sub-items do not ("7.1").
        label = f"{entry.number} {entry.title}" if indent else f"{entry.number}. {entry.title}"
        self.para(label, indent=indent, bold=True, gap=0.8)

    def blocks(self, blocks: Sequence[Block], indent: float) -> None:
        for block in blocks:
            if isinstance(block, ActionTable):
                self.action_table(block.rows)
            elif isinstance(block, PaymentsTable):
                self.payments_table(block.rows)
            else:
                self.para(block, indent=indent)

    def action_table(self, rows: Sequence[ActionRow]) -> None:
        self.set_font(FONT, size=9.5)
        with self.table(
            col_widths=(22, 70, 18, 60),
            line_height=4.6,
            padding=TABLE_PADDING,
            text_align="LEFT",
            v_align="TOP",
            headings_style=FontFace(emphasis="BOLD"),
        ) as table:
            head = table.row()
            for title in ("No", "Action", "Owner", "Update"):
                head.cell(title)
            for r in rows:
                row = table.row()
                for value in (r.number, r.action, r.owner, r.update):
                    row.cell(value)
        self.ln(3)

    def payments_table(self, rows: Sequence[Payment]) -> None:
        self.set_font(FONT, size=9.5)
        with self.table(
            col_widths=(62, 78, 30),
            line_height=4.6,
            padding=TABLE_PADDING,
            text_align=("LEFT", "LEFT", "RIGHT"),
            v_align="TOP",
            headings_style=FontFace(emphasis="BOLD"),
        ) as table:
            head = table.row()
            for title in ("Payee", "Details", "Amount"):
                head.cell(title)
            for p in rows:
                row = table.row()
                for value in (p.payee, p.details, money(p.pence)):
                    row.cell(value)
            total = table.row()
            bold = FontFace(emphasis="BOLD")
            total.cell("Total", style=bold)
            total.cell("")
            total.cell(money(sum(p.pence for p in rows)), style=bold)
        self.ln(3)


def at(d: date, hour: int = 9) -> datetime:
    """A fixed timestamp on ``d``, so the PDF creation date never depends on when the script ran."""
    return datetime(d.year, d.month, d.day, hour, tzinfo=UTC)


def write_agenda(m: Meeting, path: Path) -> None:
    """The summons and agenda, issued a week before the meeting."""
    issued = m.held - timedelta(days=7)
    pdf = CouncilPaper(f"{COUNCIL} - Agenda - {ordinal(m.held)}", at(issued))
    pdf.add_page()
    pdf.title_block(COUNCIL.upper(), size=15)
    pdf.para("To all members of the council:", gap=1)
    pdf.para(
        f"You are summoned to attend a meeting of {COUNCIL} to be held on {m.held:%A} "
        f"{ordinal(m.held)} at 7.30pm in {VENUE}. Members of the public and press are welcome "
        "to attend."
    )
    pdf.para(f"Ruth Okafor, Clerk to the Council. Issued {ordinal(issued)}.")
    pdf.ln(2)
    pdf.title_block("AGENDA")
    for entry in m.entries:
        pdf.item_heading(entry)
        pdf.blocks(entry.agenda, indent=6 if "." in entry.number else 0)
    pdf.output(str(path))


def write_minutes(m: Meeting, path: Path) -> None:
    """Minutes: heading, attendance, every item, then the actions raised at the meeting."""
    # Printed in capitals except the ordinal suffix ("18th"), as many councils set it.
    heading = (
        f"MINUTES OF THE MEETING OF {COUNCIL} HELD ON {m.held:%A}".upper()
        + f" {day_ordinal(m.held)} "
        + f"{m.held:%B %Y} AT 7.30PM IN THE VILLAGE HALL".upper()
    )
    pdf = CouncilPaper(f"{COUNCIL} - Minutes - {ordinal(m.held)}", at(m.held + timedelta(days=5)))
    pdf.add_page()
    pdf.title_block(COUNCIL.upper(), size=15)
    pdf.title_block(heading, size=11.5)
    pdf.para(f"Present: {m.present}")
    pdf.para(f"In attendance: {m.in_attendance}")
    pdf.para(f"Apologies: {m.apologies}")
    for entry in m.entries:
        pdf.item_heading(entry)
        pdf.blocks(entry.minutes, indent=6 if "." in entry.number else 0)
    pdf.ln(2)
    pdf.para(f"The meeting closed at {m.closed_at}.")
    pdf.para("Action points arising from this meeting", bold=True, gap=1)
    pdf.action_table(m.new_actions)
    pdf.ln(6)
    pdf.para("Signed ............................................ (Chair)      Date ....................")
    pdf.output(str(path))


def write_action_log(m: Meeting, path: Path) -> None:
    """The action log as it stands after the meeting, with a key to owners' initials."""
    pdf = CouncilPaper(f"{COUNCIL} - Action log - {ordinal(m.held)}", at(m.held + timedelta(days=2)))
    pdf.add_page()
    pdf.title_block(COUNCIL.upper(), size=15)
    pdf.title_block("ACTION LOG")
    pdf.para(
        f"Status of action points following the meeting held on {m.held:%A} {ordinal(m.held)}. "
        "Completed actions are shown once and then removed from the log."
    )
    pdf.action_table(m.log)
    pdf.para(OWNER_KEY)
    pdf.para(f"The next meeting will be held on {m.following:%A} {ordinal(m.following)} at 7.30pm.")
    pdf.output(str(path))


# ---------------------------------------------------------------------------------------------
# The three meetings. Everything below is invented.

JAN, MAR, MAY = date(2024, 1, 18), date(2024, 3, 21), date(2024, 5, 16)

BARRIER = "Obtain three quotes for repair of the car park barrier"
SPEED = "Draft and submit the council's response to the WCC 20mph speed limit consultation"
ROOF = "Liaise with Ashcombe Village Hall Trust on a roof survey and grant funding"
DRAIN = "Report the blocked drain on Church Street to WCC Highways"
COURIER = "Publicise the outcome of the 20mph consultation in the Ashcombe Courier"
FORD = "Ask the Environment Agency for advice on flood risk at Mill Lane ford"
SIGNS = "Arrange signage showing the height limit at the car park entrance"
ACCOUNTS = "Prepare the accounting statements 2023/24 for approval"

ORCHARD = "24/00123/FUL - Land at Orchard Farm, Ashcombe Lane"


def opening(minutes_1: str, minutes_2: str, previous: date, minutes_3: str, public: str) -> list[Entry]:
    """Items 1-4, which every meeting has with the same agenda wording."""
    return [
        Entry("1", "Apologies for absence", ["To receive and accept apologies for absence."], [minutes_1]),
        Entry(
            "2",
            "Declarations of interest",
            ["To receive declarations of interest in items on this agenda."],
            [minutes_2],
        ),
        Entry(
            "3",
            "Minutes of the previous meeting",
            [f"To approve the minutes of the meeting held on {ordinal(previous)}."],
            [minutes_3],
        ),
        Entry(
            "4",
            "Public participation",
            ["A period of up to 15 minutes for members of the public to address the council."],
            [public],
        ),
    ]


def next_meeting(m_date: date) -> Entry:
    """The closing item, which announces the following meeting."""
    return Entry(
        "11",
        "Date of next meeting",
        [f"{m_date:%A} {ordinal(m_date)} at 7.30pm."],
        [f"The next meeting will be held on {m_date:%A} {ordinal(m_date)} at 7.30pm in the Village Hall."],
    )


JAN_PAYMENTS = PaymentsTable(
    (
        Payment("Mrs R Okafor", "Clerk's salary, January 2024", 61240),
        Payment("HMRC", "PAYE, January 2024", 15310),
        Payment("Westshire Association of Local Councils", "New councillor training course", 4500),
        Payment("Ashcombe Village Hall Trust", "Hall hire, November 2023 to January 2024", 7200),
        Payment("Greenway Grounds Ltd", "Winter hedge cutting, Church Street verges", 38000),
    )
)

MEETING_1 = Meeting(
    held=JAN,
    previous=date(2023, 11, 16),
    following=MAR,
    present=(
        "Cllr Alan Fairbairn (Chair), Cllr Priya Raman (Vice-Chair), Cllr Tom Whitlock, "
        "Cllr Helen Grieve, Cllr David Osei, Cllr Sam Corrigan."
    ),
    in_attendance=(
        "Mrs Ruth Okafor (Clerk), County Councillor Janet Pell, District Councillor Mark Tansley "
        "and three members of the public."
    ),
    apologies="Cllr Margaret Lyle.",
    entries=[
        *opening(
            "Apologies were received from Cllr Margaret Lyle (family commitment). "
            "RESOLVED: that the reason for absence be accepted.",
            "Cllr Whitlock declared a non-pecuniary interest in item 7.1 as his property adjoins the "
            "application site, and took no part in that item. No other declarations were made.",
            date(2023, 11, 16),
            "RESOLVED: that the minutes of the meeting held on 16th November 2023 be approved as a "
            "correct record and signed by the Chair. Proposed Cllr Raman, seconded Cllr Osei, "
            "carried unanimously.",
            "Two residents of Church Street spoke about vehicles speeding past the primary school at "
            "drop-off time and asked the council to support a 20mph limit. A resident asked when the "
            "car park barrier would be working again; the Chair explained that this was on the "
            "agenda at item 8.1.",
        ),
        Entry("5", "Reports from County and District Councillors"),
        Entry(
            "5.1",
            "County Councillor's report",
            ["To receive a report from County Councillor Janet Pell."],
            [
                "County Councillor Janet Pell reported that Westshire County Council (WCC) had opened "
                "a public consultation on 20mph speed limits in villages, closing on 29th February "
                "2024. Winter gritting routes were unchanged. The WCC budget will be set on 22nd "
                "February 2024."
            ],
        ),
        Entry(
            "5.2",
            "District Councillor's report",
            ["To receive a report from District Councillor Mark Tansley."],
            [
                "District Councillor Mark Tansley reported that North Westshire District Council "
                "(NWDC) will consult on its draft Local Plan in the spring. Garden waste collection "
                "charges will rise to \u00a352 a year from April."
            ],
        ),
        Entry(
            "6",
            "Clerk's report and actions from previous meeting",
            ["To receive the Clerk's report and review the action points from the previous meeting."],
            [
                "The Clerk reported on the action points from the previous meeting:",
                ActionTable(
                    (
                        ActionRow(
                            "Nov23.01",
                            "Arrange the annual inspection of the play area equipment",
                            "Clerk",
                            "Completed: inspected on 5th December 2023, no high-risk items",
                        ),
                        ActionRow(
                            "Nov23.02", "Ask WCC Highways to clear the ditch on Mill Lane", "TW", "Completed"
                        ),
                    )
                ),
                "The Clerk also reported that the council's insurance is due for renewal on 1st April "
                "2024, and that the Westshire Association of Local Councils (WALC) will run a training "
                "session for new councillors on 7th February 2024.",
            ],
        ),
        Entry("7", "Planning", ["To consider the following planning applications:"]),
        Entry(
            "7.1",
            ORCHARD,
            ["Erection of two detached dwellings with a new vehicular access onto Ashcombe Lane."],
            [
                "Erection of two detached dwellings with a new vehicular access onto Ashcombe Lane. "
                "Members were concerned about visibility at the new access, which lies on a bend, and "
                "about surface water run-off towards Mill Lane.",
                "RESOLVED: that the council objects to application 24/00123/FUL on the grounds of "
                "highway safety and drainage. Proposed Cllr Grieve, seconded Cllr Corrigan, carried "
                "unanimously. The Clerk will send the council's comments to NWDC by 1st February 2024.",
            ],
        ),
        Entry(
            "7.2",
            "23/04410/HOU - Rose Cottage, The Green",
            ["Single-storey rear extension."],
            ["Single-storey rear extension. The council noted the application and raised no objection."],
        ),
        Entry("8", "Highways and car park"),
        Entry(
            "8.1",
            "Car park barrier",
            ["To consider the repair of the damaged height barrier at the Village Hall car park."],
            [
                "The height barrier at the entrance to the Village Hall car park was damaged by a "
                "vehicle on 2nd January 2024 and is locked open. It was agreed that the Clerk should "
                "obtain three quotes for its repair or replacement for the next meeting "
                "(Action Jan24.01)."
            ],
        ),
        Entry(
            "8.2",
            "20mph speed limit consultation",
            ["To agree a response to the WCC consultation, which closes on 29th February 2024."],
            [
                "Members discussed the WCC consultation and supported a 20mph limit on Church Street, "
                "The Green and the approach to the primary school. It was agreed that the Chair would "
                "draft the council's response and circulate it to members before submitting it by "
                "29th February 2024 (Action Jan24.02).",
                "Cllr Whitlock reported that the drain on Church Street opposite the school was "
                "blocked again and agreed to report it to WCC Highways (Action Jan24.04).",
            ],
        ),
        Entry(
            "9",
            "Village hall roof",
            ["To consider a request for support from the Ashcombe Village Hall Trust."],
            [
                "Cllr Raman reported that the Ashcombe Village Hall Trust had found further leaks in "
                "the roof of the main hall after the December storms. The Trust had asked whether the "
                "council could contribute to the cost of repairs, estimated at \u00a314,000 to "
                "\u00a318,000. Cllr Raman will liaise with the Trust on a roof survey and possible "
                "grant funding (Action Jan24.03).",
                "A decision on any contribution was deferred until the survey report has been received.",
            ],
        ),
        Entry("10", "Finance"),
        Entry(
            "10.1",
            "Payments for approval",
            ["To approve the following payments:", JAN_PAYMENTS],
            [
                JAN_PAYMENTS,
                "RESOLVED: that the payments listed be approved. Proposed Cllr Osei, seconded "
                "Cllr Grieve, carried unanimously.",
            ],
        ),
        Entry(
            "10.2",
            "Precept 2024/25",
            ["To set the precept for 2024/25, following the budget discussion in November."],
            [
                "RESOLVED: that the precept for 2024/25 be set at \u00a319,500. Proposed Cllr "
                "Fairbairn, seconded Cllr Raman, carried with one abstention.",
                "The bank reconciliation to 31st December 2023 was noted: balance \u00a324,816.32.",
            ],
        ),
        next_meeting(MAR),
    ],
    new_actions=(
        ActionRow("Jan24.01", BARRIER, "Clerk", "New"),
        ActionRow("Jan24.02", SPEED, "AF", "New: response due by 29th February 2024"),
        ActionRow("Jan24.03", ROOF, "PR", "New"),
        ActionRow("Jan24.04", DRAIN, "TW", "New"),
    ),
    log=(
        ActionRow(
            "Nov23.01", "Arrange the annual inspection of the play area equipment", "Clerk", "Completed"
        ),
        ActionRow("Nov23.02", "Ask WCC Highways to clear the ditch on Mill Lane", "TW", "Completed"),
        ActionRow("Jan24.01", BARRIER, "Clerk", "New: raised 18th January 2024"),
        ActionRow("Jan24.02", SPEED, "AF", "New: response due by 29th February 2024"),
        ActionRow("Jan24.03", ROOF, "PR", "New: raised 18th January 2024"),
        ActionRow("Jan24.04", DRAIN, "TW", "New: raised 18th January 2024"),
    ),
    closed_at="9.10pm",
)

MAR_PAYMENTS = PaymentsTable(
    (
        Payment("Mrs R Okafor", "Clerk's salary, February and March 2024", 122480),
        Payment("HMRC", "PAYE, February and March 2024", 30620),
        Payment("Westshire County Council", "Street light energy, 2023/24", 21456),
        Payment("Ashcombe Village Hall Trust", "Hall hire, March 2024", 2400),
        Payment("Countryside Mutual Insurance", "Insurance renewal 2024/25", 59618),
    )
)

MEETING_2 = Meeting(
    held=MAR,
    previous=JAN,
    following=MAY,
    present=(
        "Cllr Alan Fairbairn (Chair), Cllr Priya Raman (Vice-Chair), Cllr Tom Whitlock, "
        "Cllr Helen Grieve, Cllr David Osei, Cllr Margaret Lyle."
    ),
    in_attendance="Mrs Ruth Okafor (Clerk), County Councillor Janet Pell and two members of the public.",
    apologies="Cllr Sam Corrigan, District Councillor Mark Tansley.",
    entries=[
        *opening(
            "Apologies were received and accepted from Cllr Sam Corrigan (work commitment) and "
            "District Councillor Mark Tansley.",
            "Cllr Whitlock declared a non-pecuniary interest in item 7.1, as at the previous meeting, "
            "and took no part in that item.",
            JAN,
            "The minutes of the previous meeting held on 18th January 2024 were approved as a correct "
            "record and signed by the Chair. Proposed Cllr Whitlock, seconded Cllr Lyle, carried "
            "unanimously.",
            "A resident of Mill Lane reported flooding at the ford after heavy rain on 8th March 2024 "
            "and asked whether the Environment Agency had been told. See item 8.3.",
        ),
        Entry("5", "Reports from County and District Councillors"),
        Entry(
            "5.1",
            "County Councillor's report",
            ["To receive a report from County Councillor Janet Pell."],
            [
                "County Councillor Janet Pell reported that the 20mph consultation had closed on 29th "
                "February 2024 with over 2,000 responses, and that the WCC Cabinet will decide in "
                "April. The WCC budget was approved on 22nd February 2024."
            ],
        ),
        Entry(
            "5.2",
            "District Councillor's report",
            ["To receive a report from District Councillor Mark Tansley."],
            ["No report was received."],
        ),
        Entry(
            "6",
            "Clerk's report and actions from previous meeting",
            ["To receive the Clerk's report and review the action points from the previous meeting."],
            [
                "The Clerk reported on the action points from the previous meeting:",
                ActionTable(
                    (
                        ActionRow(
                            "Jan24.01",
                            BARRIER,
                            "Clerk",
                            "In progress: quotes requested from three contractors, two received",
                        ),
                        ActionRow(
                            "Jan24.02", SPEED, "AF", "Completed: response submitted on 26th February 2024"
                        ),
                        ActionRow("Jan24.03", ROOF, "PR", "Ongoing: survey booked for 9th April 2024"),
                        ActionRow(
                            "Jan24.04", DRAIN, "TW", "In progress: reported to WCC, reference HW-48812"
                        ),
                    )
                ),
                "The Clerk reported that the internal audit for 2023/24 has been arranged with "
                "Mr Peter Danby for 30th April 2024.",
            ],
        ),
        Entry("7", "Planning", ["To consider the following planning applications:"]),
        Entry(
            "7.1",
            ORCHARD,
            ["Amended plans: the proposed access has been moved 15 metres to the east."],
            [
                "Amended plans have been received moving the access 15 metres to the east. Members "
                "considered that visibility at the access was still inadequate.",
                "RESOLVED: that the council maintains its objection to application 24/00123/FUL. "
                "Proposed Cllr Grieve, seconded Cllr Osei, carried unanimously.",
            ],
        ),
        Entry(
            "7.2",
            "24/00388/HOU - 3 Orchard Close",
            ["Two-storey side extension."],
            ["Two-storey side extension. The application was noted; no objection."],
        ),
        Entry("8", "Highways and car park"),
        Entry(
            "8.1",
            "Car park barrier",
            ["To consider quotes for the repair of the car park barrier."],
            [
                "The Clerk had requested quotes from three contractors; two had been received "
                "(Hartley Gates Ltd \u00a31,240 and Westshire Fencing \u00a31,610) and a third was "
                "awaited. It was agreed to delegate authority to the Clerk, in consultation with the "
                "Chair, to accept the lowest quote up to \u00a31,500."
            ],
        ),
        Entry(
            "8.2",
            "20mph speed limit consultation",
            ["To note the council's response to the WCC consultation."],
            [
                "The Chair reported that the council's response was submitted on 26th February 2024. "
                "Noted. The Clerk will publicise the outcome in the Ashcombe Courier when WCC "
                "announces it (Action Mar24.01)."
            ],
        ),
        Entry(
            "8.3",
            "Flooding at Mill Lane ford",
            ["To consider reports of flooding at the ford."],
            [
                "Following the report under item 4, Cllr Grieve will ask the Environment Agency for "
                "advice on the flood risk at the ford and report back (Action Mar24.02)."
            ],
        ),
        Entry(
            "9",
            "Village hall roof",
            ["To consider a contribution towards the roof repairs at the Village Hall."],
            [
                "Cllr Raman reported that the Ashcombe Village Hall Trust has booked a roof survey for "
                "9th April 2024 and intends to apply to the National Lottery Community Fund for a "
                "grant.",
                "RESOLVED: that the council contributes up to \u00a35,000 from its general reserve "
                "towards the roof repairs, subject to the Trust securing the remaining funding. "
                "Proposed Cllr Raman, seconded Cllr Lyle, carried (4 for, 1 against, 1 abstention).",
            ],
        ),
        Entry("10", "Finance"),
        Entry(
            "10.1",
            "Payments for approval",
            ["To approve the following payments:", MAR_PAYMENTS],
            [
                MAR_PAYMENTS,
                "RESOLVED: that the payments listed be approved. Proposed Cllr Osei, seconded "
                "Cllr Fairbairn, carried unanimously.",
            ],
        ),
        Entry(
            "10.2",
            "Bank reconciliation",
            ["To note the bank reconciliation to 29th February 2024."],
            ["The bank reconciliation to 29th February 2024 was noted: balance \u00a323,974.06."],
        ),
        next_meeting(MAY),
    ],
    new_actions=(
        ActionRow("Mar24.01", COURIER, "Clerk", "New"),
        ActionRow("Mar24.02", FORD, "HG", "New"),
    ),
    log=(
        ActionRow(
            "Jan24.01", BARRIER, "Clerk", "In progress: quotes requested from three contractors, two received"
        ),
        ActionRow("Jan24.02", SPEED, "AF", "Completed: response submitted on 26th February 2024"),
        ActionRow("Jan24.03", ROOF, "PR", "Ongoing: survey booked for 9th April 2024"),
        ActionRow("Jan24.04", DRAIN, "TW", "In progress: reported to WCC, reference HW-48812"),
        ActionRow("Mar24.01", COURIER, "Clerk", "New: raised 21st March 2024"),
        ActionRow("Mar24.02", FORD, "HG", "New: raised 21st March 2024"),
    ),
    closed_at="9.25pm",
)

MAY_PAYMENTS = PaymentsTable(
    (
        Payment("Mrs R Okafor", "Clerk's salary, April 2024", 62465),
        Payment("HMRC", "PAYE, April 2024", 15616),
        Payment("Hartley Gates Ltd", "Car park barrier repair", 124000),
        Payment("Mr P Danby", "Internal audit 2023/24", 15000),
        Payment("Ashcombe Courier", "Notice of the 20mph decision", 3500),
    )
)

MEETING_3 = Meeting(
    held=MAY,
    previous=MAR,
    following=date(2024, 7, 18),
    present=(
        "Cllr Alan Fairbairn (Chair), Cllr Priya Raman (Vice-Chair), Cllr Tom Whitlock, "
        "Cllr Helen Grieve, Cllr Margaret Lyle, Cllr Sam Corrigan."
    ),
    in_attendance=(
        "Mrs Ruth Okafor (Clerk), County Councillor Janet Pell, District Councillor Mark Tansley "
        "and five members of the public."
    ),
    apologies="Cllr David Osei.",
    entries=[
        *opening(
            "Apologies were received and accepted from Cllr David Osei (holiday).",
            "No declarations of interest were made.",
            MAR,
            "The minutes of the previous meeting held on 21st March 2024 were approved as a correct "
            "record and signed by the Chair. Proposed Cllr Lyle, seconded Cllr Raman, carried "
            "unanimously.",
            "Residents thanked the council for its support for the 20mph limit. A resident asked "
            "that the repaired car park barrier be repainted; this was noted.",
        ),
        Entry("5", "Reports from County and District Councillors"),
        Entry(
            "5.1",
            "County Councillor's report",
            ["To receive a report from County Councillor Janet Pell."],
            [
                "County Councillor Janet Pell reported that the WCC Cabinet approved on 18th April "
                "2024 a 20mph limit for Church Street and The Green, to take effect from 2nd September "
                "2024. Resurfacing of Ashcombe Lane is programmed for July."
            ],
        ),
        Entry(
            "5.2",
            "District Councillor's report",
            ["To receive a report from District Councillor Mark Tansley."],
            [
                "District Councillor Mark Tansley reported that NWDC refused application 24/00123/FUL "
                "on 2nd May 2024, and that the draft Local Plan consultation runs until 28th June 2024."
            ],
        ),
        Entry(
            "6",
            "Clerk's report and actions from previous meeting",
            ["To receive the Clerk's report and review the action points from the previous meeting."],
            [
                "The Clerk reported on the action points from previous meetings:",
                ActionTable(
                    (
                        ActionRow(
                            "Jan24.01",
                            BARRIER,
                            "Clerk",
                            "Completed: Hartley Gates Ltd repaired the barrier on 2nd May 2024",
                        ),
                        ActionRow(
                            "Jan24.03",
                            ROOF,
                            "PR",
                            "Ongoing: survey received; Trust grant bid submitted, decision due in July",
                        ),
                        ActionRow(
                            "Jan24.04", DRAIN, "TW", "Completed: drain cleared by WCC on 11th April 2024"
                        ),
                        ActionRow("Mar24.01", COURIER, "Clerk", "Completed: article in the May edition"),
                        ActionRow(
                            "Mar24.02",
                            FORD,
                            "HG",
                            "In progress: Environment Agency site visit on 4th June 2024",
                        ),
                    )
                ),
                "The internal audit was completed on 30th April 2024 with no matters arising.",
            ],
        ),
        Entry("7", "Planning", ["To note decisions and consider the following application:"]),
        Entry(
            "7.1",
            ORCHARD,
            ["To note the decision of NWDC."],
            [
                "The council noted that NWDC refused the application on 2nd May 2024 on grounds "
                "including highway safety."
            ],
        ),
        Entry(
            "7.2",
            "24/00517/FUL - Ashcombe Garage, Church Street",
            ["Change of use of the workshop to a cafe, with two flats above."],
            [
                "Change of use of the workshop to a cafe, with two flats above. It was agreed to "
                "support the application, subject to off-street parking for the flats."
            ],
        ),
        Entry("8", "Highways and car park"),
        Entry(
            "8.1",
            "Car park barrier",
            ["To note the repair of the barrier and consider signage."],
            [
                "Under the authority delegated on 21st March 2024, the quote from Hartley Gates Ltd "
                "(\u00a31,240) was accepted and the barrier was repaired on 2nd May 2024. It was agreed "
                "that Cllr Corrigan will arrange signage showing the height limit at the car park "
                "entrance (Action May24.01)."
            ],
        ),
        Entry(
            "8.2",
            "20mph speed limit consultation",
            ["To consider the WCC decision on the 20mph speed limit."],
            [
                "The council welcomed the WCC decision.",
                "RESOLVED: that the council writes to WCC asking that the 20mph limit be extended to "
                "the approach on Ashcombe Lane. Proposed Cllr Whitlock, seconded Cllr Corrigan, "
                "carried unanimously.",
            ],
        ),
        Entry(
            "8.3",
            "Flooding at Mill Lane ford",
            ["To receive an update."],
            ["Cllr Grieve reported that the Environment Agency will visit the ford on 4th June 2024. Noted."],
        ),
        Entry(
            "9",
            "Village hall roof",
            ["To receive an update from the Ashcombe Village Hall Trust."],
            [
                "Cllr Raman reported that the survey found that the roof of the main hall needs "
                "replacing rather than repair, at an estimated cost of \u00a321,500. The Ashcombe "
                "Village Hall Trust has applied to the National Lottery Community Fund for \u00a315,000. "
                "The council's contribution of up to \u00a35,000 agreed on 21st March 2024 stands. "
                "Action Jan24.03 remains open."
            ],
        ),
        Entry("10", "Finance"),
        Entry(
            "10.1",
            "Payments for approval",
            ["To approve the following payments:", MAY_PAYMENTS],
            [
                MAY_PAYMENTS,
                "RESOLVED: that the payments listed be approved. Proposed Cllr Grieve, seconded "
                "Cllr Lyle, carried unanimously.",
            ],
        ),
        Entry(
            "10.2",
            "Annual Governance Statement 2023/24",
            ["To approve the Annual Governance Statement for 2023/24."],
            [
                "RESOLVED: that the Annual Governance Statement 2023/24 be approved and signed by the "
                "Chair and the Clerk. Proposed Cllr Fairbairn, seconded Cllr Raman, carried "
                "unanimously. The accounting statements will be presented at the next meeting "
                "(Action May24.02)."
            ],
        ),
        next_meeting(date(2024, 7, 18)),
    ],
    new_actions=(
        ActionRow("May24.01", SIGNS, "SC", "New"),
        ActionRow("May24.02", ACCOUNTS, "Clerk", "New: for the meeting on 18th July 2024"),
    ),
    log=(
        ActionRow("Jan24.01", BARRIER, "Clerk", "Completed: barrier repaired on 2nd May 2024"),
        ActionRow(
            "Jan24.03",
            ROOF,
            "PR",
            "Ongoing: survey received; Trust grant bid submitted, decision due in July",
        ),
        ActionRow("Jan24.04", DRAIN, "TW", "Completed: drain cleared by WCC on 11th April 2024"),
        ActionRow("Mar24.01", COURIER, "Clerk", "Completed: article in the May edition"),
        ActionRow("Mar24.02", FORD, "HG", "In progress: Environment Agency site visit on 4th June 2024"),
        ActionRow("May24.01", SIGNS, "SC", "New: raised 16th May 2024"),
        ActionRow("May24.02", ACCOUNTS, "Clerk", "New: for the meeting on 18th July 2024"),
    ),
    closed_at="9.05pm",
)

MEETINGS = (MEETING_1, MEETING_2, MEETING_3)
WRITERS = {"agenda.pdf": write_agenda, "minutes.pdf": write_minutes, "action-log.pdf": write_action_log}


def generate(out: Path) -> list[Path]:
    """Write every paper under ``out/ashcombe-parish-council/<date>/`` and return their paths."""
    written = []
    for meeting in MEETINGS:
        folder = out / FOLDER / meeting.held.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        for name, writer in WRITERS.items():
            writer(meeting, folder / name)
            written.append(folder / name)
    return written


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the bundled sample corpus PDFs.")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent,
        help="folder to write into (default: the corpus folder)",
    )
    args = parser.parse_args(argv)
    for path in generate(args.out):
        print(path)


if __name__ == "__main__":
    main()
