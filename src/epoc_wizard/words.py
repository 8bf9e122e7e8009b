"""Small helpers for the sentences the wizard prints."""

from __future__ import annotations

import datetime as dt
from typing import Any

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def plural(n: int, one: str, many: str) -> str:
    """``1 step``, ``2 steps``."""
    return f"{n} {one if n == 1 else many}"


def shown(value: Any) -> str:
    """An answer as a person reads it: yes/no, a list joined by commas, (none)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "(none)"
    return str(value) if value not in (None, "") else "(none)"


def late_advice(late: str | None, contact: str | None, phone: str | None) -> str:
    """What to do about an overdue wait: the flow's advice, then who to call."""
    who = f" Then call {contact}" + (f" at {phone}" if phone else "") + "." if contact else ""
    return f"{(late or '').strip()}{who}".strip()


def long_date(date: dt.date) -> str:
    """A date as people read it, whatever the locale: ``14 July 2025``."""
    return f"{date.day} {_MONTHS[date.month - 1]} {date.year}"
