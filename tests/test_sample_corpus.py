"""The bundled sample corpus: committed PDFs match the generator, and read as the demos expect."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import fpdf
import pdfplumber
import pytest

from ingest.reader import read_file
from minutebook.model import SourceFile

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GENERATOR = CORPUS / "generate.py"
COUNCIL = CORPUS / "ashcombe-parish-council"
DATES = ("2024-01-18", "2024-03-21", "2024-05-16")
NAMES = ("agenda.pdf", "minutes.pdf", "action-log.pdf")
RELS = [f"{d}/{n}" for d in DATES for n in NAMES]
CLERK_LINE = "Clerk: Mrs Ruth Okafor, 4 Mill Lane, Ashcombe, Westshire AS7 2QT"
ACTION_ID = re.compile(r"^(?:Nov23|Jan24|Mar24|May24)\.\d{2}$")


def _generate(out: Path) -> Path:
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(out)], check=True, capture_output=True)
    return out / COUNCIL.name


@pytest.fixture(scope="session")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generate(tmp_path_factory.mktemp("fresh"))


@pytest.fixture(scope="session")
def committed() -> dict[str, SourceFile]:
    return {rel: read_file(COUNCIL / rel) for rel in RELS}


def _page_text(source: SourceFile) -> list[tuple[int, str, tuple[str, ...] | None]]:
    return [(line.page, line.text, line.cells) for line in source.lines]


def test_generator_writes_the_nine_committed_files(fresh: Path) -> None:
    assert sorted(str(p.relative_to(fresh)) for p in fresh.rglob("*.pdf")) == sorted(RELS)
    assert sorted(str(p.relative_to(COUNCIL)) for p in COUNCIL.rglob("*.pdf")) == sorted(RELS)


def test_generator_is_deterministic(fresh: Path, tmp_path: Path) -> None:
    again = _generate(tmp_path)
    for rel in RELS:
        assert (again / rel).read_bytes() == (fresh / rel).read_bytes(), rel


@pytest.mark.parametrize("rel", RELS)
def test_committed_pdf_has_the_same_text_as_a_fresh_run(
    rel: str, fresh: Path, committed: dict[str, SourceFile]
) -> None:
    assert _page_text(read_file(fresh / rel)) == _page_text(committed[rel])


def test_committed_pdfs_are_byte_identical_to_a_fresh_run(fresh: Path) -> None:
    with pdfplumber.open(COUNCIL / RELS[0]) as pdf:
        producer = str(pdf.metadata.get("Producer", ""))
    if f"(fpdf2 {fpdf.__version__})" not in producer:
        pytest.skip(f"committed files were written by {producer!r}; installed fpdf2 is {fpdf.__version__}")
    for rel in RELS:
        assert (fresh / rel).read_bytes() == (COUNCIL / rel).read_bytes(), f"regenerate corpus: {rel}"


@pytest.mark.parametrize("rel", RELS)
def test_every_page_has_text_and_the_running_footer(rel: str, committed: dict[str, SourceFile]) -> None:
    source = committed[rel]
    assert source.format == "pdf" and not source.ocr
    for page in range(1, source.pages + 1):
        texts = [line.text for line in source.lines if line.page == page]
        assert len(texts) > 3, f"page {page} has no body text"
        assert f"Page {page} of {source.pages}" in texts
        assert any(t.startswith(CLERK_LINE) for t in texts)
        assert texts[0].startswith("Ashcombe Parish Council - ")


@pytest.mark.parametrize("day", DATES)
def test_expected_headings(day: str, committed: dict[str, SourceFile]) -> None:
    agenda, minutes, log = (committed[f"{day}/{n}"] for n in NAMES)
    for source in (agenda, minutes, log):
        assert source.lines[1].text == "ASHCOMBE PARISH COUNCIL" and source.lines[1].bold
    assert any(line.text == "AGENDA" and line.bold for line in agenda.lines)
    assert any(line.text == "ACTION LOG" and line.bold for line in log.lines)
    head = " ".join(line.text for line in minutes.lines[2:4])
    assert re.fullmatch(
        r"MINUTES OF THE MEETING OF ASHCOMBE PARISH COUNCIL HELD ON THURSDAY \d{1,2}(st|nd|rd|th) "
        r"[A-Z]+ 2024 AT 7\.30PM IN THE VILLAGE HALL",
        head,
    )
    starts = [line.text.split(":")[0] for line in minutes.lines[4:12]]
    assert {"Present", "In attendance", "Apologies"} <= set(starts)


@pytest.mark.parametrize("day", DATES)
def test_agenda_and_minutes_number_the_same_items(day: str, committed: dict[str, SourceFile]) -> None:
    def numbers(source: SourceFile) -> list[str]:
        return [
            m.group(1)
            for line in source.lines
            if line.bold and (m := re.match(r"(\d+(?:\.\d+)?)\.? ", line.text))
        ]

    agenda = numbers(committed[f"{day}/agenda.pdf"])
    assert agenda == numbers(committed[f"{day}/minutes.pdf"])
    assert [n for n in agenda if "." not in n] == [str(i) for i in range(1, 12)]
    assert {"5.1", "5.2", "7.1", "7.2", "8.1", "8.2", "10.1", "10.2"} <= set(agenda)


def _log_updates(source: SourceFile) -> dict[str, str]:
    """Action ID -> first line of its Update cell, from the drawn table's cells."""
    rows = [line.cells for line in source.lines if line.cells and ACTION_ID.match(line.cells[0])]
    return {cells[0]: cells[-1] for cells in rows}


