"""The contract's commands end to end on real papers: ingest, export, search (CLI runs)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from minutebook.cli import main
from tests.conftest import ROOT, SEED_PACK
from tests.contract import check_export, check_search

SAMPLE = ROOT / "corpus"


def _seed_docs(export: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for d in export["documents"] if d["path"] == str(SEED_PACK)]


def test_export_matches_the_contract(seeded: tuple[Path, dict[str, Any]]) -> None:
    assert check_export(seeded[1]) == []


def test_seed_agenda_has_its_14_items(seeded: tuple[Path, dict[str, Any]]) -> None:
    agenda = next(d for d in _seed_docs(seeded[1]) if d["kind"] == "agenda")
    assert agenda["meeting_date"] == "2020-10-06"
    assert [i["number"] for i in agenda["items"] if not i["parent"]] == [str(n) for n in range(1, 15)]


def test_seed_minutes_items_and_subitems(seeded: tuple[Path, dict[str, Any]]) -> None:
    minutes = next(d for d in _seed_docs(seeded[1]) if d["kind"] == "minutes")
    assert minutes["meeting_date"] == "2020-02-11"
    top = [i["number"] for i in minutes["items"] if not i["parent"]]
    assert top == [str(n) for n in range(1, 14)]
    subs = {i["number"]: i["parent"] for i in minutes["items"] if i["parent"]}
    assert subs["5.1"] == "5" and subs["13.2"] == "13" and subs["6.1.1"] == "6.1"


def test_seed_board_members_in_attendance(seeded: tuple[Path, dict[str, Any]]) -> None:
    minutes = next(d for d in _seed_docs(seeded[1]) if d["kind"] == "minutes")
    present = set(minutes["attendance"]["present"])
    assert {"Debbie Kaye", "Mark Freeman", "Nicky Massey", "Lisa Riddle", "Nick Skipworth"} <= present
    assert "Jessica Bawden" in minutes["attendance"]["apologies"]


def test_seed_action_points_closed_with_updates(seeded: tuple[Path, dict[str, Any]]) -> None:
    actions = {a["id"]: a for a in seeded[1]["actions"] if a["body"] and "Cambridge" in a["body"]}
    assert {"02/01", "02/02", "02/03", "02/04", "02/05"} <= set(actions)
    for aid in ("02/01", "02/02", "02/03", "02/04", "02/05"):
        a = actions[aid]
        assert a["first_meeting"] == "2020-02-11"
        assert a["status"] == "closed" and a["closed_at"] == "2020-10-06"
    assert "13 February" in actions["02/03"]["history"][-1]["update"]


def test_search_knife_crime_finds_serious_violence_items(seeded: tuple[Path, dict[str, Any]]) -> None:
    data, _ = seeded
    res = CliRunner().invoke(main, ["search", "knife crime", "--data", str(data), "--json"])
    assert res.exit_code == 0
    out = json.loads(res.stdout)
    assert check_search(out) == []
    assert out["total"] >= 2
    top = out["hits"][:3]
    assert any("Serious Violence" in h["title"] for h in top)
    assert all("<mark>" in h["snippet"].lower() or "knife" in h["title"].lower() for h in top)


def test_search_with_no_match_exits_zero(seeded: tuple[Path, dict[str, Any]]) -> None:
    res = CliRunner().invoke(main, ["search", "zzzyzzx", "--data", str(seeded[0]), "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["total"] == 0


def test_sample_council_action_history(seeded: tuple[Path, dict[str, Any]]) -> None:
    actions = {a["id"]: a for a in seeded[1]["actions"] if a["body"] and "Ashcombe" in a["body"]}
    barrier = actions["Jan24.01"]
    assert barrier["first_meeting"] == "2024-01-18" and barrier["closed_at"] == "2024-05-16"
    assert [h["meeting_date"] for h in barrier["history"]][:1] == ["2024-01-18"]
    assert actions["Jan24.03"]["status"] == "open"


def test_sample_meetings_group_their_papers(seeded: tuple[Path, dict[str, Any]]) -> None:
    export = seeded[1]
    kinds = {d["id"]: d["kind"] for d in export["documents"]}
    jan = next(m for m in export["meetings"] if m["date"] == "2024-01-18")
    assert sorted(kinds[i] for i in jan["documents"]) == ["action_log", "agenda", "minutes"]


def test_reingest_unchanged_does_no_work(seeded: tuple[Path, dict[str, Any]]) -> None:
    data, export = seeded
    res = CliRunner().invoke(main, ["ingest", str(SEED_PACK), str(SAMPLE), "--data", str(data)])
    assert res.exit_code == 0
    assert res.stdout.startswith("ingested 0 files") and "10 unchanged" in res.stdout
    again = json.loads(CliRunner().invoke(main, ["export", "--data", str(data)]).stdout)
    assert again == export


def test_changed_file_replaces_its_old_version(tmp_path: Path) -> None:
    paper = tmp_path / "minutes.md"
    paper.write_text("---\ntitle: Minutes\n---\nASHCOMBE PARISH COUNCIL\nMinutes of the meeting held on 4 March 2024\n"
                     "1. Apologies\nNone.\n2. Bus shelter\nThe bus shelter glass was broken.\n")
    data = tmp_path / "data"
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(paper), "--data", str(data), "--no-ner"]).exit_code == 0
    paper.write_text(paper.read_text().replace("bus shelter glass", "noticeboard glass"))
    assert runner.invoke(main, ["ingest", str(paper), "--data", str(data), "--no-ner"]).exit_code == 0
    export = json.loads(runner.invoke(main, ["export", "--data", str(data)]).stdout)
    assert len(export["documents"]) == 1
    assert "noticeboard" in export["documents"][0]["items"][1]["text"]
    hits = json.loads(runner.invoke(main, ["search", "shelter glass", "--data", str(data), "--json"]).stdout)
    assert all("noticeboard" in h["snippet"] or "shelter" in h["title"].lower() for h in hits["hits"])
    found = json.loads(runner.invoke(main, ["search", "noticeboard", "--data", str(data), "--json"]).stdout)
    assert found["total"] == 1


def _minutes(body: str, day: int, subject: str) -> str:
    return (f"---\ntitle: Minutes\n---\n{body}\nMinutes of the meeting held on {day} March 2024\n"
            f"1. Apologies\nNone.\n2. {subject}\nThe {subject.lower()} was discussed.\n")


def test_prune_removes_papers_of_files_gone_from_the_folder(tmp_path: Path) -> None:
    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / "march.md").write_text(_minutes("ASHCOMBE PARISH COUNCIL", 4, "Bus shelter"))
    (papers / "april.md").write_text(_minutes("ASHCOMBE PARISH COUNCIL", 11, "Village pond"))
    data = tmp_path / "data"
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(papers), "--data", str(data), "--no-ner"]).exit_code == 0
    (papers / "april.md").unlink()

    # without --prune a paper gone from disk stays in the archive
    kept = runner.invoke(main, ["ingest", str(papers), "--data", str(data), "--no-ner"])
    assert kept.exit_code == 0 and "removed" not in kept.stdout
    pond = json.loads(runner.invoke(main, ["search", "pond", "--data", str(data), "--json"]).stdout)
    assert pond["total"] == 1

    pruned = runner.invoke(main, ["ingest", str(papers), "--data", str(data), "--no-ner", "--prune"])
    assert pruned.exit_code == 0, pruned.output
    assert "1 unchanged, 1 removed" in pruned.stdout
    export = json.loads(runner.invoke(main, ["export", "--data", str(data)]).stdout)
    assert [Path(d["path"]).name for d in export["documents"]] == ["march.md"]
    pond = json.loads(runner.invoke(main, ["search", "pond", "--data", str(data), "--json"]).stdout)
    assert pond["total"] == 0
    shelter = json.loads(runner.invoke(main, ["search", "shelter", "--data", str(data), "--json"]).stdout)
    assert shelter["total"] == 1


def test_prune_refuses_a_folder_with_no_papers(tmp_path: Path) -> None:
    papers = tmp_path / "share"
    papers.mkdir()
    (papers / "march.md").write_text(_minutes("ASHCOMBE PARISH COUNCIL", 4, "Bus shelter"))
    data = tmp_path / "data"
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(papers), "--data", str(data), "--no-ner"]).exit_code == 0
    (papers / "march.md").unlink()  # an unmounted share looks like this: the folder, empty
    result = runner.invoke(main, ["ingest", str(papers), "--data", str(data), "--no-ner", "--prune"])
    assert result.exit_code == 1
    assert f"refusing to prune {papers}" in result.stderr and "nothing removed" in result.stderr
    export = json.loads(runner.invoke(main, ["export", "--data", str(data)]).stdout)
    assert len(export["documents"]) == 1


def test_every_command_has_help() -> None:
    for cmd in ("ingest", "export", "search", "serve", "reindex"):
        res = CliRunner().invoke(main, [cmd, "--help"])
        assert res.exit_code == 0 and "Usage" in res.output


def test_console_script_is_installed() -> None:
    exe = Path(sys.executable).parent / "minutebook"
    res = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and "ingest" in res.stdout


def test_action_table_before_the_first_item_is_read(tmp_path: Path) -> None:
    paper = tmp_path / "minutes.md"
    paper.write_text(
        "ASHCOMBE PARISH COUNCIL\nMinutes of the meeting held on 4 March 2024\n"
        "ACTION LIST\nNo\tAction\tOwner\tUpdate\nJan24.02\tRenew the insurance\tCF\tCompleted\n"
        "1. Apologies\nNone.\n2. Bus shelter\nThe glass was broken.\n")
    data = tmp_path / "data"
    assert CliRunner().invoke(main, ["ingest", str(paper), "--data", str(data), "--no-ner"]).exit_code == 0
    export = json.loads(CliRunner().invoke(main, ["export", "--data", str(data)]).stdout)
    (action,) = export["actions"]
    assert (action["id"], action["status"], action["closed_at"]) == ("Jan24.02", "closed", "2024-03-04")
    assert action["history"][0]["item"] is None


def test_serve_answers_the_api_with_several_processes(seeded: tuple[Path, dict[str, Any]]) -> None:
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).parent / "minutebook"
    srv = subprocess.Popen([str(exe), "serve", "--data", str(seeded[0]), "--port", str(port), "--workers", "2"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=knife+crime", timeout=5) as r:
                    body = json.loads(r.read())
                break
            except OSError:
                time.sleep(0.2)
        assert body is not None and body["total"] >= 2
    finally:
        srv.terminate()
        srv.wait(timeout=20)
        if srv.stderr:
            srv.stderr.close()
    assert srv.returncode == 0


def test_reindex_rebuilds_a_deleted_index_from_the_store(tmp_path: Path) -> None:
    data = tmp_path / "data"
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(SAMPLE), "--data", str(data)]).exit_code == 0
    before = json.loads(runner.invoke(main, ["search", "car park barrier", "--json", "--data", str(data)]).stdout)
    import shutil

    shutil.rmtree(data / "whoosh")
    res = runner.invoke(main, ["reindex", "--data", str(data)])
    assert res.exit_code == 0 and res.stdout.startswith("reindexed 9 documents")
    after = json.loads(runner.invoke(main, ["search", "car park barrier", "--json", "--data", str(data)]).stdout)
    assert after["hits"] and [h["item_id"] for h in after["hits"]] == [h["item_id"] for h in before["hits"]]
