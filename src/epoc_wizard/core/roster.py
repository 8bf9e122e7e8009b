"""The access roster: who holds which iQIES role at which facility, and what follows.

A journey follows one person through one path; the roster answers the organization's
question: who can still submit at which facility, whose roles lapse next, and which
facility has too few Provider Security Officials (PSOs). It is kept in the state file
under ``roster`` (``docs/roster.md``)::

    {"people": {"<key>": {"name": "Ana Lopez", "harp_user_id": "alopez01",
                          "email": "...", "works_for": "provider", "last_login": "2026-11-01",
                          "roles": [{"facility": "056304", "role": "Provider Security Official",
                                     "granted": "2026-10-01"},
                                    {"facility": "056305", "role": "PBJ Viewer",
                                     "requested": "2026-11-20", "drafted": "2026-11-20"}]}},
     "facilities": {"056304": {"name": "Sunny Acres", "new_ccn": "056399",
                               "ownership_changed": "2026-11-01"}}}

A role with a ``granted`` date is held; one with only ``requested`` waits for a PSO's
approval. Never a password, an SSN or a challenge answer: the commands check every value
with ``checks`` before it gets here (``app/roster.py``).

Pure and standard library only, because ``status`` uses it on every run, on the raw
dictionary from the state file: ``problem`` is the structural check the document reader
applies; the rest are the rules (lapse dates, PSO coverage, the sentences) and pure
changes that return a new roster. The 60-day rule is ``core/access.py``'s, shared with the
journeys' reminder.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

from epoc_wizard.core.access import as_date, standing
from epoc_wizard.words import day, long_date

#: Days without an iQIES login after which roles are revoked (QTSO, 20 May 2024).
LAPSE_DAYS = 60
PSO_ROLE = "Provider Security Official"
#: Role names as the sources name them, and the registry id of the source that does.
#: Anything else a person types is kept as typed (a role no page we could read names).
KNOWN_ROLES = {
    PSO_ROLE: "mo-dhss-pso",
    "Provider ePOC Administrator": "cms-iqies-epoc-2025",
    "PBJ Submitter (Provider or Vendor)": "mehca-pbj-2026",
    "Provider Administrator": "mehca-pbj-2026",
    "PBJ Viewer": "mehca-pbj-2026",
}
_ALIASES = {"pso": PSO_ROLE, "security official": PSO_ROLE}
#: Whom a person works for: a vendor cannot be a PSO (Missouri DHSS).
WORKS_FOR = ("provider", "corporate", "vendor")

#: The documents the sentences below rest on: registry id and how people read it.
#: ``tests/test_roster.py`` checks each against ``flows/sources.yaml``.
CITES = {
    "qtso-iqies-inactive-2024": "QTSO, iQIES will Implement an Inactive User Policy, 20 May 2024",
    "mo-dhss-pso": "Missouri DHSS, iQIES Provider Security Official notice (about late 2022)",
    "qtso-so-manage-access": (
        "QTSO, Security Official: Manage Access (undated, before February 2019)"
    ),
    "mehca-pbj-2026": "Maine Health Care Association, PBJ Moving to iQIES, 16 June 2026",
    "aapacn-chow": "AAPACN, CMS Answers iQIES Question on Change in Ownership (about 2023)",
    "cms-iqies-epoc-2025": "CMS iQIES access instructions for ePOC, 23 July 2025",
}

_ROLE_FIELDS = ("granted", "requested", "drafted")


def empty() -> dict[str, Any]:
    return {"people": {}, "facilities": {}}


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


# --- the structural check -----------------------------------------------------------


def problem(raw: Any) -> str | None:
    """What is wrong with a stored roster, in a few words, or None when it is sound.

    The document reader refuses a file whose roster fails this (``doctor --repair`` then
    goes back to the last good save), so that every command and ``status`` may rely on
    the shape below without checking it again."""
    if not isinstance(raw, dict):
        return "it is not a mapping"
    people, facilities = raw.get("people", {}), raw.get("facilities", {})
    if not isinstance(people, dict) or not isinstance(facilities, dict):
        return "its people or facilities are not mappings"
    for key, p in people.items():
        where = f"person '{key}'"
        if not isinstance(p, dict) or not _text(p.get("name")):
            return f"{where} has no name"
        for name in ("harp_user_id", "email"):
            if p.get(name) is not None and not isinstance(p[name], str):
                return f"{where}: {name} is not text"
        if p.get("works_for") is not None and p["works_for"] not in WORKS_FOR:
            return f"{where}: works_for is not one of {', '.join(WORKS_FOR)}"
        if p.get("last_login") is not None and as_date(p["last_login"]) is None:
            return f"{where}: last_login is not a date"
        roles = p.get("roles", [])
        if not isinstance(roles, list):
            return f"{where}: roles are not a list"
        for i, r in enumerate(roles):
            if not isinstance(r, dict) or not _text(r.get("facility")) or not _text(r.get("role")):
                return f"{where}, role {i + 1}: it needs a facility and a role"
            for name in _ROLE_FIELDS:
                if r.get(name) is not None and as_date(r[name]) is None:
                    return f"{where}, role {i + 1}: {name} is not a date"
            if r.get("journey") is not None and not isinstance(r["journey"], str):
                return f"{where}, role {i + 1}: journey is not text"
    for ccn, f in facilities.items():
        where = f"facility '{ccn}'"
        if not isinstance(f, dict):
            return f"{where} is not a mapping"
        for name in ("name", "new_ccn"):
            if f.get(name) is not None and not isinstance(f[name], str):
                return f"{where}: {name} is not text"
        if f.get("ownership_changed") is not None and as_date(f["ownership_changed"]) is None:
            return f"{where}: ownership_changed is not a date"
    return None


# --- names ----------------------------------------------------------------------------


def key_for(name: str) -> str:
    """The key a person is filed under: the name, spaces collapsed, case folded."""
    return " ".join(name.split()).casefold()


def find(raw: dict[str, Any], who: str) -> str | None:
    """The key of the person called ``who`` (name, key or HARP user ID, any case)."""
    wanted = key_for(who)
    people: dict[str, Any] = raw.get("people", {})
    if wanted in people:
        return wanted
    for key, p in people.items():
        if key_for(p["name"]) == wanted or key_for(p.get("harp_user_id") or "") == wanted:
            return key
    return None


def role_name(text: str) -> str:
    """A role as the sources name it ("pso" is the Provider Security Official), or the
    text as typed when no source we could read names it."""
    folded = key_for(text)
    if folded in _ALIASES:
        return _ALIASES[folded]
    for known in KNOWN_ROLES:
        if key_for(known) == folded:
            return known
    return " ".join(text.split())


def is_pso(role: str) -> bool:
    return role_name(role) == PSO_ROLE


def arg(name: str) -> str:
    """A name as a command-line word: bare when it is one simple word, else in quotes."""
    if re.fullmatch(r"[A-Za-z0-9._@-]+", name):
        return name
    return '"' + name.replace('"', "") + '"'


def cite(*ids: str) -> str:
    return "(Source: " + "; ".join(CITES[i] for i in ids) + ".)"


# --- pure changes ---------------------------------------------------------------------


def add(
    raw: dict[str, Any],
    name: str,
    *,
    harp_user_id: str | None = None,
    email: str | None = None,
    works_for: str | None = None,
    last_login: dt.date | None = None,
    facility: str | None = None,
    facility_name: str | None = None,
    role: str | None = None,
    granted: dt.date | None = None,
    requested: dt.date | None = None,
    journey: str | None = None,
) -> tuple[dict[str, Any], str]:
    """The roster with this person (found by name or HARP user ID, else new), the details
    given, and the role at the facility (added, or its dates updated); and what changed.

    A role is held from ``granted``; with only ``requested`` it waits for a PSO. Refused
    (ValueError, with the sentence): a vendor as PSO (Missouri DHSS)."""
    out = copy.deepcopy(raw)
    people: dict[str, Any] = out.setdefault("people", {})
    facilities: dict[str, Any] = out.setdefault("facilities", {})
    key = find(out, harp_user_id or name) if harp_user_id else None
    key = key or find(out, name)
    new = key is None
    if key is None:
        key = key_for(name)
        people[key] = {"name": " ".join(name.split()), "roles": []}
    person = people[key]
    said: list[str] = []
    placeholder = key_for(person["name"]) == key_for(person.get("harp_user_id") or "")
    if not new and placeholder and find(out, name) in (None, key) and key != key_for(name):
        # Known so far only by the HARP user ID (a journey put them here): now named.
        person["name"] = " ".join(name.split())
        people[key_for(name)] = people.pop(key)
        key = key_for(name)
        said.append("named")
    for field, value in (
        ("harp_user_id", harp_user_id),
        ("email", email),
        ("works_for", works_for),
    ):
        if value is not None and person.get(field) != value:
            person[field] = value
            if not new:
                said.append(f"{field.replace('_', ' ')} set")
    if last_login is not None:
        before = as_date(person.get("last_login"))
        if before is None or last_login > before:
            person["last_login"] = last_login.isoformat()
            said.append(f"last login {long_date(last_login)}")
    if facility is not None:
        entry = facilities.setdefault(facility, {})
        if facility_name and entry.get("name") != facility_name:
            entry["name"] = facility_name
    if role is not None:
        if facility is None:
            raise ValueError("A role is held at a facility: give the facility's CCN too.")
        role = role_name(role)
        held = next(
            (
                r
                for r in person["roles"]
                if r["facility"] == facility and key_for(r["role"]) == key_for(role)
            ),
            None,
        )
        fresh = held is None
        if held is None:
            held = {"facility": facility, "role": role}
            person["roles"].append(held)
        if granted is not None:
            held["granted"] = granted.isoformat()
        if requested is not None and (fresh or waiting(held)):  # never un-grants a role
            held["requested"] = requested.isoformat()
        if journey is not None:
            held["journey"] = journey
        state = (
            "requested, waiting for a PSO's approval"
            if waiting(held)
            else f"granted {long_date(granted)}"
            if granted
            else "held"
        )
        said.append(f"{role} at {facility}: {state}")
    if person.get("works_for") == "vendor" and any(is_pso(r["role"]) for r in person["roles"]):
        raise ValueError(
            f"{person['name']} works for a vendor, and a PSO must work for the provider, "
            f"not a vendor. {cite('mo-dhss-pso')}"
        )
    if new and not said:
        return out, f"Added {person['name']} (no role yet)."
    what = ", ".join(said) or "no change"
    return out, f"{'Added' if new else 'Updated'} {person['name']}: {what}."


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
    h = _holder(key, person, held, today)
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


def update_person(
    raw: dict[str, Any],
    who: str,
    *,
    name: str | None = None,
    harp_user_id: str | None = None,
    email: str | None = None,
    works_for: str | None = None,
) -> tuple[dict[str, Any], str]:
    """The roster with the person's details changed (a new name too); ValueError when
    they are not on it, the new name is someone else's, or a PSO would work for a vendor."""
    out = copy.deepcopy(raw)
    people: dict[str, Any] = out.setdefault("people", {})
    key = find(out, who)
    if key is None:
        raise ValueError(not_on_roster(who, out))
    person = people[key]
    said = []
    if works_for == "vendor" and any(is_pso(r["role"]) for r in person.get("roles", [])):
        raise ValueError(
            f"{person['name']} is a PSO on the roster, and a PSO must work for the provider, "
            f"not a vendor. {cite('mo-dhss-pso')}"
        )
    for field, value in (
        ("harp_user_id", harp_user_id),
        ("email", email),
        ("works_for", works_for),
    ):
        if value is not None:
            person[field] = value
            said.append(f"{field.replace('_', ' ')} set")
    if name is not None and name != person["name"]:
        new = key_for(name)
        other = find(out, name)
        if other is not None and other != key:
            raise ValueError(f"{people[other]['name']} is already on the roster.")
        said.append(f"renamed from {person['name']}")
        person["name"] = " ".join(name.split())
        people[new] = people.pop(key)
    return out, f"Updated {person['name']}: {', '.join(said) or 'no change'}."


