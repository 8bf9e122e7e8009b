"""``epoc-wizard calendar``: a journey's dates as an iCalendar file (RFC 5545).

Staff live in Outlook: a due date that is not in their calendar is easily missed. The
file holds one all-day event per date: the plan of correction's due date, each wait
ahead on its expected day (with whom to call, and the number), and the day to log in
again before iQIES roles lapse; each with a reminder the day before. Every event's UID
is made from the journey id and what the event is, so importing the file again updates
the events instead of adding copies. Nothing secret is in it: only the facility's name
and CCN, titles, dates and help-desk numbers.

The ``icalendar`` package writes the format; it is imported only by this command.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from epoc_wizard.app.context import Context
from epoc_wizard.core.access import standing
from epoc_wizard.core.deadline import CITES, plan, plan_lines, schedule
from epoc_wizard.errors import UsageError

#: The product identifier RFC 5545 requires.
PRODID = "-//epoc-wizard//CMS access wizard//EN"
_UID_DOMAIN = "epoc-wizard.invalid"


def _uid(journey_id: str, what: str) -> str:
    """A stable UID: the same journey and event give the same UID on every run."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "-", f"{journey_id}.{what}")
    return f"{safe}@{_UID_DOMAIN}"


def events(journey: dict[str, Any], now: dt.datetime) -> list[dict[str, Any]]:
    """The events for one journey (as the state file holds it), as plain data."""
    jid = str(journey["id"])
    where = " ".join(
        x
        for x in (
            journey.get("label") or "",
            f"(CCN {journey['facility']})" if journey.get("facility") else "",
        )
        if x
    )
    suffix = f": {where}" if where else ""
    out: list[dict[str, Any]] = []
    p = plan(journey, now)
    if p is not None:
        sources = "; ".join(CITES[s] for s in ("cdph-afl-15-23",))
        out.append(
            {
                "uid": _uid(jid, "poc-due"),
                "date": p.due,
                "summary": f"Plan of correction due{suffix}",
                "description": "\n".join(
                    [
                        *plan_lines(p.as_json(), jid),
                        "The letter that came with your CMS-2567 governs the due date.",
                        f"Source: {sources}.",
                        f"Journey: {jid} (epoc-wizard status).",
                    ]
                ),
            }
        )
    for item, end in schedule(journey, now):
        started = item.get("until") is not None
        estimate = bool(item.get("estimate"))
        call = ""
        if item.get("contact"):
            call = (
                f" Call {item['contact']}"
                + (f" at {item['phone']}" if item.get("phone") else "")
                + "."
            )
        kind = "the wizard's estimate" if estimate else "expected" if started else "about"
        out.append(
            {
                "uid": _uid(jid, f"wait.{item.get('step_id')}"),
                "date": end,
                "summary": f"{'About' if estimate else 'Expected'}: {item.get('title')}{suffix}",
                "description": (
                    f"{item.get('title')}: {kind} by this day."
                    + (f" {item['late']}" if item.get("late") else "")
                    + call
                    + (
                        ""
                        if started
                        else " The date moves as the journey goes on; write the calendar "
                        "again to update it."
                    )
                    + f"\nJourney: {jid} (epoc-wizard status)."
                ),
            }
        )
    summary = journey.get("summary") or {}
    s = standing(summary.get("access"), journey.get("last_login"), now.date())
    if s is not None:
        out.append(
            {
                "uid": _uid(jid, "log-in-by"),
                "date": dt.date.fromisoformat(s["log_in_by"]),
                "summary": f"Log in to keep {s['what']}{suffix}",
                "description": (
                    f"Log in by this day, or {s['what']} may be revoked ({s['days']} days "
                    f"without a login). {s['renew']} Then record it: epoc-wizard login {jid}"
                ),
            }
        )
    return out


def to_ics(found: list[dict[str, Any]], now: dt.datetime) -> bytes:
    """The events as an iCalendar file: all-day events, each with a reminder the day before."""
    from icalendar import Alarm, Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    stamp = now.astimezone(dt.UTC)
    from epoc_wizard.words import printable

    for e in found:
        # Labels and titles come from the state file and flows: no control characters.
        e = {**e, **{k: printable(e[k], lines=True) for k in ("summary", "description")}}
        event = Event()
        event.add("uid", e["uid"])
        event.add("dtstamp", stamp)
        event.add("dtstart", e["date"])
        event.add("dtend", e["date"] + dt.timedelta(days=1))
        event.add("summary", e["summary"])
        event.add("description", e["description"])
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", e["summary"])
        alarm.add("trigger", dt.timedelta(days=-1))
        event.add_component(alarm)
        cal.add_component(event)
    return bytes(cal.to_ical())


def calendar(
    ctx: Context,
    journey_id: str | None,
    facility: str | None,
    output: Path | None,
    *,
    force: bool = False,
) -> str:
    """Write the calendar file; say where, and what is in it."""
    from epoc_wizard.outputs.drafts import safe_name
    from epoc_wizard.outputs.newfile import checked_target, write_new

    journey = ctx.pick_journey(journey_id, facility)
    now = ctx.now()
    found = events(journey.model_dump(mode="json"), now)
    if not found:
        raise UsageError(
            f"{journey.id} has no dates to put in a calendar yet: no plan-of-correction due "
            "date, no wait ahead, no login to keep.",
            f"Give the due date with: epoc-wizard edit {journey.id} poc_letter_due",
        )
    path = output if output is not None else Path(f"epoc-wizard-{safe_name(journey.id)}.ics")
    if output is None and os.path.lexists(path) and not force:
        raise UsageError(
            f"{path} is already here (from an earlier run) and was left unchanged.",
            "Add --force to replace it (importing it again updates the same events), or "
            "--output FILE to write another file.",
        )
    target = checked_target(path, ctx.store.directory, force)
    write_new(target, path, to_ics(found, now), force)
    n = len(found)
    return (
        f"Saved {n} event{'s' if n != 1 else ''} as {path}. Open it (or import it) in "
        "Outlook, Google Calendar or Apple Calendar; importing it again later updates the "
        "same events."
    )
