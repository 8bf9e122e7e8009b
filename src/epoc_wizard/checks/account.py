"""Checks for the choices made at HARP sign-up that are hard to undo, and for help-desk
ticket numbers (see ``checks/__init__.py`` for the whole set).

A HARP user ID cannot be changed once it is made, so the wizard checks a proposed one
before the person types it into HARP, against the advice CMS's sign-up notices repeat
(the Missouri DHSS long-term-care notices of about 2022-2023, archives 15761 and 16002):
no facility name in it, and no special characters such as ``#`` or ``&``; a corporate
(work) e-mail address, a personal one only for an organization with two or fewer
providers and no corporate e-mail domain. The secret test of ``check_harp_user_id`` runs
first, so a password typed here is refused and never kept.

A refusal is ``ok=False``; a warning is ``ok=True`` with a ``message`` (the value is
fine to keep, but the person should read the message). Standard library only.
"""

from __future__ import annotations

import re

from epoc_wizard.checks.result import A, CheckResult, control_problem, fail
from epoc_wizard.checks.text import (
    _refused_secret,
    check_email,
    check_harp_user_id,
    looks_like_secret,
)

_WHERE = "the Missouri DHSS notices on iQIES sign-up"
_WHERE_ = "The Missouri DHSS notices on iQIES sign-up"
_CANNOT_CHANGE = (
    "Before you type it into HARP: a HARP user ID cannot be changed later, so keep "
    "this one only if you are happy to use it for years."
)
_WORDS = re.compile(r"[a-z0-9]+", A)
_PLAIN_ID = re.compile(r"[A-Za-z0-9]+", A)
#: Words most facility names share: finding one of them in a user ID says nothing.
#: (The wizard's list, not a CMS one.)
# fmt: off
_GENERIC = frozenset({
    "the", "and", "of", "at", "for", "in", "on", "by", "to", "a", "an", "st", "saint", "mt",
    "mount", "care", "center", "centre", "health", "healthcare", "nursing", "home", "homes",
    "hospice", "rehab", "rehabilitation", "living", "senior", "seniors", "assisted", "skilled",
    "facility", "facilities", "manor", "village", "villa", "residence", "residences", "house",
    "court", "gardens", "garden", "place", "pointe", "point", "plaza", "hospital", "medical",
    "services", "service", "community", "communities", "county", "city", "memorial", "llc",
    "inc", "corp", "co", "company", "group", "network", "partners", "snf", "ltc", "ltach",
    "irf", "hha", "agency",
})
# fmt: on


def _compact(text: str) -> str:
    return "".join(_WORDS.findall(text.lower()))


def _facility_match(user_id: str, facility_name: str) -> tuple[str, str]:
    """("whole", name) when the ID holds the facility's whole name (or all its distinctive
    words), ("word", word) when it holds one distinctive word of it, else ("", "")."""
    uid = _compact(user_id)
    words = _WORDS.findall(facility_name.lower())
    whole = "".join(words)
    own = [w for w in words if w not in _GENERIC]  # "oak ridge" of "Oak Ridge Care"
    distinctive = [w for w in own if len(w) >= 4 and not w.isdigit()]
    if len(whole) >= 4 and whole in uid:
        return "whole", facility_name.strip()
    if len(own) >= 2 and "".join(own) in uid:
        return "whole", facility_name.strip()
    for word in distinctive:
        if word in uid:
            return "word", word
    return "", ""


