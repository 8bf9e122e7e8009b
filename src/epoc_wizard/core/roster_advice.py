"""What the roster commands say besides the report.

A note when a role just put on the roster is past its 60-day date (``roster add``), or
when a login recorded came after roles' 60-day dates (``login``); the checklist before a
PSO leaves (``roster pso-leaving``); the change-of-ownership advice (``roster
ownership``). Pure and standard library only, on the raw roster (``core/roster.py``),
with each role's standing and PSO coverage from ``core/roster_report.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from epoc_wizard.core.roster import LAPSE_DAYS, arg, cite, find, key_for, role_name
from epoc_wizard.core.roster_report import holder, report
from epoc_wizard.words import day, long_date

# --- notes after a change ---------------------------------------------------------


def lapse_note(raw: dict[str, Any], who: str, facility: str, role: str, today: dt.date) -> str:
    """After ``add``: a sentence when the role, as now on the roster, is past its 60-day
    date (an old grant date and no login recorded, or an old last login), so that the
    person filling in the roster hears it at once; "" otherwise."""
    key = find(raw, who)
    if key is None:
        return ""
    person = raw["people"][key]
    held = next(
        (
            r
            for r in person.get("roles", [])
            if r["facility"] == facility and key_for(r["role"]) == key_for(role_name(role))
        ),
        None,
    )
    if held is None:
        return ""
    h = holder(key, person, held, today)
    if h["access"] != "lapsed":
        return ""
    name = person["name"]
    what = f"{h['role']} at {facility}"
    if h["last_login"] is None:
        since = long_date(dt.date.fromisoformat(h["granted"]))
        start = f"No login recorded for {name} since {since}, when {what} was granted"
    else:
        last = long_date(dt.date.fromisoformat(h["last_login"]))
        start = f"The last login recorded for {name} is {last}, more than {LAPSE_DAYS} days ago"
    return (
        f"{start}: by the {LAPSE_DAYS}-day rule the role may have lapsed; if {name} has "
        f"logged in since, record it: epoc-wizard login {arg(name)} --date YEAR-MONTH-DAY "
        f"{cite('qtso-iqies-inactive-2024')}"
    )


def overdue_at(raw: dict[str, Any], key: str, on: dt.date) -> list[tuple[str, dict[str, Any]]]:
    """The person's held roles (facility, ``holder`` row) whose 60-day date had passed
    before a login ``on``, by the roster as it was before that login is recorded: iQIES
    may have revoked them, and a login does not bring them back."""
    person = raw["people"][key]
    rows = [(r["facility"], holder(key, person, r, on)) for r in person.get("roles", [])]
    return [(ccn, h) for ccn, h in rows if h["access"] == "lapsed"]


def revoked_note(name: str, rows: list[tuple[str, dict[str, Any]]]) -> str:
    """What to say when a login comes after roles' 60-day dates (``overdue_at``)."""
    if not rows:
        return ""
    held = "; ".join(
        f"{h['role']} at {ccn} (log in was due by {day(dt.date.fromisoformat(h['log_in_by']))})"
        for ccn, h in rows
    )
    one = len(rows) == 1
    said = (
        f"Before this login, {name} had gone more than {LAPSE_DAYS} days without one: "
        f"{held}. iQIES may have revoked {'that role' if one else 'those roles'}, and a "
        f"login does not bring {'it' if one else 'them'} back. The HARP account stays "
        f"active: check in iQIES, and if {'the role is' if one else 'a role is'} gone, "
        f"request it again. {cite('qtso-iqies-inactive-2024')}"
    )
    if any(h["pso"] for _, h in rows):
        said += (
            " A PSO role requested again needs a PSO's approval; where no other PSO with "
            "current access is left, who approves it is not said on any page we could "
            f"check: ask the iQIES Service Center ('epoc-wizard contacts iqies'). "
            f"{cite('mo-dhss-pso')}"
        )
    return said


# --- checklists -----------------------------------------------------------------------


