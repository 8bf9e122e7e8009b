"""Checks for the values people copy into CMS portals, run before they type them there.

The CMS sign-up portals (CMSNet, QIES/ePOC, HARP, CMSzONE) reject a bad value late,
often with a vague error, and sometimes only after a long form. Most bad values have
a few known causes: a spreadsheet that turned a CCN into a number, a ZIP code that
lost its leading zero, an activation key pasted across a line break. Each check here
catches one kind of value, puts it in the form the portal expects, and otherwise says
in one or two plain sentences what is wrong and how to fix it.

Secrets (passwords, Social Security numbers, activation keys) are never repeated in a
message. Standard library only, because the wizard imports this on start-up.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from epoc_wizard._checkdata import (
    CCN_THIRD_LETTERS,
    MILITARY_NAMES,
    STATE_ALIASES,
    STATE_NAMES,
    ZIP_PREFIXES,
)
from epoc_wizard._checkdata import STATE_CODES as STATE_CODES

#: The inverse of ``STATE_CODES``: CMS state code (first two CCN characters) to postal code.
STATE_BY_CODE: dict[str, str] = {code: st for st, codes in STATE_CODES.items() for code in codes}


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one value: normalized when ``ok``, explained when not."""

    ok: bool
    value: str
    message: str = ""


_A = re.ASCII
_DIGITS = re.compile(r"[0-9]+", _A)
_ALNUM = re.compile(r"[A-Za-z0-9]+", _A)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2028\u2029\ufeff]")
# A point or a signed exponent tells "5.63E+04" from a Medicaid-only CCN like 05E123.
_SCIENTIFIC = re.compile(r"[0-9]+\.[0-9]*[eE][+-]?[0-9]+|[0-9]+[eE][+-][0-9]+", _A)
_DECIMAL_ZERO = re.compile(r"([0-9]+)\.0+", _A)
_CCN_TAIL = re.compile(r"[0-9]{4}|[A-Z][0-9]{3}", _A)
# An activation key: 32 letters and digits, both kinds (a key in a free-text box would be saved).
_KEY_SHAPE = re.compile(r"(?=[A-Za-z]*[0-9])(?=[0-9]*[A-Za-z])[A-Za-z0-9]{32}", _A)
_SSN = re.compile(r"(?<![0-9-])(?:[0-9]{3}([- ])[0-9]{2}\1[0-9]{4}|[0-9]{9})(?![0-9-])", _A)
_EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_EMAIL_LOCAL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*", _A)
_DOMAIN_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", _A)
_TLD = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}", _A)
_PHONE_EXT = re.compile(r"(.*?)[\s,;]*(?:extension|ext\.?|x|#)\s*([0-9]{1,6})", re.I | _A)
_NAME_MARKS = frozenset("-_.'’")

_CCN_WHERE = (
    "Copy the CCN from the facility's CMS certification letter or a CMS-2567 Statement of "
    "Deficiencies, or ask your administrator."
)
_KEY_WHERE = 'Copy the whole key from the "Activation Key" e-mail, even if it wraps onto two lines.'
_SECRET_NOTE = (
    "the wizard never stores passwords or Social Security numbers. "
    "Type those only into the CMS website itself."
)
_NAMES_TO_CODES: dict[str, str] = {
    **{name.lower().replace(".", ""): code for code, name in STATE_NAMES.items()},
    **STATE_ALIASES,
}


def _ok(value: str) -> CheckResult:
    return CheckResult(ok=True, value=value)


def _fail(value: str, message: str) -> CheckResult:
    return CheckResult(ok=False, value=value.strip(), message=message)


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


