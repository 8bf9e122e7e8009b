"""``epoc-wizard status``: every journey at a glance, from the state file alone.

People run this many times a day, so it reads the JSON with the standard library
and prints plain columns: no flow files, YAML, pydantic, rich or Typer (see
``entry.py``). Everything it shows was stored by the engine at the last save.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from typing import Any

from epoc_wizard.dates import format_local
from epoc_wizard.store import read_document, state_dir

JSON_VERSION = 1


def _time(value: Any) -> dt.datetime | None:
    try:
        t = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return t if t is not None and t.tzinfo is not None else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def journey_rows(journeys: dict[str, dict[str, Any]], now: dt.datetime,
                 facility: str | None = None) -> list[dict[str, Any]]:
    """One stable, JSON-ready row per journey, oldest facility group first."""
    rows = []
    for jid, j in journeys.items():
        if facility and j.get("facility") != facility:
            continue
        summary = _dict(j.get("summary"))
        step_id = summary.get("step_id")
        record = _dict(_dict(j.get("steps")).get(str(step_id)))
        wait = record.get("wait") if record.get("status") == "waiting" else None
        waiting = None
        if isinstance(wait, dict):
            due = _time(wait.get("due"))
            waiting = {"for": wait.get("wait_for"), "since": wait.get("since"),
                       "due": wait.get("due"), "overdue": bool(due and now > due),
                       "late": wait.get("late"), "contact": wait.get("contact"),
                       "phone": wait.get("phone")}
        finished = j.get("finished")
        rows.append({
            "id": jid, "flow": j.get("flow"), "flow_title": summary.get("flow_title"),
            "facility": j.get("facility"), "label": j.get("label"),
            "progress": {"done": summary.get("done", 0), "total": summary.get("total", 0)},
            "current_step": None if finished or not step_id else
            {"id": step_id, "title": summary.get("step_title")},
            "finished": finished, "waiting": waiting, "updated": j.get("updated")})
    rows.sort(key=lambda r: (r["facility"] or "~", r["updated"] or ""))
    return rows


def totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {
        "facilities": len({r["facility"] for r in rows if r["facility"]}),
        "journeys": len(rows),
        "done": sum(1 for r in rows if r["finished"]),
        "waiting": sum(1 for r in rows if r["waiting"]),
        "overdue": sum(1 for r in rows if r["waiting"] and r["waiting"]["overdue"]),
    }


def render_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps({"version": JSON_VERSION, "journeys": rows, "totals": totals(rows)},
                      indent=2, ensure_ascii=False)


def render_text(rows: list[dict[str, Any]], now: dt.datetime) -> str:
    if not rows:
        return ("No journeys yet. Start one with: epoc-wizard start\n"
                f"(State folder: {state_dir()})")
    width = shutil.get_terminal_size((100, 24)).columns
    out: list[str] = []
    group: object = object()
    for r in rows:
        if r["facility"] != group:
            group = r["facility"]
            name = f" ({r['label']})" if r["label"] else ""
            out.append("")
            out.append(f"Facility {group}{name}" if group else "Not tied to one facility")
        out.append(_row_text(r, now, width))
    t = totals(rows)
    out.append("")
    out.append(f"{t['facilities']} facilit{'y' if t['facilities'] == 1 else 'ies'}, "
               f"{t['journeys']} journey{'s' if t['journeys'] != 1 else ''}: {t['done']} done, "
               f"{t['waiting']} waiting, {t['overdue']} overdue.")
    return "\n".join(out[1:] if out and out[0] == "" else out)


def _row_text(r: dict[str, Any], now: dt.datetime, width: int) -> str:
    done, total = r["progress"]["done"], r["progress"]["total"]
    updated = _time(r["updated"])
    head = (f"  {r['id']}  {r['flow_title'] or r['flow']}  {done}/{total} steps"
            + (f"  last activity {format_local(updated)}" if updated else ""))
    lines = [head]
    if r["finished"]:
        lines.append("    Finished.")
    elif r["current_step"]:
        lines.append(f"    Next: {r['current_step']['title']}")
    w = r["waiting"]
    if w:
        since, due = _time(w["since"]), _time(w["due"])
        if since and due:
            from epoc_wizard.dates import describe_wait

            lines.append(f"    Waiting for {w['for']}: {describe_wait(since, due, now)}")
        if w["overdue"]:
            who = (f" Call {w['contact']}" + (f" at {w['phone']}" if w["phone"] else "") + "."
                   if w["contact"] else "")
            lines.append(f"    OVERDUE: {w['late']}{who}")
    return "\n".join(_fit(line, width) for line in lines)


def _fit(line: str, width: int) -> str:
    # Long lines wrap with an indent rather than being cut: nothing is hidden.
    if len(line) <= width or width < 40:
        return line
    import textwrap

    indent = " " * (len(line) - len(line.lstrip()) + 2)
    return textwrap.fill(line, width, subsequent_indent=indent)


def run(*, as_json: bool, facility: str | None, now: dt.datetime) -> str:
    rows = journey_rows(read_document(state_dir())["journeys"], now, facility)
    return render_json(rows) if as_json else render_text(rows, now)


def main(as_json: bool, facility: str | None) -> int:
    """The whole command, with its errors as sentences; returns the exit code."""
    from epoc_wizard import clock
    from epoc_wizard.errors import WizardError

    try:
        if facility is not None:
            from epoc_wizard.checks import check_ccn

            result = check_ccn(facility)
            if not result.ok:
                print(f"--facility {facility!r}: {result.message}", file=sys.stderr)
                return 2
            facility = result.value
        print(run(as_json=as_json, facility=facility, now=clock.now()))
    except WizardError as exc:
        print(exc.message, file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        return 0
    return 0
