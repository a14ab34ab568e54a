"""The cross-meeting action register: one :class:`ActionRecord` per action point per body.

Input is documents whose items already carry ``actions`` (:class:`ActionMention`) and whose
``meeting_date`` is known. Mentions with no printed ID are left out: nothing ties them to a
later meeting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from minutebook.model import (
    ActionMention,
    ActionRecord,
    ActionStatus,
    ActionStep,
    DocKind,
    Document,
    item_id,
)

# Two descriptions sharing less than this share of their words are different actions.
SAME_ACTION_MIN_OVERLAP = 0.2

_STOP = frozenset(
    "the a an to of and or for in on at with by from be will is are was were this that it its "
    "re regarding as all next meeting".split()
)


def _words(text: str) -> set[str]:
    words = {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP and len(w) > 1}
    return words


def _overlap(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 1.0  # nothing to compare: assume the same action
    return len(wa & wb) / min(len(wa), len(wb))


@dataclass
class _Seen:
    """One action ID's mentions at one meeting."""

    doc: Document
    item: str | None
    mention: ActionMention
    order: int


@dataclass
class _Building:
    record: ActionRecord
    descriptions: list[str] = field(default_factory=list)


def _meeting_key(doc: Document) -> str:
    return doc.meeting_date or ""


def build_actions(documents: Sequence[Document]) -> list[ActionRecord]:
    """Group action mentions by (body, canonical ID) into records with one step per meeting.

    Status is as of the latest meeting that mentions the action; ``closed_at`` is the first
    meeting that records it closed; ``disappeared_after`` is the last meeting that mentioned an
    open action when a later minutes of the same body no longer does (a flag, not a closure).
    An ID printed for two different actions at one meeting (one row closed, another row with
    other words still open) starts a second record, so an ID may appear twice in the result.
    """
    # meetings in date order; documents with no date keep their input order after the dated ones
    order = sorted(
        range(len(documents)),
        key=lambda i: (documents[i].meeting_date is None, _meeting_key(documents[i]), i),
    )
    per_meeting: dict[tuple[str | None, str | None, str], list[_Seen]] = {}
    meeting_order: list[tuple[str | None, str | None, str]] = []
    n = 0
    for i in order:
        doc = documents[i]
        # actions outside any numbered item (a table before the first item) come first
        placed: list[tuple[str | None, ActionMention]] = [(None, m) for m in doc.actions]
        placed += [(item_id(doc.id, index), m) for index, item in enumerate(doc.items) for m in item.actions]
        for where, mention in placed:
            if not mention.id:
                continue
            key = (doc.body, doc.meeting_date or f"doc:{doc.id}", mention.id)
            if key not in per_meeting:
                per_meeting[key] = []
                meeting_order.append(key)
            per_meeting[key].append(_Seen(doc, where, mention, n))
            n += 1

    records: dict[tuple[str | None, str], list[_Building]] = {}
    result: list[_Building] = []
    for meeting_key in meeting_order:
        body, _, action_id = meeting_key
        seen = per_meeting[meeting_key]
        chains = records.setdefault((body, action_id), [])
        for group in _split_same_meeting(seen, chains):
            target = _match_chain(chains, group)
            if target is None:
                first = group[0].mention
                target = _Building(
                    ActionRecord(
                        id=action_id,
                        body=body,
                        description=first.description,
                        owner=first.owner,
                        status=first.status,
                        first_meeting=group[0].doc.meeting_date,
                        closed_at=None,
                    )
                )
                chains.append(target)
                result.append(target)
            _add_step(target, group)

    last_minutes = _last_minutes_by_body(documents)
    out = []
    for b in result:
        rec = b.record
        last = rec.history[-1]
        rec.status = last.status
        latest = last_minutes.get(rec.body)
        if rec.status == ActionStatus.OPEN and last.meeting_date and latest is not None and latest > last.meeting_date:
            rec.disappeared_after = last.meeting_date
        out.append(rec)
    return out


