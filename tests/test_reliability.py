"""Faults and hostile input: kill -9 mid-ingest, searches during an ingest, a broken index, web attacks.

Every store and index lives under ``tmp_path``; the papers are small Markdown minutes written here,
each carrying one made-up marker word so a search can tell exactly which file it came from.
Ingests run as real ``minutebook`` subprocesses (a kill -9 must hit a real process) with --no-ner.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from minutebook.pipeline import IngestConfig, run_ingest
from minutebook.searching import open_index
from minutebook.store import Store
from search_app.app import create_app
from search_app.index import MAX_QUERY_CHARS, SearchIndex, items_for_index
from tests.conftest import ROOT

N_FILES = 40
KNOWN = "quernstone"  # the marker of the paper that exists before any concurrent ingest
SCRIPT = '<script>alert("pwn")</script>'


# -- helpers -------------------------------------------------------------------------------------
def marker(n: int) -> str:
    """A made-up word found in paper ``n`` only (letters, so no tokenizer or stemmer splits it)."""
    return "kilnmark" + "".join(chr(ord("a") + int(c)) for c in f"{n:03d}")


def minutes_text(n: int, word: str, extra: str = "") -> str:
    """A short set of minutes of a fictional council, dated one week apart per ``n``."""
    d = date(2021, 1, 7) + timedelta(days=7 * n)
    return (
        "Ashcombe Parish Council\n"
        f"MINUTES OF THE MEETING HELD ON THURSDAY {d.day} {d:%B} {d.year}\n"
        "Present: Cllr Alan Fairbairn (Chair), Cllr Beth Morgan, Cllr Carl Dunn\n"
        "1. Apologies for absence\n"
        "Apologies were received from Cllr Diane Price.\n"
        f"2. The {word} scheme\n"
        f"The council discussed the {word} scheme and the verge cutting contract. {extra}\n"
        "RESOLVED: that the clerk obtains three quotes.\n"
        "3. Any other business\n"
        "None.\n"
    )


def write_papers(folder: Path, numbers: range, extra: str = "") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in numbers:
        p = folder / f"minutes-{n:03d}.md"
        p.write_text(minutes_text(n, marker(n), extra), encoding="utf-8")
        paths.append(p)
    return paths


def cli(*args: str) -> list[str]:
    """The ``minutebook`` command run by this interpreter, so the test needs no PATH setup."""
    return [sys.executable, "-c", "from minutebook.cli import main; main()", *args]


def run_cli(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli(*args), capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def stored_files(data: Path) -> int:
    """Committed file rows, read the way a second process would (0 before the schema exists)."""
    db_path = data / "minutebook.sqlite3"
    if not db_path.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
        try:
            return int(db.execute("SELECT count(*) FROM files WHERE status='ok'").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def wait_for(cond: Callable[[], bool], timeout: float, step: float = 0.005) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(step)
    return False


def ingest_in_process(paths: list[Path], data: Path) -> None:
    report = run_ingest(paths, IngestConfig(data_dir=data, workers=1, model=None))
    assert not report.failed, report.failed


def expected_rows(data: Path) -> list[str]:
    """The index rows the store's documents should have, as the derived stage makes them."""
    store = Store(data)
    try:
        meeting_of = store.derived("meeting_of") or {}
        return [r.item_id for d in store.documents() for r in items_for_index(d, meeting_of.get(d.id))]
    finally:
        store.close()


def assert_consistent(data: Path, papers: list[Path]) -> dict[str, Any]:
    """Store, export and index agree: each paper once, each row indexed once, markers findable."""
    res = run_cli("export", "--data", str(data))
    assert res.returncode == 0, res.stderr
    export = json.loads(res.stdout)
    docs = export["documents"]
    paths = [d["path"] for d in docs]
    assert sorted(paths) == sorted(str(p.resolve()) for p in papers)  # none lost, none twice
    assert len({d["id"] for d in docs}) == len(docs)
    rows = expected_rows(data)
    assert len(rows) == len(set(rows)) >= len(docs)
    index = SearchIndex(data)
    assert index.doc_count() == len(rows)  # a lost row or a duplicate changes the count
    store = Store(data)
    try:
        assert index.generation() == store.generation()
    finally:
        store.close()
    doc_of = {d["path"]: d["id"] for d in docs}
    for p in papers:
        number = p.stem.split("-")[1]
        found = index.search(marker(int(number)) if number.isdigit() else KNOWN, limit=5).hits
        assert {h.document_id for h in found} == {doc_of[str(p.resolve())]}, p.name
    return export


