#!/usr/bin/env python3
"""Ingest benchmark: pages/s against bare single-process pdfplumber, re-ingest cost, peak RSS.

usage: bench/bench_ingest.py [CORPUS] [--limit N] [--workers N] [--copies N]
Runs bare pdfplumber ``extract_text`` over the corpus's text-layer PDFs (from MANIFEST.tsv, as
``../shared/eval/baseline_pdfplumber.py`` does), then ``minutebook ingest`` over the same files
into a fresh data directory, then again (a no-op re-ingest). ``--copies N`` ingests each file N
times under different names and bytes (a comment appended after the PDF's end, so each copy is a
document of its own), for the 1,000-document memory figure; the bare pass reads each once and
its time is scaled. Peak RSS is the most the ingest's whole process tree (the CLI and its
worker processes together) held at once, sampled from /proc: RSS (shared pages counted once per
process) every 50 ms, PSS (shared pages shared out: the tree's real footprint) every second, as
reading a process's smaps costs ~5 ms and at 50 ms would take a third of a core from the
ingest it measures. The load average before
and after is printed: other work on the machine makes every figure worse. Prints one JSON
object; a benchmark, never a test.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SECONDS = 0.05
PSS_EVERY = 20  # samples: PSS once a second


def text_layer_pdfs(corpus: Path, limit: int | None) -> list[Path]:
    with open(corpus / "MANIFEST.tsv") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t")
                if r["text_layer"] == "text" and r["path"].endswith(".pdf")]
    paths = [corpus / r["path"] for r in rows]
    return paths[:limit] if limit else paths


def bare_pdfplumber(paths: list[Path]) -> tuple[float, int]:
    t, pages = time.perf_counter(), 0
    for p in paths:
        with pdfplumber.open(p) as pdf:
            for pg in pdf.pages:
                pg.extract_text()
                pages += 1
                pg.close()
    return time.perf_counter() - t, pages


def _tree_memory_kb(pid: int, with_pss: bool = True) -> tuple[int, int]:
    """(RSS, PSS) of a process and all its descendants (kB), from /proc; PSS 0 unless ``with_pss``.

    RSS counts a page shared by several processes (the model weights the workers inherit,
    libraries) once per process, so a tree's RSS overstates what it holds; PSS shares each such
    page out among the processes using it, and sums to the memory the tree really takes.
    """
    rss = pss = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                rss += next((int(line.split()[1]) for line in fh if line.startswith("VmRSS:")), 0)
            if with_pss:
                with open(f"/proc/{p}/smaps_rollup") as fh:
                    pss += next((int(line.split()[1]) for line in fh if line.startswith("Pss:")), 0)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue  # the process ended between two reads
    return rss, pss


def run_ingest(files: Path, data: Path, workers: int,
               cli: list[str] | None = None) -> tuple[float, float, float, str]:
    """Wall seconds, peak RSS and peak PSS of the whole process tree (MB), and the summary line
    of one ingest.

    ``cli`` is the command that runs ``minutebook`` (the installed script by default).
    """
    cmd = [*(cli or [str(Path(sys.executable).parent / "minutebook")]), "ingest", str(files),
           "--data", str(data), "--workers", str(workers)]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = peak_pss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss
        n = 0
        while not done.is_set():
            rss, pss = _tree_memory_kb(proc.pid, with_pss=n % PSS_EVERY == 0)
            n += 1
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            done.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    elapsed = time.perf_counter() - t
    done.set()
    sampler.join()
    return elapsed, peak / 1024, peak_pss / 1024, out.strip().splitlines()[-1] if out.strip() else ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--limit", type=int, default=None, help="only the first N text-layer PDFs")
    ap.add_argument("--workers", type=int, default=0, help="ingest worker processes (0: one per core)")
    ap.add_argument("--copies", type=int, default=1, help="ingest each file this many times")
    args = ap.parse_args()
    corpus = Path(args.corpus)
    paths = text_layer_pdfs(corpus, args.limit)
    load_before = os.getloadavg()
    bare_s, pages = bare_pdfplumber(paths)
    bare_s, pages = bare_s * args.copies, pages * args.copies
    with tempfile.TemporaryDirectory(prefix="mb-bench-") as tmp:
        files = Path(tmp) / "files"
        files.mkdir()
        for copy in range(args.copies):
            for i, p in enumerate(paths):
                dest = files / f"{copy:02d}-{i:04d}-{p.name}"
                if copy == 0:
                    dest.symlink_to(p)  # the file itself
                else:
                    # a copy with a comment after the end of the PDF: other bytes, so another
                    # document to the store (same text), as a second council's papers would be
                    dest.write_bytes(p.read_bytes() + f"\n% bench copy {copy}\n".encode())
        data = Path(tmp) / "data"
        first_s, peak_mb, peak_pss_mb, summary = run_ingest(files, data, args.workers)
        again_s, _, _, _ = run_ingest(files, data, args.workers)
    docs = re.search(r"\((\d+) documents", summary)
    print(json.dumps({
        "machine": f"{platform.machine()} {platform.processor() or ''} cores={os.cpu_count()}".strip(),
        "python": platform.python_version(),
        "load_average_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        "files": len(paths) * args.copies, "pages": pages,
        "documents": int(docs.group(1)) if docs else None,
        "bare_pdfplumber_s": round(bare_s, 2), "bare_pages_per_s": round(pages / bare_s, 1),
        "ingest_s": round(first_s, 2), "ingest_pages_per_s": round(pages / first_s, 1),
        "ingest_time_ratio_to_bare": round(first_s / bare_s, 2),
        "reingest_s": round(again_s, 2), "reingest_pct_of_first": round(100 * again_s / first_s, 1),
        "peak_rss_mb": round(peak_mb, 1), "peak_pss_mb": round(peak_pss_mb, 1),
        "ingest_summary": summary,
    }, indent=2))


if __name__ == "__main__":
    main()
