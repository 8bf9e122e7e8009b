"""``epoc-wizard roster``: the organization's access roster (``core/roster.py``).

Who holds which iQIES role at which facility, since when, and when they last logged in;
PSO coverage per facility; a vendor's or corporate user's requests to many facilities,
each with an e-mail drafted to that facility's PSO and tracked until approved; the
checklist for a PSO who is leaving; a change of ownership. Journeys that reach a role
granted add to it (``granted.py``, called by the session).

Every value is checked before it is saved, by the checks the journeys use: names and
roles are free text, which refuses anything that looks like a password, an SSN or a key;
HARP user IDs, e-mail addresses and CCNs have their own checks. The roster keeps no
password, no SSN and no challenge answer, and has no place for one. Changes go through
``Store.update_roster`` (under the lock, applied to the roster as it is on disk).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from epoc_wizard.app.context import Context
from epoc_wizard.core import roster as rules
from epoc_wizard.core import roster_advice, roster_report
from epoc_wizard.errors import StateError, UsageError
from epoc_wizard.words import long_date

if TYPE_CHECKING:
    from epoc_wizard.outputs.drafts import Draft

#: A ``roster add --answers`` file, as the errors show it: ``docs/roster.md`` is not
#: installed with the program (the README's "An organization's access: the roster" is).
EXAMPLE = (
    "entries:\n"
    '  - {person: Ana Lopez, facility: "056304", role: PSO, granted: 2026-06-01}\n'
    '  - {person: Vic Vendor, works_for: vendor, facility: "056305", role: PBJ Viewer, '
    "requested: yes}"
)
#: The keys of an entry in a ``roster add --answers`` file (``docs/roster.md``).
ADD_KEYS = (
    "person",
    "harp_user_id",
    "email",
    "works_for",
    "facility",
    "facility_name",
    "role",
    "granted",
    "requested",
    "last_login",
)
#: The keys of an entry in a ``roster remove --answers`` file.
REMOVE_KEYS = ("person", "facility", "role")
#: How ``roster list`` says whom a person works for.
_EMPLOYER = {
    "provider": "works for the provider",
    "corporate": "corporate staff",
    "vendor": "works for a vendor",
}
#: The folder, under the state folder's ``drafts``, of the e-mails to PSOs.
DRAFTS = "roster"


def today(ctx: Context) -> dt.date:
    """Today in the business calendar (US Eastern), as ``status`` counts it."""
    from epoc_wizard.dates import business_date

    return business_date(ctx.now())


# --- checked values ------------------------------------------------------------------------


def _checked(kind: str, value: Any, what: str, *, say_value: bool = False) -> str:
    """``value`` through the check of this kind (as at the prompt), or a UsageError that
    names the option (and the value, unless it looks secret)."""
    from epoc_wizard.checks import echo, run_check

    result = run_check(kind, str(value))
    if not result.ok:
        where = f"{what} {echo(str(value))}" if say_value else what
        raise UsageError(f"{where}: {result.message}")
    return result.value


def _text(value: Any, what: str) -> str:
    return _checked("text", value, what)


def _harp(value: Any, what: str = "--harp-user-id") -> str:
    return _checked("harp_user_id", value, what)


def _email(value: Any, what: str = "--email", who: str | None = None) -> str:
    """The address checked; one that looks like a typing slip (``zed@gmial.com``) is kept
    as given, with a warning on stderr: the e-mails drafted to a PSO go to it."""
    import sys

    from epoc_wizard.checks import run_check
    from epoc_wizard.words import printable

    address = _checked("email", value, what, say_value=True)
    suggestion = run_check("email", str(value)).suggestion
    if suggestion:
        change = (
            f"epoc-wizard roster change {rules.arg(who)} --email {suggestion}"
            if who
            else f"epoc-wizard roster change NAME --email {suggestion}"
        )
        domain = address.rpartition("@")[2]
        print(
            printable(
                f"Warning: {what} {address}: did you mean {suggestion}? '{domain}' looks like "
                "a typing slip, and e-mails to this person (such as the ones drafted to a "
                f"PSO) would not reach them. It is kept as given; to correct it: {change}"
            ),
            file=sys.stderr,
        )
    return address


def _ccn(value: Any, what: str = "--facility") -> str:
    return _checked("ccn", value, what, say_value=True)


def _works_for(value: Any, what: str = "--works-for") -> str:
    word = str(value).strip().lower()
    if word not in rules.WORKS_FOR:
        raise UsageError(f"{what}: say whom the person works for: {', '.join(rules.WORKS_FOR)}.")
    return word


def parse_date(value: Any, what: str, now: dt.date) -> dt.date:
    """A day given as YEAR-MONTH-DAY (or MM/DD/YYYY), not in the future."""
    from epoc_wizard.checks import echo

    text = str(value).strip()
    try:
        if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
            month, day_, year = (int(p) for p in text.split("/"))
            day = dt.date(year, month, day_)
        else:
            day = dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{what} {echo(text)} is not a date; write it as YEAR-MONTH-DAY, e.g. "
            f"{now.isoformat()}."
        ) from None
    if day > now:
        raise UsageError(f"{what} {day.isoformat()}: that is in the future; give the day it was.")
    return day


def _given(entry: dict[str, Any], key: str) -> bool:
    return entry.get(key) not in (None, "", False)


def _add_arguments(entry: dict[str, Any], prefix: str | None, now: dt.date) -> dict[str, Any]:
    """One entry of ``roster add`` (its options, or an entry of a file), checked: the
    arguments of ``rules.add``. ``prefix`` (the file and entry) starts each problem; None
    for options, named as ``--option``."""

    def say(key: str) -> str:
        if prefix is not None:
            return f"{prefix} {key}"
        # The person is the command's first word, not an option: no --person.
        return "The person's name" if key == "person" else f"--{key.replace('_', '-')}"

    if not _given(entry, "person"):
        raise UsageError(f"{prefix + ' ' if prefix else ''}Name the person (a name or initials).")
    out: dict[str, Any] = {"name": _text(entry["person"], say("person"))}
    if _given(entry, "harp_user_id"):
        out["harp_user_id"] = _harp(entry["harp_user_id"], say("harp_user_id"))
    if _given(entry, "email"):
        out["email"] = _email(entry["email"], say("email"), out["name"])
    if _given(entry, "works_for"):
        out["works_for"] = _works_for(entry["works_for"], say("works_for"))
    if _given(entry, "facility"):
        out["facility"] = _ccn(entry["facility"], say("facility"))
    if _given(entry, "facility_name"):
        out["facility_name"] = _text(entry["facility_name"], say("facility_name"))
    if _given(entry, "role"):
        out["role"] = rules.role_name(_text(entry["role"], say("role")))
    if _given(entry, "granted"):
        out["granted"] = parse_date(entry["granted"], say("granted"), now)
    if _given(entry, "last_login"):
        out["last_login"] = parse_date(entry["last_login"], say("last_login"), now)
    requested = entry.get("requested")
    if requested is True:
        out["requested"] = now
    elif _given(entry, "requested"):
        out["requested"] = parse_date(requested, say("requested"), now)
    if "role" in out and "facility" not in out:
        raise UsageError(f"{say('role')}: a role is held at a facility; give its CCN too.")
    if "granted" in out and "requested" in out:
        raise UsageError(f"{say('requested')}: a role is either granted or requested, not both.")
    return out


def read_entries(path: Path, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """The entries of a roster batch file: ``entries:``, a list of mappings with these
    keys (read with the answers files' guards; every value text, yes/no or empty)."""
    from epoc_wizard.flowspec.guarded import excerpt
    from epoc_wizard.ui.scripted import read_data

    data = read_data(path)
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(data, dict) or set(data) != {"entries"} or not isinstance(entries, list):
        raise UsageError(
            f"{path}: expected one key, 'entries', with a list of entries, in YAML or "
            f"JSON, like:\n{EXAMPLE}\nKeys: {', '.join(keys)}."
        )
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise UsageError(f"{path}: entry {i + 1} is not a mapping of keys to values.")
        unknown = sorted(excerpt(k) for k in entry if k not in keys)
        if unknown:
            raise UsageError(
                f"{path}: entry {i + 1} has unknown key(s) {', '.join(unknown[:5])}; "
                f"expected {', '.join(keys)}."
            )
        if any(isinstance(v, dict | list) for v in entry.values()):
            raise UsageError(f"{path}: entry {i + 1}: every value must be text.")
    return entries


def _apply(ctx: Context, change: Any) -> dict[str, Any]:
    """``Store.update_roster``, with the rules' refusals as sentences."""
    try:
        saved: dict[str, Any] = ctx.store.update_roster(change)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return saved


# --- the commands --------------------------------------------------------------------------


def add(ctx: Context, entry: dict[str, Any], answers: Path | None) -> str:
    """``roster add``: people, facilities and roles, from the options or a batch file."""
    now = today(ctx)
    if answers is not None:
        if any(_given(entry, k) for k in entry):
            raise UsageError("Give the entries either with --answers FILE or as options, not both.")
        checked = [
            _add_arguments(e, f"{answers}: entry {i + 1}:", now)
            for i, e in enumerate(read_entries(answers, ADD_KEYS))
        ]
    else:
        checked = [_add_arguments(entry, None, now)]
    said: list[str] = []

    def change(raw: dict[str, Any]) -> dict[str, Any]:
        said.clear()
        for kwargs in checked:
            raw, sentence = rules.add(raw, **kwargs)
            said.append(sentence)
        return raw

    saved = _apply(ctx, change)
    for kwargs in checked:
        if "role" in kwargs:
            who = kwargs.get("harp_user_id") or kwargs["name"]
            note = roster_advice.lapse_note(saved, who, kwargs["facility"], kwargs["role"], now)
            if note and note not in said:
                said.append(note)
    return "\n".join(said) + "\nSee the roster with: epoc-wizard roster list"


def change(ctx: Context, who: str, details: dict[str, Any]) -> str:
    """``roster change``: a person's name, HARP user ID, e-mail or employer."""
    kwargs: dict[str, Any] = {}
    if _given(details, "name"):
        kwargs["name"] = _text(details["name"], "--name")
    if _given(details, "harp_user_id"):
        kwargs["harp_user_id"] = _harp(details["harp_user_id"])
    if _given(details, "email"):
        kwargs["email"] = _email(details["email"], who=kwargs.get("name", who))
    if _given(details, "works_for"):
        kwargs["works_for"] = _works_for(details["works_for"])
    if not kwargs:
        raise UsageError("Say what to change: --name, --harp-user-id, --email or --works-for.")
    said: list[str] = []

    def apply(raw: dict[str, Any]) -> dict[str, Any]:
        raw, sentence = rules.update_person(raw, who, **kwargs)
        said[:] = [sentence]
        return raw

    _apply(ctx, apply)
    return said[0]


def remove(
    ctx: Context, who: str | None, facility: str | None, role: str | None, answers: Path | None
) -> str:
    """``roster remove``: a person, their roles at a facility (or one role), or a facility."""
    if answers is not None:
        if who or facility or role:
            raise UsageError("Give the entries either with --answers FILE or as options, not both.")
        wanted = [
            (
                _text(e["person"], f"{answers}: entry {i + 1}: person")
                if _given(e, "person")
                else None,
                _ccn(e["facility"], f"{answers}: entry {i + 1}: facility")
                if _given(e, "facility")
                else None,
                _text(e["role"], f"{answers}: entry {i + 1}: role") if _given(e, "role") else None,
            )
            for i, e in enumerate(read_entries(answers, REMOVE_KEYS))
        ]
    else:
        wanted = [
            (who, _ccn(facility) if facility else None, _text(role, "--role") if role else None)
        ]
    said: list[str] = []

    def apply(raw: dict[str, Any]) -> dict[str, Any]:
        said.clear()
        for person, ccn, what in wanted:
            raw, sentence = rules.remove(raw, person, ccn, what)
            said.append(sentence)
        return raw

    _apply(ctx, apply)
    return "\n".join(said)


def approve(ctx: Context, who: str, facility: str, role: str | None, on: str | None) -> str:
    """``roster approve``: a PSO approved the person's request at this facility."""
    now = today(ctx)
    day = parse_date(on, "--date", now) if on else now
    ccn = _ccn(facility)
    said: list[str] = []

    def apply(raw: dict[str, Any]) -> dict[str, Any]:
        raw, sentence = rules.approve(raw, who, ccn, day, role)
        said[:] = [sentence]
        return raw

    _apply(ctx, apply)
    return (
        f"{said[0]} The role lapses after {rules.LAPSE_DAYS} days without an iQIES login; "
        f"'epoc-wizard status' counts them. {rules.cite('qtso-iqies-inactive-2024')}"
    )


def listing(ctx: Context, facility: str | None, as_json: bool) -> str:
    """``roster list``: the people, and per facility the roles, lapse dates and coverage."""
    ccn = _ccn(facility) if facility else None
    rep = roster_report.report(ctx.store.roster(), today(ctx), ccn)
    if as_json:
        return json.dumps(rep, indent=2, ensure_ascii=True)
    if not rep["facilities"] and not rep["people"]:
        where = f" for facility {ccn}" if ccn else ""
        return (
            f"The access roster is empty{where}. Add people with, for example:\n"
            '  epoc-wizard roster add "Ana Lopez" --harp-user-id alopez01 --facility 056304 '
            "--role PSO --granted 2026-10-01\n"
            "or many at once with: epoc-wizard roster add --answers roster.yaml, a YAML "
            f"(or JSON) file like:\n{EXAMPLE}\nKeys: {', '.join(ADD_KEYS)}; 'person' is "
            "required, dates are YEAR-MONTH-DAY, 'requested' is yes or a date."
        )
    out = ["People on the roster:"]
    for p in rep["people"]:
        bits = [p["name"]]
        if p["harp_user_id"] and rules.key_for(p["harp_user_id"]) != rules.key_for(p["name"]):
            bits.append(f"HARP user ID {p['harp_user_id']}")
        if p["works_for"]:
            bits.append(_EMPLOYER[p["works_for"]])
        if p["email"]:
            bits.append(p["email"])
        login = p["last_login"]
        bits.append(
            f"last login {long_date(dt.date.fromisoformat(login))}"
            if login
            else "no login recorded"
        )
        if p["facilities"]:
            bits.append(f"facilities {', '.join(p['facilities'])}")
        out.append("  " + "; ".join(bits))
    out.append("")
    out.extend(roster_report.lines(rep))
    return "\n".join(out)


def pso_leaving(ctx: Context, who: str, facility: str | None) -> str:
    """``roster pso-leaving``: the checklist before a PSO goes."""
    raw = ctx.store.roster()
    key = rules.find(raw, who)
    if key is None:
        raise UsageError(rules.not_on_roster(who, raw))
    try:
        lines = roster_advice.pso_leaving(
            raw, key, today(ctx), _ccn(facility) if facility else None
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    name = raw["people"][key]["name"]
    return "\n".join([f"Before {name} stops being a Provider Security Official (PSO):", *lines])


def ownership(ctx: Context, facility: str, new_ccn: str | None, same: bool) -> str:
    """``roster ownership``: the change-of-ownership branch, recorded on the roster."""
    if same == bool(new_ccn):
        raise UsageError(
            "Say whether the facility kept its CCN after the change of ownership: "
            "--same-ccn, or --new-ccn CCN."
        )
    ccn = _ccn(facility, "CCN")
    new = _ccn(new_ccn, "--new-ccn") if new_ccn else None
    if new == ccn:
        raise UsageError("--new-ccn is the same as the old CCN: use --same-ccn.")
    now = today(ctx)
    _apply(ctx, lambda raw: rules.change_ownership(raw, ccn, now, new))
    return "\n".join(roster_advice.ownership_advice(ccn, new))


def request(
    ctx: Context, who: str, facilities: list[str], role: str, details: dict[str, Any]
) -> str:
    """``roster request``: one person (a vendor, corporate staff) asks for a role at each
    facility; an e-mail to each facility's PSO is drafted, and the request is tracked on
    the roster until ``roster approve``."""
    if not facilities:
        raise UsageError("Name each facility with --facility CCN (as many times as needed).")
    now = today(ctx)
    entry = {"person": who, "role": role, **details}
    base = _add_arguments({**entry, "facility": facilities[0], "requested": True}, None, now)
    ccns = list(dict.fromkeys(_ccn(f) for f in facilities))
    drafted: set[str] = set()

    def apply(raw: dict[str, Any]) -> dict[str, Any]:
        for ccn in ccns:
            raw, _ = rules.add(raw, **{**base, "facility": ccn})
        key = rules.find(raw, base["name"])
        assert key is not None
        for r in raw["people"][key]["roles"]:
            if r["facility"] in drafted and rules.key_for(r["role"]) == rules.key_for(base["role"]):
                r["drafted"] = now.isoformat()
        return raw

    try:  # refused (a vendor as PSO, ...) before any e-mail is written
        planned = apply(ctx.store.roster())
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    key = rules.find(planned, base["name"])
    assert key is not None
    person = planned["people"][key]
    held = {
        r["facility"]
        for r in person["roles"]
        if rules.key_for(r["role"]) == rules.key_for(base["role"]) and not rules.waiting(r)
    }
    if held == set(ccns):
        return f"{person['name']} already holds {base['role']} at {', '.join(ccns)}."
    name = person["name"]
    vendor = person.get("works_for") == "vendor"
    out = [
        f"{name}{' (a vendor)' if vendor else ''} requests {base['role']} at "
        f"{len(ccns)} facilit{'y' if len(ccns) == 1 else 'ies'}. A vendor requests access for "
        "each facility it represents, and a PSO at each facility approves it, using the "
        f"facility's CCN. {rules.cite('mehca-pbj-2026')}"
    ]
    folder = ctx.store.directory / _drafts_folder()
    for ccn in ccns:
        label = planned["facilities"].get(ccn, {}).get("name")
        where = f"{ccn}{f' ({label})' if label else ''}"
        out.append("")
        if ccn in held:
            out.append(f"{where}: already granted; nothing to send.")
            continue
        draft, psos = approval_draft(planned, key, ccn, base["role"])
        out.append(f"{where}: requested {long_date(now)}.")
        if draft.to:
            path = _save_draft(draft, folder, ctx.now())
            drafted.add(ccn)
            out.append(f"  E-mail to the PSO: {draft.to_name} <{draft.to}>")
            others = [p for p in psos if p != f"{draft.to_name} <{draft.to}>"]
            if others:
                out.append(f"  Also a PSO here (add to Cc if you like): {', '.join(others)}")
        else:
            path = None
            add = (
                f"epoc-wizard roster change {rules.arg(psos[0])} --email ADDRESS"
                if psos
                else f"epoc-wizard roster add NAME --facility {ccn} --role PSO --email ADDRESS"
            )
            out.append(
                "  "
                + (
                    f"The PSO on the roster, {', '.join(psos)}, has no e-mail address there"
                    if psos
                    else "No PSO on the roster for this facility: ask it who its PSO is"
                )
                + f". No e-mail was saved: add the address ({add}) and run this again, or "
                "use the mail link below."
            )
        out.append(f"  Subject: {draft.subject}")
        if path:
            out.append(f"  Saved as: {path}")
        out.append(f"  Mail link: {draft.mailto()}")
    _apply(ctx, apply)
    if not person.get("harp_user_id"):
        out += [
            "",
            f"The e-mail does not give {name}'s HARP user ID, which helps the PSO find the "
            "request: run this again with --harp-user-id ID to draft it with the ID.",
        ]
    out += [
        "",
        "Next: request the role in iQIES for each CCN ('epoc-wizard start iqies --facility "
        "CCN' walks you through it). When a PSO approves it: epoc-wizard roster approve "
        f"{rules.arg(name)} --facility CCN. 'epoc-wizard status' shows what is still waiting.",
    ]
    return "\n".join(out)


def _drafts_folder() -> Path:
    from epoc_wizard.state.document import DRAFTS_FOLDER

    return Path(DRAFTS_FOLDER) / DRAFTS


def approval_draft(raw: dict[str, Any], key: str, ccn: str, role: str) -> tuple[Draft, list[str]]:
    """The e-mail asking a facility's PSO to approve the person's request (to the first PSO
    on the roster with an e-mail address; ``to`` is empty when none has one), and every
    PSO of the facility on the roster, as "Name <address>" or "Name"."""
    from epoc_wizard.outputs.drafts import Draft
    from epoc_wizard.words import printable

    person = raw["people"][key]
    name = person["name"]
    facility = raw.get("facilities", {}).get(ccn, {})
    psos = [
        p
        for p in raw["people"].values()
        if p is not person
        and any(
            r["facility"] == ccn and rules.is_pso(r["role"]) and not rules.waiting(r)
            for r in p.get("roles", [])
        )
    ]
    first = next((p for p in psos if p.get("email")), None)
    greeting = " and ".join(p["name"] for p in psos) if psos else "Provider Security Official"
    harp = person.get("harp_user_id")
    place = facility.get("name")
    works_for = person.get("works_for")
    employer = {
        "vendor": "a vendor",
        "corporate": "corporate staff",
        "provider": f"the provider{f', {place}' if place else ''}",
    }.get(works_for or "")
    # Sent before or after the request is made in iQIES: true either way (issue 16 review).
    details = [f"  Name: {name}"]
    details += [f"  HARP user ID: {harp}"] if harp else []
    details += [f"  E-mail: {person['email']}"] if person.get("email") else []
    details += [f"  Works for: {employer}"] if employer else []
    details += [f"  Facility: {place + ', ' if place else ''}CCN {ccn}", f"  Role: {role}"]
    said = (
        f"{name}{f' ({employer})' if works_for in ('vendor', 'corporate') else ''} is "
        f'requesting, or will shortly request, the iQIES role "{role}" for '
        f"{place or 'the facility'} in iQIES, under CCN {ccn}."
    )
    ask = (
        "As a Provider Security Official for this facility, could you please approve it "
        "when the request appears in iQIES? To find it:"
    )
    body = (
        f"Hello {greeting},\n\n{textwrap.fill(said, 72)}\n\n{textwrap.fill(ask, 72)}\n"
        + "\n".join(details)
        + "\n\nThank you.\n"
    )
    ident = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "person"
    draft = Draft(
        id=f"pso-approval-{ccn}-{ident}",
        step_id="roster",
        step_title=f"Ask the PSO of {ccn} to approve {name}",
        to=first["email"] if first else "",
        to_name=first["name"] if first else "",
        subject=printable(f"iQIES role request for CCN {ccn}: {name}, {role}"),
        body=printable(body, lines=True),
        why=(
            "A vendor requests access for each facility it represents, and a PSO at each "
            "facility approves it, by the facility's CCN (Maine Health Care Association, 16 "
            "June 2026). The wording is the wizard's suggestion, not a form CMS requires."
        ),
        missing=() if first else ("the PSO's e-mail address",),
    )
    return draft, [p["name"] + (f" <{p['email']}>" if p.get("email") else "") for p in psos]


def _save_draft(draft: Draft, folder: Path, now: dt.datetime) -> Path:
    from epoc_wizard.outputs import drafts

    try:  # a refused link or odd file is a StateError with its sentence already
        return drafts.save(draft, folder, now)
    except OSError as exc:
        raise StateError(
            f"Could not save the e-mail draft '{draft.id}' in {folder}: {exc.strerror or exc}.",
            "Nothing was added to the roster; fix this and run the same command again.",
        ) from None
