"""Which store and search index a ``--data`` value names: a directory or a PostgreSQL database.

A value starting ``postgresql://`` or ``postgres://`` is a server DSN: the store and the index
live in that database (:mod:`minutebook.pg_store`, :mod:`search_app.pg_index`, psycopg from the
``postgres`` extra). Anything else is a directory holding SQLite and whoosh, the embedded
default. Only this module tells the two apart; the rest of the code calls these functions.

A data directory's search engine is whoosh unless its ``search_engine`` file names another
(:data:`ENGINES`): tantivy, for archives of a million items. The file is written once by the
command that chooses the engine (``--engine`` on ingest, reindex, serve), so every later
process on that directory (a server, a worker, a reindex) opens the same index without being told.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from .errors import MinutebookError

if TYPE_CHECKING:
    from search_app.index import SearchIndex
    from search_app.pg_index import PgSearchIndex
    from search_app.tantivy_index import TantivySearchIndex

    from .pg_store import PgStore
    from .store import Store

    AnyStore = Union[Store, PgStore]  # noqa: UP007 - a runtime-free alias under TYPE_CHECKING
    AnyIndex = Union[SearchIndex, PgSearchIndex, TantivySearchIndex]  # noqa: UP007
else:  # at run time the aliases only annotate; psycopg stays an optional import
    AnyStore = AnyIndex = Any

DSN_PREFIXES = ("postgresql://", "postgres://")
# search engines of a data directory; the first is the default
ENGINES = ("whoosh", "tantivy")
ENGINE_FILE = "search_engine"

Location = Union[str, Path]  # noqa: UP007 - used at runtime in annotations of callers


def is_dsn(data: str | Path) -> bool:
    """True when ``data`` names a PostgreSQL database rather than a directory."""
    return isinstance(data, str) and data.strip().lower().startswith(DSN_PREFIXES)


def location(data: str | Path) -> str | Path:
    """A DSN kept as its string (a Path would fold its ``//``), anything else as a Path."""
    return str(data).strip() if is_dsn(data) else Path(data)


def describe(data: str | Path) -> str:
    """``data`` for a message: a DSN without its password."""
    if is_dsn(data):
        from urllib.parse import urlsplit

        parts = urlsplit(str(data).strip())
        if parts.password is not None:
            return parts._replace(netloc=parts.netloc.replace(":" + parts.password + "@", ":***@", 1)).geturl()
    return str(data)


def open_store(data: str | Path) -> AnyStore:
    """The store at ``data``: a PgStore for a DSN, else the SQLite Store in that directory."""
    if is_dsn(data):
        from .pg_store import PgStore

        return PgStore(str(data).strip())
    from .store import Store

    return Store(Path(data))


def search_engine(data: str | Path) -> str:
    """The search engine of ``data``: "postgres" for a DSN, else what its ``search_engine`` file
    names (whoosh when there is none)."""
    if is_dsn(data):
        return "postgres"
    try:
        name = (Path(data) / ENGINE_FILE).read_text(encoding="utf-8").strip().lower()
    except OSError:
        return ENGINES[0]
    if name not in ENGINES:
        raise MinutebookError(f"{Path(data) / ENGINE_FILE} names an unknown search engine {name!r} "
                              f"(one of: {', '.join(ENGINES)})")
    return name


def set_search_engine(data: str | Path, engine: str) -> bool:
    """Make ``engine`` the search engine of the data directory ``data``. True when it changed.

    The next index refresh finds no index of the new engine and builds it from the store; the
    old engine's index stays on disk until removed. A server already running keeps the index
    it opened: restart it after a switch.
    """
    if engine not in ENGINES:
        raise MinutebookError(f"unknown search engine {engine!r} (one of: {', '.join(ENGINES)})")
    if is_dsn(data):
        raise MinutebookError("a PostgreSQL store searches with PostgreSQL: --engine is for a data directory")
    if search_engine(data) == engine and (Path(data) / ENGINE_FILE).exists():
        return False
    Path(data).mkdir(parents=True, exist_ok=True)
    tmp = Path(data) / (ENGINE_FILE + ".tmp")
    tmp.write_text(engine + "\n", encoding="utf-8")
    tmp.replace(Path(data) / ENGINE_FILE)
    return True


def open_search_index(data: str | Path, engine: str | None = None) -> AnyIndex:
    """The search index at ``data``: PostgreSQL full-text search for a DSN; else ``engine`` (by
    default the directory's own, see :func:`search_engine`): whoosh or tantivy."""
    if is_dsn(data):
        from search_app.pg_index import PgSearchIndex

        return PgSearchIndex(str(data).strip())
    engine = engine or search_engine(data)
    if engine == "tantivy":
        from search_app.tantivy_index import TantivySearchIndex

        return TantivySearchIndex(Path(data))
    if engine != "whoosh":
        raise MinutebookError(f"unknown search engine {engine!r} (one of: {', '.join(ENGINES)})")
    from search_app.index import SearchIndex

    return SearchIndex(Path(data))


def store_location(store: AnyStore) -> str | Path:
    """Where a store lives, as :func:`open_store` takes it."""
    dsn = getattr(store, "dsn", None)
    return dsn if dsn else store.data_dir  # type: ignore[return-value]


def store_exists(data: str | Path) -> bool:
    """True when ``data`` already holds a store (without creating one)."""
    if is_dsn(data):
        from .pg_store import schema_exists

        return schema_exists(str(data).strip())
    return (Path(data) / "minutebook.sqlite3").exists()


def writer_active(data: str | Path) -> bool:
    """True while another open store (an ingest, a reindex) has written to ``data``."""
    if is_dsn(data):
        from .pg_store import writer_active as pg_writer_active

        return pg_writer_active(str(data).strip())
    from .store import writer_active as dir_writer_active

    return dir_writer_active(Path(data))


@contextmanager
def index_lock(store: AnyStore) -> Iterator[None]:
    """Held while the derived stage writes registers and index: one process at a time.

    A lock file in a data directory; a server advisory lock for PostgreSQL.
    """
    lock = getattr(store, "index_lock", None)
    if lock is not None:
        with lock():
            yield
        return
    from .store import INDEX_LOCK, file_lock

    with file_lock(Path(store.data_dir) / INDEX_LOCK):  # type: ignore[arg-type]
        yield
