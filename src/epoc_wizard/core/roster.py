"""The access roster: who holds which iQIES role at which facility, as data.

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
applies; then the lookups (names, roles), the documents the sentences cite (``CITES``),
and the pure changes that return a new roster, with the sentences that refuse them. What
is said about a roster is elsewhere: the report ``status`` shows in
``core/roster_report.py``, the commands' notes and checklists in
``core/roster_advice.py``. The 60-day rule is ``core/access.py``'s, shared with the
journeys' reminder.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

from epoc_wizard.dates import as_date
from epoc_wizard.words import long_date

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

#: The documents the roster's sentences rest on: registry id and how people read it.
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


def waiting(r: dict[str, Any]) -> bool:
    """A role requested and not yet approved (one with neither date is held: the date it
    was granted is not known)."""
    return r.get("granted") is None and r.get("requested") is not None


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
