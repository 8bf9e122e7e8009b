"""Checks for the values people copy into CMS portals, run before they type them there.

The CMS sign-up portals (CMSNet, QIES/ePOC, HARP, CMSzONE) reject a bad value late,
often with a vague error, and sometimes only after a long form. Most bad values have
a few known causes: a spreadsheet that turned a CCN into a number, a ZIP code that
lost its leading zero, an activation key pasted across a line break. Each check here
catches one kind of value, puts it in the form the portal expects, and otherwise says
in one or two plain sentences what is wrong and how to fix it.

This module is the public face of the checks (``CHECKS``, ``run_check``) and holds the
place-based ones: CCN, PTAN, state and ZIP. Those for e-mail, phone, user IDs, keys and
free text are in ``_textchecks.py``; the result type in ``_checkcore.py``.

Secrets (passwords, Social Security numbers, activation keys) are never repeated in a
message. Standard library only, because the wizard imports this on start-up.
"""

from __future__ import annotations

import re

from epoc_wizard.checks.result import ALNUM, DIGITS, A, CheckResult, fail, ok
from epoc_wizard.checks.tables import (
    CCN_THIRD_LETTERS,
    MILITARY_NAMES,
    STATE_ALIASES,
    STATE_NAMES,
    ZIP_PREFIXES,
)
from epoc_wizard.checks.tables import STATE_CODES as STATE_CODES

#: The inverse of ``STATE_CODES``: CMS state code (first two CCN characters) to postal code.
STATE_BY_CODE: dict[str, str] = {code: st for st, codes in STATE_CODES.items() for code in codes}

# A point or a signed exponent tells "5.63E+04" from a Medicaid-only CCN like 05E123.
_SCIENTIFIC = re.compile(r"[0-9]+\.[0-9]*[eE][+-]?[0-9]+|[0-9]+[eE][+-][0-9]+", A)
_DECIMAL_ZERO = re.compile(r"([0-9]+)\.0+", A)
_CCN_TAIL = re.compile(r"[0-9]{4}|[A-Z][0-9]{3}", A)

_CCN_WHERE = (
    "Copy the CCN from the facility's CMS certification letter or a CMS-2567 Statement of "
    "Deficiencies, or ask your administrator."
)
_NAMES_TO_CODES: dict[str, str] = {
    **{name.lower().replace(".", ""): code for code, name in STATE_NAMES.items()},
    **STATE_ALIASES,
}


def _join_or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _state_code(state: str | None, *, military: bool = False) -> str | None:
    """Accept a state the way people write it; ``None`` when it cannot be read."""
    if state is None:
        return None
    if military and state.strip().upper() in MILITARY_NAMES:
        return state.strip().upper()
    result = check_state(state)
    return result.value if result.ok else None


def _region_name(code: str) -> str:
    return STATE_NAMES.get(code) or MILITARY_NAMES.get(code, code)


def check_ccn(value: str, state: str | None = None) -> CheckResult:
    """A CCN is the key every CMS portal uses to find the facility.

    Spreadsheets damage CCNs in a few set ways (a dropped leading zero, scientific
    notation, a trailing ".0"), so each gets its own message and, where safe, the
    fixed value. ``state`` is the facility's state; when it cannot be read it is
    ignored rather than guessed.
    """
    raw = value.strip()
    st = _state_code(state)
    if not raw:
        return fail(
            raw,
            "You did not enter a CCN. Type the facility's 6-character CMS "
            "Certification Number, like 056304.",
        )
    if _SCIENTIFIC.fullmatch(raw):
        return fail(
            raw,
            "A spreadsheet changed this CCN into scientific notation, which "
            "loses digits. " + _CCN_WHERE,
        )
    match = _DECIMAL_ZERO.fullmatch(raw)
    if match:
        digits = match.group(1)
        guess = digits.zfill(6) if len(digits) in (5, 6) else ""
        if guess and check_ccn(guess, st).ok:
            return fail(
                raw, f"A spreadsheet changed this CCN into a decimal number. Did you mean {guess}?"
            )
        return fail(raw, "A spreadsheet changed this CCN into a decimal number. " + _CCN_WHERE)
    if DIGITS.fullmatch(raw) and len(raw) > 6:
        short = raw.lstrip("0")
        guess = short.zfill(6) if raw.startswith("0") and len(short) in (5, 6) else ""
        if guess and check_ccn(guess, st).ok:
            return fail(
                raw,
                f"This CCN has {len(raw)} digits, but a CCN has 6; a spreadsheet "
                f"probably added zeros in front. Did you mean {guess}?",
            )
        return fail(
            raw,
            f"This CCN has {len(raw)} digits, but a CCN has 6, so a spreadsheet "
            f"probably changed it. " + _CCN_WHERE,
        )
    ccn = re.sub(r"[\s-]+", "", raw).upper()
    if DIGITS.fullmatch(ccn) and len(ccn) == 5 and not ccn.startswith("0"):
        guess = "0" + ccn
        lost = "This CCN has 5 digits; a spreadsheet probably dropped its leading zero"
        if st is None or guess[:2] in STATE_CODES[st]:
            return fail(raw, f"{lost}. Did you mean {guess}?")
        return fail(
            raw,
            f"{lost}, but {guess} would be a CCN from "
            f"{STATE_NAMES[STATE_BY_CODE[guess[:2]]]}, not from {STATE_NAMES[st]}. " + _CCN_WHERE,
        )
    if not ALNUM.fullmatch(ccn):
        return fail(
            raw,
            "A CCN has only letters and digits, like 056304; remove any other "
            "marks and type it again.",
        )
    if len(ccn) != 6:
        return fail(
            raw,
            f"This CCN has {len(ccn)} characters, but a CCN has exactly 6, "
            f"like 056304. " + _CCN_WHERE,
        )
    code, tail = ccn[:2], ccn[2:]
    if code not in STATE_BY_CODE:
        return fail(
            raw,
            f"A CCN starts with a CMS state code, and {code} is not one. Check "
            "the first two characters on the facility's CMS certification letter.",
        )
    if not _CCN_TAIL.fullmatch(tail) or (tail[0].isalpha() and tail[0] not in CCN_THIRD_LETTERS):
        letters = _join_or(sorted(CCN_THIRD_LETTERS))
        return fail(
            raw,
            "After the 2-character state code, a CCN has 4 digits, or one of the "
            f"letters {letters} followed by 3 digits.",
        )
    if st is not None and code not in STATE_CODES[st]:
        return fail(
            raw,
            f"This CCN starts with {code}, the CMS code for "
            f"{STATE_NAMES[STATE_BY_CODE[code]]}, not {STATE_NAMES[st]}. "
            f"{STATE_NAMES[st]} CCNs start with {_join_or(list(STATE_CODES[st]))}.",
        )
    return ok(ccn)


