"""Checks for e-mail addresses, phone numbers, user IDs, keys and free text, and the
test for a secret typed into the wrong box (see ``checks.py`` for the whole set).

Secrets (passwords, Social Security numbers, activation keys) are never repeated in a
message.
"""

from __future__ import annotations

import re

from epoc_wizard.checks.result import ALNUM, DIGITS, A, CheckResult, control_problem, fail, ok

# An activation key: 32 letters and digits, both kinds (a key in a free-text box would be saved).
_KEY_SHAPE = re.compile(r"(?=[A-Za-z]*[0-9])(?=[0-9]*[A-Za-z])[A-Za-z0-9]{32}", A)
_SSN = re.compile(r"(?<![0-9-])(?:[0-9]{3}([- ])[0-9]{2}\1[0-9]{4}|[0-9]{9})(?![0-9-])", A)
_EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_EMAIL_LOCAL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*", A)
_DOMAIN_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", A)
_TLD = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}", A)
_PHONE_EXT = re.compile(r"(.*?)[\s,;]*(?:extension|ext\.?|x|#)\s*([0-9]{1,6})", re.I | A)
_NAME_MARKS = frozenset("-_.'’")

_KEY_WHERE = 'Copy the whole key from the "Activation Key" e-mail, even if it wraps onto two lines.'
_SECRET_NOTE = (
    "the wizard never stores passwords or Social Security numbers. "
    "Type those only into the CMS website itself."
)


def check_email(value: str) -> CheckResult:
    """CMS sends user IDs, activation keys and password resets by e-mail, so a typo here
    can stall a sign-up for days. Only the syntax is checked; nothing is sent.
    """
    raw = value.strip()
    if not raw:
        return fail(raw, "You did not enter an e-mail address. Type it like name@example.org.")
    if any(c.isspace() for c in raw):
        return fail(raw, "This e-mail address has a space in it; remove the space.")
    problem = control_problem(raw, "e-mail address")
    if problem:
        return fail(raw, problem)
    if raw.count("@") != 1:
        count = "is missing the @ sign" if "@" not in raw else "has more than one @ sign"
        return fail(
            raw, f"This e-mail address {count}; an address has exactly one, like name@example.org."
        )
    local, domain = raw.split("@")
    if not local:
        return fail(
            raw,
            "This e-mail address is missing the part before the @, like the "
            "name in name@example.org.",
        )
    if not domain:
        return fail(
            raw,
            "This e-mail address is missing the part after the @, like "
            "example.org in name@example.org.",
        )
    if len(raw) > 254:
        return fail(raw, "This e-mail address is too long; an address has at most 254 characters.")
    if len(local) > 64:
        return fail(raw, "The part before the @ is too long; it can have at most 64 characters.")
    if not _EMAIL_LOCAL.fullmatch(local):
        return fail(
            raw,
            "The part before the @ has a character e-mail addresses cannot use; "
            "use only letters, digits, dots, dashes, underscores and plus signs.",
        )
    domain = domain.lower()
    if "," in domain:
        return fail(raw, "The part after the @ has a comma where a dot belongs, like example.org.")
    if "." not in domain:
        return fail(
            raw,
            "The part after the @ is missing a dot, like example.org; check the address for typos.",
        )
    *labels, tld = domain.split(".")
    if not all(_DOMAIN_LABEL.fullmatch(part) for part in labels) or not _TLD.fullmatch(tld):
        return fail(
            raw,
            "The part after the @ is not a valid domain name; check it for typos, "
            "like example.org.",
        )
    return ok(f"{local}@{domain}")


def check_phone(value: str) -> CheckResult:
    """CMS help desks call back on this number, and their forms take only US numbers."""
    raw = value.strip()
    if not raw:
        return fail(
            raw, "You did not enter a phone number. Type it with the area code, like 888-238-2122."
        )
    if len(raw) > 40:
        return fail(
            raw,
            "This is too long for a phone number; type it like 888-238-2122, "
            "with an extension after x, like x123.",
        )
    match = _PHONE_EXT.fullmatch(raw)
    main, ext = (match.group(1), match.group(2)) if match else (raw, "")
    if re.search(r"[^\W\d_]", main):
        return fail(
            raw,
            "This phone number has letters in it; type only digits, like "
            "888-238-2122, and put an extension after x, like x123.",
        )
    if not re.fullmatch(r"\+?[0-9().\-/ ]+", main, A):
        return fail(
            raw,
            "This phone number has marks a phone number does not use; type it like 888-238-2122.",
        )
    digits = re.sub(r"[^0-9]", "", main)
    if main.startswith("+") and not digits.startswith("1"):
        return fail(
            raw,
            "The CMS forms take US phone numbers only; type one with a US area "
            "code, like 888-238-2122.",
        )
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        return fail(
            raw,
            f"This phone number has {len(digits)} digits; a US number has 10, like 888-238-2122.",
        )
    if digits[0] in "01":
        return fail(raw, "A US area code never starts with 0 or 1; check the first three digits.")
    if digits[3] in "01":
        return fail(
            raw, "The three digits after the area code never start with 0 or 1; check the number."
        )
    number = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return ok(f"{number} ext. {ext}" if ext else number)


