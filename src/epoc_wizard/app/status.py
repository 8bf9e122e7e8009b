"""``epoc-wizard status``: every journey at a glance, from the state file alone.

People run this many times a day, so it reads the JSON with the standard library
and prints plain columns: no flow files, YAML, pydantic, rich or Typer (see
``entry.py``). Everything it shows was stored by the engine at the last save.

The state file is text anyone could have edited, so every value it shows goes through
``words.printable`` (issue 12): one line each, with terminal control sequences, bidi
overrides and zero-width characters shown as escapes. ``--json`` keeps the values as they
are, but writes those characters as JSON escapes (``\u001b``), never raw.

Dates and times (issue 15): text and ``--json`` give times on the business calendar (US
Eastern, ``dates.py``), whatever offset was saved and whatever zone the computer is in,
so a date in the text is always the date in the JSON. ``--json`` is documented in
docs/status-json.md, and ``--json-schema`` prints its JSON Schema (``status.schema.json``,
shipped beside this module).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import sys
from typing import Any

from epoc_wizard.core.access import sentence, standing
from epoc_wizard.core.roster_report import lines as roster_lines
from epoc_wizard.core.roster_report import report as roster_report
from epoc_wizard.dates import as_time, business_date, cms_timezone, format_local
from epoc_wizard.state.document import read_document, state_dir
from epoc_wizard.words import HIDDEN, fitted, late_advice, printable

JSON_VERSION = 1


def _instant(value: Any) -> str | None:
    """A saved time as ISO 8601 in the business calendar (US Eastern), so its date is the
    one the text shows, wherever the computer is and whatever offset was saved (issue 15)."""
    t = as_time(value)
    return t.astimezone(cms_timezone()).isoformat() if t is not None else None


def _state(value: Any) -> str | None:
    return value if isinstance(value, str) and re.fullmatch(r"[A-Z]{2}", value) else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def damaged(journeys: dict[str, dict[str, Any]]) -> list[str]:
    """Ids of entries that cannot be journeys.

    ``status`` does not load pydantic, so this is a light check of what it shows; the
    other commands validate every field and ``epoc-wizard doctor`` names the problem.
    """
    return [
        jid
        for jid, j in journeys.items()
        if j.get("id") != jid
        or not isinstance(j.get("flow"), str)
        or not all(as_time(j.get(k)) for k in ("created", "updated"))
        or not isinstance(j.get("answers", {}), dict)
        or not all(
            isinstance(r, dict) and r.get("status", "pending") in _STATUSES
            for r in _dict(j.get("steps", {})).values()
        )
        or not isinstance(j.get("steps", {}), dict)
    ]


_STATUSES = ("pending", "done", "skipped", "waiting")


def journey_rows(
    journeys: dict[str, dict[str, Any]], now: dt.datetime, facility: str | None = None
) -> list[dict[str, Any]]:
    """One stable, JSON-ready row per journey, oldest facility group first."""
    rows = []
    skip = set(damaged(journeys))
    today = business_date(now)
    for jid, j in journeys.items():
        if jid in skip or (facility and j.get("facility") != facility):
            continue
        summary = _dict(j.get("summary"))
        step_id = _str(summary.get("step_id"))
        record = _dict(_dict(j.get("steps")).get(str(step_id)))
        wait = record.get("wait") if record.get("status") == "waiting" else None
        waiting = None
        if isinstance(wait, dict):
            due = as_time(wait.get("due"))
            overdue = bool(due and now > due)
            waiting = {
                "for": _str(wait.get("wait_for")),
                "since": _instant(wait.get("since")),
                "due": _instant(wait.get("due")),
                "overdue": overdue,
                "late": _str(wait.get("late")),
                "contact": _str(wait.get("contact")),
                "phone": _str(wait.get("phone")),
                "other_phones": [p for p in _list(wait.get("other_phones")) if _str(p)],
                "desk": _desk(wait.get("open"), now) if overdue else None,
            }
        finished = _instant(j.get("finished"))
        rows.append(
            {
                "id": jid,
                "flow": j.get("flow"),
                "flow_title": _str(summary.get("flow_title")),
                "facility": _str(j.get("facility")),
                "label": _str(j.get("label")),
                "state": _state(summary.get("state")),
                "contact_email": _str(summary.get("email")),
                "progress": {
                    "done": _count(summary.get("done")),
                    "total": _count(summary.get("total")),
                },
                "current_step": None
                if finished or not step_id
                else {"id": step_id, "title": _str(summary.get("step_title"))},
                "finished": finished,
                "waiting": waiting,
                "access": standing(summary.get("access"), j.get("last_login"), today),
                "deadline": _deadline(j, now),
                "tickets": _tickets(j.get("tickets")),
                "updated": _instant(j.get("updated")),
            }
        )
    # Facilities with the fewest days left to their plan of correction first (overdue
    # before all), then the others by CCN; within a facility, the oldest journey first.
    soonest: dict[Any, int] = {}
    for r in rows:
        plan: Any = r["deadline"]
        if plan:
            left = int(plan["days_left"])
            soonest[r["facility"]] = min(left, soonest.get(r["facility"], left))
    never = 1 << 30
    rows.sort(
        key=lambda r: (
            soonest.get(r["facility"], never),
            r["facility"] or "~",
            "" if r["facility"] else r["label"] or "~",
            r["updated"] or "",
        )
    )
    return rows


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _tickets(value: Any) -> list[dict[str, Any]]:
    """Help-desk ticket numbers recorded with ``epoc-wizard ticket``: number, step id and
    title, when recorded."""
    return [
        {
            "number": t["number"],
            "step": _str(t.get("step")),
            "title": _str(t.get("title")),
            "recorded": _str(t.get("recorded")),
        }
        for t in _list(value)
        if isinstance(t, dict) and _str(t.get("number"))
    ]


def _desk(hours: Any, now: dt.datetime) -> dict[str, Any] | None:
    """Whether the desk to call is open now (``flowspec/deskhours.py``), and the sentence;
    None when no source gives its hours."""
    if not isinstance(hours, dict):
        return None
    from epoc_wizard.flowspec.deskhours import sentence, status

    return {**status(hours, now), "sentence": sentence(hours, now)}


def _deadline(journey: dict[str, Any], now: dt.datetime) -> dict[str, Any] | None:
    from epoc_wizard.core.deadline import plan

    p = plan(journey, now) if isinstance(journey.get("deadline"), dict) else None
    if p is None:
        return None
    out = p.as_json()
    if journey.get("finished"):  # access reached: nothing left to do about it here
        out["todo"] = []
    return out


def totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {
        "facilities": len({r["facility"] for r in rows if r["facility"]}),
        "journeys": len(rows),
        "done": sum(1 for r in rows if r["finished"]),
        "waiting": sum(1 for r in rows if r["waiting"]),
        "overdue": sum(1 for r in rows if r["waiting"] and r["waiting"]["overdue"]),
        "login_due": sum(1 for r in rows if r["access"] and r["access"]["state"] != "ok"),
        "poc_at_risk": sum(
            1 for r in rows if r["deadline"] and not r["deadline"]["fits"] and not r["finished"]
        ),
        "poc_past_due": sum(
            1
            for r in rows
            if r["deadline"] and r["deadline"]["days_left"] < 0 and not r["finished"]
        ),
    }


def render_json(rows: list[dict[str, Any]], roster: dict[str, Any] | None = None) -> str:
    """The rows as JSON; characters that ``printable`` would not print as they are (and
    that JSON may hold raw: C1 controls, bidi and zero-width characters, lone
    surrogates) are written as ``\\uXXXX`` escapes, so the data is the same for a
    program and harmless on a terminal."""
    text = json.dumps(
        {"version": JSON_VERSION, "journeys": rows, "totals": totals(rows)}
        | ({"roster": roster} if roster is not None else {}),
        indent=2,
        ensure_ascii=False,
    )
    return HIDDEN.sub(_json_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def render_text(
    rows: list[dict[str, Any]],
    now: dt.datetime,
    facility: str | None = None,
    known: list[str] | None = None,
) -> str:
    """The status lines; ``known``, with a ``facility`` that has none, names the others."""
    if not rows and facility:
        others = f" Facilities with journeys: {printable(', '.join(known))}." if known else ""
        return (
            f"No journeys for facility {facility}.{others} Start one with: "
            f"epoc-wizard start --facility {facility}"
        )
    if not rows:
        return (
            "No journeys yet. Start one with: epoc-wizard start\n"
            f"(State folder: {printable(str(state_dir()))})"
        )
    width = shutil.get_terminal_size((100, 24)).columns
    out: list[str] = []
    group: object = object()
    for r in rows:
        # Journeys without a CCN (an assister's) go under the name they were given.
        key = r["facility"] or (None, r["label"])
        if key != group:
            group = key
            name = f" ({r['label']})" if r["label"] else ""
            out.append("")
            if r["facility"]:
                head = f"Facility {r['facility']}{name}"
            else:
                head = r["label"] or "Not tied to one facility"
            out.append(printable(head))
        out.append(_row_text(r, now, width))
    t = totals(rows)
    out.append("")
    out.append(
        f"{t['facilities']} facilit{'y' if t['facilities'] == 1 else 'ies'}, "
        f"{t['journeys']} journey{'s' if t['journeys'] != 1 else ''}: {t['done']} done, "
        f"{t['waiting']} waiting, {t['overdue']} overdue"
        + (f", {t['login_due']} needing a login" if t["login_due"] else "")
        + (
            f", {t['poc_past_due']} plan{'s' if t['poc_past_due'] != 1 else ''} of "
            "correction past the due date"
            if t["poc_past_due"]
            else ""
        )
        + (
            f", {t['poc_at_risk'] - t['poc_past_due']} more at risk of missing it"
            if t["poc_at_risk"] > t["poc_past_due"]
            else ""
        )
        + "."
    )
    return "\n".join(out[1:] if out and out[0] == "" else out)


def _row_text(r: dict[str, Any], now: dt.datetime, width: int) -> str:
    done, total = r["progress"]["done"], r["progress"]["total"]
    updated = as_time(r["updated"])
    head = f"  {r['id']}  {r['flow_title'] or r['flow']}  {done}/{total} steps" + (
        f"  last activity {format_local(updated)}" if updated else ""
    )
    lines = [head]
    if r["finished"]:
        lines.append("    Finished.")
    elif r["current_step"]:
        label = "Waiting at" if r["waiting"] else "Next"
        lines.append(f"    {label}: {r['current_step']['title']}")
    w = r["waiting"]
    if w:
        since, due = as_time(w["since"]), as_time(w["due"])
        if since and due:
            from epoc_wizard.dates import describe_wait

            lines.append(f"    Waiting for {w['for']}: {describe_wait(since, due, now)}")
        if w["overdue"]:
            desk = w["desk"]["sentence"] if w["desk"] else ""
            advice = late_advice(
                w["late"], w["contact"], w["phone"], other_phones=w["other_phones"], desk=desk
            )
            lines.append(f"    OVERDUE: {advice}")
    for t in r["tickets"]:
        about = f" ({t['title'] or t['step']})" if t["title"] or t["step"] else ""
        lines.append(f"    Help-desk ticket: {t['number']}{about}")
    if r["access"]:
        lines.append(f"    {sentence(r['access'], r['id'])}")
    if r["deadline"] and not r["finished"]:
        from epoc_wizard.core.deadline import plan_lines

        lines.extend(f"    {line}" for line in plan_lines(r["deadline"], r["id"]))
    return "\n".join(_fit(printable(line), width) for line in lines)


def _fit(line: str, width: int) -> str:
    # Long lines wrap with an indent rather than being cut: nothing is hidden. Piped or
    # redirected, a line stays whole, for grep and scripts (issue 15).
    if len(line) <= width or width < 40 or not sys.stdout.isatty():
        return line
    import textwrap

    indent = " " * (len(line) - len(line.lstrip()) + 2)
    return textwrap.fill(
        line, width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
    )


def _facilities(journeys: dict[str, Any]) -> list[str]:
    return sorted(
        {
            str(j["facility"])
            for j in journeys.values()
            if isinstance(j, dict) and isinstance(j.get("facility"), str)
        }
    )


def roster_text(roster: dict[str, Any]) -> str:
    """The access roster under the journeys (``core/roster_report.py``), when it has anything."""
    if not roster["facilities"]:
        return ""
    width = shutil.get_terminal_size((100, 24)).columns
    return "\n\n" + "\n".join(_fit(printable(line), width) for line in roster_lines(roster))


def damaged_message(bad: list[str]) -> str:
    from epoc_wizard.state.document import STATE_FILE

    names = printable(", ".join(f"'{b}'" for b in bad))
    one = len(bad) == 1
    return (
        f"{len(bad)} journey{'' if one else 's'} in {state_dir() / STATE_FILE} "
        f"{'is' if one else 'are'} damaged and not shown: {names}. Run 'epoc-wizard "
        "doctor' to see what is wrong, and 'epoc-wizard doctor --repair' to set the file "
        "aside and go back to the last good save."
    )


#: The JSON Schema of ``status --json`` (docs/status-json.md), shipped beside this module.
SCHEMA_FILE = "status.schema.json"


def json_schema() -> str:
    """The JSON Schema of ``status --json``, as text (``status --json-schema``)."""
    from pathlib import Path

    return (Path(__file__).parent / SCHEMA_FILE).read_text(encoding="utf-8").rstrip()


def main(as_json: bool, facility: str | None, *, schema: bool = False) -> int:
    """The whole command; the exit code. Errors become sentences in ``cli/guard.py``."""
    from epoc_wizard import clock

    if schema:
        print(json_schema())
        return 0

    if facility is not None:
        from epoc_wizard.checks import check_ccn, echo

        result = check_ccn(facility)
        if not result.ok:
            print(printable(f"--facility {echo(facility)}: {result.message}"), file=sys.stderr)
            return 2
        facility = result.value
    now = clock.now()
    doc = read_document(state_dir())
    journeys = doc["journeys"]
    rows = journey_rows(journeys, now, facility)
    bad = damaged(journeys)
    roster = roster_report(doc["roster"], business_date(now), facility)
    if rows or as_json or not bad:
        print(
            render_json(rows, roster)
            if as_json
            else fitted(
                render_text(rows, now, facility, _facilities(journeys)) + roster_text(roster)
            )
        )
    if bad:
        print(fitted(damaged_message(bad), sys.stderr), file=sys.stderr)
        return 1
    return 0
