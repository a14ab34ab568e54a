#!/usr/bin/env python3
"""Ingest benchmark: pages/s against bare single-process pdfplumber, re-ingest cost, peak RSS.

usage: bench/bench_ingest.py [CORPUS] [--limit N] [--workers N]
Runs bare pdfplumber ``extract_text`` over the corpus's text-layer PDFs (from MANIFEST.tsv), then
``minutebook ingest`` over the same files into a fresh data directory, then again (no-op re-ingest).
Prints one JSON object; a benchmark, never a test.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parent.parent


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


def run_ingest(files: Path, data: Path, workers: int) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of the children, for one `minutebook ingest`."""
    t = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([str(Path(sys.executable).parent / "minutebook"), "ingest", str(files), "--data", str(data),
                    "--workers", str(workers)], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return time.perf_counter() - t, peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--limit", type=int, default=None, help="only the first N text-layer PDFs")
    ap.add_argument("--workers", type=int, default=0)
    args = ap.parse_args()
    corpus = Path(args.corpus)
    paths = text_layer_pdfs(corpus, args.limit)
    bare_s, pages = bare_pdfplumber(paths)
    with tempfile.TemporaryDirectory(prefix="mb-bench-") as tmp:
        files = Path(tmp) / "files"
        files.mkdir()
        for i, p in enumerate(paths):  # symlinks: the same bytes, one folder to ingest
            (files / f"{i:04d}-{p.name}").symlink_to(p)
        data = Path(tmp) / "data"
        first_s, peak_mb = run_ingest(files, data, args.workers)
        again_s, _ = run_ingest(files, data, args.workers)
    print(json.dumps({
        "machine": f"{platform.machine()} {platform.processor() or ''} cores={__import__('os').cpu_count()}".strip(),
        "python": platform.python_version(),
        "files": len(paths), "pages": pages,
        "bare_pdfplumber_s": round(bare_s, 2), "bare_pages_per_s": round(pages / bare_s, 1),
        "ingest_s": round(first_s, 2), "ingest_pages_per_s": round(pages / first_s, 1),
        "ingest_time_ratio_to_bare": round(first_s / bare_s, 2),
        "reingest_s": round(again_s, 2), "reingest_pct_of_first": round(100 * again_s / first_s, 1),
        "peak_rss_mb": round(peak_mb, 1),
    }, indent=2))


if __name__ == "__main__":
    main()
