"""Checks for e-mail addresses, phone numbers, user IDs, keys and free text, and the
test for a secret typed into the wrong box (see ``checks.py`` for the whole set).

Secrets (passwords, Social Security numbers, activation keys) are never repeated in a
message.
"""

from __future__ import annotations

import re
import unicodedata

from epoc_wizard.checks.result import ALNUM, DIGITS, A, CheckResult, control_problem, fail, ok

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
    address = f"{local}@{domain}"
    meant = likely_domain(domain)
    if meant is None:
        return ok(address)
    # Kept, with a question: the person may really have such an address (issue 15).
    return CheckResult(
        ok=True,
        value=address,
        message=(
            f"Did you mean {local}@{meant}? '{domain}' looks like a typing slip, and CMS's "
            "e-mails (user IDs, activation keys) would not reach you."
        ),
        suggestion=f"{local}@{meant}",
    )


#: Endings that are no top-level domain but a slip of a common one (the wizard's list).
_TLD_SLIPS = {
    **dict.fromkeys(("con", "cmo", "cpm", "vom", "xom", "ocm", "comm", "coom", "cim"), "com"),
    **dict.fromkeys(("nte", "nett"), "net"),
    **dict.fromkeys(("ogr", "rog", "orgg"), "org"),
    **dict.fromkeys(("gvo", "ogv"), "gov"),
    "eud": "edu",
}
#: Mail services people often mistype; only names of five letters or more are matched
#: loosely (a shorter one is one slip away from too many real domains).
_MAIL_SERVICES = (
    "gmail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "icloud.com",
    "comcast.net",
    "verizon.net",
    "sbcglobal.net",
    "bellsouth.net",
)
#: Real mail domains one slip away from a service above: never "corrected".
_REAL_NEIGHBOURS = frozenset({"mail.com", "email.com", "ymail.com", "gmx.com", "hotmail.co.uk"})


