"""Keeping access alive: iQIES revokes a user's roles after 60 days without a login
(the flow's ``keeps_access`` says what lapses, after how many days, and what to do).

Pure and standard library only, because ``status`` uses it on every run: from the
summary the engine saved (what, days, renew, the date the access was granted) and
the last login the person recorded, it says by when to log in again, and whether
that date is near or past.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from epoc_wizard.dates import as_date

#: How many days before the date ``status`` starts to remind (our choice, not CMS's).
REMIND_DAYS = 14


def standing(access: Any, last_login: Any, today: dt.date) -> dict[str, Any] | None:
    """``{what, last_login, log_in_by, state, renew}`` (state: ok, soon or lapsed), or
    None when the journey has not reached access that lapses."""
    if not isinstance(access, dict):
        return None
    granted, days = as_date(access.get("since")), access.get("days")
    if granted is None or not isinstance(days, int) or isinstance(days, bool) or days < 1:
        return None
    login = as_date(last_login)
    since = max(granted, login) if login else granted
    due = since + dt.timedelta(days=days)
    left = (due - today).days
    return {
        "what": str(access.get("what") or "your access"),
        "days": days,
        "last_login": since.isoformat(),
        #: "login" when a login was recorded since the access was granted, else "granted".
        "counted_from": "login" if login and login >= granted else "granted",
        "log_in_by": due.isoformat(),
        "state": "lapsed" if left < 0 else "soon" if left <= REMIND_DAYS else "ok",
        "renew": str(access.get("renew") or ""),
    }


def sentence(s: dict[str, Any], journey_id: str) -> str:
    """What ``status`` says about it, in one or two sentences."""
    due = dt.date.fromisoformat(s["log_in_by"])
    last = dt.date.fromisoformat(s["last_login"])
    when = f"{due:%a} {due.day} {due:%b} {due.year}"
    record = f"After you log in, record it with: epoc-wizard login {journey_id}"
    if s["state"] == "lapsed":
        return (
            f"NOT LOGGED IN FOR {s['days']} DAYS: {s['what']} may have been revoked on "
            f"{when}. {s['renew']} {record}"
        ).replace("  ", " ")
    since = (
        f"{s['days']} days after the access was granted on {last.day} {last:%b} {last.year}, "
        "with no login recorded since"
        if s.get("counted_from") == "granted"
        else f"{s['days']} days after your last login on {last.day} {last:%b} {last.year}"
    )
    if s["state"] == "soon":
        return f"LOG IN SOON: by {when}, or {s['what']} may be revoked ({since}). {record}"
    return f"Log in by {when} to keep {s['what']} ({since}). {record}"
