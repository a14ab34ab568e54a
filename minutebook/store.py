"""The store: SQLite under the data directory, the source of truth for everything.

One transaction per file: a changed file's old documents are replaced by its new ones
atomically, so a crash mid-ingest never leaves half a file behind. The search index is
derived from this store and can always be rebuilt from it.
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import StoreError
from .model import Document, item_id
from .serialize import document_from_dict, document_to_dict

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    status TEXT NOT NULL,          -- ok | error
    error TEXT,
    ingested_at REAL NOT NULL
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
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_path ON documents(path);
CREATE INDEX IF NOT EXISTS documents_date ON documents(meeting_date);
CREATE TABLE IF NOT EXISTS derived (
    name TEXT PRIMARY KEY,         -- actions | people | organisations | links | meetings
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS derived_parts (
    name TEXT PRIMARY KEY,         -- a partition of the store (minutebook.derive): its body keys
    fingerprint TEXT NOT NULL,     -- of the partition's documents when this was derived
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


INIT_LOCK = "init.lock"  # held exclusively while a Store sets up the database file
WRITER_LOCK = "writer.lock"  # held shared by every Store that has written, until it closes
INDEX_LOCK = "index.lock"  # held exclusively while the derived stage writes registers and index


@contextmanager
def file_lock(path: Path, exclusive: bool = True) -> Iterator[None]:
    """An advisory ``flock`` on ``path`` for the block; the OS drops it if the process dies."""
    with open(path, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def writer_active(data_dir: Path) -> bool:
    """True while another open Store (an ingest, a reindex) has written to this data directory."""
    path = Path(data_dir) / WRITER_LOCK
    if not path.exists():
        return False
    with open(path, "a+b") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
        return False


@dataclass(frozen=True, slots=True)
class FileRecord:
    path: str
    sha256: str
    size: int
    status: str
    error: str | None


@dataclass(frozen=True, slots=True)
class DocMeta:
    """What the derived stage needs to know of a document without loading it."""

    id: str
    path: str
    sha256: str
    part: int
    kind: str
    body: str | None
    meeting_date: str | None

    @property
    def order(self) -> tuple[bool, str, str, int]:
        """The document's place in :meth:`Store.documents` order (undated first, then date, path, part)."""
        return (self.meeting_date is not None, self.meeting_date or "", self.path, self.part)


DOC_META_COLUMNS = "id, path, sha256, part, kind, body, meeting_date"


