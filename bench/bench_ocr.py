#!/usr/bin/env python3
"""OCR benchmark: every PDF of a corpus that has no text layer, read through the real pipeline.

usage: bench/bench_ocr.py [CORPUS] [--procs N]
Prints one JSON object: files, pages, OCR wall seconds per page, and how many files yield items.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from minutebook import pipeline

ROOT = Path(__file__).resolve().parent.parent


def _one(path: str) -> tuple[str, int, int, float, str]:
    pipeline._init_worker(None, True)
    t = time.perf_counter()
    try:
        docs = pipeline.process_file(path, Path(path).read_bytes())
    except Exception as exc:  # noqa: BLE001 - a benchmark reports every failure
        return path, 0, 0, time.perf_counter() - t, str(exc)
    pages = max((d.page_end for d in docs), default=0)
    return path, pages, sum(len(d.items) for d in docs), time.perf_counter() - t, ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--procs", type=int, default=2)
    args = ap.parse_args()
    corpus = Path(args.corpus)
    with open(corpus / "MANIFEST.tsv") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t")
                if r["path"].endswith(".pdf") and r["text_layer"] != "text"]
    t = time.perf_counter()
    with ProcessPoolExecutor(args.procs) as pool:
        results = list(pool.map(_one, [str(corpus / r["path"]) for r in rows]))
    wall = time.perf_counter() - t
    ok = [r for r in results if not r[4]]
    pages = sum(r[1] for r in ok)
    print(json.dumps({
        "files": len(results), "read": len(ok), "with_items": sum(1 for r in ok if r[2]),
        "items": sum(r[2] for r in ok), "pages": pages, "wall_s": round(wall, 1), "procs": args.procs,
        "wall_s_per_page": round(wall / max(pages, 1), 2),
        "cpu_side_s_per_page": round(sum(r[3] for r in ok) / max(pages, 1), 2),
        "failures": [[Path(r[0]).name, r[4]] for r in results if r[4]],
    }, indent=2))


if __name__ == "__main__":
    main()
