"""The store on PostgreSQL: the same interface as :class:`minutebook.store.Store`, for a server.

Chosen by giving ``--data postgresql://user@host:port/db`` (see :mod:`minutebook.backends`).
One transaction per file, as in the embedded store; a document's data is JSONB. The
connection runs in autocommit mode and writes open explicit transactions, so a reader never
holds a transaction (and its locks) open between calls.

Coordination uses session advisory locks instead of lock files: a store that has written
holds :data:`WRITER_LOCK_KEY` shared until it closes (so a search can tell an ingest is
running), and the derived stage holds :data:`INDEX_LOCK_KEY` exclusively. The server drops
both when a process dies, as the OS drops a ``flock``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import psycopg
import psycopg.types.json
from psycopg.types.json import Jsonb

from .errors import StoreError
from .model import Document
from .serialize import document_from_dict, document_to_dict
from .store import DOC_META_COLUMNS, DocMeta, FileRecord

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    status TEXT NOT NULL,          -- ok | error
    error TEXT,
    ingested_at DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    part INTEGER NOT NULL,
    kind TEXT NOT NULL,
    body TEXT,
    meeting_date TEXT,
    title TEXT,
    data JSONB NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_path ON documents(path);
CREATE INDEX IF NOT EXISTS documents_date ON documents(meeting_date);
CREATE TABLE IF NOT EXISTS derived (
    name TEXT PRIMARY KEY,         -- actions | people | organisations | links | meetings
    data JSONB NOT NULL
);
CREATE TABLE IF NOT EXISTS derived_parts (
    name TEXT PRIMARY KEY,         -- a partition of the store (minutebook.derive): its body keys
    fingerprint TEXT NOT NULL,     -- of the partition's documents when this was derived
    data JSONB NOT NULL
);
CREATE TABLE IF NOT EXISTS state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# Advisory lock keys (any two 64-bit numbers; these spell "mbwrite" and "mbindex" in ASCII)
WRITER_LOCK_KEY = 0x6D627772697465
INDEX_LOCK_KEY = 0x6D62696E646578
# Two processes creating the tables at once would race on the catalogue; this key serialises it
SCHEMA_LOCK_KEY = 0x6D62736368656D

_FILE_COLUMNS = "path, sha256, size, status, error"

# PostgreSQL text and JSONB cannot hold U+0000, which some PDFs' text layers contain. In the
# JSON a NUL is stored as the noncharacter U+FFFE and turned back on reading, so both backends
# return the same documents; the plain columns (only for ordering and lookups) drop it.
NUL_STAND_IN = "\ufffe"
# a JSON \u0000 escape, not an escaped backslash followed by "u0000"
_JSON_NUL_RE = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")


def _dumps(obj: Any) -> str:
    text = json.dumps(obj, ensure_ascii=False)
    return _JSON_NUL_RE.sub(lambda m: m.group(1) + NUL_STAND_IN, text) if "\\u0000" in text else text


def _loads(text: str | bytes) -> Any:
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return json.loads(text.replace(NUL_STAND_IN, "\\u0000") if NUL_STAND_IN in text else text)


def _text(value: str | None) -> str | None:
    return value.replace("\x00", "") if value else value


def connect(dsn: str) -> psycopg.Connection[Any]:
    """An autocommit connection to ``dsn``; raises StoreError with the server's reason."""
    try:
        conn = psycopg.connect(dsn, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        raise StoreError(f"cannot connect to {redact(dsn)}: {' '.join(str(exc).split())}") from exc
    psycopg.types.json.set_json_loads(_loads, conn)
    return conn


def redact(dsn: str) -> str:
    """The DSN without its password, for messages."""
    try:
        parts = psycopg.conninfo.conninfo_to_dict(dsn)
    except psycopg.Error:
        return "the PostgreSQL server"
    parts.pop("password", None)
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in parts.items() if v is not None})


def schema_exists(dsn: str) -> bool:
    """True when the database at ``dsn`` holds a store (its ``documents`` table).

    A server that does not answer raises StoreError: "no data" would hide it.
    """
    with connect(dsn) as conn:
        row = conn.execute("SELECT to_regclass('documents') IS NOT NULL").fetchone()
        return bool(row and row[0])


def writer_active(dsn: str) -> bool:
    """True while another open store (an ingest, a reindex) has written to this database."""
    with psycopg.connect(dsn, autocommit=True, connect_timeout=10) as conn:
        got = conn.execute("SELECT pg_try_advisory_lock(%s)", (WRITER_LOCK_KEY,)).fetchone()
        if got and got[0]:
            conn.execute("SELECT pg_advisory_unlock(%s)", (WRITER_LOCK_KEY,))
            return False
        return True


