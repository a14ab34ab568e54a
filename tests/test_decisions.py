"""Decisions: outcome vocabulary, motions with mover/seconder and vote tallies."""

from __future__ import annotations

import pytest

from minutebook.model import Outcome
from nlp.decisions import find_decisions


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        pytest.param("RESOLVED that the report be noted.", Outcome.RESOLVED, id="resolved-caps"),
        pytest.param("Resolved: to adopt the policy.", Outcome.RESOLVED, id="resolved-colon"),
        pytest.param("It was agreed to purchase a larger bin.", Outcome.AGREED, id="it-was-agreed"),
        pytest.param("The recommendation was agreed by the Board.", Outcome.AGREED, id="agreed-by"),
        pytest.param("The minutes were approved and signed.", Outcome.APPROVED, id="approved"),
        pytest.param("The Board noted the report.", Outcome.NOTED, id="noted"),
        pytest.param("The motion was carried.", Outcome.CARRIED, id="carried"),
        pytest.param("The motion was lost.", Outcome.LOST, id="lost"),
        pytest.param("The item was deferred to the next meeting.", Outcome.DEFERRED, id="deferred"),
        pytest.param("The application was rejected.", Outcome.REJECTED, id="rejected"),
        pytest.param("It was resolved to advertise the vacancy.", Outcome.RESOLVED, id="it-was-resolved-capital"),
        pytest.param("It was also resolved to seek advice.", Outcome.RESOLVED, id="it-was-also-resolved"),
        pytest.param("The Board reviewed and accepted the changes.", Outcome.APPROVED, id="board-accepted"),
        pytest.param("This application has been accepted.", Outcome.APPROVED, id="has-been-accepted"),
        pytest.param("Accepted.", Outcome.APPROVED, id="consent-item-accepted"),
        pytest.param("The written report was discussed and noted.", Outcome.NOTED, id="discussed-and-noted"),
        pytest.param("The Councillors noted the correspondence.", Outcome.NOTED, id="councillors-noted"),
        pytest.param("The Board decided to hold an EGM.", Outcome.AGREED, id="board-decided"),
        pytest.param("Mayor Gilmore continued the matter to February 4, 2014.", Outcome.DEFERRED, id="continued"),
    ],
)
def test_outcomes(text: str, outcome: Outcome) -> None:
    (d,) = list(find_decisions(text))
    assert d.outcome == outcome
    assert text[d.start : d.end].strip() == text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("The Clerk agreed to write to OCC.", id="person-agreed-to"),
        pytest.param("There were 5.3 items on the list.", id="plain"),
    ],
)
def test_not_decisions(text: str) -> None:
    assert list(find_decisions(text)) == []


def test_alameda_roll_call_vote() -> None:
    text = (
        "Councilmember Daysog moved approval of the staff recommendation.\n"
        "Vice Mayor Knox White seconded the motion, which carried by the following voice vote: "
        "Ayes: Councilmembers Daysog, Herrera Spencer, Knox White and Vella – 4. "
        "Noes: Councilmember Oddie – 1.\n(22-014) Next item."
    )
    (d,) = list(find_decisions(text))
    assert (d.outcome, d.mover, d.seconder, d.votes) == (
        Outcome.CARRIED,
        "Councilmember Daysog",
        "Vice Mayor Knox White",
        {"ayes": 4, "noes": 1},
    )
    assert d.rule == "motion" and "Noes" in d.text


def test_unanimous_voice_vote() -> None:
    text = (
        "Councilmember Tam moved approval of the minutes.\n"
        "Councilmember deHaan seconded the motion, which carried by unanimous voice vote –\n5."
    )
    (d,) = list(find_decisions(text))
    assert (d.mover, d.seconder, d.votes) == ("Councilmember Tam", "Councilmember deHaan", {"ayes": 5, "noes": 0})


@pytest.mark.parametrize(
    ("text", "mover", "seconder"),
    [
        pytest.param("CR proposed and KD seconded that these accounts be approved", "CR", "KD", id="initials"),
        pytest.param(
            "Proposed by Cllr Smith, seconded by Cllr Jones, the budget was approved.",
            "Cllr Smith",
            "Cllr Jones",
            id="proposed-by",
        ),
    ],
)
def test_proposed_seconded(text: str, mover: str, seconder: str) -> None:
    (d,) = list(find_decisions(text))
    assert (d.mover, d.seconder, d.outcome) == (mover, seconder, Outcome.APPROVED)


def test_kent_style_recorded_vote() -> None:
    text = "RESOLVED that the budget be agreed. For (8), Against (2)."
    (d,) = list(find_decisions(text))
    assert d.outcome == Outcome.RESOLVED


def test_a_proposer_line_names_the_decision_before_it() -> None:
    text = "It was resolved to keep the precept at £5,700.\nProp: CR 2 nd : KD\nThe next item was discussed."
    (d,) = list(find_decisions(text))
    assert (d.outcome, d.mover, d.seconder) == (Outcome.RESOLVED, "CR", "KD")
    assert d.text == "It was resolved to keep the precept at £5,700."


@pytest.mark.parametrize(
    ("text", "mover", "seconder"),
    [
        pytest.param("Proposed Alan, seconded Umi and agreed that Wendy Boyden be confirmed.", "Alan", "Umi",
                     id="proposed-seconded-names"),
        pytest.param("Cllr Eglington proposed that one light be installed; Cllr Crisp seconded; all in favour.",
                     "Cllr Eglington", "Cllr Crisp", id="proposed-then-seconded"),
    ],
)
def test_short_proposer_forms(text: str, mover: str, seconder: str) -> None:
    (d,) = list(find_decisions(text))
    assert (d.mover, d.seconder) == (mover, seconder)
