"""Links between items across documents and meetings, each with its evidence and a confidence.

Kinds: ``agenda_minutes`` (an agenda item and the minute that records it), ``previous_minutes``
(a minute approving earlier minutes -> those minutes), ``report`` (a report -> the agenda item it
serves), ``action`` (one mention of an action point -> its next mention).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from datetime import date

from minutebook.model import ActionRecord, DocKind, Document, Item, Link, item_id

from .dates import find_dates

STOP = {"the", "of", "and", "a", "an", "to", "for", "on", "in", "from", "by", "with", "at", "be", "is",
        "item", "items", "report", "update", "updates", "verbal", "agreement", "any", "other"}

# "Minutes of the previous meeting", "Minutes of 11 February 2020", "minutes of the meeting held on ..."
PREVIOUS_MINUTES_RE = re.compile(
    r"""\b(?:approv\w*|agree\w*|confirm\w*|sign\w*|accept\w*|adopt\w*)?   # often with a verb
        [^.\n]{0,40}?
        \bminutes\s+of\s+(?:the\s+)?
        (?:(?:previous|last|parish\s+council|council|annual|board|ordinary)\s+)*
        (?:meeting\s+)?(?:held\s+)?(?:on\s+)?""",
    re.I | re.X,
)
# "Agenda Item 5.2", "Item 7", "agenda item no. 6"
AGENDA_REF_RE = re.compile(r"\b(?:agenda\s+)?item\s+(?:no\.?\s*)?(\d{1,2}(?:\.\d{1,2})?)\b", re.I)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{3,}", text.lower()) if w not in STOP}


def _similarity(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


def _last_number(number: str) -> str:
    parts = re.findall(r"\d+", number)
    return str(int(parts[-1])) if parts else number


def _top(doc: Document) -> list[tuple[int, Item]]:
    return [(i, it) for i, it in enumerate(doc.items) if not it.parent]


def agenda_minutes_links(meeting_docs: Sequence[Document]) -> Iterator[Link]:
    agendas = [d for d in meeting_docs if d.kind == DocKind.AGENDA]
    minutes = [d for d in meeting_docs if d.kind == DocKind.MINUTES]
    for ag in agendas:
        for mi in minutes:
            used: set[int] = set()
            for ai, a in _top(ag):
                best: tuple[float, int, Item] | None = None
                for mj, m in _top(mi):
                    if mj in used:
                        continue
                    sim = _similarity(a.title, m.title)
                    same_no = _last_number(a.number) == _last_number(m.number)
                    score = sim + (0.35 if same_no else 0.0)
                    if (sim >= 0.34 or (same_no and sim >= 0.15)) and (best is None or score > best[0]):
                        best = (score, mj, m)
                if best:
                    used.add(best[1])
                    yield Link(item_id(ag.id, ai), item_id(mi.id, best[1]), "agenda_minutes",
                               f"agenda item {a.number} \u201c{a.title[:80]}\u201d is minuted as "
                               f"{best[2].number} \u201c{best[2].title[:80]}\u201d",
                               round(min(0.95, 0.5 + best[0] / 2), 2))


def _dates_in(text: str, base: date | None) -> list[str]:
    return [m.value for m in find_dates(text, base)]


def previous_minutes_links(docs: Sequence[Document], minutes_by_body: Mapping[str, list[Document]],
                           body_of: Mapping[str, str]) -> Iterator[Link]:
    for d in docs:
        if d.kind not in (DocKind.MINUTES, DocKind.AGENDA) or not d.meeting_date:
            continue
        candidates = minutes_by_body.get(body_of[d.id], [])
        base = date.fromisoformat(d.meeting_date)
        for i, it in enumerate(d.items):
            head = it.title if len(it.title) > 20 else it.text[:300]
            m = PREVIOUS_MINUTES_RE.search(head)
            if not m:
                continue
            after = head[m.end():m.end() + 60]
            stated = [v for v in _dates_in(after, base) if v < d.meeting_date]
            target: Document | None = None
            conf = 0.9
            if stated:
                target = next((c for c in candidates if c.meeting_date == stated[0]), None)
            else:
                earlier = [c for c in candidates if c.meeting_date and c.meeting_date < d.meeting_date]
                target = max(earlier, key=lambda c: c.meeting_date or "") if earlier else None
                conf = 0.7
            if target is None or target.id == d.id or not target.items:
                continue
            yield Link(item_id(d.id, i), item_id(target.id, 0), "previous_minutes",
                       head[m.start():m.end() + 40].strip()[:160], conf)


def report_links(meeting_docs: Sequence[Document]) -> Iterator[Link]:
    agendas = [d for d in meeting_docs if d.kind == DocKind.AGENDA]
    if not agendas:
        return
    for rep in meeting_docs:
        if rep.kind not in (DocKind.REPORT, DocKind.APPENDIX):
            continue
        for ri, ritem in enumerate(rep.items or []):
            for m in AGENDA_REF_RE.finditer(ritem.title + "\n" + ritem.text[:200]):
                ref = m.group(1)
                for ag in agendas:
                    for ai, a in _top(ag):
                        if a.number.rstrip(".") in {ref, ref.split(".")[0]}:
                            yield Link(item_id(rep.id, ri), item_id(ag.id, ai), "report",
                                       m.group(0), 0.85 if a.number == ref else 0.7)
                            break
        # a report with no explicit reference: its title against agenda item titles
        if rep.title:
            best = max(((_similarity(rep.title, a.title), ag, ai, a) for ag in agendas for ai, a in _top(ag)),
                       key=lambda t: t[0], default=None)
            if best and best[0] >= 0.5 and rep.items:
                yield Link(item_id(rep.id, 0), item_id(best[1].id, best[2]), "report",
                           f"report \u201c{rep.title[:80]}\u201d matches agenda item {best[3].number}",
                           round(min(0.9, best[0]), 2))


def action_links(actions: Sequence[ActionRecord]) -> Iterator[Link]:
    for a in actions:
        steps = [s for s in a.history if s.item]
        for prev, nxt in zip(steps, steps[1:]):
            if prev.item != nxt.item:
                yield Link(prev.item or "", nxt.item or "", "action",
                           f"action {a.id}: {nxt.update[:140]}".strip(), 0.95)


def build_links(documents: Sequence[Document], meetings: Mapping[str, list[str]],
                body_keys: Mapping[str, str], actions: Sequence[ActionRecord]) -> list[Link]:
    """All links; ``meetings`` maps meeting id -> document ids, ``body_keys`` doc id -> body key."""
    by_id = {d.id: d for d in documents}
    links: list[Link] = []
    for doc_ids in meetings.values():
        mdocs = [by_id[i] for i in doc_ids if i in by_id]
        links.extend(agenda_minutes_links(mdocs))
        links.extend(report_links(mdocs))
    minutes_by_body: dict[str, list[Document]] = defaultdict(list)
    for d in documents:
        if d.kind == DocKind.MINUTES and d.meeting_date:
            minutes_by_body[body_keys[d.id]].append(d)
    links.extend(previous_minutes_links(documents, minutes_by_body, body_keys))
    links.extend(action_links(actions))
    seen: set[tuple[str, str, str]] = set()
    out = []
    for link in links:
        key = (link.source, link.target, link.kind)
        if key not in seen and link.source != link.target:
            seen.add(key)
            out.append(link)
    return out