class PgStore:
    """A handle on a PostgreSQL store. One per thread or process (a connection each)."""

    data_dir = None  # no directory: lock files and per-directory files do not apply

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.db = connect(dsn)
        try:
            with self.db.transaction():
                self.db.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
                self.db.execute(SCHEMA)
        except psycopg.Error as exc:
            self.db.close()
            raise StoreError(f"cannot create the store in {redact(dsn)}: {exc}") from exc
        self._writing = False

    def close(self) -> None:
        self.db.close()  # closing the session releases its advisory locks

    def __del__(self) -> None:
        # a handle dropped without close() (a web thread's store) ends its session quietly
        db = getattr(self, "db", None)
        if db is not None and not db.closed:
            db.close()

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection[Any]]:
        # From its first write until it closes, a store marks the database as being written,
        # so a search does not rebuild an index that this writer will bring up to date.
        if not self._writing:
            self.db.execute("SELECT pg_advisory_lock_shared(%s)", (WRITER_LOCK_KEY,))
            self._writing = True
        with self.db.transaction():
            yield self.db

    @contextmanager
    def index_lock(self) -> Iterator[None]:
        """Held while the derived stage writes registers and index: one process at a time."""
        self.db.execute("SELECT pg_advisory_lock(%s)", (INDEX_LOCK_KEY,))
        try:
            yield
        finally:
            self.db.execute("SELECT pg_advisory_unlock(%s)", (INDEX_LOCK_KEY,))

    # -- files -----------------------------------------------------------------------------
    def file_record(self, path: str) -> FileRecord | None:
        row = self.db.execute(f"SELECT {_FILE_COLUMNS} FROM files WHERE path=%s", (path,)).fetchone()
        return FileRecord(*row) if row else None

    def file_records(self) -> dict[str, FileRecord]:
        rows = self.db.execute(f"SELECT {_FILE_COLUMNS} FROM files").fetchall()
        return {r[0]: FileRecord(*r) for r in rows}

    def failures(self) -> list[FileRecord]:
        rows = self.db.execute(f"SELECT {_FILE_COLUMNS} FROM files WHERE status='error' ORDER BY path").fetchall()
        return [FileRecord(*r) for r in rows]

    def replace_file(self, path: str, sha256: str, size: int, documents: list[Document]) -> None:
        """Atomically replace everything stored for ``path`` with ``documents``."""
        with self.transaction() as db:
            db.execute("DELETE FROM documents WHERE path=%s", (path,))
            with db.cursor() as cur:
                cur.executemany(
                    "INSERT INTO documents (id, path, sha256, part, kind, body, meeting_date, title, data)"
                    " VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s)"
                    " ON CONFLICT (id) DO UPDATE SET path=EXCLUDED.path, sha256=EXCLUDED.sha256,"
                    " part=EXCLUDED.part, kind=EXCLUDED.kind, body=EXCLUDED.body,"
                    " meeting_date=EXCLUDED.meeting_date, title=EXCLUDED.title, data=EXCLUDED.data",
                    [(d.id, path, d.sha256, d.part, str(d.kind), _text(d.body), d.meeting_date, _text(d.title),
                      Jsonb(document_to_dict(d), dumps=_dumps)) for d in documents],
                )
            self._put_file(db, path, sha256, size, "ok", None)
            self._bump(db)

    def record_failure(self, path: str, sha256: str, size: int, reason: str) -> None:
        """Record a failed file. Documents from an earlier good version of it are kept."""
        with self.transaction() as db:
            self._put_file(db, path, sha256, size, "error", reason)

    @staticmethod
    def _put_file(db: psycopg.Connection[Any], path: str, sha256: str, size: int, status: str,
                  error: str | None) -> None:
        db.execute(
            "INSERT INTO files (path, sha256, size, status, error, ingested_at) VALUES (%s,%s,%s,%s,%s,%s)"
            " ON CONFLICT (path) DO UPDATE SET sha256=EXCLUDED.sha256, size=EXCLUDED.size,"
            " status=EXCLUDED.status, error=EXCLUDED.error, ingested_at=EXCLUDED.ingested_at",
            (path, sha256, size, status, error, time.time()),
        )

    def remove_file(self, path: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM documents WHERE path=%s", (path,))
            db.execute("DELETE FROM files WHERE path=%s", (path,))
            self._bump(db)

    # -- documents ---------------------------------------------------------------------------
    def documents(self) -> list[Document]:
        # NULL dates first, as SQLite orders them, so both backends export in one order
        rows = self.db.execute("SELECT data FROM documents"
                               ' ORDER BY meeting_date COLLATE "C" NULLS FIRST, path COLLATE "C", part').fetchall()
        return [document_from_dict(r[0]) for r in rows]

    def document(self, doc_id: str) -> Document | None:
        row = self.db.execute("SELECT data FROM documents WHERE id=%s", (doc_id,)).fetchone()
        return document_from_dict(row[0]) if row else None

    def documents_by_ids(self, ids: list[str]) -> list[Document]:
        rows = self.db.execute("SELECT data FROM documents WHERE id = ANY(%s)", (list(ids),)).fetchall()
        return [document_from_dict(r[0]) for r in rows]

    def document_ids_for_path(self, path: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM documents WHERE path=%s", (path,)).fetchall()]

    def document_meta(self) -> list[DocMeta]:
        """Every document's id, file, kind, body and date, in :meth:`documents` order; no content."""
        rows = self.db.execute(f"SELECT {DOC_META_COLUMNS} FROM documents"
                               ' ORDER BY meeting_date COLLATE "C" NULLS FIRST, path COLLATE "C", part').fetchall()
        return [DocMeta(*r) for r in rows]

    def counts(self) -> dict[str, int]:
        row = self.db.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM files WHERE status='ok'),"
            " (SELECT count(*) FROM files WHERE status='error')"
        ).fetchone()
        assert row is not None
        return {"documents": int(row[0]), "files": int(row[1]), "failed": int(row[2])}

    # -- derived registers -------------------------------------------------------------------
    def put_derived(self, values: dict[str, Any], parts: Mapping[str, tuple[str, Any]] | None = None,
                    drop_parts: Iterable[str] = ()) -> None:
        """Store whole-store registers and, in the same transaction, per-partition parts.

        ``parts`` maps partition name -> (fingerprint, data) to write; ``drop_parts`` names
        partitions that no longer exist.
        """
        with self.transaction() as db:
            with db.cursor() as cur:
                cur.executemany(
                    "INSERT INTO derived (name, data) VALUES (%s, %s)"
                    " ON CONFLICT (name) DO UPDATE SET data=EXCLUDED.data",
                    [(k, Jsonb(v, dumps=_dumps)) for k, v in values.items()],
                )
                drop = list(drop_parts)
                if drop:
                    cur.execute("DELETE FROM derived_parts WHERE name = ANY(%s)", (drop,))
                if parts:
                    cur.executemany(
                        "INSERT INTO derived_parts (name, fingerprint, data) VALUES (%s, %s, %s)"
                        " ON CONFLICT (name) DO UPDATE SET fingerprint=EXCLUDED.fingerprint, data=EXCLUDED.data",
                        [(n, fp, Jsonb(v, dumps=_dumps)) for n, (fp, v) in parts.items()],
                    )
            db.execute(
                "INSERT INTO state (key, value) VALUES ('derived_generation', %s)"
                " ON CONFLICT (key) DO UPDATE SET value=EXCLUDED.value",
                (str(self.generation()),),
            )

    def derived(self, name: str) -> Any:
        row = self.db.execute("SELECT data FROM derived WHERE name=%s", (name,)).fetchone()
        return row[0] if row else []

    def derived_fingerprints(self) -> dict[str, str]:
        """Partition name -> fingerprint of the documents its stored parts were derived from."""
        return {r[0]: r[1] for r in self.db.execute("SELECT name, fingerprint FROM derived_parts").fetchall()}

    def derived_parts(self, names: Iterable[str] | None = None) -> dict[str, Any]:
        """Partition name -> its stored parts (all partitions, or those named)."""
        if names is None:
            rows = self.db.execute("SELECT name, data FROM derived_parts").fetchall()
        else:
            rows = self.db.execute("SELECT name, data FROM derived_parts WHERE name = ANY(%s)",
                                   (list(names),)).fetchall()
        return {r[0]: r[1] for r in rows}

    def derived_is_current(self) -> bool:
        row = self.db.execute("SELECT value FROM state WHERE key='derived_generation'").fetchone()
        return row is not None and int(row[0]) == self.generation()

    # -- generation: bumped by every committed change, so derived data can tell it is stale --
    def generation(self) -> int:
        row = self.db.execute("SELECT value FROM state WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0

    @staticmethod
    def _bump(db: psycopg.Connection[Any]) -> None:
        db.execute(
            "INSERT INTO state (key, value) VALUES ('generation', '1') "
            "ON CONFLICT (key) DO UPDATE SET value = (state.value::bigint + 1)::text"
        )