def pso_leaving(raw: dict[str, Any], key: str, today: dt.date, facility: str | None) -> list[str]:
    """What to do before a PSO leaves, for every facility where they are one (or only
    ``facility``). ValueError when they are a PSO nowhere on the roster."""
    rep = report(raw, today)
    person = raw["people"][key]
    name = person["name"]
    out: list[str] = []
    for f in rep["facilities"]:
        if facility is not None and f["ccn"] != facility:
            continue
        mine = [h for h in f["roles"] if h["key"] == key and h["pso"] and h["state"] == "granted"]
        if not mine:
            continue
        c = f["coverage"]
        others = [n for n in c["psos"] if n != name]
        label = f" ({f['name']})" if f["name"] else ""
        out.append(f"Facility {f['ccn']}{label}: {name} is a PSO here.")
        if others:
            out.append(
                f"  1. Another PSO is on the roster: {', '.join(others)}. Check that "
                f"{' and '.join(others)} can still log in, and keep logging in at least every "
                f"{LAPSE_DAYS} days: roles lapse after {LAPSE_DAYS} days without a login. "
                f"{cite('qtso-iqies-inactive-2024')}"
            )
        else:
            pending = [n for n in c["requested_psos"] if n != name]
            now = (
                f"{', '.join(pending)} has requested the PSO role: {name} can approve it now."
                if pending
                else "Ask someone who works for the provider (a vendor cannot be a PSO) to "
                f"request the Provider Security Official role in iQIES now, while {name} can "
                "still approve it."
            )
            out.append(
                f"  1. {name} is the only PSO on the roster. Before {name} goes, make sure a "
                f"second PSO is approved: without a PSO, no request for this facility can be "
                f"approved. {now} {cite('mo-dhss-pso', 'qtso-so-manage-access')}"
            )
        waiting = [h for h in f["roles"] if h["state"] == "requested" and h["key"] != key]
        if waiting:
            asked = ", ".join(f"{h['person']} ({h['role']})" for h in waiting)
            then = (
                f"or ask {' or '.join(others)} to"
                if others
                else f"since no other PSO on the roster could approve them once {name} has gone"
            )
            out.append(
                f"  2. Requests waiting for a PSO here: {asked}. Approve them before {name} "
                f"goes, {then}."
            )
        else:
            out.append("  2. No request is waiting for a PSO here on the roster.")
        out.append(
            f"  3. When {name} has gone: epoc-wizard roster remove {arg(name)} "
            f"--facility {f['ccn']}"
        )
    if not out:
        where = f" at {facility}" if facility else ""
        raise ValueError(f"{name} holds no PSO role{where} on the roster.")
    out.append(
        "Who approves whom: CMS approves an organization's first PSO; after that, a PSO "
        "approves further PSO requests and every other role request, vendors' included. Who "
        "approves a PSO when none is left is not said on any page we could check: ask the "
        f"iQIES Service Center ('epoc-wizard contacts iqies'). {cite('mo-dhss-pso')}"
    )
    return out


def ownership_advice(ccn: str, new_ccn: str | None) -> list[str]:
    """The change-of-ownership branch: same CCN, logins continue; new CCN, a PSO again."""
    if not new_ccn:
        return [
            f"Change of ownership, same CCN {ccn}: staff keep using the same iQIES logins; "
            f"there is no PSO to apply for again. {cite('aapacn-chow')}"
        ]
    return [
        f"Change of ownership with a new CCN {new_ccn}: apply for a Provider Security "
        f"Official again, under the new CCN. {cite('aapacn-chow')}",
        f"Until that PSO is approved (CMS approves an organization's first PSO), no one's "
        f"role for {new_ccn} can be approved. {cite('mo-dhss-pso')}",
        f"Then each person requests their role for {new_ccn} in iQIES, and the new PSO "
        f"approves it: roles are requested per facility, by CCN. {cite('mehca-pbj-2026')} "
        f"The roster now lists {new_ccn}: add the new PSO with: epoc-wizard roster add NAME "
        f"--facility {new_ccn} --role PSO --granted YEAR-MONTH-DAY",
    ]