def _control_problem(raw: str, what: str) -> str:
    if _CONTROL.search(raw):
        return f"This {what} has a hidden character in it; delete it and type it again."
    return ""


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
        return _fail(raw, "You did not enter a CCN. Type the facility's 6-character CMS "
                          "Certification Number, like 056304.")
    if _SCIENTIFIC.fullmatch(raw):
        return _fail(raw, "A spreadsheet changed this CCN into scientific notation, which "
                          "loses digits. " + _CCN_WHERE)
    match = _DECIMAL_ZERO.fullmatch(raw)
    if match:
        digits = match.group(1)
        guess = digits.zfill(6) if len(digits) in (5, 6) else ""
        if guess and check_ccn(guess, st).ok:
            return _fail(raw, f"A spreadsheet changed this CCN into a decimal number. "
                              f"Did you mean {guess}?")
        return _fail(raw, "A spreadsheet changed this CCN into a decimal number. " + _CCN_WHERE)
    if _DIGITS.fullmatch(raw) and len(raw) > 6:
        short = raw.lstrip("0")
        guess = short.zfill(6) if raw.startswith("0") and len(short) in (5, 6) else ""
        if guess and check_ccn(guess, st).ok:
            return _fail(raw, f"This CCN has {len(raw)} digits, but a CCN has 6; a spreadsheet "
                              f"probably added zeros in front. Did you mean {guess}?")
        return _fail(raw, f"This CCN has {len(raw)} digits, but a CCN has 6, so a spreadsheet "
                          f"probably changed it. " + _CCN_WHERE)
    ccn = re.sub(r"[\s-]+", "", raw).upper()
    if _DIGITS.fullmatch(ccn) and len(ccn) == 5 and not ccn.startswith("0"):
        guess = "0" + ccn
        lost = "This CCN has 5 digits; a spreadsheet probably dropped its leading zero"
        if st is None or guess[:2] in STATE_CODES[st]:
            return _fail(raw, f"{lost}. Did you mean {guess}?")
        return _fail(raw, f"{lost}, but {guess} would be a CCN from "
                          f"{STATE_NAMES[STATE_BY_CODE[guess[:2]]]}, not from {STATE_NAMES[st]}. "
                          + _CCN_WHERE)
    if not _ALNUM.fullmatch(ccn):
        return _fail(raw, "A CCN has only letters and digits, like 056304; remove any other "
                          "marks and type it again.")
    if len(ccn) != 6:
        return _fail(raw, f"This CCN has {len(ccn)} characters, but a CCN has exactly 6, "
                          f"like 056304. " + _CCN_WHERE)
    code, tail = ccn[:2], ccn[2:]
    if code not in STATE_BY_CODE:
        return _fail(raw, f"A CCN starts with a CMS state code, and {code} is not one. Check "
                          "the first two characters on the facility's CMS certification letter.")
    if not _CCN_TAIL.fullmatch(tail) or (tail[0].isalpha() and tail[0] not in CCN_THIRD_LETTERS):
        letters = _join_or(sorted(CCN_THIRD_LETTERS))
        return _fail(raw, "After the 2-character state code, a CCN has 4 digits, or one of the "
                          f"letters {letters} followed by 3 digits.")
    if st is not None and code not in STATE_CODES[st]:
        return _fail(raw, f"This CCN starts with {code}, the CMS code for "
                          f"{STATE_NAMES[STATE_BY_CODE[code]]}, not {STATE_NAMES[st]}. "
                          f"{STATE_NAMES[st]} CCNs start with {_join_or(list(STATE_CODES[st]))}.")
    return _ok(ccn)


def check_ptan(value: str) -> CheckResult:
    """A PTAN is checked by the MAC's portal against its own records, so only its shape
    is judged here: letters and digits, at most 10 of them.
    """
    raw = value.strip()
    if not raw:
        return _fail(raw, "You did not enter a PTAN. Copy it from the Medicare approval letter "
                          "your MAC sent, or from PECOS.")
    if any(c.isspace() for c in raw):
        return _fail(raw, "A PTAN has no spaces; type it as one group of letters and digits.")
    if not _ALNUM.fullmatch(raw):
        return _fail(raw, "A PTAN has only letters and digits; remove any dashes or other marks.")
    if len(raw) > 10:
        return _fail(raw, f"This PTAN has {len(raw)} characters, but a PTAN has at most 10. "
                          "Check it against the approval letter from your MAC.")
    return _ok(raw.upper())


def check_state(value: str) -> CheckResult:
    """Portals want the two-letter postal code, while people often type the name."""
    raw = value.strip()
    key = " ".join(re.sub(r"[.,]", "", raw).split()).lower()
    if len(key) == 2 and key.upper() in STATE_NAMES:
        return _ok(key.upper())
    if key in _NAMES_TO_CODES:
        return _ok(_NAMES_TO_CODES[key])
    start = "You did not enter a state." if not raw else "That is not a state the wizard knows."
    return _fail(raw, f"{start} Type the two-letter postal code, like CA or NY, or the full "
                      "name, like California; DC, PR, VI, GU, AS and MP work too.")


