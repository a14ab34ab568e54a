#!/usr/bin/env python3
"""Score an export's decisions against the hand-checked sample in tests/data/decisions_checked.json.

usage: bench/score_decisions.py EXPORT.json [--misses]
EXPORT is `minutebook export` of a store holding the sample's papers (the whole dev corpus, or
just those 14 papers: decisions depend on no other paper). A gold decision matches a predicted
one in the same item (or its parent, or on the same page) when at least 60% of the words of one
are in the other; pairs are one to one. Precision counts a prediction right when it matches any
gold decision. Outcome accuracy allows the second outcome a reader could defend (``accept``);
mover/seconder compare surnames. Prints one JSON object; a measurement, never a test.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "decisions_checked.json"
MATCH_SHARE = 0.6


def _words(s: str | None) -> list[str]:
    return re.findall(r"[a-z0-9]+", (s or "").lower())


def _item(n: str | None) -> str | None:
    return re.sub(r"[^0-9a-z/.-]", "", n.lower()) if n else None


def _overlap(gold: str, pred: str) -> float:
    g, p = set(_words(gold)), set(_words(pred))
    if not g or not p:
        return 0.0
    common = len(g & p)
    return max(common / len(g), common / len(p) if len(p) >= 5 else 0.0)


def _matches(g: dict[str, Any], p: dict[str, Any]) -> float:
    same_place = g["item"] is None or _item(g["item"]) in (_item(p["item"]), _item(p["parent"])) \
        or g["page"] == p["page"]
    share = _overlap(g["quote"], p["text"])
    return share if same_place and share >= MATCH_SHARE else 0.0


def predictions(export: dict[str, Any], documents: set[str]) -> dict[str, list[dict[str, Any]]]:
    """Each sample paper's predicted decisions, with the item they sit in."""
    out: dict[str, list[dict[str, Any]]] = {}
    for doc in export["documents"]:
        rel = doc["path"].split("/corpus/", 1)[-1]
        if rel in documents:
            for it in doc["items"]:
                out.setdefault(rel, []).extend(
                    {"item": it["number"], "parent": it.get("parent"), "page": d.get("page") or it["page_start"],
                     "text": d["text"], "outcome": d["outcome"], "mover": d.get("mover"),
                     "seconder": d.get("seconder")} for d in it["decisions"])
    return out


def score(sample: list[dict[str, Any]], preds: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    n_gold = n_pred = matched = right = outcome_ok = 0
    mover, seconder = [0, 0], [0, 0]
    misses: list[list[Any]] = []
    for doc in sample:
        golds, found = doc["decisions"], preds.get(doc["document"], [])
        n_gold, n_pred = n_gold + len(golds), n_pred + len(found)
        used: set[int] = set()
        for g in golds:
            best = max(((_matches(g, p), k) for k, p in enumerate(found) if k not in used), default=(0.0, -1))
            if best[0] == 0.0:
                misses.append([doc["document"], g["item"], g["quote"][:90]])
                continue
            p = found[best[1]]
            used.add(best[1])
            matched += 1
            outcome_ok += p["outcome"] in (g["outcome"], *g.get("accept", []))
            for key, tally in (("mover", mover), ("seconder", seconder)):
                if g.get(key):
                    tally[1] += 1
                    tally[0] += (_words(g[key]) or [""])[-1] == (_words(p.get(key)) or [""])[-1]
        right += sum(1 for p in found if any(_matches(g, p) for g in golds))

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 3) if b else None

    return {"precision": ratio(right, n_pred), "recall": ratio(matched, n_gold),
            "outcome_accuracy": ratio(outcome_ok, matched), "mover_accuracy": ratio(*mover),
            "seconder_accuracy": ratio(*seconder),
            "counts": {"gold": n_gold, "predicted": n_pred, "matched": matched, "mover": mover, "seconder": seconder},
            "misses": misses}


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if not args:
        sys.exit(__doc__)
    sample = json.loads(SAMPLE.read_text())["documents"]
    export = json.loads(Path(args[0]).read_text())
    result = score(sample, predictions(export, {d["document"] for d in sample}))
    if "--misses" not in sys.argv:
        result.pop("misses")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
