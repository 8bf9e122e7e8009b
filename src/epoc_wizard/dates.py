"""Business-day arithmetic for the waits in a CMS sign-up journey.

Why this module exists: several steps end outside the terminal. CMS says to
"allow two full business days" for login information, an activation-key
e-mail arrives "within several minutes", a role approval comes by e-mail. The
wizard records when such a wait started and computes when it is expected to
end, so ``status`` can tell the person whether to keep waiting or to chase the
help desk.

Rules, chosen once and kept here:

* A business day is a Monday to Friday that is not a US federal holiday. The
  holidays come from the ``holidays`` package (never a hand-written list): the
  default ``public`` category of ``holidays.country_holidays("US")`` with no
  subdivision, with observed days, which is exactly the eleven federal
  holidays of 5 U.S.C. 6103 plus their Friday/Monday observed dates. The
  ``government`` category is deliberately not used: it adds one-off
  executive-order closures (for example Christmas Eve 2024 and 2025), which are
  not federal holidays and are not known in advance.
* Business-day waits are counted on the date in US Eastern time, because the
  CMS help desks work on Eastern time, and end at 23:59:59 Eastern on the
  n-th full business day after the day the wait started.
* US Eastern time comes from the time-zone database (``zoneinfo``), looked up
  when first needed, never at import. Where there is no database (Windows
  without the ``tzdata`` package, a trimmed container), ``cms_timezone`` falls
  back to a fixed rule written here with the standard library: EST (UTC-5),
  and EDT (UTC-4) from 2 a.m. on the second Sunday of March to 2 a.m. on the
  first Sunday of November, the US rule since 2007. Due dates are then the
  same as with the database for every date from 2007 on (the tests compare
  both across the changes).
* Minute and hour waits are elapsed time, so they are exact across a
  daylight-saving change.
* Human-readable text uses fixed English day and month names, so the output
  does not depend on the process locale.
* Text shows times in the business calendar (US Eastern), each with its zone's name
  ("10:15 EST"), and a business-day due date as the date it is there: never the day
  the computer's own zone would make of it (issue 15). The state file and
  ``status --json`` hold the same instants, so text and JSON give the same dates.

Nothing here reads the clock: every "now" is a parameter, which keeps the
functions pure and the tests deterministic. The ``holidays`` package is
imported lazily (it costs tens of milliseconds) because this module sits on
start-up-sensitive import paths; its calendars are cached per year range.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta, tzinfo

__all__ = [
    "CMS_TIMEZONE_NAME",
    "USEastern",
    "add_business_days",
    "as_date",
    "as_time",
    "business_date",
    "business_days_between",
    "cms_timezone",
    "describe_wait",
    "due_after",
    "format_due",
    "format_local",
    "is_business_day",
    "is_overdue",
]

#: The name of the zone in which business days are counted (CMS help desks work on
#: Eastern time); ``cms_timezone()`` is the zone itself.
CMS_TIMEZONE_NAME = "America/New_York"

_HOUR = timedelta(hours=1)
_ZERO = timedelta(0)
_EST = timedelta(hours=-5)


def _us_dst_range(year: int) -> tuple[datetime, datetime]:
    """When daylight time starts and ends in year, as naive Eastern wall-clock times:
    2 a.m. on the second Sunday of March, 2 a.m. (daylight) on the first Sunday of
    November (the rule of the Energy Policy Act of 2005, in force since 2007)."""
    march_8 = datetime(year, 3, 8, 2)  # the second Sunday is the first on or after the 8th
    november_1 = datetime(year, 11, 1, 2)
    start = march_8 + timedelta(days=(6 - march_8.weekday()) % 7)
    end = november_1 + timedelta(days=(6 - november_1.weekday()) % 7)
    return start, end


class USEastern(tzinfo):
    """US Eastern time by the fixed US rule, for systems without a time-zone database.

    EST (UTC-5), and EDT (UTC-4) from 2 a.m. on the second Sunday of March to 2 a.m.
    on the first Sunday of November. This is America/New_York from 2007 on; earlier
    years had other rules, which the wizard never needs (it counts waits from now).
    Wall-clock times in the skipped and the repeated hour follow PEP 495 as zoneinfo
    does: ``fold=0`` takes the offset in force before the change.
    """

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return _EST + self.dst(dt)

    def dst(self, dt: datetime | None) -> timedelta:
        if dt is None or dt.tzinfo is None:
            return _ZERO
        start, end = _us_dst_range(dt.year)
        wall = dt.replace(tzinfo=None)
        if start + _HOUR <= wall < end - _HOUR:
            return _HOUR
        if end - _HOUR <= wall < end:  # the repeated hour: daylight first (fold=0)
            return _ZERO if dt.fold else _HOUR
        if start <= wall < start + _HOUR:  # the skipped hour: as before the change
            return _HOUR if dt.fold else _ZERO
        return _ZERO

    def tzname(self, dt: datetime | None) -> str:
        return "EDT" if self.dst(dt) else "EST"

    def fromutc(self, dt: datetime) -> datetime:
        if dt.tzinfo is not self:
            raise ValueError("fromutc: dt.tzinfo is not self")
        start, end = _us_dst_range(dt.year)
        standard = dt.replace(tzinfo=None) + _EST
        daylight = standard + _HOUR
        if end <= daylight < end + _HOUR:  # the second 1 a.m. hour in November
            return standard.replace(tzinfo=self, fold=1)
        if start <= standard < end - _HOUR:
            return daylight.replace(tzinfo=self)
        return standard.replace(tzinfo=self)

    def __repr__(self) -> str:
        return "USEastern()"


@functools.cache
def cms_timezone() -> tzinfo:
    """US Eastern time: America/New_York from the time-zone database, or, where there
    is none, the fixed rule of ``USEastern`` (same due dates; see the module notes).
    Looked up once, on first use, so importing this module never fails."""
    try:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    except ImportError:  # pragma: no cover - zoneinfo is in every supported Python
        return USEastern()
    try:
        return ZoneInfo(CMS_TIMEZONE_NAME)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return USEastern()


#: A business-day wait ends at this wall-clock time, in US Eastern time, on its due date.
_END_OF_BUSINESS_DAY = time(23, 59, 59)

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)

# Every calendar year has at least 248 business days (366 days - 106 weekend
# days - 12 weekday holidays at most), so this many is a safe lower bound.
_MIN_BUSINESS_DAYS_PER_YEAR = 240


@functools.lru_cache(maxsize=32)
def _federal_holidays(first_year: int, last_year: int) -> frozenset[date]:
    """US federal holidays, observed dates included, dated in first_year..last_year.

    The library files an observed day under the year it falls in (Friday
    2021-12-31, observed for New Year's Day 2022, belongs to 2021), so a
    calendar for a range of years holds every holiday dated inside it.
    """
    import holidays  # lazy: costly to import, and only needed for date arithmetic

    calendar = holidays.country_holidays(
        "US",
        years=range(first_year, last_year + 1),
        categories=(holidays.PUBLIC,),
        observed=True,
    )
    return frozenset(d for d in calendar if first_year <= d.year <= last_year)


def _require_date(d: date, name: str) -> None:
    # A datetime is a date subclass but never equals a date, so it would
    # silently miss every holiday; and which date it means depends on a zone.
    if isinstance(d, datetime):
        raise TypeError(
            f"{name} must be a date, not a datetime; convert it to the zone you mean "
            "and call .date() first"
        )


def _require_aware(dt: datetime, name: str) -> None:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {dt!r}")


def _is_business_day(d: date, federal_holidays: frozenset[date]) -> bool:
    return d.weekday() < 5 and d not in federal_holidays


def is_business_day(d: date) -> bool:
    """True if d is a Monday to Friday that is not a US federal holiday (observed)."""
    _require_date(d, "d")
    return _is_business_day(d, _federal_holidays(d.year, d.year))


def add_business_days(start: date, n: int) -> date:
    """The n-th business day after start; start itself never counts.

    n == 0 gives start if it is a business day, otherwise the next business day.
    Raises ValueError for a negative n.
    """
    _require_date(start, "start")
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    # The walk never leaves this range: each full year after start's holds
    # more than _MIN_BUSINESS_DAYS_PER_YEAR business days.
    last_year = start.year + n // _MIN_BUSINESS_DAYS_PER_YEAR + 1
    federal_holidays = _federal_holidays(start.year, last_year)
    one_day = timedelta(days=1)
    current = start
    if n == 0:
        while not _is_business_day(current, federal_holidays):
            current += one_day
        return current
    remaining = n
    while remaining:
        current += one_day
        if _is_business_day(current, federal_holidays):
            remaining -= 1
    return current


def _weekdays_up_to(d: date) -> int:
    """Number of Mondays to Fridays from 0001-01-01 (a Monday) through d."""
    weeks, extra_days = divmod(d.toordinal(), 7)
    return weeks * 5 + min(extra_days, 5)


def business_days_between(a: date, b: date) -> int:
    """Number of business days d with a < d <= b (0 if b <= a)."""
    _require_date(a, "a")
    _require_date(b, "b")
    if b <= a:
        return 0
    weekday_holidays = sum(
        1 for h in _federal_holidays(a.year, b.year) if a < h <= b and h.weekday() < 5
    )
    return _weekdays_up_to(b) - _weekdays_up_to(a) - weekday_holidays


def due_after(
    start: datetime,
    *,
    business_days: int | None = None,
    minutes: int | None = None,
    hours: int | None = None,
) -> datetime:
    """When a wait that began at start is expected to end.

    Give exactly one of business_days, minutes or hours (each >= 0).

    * business_days=n: start is converted to US Eastern time and its date
      taken; the wait ends at 23:59:59 America/New_York (``cms_timezone()``) on
      ``add_business_days(that date, n)``. "Two full business days" from a
      Monday is therefore the end of Wednesday, Eastern time.
    * minutes / hours: start plus that much elapsed time, in start's zone
      (computed through UTC, so a daylight-saving change does not shift it).

    Raises ValueError if start is naive, or if not exactly one amount is given,
    or if the amount is negative.
    """
    _require_aware(start, "start")
    given = {
        name: value
        for name, value in (
            ("business_days", business_days),
            ("minutes", minutes),
            ("hours", hours),
        )
        if value is not None
    }
    if len(given) != 1:
        raise ValueError(
            f"give exactly one of business_days, minutes or hours; got {', '.join(given) or 'none'}"
        )
    ((name, amount),) = given.items()
    if amount < 0:
        raise ValueError(f"{name} must be >= 0, got {amount}")
    if name == "business_days":
        eastern = cms_timezone()
        start_day = start.astimezone(eastern).date()
        due_day = add_business_days(start_day, amount)
        return datetime.combine(due_day, _END_OF_BUSINESS_DAY, tzinfo=eastern)
    delta = timedelta(minutes=amount) if name == "minutes" else timedelta(hours=amount)
    return (start.astimezone(UTC) + delta).astimezone(start.tzinfo)


def as_date(value: object) -> date | None:
    """A saved date (a date, a time, or its ISO text) as a date; None for anything else,
    so that readers of the state file (``status`` among them) never fail on one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def as_time(value: object) -> datetime | None:
    """A saved time with its offset (or its ISO text); None for anything else, a time
    without an offset included."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else None
    try:
        t = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return t if t is not None and t.tzinfo is not None else None


def is_overdue(due: datetime, now: datetime) -> bool:
    """True once now is strictly later than due (both timezone-aware)."""
    _require_aware(due, "due")
    _require_aware(now, "now")
    return now > due


def _format_time(dt: datetime) -> str:
    return f"{dt.hour:02d}:{dt.minute:02d}"


def _format_day(dt: datetime) -> str:
    return f"{_DAY_NAMES[dt.weekday()]} {dt.day} {_MONTH_NAMES[dt.month - 1]} {dt.year}"


def business_date(dt: datetime) -> date:
    """The calendar date of dt in the business calendar (US Eastern): the date a due
    date is, whatever zone the computer showing it is in. dt must be timezone-aware."""
    _require_aware(dt, "dt")
    return dt.astimezone(cms_timezone()).date()


def _zone_name(dt: datetime) -> str:
    return dt.tzname() or dt.strftime("%z")


def format_local(dt: datetime, tz: tzinfo | None = None, *, with_time: bool = True) -> str:
    """dt as "Mon 3 Nov 2025 10:15 EST": in zone tz, or, with None, in the business
    calendar (US Eastern, ``cms_timezone``), never the computer's own zone, so the day
    shown is the day the state file and ``status --json`` give, wherever it is read.

    A time is always followed by its zone's name (EST, EDT, PST, UTC, ...). With
    with_time=False only the day: "Mon 3 Nov 2025". Day and month names are fixed
    English, whatever the locale. dt must be timezone-aware.
    """
    _require_aware(dt, "dt")
    local = dt.astimezone(tz or cms_timezone())
    text = _format_day(local)
    return f"{text} {_format_time(local)} {_zone_name(local)}" if with_time else text


def format_due(since: datetime, due: datetime) -> str:
    """When a wait that began at since is expected to end, as text: a wait of a day or
    more by its date in the business calendar ("Mon 14 Dec 2026"), a shorter one by its
    day and time ("Mon 23 Nov 2026 09:30 EST"). Both must be timezone-aware."""
    _require_aware(since, "since")
    _require_aware(due, "due")
    short = due.astimezone(UTC) - since.astimezone(UTC) < timedelta(days=1)
    return format_local(due) if short else _format_day(due.astimezone(cms_timezone()))


def describe_wait(
    since: datetime,
    due: datetime,
    now: datetime,
    tz: tzinfo | None = None,
) -> str:
    """A short phrase for a wait, with times in zone tz (None: the business calendar,
    US Eastern).

    Not overdue: "waiting since Mon 3 Nov 2025 10:15 EST; expected by Wed 5 Nov 2025".
    Overdue: "overdue since Wed 5 Nov 2025 (waiting since Mon 3 Nov 2025 10:15 EST)".

    A wait of a day or more ends on a date of the business calendar (``due_after``):
    that date is shown, in every zone, never the day the end of it falls on elsewhere
    (23:59:59 Eastern is already the next day in Guam or on a server set to UTC). A
    wait shorter than a day is shown with its time and zone ("expected by 10:30 EST"),
    and with its day too if that is not the day of now. All three datetimes must be
    timezone-aware.
    """
    _require_aware(since, "since")
    _require_aware(due, "due")
    _require_aware(now, "now")
    zone = tz or cms_timezone()
    # Through UTC: subtracting two datetimes that share a tzinfo ignores their offsets.
    if due.astimezone(UTC) - since.astimezone(UTC) < timedelta(days=1):
        local_due = due.astimezone(zone)
        due_text = f"{_format_time(local_due)} {_zone_name(local_due)}"
        if local_due.date() != now.astimezone(zone).date():
            due_text = f"{_format_day(local_due)} {due_text}"
    else:
        due_text = _format_day(due.astimezone(cms_timezone()))
    since_text = format_local(since, zone)
    if is_overdue(due, now):
        return f"overdue since {due_text} (waiting since {since_text})"
    return f"waiting since {since_text}; expected by {due_text}"
