"""``epoc-wizard login [JOURNEY] [--on DATE]``: record that you logged in, so that
``status`` counts the days until access lapses (iQIES roles: 60 days) from then."""

from __future__ import annotations

import datetime as dt

from epoc_wizard.app.context import Context
from epoc_wizard.core import engine
from epoc_wizard.core.access import standing
from epoc_wizard.errors import UsageError
from epoc_wizard.words import long_date


def record_login(ctx: Context, journey_id: str | None, facility: str | None, on: str | None) -> str:
    """Save the login date (today unless ``on``); say by when to log in next."""
    journey = ctx.pick_journey(journey_id, facility)
    today = ctx.now().date()
    if on is None:
        day = today
    else:
        try:
            day = dt.date.fromisoformat(on.strip())
        except ValueError:
            raise UsageError(
                f"--on {on!r} is not a date; write it as YEAR-MONTH-DAY, e.g. {today.isoformat()}."
            ) from None
        if day > today:
            raise UsageError(f"--on {on}: that is in the future; give the day you logged in.")
    access = journey.summary.access
    if access is None:
        raise UsageError(
            f"{journey.id} has not reached access that lapses without a login (such as an "
            "iQIES role), so there is nothing to record yet."
        )
    if day < access.since:
        raise UsageError(
            f"--on {on}: that is before the access was granted ({long_date(access.since)})."
        )
    flow = ctx.catalog.get(journey.flow)
    saved = engine.summarize(flow, journey.model_copy(update={"last_login": day}), ctx.now())
    ctx.store.save(saved)
    s = standing(saved.summary.model_dump(mode="json")["access"], day.isoformat(), today)
    assert s is not None
    due = dt.date.fromisoformat(s["log_in_by"])
    return (
        f"Saved: you logged in on {long_date(day)}. Log in again by {long_date(due)} to keep "
        f"{access.what}; 'epoc-wizard status' reminds you."
    )