def test_action_log_tables_have_separate_cells(committed: dict[str, SourceFile]) -> None:
    for day in DATES:
        heads = [line.cells for line in committed[f"{day}/action-log.pdf"].lines if line.bold and line.cells]
        assert heads == [("No", "Action", "Owner", "Update")]


def test_action_points_carry_across_the_three_meetings(committed: dict[str, SourceFile]) -> None:
    jan, mar, may = (_log_updates(committed[f"{d}/action-log.pdf"]) for d in DATES)
    # Raised in January, in progress in March, completed in May.
    assert jan["Jan24.01"].startswith("New") and mar["Jan24.01"].startswith("In progress: quotes requested")
    assert may["Jan24.01"].startswith("Completed")
    # Closed at the second meeting, then dropped from the log.
    assert mar["Jan24.02"].startswith("Completed") and "Jan24.02" not in may
    # Still open after all three meetings.
    assert all(not log["Jan24.03"].startswith("Completed") for log in (jan, mar, may))
    assert set(may) >= {"Mar24.01", "Mar24.02", "May24.01", "May24.02"}


def test_wrapped_action_descriptions_stay_in_their_column(committed: dict[str, SourceFile]) -> None:
    """A description wrapped onto a second line is read under the Action column, so the action
    point's description is whole and its update is only the update."""
    from nlp.actions import find_actions

    source = committed["2024-01-18/action-log.pdf"]
    wrapped = [line for line in source.lines if line.text == "park barrier"]
    assert wrapped and wrapped[0].cells == ("", "park barrier", "", "")
    text = "\n".join(line.text for line in source.lines)
    rows = [line.cells or (line.text,) for line in source.lines]
    found = {a.id: a for a in find_actions(text, rows)}
    assert found["Jan24.01"].description == "Obtain three quotes for repair of the car park barrier"
    assert found["Jan24.01"].update == "New: raised 18th January 2024"
    assert found["Jan24.02"].update == "New: response due by 29th February 2024"


def test_later_minutes_approve_the_previous_meeting(committed: dict[str, SourceFile]) -> None:
    for day, previous in (("2024-03-21", "18th January 2024"), ("2024-05-16", "21st March 2024")):
        text = " ".join(line.text for line in committed[f"{day}/minutes.pdf"].lines)
        assert f"minutes of the previous meeting held on {previous} were approved" in text