def _zip_state_problem(zip5: str, st: str | None) -> str:
    """Say why a well-formed ZIP code does not fit the state, or return ""."""
    if st is None:
        return ""
    prefix = int(zip5[:3])
    if any(lo <= prefix <= hi for lo, hi in ZIP_PREFIXES[st]):
        return ""
    owners = [_region_name(s) for s, ranges in ZIP_PREFIXES.items()
              if any(lo <= prefix <= hi for lo, hi in ranges)]
    starts = _join_or([f"{lo:03d}" if lo == hi else f"{lo:03d} to {hi:03d}"
                       for lo, hi in sorted(ZIP_PREFIXES[st])])
    if owners:
        return (f"The ZIP code {zip5} belongs to {_join_or(owners)}, not "
                f"{_region_name(st)}. Check both against the facility's address.")
    return (f"The ZIP code {zip5} does not belong to {_region_name(st)}, whose ZIP codes start "
            f"with {starts}. Check it against the facility's address.")


def check_zip(value: str, state: str | None = None) -> CheckResult:
    """Spreadsheets drop the leading zero of New England and New Jersey ZIP codes, and a
    ZIP code from the wrong state sends the CMS letters to the wrong place.
    """
    raw = value.strip()
    st = _state_code(state, military=True)
    if not raw:
        return _fail(raw, "You did not enter a ZIP code. Type the 5-digit ZIP code, like 02134, "
                          "or the ZIP+4, like 02134-1234.")
    match = re.fullmatch(r"([0-9]{4,5})(?:[- ]?([0-9]{4}))?(\.0+)?", raw, _A)
    if match is None:
        digits = re.sub(r"[\s-]", "", raw)
        if _DIGITS.fullmatch(digits):
            return _fail(raw, f"This ZIP code has {len(digits)} digits; a ZIP code has 5, or 9 "
                              "with the ZIP+4, like 02134-1234.")
        return _fail(raw, "A ZIP code has only digits and an optional dash, like 02134-1234.")
    head, plus4, decimal = match.groups()
    fixed = head.zfill(5) + (f"-{plus4}" if plus4 else "")
    if decimal or len(head) == 4:
        cause = ("A spreadsheet changed this ZIP code into a decimal number" if decimal else
                 f"This ZIP code has {len(head + (plus4 or ''))} digits; a spreadsheet probably "
                 "dropped its leading zero")
        problem = _zip_state_problem(fixed[:5], st)
        if problem:
            return _fail(raw, f"{cause}, but {fixed[:5]} does not fit the state either. "
                              "Check the ZIP code against the facility's address.")
        return _fail(raw, f"{cause}. Did you mean {fixed}?")
    problem = _zip_state_problem(fixed[:5], st)
    return _fail(raw, problem) if problem else _ok(fixed)


def check_email(value: str) -> CheckResult:
    """CMS sends user IDs, activation keys and password resets by e-mail, so a typo here
    can stall a sign-up for days. Only the syntax is checked; nothing is sent.
    """
    raw = value.strip()
    if not raw:
        return _fail(raw, "You did not enter an e-mail address. Type it like name@example.org.")
    if any(c.isspace() for c in raw):
        return _fail(raw, "This e-mail address has a space in it; remove the space.")
    problem = _control_problem(raw, "e-mail address")
    if problem:
        return _fail(raw, problem)
    if raw.count("@") != 1:
        count = "is missing the @ sign" if "@" not in raw else "has more than one @ sign"
        return _fail(raw, f"This e-mail address {count}; an address has exactly one, like "
                          "name@example.org.")
    local, domain = raw.split("@")
    if not local:
        return _fail(raw, "This e-mail address is missing the part before the @, like the "
                          "name in name@example.org.")
    if not domain:
        return _fail(raw, "This e-mail address is missing the part after the @, like "
                          "example.org in name@example.org.")
    if len(raw) > 254:
        return _fail(raw, "This e-mail address is too long; an address has at most 254 "
                          "characters.")
    if len(local) > 64:
        return _fail(raw, "The part before the @ is too long; it can have at most 64 characters.")
    if not _EMAIL_LOCAL.fullmatch(local):
        return _fail(raw, "The part before the @ has a character e-mail addresses cannot use; "
                          "use only letters, digits, dots, dashes, underscores and plus signs.")
    domain = domain.lower()
    if "," in domain:
        return _fail(raw, "The part after the @ has a comma where a dot belongs, like "
                          "example.org.")
    if "." not in domain:
        return _fail(raw, "The part after the @ is missing a dot, like example.org; check the "
                          "address for typos.")
    *labels, tld = domain.split(".")
    if not all(_DOMAIN_LABEL.fullmatch(part) for part in labels) or not _TLD.fullmatch(tld):
        return _fail(raw, "The part after the @ is not a valid domain name; check it for typos, "
                          "like example.org.")
    return _ok(f"{local}@{domain}")


