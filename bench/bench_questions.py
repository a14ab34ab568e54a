#!/usr/bin/env python3
"""Gold-question benchmark: success@5, MRR and latency of ``SearchIndex`` itself, in seconds.

usage: bench/bench_questions.py DATA [--gold QUESTIONS.json] [--rebuild] [--rounds N] [--fails]

Asks every gold question (its keyword ``query`` and its natural ``question``) straight through
:class:`search_app.index.SearchIndex` on the data directory ``DATA`` (no web server), scores the
hits with the independent scorer (``score_search`` / ``hit_matches`` imported from
``../shared/eval/score.py``, so a hit means the same here as there) and times each query.
``--rebuild`` first rebuilds ``DATA``'s index from its store with the current ``items_for_index``
(point it at a copy: it writes). A benchmark, never a test; the figures it prints are the ones to
compare with ``../shared/eval/run-dev.sh``, which adds HTTP and JSON on top.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import time
from dataclasses import asdict
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search_app.index import SearchIndex, items_for_index  # noqa: E402

SHARED = ROOT.parent / "shared"


def load_scorer(path: Path = SHARED / "eval" / "score.py") -> ModuleType:
    """The evaluation's own scorer module, imported from its path."""
    spec = importlib.util.spec_from_file_location("mb_eval_score", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot import the scorer at {path}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def rebuild(data: Path) -> int:
    """Rebuild ``data``'s index from its store, as ``minutebook reindex`` would."""
    from minutebook.store import Store

    store = Store(data)
    meeting_of = store.derived("meeting_of") or {}
    rows = [row for d in store.documents() for row in items_for_index(d, meeting_of.get(d.id))]
    generation = store.generation()
    store.close()
    return SearchIndex(data).rebuild(rows, generation)


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(p / 100 * len(s)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path, help="data directory with a store and a whoosh index")
    ap.add_argument("--gold", type=Path, default=SHARED / "gold" / "questions.json")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the index from the store first (writes!)")
    ap.add_argument("--rounds", type=int, default=3, help="timed rounds over the keyword queries")
    ap.add_argument("--limit", type=int, default=10)
    ap.add_argument("--fails", action="store_true", help="list every question that misses the top five")
    args = ap.parse_args()

    if args.rebuild:
        t = time.perf_counter()
        n = rebuild(args.data)
        print(f"rebuilt {n} items in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    scorer = load_scorer()
    gold = json.loads(args.gold.read_text())
    index = SearchIndex(args.data)

    results: dict[str, dict[str, list[dict[str, Any]]]] = {}
    latency: list[float] = []

    def ask(q: str) -> list[dict[str, Any]]:
        t = time.perf_counter()
        hits = index.search(q, limit=args.limit).hits
        latency.append((time.perf_counter() - t) * 1000)
        return [asdict(h) for h in hits]

    for q in gold["questions"]:
        results[q["id"]] = {m: ask(q[m]) for m in ("query", "question")}
    # like drive_search.py: repeat the keyword queries for a steadier latency figure
    for _ in range(args.rounds):
        for q in gold["questions"]:
            ask(q["query"])
    scores = scorer.score_search(results, gold)
    out = {m: {"success_at_5": scores[m]["success_at_5"], "mrr": scores[m]["mrr"]} for m in ("query", "question")}
    out["latency_ms"] = {"p50": round(statistics.median(latency), 1), "p95": round(percentile(latency, 95), 1),
                         "max": round(max(latency), 1), "n": len(latency)}
    print(json.dumps(out))
    if args.fails:
        for q in gold["questions"]:
            for m in ("query", "question"):
                hits = results[q["id"]][m]
                rank = next((i + 1 for i, h in enumerate(hits) if any(scorer.hit_matches(h, a) for a in q["answers"])),
                            None)
                if not rank or rank > 5:
                    top = [f"{Path(h['path']).name[:40]}#{h['item_number']}" for h in hits[:3]]
                    print(f"{q['id']:6} {m:8} rank={rank} {q[m]!r} top={top}")


if __name__ == "__main__":
    main()
