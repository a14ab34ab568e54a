"""Ingest spread over worker processes on one or several machines, through RQ on Redis.

``minutebook ingest PATH... --queue redis://HOST:PORT/0`` hashes the files as a local ingest does,
enqueues one job per changed file, waits for them all, then runs the cross-document stage once.
``minutebook worker --queue redis://...`` takes jobs: each reads its file, runs the per-file
pipeline and writes the file's documents (or its failure) to the store, which is the shared
state: a SQLite data directory for workers on one machine, PostgreSQL for several machines. A
job carries the file's path, so workers on other machines must see the files at the same path.
RQ (the ``queue`` extra) and redis are imported only here.
"""

from __future__ import annotations

import hashlib
import os
import socket
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import pipeline
from .backends import describe, open_store
from .errors import MinutebookError
from .model import Document
from .pipeline import FileOutcome, IngestReport, count_outcome, plan_ingest, save_file

if TYPE_CHECKING:
    from redis import Redis

QUEUE_NAME = "minutebook-ingest"
JOB_TIMEOUT = 3600  # seconds for one file: a long scanned pack under OCR takes minutes
RESULT_TTL = 7 * 24 * 3600  # results outlive any wait for them
POLL_SECONDS = 0.2

# set in the worker process before it forks a work horse per job, so each job inherits them
_DATA: str | Path | None = None
_WORKER_ID = ""


def connect(url: str) -> Redis:
    """A Redis connection to ``url``, checked; MinutebookError when rq is missing or Redis is down."""
    try:
        from redis import Redis
        from redis.exceptions import RedisError
    except ImportError as exc:
        raise MinutebookError("--queue needs rq: pip install 'minutebook[queue]'") from exc
    try:
        conn = Redis.from_url(url)
        conn.ping()
    except (RedisError, ValueError) as exc:
        raise MinutebookError(f"cannot reach the queue at {url}: {exc}") from exc
    return conn


def ingest_job(path: str) -> dict[str, Any]:
    """One file, in a worker: process it, write its documents or its failure to the store.

    Returns the outcome for the enqueuer (document ids, the ids its old version held, item
    count, or the failure reason) and which worker ran it.
    """
    if _DATA is None:
        raise MinutebookError("ingest_job runs only in `minutebook worker`")
    docs: list[Document] | None = None
    error: str | None
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        digest, size, error = "", 0, f"cannot read file: {exc.strerror or exc}"
    else:
        # the worker's own hash: the store records the content it actually holds
        digest, size = hashlib.sha256(data).hexdigest(), len(data)
        _, docs, error = pipeline._work(path)
    # a store per job, closed at once: an open writer marks the data directory as being written
    store = open_store(_DATA)
    try:
        outcome = save_file(store, path, digest, size, docs, error)
    finally:
        store.close()
    return {"path": outcome.path, "doc_ids": outcome.doc_ids, "removed": outcome.removed,
            "items": outcome.items, "error": outcome.error, "worker": _WORKER_ID}


def run_worker(url: str, data: str | Path, model: str | None, burst: bool = False, ocr: bool = True) -> None:
    """Take ingest jobs from the queue at ``url`` until stopped (or, with ``burst``, until it is empty)."""
    global _DATA, _WORKER_ID
    from rq import Queue, Worker

    conn = connect(url)
    open_store(data).close()  # fail now, in one line, if the store cannot be opened
    _DATA = data
    _WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"
    # the model loads once here; RQ forks a work horse per job, which inherits it
    pipeline._init_worker(model, ocr)
    queue = Queue(QUEUE_NAME, connection=conn)
    Worker([queue], connection=conn).work(burst=burst, logging_level="WARNING")


def run_queued_ingest(paths: Sequence[Path], data: str | Path, url: str,
                      on_error: Callable[[str, str], None] | None = None,
                      progress: bool = False, prune: bool = False) -> tuple[IngestReport, list[str]]:
    """Ingest through the queue at ``url``: enqueue changed files, wait, then derive and index once.

    Returns the report and the worker of each job that ran, in the order they finished.
    """
    from rq import Queue
    from rq.job import Job, JobStatus

    from . import derive

    t0 = time.perf_counter()
    conn = connect(url)
    report = IngestReport()
    store = open_store(data)
    since = store.generation()
    hashes = plan_ingest(paths, store, report, on_error)
    removed = pipeline.prune_missing(paths, store, report) if prune else []
    queue = Queue(QUEUE_NAME, connection=conn)
    jobs = {queue.enqueue_call(ingest_job, args=(path,), timeout=JOB_TIMEOUT, result_ttl=RESULT_TTL,
                               failure_ttl=RESULT_TTL, description=f"ingest {path}").id: path
            for path in hashes}
    changed: list[str] = []
    workers: list[str] = []
    bar = pipeline._Progress(len(jobs), enabled=progress)
    waiting, warned, started = dict(jobs), False, time.monotonic()
    try:
        while waiting:
            for job in Job.fetch_many(list(waiting), connection=conn):
                if job is None:  # expired or deleted from Redis: it will never report
                    continue
                status = job.get_status(refresh=False)
                if status == JobStatus.FINISHED:
                    result: dict[str, Any] = job.return_value() or {}
                    outcome = FileOutcome(result["path"], result["doc_ids"], result["removed"],
                                          result["items"], result["error"])
                    workers.append(result["worker"])
                elif status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
                    # the job itself broke (the worker died, the store refused the write)
                    outcome = FileOutcome(waiting[job.id], error=f"worker failed: {_last_line(job)}")
                else:
                    continue
                del waiting[job.id]
                bar.step(outcome.path)
                count_outcome(report, outcome, changed, removed, on_error)
            if waiting:
                if not warned and time.monotonic() - started > 10 and not _workers_listening(conn):
                    sys.stderr.write(f"waiting for workers: run `minutebook worker --queue {url} "
                                     f"--data {describe(data)}`\n")
                    warned = True
                time.sleep(POLL_SECONDS)
    finally:
        bar.done()
    derive.refresh(store, changed, removed, since=since)
    store.close()
    report.seconds = time.perf_counter() - t0
    return report, workers


def _workers_listening(conn: Redis) -> bool:
    from rq import Queue, Worker

    return bool(Worker.all(queue=Queue(QUEUE_NAME, connection=conn)))


def _last_line(job: Any) -> str:
    """The last line of a failed job's traceback: its exception, in one line."""
    info = (job.exc_info or "").strip().splitlines()
    return info[-1] if info else str(job.get_status(refresh=False))
