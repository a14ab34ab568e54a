"""The contract's journey on both backends: a data directory (SQLite + whoosh) and PostgreSQL.

The PostgreSQL runs need ``MINUTEBOOK_TEST_PG`` (a DSN to an admin database; `.ci/run` starts a
private server and sets it) and skip without it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from minutebook.backends import is_dsn, location, open_search_index, open_store
from minutebook.cli import main
from search_app.app import create_app
from search_app.index import IndexedItem
from tests.conftest import ROOT, SEED_PACK
from tests.contract import check_export, check_search

BACKENDS = ["dir", "pg"]
HOSTILE = ("ASHCOMBE PARISH COUNCIL\nMinutes of the meeting held on 4 March 2024\n1. Apologies\nNone.\n"
           "2. Knife arch <script>alert('x')</script> & <b>bold</b>\n"
           "The knife arch <img src=x onerror=alert(1)> was discussed & agreed.\n")


def _location(backend: str, request: pytest.FixtureRequest, tmp: Path) -> str:
    if backend == "pg":
        return str(request.getfixturevalue("pg_new_database")())
    return str(tmp / "data")


def _cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module", params=BACKENDS)
def journey(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    """The seed pack and the sample council ingested through the CLI, and their export."""
    if not SEED_PACK.exists():
        pytest.skip("shared seed pack not available")
    data = _location(request.param, request, tmp_path_factory.mktemp(f"journey-{request.param}"))
    res = _cli("ingest", str(SEED_PACK), str(ROOT / "corpus"), "--data", data)
    assert res.exit_code == 0, res.output + res.stderr
    return data, json.loads(_cli("export", "--data", data).stdout)


@pytest.fixture(params=BACKENDS)
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store of each backend."""
    return _location(request.param, request, tmp_path)


def test_a_dsn_is_told_from_a_directory() -> None:
    assert is_dsn("postgresql://u@h:5432/db") and is_dsn("postgres://h/db")
    assert not is_dsn("./minutebook-data") and not is_dsn(Path("postgresql:"))
    # a Path would fold the DSN's "//"; location keeps it a string
    assert location("postgresql://u@h/db") == "postgresql://u@h/db"
    assert location("some/dir") == Path("some/dir")


def test_export_is_the_same_on_both_backends(journey: tuple[str, dict[str, Any]],
                                              seeded: tuple[Path, dict[str, Any]]) -> None:
    export, reference = journey[1], seeded[1]
    assert check_export(export) == []
    for key in ("documents", "meetings", "actions", "people", "organisations", "failures"):
        assert export[key] == reference[key], key
    # link evidence lists its shared words in set order, which differs between processes

    def links(e: dict[str, Any]) -> set[tuple[str, str, str, float]]:
        return {(lk["from"], lk["to"], lk["kind"], lk["confidence"]) for lk in e["links"]}

    assert links(export) == links(reference)