def _split_same_meeting(seen: list[_Seen], chains: list[_Building]) -> list[list[_Seen]]:
    """Mentions of one ID at one meeting, split when they are plainly two different actions.

    The usual case is one action listed twice (progress table and summary): one group. Two
    groups when the rows' words differ and one row is closed while another stays open (the ID
    was reused for a new action), when a new ID is printed on two unrelated rows, or when the ID
    names this meeting's month and one row carries on an earlier record while another row's
    words share nothing with it (the numbering restarted and reused the ID). A later meeting's
    summary that re-lists an old ID with a follow-up task stays one action.
    """
    groups: list[list[_Seen]] = []
    for s in seen:
        for g in groups:
            if _overlap(g[0].mention.description, s.mention.description) >= SAME_ACTION_MIN_OVERLAP:
                g.append(s)
                break
        else:
            groups.append([s])
    if len(groups) == 1:
        return groups
    statuses = [{s.mention.status for s in g} for g in groups]
    closed_and_open = any(ActionStatus.CLOSED in st for st in statuses) and any(
        st == {ActionStatus.OPEN} for st in statuses
    )
    if closed_and_open or not chains:
        # the record carried from earlier meetings takes the closed row; the new one starts after
        return sorted(groups, key=lambda g: ActionStatus.CLOSED not in {s.mention.status for s in g})
    if _issued_at(seen[0].mention.id, seen[0].doc.meeting_date):
        earlier = [d for c in chains for d in c.descriptions]
        carried = [g for g in groups if any(_overlap(d, g[0].mention.description) >= SAME_ACTION_MIN_OVERLAP
                                            for d in earlier)]
        fresh = [g for g in groups if g not in carried]
        if carried and fresh:
            return [[s for g in carried for s in g], [s for g in fresh for s in g]]
    return [[s for g in groups for s in g]]


# The month (and year) an action ID names: "Sept21.01", "09.21.05" (minute number MM.YY.NN).
_ID_MONTH_RE = re.compile(
    r"""
    ^(?:(?P<word>[A-Za-z]{3})[A-Za-z]*[ ]?(?P<wyear>\d{2})\.   # month-name scheme
      | (?P<month>\d{2})\.(?P<year>\d{2})\.\d{2})            # minute-number scheme
    """,
    re.VERBOSE,
)
_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()


def _issued_at(action_id: str, meeting_date: str | None) -> bool:
    """True when the ID names the month and year of this meeting, so it may be issued here."""
    m = _ID_MONTH_RE.match(action_id)
    if m is None or not meeting_date or len(meeting_date) < 7:
        return False
    if m.group("word"):
        word = m.group("word").lower()
        if word not in _MONTHS:
            return False
        month, year = _MONTHS.index(word) + 1, int(m.group("wyear"))
    else:
        month, year = int(m.group("month")), int(m.group("year"))
    return meeting_date[2:4] == f"{year:02d}" and meeting_date[5:7] == f"{month:02d}"


def _match_chain(chains: list[_Building], group: list[_Seen]) -> _Building | None:
    """The record this meeting's mentions continue: the most similar, else the newest."""
    if not chains:
        return None
    meeting = group[0].doc.meeting_date
    free = [c for c in chains if not c.record.history or c.record.history[-1].meeting_date != meeting]
    if not free:
        return None
    if len(free) == 1:
        return free[0]
    desc = group[0].mention.description
    best = max(free, key=lambda c: (max((_overlap(d, desc) for d in c.descriptions), default=0), chains.index(c)))
    return best


def _add_step(b: _Building, group: list[_Seen]) -> None:
    rec = b.record
    closed = any(s.mention.status == ActionStatus.CLOSED for s in group)
    status = ActionStatus.CLOSED if closed else ActionStatus.OPEN
    update = next((s.mention.update for s in group if s.mention.update), "")
    first = group[0]
    rec.history.append(
        ActionStep(
            meeting_date=first.doc.meeting_date,
            document=first.doc.id,
            item=first.item,
            status=status,
            update=update,
            page=first.mention.page,
            evidence=first.mention.raw,
        )
    )
    for s in group:
        if s.mention.description:
            b.descriptions.append(s.mention.description)
        if not rec.description and s.mention.description:
            rec.description = s.mention.description
        if rec.owner is None and s.mention.owner:
            rec.owner = s.mention.owner
    if closed and rec.closed_at is None:
        rec.closed_at = first.doc.meeting_date


def _last_minutes_by_body(documents: Sequence[Document]) -> dict[str | None, str]:
    out: dict[str | None, str] = {}
    for doc in documents:
        if doc.kind == DocKind.MINUTES and doc.meeting_date:
            if doc.meeting_date > out.get(doc.body, ""):
                out[doc.body] = doc.meeting_date
    return out