def remove(
    raw: dict[str, Any], who: str | None, facility: str | None = None, role: str | None = None
) -> tuple[dict[str, Any], str]:
    """Without a person: the facility and every role there. With one: the person, or only
    their roles at ``facility`` (only ``role`` there, if given). ValueError when there is
    nothing of the kind on the roster."""
    out = copy.deepcopy(raw)
    people: dict[str, Any] = out.setdefault("people", {})
    facilities: dict[str, Any] = out.setdefault("facilities", {})
    if who is None:
        if facility is None:
            raise ValueError("Name a person, or a facility with --facility, to remove.")
        known = facility in facilities or any(
            r["facility"] == facility for p in people.values() for r in p.get("roles", [])
        )
        if not known:
            raise ValueError(f"Facility {facility} is not on the roster.")
        facilities.pop(facility, None)
        for p in people.values():
            p["roles"] = [r for r in p.get("roles", []) if r["facility"] != facility]
        return out, f"Removed facility {facility} and every role there from the roster."
    key = find(out, who)
    if key is None:
        raise ValueError(not_on_roster(who, out))
    person = people[key]
    if facility is None and role is None:
        del people[key]
        return out, f"Removed {person['name']} from the roster."
    keep = [
        r
        for r in person.get("roles", [])
        if not (
            (facility is None or r["facility"] == facility)
            and (role is None or key_for(r["role"]) == key_for(role_name(role)))
        )
    ]
    gone = len(person.get("roles", [])) - len(keep)
    if not gone:
        where = f" at {facility}" if facility else ""
        raise ValueError(f"{person['name']} holds no such role{where} on the roster.")
    person["roles"] = keep
    return out, f"Removed {gone} role{'s' if gone != 1 else ''} of {person['name']}."


