"""Shared fixtures. Real papers come from ../shared/corpus and tests skip cleanly without it."""

from __future__ import annotations

from pathlib import Path

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
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The seed pack and the bundled sample council, ingested once with the real NER model."""
    import json

    from click.testing import CliRunner

    from minutebook.cli import main

    if not SEED_PACK.exists():
        pytest.skip("shared seed pack not available")
    data = tmp_path_factory.mktemp("seeded") / "data"
    res = CliRunner().invoke(main, ["ingest", str(SEED_PACK), str(ROOT / "corpus"), "--data", str(data)])
    assert res.exit_code == 0, res.output + res.stderr
    export = json.loads(CliRunner().invoke(main, ["export", "--data", str(data)]).stdout)
    return data, export