def check_epoc_user_id(value: str) -> CheckResult:
    """The ePOC login is the ID printed on the QIES confirmation page; people often
    type their CMSNet ID there by mistake.
    """
    raw = value.strip()
    uid = re.sub(r"\s+", "", raw).upper()
    if not uid:
        return fail(
            raw,
            "You did not enter your ePOC user ID. It is on the QIES confirmation "
            "page and looks like MDS1234567.",
        )
    if not uid.startswith("MDS"):
        return fail(
            raw,
            "An ePOC user ID starts with MDS and then 7 digits, like MDS1234567; "
            "copy it from the QIES confirmation page.",
        )
    rest = uid[3:]
    if not DIGITS.fullmatch(rest):
        return fail(raw, "After MDS, an ePOC user ID has only digits, like MDS1234567.")
    if len(rest) != 7:
        return fail(
            raw,
            f"This ePOC user ID has {len(rest)} digits after MDS, but it should "
            "have 7, like MDS1234567.",
        )
    return ok(uid)


def check_activation_key(value: str) -> CheckResult:
    """Activation keys arrive by e-mail and are often pasted wrapped over two lines or
    cut short; HTML e-mails can also hide invisible characters in it. The key is a
    secret, so no message ever repeats it.
    """
    key = re.sub(r"[\s\u00ad\u200b-\u200d\u2060\ufeff]+", "", value)  # also invisible marks
    if not key:
        return fail(value, "You did not enter the activation key. " + _KEY_WHERE)
    if not ALNUM.fullmatch(key):
        return fail(value, "An activation key has only letters and digits. " + _KEY_WHERE)
    if len(key) != 32:
        return fail(
            value,
            f"The activation key must have 32 characters, but {len(key)} were found. " + _KEY_WHERE,
        )
    return ok(key)


def check_facility_id(value: str) -> CheckResult:
    """State facility IDs (such as those in California CDPH e-mails) vary by state, so
    only their general shape is judged.
    """
    raw = value.strip()
    if not raw:
        return fail(
            raw,
            "You did not enter a facility ID. Copy it from the state's e-mail or "
            "the facility's state license.",
        )
    if len(raw) > 20:
        return fail(
            raw, f"This facility ID has {len(raw)} characters; a facility ID has at most 20."
        )
    if not re.fullmatch(r"[A-Za-z0-9-]+", raw, A):
        return fail(
            raw, "A facility ID has only letters, digits and dashes; remove spaces and other marks."
        )
    return ok(raw.upper())


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
    kinds = (
        any(c.islower() for c in text),
        any(c.isupper() for c in text),
        any(c.isdigit() for c in text),
        True,
    )
    return "a password" if sum(kinds) >= 3 else ""


def _secret_message(kind: str) -> str:
    if kind == "an activation key":
        return (
            "This looks like an activation key, and the wizard never stores activation "
            "keys, passwords or Social Security numbers. Type those only into the CMS "
            "website itself."
        )
    what = "a Social Security number" if kind == "an SSN" else "a password"
    return f"This looks like {what}, and {_SECRET_NOTE}"


def _identifier(value: str, what: str, limit: int, *, spaces: bool) -> CheckResult:
    raw = value.strip()
    if not raw:
        return fail(
            raw, f"You did not enter your {what}. Copy it from the e-mail that gave it to you."
        )
    problem = control_problem(raw, what)
    if problem:
        return fail(raw, problem)
    if not spaces and any(c.isspace() for c in raw):
        return fail(raw, f"A {what} has no spaces; remove them and type it again.")
    if len(raw) > limit:
        return fail(raw, f"This is too long for a {what}; it has at most {limit} characters.")
    secret = looks_like_secret(raw)
    return fail(raw, _secret_message(secret)) if secret else ok(raw)


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
        return fail(raw, "This answer is empty; please type a short answer.")
    problem = control_problem(text, "answer")
    if problem:
        return fail(raw, problem)
    if len(text) > 200:
        return fail(raw, f"This answer has {len(text)} characters; keep it to 200 or fewer.")
    secret = looks_like_secret(text)
    return fail(raw, _secret_message(secret)) if secret else ok(text)
