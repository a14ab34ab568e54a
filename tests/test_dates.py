"""Dates: candidate patterns, dateparser normalisation, year resolution and traps."""

from __future__ import annotations

import datetime as dt

import pytest

from nlp.dates import find_dates

BASE = dt.date(2020, 10, 6)


def values(text: str, base: dt.date | None = BASE) -> list[tuple[str, str]]:
    return [(m.value, m.label) for m in find_dates(text, base)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("23rd February 2023", [("2023-02-23", "date")], id="ordinal"),
        pytest.param("Thursday, 30th January, 2025", [("2025-01-30", "date")], id="weekday-commas"),
        pytest.param("March 15, 2011", [("2011-03-15", "date")], id="us-order"),
        pytest.param("06/10/2020", [("2020-10-06", "date")], id="day-first-slash"),
        pytest.param("paid 15.07.2017", [("2017-07-15", "date")], id="day-first-dots"),
        pytest.param("w/e 20/01/18", [("2018-01-20", "date")], id="two-digit-year"),
        pytest.param("3 rd November 2017", [("2017-11-03", "date")], id="split-ordinal"),
        pytest.param("27thSeptember 2018", [("2018-09-27", "date")], id="run-together"),
        pytest.param("by the end of March 2021", [("2021-03-31", "month")], id="end-of-month"),
        pytest.param("in June 2020", [("2020-06-01", "month")], id="month-year"),
        pytest.param("3-9 February 2020", [("2020-02-03", "range_start"), ("2020-02-09", "range_end")], id="range"),
        pytest.param("Q3 2020", [("2020-07-01", "quarter")], id="quarter-year"),
        pytest.param("Q4 2019/20", [("2020-01-01", "quarter")], id="quarter-of-fy"),
        pytest.param("the 2019/20 budget", [("2019-04-01", "fy")], id="financial-year"),
        pytest.param("FY 20/21", [("2020-04-01", "fy")], id="fy-marked"),
    ],
)
def test_patterns(text: str, expected: list[tuple[str, str]]) -> None:
    assert values(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Tel: 01223 457644", id="phone"),
        pytest.param("call 03000 414043", id="phone-0300"),
        pytest.param("02.23.05 Clerks Report", id="item-number"),
        pytest.param("205/18 Planning", id="running-minute"),
        pytest.param("see item 5.3", id="sub-item"),
        pytest.param("£32k for 20/21", id="bare-two-digit-fy"),
        pytest.param("17/01686/F Souldern Manor", id="planning-ref"),
        pytest.param("10:00-11:50", id="times"),
        pytest.param("£588.00 on 2.50", id="amounts"),
        pytest.param("Item 5 may be deferred", id="may-verb"),
        pytest.param("31 February 2020", id="impossible-day"),
        pytest.param("2019/21", id="not-consecutive-years"),
    ],
)
def test_traps(text: str) -> None:
    assert values(text) == []


def test_no_year_forward_after_next_meeting() -> None:
    # on 6 October 2020, "9 February" as the next meeting is 2021; a past event stays nearest
    assert values("Date of next meeting: 9 February") == [("2021-02-09", "date")]
    assert values("The survey ran on 28th September") == [("2020-09-28", "date")]


def test_weekday_picks_the_year() -> None:
    assert values("held on Monday 25 November") == [("2019-11-25", "date")]


def test_no_year_without_base_is_skipped() -> None:
    assert values("on 9 February", base=None) == []


def test_span_points_at_the_text() -> None:
    text = "The minutes of 17 October 2019 were agreed."
    (m,) = find_dates(text, BASE)
    assert text[m.start : m.end] == "17 October 2019" and m.rule == "day_month"


def test_seed_pack_dates(seed_pack) -> None:  # noqa: ANN001
    text = seed_pack.read_text()
    found = {m.value for m in find_dates(text, BASE)}
    assert {"2020-02-11", "2020-10-06", "2019-10-17"} <= found
    # the telephone number at the end of a report is never a date
    assert not any("457644" in m.text for m in find_dates(text, BASE))
