#!/usr/bin/env python3
"""Re-ingest benchmark: what one changed file costs once the store is full.

usage: bench/bench_change.py [--data DIR] [--corpus DIR] [--file PATH] [--workers N] [--model NAME|none]

Without ``--data`` it ingests CORPUS (default ../shared/corpus) into a fresh temporary data
directory and times that first ingest; with ``--data`` it copies an existing data directory of
an ingest of CORPUS (never writing into it) and brings the copy up to date with this code
("settle": a rebuild if its index or stored parts came from other code). Then:

1. an unchanged re-ingest of CORPUS (hashing every file; nothing to derive);
2. a new file: a copy of one minutes paper (``--file``, default the latest minutes of the
   largest partition, the worst case) with a line added, ingested beside CORPUS;
3. a changed file: that copy changed again and re-ingested (the same path, new content);
4. for comparison, the whole-store derive (every partition from every document, no index).

For each step: seconds for the whole ingest run, seconds in the derive stage, partitions
derived again and documents it loaded. Runs in process (the derive stage is observed by
wrapping ``minutebook.derive.refresh``). Prints one JSON object; a benchmark, never a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from minutebook import derive  # noqa: E402
from minutebook.meetings import group_meetings  # noqa: E402
from minutebook.pipeline import DEFAULT_MODEL, IngestConfig, run_ingest  # noqa: E402
from minutebook.store import Store  # noqa: E402

# Lock and state files of a data directory that a copy must not carry over.
SKIP_ON_COPY = ("index.lock", "writer.lock", "init.lock")


class Observed:
    """The derive stage's stats for every refresh while installed."""

    def __init__(self) -> None:
        self.stats: list[derive.RefreshStats] = []
        self._refresh = derive.refresh

    def __enter__(self) -> Observed:
        def recorded(*args: Any, **kwargs: Any) -> derive.RefreshStats:
            self.stats.append(self._refresh(*args, **kwargs))
            return self.stats[-1]

        derive.refresh = recorded  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        derive.refresh = self._refresh  # type: ignore[assignment]


def timed_ingest(paths: list[Path], config: IngestConfig) -> dict[str, Any]:
    """One ingest run: its seconds and what the derive stage did."""
    with Observed() as seen:
        t = time.perf_counter()
        report = run_ingest(paths, config)
        seconds = time.perf_counter() - t
    st = seen.stats[-1] if seen.stats else derive.RefreshStats()
    return {"seconds": round(seconds, 3), "files_ingested": report.ingested, "failed": len(report.failed),
            "derive_seconds": round(st.seconds, 3), "partitions": st.partitions,
            "partitions_derived": len(st.recomputed), "derived": st.recomputed[:5],
            "documents": st.documents, "documents_loaded": st.loaded, "index": st.index}


def pick_file(data: Path) -> tuple[Path, str]:
    """The latest minutes file (PDF or .md) of the partition with most documents, and that partition."""
    store = Store(data)
    try:
        meta = store.document_meta()
    finally:
        store.close()
    parts = derive.partitions(meta, group_meetings(meta))
    for name, docs in sorted(parts.items(), key=lambda kv: -len(kv[1])):
        minutes = [d for d in docs if d.kind == "minutes" and d.path.endswith((".pdf", ".md"))
                   and Path(d.path).exists()]
        if minutes:
            return Path(max(minutes, key=lambda d: d.order).path), name
    raise SystemExit("no minutes file on disk in the store")


def changed_copy(src: Path, dest: Path, n: int) -> None:
    """``src`` with an addition: a line of text for .md, a trailing PDF comment for a PDF (its
    text is unchanged, its hash is not)."""
    data = src.read_bytes()
    if src.suffix == ".pdf":
        dest.write_bytes(data + f"\n% minutebook bench change {n}\n".encode())
    else:
        dest.write_bytes(data + f"\n\nThe Clerk noted benchmark change number {n}.\n".encode())


def whole_derive(data: Path) -> dict[str, Any]:
    """Every partition derived from every document, as a full rebuild does, without writing."""
    store = Store(data)
    try:
        t = time.perf_counter()
        meta = store.document_meta()
        docs = {d.id: d for d in store.documents()}
        loaded = time.perf_counter() - t
        meetings = group_meetings(meta)
        parts = derive.partitions(meta, meetings)
        part_of = {d.id: n for n, ds in parts.items() for d in ds}
        in_part: dict[str, list[Any]] = {}
        for m in meetings:
            in_part.setdefault(part_of[m.documents[0]], []).append(m)
        order = {m.id: m.order for m in meta}
        keys = {m.id: derive.key_string(m.body) for m in meta}
        derived = {n: derive.derive_part([docs[d.id] for d in ds], in_part.get(n, []), keys, order)
                   for n, ds in parts.items()}
        derive.assemble(derived)
        return {"seconds": round(time.perf_counter() - t, 3), "load_seconds": round(loaded, 3),
                "documents": len(docs), "partitions": len(parts),
                "largest_partition": max(len(ds) for ds in parts.values())}
    finally:
        store.close()


def settle(data: Path) -> dict[str, Any]:
    """Bring a copied data directory's registers and index up to date with this code."""
    store = Store(data)
    try:
        st = derive.refresh(store)
    finally:
        store.close()
    return {"seconds": round(st.seconds, 3), "partitions_derived": len(st.recomputed), "index": st.index}


def copy_data(src: Path, dest: Path) -> None:
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(*SKIP_ON_COPY))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, help="an existing data directory of an ingest of CORPUS (copied)")
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--file", type=Path, help="the minutes paper to change (default: see above)")
    ap.add_argument("--workers", type=int, default=0, help="ingest worker processes (0: one per core)")
    ap.add_argument("--model", default=DEFAULT_MODEL, help="spaCy model, or 'none' for rules only")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()
    model = None if args.model.lower() == "none" else args.model
    tmp = Path(tempfile.mkdtemp(prefix="bench-change-"))
    out: dict[str, Any] = {"load_before": os.getloadavg()[0], "cores": os.cpu_count(), "corpus": str(args.corpus)}
    try:
        data = tmp / "data"
        config = IngestConfig(data_dir=data, workers=args.workers, model=model, ocr=True)
        if args.data:
            t = time.perf_counter()
            copy_data(args.data, data)
            out["copied_data"] = {"from": str(args.data), "seconds": round(time.perf_counter() - t, 3)}
            # the copy was derived and indexed by whatever code made it: bring it up to date with
            # this code first (a rebuild when the index schema or the stored parts differ), so the
            # steps below time only themselves
            out["settle"] = settle(data)
        else:
            out["first_ingest"] = timed_ingest([args.corpus], config)
        out["unchanged_reingest"] = timed_ingest([args.corpus], config)
        src, partition = (args.file, "") if args.file else pick_file(data)
        out["changed_file"] = {"source": str(src), "partition": partition}
        copy = tmp / "changed" / src.name
        copy.parent.mkdir()
        changed_copy(src, copy, 1)
        out["new_file_reingest"] = timed_ingest([args.corpus, copy], config)
        changed_copy(src, copy, 2)
        out["changed_file_reingest"] = timed_ingest([args.corpus, copy], config)
        out["whole_store_derive"] = whole_derive(data)
        out["load_after"] = os.getloadavg()[0]
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
