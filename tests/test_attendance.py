"""Attendance blocks: the forms real minutes print, as short literal strings, plus real papers."""

from __future__ import annotations

import pytest
from conftest import corpus_file

from ingest.reader import read_file
from nlp.attendance import find_attendance, head_text


@pytest.mark.parametrize(
    ("text", "present", "apologies", "officers", "chair"),
    [
        pytest.param(
            "PRESENT: Mr R W Gough (Chairman), Mr N Baker, Mrs C Bell, Mr R C Love, OBE and\n"
            "Mr R J Thomas\nIN ATTENDANCE: Dr A Ghosh (Director of Public Health), Mrs A Beer (Chief\n"
            "Executive) and McKay (Acting Chief Accountant)\nUNRESTRICTED ITEMS\n"
            "84.\tApologies\n(Item 1)\nApologies were received from Mrs C Bell.\n",
            ["R W Gough", "N Baker", "R C Love", "R J Thomas"],
            ["C Bell"],
            ["A Ghosh", "A Beer", "McKay"],
            "R W Gough",
            id="kent-present-in-attendance",
        ),
        pytest.param(
            "Present:\tMembers of the Public:\tApologies:\n"
            "Nick Oakhill (NO) CHAIR\tDiana Stevens\tKaty Draper\n"
            "Bruce May (BM)\tMary May\tChris Rothero\n"
            "Cathy Fleet (CF) CLERK\tClive Smith\tAlan Prescott\n"
            "Barbara McGarry\tKen & Jane Clifford\n"
            "07.17.01\tMinutes\n",
            ["Nick Oakhill", "Bruce May"],
            ["Katy Draper", "Chris Rothero", "Alan Prescott", "Ken Clifford", "Jane Clifford"],
            ["Cathy Fleet"],
            "Nick Oakhill",
            id="three-column-table-shared-surname",
        ),
        pytest.param(
            "ROLL CALL -\tPresent:\tCouncilmembers deHaan, Johnson, Tam and Acting\nMayor Bonta.\n"
            "Absent:\tMayor Gilmore – 1.\nAGENDA CHANGES\n",
            ["deHaan", "Johnson", "Tam", "Bonta"],
            ["Gilmore"],
            [],
            "Bonta",  # the Mayor is absent; the Acting Mayor presides
            id="alameda-roll-call",
        ),
        pytest.param(
            "PRESENT (6 Councillors): - Claire Cann (CC) – Chairman, Pam Bullas (PB), Lorraine Hunt (LH). "
            "Clerk: - Sarah Thorpe Cllr Brian Long (BL) – County Council 5 members of the public were in "
            "attendance.\n1. Apologies for absence. Apologies had been received from Tom Foy (TF) who was away.\n",
            ["Claire Cann", "Pam Bullas", "Lorraine Hunt"],
            ["Tom Foy"],
            ["Sarah Thorpe"],
            "Claire Cann",
            id="run-on-paragraph-clerk-and-county-councillor",
        ),
        pytest.param(
            "Attendance: Chairman S Lintern Vice Chairman Mrs J Taylor Councillors Mrs D Clements "
            "Footpath Warden Mr C Philpott County Councillor M Storey Members of the public 15\n"
            "2. Apologies\nApologies had been received from Cllr M Leamon and B Cllr C T Sampson\n",
            ["S Lintern", "J Taylor", "D Clements"],
            ["M Leamon", "C T Sampson"],
            [],
            "S Lintern",
            id="role-prefixed-run-on",
        ),
        pytest.param(
            "Attendees\tTony Brown (Chair), Sylvia Knights (Vice Chair), Alison Wheeler (General Manager),\n"
            "Sue Buck, Cllr Richard Smith (SCC)\nInvited\tNikki Sturmey (Clerk to the Board), Luke Morris\n"
            "(Larking Gowen – item 3 only)\nAction\n1.\tWelcome and Apologies\n"
            "Apologies were received from Tony Brown and Cllr Smith.\n",
            ["Sylvia Knights", "Sue Buck"],
            ["Tony Brown", "Richard Smith"],
            ["Alison Wheeler", "Nikki Sturmey"],
            "Sylvia Knights",
            id="attendees-invited-chair-absent",
        ),
        pytest.param(
            "1. Roll Call\nPresent: Chair Soules, Vice Chair Nachtigall and Commissioners Yuen, Hans and\n"
            "Weitze.\nAbsent: Commissioner Randy Rentschler\n2. Agenda Changes\n",
            ["Soules", "Nachtigall", "Yuen", "Hans", "Weitze"],
            ["Randy Rentschler"],
            [],
            "Soules",
            id="commission-roll-call",
        ),
        pytest.param(
            "[Staff present: Chief Assistant City Attorney Elizabeth Mackenzie; City Clerk Lara Weisiger;\n"
            "Special Counsel Kristen Rogers, Olson Remcho; Police Captain Jeff Emmitt]\nOral Communications\n",
            [],
            [],
            ["Elizabeth Mackenzie", "Lara Weisiger", "Kristen Rogers", "Jeff Emmitt"],
            None,
            id="staff-role-prefixes-and-firm",
        ),
        pytest.param(
            "Present: Cllr Sue Lintern (Chair) Cllr Trudy Mann Cllr Gail Reeve Helen Richardson (Parish Clerk)\n"
            "Public: 4 Also, in attendance: Chris Philpott, Footpath Warden Cllr Colin Sampson, BCKLWN "
            "01/20 Emergency Evacuation Procedures was read by the Chair.\n",
            ["Sue Lintern", "Trudy Mann", "Gail Reeve"],
            [],
            ["Helen Richardson"],
            "Sue Lintern",
            id="no-separators-minute-number-ends-list",
        ),
        pytest.param(
            "Councillors present: Cllr. R. Crisp – Chair (RC), Cllr. A. Collins (AC) Present: Vicky Bright – "
            "Clerk. Item 15/12/1\nBorough Council of Kings Lynn & West Norfolk Cllr. Peake sent his apologies.\n",
            ["R. Crisp", "A. Collins"],
            ["Peake"],
            ["Vicky Bright"],
            "R. Crisp",
            id="dotted-initials-sent-apologies",
        ),
        pytest.param(
            "Attendees\tShona Bendix (Chair), Sylvia Knights, Robert Spivey\n1.\tApologies\n"
            "Mike Readman, Colin Owens, Mike Hosking, Richard Hunt\n2.\tDeclarations of Interest\nNone.\n",
            ["Shona Bendix", "Sylvia Knights", "Robert Spivey"],
            ["Mike Readman", "Colin Owens", "Mike Hosking", "Richard Hunt"],
            [],
            "Shona Bendix",
            id="comma-list-under-apologies-heading",
        ),
        pytest.param(
            "Present: Cllr Sue Lintern (Chair), Cllr Jim McNeill\n1. Apologies were noted and accepted for "
            "Cllr Andy Hayward (illness) and for Cllr Mandy Leamon (work commitment).\n"
            "County Councillor Martin Storey also gave apologies.\n2. Minutes\n",
            ["Sue Lintern", "Jim McNeill"],
            ["Andy Hayward", "Mandy Leamon", "Martin Storey"],
            [],
            "Sue Lintern",
            id="apologies-accepted-for-and-also-gave-apologies",
        ),
        pytest.param(
            "Present: Clr JJ Macnamara (Chair), Clr A Smith, A.J. Brown\nApologies: Cllr B Jones MP\n",
            ["JJ Macnamara", "A Smith", "A.J. Brown"],
            ["B Jones"],
            [],
            "JJ Macnamara",
            id="double-initials-kept-role-acronym-not",
        ),
        pytest.param(
            "PRESENT: Tom Foy (TF), Lorraine Hunt (LH) Vice-Chair and Chair of meeting, Paula Kellingray (PK)\n"
            "Apologies: none\n",
            ["Tom Foy", "Lorraine Hunt", "Paula Kellingray"],
            [],
            [],
            "Lorraine Hunt",
            id="hyphenated-vice-chair-is-a-role",
        ),
    ],
)
def test_attendance_forms(
    text: str, present: list[str], apologies: list[str], officers: list[str], chair: str | None
) -> None:
    att = find_attendance(text)
    assert att.present == present
    assert att.apologies == apologies
    assert att.officers == officers
    assert att.chair == chair