def check_ptan(value: str) -> CheckResult:
    """A PTAN is checked by the MAC's portal against its own records, so only its shape
    is judged here: letters and digits, at most 10 of them.
    """
    raw = value.strip()
    if not raw:
        return fail(
            raw,
            "You did not enter a PTAN. Copy it from the Medicare approval letter "
            "your MAC sent, or from PECOS.",
        )
    if any(c.isspace() for c in raw):
        return fail(raw, "A PTAN has no spaces; type it as one group of letters and digits.")
    if not ALNUM.fullmatch(raw):
        return fail(raw, "A PTAN has only letters and digits; remove any dashes or other marks.")
    if len(raw) > 10:
        return fail(
            raw,
            f"This PTAN has {len(raw)} characters, but a PTAN has at most 10. "
            "Check it against the approval letter from your MAC.",
        )
    return ok(raw.upper())


def check_state(value: str) -> CheckResult:
    """Portals want the two-letter postal code, while people often type the name."""
    raw = value.strip()
    key = " ".join(re.sub(r"[.,]", "", raw).split()).lower()
    if len(key) == 2 and key.upper() in STATE_NAMES:
        return ok(key.upper())
    if key in _NAMES_TO_CODES:
        return ok(_NAMES_TO_CODES[key])
    start = "You did not enter a state." if not raw else "That is not a state the wizard knows."
    return fail(
        raw,
        f"{start} Type the two-letter postal code, like CA or NY, or the full "
        "name, like California; DC, PR, VI, GU, AS and MP work too.",
    )


def _zip_state_problem(zip5: str, st: str | None) -> str:
    """Say why a well-formed ZIP code does not fit the state, or return ""."""
    if st is None:
        return ""
    prefix = int(zip5[:3])
    if any(lo <= prefix <= hi for lo, hi in ZIP_PREFIXES[st]):
        return ""
    owners = [
        _region_name(s)
        for s, ranges in ZIP_PREFIXES.items()
        if any(lo <= prefix <= hi for lo, hi in ranges)
    ]
    starts = _join_or(
        [
            f"{lo:03d}" if lo == hi else f"{lo:03d} to {hi:03d}"
            for lo, hi in sorted(ZIP_PREFIXES[st])
        ]
    )
    if owners:
        return (
            f"The ZIP code {zip5} belongs to {_join_or(owners)}, not "
            f"{_region_name(st)}. Check both against the facility's address."
        )
    return (
        f"The ZIP code {zip5} does not belong to {_region_name(st)}, whose ZIP codes start "
        f"with {starts}. Check it against the facility's address."
    )


def check_zip(value: str, state: str | None = None) -> CheckResult:
    """Spreadsheets drop the leading zero of New England and New Jersey ZIP codes, and a
    ZIP code from the wrong state sends the CMS letters to the wrong place.
    """
    raw = value.strip()
    st = _state_code(state, military=True)
    if not raw:
        return fail(
            raw,
            "You did not enter a ZIP code. Type the 5-digit ZIP code, like 02134, "
            "or the ZIP+4, like 02134-1234.",
        )
    match = re.fullmatch(r"([0-9]{4,5})(?:[- ]?([0-9]{4}))?(\.0+)?", raw, A)
    if match is None:
        digits = re.sub(r"[\s-]", "", raw)
        if DIGITS.fullmatch(digits):
            return fail(
                raw,
                f"This ZIP code has {len(digits)} digits; a ZIP code has 5, or 9 "
                "with the ZIP+4, like 02134-1234.",
            )
        return fail(raw, "A ZIP code has only digits and an optional dash, like 02134-1234.")
    head, plus4, decimal = match.groups()
    fixed = head.zfill(5) + (f"-{plus4}" if plus4 else "")
    if decimal or len(head) == 4:
        cause = (
            "A spreadsheet changed this ZIP code into a decimal number"
            if decimal
            else f"This ZIP code has {len(head + (plus4 or ''))} digits; a spreadsheet probably "
            "dropped its leading zero"
        )
        problem = _zip_state_problem(fixed[:5], st)
        if problem:
            return fail(
                raw,
                f"{cause}, but {fixed[:5]} does not fit the state either. "
                "Check the ZIP code against the facility's address.",
            )
        return fail(raw, f"{cause}. Did you mean {fixed}?")
    problem = _zip_state_problem(fixed[:5], st)
    return fail(raw, problem) if problem else ok(fixed)