class Store:
    """A handle on the SQLite store. Cheap to open; one per thread or process."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.data_dir / "minutebook.sqlite3", timeout=30, check_same_thread=False)
            # Switching to WAL and creating the schema can fail at once with "database is locked"
            # (SQLite skips the busy wait there) when several processes open a new store together,
            # as ingest workers do: one at a time.
            with file_lock(self.data_dir / INIT_LOCK):
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                self.db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open store in {self.data_dir}: {exc}") from exc
        self._writer_lock: Any = None

    def close(self) -> None:
        self.db.close()
        if self._writer_lock is not None:
            self._writer_lock.close()  # closing the file releases the flock
            self._writer_lock = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        # From its first write until it closes, a Store marks the data directory as being
        # written, so a search does not rebuild an index that this writer will bring up to date.
        if self._writer_lock is None:
            fh = open(self.data_dir / WRITER_LOCK, "a+b")  # noqa: SIM115 - held until close()
            fcntl.flock(fh, fcntl.LOCK_SH)
            self._writer_lock = fh
        with self.db:
            yield self.db

    # -- files -----------------------------------------------------------------------------
    def file_record(self, path: str) -> FileRecord | None:
        row = self.db.execute("SELECT path, sha256, size, status, error FROM files WHERE path=?", (path,)).fetchone()
        return FileRecord(*row) if row else None

    def file_records(self) -> dict[str, FileRecord]:
        rows = self.db.execute("SELECT path, sha256, size, status, error FROM files").fetchall()
        return {r[0]: FileRecord(*r) for r in rows}

    def failures(self) -> list[FileRecord]:
        rows = self.db.execute(
            "SELECT path, sha256, size, status, error FROM files WHERE status='error' ORDER BY path"
        ).fetchall()
        return [FileRecord(*r) for r in rows]

    def replace_file(self, path: str, sha256: str, size: int, documents: list[Document]) -> None:
        """Atomically replace everything stored for ``path`` with ``documents``."""
        with self.transaction() as db:
            db.execute("DELETE FROM documents WHERE path=?", (path,))
            db.executemany(
                "INSERT OR REPLACE INTO documents (id, path, sha256, part, kind, body, meeting_date, title, data)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                [
                    (d.id, path, d.sha256, d.part, str(d.kind), d.body, d.meeting_date, d.title,
                     json.dumps(document_to_dict(d)))
                    for d in documents
                ],
            )
            db.execute(
                "INSERT OR REPLACE INTO files (path, sha256, size, status, error, ingested_at) VALUES (?,?,?,?,?,?)",
                (path, sha256, size, "ok", None, time.time()),
            )
            self._bump(db)

    def record_failure(self, path: str, sha256: str, size: int, reason: str) -> None:
        """Record a failed file. Documents from an earlier good version of it are kept."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO files (path, sha256, size, status, error, ingested_at) VALUES (?,?,?,?,?,?)",
                (path, sha256, size, "error", reason, time.time()),
            )

    def remove_file(self, path: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM documents WHERE path=?", (path,))
            db.execute("DELETE FROM files WHERE path=?", (path,))
            self._bump(db)

    # -- documents ---------------------------------------------------------------------------
    def documents(self) -> list[Document]:
        rows = self.db.execute("SELECT data FROM documents ORDER BY meeting_date, path, part").fetchall()
        return [document_from_dict(json.loads(r[0])) for r in rows]

    def document(self, doc_id: str) -> Document | None:
        row = self.db.execute("SELECT data FROM documents WHERE id=?", (doc_id,)).fetchone()
        return document_from_dict(json.loads(row[0])) if row else None

    def documents_by_ids(self, ids: list[str]) -> list[Document]:
        out: list[Document] = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            rows = self.db.execute(
                f"SELECT data FROM documents WHERE id IN ({','.join('?' * len(chunk))})", chunk
            ).fetchall()
            out.extend(document_from_dict(json.loads(r[0])) for r in rows)
        return out

    def document_ids_for_path(self, path: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM documents WHERE path=?", (path,))]

    def document_meta(self) -> list[DocMeta]:
        """Every document's id, file, kind, body and date, in :meth:`documents` order; no content."""
        rows = self.db.execute(f"SELECT {DOC_META_COLUMNS} FROM documents ORDER BY meeting_date, path, part")
        return [DocMeta(*r) for r in rows]

    def counts(self) -> dict[str, int]:
        docs = self.db.execute("SELECT count(*) FROM documents").fetchone()[0]
        files = self.db.execute("SELECT count(*) FROM files WHERE status='ok'").fetchone()[0]
        failed = self.db.execute("SELECT count(*) FROM files WHERE status='error'").fetchone()[0]
        return {"documents": docs, "files": files, "failed": failed}

    # -- derived registers -------------------------------------------------------------------
    def put_derived(self, values: dict[str, Any], parts: Mapping[str, tuple[str, Any]] | None = None,
                    drop_parts: Iterable[str] = ()) -> None:
        """Store whole-store registers and, in the same transaction, per-partition parts.

        ``parts`` maps partition name -> (fingerprint, data) to write; ``drop_parts`` names
        partitions that no longer exist.
        """
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO derived (name, data) VALUES (?, ?)",
                [(k, json.dumps(v)) for k, v in values.items()],
            )
            db.executemany("DELETE FROM derived_parts WHERE name=?", [(n,) for n in drop_parts])
            db.executemany(
                "INSERT OR REPLACE INTO derived_parts (name, fingerprint, data) VALUES (?, ?, ?)",
                [(n, fp, json.dumps(v)) for n, (fp, v) in (parts or {}).items()],
            )
            db.execute("INSERT OR REPLACE INTO state (key, value) VALUES ('derived_generation', ?)",
                       (str(self.generation()),))

    def derived(self, name: str) -> Any:
        row = self.db.execute("SELECT data FROM derived WHERE name=?", (name,)).fetchone()
        return json.loads(row[0]) if row else []

    def derived_fingerprints(self) -> dict[str, str]:
        """Partition name -> fingerprint of the documents its stored parts were derived from."""
        return dict(self.db.execute("SELECT name, fingerprint FROM derived_parts").fetchall())

    def derived_parts(self, names: Iterable[str] | None = None) -> dict[str, Any]:
        """Partition name -> its stored parts (all partitions, or those named)."""
        if names is None:
            rows = self.db.execute("SELECT name, data FROM derived_parts").fetchall()
        else:
            wanted, rows = list(names), []
            for i in range(0, len(wanted), 500):
                chunk = wanted[i:i + 500]
                rows += self.db.execute(
                    f"SELECT name, data FROM derived_parts WHERE name IN ({','.join('?' * len(chunk))})", chunk
                ).fetchall()
        return {n: json.loads(d) for n, d in rows}

    def derived_is_current(self) -> bool:
        row = self.db.execute("SELECT value FROM state WHERE key='derived_generation'").fetchone()
        return row is not None and int(row[0]) == self.generation()

    # -- generation: bumped by every committed change, so derived data can tell it is stale --
    def generation(self) -> int:
        row = self.db.execute("SELECT value FROM state WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0

    @staticmethod
    def _bump(db: sqlite3.Connection) -> None:
        db.execute(
            "INSERT INTO state (key, value) VALUES ('generation', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )


def item_rows(doc: Document) -> Iterator[tuple[str, int]]:
    """(item id, index) for each item of a document, in reading order."""
    for i, _ in enumerate(doc.items):
        yield item_id(doc.id, i), i
