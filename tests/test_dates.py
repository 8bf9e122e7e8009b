"""Tests for epoc_wizard.dates, on fixed dates only (never the wall clock).

Every expected date below was worked out by hand from a calendar (weekday of
the 1st of the month, n-th weekday rules, Saturday -> Friday / Sunday -> Monday
observance) and then cross-checked against the ``holidays`` package.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from epoc_wizard.dates import (
    add_business_days,
    business_days_between,
    cms_timezone,
    describe_wait,
    due_after,
    format_local,
    is_business_day,
    is_overdue,
)

LA = ZoneInfo("America/Los_Angeles")
NY = ZoneInfo("America/New_York")
D = date  # keeps the tables narrow


# --------------------------------------------------------------------------- is_business_day


@pytest.mark.parametrize(
    ("day", "expected", "why"),
    [
        (D(2025, 11, 3), True, "plain Monday"),
        (D(2025, 11, 7), True, "plain Friday"),
        (D(2025, 11, 8), False, "Saturday"),
        (D(2025, 11, 9), False, "Sunday"),
        (D(2025, 6, 19), False, "Juneteenth 2025, a Thursday"),
        (D(2025, 10, 13), False, "Columbus Day 2025, 2nd Monday of October"),
        (D(2025, 11, 11), False, "Veterans Day 2025, a Tuesday"),
        (D(2023, 11, 10), False, "Veterans Day 2023 observed (11 Nov 2023 is a Saturday)"),
        (D(2026, 7, 3), False, "Independence Day 2026 observed (4 Jul 2026 is a Saturday)"),
        (D(2026, 7, 4), False, "Independence Day 2026 itself, a Saturday"),
        (D(2026, 7, 6), True, "Monday after: no second observed day"),
        (D(2026, 11, 26), False, "Thanksgiving 2026, 4th Thursday of November"),
        (D(2026, 11, 27), True, "day after Thanksgiving is not a federal holiday"),
        (D(2026, 12, 25), False, "Christmas 2026, a Friday"),
        (D(2027, 1, 1), False, "New Year's Day 2027, a Friday"),
        (D(2021, 12, 31), False, "New Year's Day 2022 observed (1 Jan 2022 is a Saturday)"),
        (D(2021, 12, 24), False, "Christmas 2021 observed (25 Dec 2021 is a Saturday)"),
        (D(2022, 12, 26), False, "Christmas 2022 observed (25 Dec 2022 is a Sunday)"),
        (D(2021, 6, 18), False, "Juneteenth 2021 observed (19 Jun 2021 is a Saturday)"),
        (D(2020, 6, 19), True, "Juneteenth became a federal holiday only in 2021"),
        (D(2026, 4, 3), True, "Good Friday is not a federal holiday"),
        # Executive-order closures are in the library's "government" category,
        # not among the federal holidays this module uses.
        (D(2025, 12, 24), True, "Christmas Eve 2025 (executive-order closure only)"),
        (D(2025, 12, 26), True, "26 Dec 2025 (executive-order closure only)"),
    ],
)
def test_is_business_day(day: date, expected: bool, why: str) -> None:
    assert is_business_day(day) is expected, why


@pytest.mark.parametrize(
    ("year", "weekday_holidays"),
    [
        (
            2026,
            [
                D(2026, 1, 1),  # New Year's Day (Thu)
                D(2026, 1, 19),  # Martin Luther King Jr. Day: Mondays 5, 12, 19
                D(2026, 2, 16),  # Washington's Birthday: Mondays 2, 9, 16
                D(2026, 5, 25),  # Memorial Day: last Monday of May
                D(2026, 6, 19),  # Juneteenth (Fri)
                D(2026, 7, 3),  # Independence Day observed (4 Jul is a Sat)
                D(2026, 9, 7),  # Labor Day: 1st Monday of September
                D(2026, 10, 12),  # Columbus Day: Mondays 5, 12
                D(2026, 11, 11),  # Veterans Day (Wed)
                D(2026, 11, 26),  # Thanksgiving: Thursdays 5, 12, 19, 26
                D(2026, 12, 25),  # Christmas Day (Fri)
            ],
        ),
        (
            2021,
            [
                D(2021, 1, 1),  # New Year's Day (Fri)
                D(2021, 1, 18),  # MLK Day
                D(2021, 2, 15),  # Washington's Birthday
                D(2021, 5, 31),  # Memorial Day
                D(2021, 6, 18),  # Juneteenth observed (19 Jun is a Sat)
                D(2021, 7, 5),  # Independence Day observed (4 Jul is a Sun)
                D(2021, 9, 6),  # Labor Day
                D(2021, 10, 11),  # Columbus Day
                D(2021, 11, 11),  # Veterans Day (Thu)
                D(2021, 11, 25),  # Thanksgiving
                D(2021, 12, 24),  # Christmas observed (25 Dec is a Sat)
                D(2021, 12, 31),  # New Year's Day 2022 observed (1 Jan 2022 is a Sat)
            ],
        ),
    ],
)
def test_weekday_holidays_are_exactly_the_federal_list(
    year: int, weekday_holidays: list[date]
) -> None:
    first = D(year, 1, 1)
    days = [first + timedelta(days=i) for i in range((D(year + 1, 1, 1) - first).days)]
    closed_weekdays = [d for d in days if d.weekday() < 5 and not is_business_day(d)]
    assert closed_weekdays == weekday_holidays


def test_datetime_is_refused_where_a_date_is_expected() -> None:
    moment = datetime(2025, 11, 3, 10, 15, tzinfo=NY)
    with pytest.raises(TypeError):
        is_business_day(moment)
    with pytest.raises(TypeError):
        add_business_days(moment, 1)
    with pytest.raises(TypeError):
        business_days_between(D(2025, 11, 1), moment)


# --------------------------------------------------------------------------- add_business_days


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # A plain week (1 Nov 2025 is a Saturday, so 3 Nov is a Monday).
        (D(2025, 11, 3), 1, D(2025, 11, 4)),
        (D(2025, 11, 3), 2, D(2025, 11, 5)),
        (D(2025, 11, 3), 4, D(2025, 11, 7)),
        # Across a weekend.
        (D(2025, 11, 6), 2, D(2025, 11, 10)),  # Thu -> Fri, Mon
        (D(2025, 11, 14), 1, D(2025, 11, 17)),  # Fri -> Mon
        (D(2025, 11, 14), 5, D(2025, 11, 21)),  # a whole week later
        # Start on a Saturday: Sunday does not count, Monday is the 1st.
        (D(2025, 11, 15), 1, D(2025, 11, 17)),
        (D(2025, 11, 15), 2, D(2025, 11, 18)),
        # Start on a Sunday.
        (D(2025, 11, 16), 1, D(2025, 11, 17)),
        # Start on a holiday (Independence Day 2025, a Friday).
        (D(2025, 7, 4), 1, D(2025, 7, 7)),
        (D(2025, 7, 4), 2, D(2025, 7, 8)),
        # Start on an observed holiday (Fri 3 Jul 2026).
        (D(2026, 7, 3), 1, D(2026, 7, 6)),
        # Independence Day 2026 observed on Fri 3 Jul.
        (D(2026, 7, 1), 1, D(2026, 7, 2)),
        (D(2026, 7, 1), 2, D(2026, 7, 6)),
        (D(2026, 7, 2), 1, D(2026, 7, 6)),
        # Thanksgiving 2026 (Thu 26 Nov); the Friday after is a business day.
        (D(2026, 11, 25), 1, D(2026, 11, 27)),
        (D(2026, 11, 25), 2, D(2026, 11, 30)),
        # Christmas 2026 (Fri 25 Dec).
        (D(2026, 12, 24), 1, D(2026, 12, 28)),
        # New Year's Day 2027 (Fri 1 Jan), across the year boundary.
        (D(2026, 12, 31), 1, D(2027, 1, 4)),
        (D(2026, 12, 30), 2, D(2027, 1, 4)),
        # Christmas 2021 observed Fri 24 Dec; New Year 2022 observed Fri 31 Dec 2021.
        (D(2021, 12, 23), 1, D(2021, 12, 27)),
        (D(2021, 12, 30), 1, D(2022, 1, 3)),
        (D(2021, 12, 23), 5, D(2022, 1, 3)),  # 27, 28, 29, 30, (31 off), 3 Jan
        # Juneteenth 2025 (Thu 19 Jun).
        (D(2025, 6, 18), 1, D(2025, 6, 20)),
        (D(2025, 6, 18), 2, D(2025, 6, 23)),
        # Columbus Day 2025 (Mon 13 Oct) right after a weekend.
        (D(2025, 10, 10), 1, D(2025, 10, 14)),
        # Veterans Day 2025 (Tue 11 Nov) and 2023 (observed Fri 10 Nov).
        (D(2025, 11, 10), 1, D(2025, 11, 12)),
        (D(2025, 11, 7), 2, D(2025, 11, 12)),  # Mon 10, (Tue 11 off), Wed 12
        (D(2023, 11, 9), 1, D(2023, 11, 13)),
    ],
)
def test_add_business_days(start: date, n: int, expected: date) -> None:
    assert add_business_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (D(2025, 11, 3), D(2025, 11, 3)),  # a business day: itself
        (D(2025, 11, 15), D(2025, 11, 17)),  # Saturday: the next Monday
        (D(2025, 7, 4), D(2025, 7, 7)),  # holiday (Fri): the next Monday
        (D(2026, 7, 3), D(2026, 7, 6)),  # observed holiday (Fri): the next Monday
        (D(2025, 11, 11), D(2025, 11, 12)),  # Veterans Day (Tue): Wednesday
        (D(2021, 12, 31), D(2022, 1, 3)),  # observed New Year: into the next year
    ],
)
def test_add_zero_business_days(start: date, expected: date) -> None:
    assert add_business_days(start, 0) == expected


@pytest.mark.parametrize("n", [-1, -5])
def test_add_negative_business_days_is_refused(n: int) -> None:
    with pytest.raises(ValueError, match="n must be >= 0"):
        add_business_days(D(2025, 11, 3), n)


def test_add_many_business_days_spans_years() -> None:
    start = D(2025, 1, 1)
    result = add_business_days(start, 1000)
    assert is_business_day(result)
    assert business_days_between(start, result) == 1000
    assert business_days_between(start, result - timedelta(days=1)) == 999


def test_add_and_between_agree_on_every_day_2020_to_2027() -> None:
    """add_business_days(s, n) is the first day d with exactly n business days in (s, d]."""
    start = D(2020, 1, 1)
    checked = 0
    for offset in range((D(2028, 1, 1) - start).days):
        s = start + timedelta(days=offset)
        for n in (1, 2, 3, 10):
            d = add_business_days(s, n)
            assert is_business_day(d), (s, n, d)
            assert business_days_between(s, d) == n, (s, n, d)
            assert business_days_between(s, d - timedelta(days=1)) == n - 1, (s, n, d)
            checked += 1
    assert checked == 2922 * 4


# --------------------------------------------------------------------------- business_days_between


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (D(2025, 11, 3), D(2025, 11, 3), 0),  # empty interval
        (D(2025, 11, 5), D(2025, 11, 3), 0),  # b before a
        (D(2025, 11, 3), D(2025, 11, 4), 1),  # a itself never counts
        (D(2025, 11, 3), D(2025, 11, 7), 4),
        (D(2025, 11, 7), D(2025, 11, 10), 1),  # Sat and Sun skipped
        (D(2025, 11, 8), D(2025, 11, 9), 0),  # only Sunday
        (D(2025, 11, 3), D(2025, 11, 14), 8),  # 9 weekdays minus Veterans Day
        (D(2026, 6, 30), D(2026, 7, 6), 3),  # Wed 1, Thu 2, (Fri 3 off), Mon 6
        (D(2021, 12, 20), D(2022, 1, 3), 8),  # 21..23, 27..30, 3 Jan
        (D(2026, 12, 31), D(2027, 1, 4), 1),  # New Year's Day 2027 off
        (D(2025, 1, 1), D(2026, 1, 1), 250),  # 261 weekdays in (a, b], 11 of them holidays
    ],
)
def test_business_days_between(a: date, b: date, expected: int) -> None:
    assert business_days_between(a, b) == expected


# --------------------------------------------------------------------------- due_after


def test_due_after_business_days_ends_at_end_of_eastern_day() -> None:
    start = datetime(2025, 11, 3, 10, 15, tzinfo=NY)  # Monday
    due = due_after(start, business_days=2)
    assert due == datetime(2025, 11, 5, 23, 59, 59, tzinfo=NY)
    assert due.tzinfo is cms_timezone()
    assert due.utcoffset() == timedelta(hours=-5)  # EST


def test_due_after_uses_the_eastern_date_of_a_late_pacific_start() -> None:
    # Mon 3 Nov 2025 22:30 in Los Angeles (PST) is already Tue 4 Nov 01:30 in New York,
    # so the two business days are Wed 5 and Thu 6, not Tue 4 and Wed 5.
    start = datetime(2025, 11, 3, 22, 30, tzinfo=LA)
    assert start.astimezone(NY).date() == D(2025, 11, 4)
    due = due_after(start, business_days=2)
    assert due == datetime(2025, 11, 6, 23, 59, 59, tzinfo=NY)
    assert due.astimezone(LA) == datetime(2025, 11, 6, 20, 59, 59, tzinfo=LA)


def test_due_after_late_pacific_start_lands_on_an_observed_holiday() -> None:
    # Thu 2 Jul 2026 22:00 PDT is Fri 3 Jul 01:00 EDT: the observed Independence Day.
    start = datetime(2026, 7, 2, 22, 0, tzinfo=LA)
    due = due_after(start, business_days=2)
    assert due == datetime(2026, 7, 7, 23, 59, 59, tzinfo=NY)  # Mon 6, Tue 7
    assert due.utcoffset() == timedelta(hours=-4)  # EDT


def test_due_after_zero_business_days_on_a_weekend() -> None:
    start = datetime(2025, 11, 15, 9, 0, tzinfo=UTC)  # Saturday
    assert due_after(start, business_days=0) == datetime(2025, 11, 17, 23, 59, 59, tzinfo=NY)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"minutes": 15}, datetime(2025, 11, 3, 10, 30, tzinfo=LA)),
        ({"minutes": 0}, datetime(2025, 11, 3, 10, 15, tzinfo=LA)),
        ({"minutes": 120}, datetime(2025, 11, 3, 12, 15, tzinfo=LA)),
        ({"hours": 2}, datetime(2025, 11, 3, 12, 15, tzinfo=LA)),
        ({"hours": 24}, datetime(2025, 11, 4, 10, 15, tzinfo=LA)),
        ({"minutes": 14 * 60}, datetime(2025, 11, 4, 0, 15, tzinfo=LA)),  # past midnight
    ],
)
def test_due_after_minutes_and_hours(kwargs: dict[str, int], expected: datetime) -> None:
    start = datetime(2025, 11, 3, 10, 15, tzinfo=LA)
    due = due_after(start, **kwargs)
    assert due.astimezone(UTC) == expected.astimezone(UTC)
    assert due.tzinfo is LA  # stays in the start's own zone


@pytest.mark.parametrize(
    ("start", "hours", "expected_utc", "expected_offset"),
    [
        # 2 Nov 2025: clocks go back at 02:00 PDT. 01:30 PDT + 1 hour elapsed = 01:30 PST.
        (
            datetime(2025, 11, 2, 1, 30, tzinfo=LA),
            1,
            datetime(2025, 11, 2, 9, 30, tzinfo=UTC),
            timedelta(hours=-8),
        ),
        # 8 Mar 2026: clocks go forward at 02:00 PST. 01:30 PST + 1 hour elapsed = 03:30 PDT.
        (
            datetime(2026, 3, 8, 1, 30, tzinfo=LA),
            1,
            datetime(2026, 3, 8, 10, 30, tzinfo=UTC),
            timedelta(hours=-7),
        ),
    ],
)
def test_due_after_hours_is_elapsed_time_across_dst(
    start: datetime, hours: int, expected_utc: datetime, expected_offset: timedelta
) -> None:
    due = due_after(start, hours=hours)
    # Compare through UTC: == between two datetimes that share a tzinfo ignores offsets.
    assert due.astimezone(UTC) == expected_utc
    assert due.utcoffset() == expected_offset


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"business_days": 2, "minutes": 5},
        {"minutes": 5, "hours": 1},
        {"business_days": 1, "minutes": 1, "hours": 1},
    ],
)
def test_due_after_needs_exactly_one_amount(kwargs: dict[str, int]) -> None:
    start = datetime(2025, 11, 3, 10, 15, tzinfo=NY)
    with pytest.raises(ValueError, match="exactly one"):
        due_after(start, **kwargs)


@pytest.mark.parametrize("kwargs", [{"business_days": -1}, {"minutes": -5}, {"hours": -1}])
def test_due_after_refuses_negative_amounts(kwargs: dict[str, int]) -> None:
    start = datetime(2025, 11, 3, 10, 15, tzinfo=NY)
    with pytest.raises(ValueError, match=">= 0"):
        due_after(start, **kwargs)


@pytest.mark.parametrize("kwargs", [{"business_days": 2}, {"minutes": 5}, {"hours": 1}])
def test_due_after_refuses_naive_start(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_after(datetime(2025, 11, 3, 10, 15), **kwargs)


# --------------------------------------------------------------------------- is_overdue


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2025, 11, 5, 23, 59, 58, tzinfo=NY), False),
        (datetime(2025, 11, 5, 23, 59, 59, tzinfo=NY), False),  # exactly due: not yet
        (datetime(2025, 11, 6, 0, 0, 0, tzinfo=NY), True),
        (datetime(2025, 11, 5, 21, 0, 0, tzinfo=LA), True),  # = 6 Nov 00:00 in New York
        (datetime(2025, 11, 5, 20, 59, 59, tzinfo=LA), False),  # = the due moment
        (datetime(2025, 11, 6, 4, 59, 59, tzinfo=UTC), False),
        (datetime(2025, 11, 6, 5, 0, 0, tzinfo=UTC), True),
    ],
)
def test_is_overdue(now: datetime, expected: bool) -> None:
    due = datetime(2025, 11, 5, 23, 59, 59, tzinfo=NY)
    assert is_overdue(due, now) is expected


def test_is_overdue_refuses_naive() -> None:
    aware = datetime(2025, 11, 5, 23, 59, 59, tzinfo=NY)
    naive = datetime(2025, 11, 6)
    with pytest.raises(ValueError):
        is_overdue(aware, naive)
    with pytest.raises(ValueError):
        is_overdue(naive, aware)


# --------------------------------------------------------------------------- format_local


@pytest.mark.parametrize(
    ("dt", "tz", "with_time", "expected"),
    [
        (datetime(2025, 11, 3, 10, 15, tzinfo=LA), LA, True, "Mon 3 Nov 2025 10:15 PST"),
        (datetime(2025, 11, 3, 10, 15, tzinfo=LA), LA, False, "Mon 3 Nov 2025"),
        (datetime(2025, 11, 3, 10, 15, tzinfo=LA), UTC, True, "Mon 3 Nov 2025 18:15 UTC"),
        (datetime(2025, 11, 3, 22, 30, tzinfo=LA), UTC, True, "Tue 4 Nov 2025 06:30 UTC"),
        (datetime(2025, 11, 3, 22, 30, tzinfo=LA), NY, False, "Tue 4 Nov 2025"),
        (datetime(2026, 1, 1, 9, 5, tzinfo=UTC), UTC, True, "Thu 1 Jan 2026 09:05 UTC"),
        (datetime(2026, 2, 16, 0, 0, tzinfo=UTC), UTC, True, "Mon 16 Feb 2026 00:00 UTC"),
        (datetime(2026, 3, 21, 12, 0, tzinfo=UTC), UTC, True, "Sat 21 Mar 2026 12:00 UTC"),
        (datetime(2026, 4, 5, 12, 0, tzinfo=UTC), UTC, False, "Sun 5 Apr 2026"),
        (datetime(2026, 5, 13, 12, 0, tzinfo=UTC), UTC, False, "Wed 13 May 2026"),
        (datetime(2026, 6, 19, 12, 0, tzinfo=UTC), UTC, False, "Fri 19 Jun 2026"),
        (datetime(2026, 7, 4, 12, 0, tzinfo=UTC), UTC, False, "Sat 4 Jul 2026"),
        (datetime(2026, 8, 31, 12, 0, tzinfo=UTC), UTC, False, "Mon 31 Aug 2026"),
        (datetime(2026, 9, 1, 12, 0, tzinfo=UTC), UTC, False, "Tue 1 Sep 2026"),
        (datetime(2026, 10, 12, 12, 0, tzinfo=UTC), UTC, False, "Mon 12 Oct 2026"),
        (datetime(2026, 11, 26, 12, 0, tzinfo=UTC), UTC, False, "Thu 26 Nov 2026"),
        (datetime(2026, 12, 31, 23, 59, tzinfo=UTC), UTC, True, "Thu 31 Dec 2026 23:59 UTC"),
    ],
)
def test_format_local(dt: datetime, tz: ZoneInfo, with_time: bool, expected: str) -> None:
    assert format_local(dt, tz, with_time=with_time) == expected


def test_format_local_refuses_naive() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_local(datetime(2025, 11, 3, 10, 15), UTC)


# --------------------------------------------------------------------------- describe_wait

# A login-information wait started Mon 3 Nov 2025 10:15 Pacific (18:15 UTC):
# two business days in Eastern time end Wed 5 Nov 23:59:59 EST, which is
# Wed 5 Nov 20:59:59 in Los Angeles and Thu 6 Nov 04:59:59 in UTC.
SINCE = datetime(2025, 11, 3, 10, 15, tzinfo=LA)
DUE_2BD = datetime(2025, 11, 5, 23, 59, 59, tzinfo=NY)


def test_fixture_due_matches_due_after() -> None:
    assert due_after(SINCE, business_days=2) == DUE_2BD


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        (
            datetime(2025, 11, 4, 9, 0, tzinfo=LA),
            LA,
            "waiting since Mon 3 Nov 2025 10:15 PST; expected by Wed 5 Nov 2025",
        ),
        (
            datetime(2025, 11, 5, 20, 59, 59, tzinfo=LA),  # the due moment itself
            LA,
            "waiting since Mon 3 Nov 2025 10:15 PST; expected by Wed 5 Nov 2025",
        ),
        (
            datetime(2025, 11, 6, 8, 0, tzinfo=LA),
            LA,
            "overdue since Wed 5 Nov 2025 (waiting since Mon 3 Nov 2025 10:15 PST)",
        ),
        # In UTC the same due moment falls early on Thursday; the due date is still the
        # business calendar's Wednesday (issue 15).
        (
            datetime(2025, 11, 6, 4, 0, tzinfo=UTC),
            UTC,
            "waiting since Mon 3 Nov 2025 18:15 UTC; expected by Wed 5 Nov 2025",
        ),
        (
            datetime(2025, 11, 6, 6, 0, tzinfo=UTC),
            UTC,
            "overdue since Wed 5 Nov 2025 (waiting since Mon 3 Nov 2025 18:15 UTC)",
        ),
    ],
)
def test_describe_business_day_wait(now: datetime, tz: ZoneInfo, expected: str) -> None:
    assert describe_wait(SINCE, DUE_2BD, now, tz) == expected


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        (
            datetime(2025, 11, 3, 10, 20, tzinfo=LA),
            LA,
            "waiting since Mon 3 Nov 2025 10:15 PST; expected by 10:30 PST",
        ),
        (
            datetime(2025, 11, 3, 10, 45, tzinfo=LA),
            LA,
            "overdue since 10:30 PST (waiting since Mon 3 Nov 2025 10:15 PST)",
        ),
        (
            datetime(2025, 11, 3, 18, 20, tzinfo=UTC),
            UTC,
            "waiting since Mon 3 Nov 2025 18:15 UTC; expected by 18:30 UTC",
        ),
        (
            datetime(2025, 11, 3, 18, 45, tzinfo=UTC),
            UTC,
            "overdue since 18:30 UTC (waiting since Mon 3 Nov 2025 18:15 UTC)",
        ),
        # Looked at the next day: the due time needs its date.
        (
            datetime(2025, 11, 4, 9, 0, tzinfo=LA),
            LA,
            "overdue since Mon 3 Nov 2025 10:30 PST (waiting since Mon 3 Nov 2025 10:15 PST)",
        ),
    ],
)
def test_describe_short_wait(now: datetime, tz: ZoneInfo, expected: str) -> None:
    due = due_after(SINCE, minutes=15)
    assert describe_wait(SINCE, due, now, tz) == expected


def test_describe_short_wait_due_after_midnight() -> None:
    since = datetime(2025, 11, 3, 23, 50, tzinfo=LA)
    due = due_after(since, minutes=30)
    now = datetime(2025, 11, 3, 23, 55, tzinfo=LA)
    assert describe_wait(since, due, now, LA) == (
        "waiting since Mon 3 Nov 2025 23:50 PST; expected by Tue 4 Nov 2025 00:20 PST"
    )


def test_describe_wait_refuses_naive() -> None:
    naive = datetime(2025, 11, 4, 9, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        describe_wait(SINCE, DUE_2BD, naive, LA)
    with pytest.raises(ValueError, match="timezone-aware"):
        describe_wait(naive, DUE_2BD, datetime(2025, 11, 4, 9, 0, tzinfo=LA), LA)


@pytest.fixture
def system_zone_tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is not available on this platform")
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("system_zone_tokyo")
def test_tz_none_means_the_business_calendar_not_the_system_zone() -> None:
    # Tokyo is UTC+9: 18:15 UTC is 03:15 there the next day, but the text shows the
    # business calendar (US Eastern), with the zone named (issue 15).
    now = datetime(2025, 11, 4, 0, 0, tzinfo=UTC)
    assert format_local(SINCE) == "Mon 3 Nov 2025 13:15 EST"
    assert describe_wait(SINCE, DUE_2BD, now) == (
        "waiting since Mon 3 Nov 2025 13:15 EST; expected by Wed 5 Nov 2025"
    )


# --------------------------------------------------------------------------- start-up cost


def test_importing_the_module_does_not_import_holidays() -> None:
    code = "import sys, epoc_wizard.dates; print('holidays' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == "False"