def test_a_staff_line_of_name_and_employer_is_not_two_people() -> None:
    att = find_attendance("Staff Present:\nAlex Nguyen, Assistant City Manager\nLev Kushner, Alameda Point\n"
                          "2.\tAgenda Changes\n")
    assert att.officers == ["Alex Nguyen", "Lev Kushner"]
    assert att.organisations["Lev Kushner"] == ["Alameda Point"]


def test_a_role_in_a_named_body_belongs_to_the_person_before_it() -> None:
    att = find_attendance("Present: Cllr A Smith (Chair), Cllr B Jones. Also present: Matt Kenny, Trustee of the "
                          "Playing Field Committee.\n1. Apologies: none")
    assert att.others == ["Matt Kenny"]
    assert att.roles["Matt Kenny"] == ["Trustee of the Playing Field Committee"]


def test_a_wrapped_list_of_name_and_place_is_read_as_one_list() -> None:
    text = ("2.\tApologies for Absence\n"
            "Charlotte Clark – Southwold, Sarah Hunt – Hadleigh, Melissa Clarke – County Library,\n"
            "Sue Charteris, Chris Farden – Arts Council, Ed Vaisay – MP, Roger\n"
            "Mcmaster – Former Head of Service for Libraries, Cllr\nBeccy Hopfensperger\n3.\tMinutes\n")
    assert find_attendance(text).apologies == [
        "Charlotte Clark", "Sarah Hunt", "Melissa Clarke", "Sue Charteris", "Chris Farden", "Ed Vaisay",
        "Roger Mcmaster", "Beccy Hopfensperger"]