def check_new_harp_user_id(value: str, facility_name: str | None = None) -> CheckResult:
    """A HARP user ID the person is about to choose, against the published advice.

    Refused: anything ``check_harp_user_id`` refuses (a password, key or SSN; empty;
    too long; spaces; hidden characters), special characters (``#`` and ``&`` named,
    and any other mark), and the facility's whole name when ``facility_name`` is given.
    Warned (ok, with a message): one distinctive word of the facility's name, which may
    also be part of the person's own name. Every accepted ID carries the reminder that it
    cannot be changed later.
    """
    # Marks first: "jsmith#1" is told about its "#", not taken for a password. Only the
    # marks are repeated.
    marks = sorted(
        {c for c in value.strip() if c.isprintable() and not c.isspace()}
        - set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    )
    # A refusal keeps what was typed (as every check does), unless it is shaped like a
    # secret: then nothing of it is kept.
    kept = "" if looks_like_secret(value.strip(), identifier=True) else value.strip()
    if marks and len(value.strip()) <= 64:
        named = [m for m in marks if m in "#&"] or marks
        return CheckResult(
            ok=False,
            value=kept,
            message=(
                f"This user ID has {'the character' if len(named) == 1 else 'the characters'} "
                f"{' '.join(named)} in it. {_WHERE_} ask you to leave out special "
                "characters such as # or &; use only letters and digits, like jsmith2."
                + (
                    " If this is a password, type it only into HARP itself: the wizard "
                    "never stores passwords."
                    if not kept
                    else ""
                )
            ),
        )
    base = check_harp_user_id(value)
    if not base.ok:  # a too-long value is refused before the secret test
        return CheckResult(ok=False, value=kept, message=base.message)
    uid = base.value
    if not _PLAIN_ID.fullmatch(uid):  # a character no font shows, say
        return CheckResult(
            ok=False,
            value=kept,
            message="This user ID has a character that is not a plain letter or digit; "
            "use only letters and digits, like jsmith2.",
        )
    notes = [_CANNOT_CHANGE]
    if facility_name and facility_name.strip():
        how, found = _facility_match(uid, facility_name)
        if how == "whole":
            return fail(
                uid,
                "This user ID holds your facility's name. A HARP user ID is yours, not "
                f"the facility's, and {_WHERE} ask you not to use facility names in it: "
                "it cannot be changed later, and you may work elsewhere one day. Use your "
                "own name or initials, like jsmith2.",
            )
        if how == "word":
            notes.append(
                f"It contains '{found}', from your facility's name. {_WHERE_} "
                "ask you not to use facility names in a HARP user ID; choose another unless "
                f"'{found}' is part of your own name."
            )
    else:
        notes.append("Check that it holds no part of your facility's name.")
    return CheckResult(ok=True, value=uid, message=" ".join(notes))


#: Free personal e-mail services (the wizard's list, not CMS's): an address at one of
#: these is a personal address, not a corporate one.
# fmt: off
PERSONAL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "ymail.com", "rocketmail.com", "yahoo.co.uk",
    "outlook.com", "hotmail.com", "live.com", "msn.com", "aol.com", "aim.com", "icloud.com",
    "me.com", "mac.com", "protonmail.com", "proton.me", "pm.me", "gmx.com", "gmx.us",
    "mail.com", "zoho.com", "yandex.com", "comcast.net", "att.net", "sbcglobal.net",
    "bellsouth.net", "verizon.net", "cox.net", "charter.net", "earthlink.net", "juno.com",
    "netzero.net", "optonline.net", "frontier.com", "windstream.net",
})
# fmt: on


def check_work_email(value: str) -> CheckResult:
    """The e-mail address given to HARP: checked like any address (``check_email``),
    then a warning, never a refusal, when it is at a free personal e-mail service:
    the sign-up notices ask for a corporate address, and allow a personal one only for
    organizations with two or fewer providers and no corporate e-mail domain."""
    result = check_email(value)
    if not result.ok:
        return result
    domain = result.value.rsplit("@", 1)[1]
    if domain in PERSONAL_DOMAINS:
        return CheckResult(
            ok=True,
            value=result.value,
            message=(
                f"{domain} is a personal e-mail service. {_WHERE_} ask for "
                "your work (corporate) e-mail address; a personal one is fine only if "
                "your organization has no corporate e-mail domain and runs no more than "
                "two providers. If that is you, go on; otherwise use your work address, "
                "so that HARP's e-mails stay with the job."
            ),
        )
    return result


#: The longest ticket number kept.
TICKET_MAX = 30
_TICKET = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*", A)


def check_ticket(value: str) -> CheckResult:
    """A help desk's ticket (case, incident) number, such as INC0012345: letters, digits
    and dashes, at most 30 characters. It is saved with the journey, so a password, key
    or SSN pasted here by mistake is refused and not kept."""
    raw = value.strip()
    if not raw:
        return fail(
            raw,
            "You did not enter a ticket number. Copy it from the help desk's e-mail, "
            "like INC0012345.",
        )
    secret = looks_like_secret(raw, identifier=True)
    if secret:
        return _refused_secret(secret)
    problem = control_problem(raw, "ticket number")
    if problem:
        return fail(raw, problem)
    if len(raw) > TICKET_MAX:
        return fail(
            raw,
            f"This is too long for a ticket number ({len(raw)} characters); a ticket "
            f"number has at most {TICKET_MAX}. Copy only the number, like INC0012345.",
        )
    if not _TICKET.fullmatch(raw):
        return fail(
            raw,
            "A ticket number has only letters, digits and dashes, like INC0012345; "
            "copy only the number, without spaces or other marks.",
        )
    return CheckResult(ok=True, value=raw)