def check_phone(value: str) -> CheckResult:
    """CMS help desks call back on this number, and their forms take only US numbers."""
    raw = value.strip()
    if not raw:
        return _fail(raw, "You did not enter a phone number. Type it with the area code, like "
                          "888-238-2122.")
    if len(raw) > 40:
        return _fail(raw, "This is too long for a phone number; type it like 888-238-2122, "
                          "with an extension after x, like x123.")
    match = _PHONE_EXT.fullmatch(raw)
    main, ext = (match.group(1), match.group(2)) if match else (raw, "")
    if re.search(r"[^\W\d_]", main):
        return _fail(raw, "This phone number has letters in it; type only digits, like "
                          "888-238-2122, and put an extension after x, like x123.")
    if not re.fullmatch(r"\+?[0-9().\-/ ]+", main, _A):
        return _fail(raw, "This phone number has marks a phone number does not use; type it "
                          "like 888-238-2122.")
    digits = re.sub(r"[^0-9]", "", main)
    if main.startswith("+") and not digits.startswith("1"):
        return _fail(raw, "The CMS forms take US phone numbers only; type one with a US area "
                          "code, like 888-238-2122.")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        return _fail(raw, f"This phone number has {len(digits)} digits; a US number has 10, "
                          "like 888-238-2122.")
    if digits[0] in "01":
        return _fail(raw, "A US area code never starts with 0 or 1; check the first three digits.")
    if digits[3] in "01":
        return _fail(raw, "The three digits after the area code never start with 0 or 1; "
                          "check the number.")
    number = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return _ok(f"{number} ext. {ext}" if ext else number)


def check_epoc_user_id(value: str) -> CheckResult:
    """The ePOC login is the ID printed on the QIES confirmation page; people often
    type their CMSNet ID there by mistake.
    """
    raw = value.strip()
    uid = re.sub(r"\s+", "", raw).upper()
    if not uid:
        return _fail(raw, "You did not enter your ePOC user ID. It is on the QIES confirmation "
                          "page and looks like MDS1234567.")
    if not uid.startswith("MDS"):
        return _fail(raw, "An ePOC user ID starts with MDS and then 7 digits, like MDS1234567; "
                          "copy it from the QIES confirmation page.")
    rest = uid[3:]
    if not _DIGITS.fullmatch(rest):
        return _fail(raw, "After MDS, an ePOC user ID has only digits, like MDS1234567.")
    if len(rest) != 7:
        return _fail(raw, f"This ePOC user ID has {len(rest)} digits after MDS, but it should "
                          "have 7, like MDS1234567.")
    return _ok(uid)


def check_activation_key(value: str) -> CheckResult:
    """Activation keys arrive by e-mail and are often pasted wrapped over two lines or
    cut short; HTML e-mails can also hide invisible characters in it. The key is a
    secret, so no message ever repeats it.
    """
    key = re.sub(r"[\s\u00ad\u200b-\u200d\u2060\ufeff]+", "", value)  # also invisible marks
    if not key:
        return _fail(value, "You did not enter the activation key. " + _KEY_WHERE)
    if not _ALNUM.fullmatch(key):
        return _fail(value, "An activation key has only letters and digits. " + _KEY_WHERE)
    if len(key) != 32:
        return _fail(value, f"The activation key must have 32 characters, but {len(key)} were "
                            "found. " + _KEY_WHERE)
    return _ok(key)


def check_facility_id(value: str) -> CheckResult:
    """State facility IDs (such as those in California CDPH e-mails) vary by state, so
    only their general shape is judged.
    """
    raw = value.strip()
    if not raw:
        return _fail(raw, "You did not enter a facility ID. Copy it from the state's e-mail or "
                          "the facility's state license.")
    if len(raw) > 20:
        return _fail(raw, f"This facility ID has {len(raw)} characters; a facility ID has at "
                          "most 20.")
    if not re.fullmatch(r"[A-Za-z0-9-]+", raw, _A):
        return _fail(raw, "A facility ID has only letters, digits and dashes; remove spaces and "
                          "other marks.")
    return _ok(raw.upper())


