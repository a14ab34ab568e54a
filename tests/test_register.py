"""The cross-meeting action register over small hand-built documents."""

from __future__ import annotations

from minutebook.model import ActionMention, ActionStatus, DocKind, Document, Item, item_id
from nlp.register import build_actions

BODY = "Test Parish Council"


def mention(aid: str, desc: str, status: str = "open", update: str = "") -> ActionMention:
    return ActionMention(aid, aid, desc, "NO", ActionStatus(status), update, 1, 0, 10, "table_row")


def doc(date: str, *mentions: ActionMention, body: str = BODY) -> Document:
    d = Document(
        path=f"/x/{date}.pdf",
        sha256=date.replace("-", "") * 4,
        part=0,
        kind=DocKind.MINUTES,
        body=body,
        meeting_date=date,
        page_start=1,
        page_end=1,
        lines=[],
    )
    d.items = [Item("1", "Apologies", None, 1, 1, "..."), Item("2", "Actions", None, 1, 1, "...")]
    d.items[1].actions = list(mentions)
    return d


def test_raised_updated_closed() -> None:
    docs = [
        doc("2020-02-11", mention("02/01", "Louise to advise Rob of the date")),
        doc("2020-10-06", mention("02/01", "Louise to advise Rob of the date", "closed", "Closed.")),
    ]
    (rec,) = build_actions(list(reversed(docs)))  # input order does not matter
    assert (rec.id, rec.first_meeting, rec.closed_at, rec.status) == ("02/01", "2020-02-11", "2020-10-06", "closed")
    assert [h.meeting_date for h in rec.history] == ["2020-02-11", "2020-10-06"]
    assert rec.history[1].item == item_id(docs[1].id, 1) and rec.history[1].update == "Closed."
    assert rec.disappeared_after is None


def test_listed_twice_in_one_meeting_is_one_step() -> None:
    d = doc("2021-11-25", mention("Nov21.01", "NO to chase Kev"), mention("Nov21.01", "NO to chase Kev", update="x"))
    (rec,) = build_actions([d])
    assert len(rec.history) == 1 and rec.history[0].update == "x"


def test_reopened_after_closing_keeps_first_closure() -> None:
    docs = [
        doc("2021-11-25", mention("Nov21.04", "NO will write to Clive")),
        doc("2022-01-27", mention("Nov21.04", "NO will write to Clive", "closed")),
        doc("2022-03-31", mention("Nov21.04", "NO will write to Clive")),
    ]
    (rec,) = build_actions(docs)
    assert (rec.closed_at, rec.status) == ("2022-01-27", "open")


def test_disappeared_is_a_flag_not_a_closure() -> None:
    docs = [doc("2022-07-28", mention("July22.04", "AS to fix the gate")), doc("2022-11-24")]
    (rec,) = build_actions(docs)
    assert (rec.status, rec.closed_at, rec.disappeared_after) == ("open", None, "2022-07-28")


def test_id_reused_for_a_new_action() -> None:
    # the progress table closes the old action; the summary reuses its ID for a new one
    docs = [
        doc("2017-09-14", mention("09.17.08", "KD to provide defibrillator information")),
        doc(
            "2017-11-23",
            mention("09.17.08", "KD to provide defibrillator information", "closed", "Completed"),
            mention("09.17.08", "CF to invite Ian Jones (SCAS) to next meeting"),
        ),
        doc("2018-01-18", mention("09.17.08", "CF to invite Ian Jones (SCAS) to next meeting", "closed")),
    ]
    old, new = build_actions(docs)
    assert (old.first_meeting, old.closed_at) == ("2017-09-14", "2017-11-23")
    assert (new.first_meeting, new.closed_at) == ("2017-11-23", "2018-01-18")
    assert [h.meeting_date for h in new.history] == ["2017-11-23", "2018-01-18"]


def test_bodies_and_unnumbered_mentions_are_kept_apart() -> None:
    docs = [
        doc("2020-01-01", mention("01.20.01", "A to do x"), body="One PC"),
        doc("2020-01-02", mention("01.20.01", "B to do y"), mention("", "Clerk to write"), body="Two PC"),
    ]
    recs = build_actions(docs)
    assert sorted((r.body, r.id) for r in recs) == [("One PC", "01.20.01"), ("Two PC", "01.20.01")]


def test_id_renumbered_at_its_own_month_starts_a_new_action() -> None:
    # numbering restarted at the second September meeting: its summary reuses Sept21.01
    land = "NO to progress registration of the playing fields with Land Registry"
    party = "NO will arrange for a working party to remove the remaining playground equipment"
    docs = [
        doc("2021-09-02", mention("Sept21.01", land)),
        doc("2021-09-30", mention("Sept21.01", land, update="Paperwork sent"), mention("Sept21.01", party)),
        doc("2021-11-25", mention("Sept21.01", party, update="On-going")),
    ]
    old, new = build_actions(docs)
    assert [h.meeting_date for h in old.history] == ["2021-09-02", "2021-09-30"]
    assert [h.meeting_date for h in new.history] == ["2021-09-30", "2021-11-25"]
    assert new.description == party


def test_follow_up_task_under_an_old_id_stays_one_action() -> None:
    # a later summary re-lists a March ID with a follow-up task: the same action point
    docs = [
        doc("2019-03-28", mention("03.19.04(2)", "JH to arrange purchase of speeding signs")),
        doc(
            "2019-05-23",
            mention("03.19.04(2)", "JH to arrange purchase of speeding signs", update="Ordered"),
            mention("03.19.04(2)", "CF to remind Cllr Fatemian of the contact at OCC"),
        ),
    ]
    (rec,) = build_actions(docs)
    assert [h.meeting_date for h in rec.history] == ["2019-03-28", "2019-05-23"]


def test_actions_outside_items_count_with_no_item() -> None:
    first = doc("2022-01-27", mention("Jan22.02", "CF to renew the insurance"))
    later = doc("2022-03-31")
    later.items[1].actions = []
    later.actions = [mention("Jan22.02", "CF to renew the insurance", "closed", "Completed")]
    (rec,) = build_actions([first, later])
    assert rec.closed_at == "2022-03-31"
    assert rec.history[-1].item is None and rec.history[-1].document == later.id
