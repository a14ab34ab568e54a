"""The hostile set through the CLI: one clear error line per bad file, every good file ingested,
exit status 3, and nothing already stored is touched."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ingest import ocr
from ingest.reader import read_file
from minutebook.cli import main
from minutebook.errors import UnreadableDocument
from tests.make_hostile import LONG_PAGES, Expectation, make_broken_pages_pdf, make_hostile
from tests.pdfgen import make_pdf

PRIOR_LINES = [
    "Brookfield Town Council",
    "AGENDA FOR THE MEETING ON MONDAY 6th MARCH 2023",
    "1. Apologies",
    "2. Allotment rents",
]


def _errors(stderr: str) -> list[tuple[str, str]]:
    out = []
    for line in stderr.splitlines():
        if line.startswith("error: "):
            path, _, reason = line[len("error: "):].partition(": ")
            out.append((Path(path).name, reason))
    return out


def _export(data: Path) -> dict[str, Any]:
    res = CliRunner().invoke(main, ["export", "--data", str(data)])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _run(tmp_path: Path, long_pages: int, caplog: pytest.LogCaptureFixture) -> dict[str, Any]:
    """Ingest a good paper, then the hostile set into the same data dir."""
    data = tmp_path / "data"
    (tmp_path / "prior").mkdir()
    prior = make_pdf(tmp_path / "prior" / "agenda.pdf", [PRIOR_LINES])
    runner = CliRunner()
    first = runner.invoke(main, ["ingest", str(prior), "--data", str(data), "--no-ner", "--workers", "1"])
    assert first.exit_code == 0, first.output + first.stderr
    before = _export(data)["documents"]

    expect = make_hostile(tmp_path / "hostile", long_pages, ocr=ocr.available())
    with caplog.at_level(logging.WARNING, logger="ingest.pdf"):
        res = runner.invoke(main, ["ingest", str(tmp_path / "hostile"), "--data", str(data),
                                   "--no-ner", "--workers", "1"])
    return {"expect": expect, "res": res, "before": before, "after": _export(data),
            "warnings": [r.getMessage() for r in caplog.records]}


def _check(run: dict[str, Any]) -> None:
    expect: dict[str, Expectation] = run["expect"]
    res = run["res"]
    assert res.exit_code == 3, res.output + res.stderr
    errors = _errors(res.stderr)
    names = [name for name, _ in errors]
    bad = {name for name, outcome in expect.items() if outcome is not None}
    assert sorted(names) == sorted(bad), res.stderr  # exactly one line per bad file
    for name, reason in errors:
        words = expect[name]
        assert words is not None
        assert reason and "\n" not in reason and len(reason) < 300
        assert any(w.lower() in reason.lower() for w in words), (name, reason)
        assert "internal error" not in reason, (name, reason)

    export = run["after"]
    by_name: dict[str, list[dict[str, Any]]] = {}
    for doc in export["documents"]:
        by_name.setdefault(Path(doc["path"]).name, []).append(doc)
    good = {name for name, outcome in expect.items() if outcome is None}
    assert good <= set(by_name), sorted(good - set(by_name))
    assert not bad & set(by_name)
    assert {Path(f["path"]).name for f in export["failures"]} == bad

    # the stored paper from before the hostile batch is exactly as it was
    prior = [d for d in export["documents"] if Path(d["path"]).name == "agenda.pdf"]
    assert prior == run["before"]

    # the page that fails is dropped with a warning; the file is kept
    assert sum(d["pages"] for d in by_name["broken_page.pdf"][:1]) == 3
    assert any("broken_page.pdf" in w and "kept 2 of 3 pages" in w for w in run["warnings"])
    assert "Caf" in json.dumps(by_name["bad_utf8.txt"])
    assert {d["ocr"] for d in by_name["owner_only.pdf"]} == {False}
    if "scan.pdf" in good:
        scan = by_name["scan.pdf"]
        assert all(d["ocr"] for d in scan)
        assert [it["number"] for d in scan for it in d["items"]] == ["1", "2", "3"]


def test_hostile_set(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # the whole set, 2,000-page PDF included, ingests in about 10 s, so it runs by default
    run = _run(tmp_path, LONG_PAGES, caplog)
    _check(run)
    long = [d for d in run["after"]["documents"] if Path(d["path"]).name == "long_report.pdf"]
    assert sum(d["pages"] for d in long) == LONG_PAGES
    items = [it for d in long for it in d["items"]]
    # item labels stop at three digits (999); the last item runs on to the last page
    assert [it["number"] for it in items] == [str(n) for n in range(1, 1000)]
    assert items[-1]["page_end"] == LONG_PAGES and "(section 2000)" in items[-1]["text"]


def test_a_page_that_fails_is_dropped_and_the_others_kept(tmp_path: Path,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    path = make_broken_pages_pdf(tmp_path / "broken.pdf", 3, {2})
    with caplog.at_level(logging.WARNING, logger="ingest.pdf"):
        src = read_file(path, ocr=False)
    assert src.pages == 3
    assert {ln.page for ln in src.lines} == {1, 3}
    assert "3. Item on page 3" in [ln.text for ln in src.lines]
    assert "page 2 could not be read" in caplog.text


def test_a_pdf_whose_every_page_fails_is_an_error(tmp_path: Path) -> None:
    path = make_broken_pages_pdf(tmp_path / "broken.pdf", 2, {1, 2})
    with pytest.raises(UnreadableDocument, match="none of its 2 pages can be read"):
        read_file(path, ocr=False)


def test_empty_user_password_opens_and_a_real_one_is_reported(tmp_path: Path) -> None:
    src = read_file(make_pdf(tmp_path / "owner.pdf", [PRIOR_LINES], owner_password="owner-only"))
    assert [ln.text for ln in src.lines] == PRIOR_LINES
    with pytest.raises(UnreadableDocument, match="password is required"):
        read_file(make_pdf(tmp_path / "user.pdf", [PRIOR_LINES], user_password="secret"))
