"""Whether a help desk is open now, from the hours a dated source gives (standard
library only: ``status`` says it on its overdue lines, and never loads pydantic).

The hours are plain data, as ``Hours`` in the flow format and in a saved wait hold them:
``{"days": ["mon", ..., "fri"], "from": "08:00", "to": "20:00", "zone":
"America/New_York"}``. ``now`` is always a parameter (the clock is read by the caller,
``EPOC_WIZARD_NOW`` in tests), so the answer is the same for the same moment.

What no source says is not assumed: a desk's hours say nothing of holidays, so on a US
federal holiday (``dates.is_business_day``, observed days included) the desk is said to
be possibly closed, and the next opening skips such days; that is the wizard's caution,
not a CMS rule. A desk with no hours gives ``state == "unknown"``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from epoc_wizard.dates import CMS_TIMEZONE_NAME, cms_timezone, is_business_day

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ZONE_NAMES = {
    "America/New_York": "Eastern time",
    "America/Chicago": "Central time",
    "America/Denver": "Mountain time",
    "America/Phoenix": "Arizona time",
    "America/Los_Angeles": "Pacific time",
    "America/Anchorage": "Alaska time",
    "Pacific/Honolulu": "Hawaii time",
}


def _zone(name: str) -> dt.tzinfo | None:
    if name == CMS_TIMEZONE_NAME:
        return cms_timezone()  # works without a time-zone database too
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:  # no database, or a name it does not know: cannot tell
        return None


def _clock(text: Any) -> dt.time | None:
    try:
        hour, minute = str(text).split(":")
        return dt.time(int(hour), int(minute))
    except ValueError:
        return None


def _hours(hours: Any) -> tuple[list[int], dt.time, dt.time, str] | None:
    """The hours as (weekday numbers, from, to, zone name), or None if they are not
    usable (missing, or damaged in a hand-edited state file)."""
    if not isinstance(hours, Mapping):
        return None
    days = hours.get("days")
    start, end = _clock(hours.get("from")), _clock(hours.get("to"))
    zone = hours.get("zone")
    if not isinstance(days, list) or not isinstance(zone, str) or not start or not end:
        return None
    numbers = sorted({DAYS.index(d) for d in days if d in DAYS})
    if not numbers or start >= end:
        return None
    return numbers, start, end, zone


def _holiday(day: dt.date) -> bool:
    return day.weekday() < 5 and not is_business_day(day)


def hours_text(hours: Any) -> str:
    """The hours as people read them: "Monday to Friday, 08:00 to 20:00 Eastern time"."""
    parsed = _hours(hours)
    if parsed is None:
        return ""
    numbers, start, end, zone = parsed
    if numbers == list(range(numbers[0], numbers[-1] + 1)) and len(numbers) > 2:
        days = f"{_DAY_NAMES[numbers[0]]} to {_DAY_NAMES[numbers[-1]]}"
    else:
        names = [_DAY_NAMES[n] for n in numbers]
        days = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{days}, {start:%H:%M} to {end:%H:%M} {_ZONE_NAMES.get(zone, zone)}"


def status(hours: Any, now: dt.datetime) -> dict[str, Any]:
    """Whether the desk is open at ``now`` (timezone-aware), JSON-ready:

    ``state``: "open", "closed", "holiday" (within its hours, but a US federal holiday:
    it may be closed) or "unknown" (no usable hours, or no time-zone data here);
    ``local``: the time at the desk; ``until``: when it closes today (open, holiday);
    ``opens``: its next opening (closed, holiday), skipping weekday federal holidays.
    """
    parsed = _hours(hours)
    zone = _zone(parsed[3]) if parsed else None
    if parsed is None or zone is None:
        return {"state": "unknown"}
    numbers, start, end, _ = parsed
    local = now.astimezone(zone)
    out: dict[str, Any] = {"state": "closed", "local": local.isoformat(timespec="minutes")}
    today = local.date()
    if local.weekday() in numbers and start <= local.time().replace(tzinfo=None) < end:
        close = dt.datetime.combine(today, end, tzinfo=zone)
        out["until"] = close.isoformat(timespec="minutes")
        if not _holiday(today):
            out["state"] = "open"
            return out
        out["state"] = "holiday"
    for ahead in range(0 if local.time().replace(tzinfo=None) < start else 1, 15):
        day = today + dt.timedelta(days=ahead)
        if day.weekday() in numbers and not _holiday(day):
            opens = dt.datetime.combine(day, start, tzinfo=zone)
            out["opens"] = opens.isoformat(timespec="minutes")
            break
    return out


def _when(stamp: str, now: dt.datetime, zone_name: str) -> str:
    """An opening time as people read it: "at 08:00", "tomorrow (Tuesday) at 08:00"."""
    t = dt.datetime.fromisoformat(stamp)
    zone_text = _ZONE_NAMES.get(zone_name, zone_name)
    days = (t.date() - now.astimezone(t.tzinfo).date()).days
    if days == 0:
        day = "today"
    elif days == 1:
        day = f"tomorrow ({_DAY_NAMES[t.weekday()]})"
    else:
        day = f"{_DAY_NAMES[t.weekday()]} {t.day} {t:%B}"
    return f"{day} at {t:%H:%M} {zone_text}"


def sentence(hours: Any, now: dt.datetime) -> str:
    """One sentence on whether the desk is open now, for people; "" without hours."""
    s = status(hours, now)
    parsed = _hours(hours)
    if s["state"] == "unknown" or parsed is None:
        return ""
    zone_name = parsed[3]
    zone_text = _ZONE_NAMES.get(zone_name, zone_name)
    local = dt.datetime.fromisoformat(s["local"])
    here = f"it is {local:%H:%M} {zone_text} there"
    if s["state"] == "open":
        until = dt.datetime.fromisoformat(s["until"])
        return f"Open now ({here}), until {until:%H:%M}."
    opens = f" It next opens {_when(s['opens'], now, zone_name)}." if "opens" in s else ""
    if s["state"] == "holiday":
        return (
            f"Today is a US federal holiday ({here}): it may be closed, since its hours "
            f"say nothing about holidays.{opens}"
        )
    return f"Closed now ({here}).{opens}"
