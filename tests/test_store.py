"""The SQLite store opened by several processes at once."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

from minutebook.store import Store


def _open_and_close(data: str) -> None:
    Store(Path(data)).close()


def test_regression_processes_opening_a_new_store_together_all_succeed(tmp_path: Path) -> None:
    # ingest workers start together on a fresh data directory; SQLite's WAL switch used to fail
    # at once with "database is locked" for one of them
    ctx = mp.get_context("fork")
    for k in range(10):
        data = tmp_path / f"d{k}"
        procs = [ctx.Process(target=_open_and_close, args=(str(data),)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(30)
        assert [p.exitcode for p in procs] == [0, 0, 0, 0]
