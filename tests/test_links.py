"""Links between items: small hand-built documents for each rule, and hand-checked links on real papers."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import CORPUS, SEEDS, corpus_file

from minutebook.meetings import body_key, group_meetings
from minutebook.model import ActionRecord, ActionStatus, ActionStep, DocKind, Document, Item, Link, item_id
from nlp.links import (
    _title_terms,
    agenda_minutes_links,
    build_links,
    norm_number,
    report_links,
)

CHECKED = Path(__file__).parent / "data" / "links_checked.json"
BODY = "Test Parish Council"


def item(number: str, title: str, text: str = "", parent: str | None = None) -> Item:
    return Item(number, title, parent, 1, 1, text or f"{number} {title}")


def doc(kind: DocKind, date: str, items: list[Item], body: str | None = BODY, title: str = "",
        preamble: str = "", tag: str = "") -> Document:
    digest = hashlib.sha256(f"{kind}{date}{body}{tag}".encode()).hexdigest()
    d = Document(path=f"/x/{date}-{kind}{tag}.pdf", sha256=digest, part=0, kind=kind, body=body,
                 meeting_date=date, page_start=1, page_end=1, lines=[], title=title)
    d.items = items
    d.preamble = preamble
    return d


def links_of(docs: list[Document], actions: list[ActionRecord] | None = None) -> list[Link]:
    meetings = group_meetings(docs)
    keys = {d.id: " ".join(sorted(body_key(d.body))) for d in docs}
    return build_links(docs, {m.id: m.documents for m in meetings}, keys, actions or [])


def pairs(links: list[Link], kind: str) -> set[tuple[str, str]]:
    return {(lk.source, lk.target) for lk in links if lk.kind == kind}


@pytest.mark.parametrize(("printed", "norm"), [
    pytest.param("(*11-312)", "11-312", id="alameda-consent"),
    pytest.param("84.", "84", id="kent-running"),
    pytest.param("02.23.05", "02.23.05", id="souldern"),
    pytest.param("205/18", "205/18", id="stoke-ferry"),
])
def test_norm_number(printed: str, norm: str) -> None:
    assert norm_number(printed) == norm


# -- agenda_minutes -----------------------------------------------------------------------------
def test_agenda_numbers_meet_dotted_minute_numbers() -> None:
    ag = doc(DocKind.AGENDA, "2023-02-23", [
        item("1", "To receive apologies for absence"),
        item("5", "Clerks Report and Actions from previous meeting"),
        item("7", "Camping in the car park"),
        item("8", "Defibrillator"),
    ])
    mi = doc(DocKind.MINUTES, "2023-02-23", [
        item("02.23.01", "Apologies"),
        item("02.23.05", "Clerks Report and Actions from previous meeting"),
        item("02.23.06", "Defibrillator"),  # taken out of order: the title wins over the number
        item("02.23.07", "Car park camping"),
    ])
    got = pairs(list(agenda_minutes_links([ag, mi])), "agenda_minutes")
    assert got == {(item_id(ag.id, 0), item_id(mi.id, 0)), (item_id(ag.id, 1), item_id(mi.id, 1)),
                   (item_id(ag.id, 2), item_id(mi.id, 3)), (item_id(ag.id, 3), item_id(mi.id, 2))}


def test_item_marker_beats_titles() -> None:
    ag = doc(DocKind.AGENDA, "2025-01-30", [item("4", "Cabinet Member Updates"), item("5", "Budget Monitoring")])
    mi = doc(DocKind.MINUTES, "2025-01-30", [
        item("87", "Cabinet Member Updates", "87. Cabinet Member Updates\n(Item 4)\n"),
        item("1", "Mr Oakford gave the budget monitoring update", "1. Mr Oakford ...", parent="87"),
        item("88", "Revenue Monitoring", "88. Revenue Monitoring\n(Item 5)\nRESOLVED"),
    ])
    links = list(agenda_minutes_links([ag, mi]))
    assert pairs(links, "agenda_minutes") == {(item_id(ag.id, 0), item_id(mi.id, 0)),
                                              (item_id(ag.id, 1), item_id(mi.id, 2))}
    assert all(lk.confidence >= 0.9 and "(Item" in lk.evidence for lk in links)


def test_unrelated_titles_are_not_linked_on_number_alone() -> None:
    ag = doc(DocKind.AGENDA, "2023-02-23", [item("3", "Village hall roof")])
    mi = doc(DocKind.MINUTES, "2023-02-23", [item("02.23.03", "Speed watch volunteers")])
    assert not list(agenda_minutes_links([ag, mi]))


def test_annual_agenda_goes_to_annual_minutes() -> None:
    annual_ag = doc(DocKind.AGENDA, "2019-05-23", [item("1", "Election of Chairman"),
                                                   item("2", "Election of Vice Chairman"),
                                                   item("3", "Appointment of internal auditor")], tag="a")
    annual_mi = doc(DocKind.MINUTES, "2019-05-23", [item("05.19.A1", "Election of Chairman"),
                                                    item("05.19.A2", "Election of Vice Chairman"),
                                                    item("05.19.A3", "Appointment of internal auditor")], tag="a")
    ordinary_mi = doc(DocKind.MINUTES, "2019-05-23", [item("05.19.01", "Apologies"),
                                                      item("05.19.02", "Election of the Chairman of planning")])
    got = {lk.target.rsplit(".", 1)[0] for lk in agenda_minutes_links([annual_ag, ordinary_mi, annual_mi])}
    assert got == {annual_mi.id}


def test_a_few_standing_items_do_not_make_minutes_an_agenda_s() -> None:
    """An annual meeting's agenda whose own minutes are missing: the ordinary minutes of that day share
    only apologies, declarations and public participation with it, so nothing links."""
    annual = doc(DocKind.AGENDA, "2019-05-23", [
        item("1", "To elect a Chairman for the forthcoming year"), item("2", "Chairman to sign Declaration of Office"),
        item("3", "Apologies for absence"), item("4", "Declarations of Interests"), item("5", "Public participation"),
        item("6", "To elect a Vice-Chairman"), item("7", "To appoint the Responsible Financial Officer"),
        item("8", "To review standing orders"),
    ], tag="annual")
    ordinary = doc(DocKind.MINUTES, "2019-05-23", [
        item("05.19.01", "Apologies"), item("05.19.02", "Declarations of interest"),
        item("05.19.04", "Public participation"), item("05.19.07", "Water level of the pond"),
    ])
    assert not list(agenda_minutes_links([annual, ordinary]))


# -- previous_minutes ---------------------------------------------------------------------------
def test_stated_date_targets_those_minutes() -> None:
    old = doc(DocKind.MINUTES, "2020-02-11", [item("1", "Apologies")])
    other = doc(DocKind.MINUTES, "2020-06-02", [item("1", "Apologies")])
    cur = doc(DocKind.MINUTES, "2020-10-06", [
        item("1", "Apologies"),
        item("2", "Minutes of 11 February 2020", "2 Minutes of 11 February 2020\nAgreed as a true record."),
    ])
    links = [lk for lk in links_of([old, other, cur]) if lk.kind == "previous_minutes"]
    assert [(lk.source, lk.target) for lk in links] == [(item_id(cur.id, 1), item_id(old.id, 0))]
    assert "11 February 2020" in links[0].evidence and links[0].confidence >= 0.9


def test_last_meeting_needs_minutes_of_the_body_s_previous_meeting() -> None:
    older = doc(DocKind.MINUTES, "2022-07-28", [item("07.22.01", "Apologies")])
    gap_agenda = doc(DocKind.AGENDA, "2022-08-25", [item("1", "Apologies")])  # its minutes are missing
    cur = doc(DocKind.MINUTES, "2022-09-29",
              [item("09.22.03", "To receive the minutes of the last parish council meeting")])
    assert not [lk for lk in links_of([older, gap_agenda, cur]) if lk.kind == "previous_minutes"]
    links = [lk for lk in links_of([older, cur]) if lk.kind == "previous_minutes"]
    assert [(lk.source, lk.target) for lk in links] == [(item_id(cur.id, 0), item_id(older.id, 0))]


def test_last_planning_meeting_is_not_the_last_council_meeting() -> None:
    council = doc(DocKind.MINUTES, "2020-01-30", [item("01.20.01", "Apologies")])
    cur = doc(DocKind.MINUTES, "2020-03-02", [item(
        "03.20.03", "To receive the minutes of the last parish council meeting",
        "03.20.03 To receive the minutes of the last parish council meeting\n"
        "The minutes of the parish council planning meeting were checked and signed.")])
    assert not [lk for lk in links_of([council, cur]) if lk.kind == "previous_minutes"]


def test_previous_minutes_stay_in_the_body() -> None:
    theirs = doc(DocKind.MINUTES, "2018-06-06", [item("100/18", "Apologies")], body="Wretton Parish Council")
    cur = doc(DocKind.MINUTES, "2018-07-04", [item("142/18", "Minutes of the Meeting dated 6 June 2018")],
              body="Stoke Ferry Parish Council")
    assert not [lk for lk in links_of([theirs, cur]) if lk.kind == "previous_minutes"]


# -- report -------------------------------------------------------------------------------------
def test_report_by_agenda_item_mark_decision_number_and_title() -> None:
    ag = doc(DocKind.AGENDA, "2025-01-30", [
        item("5", "24/00108 - Revenue and Capital Budget Monitoring Report"),
        item("5.2", "Quarterly performance report"),
        item("9", "Commissioning Plan for Education Provision in Kent"),
    ])
    marked = doc(DocKind.REPORT, "2025-01-30", [item("1", "Introduction")], preamble="Agenda Item 5.2\nSomething",
                 tag="1")
    decided = doc(DocKind.REPORT, "2025-01-30", [item("1", "Summary")], preamble="DECISION NUMBER:\n24/00108", tag="2")
    titled = doc(DocKind.REPORT, "2025-01-30", [item("1", "Introduction")],
                 title="Commissioning Plan for Education Provision in Kent 2025-29", tag="3")
    unrelated = doc(DocKind.REPORT, "2025-01-30", [item("1", "Introduction")], title="Highways term contract", tag="4")
    got = pairs(list(report_links([ag, marked, decided, titled, unrelated])), "report")
    assert got == {(item_id(marked.id, 0), item_id(ag.id, 1)), (item_id(decided.id, 0), item_id(ag.id, 0)),
                   (item_id(titled.id, 0), item_id(ag.id, 2))}


# -- action ----------------------------------------------------------------------------------------
def test_action_history_links_consecutive_mentions() -> None:
    steps = [ActionStep("2023-01-26", "d1", "d1.4", ActionStatus.OPEN, "", 1),
             ActionStep("2023-02-23", "d2", "d2.4", ActionStatus.CLOSED, "Completed", 1)]
    rec = ActionRecord("Jan23.01", BODY, "AS to order", "AS", ActionStatus.CLOSED, "2023-01-26", "2023-02-23", steps)
    links = [lk for lk in links_of([], [rec]) if lk.kind == "action"]
    assert [(lk.source, lk.target) for lk in links] == [("d1.4", "d2.4")]
    assert "Jan23.01" in links[0].evidence


# -- reference -------------------------------------------------------------------------------------
def test_paragraph_and_minute_citations() -> None:
    alameda = doc(DocKind.MINUTES, "2022-02-01", [
        item("(22-006)", "Agenda changes", "(22-006) The Chair moved the item [paragraph no. 22-014] to the end."),
        item("(*22-014)", "Public records request"),
    ], body="Open Government Commission")
    older = doc(DocKind.MINUTES, "2018-06-06", [item("205/18", "Village gates")], body="Stoke Ferry Parish Council")
    other_body = doc(DocKind.MINUTES, "2018-06-07", [item("205/18", "Grass cutting")], body="Wretton Parish Council")
    cur = doc(DocKind.MINUTES, "2018-09-05", [item("230/18", "Village gates",
                                                   "230/18 Village gates\nLetter sent as per minute 205/18.")],
              body="Stoke Ferry Parish Council")
    got = pairs(links_of([alameda, older, other_body, cur]), "reference")
    assert got == {(item_id(alameda.id, 0), item_id(alameda.id, 1)), (item_id(cur.id, 0), item_id(older.id, 0))}


def test_decision_number_in_text_cites_the_item_titled_with_it() -> None:
    ag = doc(DocKind.AGENDA, "2025-01-30", [item("5", "24/00108 - Revenue Budget Monitoring")])
    text = "101. Budget update\nFurther to decision 24/00108 the forecast ..."
    later = doc(DocKind.MINUTES, "2025-03-13", [item("101", "Budget update", text)])
    got = [lk for lk in links_of([ag, later]) if lk.kind == "reference"]
    assert [(lk.source, lk.target) for lk in got] == [(item_id(later.id, 0), item_id(ag.id, 0))]


# -- same_subject ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("title", "expected"), [
    pytest.param("Car park barriers", {"car", "park", "barrier"}, id="phrase"),
    pytest.param("To receive the minutes of the last meeting", set(), id="procedure"),
    pytest.param("Finance (Pages 11 - 84)", set(), id="standing"),
])
def test_title_terms(title: str, expected: set[str]) -> None:
    assert _title_terms(title) == expected


def _meeting(date: str, titles: list[str], body: str = BODY) -> Document:
    return doc(DocKind.MINUTES, date, [item(str(i + 1), t, f"{i + 1} {t}") for i, t in enumerate(titles)], body=body)


def test_planning_application_recurs() -> None:
    m1 = _meeting("2019-03-28", ["Apologies", "Planning"])
    m1.items[1].text = "Planning\n19/00274/OM Land at Fox Hill: objection agreed"
    m2 = _meeting("2019-04-25", ["Apologies", "Planning"])
    m2.items[1].text = "Planning\n19/00274/OM appeal lodged"
    m3 = _meeting("2019-05-23", ["Apologies", "Planning"])
    links = [lk for lk in links_of([m1, m2, m3]) if lk.kind == "same_subject"]
    assert [(lk.source, lk.target) for lk in links] == [(item_id(m2.id, 1), item_id(m1.id, 1))]
    assert "19/00274/OM" in links[0].evidence


def test_rare_title_phrase_recurs_but_standing_items_do_not() -> None:
    standing = ["Apologies", "Minutes of the last meeting", "Finance", "Planning"]
    docs = [_meeting(f"2021-{m:02d}-15", standing) for m in range(1, 11)]
    docs[3].items.append(item("5", "Village hall roof repairs"))
    docs[5].items.append(item("5", "Village hall roof"))
    links = [lk for lk in links_of(docs) if lk.kind == "same_subject"]
    assert [(lk.source, lk.target) for lk in links] == [(item_id(docs[5].id, 4), item_id(docs[3].id, 4))]
    assert "hall roof" in links[0].evidence or "village hall" in links[0].evidence


def test_other_bodies_do_not_share_subjects() -> None:
    a = _meeting("2021-01-15", ["Village hall roof"], body="Stoke Ferry Parish Council")
    b = _meeting("2021-02-15", ["Village hall roof"], body="Wretton Parish Council")
    assert not [lk for lk in links_of([a, b]) if lk.kind == "same_subject"]


# -- hand-checked links on real papers --------------------------------------------------------------
def _checked() -> list[dict]:
    return json.loads(CHECKED.read_text())["links"]


def test_checked_set_precision() -> None:
    """The hand-checked sample: at least 20 links across all kinds, precision at least 0.9 over the
    links the linker still makes."""
    checked = _checked()
    produced = [c for c in checked if c["produced"]]
    assert len(produced) >= 20
    assert {c["kind"] for c in produced} == {"agenda_minutes", "previous_minutes", "report", "action", "reference",
                                             "same_subject"}
    precision = sum(c["verdict"] == "correct" for c in produced) / len(produced)
    assert precision >= 0.9
    assert json.loads(CHECKED.read_text())["precision"] == round(precision, 3)


def _paper(rel: str) -> Path:
    """A checked paper: from the shared corpus, or the seed pack ("seeds/NAME")."""
    if rel.startswith("seeds/"):
        p = SEEDS / rel.removeprefix("seeds/")
        if not p.exists():
            pytest.skip(f"seed pack not available: {rel}")
        return p
    return corpus_file(rel)


def _describe(d: Document, index: int) -> tuple[str, int, str]:
    p = Path(d.path)
    rel = f"seeds/{p.name}" if p.parent == SEEDS else str(p.relative_to(CORPUS))
    return rel, d.part, d.items[index].number


@pytest.fixture(scope="module")
def real_links() -> list[tuple[str, tuple[str, int, str], tuple[str, int, str]]]:
    """Links rebuilt by the real pipeline from just the papers of the checked links marked ``rebuild``."""
    from minutebook import pipeline
    from nlp.register import build_actions

    files = sorted({end["document"] for c in _checked() if c.get("rebuild") for end in (c["from"], c["to"])})
    docs: list[Document] = []
    for rel in files:
        p = _paper(rel)
        docs.extend(pipeline.process_file(str(p), p.read_bytes()))
    meetings = group_meetings(docs)
    keys = {d.id: " ".join(sorted(body_key(d.body))) for d in docs}
    links = build_links(docs, {m.id: m.documents for m in meetings}, keys, build_actions(docs))
    by_id = {d.id: d for d in docs}

    def end(iid: str) -> tuple[str, int, str]:
        doc_id, index = iid.rsplit(".", 1)
        return _describe(by_id[doc_id], int(index))

    return [(lk.kind, end(lk.source), end(lk.target)) for lk in links]


def test_checked_links_are_rebuilt(real_links: list) -> None:
    found = set(real_links)
    want = [(c["kind"], (c["from"]["document"], c["from"]["part"], c["from"]["item"]),
             (c["to"]["document"], c["to"]["part"], c["to"]["item"]))
            for c in _checked() if c.get("rebuild")]
    assert len(want) >= 10
    assert [w for w in want if w not in found] == []
