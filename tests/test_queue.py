"""Distributed ingest: two `minutebook worker` processes take one ingest's files through RQ on Redis."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pdfgen import make_pdf

rq = pytest.importorskip("rq", reason="rq is not installed (the queue extra)")
if shutil.which("redis-server") is None:
    pytest.skip("redis-server is not on PATH", allow_module_level=True)

CLI = [sys.executable, "-c", "from minutebook.cli import main; main()"]
GOOD_FILES = 10


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture()
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A private, memory-only redis-server on a free loopback port."""
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    port = _free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while True:
        try:
            Redis.from_url(url).ping()
            break
        except RedisConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                _stop(proc)
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    yield url
    _stop(proc)


def _papers(d: Path) -> Path:
    d.mkdir()
    for i in range(GOOD_FILES):
        make_pdf(d / f"minutes-{i:02d}.pdf", [[
            "Ashcombe Parish Council",
            f"MINUTES OF THE MEETING HELD ON THURSDAY {i + 10}th JANUARY 2024",
            "1. Footpath repairs",
            f"RESOLVED: that the council repairs footpath number {i} near the quarrystile.",
        ]])
    (d / "broken.pdf").write_bytes(b"")
    return d


def test_two_workers_share_one_ingest(redis_url: str, tmp_path: Path) -> None:
    from redis import Redis
    from rq import Queue, Worker
    from rq.registry import FinishedJobRegistry

    from minutebook.queue import QUEUE_NAME

    papers = _papers(tmp_path / "papers")
    data = tmp_path / "data"
    conn = Redis.from_url(redis_url)
    logs = [tmp_path / f"worker-{n}.log" for n in range(2)]
    workers = []
    for log in logs:
        with open(log, "wb") as out:  # the child keeps its own copy of the descriptor
            workers.append(subprocess.Popen([*CLI, "worker", "--queue", redis_url, "--data", str(data), "--no-ner"],
                                            stdout=out, stderr=subprocess.STDOUT))
    try:
        deadline = time.monotonic() + 15
        while len(Worker.all(connection=conn)) < 2:
            assert time.monotonic() < deadline, "the workers did not register"
            assert all(w.poll() is None for w in workers), [log.read_text() for log in logs]
            time.sleep(0.1)
        res = subprocess.run([*CLI, "ingest", str(papers), "--queue", redis_url, "--data", str(data), "--no-ner"],
                             capture_output=True, text=True, timeout=60)
        assert res.returncode == 3, res.stderr
        assert f"error: {papers / 'broken.pdf'}: empty file" in res.stderr
        assert res.stderr.count("error: ") == 1
        assert f"ingested {GOOD_FILES} files" in res.stdout

        # every job's result names the worker that ran it: both took a share
        registry = FinishedJobRegistry(queue=Queue(QUEUE_NAME, connection=conn))
        ran_by = {job.return_value()["worker"] for job in
                  (rq.job.Job.fetch(i, connection=conn) for i in registry.get_job_ids())}
        assert len(ran_by) == 2, ran_by
        assert {name.rsplit(":", 1)[1] for name in ran_by} == {str(w.pid) for w in workers}
    finally:
        for w in workers:
            _stop(w)
        conn.close()

    export = json.loads(subprocess.run([*CLI, "export", "--data", str(data)], capture_output=True, text=True,
                                       check=True, timeout=60).stdout)
    paths = sorted(Path(d["path"]).name for d in export["documents"])
    assert paths == [f"minutes-{i:02d}.pdf" for i in range(GOOD_FILES)]
    assert [Path(f["path"]).name for f in export["failures"]] == ["broken.pdf"]
    found = json.loads(subprocess.run([*CLI, "search", "quarrystile", "--json", "--limit", "50", "--data", str(data)],
                                      capture_output=True, text=True, check=True, timeout=60).stdout)
    assert found["total"] == GOOD_FILES

    # a paper deleted from the folder leaves the archive with --prune through the queue too (no
    # file changed, so no job waits for a worker)
    (papers / "minutes-00.pdf").unlink()
    res = subprocess.run([*CLI, "ingest", str(papers), "--queue", redis_url, "--data", str(data), "--no-ner",
                          "--prune"], capture_output=True, text=True, timeout=60)
    assert res.returncode == 3, res.stderr  # broken.pdf still fails
    assert "1 removed" in res.stdout
    export = json.loads(subprocess.run([*CLI, "export", "--data", str(data)], capture_output=True, text=True,
                                       check=True, timeout=60).stdout)
    assert sorted(Path(d["path"]).name for d in export["documents"]) == [
        f"minutes-{i:02d}.pdf" for i in range(1, GOOD_FILES)]


def test_a_worker_without_redis_fails_in_one_line(tmp_path: Path) -> None:
    res = subprocess.run([*CLI, "worker", "--queue", f"redis://127.0.0.1:{_free_port()}/0",
                          "--data", str(tmp_path / "d")], capture_output=True, text=True, timeout=60)
    assert res.returncode == 1
    assert res.stderr.startswith("fatal: cannot reach the queue at redis://127.0.0.1:")
    assert len(res.stderr.strip().splitlines()) == 1