def looks_like_secret(value: str) -> str:
    """Return "an SSN", "an activation key", "a password", or "" for anything else.

    The wizard saves answers to disk, so a secret typed into the wrong box must be
    refused before it is stored. Names, e-mail addresses, web addresses, CCNs and
    phone numbers do not count as passwords.
    """
    text = value.strip()
    if _SSN.search(text):
        return "an SSN"
    if _KEY_SHAPE.fullmatch(text):
        return "an activation key"
    if not 8 <= len(text) <= 128 or any(c.isspace() for c in text):
        return ""
    if _EMAIL_SHAPE.fullmatch(text) or text.lower().startswith(("http://", "https://", "www.")):
        return ""
    symbols = {c for c in text if not c.isalnum()}
    if not symbols - _NAME_MARKS:
        return ""
    kinds = (any(c.islower() for c in text), any(c.isupper() for c in text),
             any(c.isdigit() for c in text), True)
    return "a password" if sum(kinds) >= 3 else ""


def _secret_message(kind: str) -> str:
    if kind == "an activation key":
        return ("This looks like an activation key, and the wizard never stores activation "
                "keys, passwords or Social Security numbers. Type those only into the CMS "
                "website itself.")
    what = "a Social Security number" if kind == "an SSN" else "a password"
    return f"This looks like {what}, and {_SECRET_NOTE}"


def _identifier(value: str, what: str, limit: int, *, spaces: bool) -> CheckResult:
    raw = value.strip()
    if not raw:
        return _fail(raw, f"You did not enter your {what}. Copy it from the e-mail that gave it "
                          "to you.")
    problem = _control_problem(raw, what)
    if problem:
        return _fail(raw, problem)
    if not spaces and any(c.isspace() for c in raw):
        return _fail(raw, f"A {what} has no spaces; remove them and type it again.")
    if len(raw) > limit:
        return _fail(raw, f"This is too long for a {what}; it has at most {limit} characters.")
    secret = looks_like_secret(raw)
    return _fail(raw, _secret_message(secret)) if secret else _ok(raw)


def check_cac_or_navigator_id(value: str) -> CheckResult:
    """Assisters give their Navigator or CAC ID to CMSzONE; a password pasted here
    instead would be stored by the wizard.
    """
    return _identifier(value, "Navigator or CAC ID", 40, spaces=True)


def check_cmsnet_user_id(value: str) -> CheckResult:
    """CMSNet IDs are assigned by CMS and not documented, so the check is loose; it
    mainly stops a password from landing in the wizard's saved answers.
    """
    return _identifier(value, "CMSNet user ID", 64, spaces=False)


def check_harp_user_id(value: str) -> CheckResult:
    """HARP user IDs are chosen by the person, so the check is loose; it mainly stops a
    password from landing in the wizard's saved answers.
    """
    return _identifier(value, "HARP user ID", 64, spaces=False)


def check_text(value: str) -> CheckResult:
    """Free-text answers are saved to disk, so they must not hold an SSN or a password;
    anything else short and printable is fine.
    """
    raw = value.strip()
    text = " ".join(raw.split())
    if not text:
        return _fail(raw, "This answer is empty; please type a short answer.")
    problem = _control_problem(text, "answer")
    if problem:
        return _fail(raw, problem)
    if len(text) > 200:
        return _fail(raw, f"This answer has {len(text)} characters; keep it to 200 or fewer.")
    secret = looks_like_secret(text)
    return _fail(raw, _secret_message(secret)) if secret else _ok(text)


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
}
STATE_AWARE = frozenset({"ccn", "zip"})


def run_check(kind: str, value: str, state: str | None = None) -> CheckResult:
    """Let flow files name a check by kind; ``state`` only matters for STATE_AWARE kinds."""
    check = CHECKS.get(kind)
    if check is None:
        raise ValueError(f"Unknown check kind {kind!r}; use one of: {', '.join(sorted(CHECKS))}.")
    return check(value, state=state) if kind in STATE_AWARE else check(value)
