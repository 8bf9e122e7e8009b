"""The access roster's report: what ``status``, ``status --json`` and ``roster list`` show.

Per facility, each role's lapse standing (``holder``: by when to log in, from the grant
date or the last login recorded, by ``core/access.py``'s 60-day rule), PSO coverage
(none, one, or enough, with the advice and its sources), what to do, and the totals;
then the report as text lines. Pure and standard library only, because ``status`` uses
it on every run, on the raw roster (``core/roster.py``) from the state file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from epoc_wizard.core.access import standing
from epoc_wizard.core.roster import (
    CITES,
    LAPSE_DAYS,
    arg,
    cite,
    empty,
    is_pso,
    key_for,
    problem,
    waiting,
)
from epoc_wizard.dates import as_date
from epoc_wizard.words import day, long_date


def holder(key: str, p: dict[str, Any], r: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """One role of one person as the report rows it: its state, and for a held role its
    lapse standing on ``today`` (by when to log in, days left, ``access``)."""
    granted, login = as_date(r.get("granted")), as_date(p.get("last_login"))
    row: dict[str, Any] = {
        "person": p["name"],
        "key": key,
        "harp_user_id": p.get("harp_user_id"),
        "works_for": p.get("works_for"),
        "role": r["role"],
        "pso": is_pso(r["role"]),
        "state": "requested" if waiting(r) else "granted",
        "granted": granted.isoformat() if granted else None,
        "requested": r.get("requested"),
        "drafted": r.get("drafted"),
        "journey": r.get("journey"),
        "last_login": login.isoformat() if login else None,
        "log_in_by": None,
        "days_left": None,
        "access": None,
    }
    if waiting(r):
        return row
    known = [d for d in (granted, login) if d is not None]
    if not known:
        row["access"] = "unknown"
        return row
    s = standing({"since": max(known).isoformat(), "days": LAPSE_DAYS}, None, today)
    assert s is not None
    due = dt.date.fromisoformat(s["log_in_by"])
    row.update(log_in_by=due.isoformat(), days_left=(due - today).days, access=s["state"])
    return row


def unrecorded(h: dict[str, Any]) -> bool:
    """A role past its 60-day date, counted from the day it was granted, with no login
    recorded at all: the roster does not know whether the person logged in since (the
    usual case when an organization first fills it in)."""
    return h["access"] == "lapsed" and h["last_login"] is None


def _login_command(names: list[str]) -> str:
    who = arg(names[0]) if len(names) == 1 else "NAME"
    return f"epoc-wizard login {who} --date YEAR-MONTH-DAY"


def _coverage(ccn: str, holders: list[dict[str, Any]]) -> dict[str, Any]:
    psos = [h for h in holders if h["pso"] and h["state"] == "granted"]
    # A PSO with no login recorded is counted, and flagged: the roster cannot tell
    # whether they logged in since; one whose recorded last login is too old is not.
    active = sorted({h["person"] for h in psos if h["access"] != "lapsed" or unrecorded(h)})
    unknown = sorted({h["person"] for h in psos if unrecorded(h)})
    lapsed = sorted({h["person"] for h in psos if h["access"] == "lapsed"} - set(active))
    asked = sorted({h["person"] for h in holders if h["pso"] and h["state"] == "requested"})
    flag = "none" if not active else "one" if len(active) == 1 else "ok"

    def named(person: str) -> str:
        return f"{person} (login not recorded)" if person in unknown else person

    if flag == "none" and lapsed:
        last = {h["person"]: h["last_login"] for h in psos}
        gone = " and ".join(
            f"{p} (last login recorded {long_date(dt.date.fromisoformat(last[p]))})" for p in lapsed
        )
        one = len(lapsed) == 1
        advice = (
            f"No PSO with current access on the roster for this facility: the PSO role of "
            f"{gone} may have lapsed, after {LAPSE_DAYS} days without a login. If "
            f"{'they have' if not one else lapsed[0] + ' has'} logged in since, record it: "
            f"{_login_command(lapsed)}. If the role was revoked, the HARP account stays "
            "active and the role is requested again in iQIES. Until a PSO has current "
            "access, no request for this facility can be approved. Who approves a new PSO "
            "when none is left is not said on any page we could check: ask the iQIES "
            "Service Center ('epoc-wizard contacts iqies'). CMS highly recommends at least "
            "two PSOs."
        )
        sources = ["mo-dhss-pso", "qtso-iqies-inactive-2024"]
    elif flag == "none":
        advice = (
            "NO PSO on the roster for this facility. Nobody gets an iQIES role here until a "
            "Provider Security Official approves it. If the facility has a PSO, add them: "
            f"epoc-wizard roster add NAME --facility {ccn} --role PSO. If it has none, "
            "someone who works for the provider (not a vendor) requests the PSO role in "
            "iQIES. CMS approves an organization's first PSO; if the organization had a PSO "
            "who is gone, who approves a new one is not said on any page we could check: "
            "ask the iQIES Service Center ('epoc-wizard contacts iqies'). CMS highly "
            "recommends at least two."
        )
        sources = ["mo-dhss-pso"]
    elif flag == "one":
        one = active[0]
        advice = (
            f"ONLY ONE PSO: {named(one)}. If {one} is away, leaves or loses access, no "
            "request for this facility can be approved; the only Security Official approves "
            "every request. CMS highly recommends at least two: have a second person who "
            f"works for the provider request the PSO role; {one} can approve it."
        )
        sources = ["mo-dhss-pso", "qtso-so-manage-access"]
    else:
        advice = f"PSOs: {', '.join(named(p) for p in active)}."
        sources = ["mo-dhss-pso"]
    if unknown:
        who = " and ".join(unknown)
        advice += (
            f" Counted, though no login is recorded: {who}. The PSO role was granted more "
            f"than {LAPSE_DAYS} days ago, so it may have lapsed, and then this facility has "
            "fewer PSOs than shown. Record the last login: "
            f"{_login_command(unknown)}."
        )
        sources.append("qtso-iqies-inactive-2024")
    if lapsed and flag != "none":
        advice += (
            f" Not counted: {', '.join(lapsed)} (no login for {LAPSE_DAYS} days, so the "
            "PSO role may have been revoked)."
        )
        sources.append("qtso-iqies-inactive-2024")
    if asked:
        advice += f" PSO role requested, not yet approved: {', '.join(asked)}."
    return {
        "psos": active,
        "lapsed_psos": lapsed,
        "login_not_recorded": unknown,
        "requested_psos": asked,
        "flag": flag,
        "advice": advice,
        "sources": list(dict.fromkeys(sources)),
    }


def holder_sentence(h: dict[str, Any], ccn: str) -> str:
    """One line about one role of one person at one facility."""
    harp = h["harp_user_id"]
    who = h["person"] + (f" ({harp})" if harp and key_for(harp) != key_for(h["person"]) else "")
    then = f"After each login: epoc-wizard login {arg(h['person'])}"
    if h["state"] == "requested":
        asked, drafted_on = as_date(h["requested"]), as_date(h["drafted"])
        since = f" on {long_date(asked)}" if asked else ""
        drafted = f"; e-mail to the PSO drafted {long_date(drafted_on)}" if drafted_on else ""
        return (
            f"{who}: {h['role']} requested{since}, waiting for a PSO's approval{drafted}. "
            f"When it is approved: epoc-wizard roster approve {arg(h['person'])} "
            f"--facility {ccn}"
        )
    if h["access"] == "unknown":
        return (
            f"{who}: {h['role']}; no grant date or login recorded, so the wizard cannot say "
            f"when it lapses. Ask {h['person']} when they last logged in to iQIES, then: "
            f"epoc-wizard login {arg(h['person'])} --date YEAR-MONTH-DAY"
        )
    due = dt.date.fromisoformat(h["log_in_by"])
    last, granted = h["last_login"], h["granted"]
    basis = (
        f"the last login on {long_date(dt.date.fromisoformat(last))}"
        if last and (granted is None or last >= granted)
        else f"the role was granted on {long_date(dt.date.fromisoformat(granted))}"
    )
    if h["access"] == "lapsed" and last is None:
        return (
            f"NO LOGIN RECORDED: {who}: {h['role']}, granted "
            f"{long_date(dt.date.fromisoformat(granted))}: "
            f"no iQIES login is recorded since, so by the {LAPSE_DAYS}-day rule it may have "
            f"lapsed (log in was due by {day(due)}). If {h['person']} has logged in since, "
            f"record it: epoc-wizard login {arg(h['person'])} --date YEAR-MONTH-DAY. If not, "
            "the HARP account stays active: log in to iQIES, and if the role is gone, "
            "request it again."
        )
    if h["access"] == "lapsed":
        return (
            f"NOT LOGGED IN FOR {LAPSE_DAYS} DAYS: {who}: {h['role']} may have been revoked "
            f"(log in was due by {day(due)}, {LAPSE_DAYS} days after {basis}). The HARP "
            "account stays active: log in to iQIES, and if the role is gone, request it "
            f"again. {then}"
        )
    if h["access"] == "soon":
        return (
            f"LOG IN SOON: {who}: {h['role']}: log in to iQIES by {day(due)}, or it may be "
            f"revoked ({LAPSE_DAYS} days after {basis}). {then}"
        )
    return f"{who}: {h['role']}. Log in to iQIES by {day(due)} ({LAPSE_DAYS} days after {basis})."


def report(raw: Any, today: dt.date, facility: str | None = None) -> dict[str, Any]:
    """The roster as ``status --json`` carries it (``docs/roster.md``): per facility the
    roles held and requested, who lapses when, PSO coverage and what to do; the people;
    the totals. Only ``facility`` with one."""
    raw = raw if isinstance(raw, dict) and problem(raw) is None else empty()
    people: dict[str, Any] = raw.get("people", {})
    facilities: dict[str, Any] = raw.get("facilities", {})
    ccns = set(facilities) | {r["facility"] for p in people.values() for r in p.get("roles", [])}
    out = []
    for ccn in sorted(ccns):
        if facility is not None and ccn != facility:
            continue
        info = facilities.get(ccn, {})
        holders = sorted(
            (
                holder(key, p, r, today)
                for key, p in people.items()
                for r in p.get("roles", [])
                if r["facility"] == ccn
            ),
            key=lambda h: (not h["pso"], h["person"].casefold(), h["role"]),
        )
        coverage = _coverage(ccn, holders)
        todo = _todo(ccn, info, holders, coverage)
        out.append(
            {
                "ccn": ccn,
                "name": info.get("name"),
                "new_ccn": info.get("new_ccn"),
                "ownership_changed": info.get("ownership_changed"),
                "roles": holders,
                "coverage": coverage,
                "todo": todo,
            }
        )
    shown = {h["key"] for f in out for h in f["roles"]}
    listed = [
        {
            "name": p["name"],
            "harp_user_id": p.get("harp_user_id"),
            "email": p.get("email"),
            "works_for": p.get("works_for"),
            "last_login": p.get("last_login"),
            "facilities": sorted({r["facility"] for r in p.get("roles", [])}),
        }
        for key, p in sorted(people.items())
        if facility is None or key in shown
    ]
    rows = [h for f in out for h in f["roles"]]
    return {
        "facilities": out,
        "people": listed,
        "totals": {
            "facilities": len(out),
            "people": len(listed),
            "roles": sum(1 for h in rows if h["state"] == "granted"),
            "requested": sum(1 for h in rows if h["state"] == "requested"),
            "login_soon": sum(1 for h in rows if h["access"] == "soon"),
            "lapsed": sum(1 for h in rows if h["access"] == "lapsed"),
            "login_unknown": sum(1 for h in rows if h["access"] == "unknown"),
            "without_two_psos": sum(1 for f in out if f["coverage"]["flag"] != "ok"),
        },
    }


def _todo(
    ccn: str, info: dict[str, Any], holders: list[dict[str, Any]], coverage: dict[str, Any]
) -> list[dict[str, Any]]:
    todo: list[dict[str, Any]] = []
    if info.get("new_ccn"):
        todo.append(
            {
                "text": f"Ownership changed, with a new CCN {info['new_ccn']}: apply for a "
                "Provider Security Official again under the new CCN. The roles listed here "
                f"are for {ccn}.",
                "sources": ["aapacn-chow"],
            }
        )
    if coverage["flag"] != "ok":
        todo.append({"text": coverage["advice"], "sources": coverage["sources"]})
    for h in holders:
        if h["state"] == "requested":
            psos = coverage["psos"]
            ask = f"Ask {' or '.join(psos)}" if psos else "Ask the facility's PSO"
            todo.append(
                {
                    "text": f"{ask} to approve {h['person']}'s request for {h['role']}: each "
                    "facility's PSO approves requests for that facility, by its CCN.",
                    "sources": ["mehca-pbj-2026"],
                }
            )
        elif h["access"] in ("soon", "lapsed"):
            todo.append({"text": holder_sentence(h, ccn), "sources": ["qtso-iqies-inactive-2024"]})
    return todo


def lines(rep: dict[str, Any]) -> list[str]:
    """The report as text lines (``status``, ``roster list``), sources named with dates."""
    out: list[str] = []
    for f in rep["facilities"]:
        name = f" ({f['name']})" if f["name"] else ""
        if out:
            out.append("")
        out.append(f"Facility {f['ccn']}{name}: access roster")
        if f["new_ccn"]:
            out.append(
                f"  OWNERSHIP CHANGED: the facility now has CCN {f['new_ccn']}; apply for a "
                f"PSO again under the new CCN. {cite('aapacn-chow')}"
            )
        for h in f["roles"]:
            out.append(f"  {holder_sentence(h, f['ccn'])}")
        c = f["coverage"]
        out.append(f"  {c['advice']} {cite(*c['sources'])}")
        for h in f["roles"]:
            if h["state"] == "requested":
                out.append(f"  {_todo_for(h, c)} {cite('mehca-pbj-2026')}")
                break
        if any(h["access"] in ("soon", "lapsed") for h in f["roles"]):
            out.append(f"  (The {LAPSE_DAYS}-day rule: {CITES['qtso-iqies-inactive-2024']}.)")
    t = rep["totals"]
    if rep["facilities"]:
        out.append("")
        out.append(
            f"Roster: {t['facilities']} facilit{'y' if t['facilities'] == 1 else 'ies'}, "
            f"{t['people']} {'person' if t['people'] == 1 else 'people'}, {t['roles']} "
            f"role{'s' if t['roles'] != 1 else ''} held, {t['requested']} waiting for a PSO, "
            f"{t['login_soon']} needing a login soon, {t['lapsed']} that may have lapsed; "
            f"{t['without_two_psos']} facilit{'y' if t['without_two_psos'] == 1 else 'ies'} "
            "with fewer than two PSOs."
        )
    return out


def _todo_for(h: dict[str, Any], coverage: dict[str, Any]) -> str:
    psos = coverage["psos"]
    ask = f"Ask {' or '.join(psos)}" if psos else "Ask the facility's PSO"
    return f"{ask} to approve the waiting request(s): each facility's PSO approves them, by CCN."