def test_search_knife_crime_finds_serious_violence_items(journey: tuple[str, dict[str, Any]]) -> None:
    res = _cli("search", "knife crime", "--data", journey[0], "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert check_search(out) == []
    assert out["total"] >= 2
    top = out["hits"][:3]
    assert any("Serious Violence" in h["title"] for h in top)
    assert all("<mark>" in h["snippet"].lower() or "knife" in h["title"].lower() for h in top)


@pytest.mark.parametrize("query, expected", [
    pytest.param('"knife crime" kind:minutes', {"minutes"}, id="phrase-and-kind"),
    pytest.param("knife crime NOT violence", None, id="not-excludes"),
    pytest.param("knife date:2020..2020", {"minutes", "agenda", "report"}, id="date-range"),
])
def test_query_language_on_both_backends(journey: tuple[str, dict[str, Any]], query: str,
                                         expected: set[str] | None) -> None:
    out = json.loads(_cli("search", query, "--data", journey[0], "--json").stdout)
    kinds = {h["kind"] for h in out["hits"]}
    if expected is not None:
        assert kinds and kinds <= expected
    else:  # the Serious Violence items mention knife crime, and are left out
        assert all("violence" not in (h["title"] + h["snippet"]).lower() for h in out["hits"])


def test_reingest_is_a_no_op(journey: tuple[str, dict[str, Any]]) -> None:
    data, export = journey
    store = open_store(data)
    before = store.generation()
    store.close()
    res = _cli("ingest", str(SEED_PACK), str(ROOT / "corpus"), "--data", data)
    assert res.exit_code == 0 and res.stdout.startswith("ingested 0 files"), res.output
    store = open_store(data)
    assert store.generation() == before
    store.close()
    assert json.loads(_cli("export", "--data", data).stdout) == export


def test_api_search_answers(journey: tuple[str, dict[str, Any]]) -> None:
    client = create_app({"DATA_DIR": journey[0], "TESTING": True}).test_client()
    resp = client.get("/api/search?q=knife+crime&facets=1")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["total"] >= 2 and any("Serious Violence" in h["title"] for h in body["hits"][:3])
    assert {f["value"] for f in body["facets"]["kind"]} >= {"minutes"}
    assert client.get("/api/search?q=" + "x" * 600).status_code == 400


def test_changed_file_replaces_its_old_version(fresh: str, tmp_path: Path) -> None:
    paper = tmp_path / "minutes.md"
    paper.write_text("ASHCOMBE PARISH COUNCIL\nMinutes of the meeting held on 4 March 2024\n"
                     "1. Apologies\nNone.\n2. Bus shelter\nThe bus shelter glass was broken.\n")
    assert _cli("ingest", str(paper), "--data", fresh, "--no-ner").exit_code == 0
    paper.write_text(paper.read_text().replace("bus shelter glass", "noticeboard glass"))
    assert _cli("ingest", str(paper), "--data", fresh, "--no-ner").exit_code == 0
    export = json.loads(_cli("export", "--data", fresh).stdout)
    assert len(export["documents"]) == 1
    assert "noticeboard" in export["documents"][0]["items"][1]["text"]
    found = json.loads(_cli("search", "noticeboard", "--data", fresh, "--json").stdout)
    assert found["total"] == 1
    gone = json.loads(_cli("search", '"bus shelter glass"', "--data", fresh, "--json").stdout)
    assert gone["total"] == 0


def test_snippets_escape_document_text(fresh: str, tmp_path: Path) -> None:
    paper = tmp_path / "hostile.md"
    paper.write_text(HOSTILE)
    assert _cli("ingest", str(paper), "--data", fresh, "--no-ner").exit_code == 0
    out = json.loads(_cli("search", "knife arch", "--data", fresh, "--json").stdout)
    assert out["total"] >= 1
    for h in out["hits"]:
        snippet = h["snippet"]
        assert "<script" not in snippet and "<img" not in snippet and "<b>" not in snippet
        assert "<mark>" in snippet
        assert "&lt;img" in snippet or "&lt;script" in snippet or "&amp;" in snippet
    client = create_app({"DATA_DIR": fresh, "TESTING": True}).test_client()
    page = client.get("/search?q=knife+arch").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page


def _row(n: int, text: str, **kw: Any) -> IndexedItem:
    base: dict[str, Any] = dict(item_id=f"d{n}.0", document_id=f"d{n}", meeting_id="", path=f"/p/{n}.txt",
                                number=str(n), title=f"Item {n}", text=text, kind="minutes", body="Ashcombe PC",
                                meeting_date="2021-05-01", page_start=1)
    base.update(kw)
    return IndexedItem(**base)


def test_index_interface_on_both_backends(fresh: str) -> None:
    """The engine-level interface: rebuild, update, filters, facets, synonyms, more_like."""
    if not is_dsn(fresh):
        Path(fresh).mkdir(parents=True)
    ix = open_search_index(fresh)
    rows = [
        _row(1, "Antisocial behaviour on the recreation ground; the police attended.", people=("Alan Smith",)),
        _row(2, "The precept for 2022 was agreed.", kind="agenda", meeting_date="2019-02-01", outcomes=("agreed",)),
        _row(3, "Youths and antisocial behaviour near the recreation ground shop.", meeting_date="2023-01-01"),
    ]
    assert ix.rebuild(rows, 7) == 3 and ix.generation() == 7 and ix.doc_count() == 3
    assert ix.exists() and ix.is_healthy()
    assert {h.item_id for h in ix.search("asb").hits} == {"d1.0", "d3.0"}  # a synonym finds the other form
    assert [h.item_id for h in ix.search("precept kind:agenda").hits] == ["d2.0"]
    assert ix.search("precept kind:minutes").total == 0
    assert [h.item_id for h in ix.search('recreation person:"Alan Smith"').hits] == ["d1.0"]
    assert [h.item_id for h in ix.search("recreation date:2022..").hits] == ["d3.0"]
    assert [h.item_id for h in ix.search("recreation NOT youths").hits] == ["d1.0"]
    facets = ix.search("recreation OR precept", facets=True).facets
    assert dict(facets["kind"]) == {"minutes": 2, "agenda": 1} and dict(facets["person"]) == {"Alan Smith": 1}
    assert [h.item_id for h in ix.search("recreation", sort="date").hits] == ["d3.0", "d1.0"]
    assert [h.item_id for h in ix.more_like("d1.0")] == ["d3.0"]
    ix.update(["d2"], [_row(4, "The precept for 2024 was deferred.")], 8)
    assert ix.generation() == 8 and [h.item_id for h in ix.search("precept").hits] == ["d4.0"]
    ix.close()


def test_a_nul_character_in_the_text_is_kept(fresh: str, tmp_path: Path) -> None:
    # some PDF text layers hold U+0000, which PostgreSQL text and JSONB cannot store
    paper = tmp_path / "nul.txt"
    paper.write_text("ASHCOMBE PARISH COUNCIL\nMinutes of the meeting held on 4 March 2024\n1. Apologies\nNone.\n"
                     "2. Drains\nThe drain\x00 cover was replaced.\n")
    assert _cli("ingest", str(paper), "--data", fresh, "--no-ner").exit_code == 0
    export = json.loads(_cli("export", "--data", fresh).stdout)
    assert "drain\x00 cover" in export["documents"][0]["items"][1]["text"]
    assert json.loads(_cli("search", "drain cover", "--data", fresh, "--json").stdout)["total"] == 1


def test_a_common_word_only_reranks_what_rarer_words_find(fresh: str) -> None:
    if not is_dsn(fresh):
        Path(fresh).mkdir(parents=True)
    ix = open_search_index(fresh)
    rows = [_row(n, f"The council noted item {n}.") for n in range(60)]
    rows += [_row(100, "The council discussed drainage on Mill Lane."), _row(101, "Drainage works were agreed.")]
    ix.rebuild(rows, 1)
    result = ix.search("council drainage")
    assert result.total == 2
    assert {h.item_id for h in result.hits} == {"d100.0", "d101.0"}
    assert ix.search("council").total == 61  # alone, a common word still finds everything
    ix.close()


@pytest.mark.parametrize("command", [["export"], ["reindex"], ["search", "budget"]])
def test_a_server_that_does_not_answer_fails_in_one_line(command: list[str]) -> None:
    pytest.importorskip("psycopg")
    res = CliRunner().invoke(main, [*command, "--data", "postgresql://nobody:secret@127.0.0.1:1/none"])
    assert res.exit_code == 1
    assert res.stderr.startswith("fatal: cannot connect") and res.stderr.count("\n") == 1
    assert "secret" not in res.stderr  # the password is not echoed


def test_a_lost_index_is_rebuilt_from_the_store(fresh: str, tmp_path: Path) -> None:
    import shutil

    paper = tmp_path / "minutes.md"
    paper.write_text("ASHCOMBE PARISH COUNCIL\nMinutes of the meeting held on 4 March 2024\n"
                     "1. Apologies\nNone.\n2. Bus shelter\nThe bus shelter glass was broken.\n")
    assert _cli("ingest", str(paper), "--data", fresh, "--no-ner").exit_code == 0
    if is_dsn(fresh):
        import psycopg

        with psycopg.connect(fresh, autocommit=True) as conn:
            conn.execute("DROP TABLE search_items")
    else:
        shutil.rmtree(Path(fresh) / "whoosh")
    assert json.loads(_cli("search", "shelter", "--data", fresh, "--json").stdout)["total"] == 1
