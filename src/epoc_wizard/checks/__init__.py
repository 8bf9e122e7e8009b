"""Checks for the values people copy into CMS portals, run before they type them there.

The public set: ``CHECKS`` (by the kind a flow file names), ``run_check``, and every
check function. The place-based checks (CCN, PTAN, state, ZIP) are in ``places.py``;
e-mail, phone, user IDs, keys, free text and the secret test in ``text.py``; the HARP
sign-up choices that cannot be undone (a new user ID, a work e-mail address) and help-desk
ticket numbers in ``account.py``; the result type in ``result.py``; the reference tables,
with their sources, in ``tables.py``.

Standard library only, because the wizard imports this on start-up.
"""

from __future__ import annotations

from collections.abc import Callable

from epoc_wizard.checks.account import check_new_harp_user_id, check_ticket, check_work_email
from epoc_wizard.checks.places import (
    STATE_BY_CODE,
    check_ccn,
    check_ptan,
    check_state,
    check_zip,
)
from epoc_wizard.checks.result import CheckResult
from epoc_wizard.checks.tables import STATE_CODES
from epoc_wizard.checks.text import (
    check_activation_key,
    check_cac_or_navigator_id,
    check_cmsnet_user_id,
    check_email,
    check_epoc_user_id,
    check_facility_id,
    check_harp_user_id,
    check_phone,
    check_text,
    looks_like_secret,
)

__all__ = [
    "CHECKS",
    "NAME_AWARE",
    "STATE_AWARE",
    "STATE_BY_CODE",
    "STATE_CODES",
    "CheckResult",
    "check_activation_key",
    "check_cac_or_navigator_id",
    "check_ccn",
    "check_cmsnet_user_id",
    "check_email",
    "check_epoc_user_id",
    "check_facility_id",
    "check_harp_user_id",
    "check_new_harp_user_id",
    "check_phone",
    "check_ptan",
    "check_state",
    "check_text",
    "check_ticket",
    "check_work_email",
    "check_zip",
    "echo",
    "looks_like_secret",
    "run_check",
]

CHECKS: dict[str, Callable[..., CheckResult]] = {
    "ccn": check_ccn,
    "ptan": check_ptan,
    "state": check_state,
    "zip": check_zip,
    "email": check_email,
    "phone": check_phone,
    "epoc_user_id": check_epoc_user_id,
    "activation_key": check_activation_key,
    "facility_id": check_facility_id,
    "cac_or_navigator_id": check_cac_or_navigator_id,
    "cmsnet_user_id": check_cmsnet_user_id,
    "harp_user_id": check_harp_user_id,
    "text": check_text,
    "new_harp_user_id": check_new_harp_user_id,
    "work_email": check_work_email,
    "ticket": check_ticket,
}
STATE_AWARE = frozenset({"ccn", "zip"})
#: Kinds checked against the facility's name (a new HARP user ID must not hold it).
NAME_AWARE = frozenset({"new_harp_user_id"})


def echo(value: str) -> str:
    """A value as an error message may repeat it: quoted, cut to 40 characters, and
    never when it looks like a password, an activation key or an SSN."""
    if looks_like_secret(value):
        return "(not repeated: it looks like a password, a key or an SSN)"
    return repr(value if len(value) <= 40 else value[:40] + "…")


def run_check(
    kind: str, value: str, state: str | None = None, facility_name: str | None = None
) -> CheckResult:
    """Let flow files name a check by kind; ``state`` only matters for STATE_AWARE kinds,
    ``facility_name`` only for NAME_AWARE ones."""
    check = CHECKS.get(kind)
    if check is None:
        raise ValueError(f"Unknown check kind {kind!r}; use one of: {', '.join(sorted(CHECKS))}.")
    if kind in NAME_AWARE:
        return check(value, facility_name=facility_name)
    return check(value, state=state) if kind in STATE_AWARE else check(value)
