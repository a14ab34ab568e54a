#!/usr/bin/env python3
"""Search benchmark: index build time and p50/p95 query latency at 10k, 100k (and 1M) items.

usage: bench/bench_search.py [--source DATA] [--sizes 10000,100000] [--work DIR] [--api] [--cache]
                             [--tantivy [--no-whoosh]]

The scale-up corpus is synthesised from the items of a real store (``--source``, a data directory
that ``minutebook ingest`` filled from ../shared/corpus): each pass over the real items is one
variation with its sentences shuffled, its meeting date shifted and its ids renamed, so term
statistics stay those of council papers while the count grows. Each size gets a fresh whoosh index
built through ``SearchIndex.rebuild`` (the code path ``minutebook reindex`` uses), then a fixed
mixed query set (words, phrases, boolean, prefix, field filters, date ranges) is run against it.
``--api`` also times ``GET /api/search`` through the Flask app over the source store itself.
Searches are timed with the answer cache off (``--cache`` adds a pass with it on); ``--tantivy``
times the same rows and queries through the tantivy engine Minutebook ships (``TantivySearchIndex``,
``--engine tantivy``), built the same way; ``--no-whoosh`` leaves whoosh out.
Prints one JSON object; a benchmark, never a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from minutebook.store import Store  # noqa: E402
from search_app.index import IndexedItem, SearchIndex, items_for_index  # noqa: E402

# A fixed mixed query set: the shapes people type, over words every council corpus has.
QUERIES: dict[str, list[str]] = {
    "word": ["planning", "budget", "library", "highways", "grant", "precept", "volunteers", "minutes"],
    "words": ["car park", "parish council meeting", "planning application", "library opening hours",
              "road safety speed", "financial report accounts"],
    "phrase": ['"planning application"', '"parish council"', '"annual report"', '"the chairman"'],
    "boolean": ["budget AND grant", "planning OR highways", "library NOT closure", "(trees OR hedges) AND footpath"],
    "prefix": ["plan*", "fund*", "volunt*"],
    "field": ["kind:minutes planning", "kind:agenda", "title:finance", "outcome:resolved",
              "body:parish budget", "number:1"],
    "date": ["date:2018 planning", "date:2016..2018 budget", "date:2017-03..2017-09", "date:2019-01-01.. grant"],
}

SENTENCE_RE = re.compile(r"(?<=[.!?])\s+|\n+")  # sentence or line breaks, whichever the item uses


def default_source() -> Path:
    """Our own sample ingest of the dev corpus (a store another run owns may be rebuilt under it)."""
    cand = ROOT / "scratch" / "bench" / "src"
    if (cand / "minutebook.sqlite3").exists():
        return cand
    raise SystemExit(f"no source store: run `minutebook ingest ../shared/corpus/... --no-ner --data {cand}` "
                     "or pass --source")


def real_items(source: Path) -> list[IndexedItem]:
    """Every index row of the source store, as ``minutebook reindex`` would write them."""
    store = Store(source)
    meeting_of = store.derived("meeting_of") or {}
    rows = [row for d in store.documents() for row in items_for_index(d, meeting_of.get(d.id))]
    store.close()
    if not rows:
        raise SystemExit(f"no items in {source}")
    return rows


def _shift(iso: str, days: int) -> str:
    try:
        return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()
    except ValueError:
        return iso


def synthesise(base: list[IndexedItem], n: int, seed: int = 7) -> Iterator[IndexedItem]:
    """``n`` rows: the real ones, then variations (shuffled sentences, shifted dates, new ids)."""
    for k in range(n):
        row = base[k % len(base)]
        variant = k // len(base)
        if variant == 0:
            yield row
            continue
        rng = random.Random(seed * 1_000_003 + k)
        parts = [p for p in SENTENCE_RE.split(row.text) if p.strip()]
        rng.shuffle(parts)
        yield replace(
            row,
            item_id=f"{row.item_id}~{variant}",
            document_id=f"{row.document_id}~{variant}",
            meeting_id=f"{row.meeting_id}~{variant}" if row.meeting_id else "",
            text=" ".join(parts),
            # whole weeks keep weekday-bound wording plausible; spread variants over ~20 years
            meeting_date=_shift(row.meeting_date, 7 * rng.randint(-520, 520)) if row.meeting_date else "",
        )


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


def time_queries(run: object, rounds: int) -> dict[str, object]:
    """Latency in ms per query shape and overall; one warm-up round first (not counted)."""
    flat = [(shape, q) for shape, qs in QUERIES.items() for q in qs]
    for _, q in flat:
        run(q)  # type: ignore[operator]
    per_shape: dict[str, list[float]] = {s: [] for s in QUERIES}
    totals: dict[str, int] = {}
    for _ in range(rounds):
        for shape, q in flat:
            t = time.perf_counter()
            totals[q] = run(q)  # type: ignore[operator]
            per_shape[shape].append((time.perf_counter() - t) * 1000)
    every = [v for vs in per_shape.values() for v in vs]
    return {
        "queries": len(flat), "rounds": rounds,
        "p50_ms": round(statistics.median(every), 2), "p95_ms": round(percentile(every, 95), 2),
        "max_ms": round(max(every), 2),
        "by_shape": {s: {"p50_ms": round(statistics.median(v), 2), "p95_ms": round(percentile(v, 95), 2)}
                     for s, v in per_shape.items()},
        "matches": totals,
    }


def _build_and_time(index: Any, base: list[IndexedItem], n: int, rounds: int, reuse: bool, cached: bool,
                    out: dict[str, object]) -> None:
    """Build ``index`` from ``n`` synthetic rows (unless ``reuse`` finds a healthy one), then time
    the query mix on it, into ``out``: the same steps for every engine."""
    if reuse and index.exists() and index.is_healthy():
        out["build_s"] = None
    else:
        t = time.perf_counter()
        built = index.rebuild(synthesise(base, n), generation=1)
        out["build_s"] = round(time.perf_counter() - t, 1)
        assert built == n
    # every timed search computed afresh: the answer cache off (the per-term arrays a first
    # search reads stay, as in a running server; the warm-up round fills them)
    index.cache_size = 0
    t = time.perf_counter()
    index.search("budget", limit=10)
    out["first_search_s"] = round(time.perf_counter() - t, 2)
    out.update(time_queries(lambda q: index.search(q, limit=10).total, rounds))
    if cached:
        index.cache_size = 256
        again = time_queries(lambda q: index.search(q, limit=10).total, rounds)
        out["cached"] = {"p50_ms": again["p50_ms"], "p95_ms": again["p95_ms"], "max_ms": again["max_ms"]}


def _size_mb(folder: Path) -> float:
    return round(sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20, 1)


def bench_size(base: list[IndexedItem], n: int, work: Path, rounds: int, reuse: bool,
               cached: bool = False) -> dict[str, object]:
    """The query mix on the whoosh engine (``SearchIndex``) at ``n`` items."""
    ix_dir = work / f"items-{n}"
    index = SearchIndex(ix_dir, synonyms=None)
    out: dict[str, object] = {"items": n}
    _build_and_time(index, base, n, rounds, reuse, cached, out)
    out["index_mb"] = _size_mb(ix_dir / "whoosh")
    return out


def bench_tantivy(base: list[IndexedItem], n: int, work: Path, rounds: int, reuse: bool,
                  cached: bool = False) -> dict[str, object]:
    """The same rows and query mix through the shipped tantivy engine (``TantivySearchIndex``,
    what ``--engine tantivy`` selects), built through its ``rebuild`` as ``minutebook reindex`` does."""
    import tantivy

    from search_app.tantivy_index import INDEX_DIRNAME, TantivySearchIndex

    ix_dir = work / f"items-{n}"
    index = TantivySearchIndex(ix_dir, synonyms=None)
    out: dict[str, object] = {"items": n, "engine": str(tantivy.__version__),
                              "load_avg_before": [round(x, 2) for x in os.getloadavg()]}
    _build_and_time(index, base, n, rounds, reuse, cached, out)
    out["rows"] = index.doc_count()  # items plus passage rows of long items
    out["index_mb"] = _size_mb(ix_dir / INDEX_DIRNAME)
    out["load_avg_after"] = [round(x, 2) for x in os.getloadavg()]
    return out


def bench_api(source: Path, rounds: int) -> dict[str, object]:
    """``GET /api/search`` through the Flask app (test client: no socket) over the source store."""
    from minutebook.searching import open_index
    from search_app.app import create_app

    open_index(source)
    client = create_app({"DATA_DIR": str(source), "TESTING": True}).test_client()

    def run(q: str) -> int:
        res = client.get("/api/search", query_string={"q": q})
        assert res.status_code == 200, (q, res.status_code)
        return int(res.get_json()["total"])

    out = time_queries(run, rounds)
    out["items"] = SearchIndex(source).doc_count()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, default=None, help="data directory of a real ingest")
    ap.add_argument("--sizes", default="10000,100000", help="comma-separated item counts")
    ap.add_argument("--work", type=Path, default=ROOT / "scratch" / "bench" / "search")
    ap.add_argument("--rounds", type=int, default=5, help="timed rounds over the query set")
    ap.add_argument("--reuse", action="store_true", help="reuse an index already built at a size")
    ap.add_argument("--api", action="store_true", help="also time /api/search over the source store")
    ap.add_argument("--cache", action="store_true", help="also time repeated queries with the answer cache on")
    ap.add_argument("--tantivy", action="store_true",
                    help="also time the tantivy engine (TantivySearchIndex) on the same rows and queries")
    ap.add_argument("--no-whoosh", action="store_true", help="skip whoosh (with --tantivy: tantivy alone)")
    args = ap.parse_args()

    source = args.source or default_source()
    base = real_items(source)
    result: dict[str, object] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
                    "load_avg": [round(x, 2) for x in os.getloadavg()]},
        "source": {"data": str(source), "items": len(base)},
        "engine": "whoosh-reloaded 2.7.5",
        "sizes": [],
    }
    for n in (int(s) for s in args.sizes.split(",") if s):
        runs = [] if args.no_whoosh else [("sizes", lambda n=n: bench_size(base, n, args.work, args.rounds,
                                                                           args.reuse, args.cache))]
        if args.tantivy:
            runs.append(("tantivy", lambda n=n: bench_tantivy(base, n, args.work, args.rounds, args.reuse,
                                                              args.cache)))
        for key, fn in runs:
            r = fn()
            result.setdefault(key, []).append(r)  # type: ignore[attr-defined]
            print(json.dumps({k: v for k, v in r.items() if k != "matches"}), file=sys.stderr, flush=True)
    if args.api:
        result["api"] = bench_api(source, args.rounds)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    json.dump(result, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
