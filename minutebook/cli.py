"""The ``minutebook`` command: a thin click layer over the library.

Logs and progress go to stderr; results go to stdout (CONTRACT.md).
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from dataclasses import asdict
from pathlib import Path

import click

from .backends import ENGINES, describe, is_dsn, location, open_store, set_search_engine
from .errors import MinutebookError

DEFAULT_DATA = "./minutebook-data"


def _data_location(ctx: click.Context, param: click.Parameter, value: str) -> str | Path:
    # a postgresql:// DSN stays a string; anything else is a directory, which must not be a file
    loc = location(value)
    if isinstance(loc, Path) and loc.exists() and not loc.is_dir():
        raise click.BadParameter(f"{value} is a file, not a directory", ctx=ctx, param=param)
    return loc


def data_option(f):  # type: ignore[no-untyped-def]
    return click.option(
        "--data", "data", type=str, callback=_data_location,
        default=lambda: os.environ.get("MINUTEBOOK_DATA", DEFAULT_DATA),
        show_default="$MINUTEBOOK_DATA or ./minutebook-data",
        help="Data directory (store and search index), or a postgresql://user@host:port/db DSN to keep "
             "both in PostgreSQL; or set MINUTEBOOK_DATA.",
    )(f)


def engine_option(f):  # type: ignore[no-untyped-def]
    return click.option(
        "--engine", type=click.Choice(ENGINES), default=None, envvar="MINUTEBOOK_SEARCH_ENGINE",
        show_default="the data directory's own, whoosh at first",
        help="Search engine of the data directory, kept for later commands: tantivy for archives of a "
             "million items (the index is rebuilt from the store on a switch); or set MINUTEBOOK_SEARCH_ENGINE.",
    )(f)


def _use_engine(data: str | Path, engine: str | None) -> None:
    """Record the engine chosen for a data directory (a PostgreSQL store always searches with PostgreSQL)."""
    if not engine:
        return
    ctx = click.get_current_context()
    if is_dsn(data) and ctx.get_parameter_source("engine") is click.core.ParameterSource.ENVIRONMENT:
        return  # a site-wide setting does not stop commands on a server store
    if set_search_engine(data, engine):
        click.echo(f"search engine of {describe(data)}: {engine}", err=True)


class _Group(click.Group):
    """Commands whose store cannot be opened (a server down, a directory unwritable) fail in one line."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except MinutebookError as exc:
            click.echo(f"fatal: {exc}", err=True)
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="minutebook")
@click.option("-v", "--verbose", is_flag=True, help="Log progress details to stderr.")
def main(verbose: bool) -> None:
    """Minutebook: search and trace what councils and public boards decided."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@data_option
@click.option("--workers", type=click.IntRange(0, 64), default=0, show_default="one per core",
              help="Worker processes for reading and extraction.")
@click.option("--no-ner", is_flag=True, help="Skip the statistical NER model (rules only; faster). "
              "With --queue the workers' own --no-ner decides.")
@click.option("--queue", "queue_url", metavar="redis://HOST:PORT/DB", default=None,
              help="Hand each changed file to `minutebook worker` processes through this Redis queue (RQ).")
@engine_option
@click.option("--prune", is_flag=True,
              help="Also take out of the store the papers of files that were ingested from under "
                   "the given folders and are no longer there (refused for a folder with no papers).")
def ingest(paths: tuple[Path, ...], data: str | Path, workers: int, no_ner: bool, queue_url: str | None,
           engine: str | None, prune: bool) -> None:
    """Ingest PDF, text, Markdown and HTML files and folders (recursively).

    Unchanged files are skipped by content hash; a changed file replaces its old version.
    Papers of files gone from disk stay searchable unless --prune is given.
    Each file that fails prints `error: PATH: reason`; the exit status is then 3.
    """
    from .pipeline import DEFAULT_MODEL, IngestConfig, run_ingest

    missing = [p for p in paths if not p.exists()]
    if missing:
        raise click.UsageError(f"no such file or folder: {missing[0]}")
    _use_engine(data, engine)
    config = IngestConfig(data_dir=data, workers=workers, model=None if no_ner else DEFAULT_MODEL, progress=True,
                          prune=prune)

    def on_error(path: str, reason: str) -> None:
        click.echo(f"error: {path}: {reason}", err=True)

    try:
        if queue_url:
            from .queue import run_queued_ingest

            report, _ = run_queued_ingest(list(paths), data, queue_url, on_error=on_error, progress=True,
                                          prune=prune)
        else:
            report = run_ingest(list(paths), config, on_error=on_error)
    except MinutebookError as exc:
        click.echo(f"fatal: {exc}", err=True)
        sys.exit(1)
    click.echo(report.summary())
    sys.exit(3 if report.failed else 0)


@main.command()
@click.option("--queue", "queue_url", metavar="redis://HOST:PORT/DB", required=True,
              help="The Redis queue that `minutebook ingest --queue` fills.")
@data_option
@click.option("--no-ner", is_flag=True, help="Skip the statistical NER model (rules only; faster).")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty instead of waiting for more.")
def worker(queue_url: str, data: str | Path, no_ner: bool, burst: bool) -> None:
    """Take ingest jobs from a Redis queue (RQ) and write them to the store at --data.

    Run as many as you like, on one machine (a data directory) or several (a postgresql:// store);
    the files must be readable by each worker at the path the ingest gave.
    """
    from .pipeline import DEFAULT_MODEL
    from .queue import run_worker

    run_worker(queue_url, data, None if no_ner else DEFAULT_MODEL, burst=burst)


@main.command()
@data_option
def export(data: str | Path) -> None:
    """Write the whole store as one JSON object to stdout (schema minutebook.export/1)."""
    from .export import build_export

    store = open_store(data)
    json.dump(build_export(store), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


@main.command()
@click.argument("query")
@data_option
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the contract's JSON object.")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
def search(query: str, data: str | Path, limit: int, as_json: bool, sort: str) -> None:
    """Item-level search, best first.

    QUERY takes words, "quoted phrases", AND/OR/NOT, prefix*, and field filters:
    body: kind: person: org: action: number: date:2023 date:2019..2021.
    """
    from search_app.index import QueryError

    from .searching import open_index

    index = open_index(data)
    try:
        result = index.search(query, limit=limit, sort=sort) if index else None
    except QueryError as exc:
        raise click.UsageError(str(exc)) from exc
    hits = result.hits if result else []
    if as_json:
        payload = {"query": query, "total": result.total if result else 0,
                   "hits": [{k: v for k, v in asdict(h).items() if k != "meeting_id"} for h in hits]}
        json.dump(payload, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    click.echo(f"{result.total if result else 0} items match {query!r}")
    for n, h in enumerate(hits, 1):
        click.echo(f"{n:>3}. {h.meeting_date or '----------'}  {h.body}  [{h.kind}] "
                   f"{h.item_number} {h.title}  (p. {h.page_start})")
        click.echo("     " + re.sub(r"</?mark>", "", h.snippet).replace("\n", " ")[:200])


@main.command()
@data_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=5000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=lambda: os.cpu_count() or 1,
              show_default="one per core",
              help="Server processes (gunicorn); 1 runs the single-process Werkzeug server.")
@engine_option
def serve(data: str | Path, host: str, port: int, workers: int, engine: str | None) -> None:
    """Serve the web UI and JSON API (GET /api/search?q=...)."""
    from search_app.app import create_app

    from .searching import open_index

    _use_engine(data, engine)

    open_index(data)  # build the index first if the store has documents but no index
    click.echo(f"Minutebook serving {describe(data)} on http://{host}:{port}/ ({workers} process"
               f"{'es' if workers > 1 else ''})", err=True)
    if workers > 1:
        from .serving import run_gunicorn

        # Searches are CPU-bound Python: threads in one process share one core (the GIL), so
        # several processes are what lets a small server hold hundreds of requests a second.
        run_gunicorn(lambda: create_app({"DATA_DIR": str(data)}), host, port, workers)
        return
    from werkzeug.serving import run_simple

    run_simple(host, port, create_app({"DATA_DIR": str(data)}), threaded=True, use_reloader=False)


@main.command()
@data_option
@engine_option
def reindex(data: str | Path, engine: str | None) -> None:
    """Rebuild the derived registers and the search index from the store."""
    from . import derive

    _use_engine(data, engine)

    store = open_store(data)
    try:
        derive.refresh(store, force=True)
        click.echo(f"reindexed {store.counts()['documents']} documents")
    finally:
        store.close()