# -- 1. kill -9 in the middle of an ingest -------------------------------------------------------
def test_kill_9_mid_ingest_then_rerun_leaves_store_and_index_consistent(tmp_path: Path) -> None:
    papers_dir, data = tmp_path / "papers", tmp_path / "data"
    # a first, complete ingest, so the kill also leaves the index behind the store
    first = write_papers(papers_dir, range(0, 6))
    ingest_in_process(first, data)
    rest = write_papers(papers_dir, range(6, N_FILES))
    # two already-ingested papers change, so a half-applied replace would show as a duplicate
    changed = write_papers(papers_dir, range(0, 2), extra="Amended after the meeting.")
    papers = sorted({*first, *rest, *changed})

    proc = subprocess.Popen(cli("ingest", str(papers_dir), "--data", str(data), "--workers", "1", "--no-ner"),
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        caught = wait_for(lambda: stored_files(data) >= 10, timeout=120)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert caught and proc.returncode == -signal.SIGKILL
    done = stored_files(data)
    assert 10 <= done < N_FILES, f"the kill came too late to test anything ({done} files stored)"

    # what survived the kill is readable and never half a file: each stored file has its one document
    store = Store(data)
    try:
        per_path = store.db.execute("SELECT path, count(*) FROM documents GROUP BY path").fetchall()
        assert all(c == 1 for _, c in per_path) and len(per_path) >= done
    finally:
        store.close()

    res = run_cli("ingest", str(papers_dir), "--data", str(data), "--workers", "1", "--no-ner")
    assert res.returncode == 0, res.stderr
    assert f"ingested {N_FILES - done} files" in res.stdout and f"{done} unchanged" in res.stdout
    export = assert_consistent(data, papers)
    amended = [d for d in export["documents"] if d["path"].endswith(("minutes-000.md", "minutes-001.md"))]
    assert all("Amended after the meeting" in " ".join(i["text"] for i in d["items"]) for d in amended)
    # and a third run has nothing to do
    again = run_cli("ingest", str(papers_dir), "--data", str(data), "--workers", "1", "--no-ner")
    assert again.returncode == 0 and f"{N_FILES} unchanged" in again.stdout


@pytest.mark.parametrize("residue", ["half-built-new-index", "between-the-renames", "no-generation-marker"])
def test_crash_residue_in_the_index_folder_is_repaired(tmp_path: Path, residue: str) -> None:
    """What a kill -9 inside ``SearchIndex.rebuild`` or ``update`` can leave behind, made on purpose."""
    papers, data = write_papers(tmp_path / "papers", range(5)), tmp_path / "data"
    ingest_in_process(papers, data)
    whoosh = data / "whoosh"
    if residue == "half-built-new-index":
        (data / "whoosh.new").mkdir()
        (data / "whoosh.new" / "_MAIN_1.toc").write_bytes(b"\x00garbage")
        (whoosh / "GENERATION").write_text("0")
    elif residue == "between-the-renames":
        whoosh.rename(data / "whoosh.old")
        shutil.copytree(data / "whoosh.old", data / "whoosh.new")
    else:
        (whoosh / "GENERATION").unlink()
    res = run_cli("search", marker(3), "--data", str(data), "--json")
    assert res.returncode == 0, res.stderr
    assert [h["path"] for h in json.loads(res.stdout)["hits"]] == [str(papers[3].resolve())]
    assert_consistent(data, papers)


# -- 2. searches keep answering while an ingest writes ---------------------------------------------
def _search_while(data: Path, papers_dir: Path, writer: Callable[[], list[subprocess.CompletedProcess[str]]],
                  ) -> tuple[list[str], dict[str, int], list[subprocess.CompletedProcess[str]]]:
    """Run ``writer`` while two threads search: the Flask API and page, and a fresh index handle."""
    known_doc = SearchIndex(data).search(KNOWN).hits[0].document_id
    client = create_app({"DATA_DIR": str(data), "TESTING": True}).test_client()
    stop = threading.Event()
    errors: list[str] = []
    counts = {"api": 0, "index": 0}

    def api_loop() -> None:
        while not stop.is_set():
            try:
                res = client.get("/api/search", query_string={"q": f"{KNOWN} OR verge"})
                body = res.get_json(silent=True) or {}
                if res.status_code != 200 or known_doc not in {h["document_id"] for h in body.get("hits", [])}:
                    errors.append(f"api: {res.status_code} {str(body)[:200]}")
                page = client.get("/", query_string={"q": KNOWN})
                if page.status_code != 200 or f"<mark>{KNOWN}</mark>" not in page.get_data(as_text=True):
                    errors.append(f"page: {page.status_code}")
            except Exception as exc:  # noqa: BLE001 - the test client re-raises what would be a 500
                errors.append(f"api: {type(exc).__name__}: {exc}")
            counts["api"] += 1

    def index_loop() -> None:
        # a fresh handle per search, as `minutebook search` opens one per run
        while not stop.is_set():
            try:
                hits = SearchIndex(data).search(KNOWN, limit=5).hits
                if [h.document_id for h in hits] != [known_doc]:
                    errors.append(f"index: {[h.document_id for h in hits]}")
            except Exception as exc:  # noqa: BLE001 - any failure is what this test looks for
                errors.append(f"index: {type(exc).__name__}: {exc}")
            counts["index"] += 1

    threads = [threading.Thread(target=api_loop), threading.Thread(target=index_loop)]
    for t in threads:
        t.start()
    try:
        runs = writer()
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    return errors, counts, runs


def _known_store(tmp_path: Path) -> tuple[Path, Path, Path]:
    papers_dir, data = tmp_path / "papers", tmp_path / "data"
    papers_dir.mkdir()
    known = papers_dir / "minutes-known.md"
    known.write_text(minutes_text(99, KNOWN), encoding="utf-8")
    ingest_in_process([known], data)
    return papers_dir, data, known


def test_searches_keep_answering_while_an_ingest_writes(tmp_path: Path) -> None:
    papers_dir, data, known = _known_store(tmp_path)
    papers = [known, *write_papers(papers_dir, range(N_FILES))]
    errors, counts, runs = _search_while(data, papers_dir, lambda: [
        run_cli("ingest", str(papers_dir), "--data", str(data), "--workers", "1", "--no-ner")])
    assert runs[0].returncode == 0, runs[0].stderr
    assert counts["api"] > 5 and counts["index"] > 5, counts
    assert errors == [], f"{len(errors)} failed searches of {sum(counts.values())}: {errors[:5]}"
    assert_consistent(data, papers)


def test_searches_keep_answering_while_the_index_is_rebuilt(tmp_path: Path) -> None:
    papers_dir, data, known = _known_store(tmp_path)
    papers = [known, *write_papers(papers_dir, range(N_FILES))]
    ingest_in_process(papers, data)
    from minutebook import derive

    def reindex_many() -> list[subprocess.CompletedProcess[str]]:
        store = Store(data)
        try:
            for _ in range(40):  # in-process, so the rebuilds are fast and many
                derive.refresh(store, force=True)
        finally:
            store.close()
        return [run_cli("reindex", "--data", str(data))]

    errors, counts, runs = _search_while(data, papers_dir, reindex_many)
    assert runs[0].returncode == 0, runs[0].stderr
    assert errors == [], f"{len(errors)} failed searches of {sum(counts.values())}: {errors[:5]}"


def test_open_index_during_an_ingest_serves_without_rebuilding(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """What `minutebook search` does mid-ingest: the readable index is served, never rebuilt under it."""
    from minutebook import derive

    papers_dir, data, known = _known_store(tmp_path)
    papers = [known, *write_papers(papers_dir, range(N_FILES))]
    rebuilds: list[int] = []
    real_refresh = derive.refresh
    monkeypatch.setattr(derive, "refresh", lambda store, *a, **k: (rebuilds.append(1), real_refresh(store, *a, **k)))
    proc = subprocess.Popen(cli("ingest", str(papers_dir), "--data", str(data), "--workers", "1", "--no-ner"),
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    searched = behind = 0
    try:
        while proc.poll() is None:
            index = open_index(data)
            assert index is not None
            assert [h.path for h in index.search(KNOWN).hits] == [str(known.resolve())]
            searched += 1
            behind += (index.generation() or 0) < stored_files(data)
    finally:
        _, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    assert searched > 3 and behind > 0, (searched, behind)  # some searches really ran against a stale index
    assert rebuilds == []
    # once the ingest is done, it has brought the index up to date itself
    assert open_index(data) is not None and rebuilds == []
    assert_consistent(data, papers)


# -- 3. a corrupt or missing index is detected and rebuilt ----------------------------------------
def _garble(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    for i in range(0, len(raw), 7):
        raw[i] ^= 0x5A
    path.write_bytes(bytes(raw))


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "missing": lambda ix: shutil.rmtree(ix),
    "empty-folder": lambda ix: [p.unlink() for p in ix.iterdir()],
    "truncated-files": lambda ix: [p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 3])
                                   for p in ix.iterdir() if p.name != "GENERATION"],
    "garbled-files": lambda ix: [_garble(p) for p in ix.iterdir() if p.name != "GENERATION"],
    "toc-deleted": lambda ix: [p.unlink() for p in ix.glob("*.toc")],
    "segments-deleted": lambda ix: [p.unlink() for p in ix.iterdir() if p.suffix != ".toc" and p.name != "GENERATION"],
    "zero-length": lambda ix: [p.write_bytes(b"") for p in ix.iterdir() if p.name != "GENERATION"],
    "stale-generation": lambda ix: (ix / "GENERATION").write_text("1"),
}


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """One small ingested store, copied by each corruption test."""
    root = tmp_path_factory.mktemp("healthy")
    papers = write_papers(root / "papers", range(8))
    ingest_in_process(papers, root / "data")
    return root / "data", papers


@pytest.mark.parametrize("how", list(CORRUPTIONS))
def test_corrupt_index_is_rebuilt_by_reindex(tmp_path: Path, healthy: tuple[Path, list[Path]], how: str) -> None:
    data = tmp_path / "data"
    shutil.copytree(healthy[0], data)
    CORRUPTIONS[how](data / "whoosh")
    res = run_cli("reindex", "--data", str(data))
    assert res.returncode == 0, res.stderr
    assert "reindexed 8 documents" in res.stdout
    assert_consistent(data, healthy[1])


@pytest.mark.parametrize("how", list(CORRUPTIONS))
def test_corrupt_index_is_repaired_by_open_index_and_search(tmp_path: Path, healthy: tuple[Path, list[Path]],
                                                            how: str) -> None:
    data = tmp_path / "data"
    shutil.copytree(healthy[0], data)
    CORRUPTIONS[how](data / "whoosh")
    index = open_index(data)
    assert index is not None and index.is_healthy()
    assert [h.path for h in index.search(marker(5)).hits] == [str(healthy[1][5].resolve())]
    assert_consistent(data, healthy[1])
    # and the CLI search path repairs it the same way
    CORRUPTIONS[how](data / "whoosh")
    res = run_cli("search", marker(2), "--data", str(data), "--json")
    assert res.returncode == 0, res.stderr
    assert [h["path"] for h in json.loads(res.stdout)["hits"]] == [str(healthy[1][2].resolve())]


def test_open_index_on_a_data_dir_without_a_store_is_none(tmp_path: Path) -> None:
    assert open_index(tmp_path / "nothing") is None
    res = run_cli("search", "anything", "--data", str(tmp_path / "nothing"), "--json")
    assert res.returncode == 0 and json.loads(res.stdout)["total"] == 0


# -- 4. hostile web input --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], Path]:
    """A store whose papers carry script tags in titles, text, body names and action updates."""
    root = tmp_path_factory.mktemp("hostile")
    papers = root / "papers"
    papers.mkdir()
    (papers / "evil-minutes.md").write_text(
        f"Evil {SCRIPT} Parish Council\n"
        "MINUTES OF THE MEETING HELD ON THURSDAY 18 JANUARY 2024\n"
        f"Present: Cllr Alan <b>Fairbairn</b> (Chair), Cllr {SCRIPT} Morgan\n"
        f"1. The {SCRIPT} item\n"
        f"The council read {SCRIPT} and <img src=x onerror=alert(1)> in the kilnmarkevil report.\n"
        f"RESOLVED: that {SCRIPT} is noted.\n"
        "2. Clerks report and actions\n"
        f"Action Jan24.01 AF to remove {SCRIPT} from the website. Open.\n",
        encoding="utf-8",
    )
    # a secret beside the store that no route may serve
    (root / "secret.txt").write_text("top secret", encoding="utf-8")
    data = root / "data"
    ingest_in_process([papers / "evil-minutes.md"], data)
    res = run_cli("export", "--data", str(data))
    return data, json.loads(res.stdout), root / "secret.txt"


@pytest.fixture()
def hclient(hostile: tuple[Path, dict[str, Any], Path]) -> FlaskClient:
    return create_app({"DATA_DIR": str(hostile[0]), "TESTING": True}).test_client()


def _pages(export: dict[str, Any]) -> list[str]:
    doc = export["documents"][0]
    urls = ["/", "/?q=kilnmarkevil", f"/?q={SCRIPT}", "/meetings", "/actions", "/decisions",
            f"/document/{doc['id']}"]
    urls += [f"/item/{i['id']}" for i in doc["items"]]
    urls += [f"/item/{i['id']}?q={SCRIPT}" for i in doc["items"][:1]]
    urls += [f"/meeting/{m['id']}" for m in export["meetings"]]
    return urls


def test_script_tags_in_documents_and_queries_are_escaped_on_every_page(
        hclient: FlaskClient, hostile: tuple[Path, dict[str, Any], Path]) -> None:
    export = hostile[1]
    items = export["documents"][0]["items"]
    assert any(SCRIPT in i["title"] for i in items) and any(SCRIPT in i["text"] for i in items)  # really there
    urls = _pages(export)
    urls += [f"/action/{key}" for key in _action_keys(hclient)]
    for url in urls:
        res = hclient.get(url)
        assert res.status_code == 200, url
        html = res.get_data(as_text=True)
        assert "<script>" not in html.lower(), url
        assert "<img src=x" not in html and "<b>Fairbairn" not in html, url
        assert "nosniff" in res.headers.get("X-Content-Type-Options", "")
    page = hclient.get("/", query_string={"q": "kilnmarkevil"}).get_data(as_text=True)
    assert "&lt;script&gt;" in page and "<mark>kilnmarkevil</mark>" in page


def _action_keys(client: FlaskClient) -> list[str]:
    from search_app.data import action_key

    return [action_key(a) for a in client.get("/api/actions").get_json()["actions"]]


def test_json_api_carries_hostile_text_as_data(hclient: FlaskClient) -> None:
    res = hclient.get("/api/search", query_string={"q": "kilnmarkevil"})
    assert res.status_code == 200 and res.mimetype == "application/json"
    hit = res.get_json()["hits"][0]
    # the snippet is HTML (the contract's <mark>), so what it quotes from the text is escaped
    assert "<script>" not in hit["snippet"] and "<mark>kilnmarkevil</mark>" in hit["snippet"]
    echoed = hclient.get("/api/search", query_string={"q": SCRIPT})
    assert echoed.status_code == 200 and echoed.mimetype == "application/json"


def test_csp_forbids_inline_script(hclient: FlaskClient) -> None:
    csp = hclient.get("/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src" not in csp.replace("default-src", "")


TRAVERSALS = [
    "/file/../../etc/passwd", "/file/..%2f..%2fetc%2fpasswd", "/file/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/file/%252e%252e%252fetc%252fpasswd", "/file/....//....//etc/passwd", "/file/%00", "/file/..",
    "/file/%2fetc%2fpasswd", "/file//etc/passwd", "/file/..\\..\\etc\\passwd", "/file/secret.txt",
    "/file/../secret.txt", "/file/%2e%2e/secret.txt",
    "/static/../app.py", "/static/..%2fapp.py", "/static/%2e%2e/app.py", "/static/%2e%2e%2fapp.py",
    "/static/../../minutebook/store.py", "/static//etc/passwd", "/static/%2fetc%2fpasswd",
    "/static/..%5capp.py", "/static/....//app.py", "/static/%252e%252e%252fapp.py",
    "/document/..%2f..%2fetc%2fpasswd", "/item/..%2f..%2fetc%2fpasswd.0", "/meeting/..%2fsecret",
    "/action/../../etc/passwd", "/api/action/..%2f..%2fetc%2fpasswd", "/api/item/..%2fx.0",
]


@pytest.mark.parametrize("url", TRAVERSALS)
def test_no_path_traversal_through_any_route(hclient: FlaskClient, url: str) -> None:
    with hclient.get(url) as res:
        body = res.get_data()
    assert res.status_code in (400, 404, 308), (url, res.status_code)
    assert b"root:" not in body and b"top secret" not in body and b"def create_app" not in body
    assert b"class Store" not in body


def test_file_route_serves_only_the_stored_original(hclient: FlaskClient,
                                                    hostile: tuple[Path, dict[str, Any], Path]) -> None:
    doc = hostile[1]["documents"][0]
    with hclient.get(f"/file/{doc['id']}") as res:
        assert res.status_code == 200 and b"kilnmarkevil" in res.data
        # text is served as text/plain and never sniffed into HTML
        assert res.mimetype == "text/plain" and res.headers["X-Content-Type-Options"] == "nosniff"
    with hclient.get("/static/style.css") as css:
        assert css.status_code == 200


@pytest.mark.parametrize("q", [
    "x" * (MAX_QUERY_CHARS + 1), "word " * 200, "a" * 100_000, SCRIPT * 30, '"' * 600, "(" * 600,
])
def test_oversized_queries_are_rejected_cleanly(hclient: FlaskClient, q: str) -> None:
    api = hclient.get("/api/search", query_string={"q": q})
    assert api.status_code == 400 and "too long" in api.get_json()["error"]
    page = hclient.get("/", query_string={"q": q})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "too long" in html and "<script>" not in html


@pytest.mark.parametrize("q", [
    "(", ")", '"', "AND", "NOT", "OR OR", "a AND", "*", "?", "x*" * 40, "date:", "date:9999..0000", "date:2023-13-45",
    "kind:", "person:", ":", "title:(", "[a TO", "{", "^", "~", "a~99", "a^999999999999", "\x00", "\u202e", "💥",
    "body:\"unterminated", "-", "+", "a:b:c:d", "date:2019..", "number:1.2.3", "NOT NOT NOT", "NOT AND AND",
])
def test_odd_queries_answer_200_or_400_never_500(hclient: FlaskClient, q: str) -> None:
    res = hclient.get("/api/search", query_string={"q": q})
    assert res.status_code in (200, 400), (q, res.status_code)
    if res.status_code == 400:
        assert res.get_json()["error"]
    assert hclient.get("/", query_string={"q": q}).status_code == 200


@pytest.mark.parametrize("args", [
    {"page": "-1"}, {"page": "x"}, {"limit": "100000"}, {"limit": "-5"}, {"page": "99999999"},
    {"sort": "<script>"}, {"kind": SCRIPT}, {"year": "../../etc"}, {"body_facet": "\x00"},
])
def test_hostile_parameters_are_bounded(hclient: FlaskClient, args: dict[str, str]) -> None:
    res = hclient.get("/api/search", query_string={"q": "kilnmarkevil", **args})
    assert res.status_code in (200, 400), (args, res.status_code)
    if res.status_code == 200:
        assert len(res.get_json()["hits"]) <= 100
    page = hclient.get("/", query_string={"q": "kilnmarkevil", **args})
    assert page.status_code in (200, 400) and "<script>" not in page.get_data(as_text=True)
