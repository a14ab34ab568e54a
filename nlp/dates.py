"""Dates in meeting papers: own patterns find candidates, dateparser normalises, a filter drops nonsense.

Never ``dateparser.search_dates``: it is slow and reads phone numbers and "1 and 2, The" as
dates. UK papers are day-first ("06/10/2020" is 6 October 2020). Every mention carries its
span in the text; ``page`` is 0 and the caller fills it in. Labels: ``date``, ``range_start``,
``range_end``, ``month`` (a month with no day: its first day, or its last after "end of"),
``quarter`` (first day of the quarter) and ``fy`` (1 April of a UK financial year).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterator
from functools import lru_cache

import dateparser

from minutebook.model import Mention

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip

MONTH = r"""
    (?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?
      |Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)
"""
WEEKDAY = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs?)?|Fri|Sat(?:ur)?|Sun)(?:day)?"

# "23rd February 2023", "Thursday, 30th January, 2025", "3-9 February", "27thSeptember", "9 February"
DAY_MONTH_RE = re.compile(
    rf"""
    (?<![\w/.£$])
    (?:(?P<weekday>{WEEKDAY}),?\s+)?           # optional weekday
    (?:(?P<day0>\d{{1,2}})(?:st|nd|rd|th)?     # optional range start "3-" / "3 to "
       \s*(?:-|–|to|and)\s*)?
    (?P<day>\d{{1,2}})\s?(?:st|nd|rd|th)?      # day, ordinal suffix maybe split ("3 rd")
    \s*(?:of\s+)?
    (?P<month>{MONTH})\b\.?                    # month name
    (?:,?\s+(?P<year>(?:19|20)\d{{2}}))?       # optional year
    (?![\w/])
    """,
    re.VERBOSE | re.IGNORECASE,
)

# "March 15, 2011", "February 9th 2020" (US order, year required so "May 5" stays ambiguous-free)
MONTH_DAY_RE = re.compile(
    rf"""
    (?<![\w/.])
    (?:(?P<weekday>{WEEKDAY}),?\s+)?
    (?P<month>{MONTH})\.?\s+                   # month name first
    (?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+    # day
    (?P<year>(?:19|20)\d{{2}})                 # year
    (?![\w/])
    """,
    re.VERBOSE | re.IGNORECASE,
)

# "06/10/2020", "15.07.2017", "20/01/18": day-first. Dots need a four-digit year, so item numbers
# ("02.23.05") never match; two-part numbers ("205/18") and planning refs ("17/01686/F") cannot.
NUMERIC_RE = re.compile(
    r"""
    (?<![\w./£$])
    (?P<day>\d{1,2})
    (?:
        /(?P<month>\d{1,2})/(?P<year>(?:19|20)?\d{2})   # 06/10/2020 or 20/01/18
      | \.(?P<month2>\d{1,2})\.(?P<year2>(?:19|20)\d{2})  # 15.07.2017
    )
    (?![\w/]|\.\d)
    """,
    re.VERBOSE,
)

# "March 2021", "end of March 2021" (no day)
MONTH_YEAR_RE = re.compile(
    rf"""
    (?<![\w/])
    (?P<end>(?:the\s+)?end\s+of\s+)?           # "end of" picks the last day
    (?P<month>{MONTH})\.?,?\s+
    (?P<year>(?:19|20)\d{{2}})
    (?![\w/])
    """,
    re.VERBOSE | re.IGNORECASE,
)

# "Q3", "Q3 2020", "quarter 3 2020/21"
QUARTER_RE = re.compile(
    r"""
    \b(?:Q|quarter\s+)(?P<q>[1-4])\b              # Q3 / quarter 3
    (?:[ \t]+(?:of[ \t]+)?(?P<year>(?:19|20)\d{2})  # optional year, same line
       (?:/(?P<fy2>\d{2}))?)?                      # or a financial year "2020/21"
    """,
    re.VERBOSE | re.IGNORECASE,
)

# "2019/20", "2019-20", "FY 20/21": a UK financial year (1 April to 31 March)
FY_RE = re.compile(
    r"""
    (?<![\w/.£$-])
    (?:(?P<fy>FY|financial\s+year)\s*)?        # optional marker (required for "20/21")
    (?P<y1>(?:19|20)\d{2}|\d{2})
    [/\-–]
    (?P<y2>\d{2})
    (?![\w/.-])
    """,
    re.VERBOSE | re.IGNORECASE,
)

# Words before a date that put it in the future: "Date of next meeting: 9 February".
NEXT_MEETING_RE = re.compile(r"\bnext\b[^.\n]{0,40}\bmeeting|\bnext\s+meetings?\b|\bwill\s+be\s+held\b", re.I)

WEEKDAY_NUMBER = {"mo": 0, "tu": 1, "we": 2, "th": 3, "fr": 4, "sa": 5, "su": 6}

SETTINGS_BASE = {"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "STRICT_PARSING": True}
MIN_YEAR = 1900
MAX_YEARS_AHEAD = 30


@lru_cache(maxsize=4096)
def _parse(candidate: str) -> dt.date | None:
    """dateparser on one normalised candidate ("23 February 2023"), cached: it is slow."""
    parsed = dateparser.parse(
        candidate,
        languages=["en"],
        settings={**SETTINGS_BASE, "RELATIVE_BASE": dt.datetime(2000, 1, 1)},
    )
    return None if parsed is None else parsed.date()


def _month(name: str) -> int:
    return MONTHS[name[:3].lower()]


def _sane(d: dt.date | None, base: dt.date | None) -> bool:
    if d is None or d.year < MIN_YEAR:
        return False
    limit = (base or dt.date.today()).year + MAX_YEARS_AHEAD
    return d.year <= limit


def _resolve_year(day: int, month: int, base: dt.date, forward: bool, weekday: str | None = None) -> int | None:
    """The year for a day and month printed without one: next on/after base, else nearest.

    A printed weekday ("Monday 25 November") wins: the year in which that day is that weekday.
    """
    options = []
    for year in (base.year - 1, base.year, base.year + 1):
        try:
            options.append(dt.date(year, month, day))
        except ValueError:
            continue
    if weekday:
        wd = WEEKDAY_NUMBER[weekday[:2].lower()]
        same = [d for d in options if d.weekday() == wd]
        if same:
            return min(same, key=lambda d: abs((d - base).days)).year
    if not options:
        return None
    if forward:
        later = [d for d in options if d >= base]
        return min(later).year if later else None
    return min(options, key=lambda d: abs((d - base).days)).year


def _iso(day: int, month: int, year: int) -> dt.date | None:
    try:
        return _parse(f"{day} {calendar.month_name[month]} {year}")
    except (ValueError, IndexError):
        return None


def _mention(text: str, start: int, end: int, value: dt.date, rule: str, label: str) -> Mention:
    return Mention(text=text[start:end], value=value.isoformat(), page=0, start=start, end=end, rule=rule, label=label)


def find_dates(text: str, base: dt.date | None = None) -> Iterator[Mention]:
    """Yield every date mentioned in ``text`` with its span, ISO value, rule and label.

    ``base`` (the meeting date) resolves dates printed without a year: forward after
    "next meeting", otherwise the nearest such date. Without ``base`` they are skipped.
    """
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return not any(a < y and x < b for x, y in taken)

    for m in DAY_MONTH_RE.finditer(text):
        if m.group("month").islower():
            continue  # "5 may be", "4 march on": a verb, not a month
        month = _month(m.group("month"))
        day = int(m.group("day"))
        if m.group("year"):
            year: int | None = int(m.group("year"))
        elif base is not None:
            ctx = text[max(0, m.start() - 80) : m.start()]
            year = _resolve_year(day, month, base, bool(NEXT_MEETING_RE.search(ctx)), m.group("weekday"))
        else:
            year = None
        if year is None:
            continue
        value = _iso(day, month, year)
        taken.append((m.start(), m.end()))  # even when invalid: "31 February" is no month mention
        if not _sane(value, base):
            continue
        assert value is not None
        if m.group("day0"):
            first = _iso(int(m.group("day0")), month, year)
            if first is not None and first < value:
                yield _mention(text, m.start(), m.end(), first, "day_month_range", "range_start")
                yield _mention(text, m.start(), m.end(), value, "day_month_range", "range_end")
                continue
        yield _mention(text, m.start(), m.end(), value, "day_month", "date")

    for m in MONTH_DAY_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        value = _iso(int(m.group("day")), _month(m.group("month")), int(m.group("year")))
        if _sane(value, base):
            assert value is not None
            taken.append((m.start(), m.end()))
            yield _mention(text, m.start(), m.end(), value, "month_day", "date")

    for m in NUMERIC_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        month_s = m.group("month") or m.group("month2")
        year_s = m.group("year") or m.group("year2")
        year = int(year_s)
        if year < 100:
            year += 2000 if year <= ((base or dt.date.today()).year % 100) + MAX_YEARS_AHEAD else 1900
        day, month = int(m.group("day")), int(month_s)
        if not 1 <= month <= 12:
            continue
        value = _iso(day, month, year)
        if _sane(value, base):
            assert value is not None
            taken.append((m.start(), m.end()))
            yield _mention(text, m.start(), m.end(), value, "numeric_dmy", "date")

    yield from _periods(text, base, free, taken)


def _periods(
    text: str, base: dt.date | None, free: Callable[[int, int], bool], taken: list[tuple[int, int]]
) -> Iterator[Mention]:
    """Months without a day, quarters and financial years."""
    for m in MONTH_YEAR_RE.finditer(text):
        if not free(m.start(), m.end()) or m.group("month").islower():
            continue
        month, year = _month(m.group("month")), int(m.group("year"))
        day = calendar.monthrange(year, month)[1] if m.group("end") else 1
        value = _iso(day, month, year)
        if _sane(value, base):
            assert value is not None
            taken.append((m.start(), m.end()))
            yield _mention(text, m.start(), m.end(), value, "month_year", "month")

    for m in QUARTER_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        q = int(m.group("q"))
        if m.group("year") and m.group("fy2"):
            # quarter of a financial year: Q1 is April-June
            fy_start = int(m.group("year"))
            month = 3 * q + 1 if q < 4 else 1
            year = fy_start if q < 4 else fy_start + 1
        elif m.group("year"):
            year, month = int(m.group("year")), 3 * (q - 1) + 1
        elif base is not None:
            year, month = base.year, 3 * (q - 1) + 1
        else:
            continue
        value = dt.date(year, month, 1)
        taken.append((m.start(), m.end()))
        yield _mention(text, m.start(), m.end(), value, "quarter", "quarter")

    for m in FY_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        y1s, y2 = m.group("y1"), int(m.group("y2"))
        if len(y1s) == 2 and not m.group("fy"):
            continue  # "20/21" alone is too often something else
        y1 = int(y1s) if len(y1s) == 4 else 2000 + int(y1s)
        if (y1 + 1) % 100 != y2:
            continue
        value = dt.date(y1, 4, 1)
        if _sane(value, base):
            taken.append((m.start(), m.end()))
            yield _mention(text, m.start(), m.end(), value, "financial_year", "fy")