def approve(
    raw: dict[str, Any], who: str, facility: str, on: dt.date, role: str | None = None
) -> tuple[dict[str, Any], str]:
    """The roster with the person's requested role(s) at ``facility`` granted ``on``."""
    out = copy.deepcopy(raw)
    key = find(out, who)
    if key is None:
        raise ValueError(not_on_roster(who, out))
    person = out["people"][key]
    waiting = [
        r
        for r in person.get("roles", [])
        if r["facility"] == facility
        and r.get("granted") is None
        and (role is None or key_for(r["role"]) == key_for(role_name(role)))
    ]
    if not waiting:
        raise ValueError(
            f"{person['name']} has no request waiting at {facility} on the roster; add one "
            f"with: epoc-wizard roster request {arg(person['name'])} --facility {facility} "
            "--role ROLE"
        )
    for r in waiting:
        r["granted"] = on.isoformat()
    roles = ", ".join(r["role"] for r in waiting)
    return out, f"Approved: {person['name']}'s {roles} at {facility}, on {long_date(on)}."


def record_login(raw: dict[str, Any], key: str, on: dt.date) -> dict[str, Any]:
    """The roster with ``on`` as the person's last iQIES login (a later one is kept)."""
    out = copy.deepcopy(raw)
    person = out["people"][key]
    before = as_date(person.get("last_login"))
    if before is None or on > before:
        person["last_login"] = on.isoformat()
    return out


