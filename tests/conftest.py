"""Shared fixtures. Real papers come from ../shared/corpus and tests skip cleanly without it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold"
SEED_PACK = SEEDS / "000_af1b2d0a6f32708f.txt"


def corpus_file(rel: str) -> Path:
    """Path of a real paper in ../shared/corpus, or skip the test when it is absent."""
    p = CORPUS / rel
    if not p.exists():
        pytest.skip(f"shared corpus not available: {rel}")
    return p


@pytest.fixture(scope="session")
def seed_pack() -> Path:
    if not SEED_PACK.exists():
        pytest.skip("shared seed pack not available")
    return SEED_PACK


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> tuple[Path, dict]:
    """The seed pack and the bundled sample council, ingested once with the real NER model.

    With ``MINUTEBOOK_TEST_BACKEND=pg`` (and ``MINUTEBOOK_TEST_PG``) the store is a fresh
    PostgreSQL database and the first value its DSN, so every test on it runs on that backend.
    """
    import json
    import os

    from click.testing import CliRunner

    from minutebook.cli import main

    if not SEED_PACK.exists():
        pytest.skip("shared seed pack not available")
    data: Any = tmp_path_factory.mktemp("seeded") / "data"
    if os.environ.get("MINUTEBOOK_TEST_BACKEND") == "pg":
        data = request.getfixturevalue("pg_new_database")()
    res = CliRunner().invoke(main, ["ingest", str(SEED_PACK), str(ROOT / "corpus"), "--data", str(data)])
    assert res.exit_code == 0, res.output + res.stderr
    export = json.loads(CliRunner().invoke(main, ["export", "--data", str(data)]).stdout)
    return data, export


# -- PostgreSQL: a fresh database per use, when MINUTEBOOK_TEST_PG names an admin database ----------
PG_ENV = "MINUTEBOOK_TEST_PG"


@pytest.fixture(scope="session")
def pg_new_database() -> Iterator[Callable[[], str]]:
    """A factory of fresh, empty PostgreSQL databases (as ``postgresql://`` DSNs), dropped at the end.

    Skips when ``MINUTEBOOK_TEST_PG`` is unset, psycopg is missing or the server does not answer,
    so the directory backend's tests run everywhere and the server's where there is one.
    """
    import os
    import uuid
    from urllib.parse import quote

    admin = os.environ.get(PG_ENV)
    if not admin:
        pytest.skip(f"{PG_ENV} not set: no PostgreSQL server for the backend tests")
    psycopg = pytest.importorskip("psycopg")
    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL at {PG_ENV} does not answer: {str(exc).strip()[:200]}")
    parts = psycopg.conninfo.conninfo_to_dict(admin)
    auth = quote(str(parts.get("user") or "postgres"), safe="")
    if parts.get("password"):
        auth += ":" + quote(str(parts["password"]), safe="")
    host = f"{parts.get('host') or '127.0.0.1'}:{parts.get('port') or 5432}"
    made: list[str] = []

    def new() -> str:
        name = f"mbtest_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        conn.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return f"postgresql://{auth}@{host}/{name}"

    yield new
    for name in made:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


@pytest.fixture(scope="module")
def app(seeded: tuple[Path, dict[str, Any]]) -> Any:
    """The Flask app over the seeded store (one per test module)."""
    from search_app.app import create_app

    return create_app({"DATA_DIR": str(seeded[0]), "TESTING": True})


@pytest.fixture()
def client(app: Any) -> Any:
    return app.test_client()
