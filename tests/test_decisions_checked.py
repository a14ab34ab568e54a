"""Decisions on real minutes against a hand-checked sample (tests/data/decisions_checked.json).

The sample lists every decision a reader finds in 14 minutes from every body of the dev corpus
(rule in the JSON). Here four of those papers go through the real pipeline steps again and the
recall and outcome accuracy on their hand-read decisions must stay at or above a floor a little
below what was measured, so a regression in reading, items or nlp.decisions fails.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import corpus_file

from ingest.layout import strip_running_lines
from ingest.packs import split_documents
from ingest.reader import read_file
from minutebook.model import Decision, Item
from minutebook.pipeline import process_document

CHECKED = Path(__file__).parent / "data" / "decisions_checked.json"

# paper -> (recall floor, outcome accuracy floor): measured on this sample minus about 0.1
FLOORS = {
    "stokeferry-parish-minutes-md/2016-07_wereham-parish-council-draft-minutes-subject-to-the-approval-"
    "at-the-next-meeting-extraordinary-paris.md": (0.65, 0.9),
    "souldern-parish-council/minutes/2013-07-18 SPC minutes.pdf": (0.3, 0.9),
    "alameda-city-minutes/CityCouncil/2014-01-07.pdf": (0.45, 0.9),
    "kent-county-council/cabinet/2025-01-30/Minutes of the meeting held on 9th January 2025.pdf": (0.7, 0.85),
}


def _tokens(s: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", s.lower()))


def _overlap(gold: str, pred: str) -> float:
    """Share of the gold quote's words in the prediction, or of a prediction's (5+ words) in the quote."""
    g, p = _tokens(gold), _tokens(pred)
    if not g or not p:
        return 0.0
    inter = len(g & p)
    return max(inter / len(g), inter / len(p) if len(p) >= 5 else 0.0)


def _norm(number: str | None) -> str | None:
    return re.sub(r"[^0-9a-z/.-]", "", number.lower()) if number else None


def _decisions(rel: str) -> list[tuple[Item, Decision]]:
    path = corpus_file(rel)
    src = read_file(path, path.read_bytes(), ocr=False)
    src.lines = strip_running_lines(src.lines)
    docs = [process_document(doc, None) for doc in split_documents(src)]
    return [(it, d) for doc in docs for it in doc.items for d in it.decisions]


def _match(gold: list[dict], preds: list[tuple[Item, Decision]]) -> list[tuple[dict, Decision | None]]:
    """Each gold decision with its best unused prediction in the same item or page (overlap >= 0.6)."""
    used: set[int] = set()
    out: list[tuple[dict, Decision | None]] = []
    for g in gold:
        best: tuple[float, int] | None = None
        for k, (it, d) in enumerate(preds):
            same = (g["item"] is None or _norm(g["item"]) in (_norm(it.number), _norm(it.parent))
                    or g["page"] == d.page)
            ov = _overlap(g["quote"], d.text)
            if k not in used and same and ov >= 0.6 and (best is None or ov > best[0]):
                best = (ov, k)
        if best is not None:
            used.add(best[1])
        out.append((g, preds[best[1]][1] if best else None))
    return out


@pytest.fixture(scope="module")
def checked() -> dict:
    return json.loads(CHECKED.read_text())


def test_checked_sample_is_well_formed(checked: dict) -> None:
    outcomes = {"resolved", "agreed", "approved", "noted", "carried", "lost", "deferred", "rejected", "other"}
    docs = checked["documents"]
    assert len(docs) >= 12 and sum(len(d["decisions"]) for d in docs) >= 100
    for d in docs:
        for g in d["decisions"]:
            assert g["outcome"] in outcomes and set(g.get("accept", [])) <= outcomes
            assert 0 < len(g["quote"]) < 200
    assert set(FLOORS) <= {d["document"] for d in docs}


@pytest.mark.parametrize("rel", list(FLOORS), ids=["wereham", "souldern", "alameda-council", "kent-cabinet"])
def test_decisions_recall_and_outcome(checked: dict, rel: str) -> None:
    gold = next(d["decisions"] for d in checked["documents"] if d["document"] == rel)
    pairs = _match(gold, _decisions(rel))
    found = [(g, d) for g, d in pairs if d is not None]
    recall = len(found) / len(gold)
    right = sum(d.outcome.value == g["outcome"] or d.outcome.value in g.get("accept", []) for g, d in found)
    recall_floor, outcome_floor = FLOORS[rel]
    missed = [g["quote"][:60] for g, d in pairs if d is None]
    assert recall >= recall_floor, f"recall {recall:.2f} < {recall_floor}; missed {missed}"
    assert right / len(found) >= outcome_floor