def _one_slip(a: str, b: str) -> bool:
    """Whether a and b differ by one typing slip: a letter wrong, missing or extra, or
    two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) != 2:
            return len(diff) == 1
        i, j = diff
        return j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def likely_domain(domain: str) -> str | None:
    """The domain a person probably meant, when ``domain`` (lower case) looks like a slip
    of a common one (``sunnyacres.con``, ``gmial.com``, ``yaho.com``, ``gmail.cmo``);
    None when it does not. A guess, never a verdict: the address may be real."""
    labels = domain.split(".")
    labels[-1] = _TLD_SLIPS.get(labels[-1], labels[-1])
    meant = ".".join(labels)
    if len(labels) == 2 and meant not in _REAL_NEIGHBOURS and meant not in _MAIL_SERVICES:
        for service in _MAIL_SERVICES:
            name, top = service.split(".")
            if (labels[0] == name and _one_slip(labels[1], top)) or (
                labels[1] == top and _one_slip(labels[0], name)
            ):
                meant = service
                break
    return meant if meant != domain else None


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


# --- The secret test -------------------------------------------------------------------
#
# Free text is saved to disk, so a secret typed into the wrong box must be refused before
# it is stored. Three kinds are looked for, after folding look-alike characters (NFKC:
# full-width digits and letters become plain ones; every other decimal digit becomes its
# ASCII digit) and dropping invisible marks:
#
# - An SSN: nine digits, alone or as 3-2-4 groups with any separator (dash of any kind,
#   dot, slash, underscore, spaces). 3-3-3, 3-3-4 (phone), 5-4 (ZIP+4) and 4-2-2 (dates)
#   are other things.
# - An activation key: 32 letters and digits, anywhere in the text (after a label too);
#   also, with both letters and digits, when cut into pieces joined by spaces, line
#   breaks or dashes: in two pieces anywhere; in any number of pieces joined by dashes
#   alone; in four or more groups of equal length (4 to 8) unless every group reads as
#   a word, a name, an acronym, a number or a user ID (letters, then digits); or in
#   pieces that all look random (none reads like that). Words and numbers that happen
#   to add up to 32 characters ("Call Mary John 2025 from Main Road Unit") are not keys.
# - A password: one word (no spaces) that mixes symbols with letters and digits
#   ("P@ssw0rd!"), digits inside letters ("Pa55word", "Tr0ub4dor"), a common password word
#   with digits or symbols ("Welcome1", "summer2025"), or a capitalized word with a
#   number glued on ("Summer2025"). User IDs are chosen by people, and "jsmith2025" or
#   "MaryJ2SNF" are ordinary IDs, so the ID checks (``identifier=True``) drop the last
#   two rules for anything but the common password words, and count only look-alike
#   digits (0 1 3 4 5 7) inside letters, with both cases, as a password.

_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff]"
)
_DASHES = "\\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d"
_SSN_SEP = rf"(?:\s*[{_DASHES}./_\\·]\s*|\s+)"
_SSN = re.compile(
    rf"(?<![0-9])(?<![0-9][{_DASHES}./])"
    rf"(?:[0-9]{{3}}{_SSN_SEP}[0-9]{{2}}{_SSN_SEP}[0-9]{{4}}|[0-9]{{9}})"
    rf"(?![0-9])(?![{_DASHES}./][0-9])"
)
_WEB = re.compile(r"(?:https?://|www\.)\S+|[^@\s]+@[^@\s]+\.[^@\s]+", re.I)
_TOKEN = re.compile(r"[A-Za-z0-9]+", A)
_KEY_GAP = re.compile(rf"[\s{_DASHES}]+")
_DASH_GAP = re.compile(rf"[{_DASHES}]+")
# Numbers, ordinals, acronyms, words and names in any of their usual cases
# (lower, Title, UPPER, McDonald, iPhone).
_PLAIN = re.compile(r"[0-9]+(?:st|nd|rd|th)?|[A-Z]+|[A-Z]?[a-z]+(?:[A-Z][a-z]*)*", A)
_ID_LIKE = re.compile(r"[A-Za-z]+[0-9]+", A)  # INC0012345, MDS1234567, jsmith2
_INSIDE_LETTERS = re.compile(r"[A-Za-z][0-9@$]{1,2}(?=[A-Za-z])", A)
_LEET_INSIDE = re.compile(r"[A-Za-z][013457@$]{1,2}(?=[A-Za-z])", A)
_WORD_NUMBER = re.compile(r"([A-Z][a-z]{3,})([0-9]{2,4})", A)
_LEET = str.maketrans("013457@$!|", "oieastasil")
# fmt: off
_COMMON_WORDS = ("password", "passwd", "welcome", "letmein", "qwerty", "changeme", "iloveyou",
                 "trustno")
_COMMON_TEXT_WORDS = frozenset({
    "summer", "winter", "spring", "autumn", "sunshine", "princess", "football", "baseball",
    "monkey", "dragon", "shadow", "master", "secret", "hello", "admin", "login", "abc",
})
# Words people number in addresses and names: "Building12" is a place, not a password.
_NUMBERED_PLACES = frozenset({
    "building", "bldg", "suite", "unit", "room", "floor", "level", "wing", "hall", "route",
    "highway", "station", "apartment", "box", "lot", "pier", "gate", "dock", "block", "tower",
    "house", "ward", "court",
})
# fmt: on
_ORDINARY = frozenset("-_.'’,;:()\"/?")
_AS_USUAL = re.compile(r"[#$](?=[0-9])|(?<=[0-9])%")  # "#400", "$100", "50%"
_WORDS_JOINED = re.compile(r"[A-Za-z]+(?:[&+/][A-Za-z]+)+", A)  # "Johnson&Johnson", "and/or"


def looks_like_secret(value: str, *, identifier: bool = False) -> str:
    """Return "an SSN", "an activation key", "a password", or "" for anything else.

    The wizard saves answers to disk, so a secret typed into the wrong box must be
    refused before it is stored (the rules are above). Names, addresses, e-mail and web
    addresses, CCNs, ZIPs, phone numbers, dates, NPIs, PTANs, user IDs and ticket numbers
    do not count. ``identifier`` is for user IDs, which people choose: there a word with
    a number glued on is an ordinary ID, not a password.
    """
    text = _folded(value.strip())
    if _SSN.search(text):
        return "an SSN"
    words = _WEB.sub(" / ", text)  # e-mail and web addresses are neither keys nor passwords
    if _has_key(words):
        return "an activation key"
    if any(_password_word(word, identifier=identifier) for word in words.split()):
        return "a password"
    return ""


def _folded(text: str) -> str:
    """Look-alike characters as plain ones: full-width and other digits, no invisible marks."""
    if text.isascii():
        return text
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def _has_key(text: str) -> bool:
    """An activation key anywhere, maybe cut into pieces by spaces, line breaks or dashes."""
    run: list[str] = []  # letters-and-digits pieces joined by key gaps
    gaps: list[str] = []
    end = 0
    for match in _TOKEN.finditer(text):
        if run and _KEY_GAP.fullmatch(text, end, match.start()):
            gaps.append(text[end : match.start()])
        else:
            if _key_in(run, gaps):
                return True
            run, gaps = [], []
        run.append(match.group())
        end = match.end()
    return _key_in(run, gaps)


def _key_in(run: list[str], gaps: list[str]) -> bool:
    for i in range(len(run)):
        total = 0
        for j in range(i, len(run)):
            total += len(run[j])
            if total > 32:
                break
            if total == 32 and _is_key(run[i : j + 1], gaps[i:j]):
                return True
    return False


def _is_key(pieces: list[str], gaps: list[str]) -> bool:
    if len(pieces) == 1:
        return True  # 32 letters and digits in one piece: no word or number is that long
    joined = "".join(pieces)
    if joined.isdigit() or joined.isalpha():
        return False  # cut into pieces, only letters and digits mixed are a key
    if len(pieces) == 2 or all(_DASH_GAP.fullmatch(gap) for gap in gaps):
        return True  # cut once (a line break, a space), or cut by dashes alone
    words = [bool(_PLAIN.fullmatch(piece) or _ID_LIKE.fullmatch(piece)) for piece in pieces]
    sizes = [len(piece) for piece in pieces]
    if len(pieces) >= 4 and set(sizes[:-1]) == {sizes[0]} and sizes[-1] <= sizes[0]:
        return not all(words)  # groups of 4 to 8, one at least not a word, name or number
    return not any(words)  # pieces that all look random


def _password_word(word: str, *, identifier: bool) -> bool:
    """One word (no spaces) shaped like a password; see the rules above."""
    core = word.strip("()[]{}\"'“”‘’,.;:?")  # the punctuation of a sentence around it
    if len(core) < 8:
        return False
    lower = any(c.islower() for c in word)
    upper = any(c.isupper() for c in word)
    digit = any(c.isdigit() for c in word)
    if identifier:
        symbols = {c for c in word if not c.isalnum() and c.isprintable()} - _NAME_MARKS
    elif digit or not _WORDS_JOINED.fullmatch(core):  # "Johnson&Johnson" is a name
        symbols = {c for c in _AS_USUAL.sub("", word) if not c.isalnum() and c.isprintable()}
        symbols -= _ORDINARY
    else:
        symbols = set()
    if symbols and lower + upper + digit >= 2:
        return True
    if not digit and all(c.isalpha() or c in _NAME_MARKS for c in core):
        return False  # letters and the marks of names: "O'Neil-Smith", "Mary-Password"
    stem = re.sub(r"[^A-Za-z]+$", "", core)
    plain = stem.lower().translate(_LEET)
    if any(common in plain for common in _COMMON_WORDS):
        return True
    if identifier:
        return bool(lower and upper and _LEET_INSIDE.search(core))
    if plain in _COMMON_TEXT_WORDS or _INSIDE_LETTERS.search(core):
        return True
    glued = _WORD_NUMBER.fullmatch(re.sub(r"[!@#$%^&*]+$", "", core))
    return bool(glued and glued.group(1).lower() not in _NUMBERED_PLACES)


def _refused_secret(kind: str) -> CheckResult:
    """A refusal that keeps nothing of what was typed: not in the message, not as the value."""
    return CheckResult(ok=False, value="", message=_secret_message(kind))


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
    if len(raw) > limit:
        return fail(raw, f"This is too long for a {what}; it has at most {limit} characters.")
    # First: a key with a space or a hidden character in it is refused as a key.
    secret = looks_like_secret(raw, identifier=True)
    if secret:
        return _refused_secret(secret)
    problem = control_problem(raw, what)
    if problem:
        return fail(raw, problem)
    if not spaces and any(c.isspace() for c in raw):
        return fail(raw, f"A {what} has no spaces; remove them and type it again.")
    return ok(raw)


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
    """Free-text answers are saved to disk, so they must not hold an SSN, an activation
    key or a password; anything else short and printable is fine. A refused secret is
    not kept in the result either.
    """
    raw = value.strip()
    text = " ".join(raw.split())
    if not text:
        return fail(raw, "This answer is empty; please type a short answer.")
    if len(text) > 200:
        return fail(raw, f"This answer has {len(text)} characters; keep it to 200 or fewer.")
    secret = looks_like_secret(raw)  # raw: a key cut by a line break is still a key
    if secret:  # before hidden characters: a key with one in it is still a key
        return _refused_secret(secret)
    problem = control_problem(text, "answer")
    return fail(raw, problem) if problem else ok(text)