def overdue_at(raw: dict[str, Any], key: str, on: dt.date) -> list[tuple[str, dict[str, Any]]]:
    """The person's held roles (facility, ``_holder`` row) whose 60-day date had passed
    before a login ``on``, by the roster as it was before that login is recorded: iQIES
    may have revoked them, and a login does not bring them back."""
    person = raw["people"][key]
    rows = [(r["facility"], _holder(key, person, r, on)) for r in person.get("roles", [])]
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


def change_ownership(
    raw: dict[str, Any], ccn: str, on: dt.date, new_ccn: str | None
) -> dict[str, Any]:
    """The roster after a change of ownership: noted on the facility, and with a new CCN,
    that facility added (with no PSO, which ``report`` flags)."""
    out = copy.deepcopy(raw)
    facilities: dict[str, Any] = out.setdefault("facilities", {})
    entry = facilities.setdefault(ccn, {})
    entry["ownership_changed"] = on.isoformat()
    if new_ccn:
        entry["new_ccn"] = new_ccn
        new = facilities.setdefault(new_ccn, {})
        if entry.get("name") and not new.get("name"):
            new["name"] = entry["name"]
    return out


def not_on_roster(who: str, raw: dict[str, Any]) -> str:
    """The sentence for a name that is not on the roster: the name as typed, unless it
    looks like a password, a key or an SSN (``checks.echo``), and who is."""
    from epoc_wizard.checks import echo  # only on this path: status never needs it

    return f"{echo(who)} is not on the roster. {names(raw)}"


def names(raw: dict[str, Any]) -> str:
    names = sorted(p["name"] for p in raw.get("people", {}).values())
    if not names:
        return "The roster is empty; add people with 'epoc-wizard roster add'."
    return f"On the roster: {', '.join(names)}."


# --- the report (status, status --json, roster list) ------------------------------------


def waiting(r: dict[str, Any]) -> bool:
    """A role requested and not yet approved (one with neither date is held: the date it
    was granted is not known)."""
    return r.get("granted") is None and r.get("requested") is not None


def _holder(key: str, p: dict[str, Any], r: dict[str, Any], today: dt.date) -> dict[str, Any]:
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
                _holder(key, p, r, today)
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
