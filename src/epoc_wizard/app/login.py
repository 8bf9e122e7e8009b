"""``epoc-wizard login [PERSON | JOURNEY] [--on DATE]``: record that someone logged in to
iQIES, so that ``status`` counts the days until their roles lapse (60 days) from then.

A person on the access roster (by name, initials or HARP user ID) is looked for first,
then a journey id; with neither, the most recent journey. The two stay in step: a login
recorded for a journey is recorded for the person on the roster with the journey's HARP
user ID too, and a person's login for their journeys."""

from __future__ import annotations

import datetime as dt
from typing import Any

from epoc_wizard import words
from epoc_wizard.app.context import Context
from epoc_wizard.app.granted import harp_of
from epoc_wizard.core import engine, roster_advice
from epoc_wizard.core import roster as rules
from epoc_wizard.core.access import standing
from epoc_wizard.errors import StateError, UsageError
from epoc_wizard.words import long_date


def record_login(ctx: Context, target: str | None, facility: str | None, on: str | None) -> str:
    """Save the login date (today unless ``on``); say by when to log in next."""
    from epoc_wizard.app.roster import parse_date, today

    now = today(ctx)
    day = parse_date(on, "--on", now) if on is not None else now
    if target is not None:
        key = rules.find(ctx.store.roster(), target)
        if key is not None:
            return _person(ctx, key, day)
        if target not in ctx.store.journeys():
            from epoc_wizard.checks import echo

            on_roster = rules.names(ctx.store.roster())
            raise UsageError(
                f"{echo(target)} is neither a person on the access roster nor a journey. "
                f"{on_roster} Run 'epoc-wizard status' to see the journeys."
            )
    journey = ctx.pick_journey(target, facility)
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
    s = standing(saved.summary.model_dump(mode="json")["access"], day.isoformat(), now)
    assert s is not None
    due = dt.date.fromisoformat(s["log_in_by"])
    also = _roster_too(ctx, harp_of(flow, journey), day)
    return (
        f"Saved: you logged in on {long_date(day)}. Log in again by {long_date(due)} to keep "
        f"{access.what}; 'epoc-wizard status' reminds you.{also}"
    )


def _roster_too(ctx: Context, harp: str | None, day: dt.date) -> str:
    """Record the login for the person on the roster with this HARP user ID, if any."""
    if harp is None:
        return ""
    key = rules.find(ctx.store.roster(), harp)
    if key is None:
        return ""
    saved, overdue = _record(ctx, key, day)
    name = saved["people"][key]["name"]
    note = roster_advice.revoked_note(name, overdue)
    return f" Recorded on the access roster for {name} too." + (f" {note}" if note else "")


def _record(
    ctx: Context, key: str, day: dt.date
) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    """Save the login on the roster; and the roles that had passed their 60-day date
    before it (by the roster as it was on disk, under the lock)."""
    overdue: list[tuple[str, dict[str, Any]]] = []

    def change(raw: dict[str, Any]) -> dict[str, Any]:
        overdue[:] = roster_advice.overdue_at(raw, key, day)
        return rules.record_login(raw, key, day)

    saved: dict[str, Any] = ctx.store.update_roster(change)
    return saved, overdue


def _person(ctx: Context, key: str, day: dt.date) -> str:
    """A login for a person on the roster, and for their journeys (same HARP user ID)."""
    saved, overdue = _record(ctx, key, day)
    person: dict[str, Any] = saved["people"][key]
    name = person["name"]
    login = dt.date.fromisoformat(person["last_login"])
    held = sorted({r["facility"] for r in person.get("roles", []) if not rules.waiting(r)})
    earlier = (
        f" (a later login, on {long_date(login)}, was already recorded)" if login > day else ""
    )
    if held:
        due = login + dt.timedelta(days=rules.LAPSE_DAYS)
        keep = (
            f" Log in again by {words.day(due)} to keep the iQIES role(s) at {', '.join(held)}; "
            "'epoc-wizard status' reminds you."
        )
    else:
        keep = " No role is held on the roster yet, so nothing lapses."
    note = roster_advice.revoked_note(name, overdue)
    return (
        f"Saved: {name} logged in to iQIES on {long_date(day)}{earlier}."
        + (f" {note}" if note else "")
        + keep
        + _journeys_too(ctx, person.get("harp_user_id"), day)
    )


def _journeys_too(ctx: Context, harp: str | None, day: dt.date) -> str:
    """Record the login on the journeys of this HARP user ID that reached lapsing access."""
    if not harp:
        return ""
    done = []
    for jid, data in ctx.store.journeys().items():
        if not isinstance(data.get("answers"), dict):
            continue
        try:
            journey = ctx.store.journey(jid, data)
        except StateError:
            continue  # damaged: 'doctor' says so; the roster is saved
        flow = ctx.catalog.flows.get(journey.flow)
        theirs = harp_of(flow, journey) if flow else None
        if theirs is None or rules.key_for(theirs) != rules.key_for(harp):
            continue
        access = journey.summary.access
        if access is None or day < access.since or (journey.last_login or day) > day:
            continue
        ctx.store.save(journey.model_copy(update={"last_login": day}))
        done.append(jid)
    return f" Also recorded for {', '.join(done)}." if done else ""