def test_a_post_in_a_body_is_a_role_not_an_organisation() -> None:
    att = find_attendance("Present: Dr Andrew Payne, Chair (AP), Evelyn Lindqvist (EL). Also, present, Ali Hopkins, "
                          "Library Manager.\n1. Welcome by the Chair")
    assert att.officers == ["Ali Hopkins"]
    assert att.roles["Ali Hopkins"] == ["Library Manager"]


def test_roles_organisations_and_aliases() -> None:
    att = find_attendance(
        "Board\nDebbie Kaye (Chair)\tCambridge City Council (Community Services)\n"
        "Lisa Riddle (Vice Chair)\tCambridgeshire County Council\n"
        "Members\nLouise Walker (Minutes)\tCambridge City Council (Community Safety Team)\n"
        "Present:\nAlan Smith (AS) [chair]\n"
    )
    assert att.chair == "Debbie Kaye"
    assert att.present == ["Debbie Kaye", "Lisa Riddle", "Alan Smith"]
    assert att.officers == ["Louise Walker"]
    assert att.organisations["Debbie Kaye"] == ["Cambridge City Council (Community Services)"]
    assert att.roles["Lisa Riddle"] == ["Vice Chair"]
    assert att.aliases["Alan Smith"] == ["AS"]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("1. Apologies: None\n2. Declarations of Interest: None\n", id="none"),
        pytest.param("Members of the public: Would the salt bins on Oxborough Road be filled?\n", id="prose"),
        pytest.param("Zoom Attendees: 9\nLegistar Link:\nhttps://example.org\n", id="count-then-heading"),
        pytest.param("Vote: Ayes 4. [Absent: Councilmember Johnson – 1.]\n", id="vote-note-not-absence"),
    ],
)
def test_no_people_from_junk(text: str) -> None:
    att = find_attendance(text)
    assert not att.present and not att.apologies and not att.officers and not att.others


def test_speakers_when_no_attendance_block() -> None:
    att = find_attendance("MW welcomed members. RJ said that it should be trialled. MW asked AWa. AWa said no.")
    assert att.present == ["MW", "RJ", "AWa"]


def test_seed_pack_minutes(seed_pack) -> None:
    text = seed_pack.read_text()
    start = text.index("Draft Minutes")
    att = find_attendance(text[start : start + 6000])
    assert att.chair == "Debbie Kaye"
    assert {"Debbie Kaye", "Mark Freeman", "Nick Skipworth", "Susie Talbot"} <= set(att.present)
    assert {"Jessica Bawden", "Maggie Page", "Matt Quinn", "Ray Bisby"} <= set(att.apologies)
    assert not set(att.present) & set(att.apologies)


def test_real_souldern_minutes() -> None:
    path = corpus_file("souldern-parish-council/minutes/2018-03-22 SPC minutes.pdf")
    att = find_attendance(head_text(read_file(path).lines))
    assert att.chair == "Katy Draper"
    assert att.present == ["Katy Draper", "Bruce May", "Chris Rothero", "Alan Smith", "Kirsty Allpress"]
    assert "Joanna Carlisle" in att.apologies and "David Carlisle" in att.apologies
    assert att.officers == ["Cathy Fleet"]
