"""Bad input: one clear line per file, recorded, the batch goes on (exit status 3)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from minutebook.cli import main
from tests.conftest import CORPUS
from tests.pdfgen import MINUTES_LINES, make_image_only_pdf, make_pdf

POSTSCRIPT = CORPUS / "souldern-parish-council" / "agendas" / "2020-06-25 Agenda.pdf"


@pytest.fixture()
def batch(tmp_path: Path) -> Path:
    d = tmp_path / "papers"
    d.mkdir()
    make_pdf(d / "good.pdf", [MINUTES_LINES])
    (d / "empty.pdf").write_bytes(b"")
    good = (d / "good.pdf").read_bytes()
    (d / "truncated.pdf").write_bytes(good[: len(good) // 3])
    make_pdf(d / "locked.pdf", [MINUTES_LINES], user_password="secret")
    (d / "notes.pdf").write_text("This is a plain text file with a .pdf name.\n")
    make_image_only_pdf(d / "scan.pdf")
    if POSTSCRIPT.exists():
        shutil.copy(POSTSCRIPT, d / "postscript.pdf")  # into tmp_path only, never the repo
    return d


def _errors(stderr: str) -> dict[str, str]:
    out = {}
    for line in stderr.splitlines():
        if line.startswith("error: "):
            path, _, reason = line[len("error: "):].partition(": ")
            out[Path(path).name] = reason
    return out


def test_each_bad_file_gets_one_line_and_the_rest_is_ingested(batch: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    data = tmp_path / "data"
    res = runner.invoke(main, ["ingest", str(batch), "--data", str(data), "--workers", "1", "--no-ner"])
    assert res.exit_code == 3, res.output
    errors = _errors(res.stderr)
    assert set(errors) >= {"empty.pdf", "truncated.pdf", "locked.pdf", "notes.pdf", "scan.pdf"}
    assert "good.pdf" not in errors
    assert "empty" in errors["empty.pdf"]
    assert "password" in errors["locked.pdf"] or "encrypted" in errors["locked.pdf"]
    assert "not a PDF" in errors["notes.pdf"]
    assert "OCR" in errors["scan.pdf"]
    if "postscript.pdf" in errors:
        assert "PostScript" in errors["postscript.pdf"]
    for reason in errors.values():
        assert "\n" not in reason
    export = json.loads(runner.invoke(main, ["export", "--data", str(data)]).stdout)
    paths = [Path(d["path"]).name for d in export["documents"]]
    assert paths == ["good.pdf"]
    assert {Path(f["path"]).name for f in export["failures"]} == set(errors)


def test_a_bad_new_version_never_damages_the_stored_good_one(batch: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    data = tmp_path / "data"
    good = batch / "good.pdf"
    assert runner.invoke(main, ["ingest", str(good), "--data", str(data), "--no-ner"]).exit_code == 0
    before = json.loads(runner.invoke(main, ["export", "--data", str(data)]).stdout)["documents"]
    good.write_bytes(good.read_bytes()[:200])  # the file is overwritten by a truncated copy
    res = runner.invoke(main, ["ingest", str(good), "--data", str(data), "--no-ner"])
    assert res.exit_code == 3 and "error: " in res.stderr
    after = json.loads(runner.invoke(main, ["export", "--data", str(data)]).stdout)["documents"]
    assert after == before


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["ingest", str(tmp_path / "nope"), "--data", str(tmp_path / "d")])
    assert res.exit_code == 2
