"""Tests for epoc_wizard.checks.places: accepted values, refused values, and secrets kept out."""

from __future__ import annotations

import re

import pytest

from epoc_wizard.checks import (
    CHECKS,
    STATE_AWARE,
    STATE_BY_CODE,
    STATE_CODES,
    CheckResult,
    looks_like_secret,
    run_check,
)
from epoc_wizard.checks.tables import STATE_NAMES, ZIP_PREFIXES

KEY = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6"  # 32 letters and digits, made up for the tests

# (kind, value, state, normalized value)
ACCEPTED = [
    ("ccn", "056304", None, "056304"),
    ("ccn", " 05-6304 ", None, "056304"),
    ("ccn", "05 63 04", "CA", "056304"),
    ("ccn", "556304", "CA", "556304"),  # California's second code
    ("ccn", "056304", "california", "056304"),  # state given by name
    ("ccn", "686012", "FL", "686012"),
    ("ccn", "745123", "TX", "745123"),
    ("ccn", "A05001", "CA", "A05001"),  # alphanumeric state code
    ("ccn", "05e123", "CA", "05E123"),  # Medicaid-only nursing facility, not 5×10^123
    ("ccn", "10F001", "FL", "10F001"),
    ("ccn", "40E001", "PR", "40E001"),
    ("ccn", "05P001", None, "05P001"),  # organ procurement organization
    ("ccn", "655001", "GU", "655001"),
    ("ptan", "ab12345", None, "AB12345"),
    ("ptan", "056304", None, "056304"),
    ("ptan", "1234567890", None, "1234567890"),
    ("state", "CA", None, "CA"),
    ("state", " ny ", None, "NY"),
    ("state", "california", None, "CA"),
    ("state", "New  Mexico", None, "NM"),
    ("state", "Washington, D.C.", None, "DC"),
    ("state", "d.c.", None, "DC"),
    ("state", "Puerto Rico", None, "PR"),
    ("state", "U.S. Virgin Islands", None, "VI"),
    ("state", "northern mariana islands", None, "MP"),
    ("state", "gu", None, "GU"),
    ("state", "Washington", None, "WA"),
    ("state", "washington state", None, "WA"),
    ("state", "as", None, "AS"),
    ("zip", "02134", None, "02134"),
    ("zip", "02134-1234", "MA", "02134-1234"),
    ("zip", "021341234", None, "02134-1234"),
    ("zip", "02134 1234", None, "02134-1234"),
    ("zip", "90210", "CA", "90210"),
    ("zip", "73301", "TX", "73301"),  # Austin IRS prefix inside Oklahoma's range
    ("zip", "75502", "AR", "75502"),  # Texarkana, Arkansas
    ("zip", "00901", "PR", "00901"),
    ("zip", "00802", "VI", "00802"),
    ("zip", "96910", "GU", "96910"),
    ("zip", "96950", "MP", "96950"),
    ("zip", "96799", "AS", "96799"),
    ("zip", "20001", "DC", "20001"),
    ("zip", "09012", "AE", "09012"),
    ("zip", "12345", "not a state", "12345"),  # an unreadable state is ignored
    ("email", " Jane.Doe@Example.ORG ", None, "Jane.Doe@example.org"),
    ("email", "a.b+c@mail.sub.example.com", None, "a.b+c@mail.sub.example.com"),
    ("phone", "(888) 238-2122", None, "888-238-2122"),
    ("phone", "888-238-2122", None, "888-238-2122"),
    ("phone", "888.238.2122", None, "888-238-2122"),
    ("phone", "8882382122", None, "888-238-2122"),
    ("phone", "+1 888 238 2122", None, "888-238-2122"),
    ("phone", "1-888-238-2122", None, "888-238-2122"),
    ("phone", "1 (888) 238-2122 x123", None, "888-238-2122 ext. 123"),
    ("phone", "888-238-2122 ext. 45", None, "888-238-2122 ext. 45"),
    ("phone", "888-238-2122 Ext 7", None, "888-238-2122 ext. 7"),
    ("epoc_user_id", " mds1234567 ", None, "MDS1234567"),
    ("epoc_user_id", "MDS 1234567", None, "MDS1234567"),
    ("activation_key", KEY, None, KEY),
    ("activation_key", KEY[:20] + "\n" + KEY[20:], None, KEY),
    ("activation_key", KEY[:16] + "\u200b\n" + KEY[16:], None, KEY),  # from an HTML e-mail
    ("activation_key", "  " + KEY[:10] + "\r\n\t" + KEY[10:25] + " \n" + KEY[25:], None, KEY),
    ("facility_id", "ca-120000123", None, "CA-120000123"),
    ("facility_id", "12345678901234567890", None, "12345678901234567890"),
    ("cac_or_navigator_id", " NAV-12345 ", None, "NAV-12345"),
    ("cmsnet_user_id", "jsmith1", None, "jsmith1"),
    ("cmsnet_user_id", "J.Smith_01", None, "J.Smith_01"),
    ("harp_user_id", "jane.doe@example.org", None, "jane.doe@example.org"),
    ("text", "  Sunrise   Care\nCenter ", None, "Sunrise Care Center"),
    ("text", "O'Brien-Jones", None, "O'Brien-Jones"),
    ("text", "St. Mary's Home #2, 123 Main St.", None, "St. Mary's Home #2, 123 Main St."),
    ("text", "José Ñúñez", None, "José Ñúñez"),
]

# (kind, value, state, a distinctive part of the message)
REFUSED = [
    # spreadsheet damage to CCNs
    ("ccn", "56304", None, "a spreadsheet probably dropped its leading zero. Did you mean 056304?"),
    ("ccn", "56304", "CA", "Did you mean 056304?"),
    ("ccn", "56304", "TX", "056304 would be a CCN from California, not from Texas"),
    ("ccn", "1.4E+170", None, "scientific notation"),
    ("ccn", "5.6304E+04", None, "scientific notation"),
    ("ccn", "5.63E4", None, "scientific notation"),
    ("ccn", "5E+123", None, "scientific notation"),
    ("ccn", "56304.0", None, "decimal number. Did you mean 056304?"),
    ("ccn", "56304.0", "TX", "CMS-2567"),
    ("ccn", "1234567.0", None, "decimal number"),
    ("ccn", "0056304", None, "has 7 digits, but a CCN has 6"),
    ("ccn", "0056304", None, "Did you mean 056304?"),
    ("ccn", "123456789012", None, "has 12 digits, but a CCN has 6"),
    ("ccn", "123456789012", None, "certification letter"),
    # other CCN problems
    ("ccn", "", None, "did not enter a CCN"),
    ("ccn", "0563", None, "has 4 characters, but a CCN has exactly 6"),
    ("ccn", "05630412", "CA", "has 8 digits"),
    ("ccn", "05630", None, "has 5 characters"),  # a leading zero was not dropped here
    ("ccn", "05_6304", None, "only letters and digits"),
    ("ccn", "ZZ1234", None, "ZZ is not one"),
    ("ccn", "\x00", None, "only letters and digits"),
    ("ccn", "561234", None, "56 is not one"),  # Canada, left out on purpose
    ("ccn", "05X123", None, "or one of the letters"),
    ("ccn", "0512A3", None, "followed by 3 digits"),
    ("ccn", "456304", "CA", "starts with 45, the CMS code for Texas, not California"),
    ("ccn", "456304", "CA", "California CCNs start with 05, 55, 75, 92, A0, A1 or B2"),
    ("ccn", "056304", "TX", "Texas CCNs start with 45, 67, 74, 97 or A9"),
    ("ccn", "106304", "PR", "Florida, not Puerto Rico"),
    # PTAN
    ("ptan", "", None, "did not enter a PTAN"),
    ("ptan", "AB 12345", None, "no spaces"),
    ("ptan", "AB-12345", None, "only letters and digits"),
    ("ptan", "12345678901", None, "at most 10"),
    # state
    ("state", "", None, "did not enter a state"),
    ("state", "ZZ", None, "not a state the wizard knows"),
    ("state", "Calif", None, "two-letter postal code"),
    ("state", "AE", None, "DC, PR, VI, GU, AS and MP"),
    # ZIP
    ("zip", "", None, "did not enter a ZIP code"),
    ("zip", "2134", None, "dropped its leading zero. Did you mean 02134?"),
    ("zip", "2134", "MA", "Did you mean 02134?"),
    ("zip", "2134", "CA", "does not fit the state either"),
    ("zip", "21341234", None, "Did you mean 02134-1234?"),
    ("zip", "2134-1234", None, "Did you mean 02134-1234?"),
    ("zip", "2134.0", None, "decimal number. Did you mean 02134?"),
    ("zip", "90210", "TX", "90210 belongs to California, not Texas"),
    ("zip", "73301", "OK", "belongs to Texas, not Oklahoma"),
    ("zip", "02134", "NY", "belongs to Massachusetts, not New York"),
    ("zip", "96910", "HI", "Guam or Northern Mariana Islands, not Hawaii"),
    ("zip", "42800", "KY", "whose ZIP codes start with 400 to 427"),
    ("zip", "123", None, "has 3 digits"),
    ("zip", "1234567", None, "has 7 digits"),
    ("zip", "ABCDE", None, "only digits"),
    # e-mail
    ("email", "", None, "did not enter an e-mail address"),
    ("email", "jane.example.org", None, "missing the @ sign"),
    ("email", "jane@@example.org", None, "more than one @ sign"),
    ("email", "@example.org", None, "missing the part before the @"),
    ("email", "jane@", None, "missing the part after the @"),
    ("email", "jane doe@example.org", None, "has a space"),
    ("email", "jane@example", None, "missing a dot"),
    ("email", "jane@example,org", None, "comma where a dot belongs"),
    ("email", "jane@exa_mple.org", None, "not a valid domain name"),
    ("email", "jane@example.org.", None, "not a valid domain name"),
    ("email", "jane..doe@example.org", None, "character e-mail addresses cannot use"),
    ("email", "x" * 65 + "@example.org", None, "at most 64 characters"),
    ("email", "x@" + "a" * 250 + ".org", None, "at most 254 characters"),
    # phone
    ("phone", "", None, "did not enter a phone number"),
    ("phone", "238-2122", None, "has 7 digits; a US number has 10"),
    ("phone", "2-888-238-2122", None, "has 11 digits"),
    ("phone", "088-238-2122", None, "area code never starts with 0 or 1"),
    ("phone", "188-238-2122", None, "area code never starts with 0 or 1"),
    ("phone", "888-038-2122", None, "after the area code never start with 0 or 1"),
    ("phone", "888-138-2122", None, "after the area code never start with 0 or 1"),
    ("phone", "1-800-FLOWERS", None, "has letters"),
    ("phone", "+44 20 7946 0958", None, "US phone numbers only"),
    ("phone", "888*238*2122", None, "marks a phone number does not use"),
    # ePOC user ID
    ("epoc_user_id", "", None, "did not enter your ePOC user ID"),
    ("epoc_user_id", "jsmith", None, "starts with MDS"),
    ("epoc_user_id", "MDS123", None, "has 3 digits after MDS, but it should have 7"),
    ("epoc_user_id", "MDS12345678", None, "has 8 digits after MDS"),
    ("epoc_user_id", "MDSABCDEFG", None, "only digits"),
    # activation key
    ("activation_key", "", None, '"Activation Key" e-mail'),
    ("activation_key", KEY[:31], None, "must have 32 characters, but 31 were found"),
    ("activation_key", KEY + "Z", None, "but 33 were found"),
    ("activation_key", KEY[:16] + "-" + KEY[16:], None, "only letters and digits"),
    # facility ID
    ("facility_id", "", None, "did not enter a facility ID"),
    ("facility_id", "1" * 21, None, "at most 20"),
    ("facility_id", "CA 1234", None, "only letters, digits and dashes"),
    # assister and user IDs
    ("cac_or_navigator_id", "", None, "did not enter your Navigator or CAC ID"),
    ("cac_or_navigator_id", "N" * 41, None, "at most 40 characters"),
    ("cmsnet_user_id", "j smith", None, "no spaces"),
    ("cmsnet_user_id", "j\x00smith", None, "hidden character"),
    ("harp_user_id", "", None, "did not enter your HARP user ID"),
    ("harp_user_id", "h" * 65, None, "at most 64 characters"),
    # free text
    ("text", "   ", None, "answer is empty"),
    ("text", "a" * 201, None, "keep it to 200 or fewer"),
    ("text", "Sunrise\x00Care", None, "hidden character"),
]

SECRETS = [
    ("text", "123-45-6789", "Social Security number"),
    ("text", "123 45 6789", "Social Security number"),
    ("text", "My SSN is 123456789", "Social Security number"),
    ("text", "Tr0ub4dor&3", "password"),
    ("text", "P@ssw0rd!", "password"),
    ("cac_or_navigator_id", "078-05-1120", "Social Security number"),
    ("cmsnet_user_id", "Summer2024!", "password"),
    ("harp_user_id", "P@ssw0rd!", "password"),
    ("activation_key", KEY[:31], "32 characters"),
    ("activation_key", KEY + "9", "32 characters"),
    ("activation_key", KEY[:10] + "!" + KEY[10:], "letters and digits"),
]

NASTY = ["", " ", "\x00", "é" * 5000, "\n", "\t\r\n", "\u200b", "9" * 5000, "@" * 300, "-" * 999]


def _check(kind: str, value: str, state: str | None) -> CheckResult:
    return run_check(kind, value, state)


@pytest.mark.parametrize(("kind", "value", "state", "expected"), ACCEPTED)
def test_accepted_values_are_normalized(
    kind: str, value: str, state: str | None, expected: str
) -> None:
    result = _check(kind, value, state)
    assert result == CheckResult(ok=True, value=expected, message="")


@pytest.mark.parametrize(("kind", "value", "state", "fragment"), REFUSED)
def test_refused_values_say_what_is_wrong(
    kind: str, value: str, state: str | None, fragment: str
) -> None:
    result = _check(kind, value, state)
    assert not result.ok
    assert fragment in result.message
    assert result.value == value.strip()


@pytest.mark.parametrize(("kind", "value", "state", "fragment"), REFUSED)
def test_messages_are_plain_short_sentences(
    kind: str, value: str, state: str | None, fragment: str
) -> None:
    message = _check(kind, value, state).message
    assert message == message.strip()
    assert message[0].isupper()
    assert message.endswith((".", "?"))  # "?" only for a "Did you mean ...?" suggestion
    assert message.endswith(".") or "Did you mean" in message
    sentence_ends = re.findall(r"[.?](?:\s|$)", message.replace("U.S.", "US"))
    assert 1 <= len(sentence_ends) <= 2, message
    assert not re.search(r"regex|pattern|exception|\bNone\b|\\", message)


@pytest.mark.parametrize(("kind", "value", "what"), SECRETS)
def test_secrets_are_refused_and_never_echoed(kind: str, value: str, what: str) -> None:
    result = run_check(kind, value)
    assert not result.ok
    assert what in result.message
    assert value.strip() not in result.message
    # not even a long piece of it
    pieces = {value[i : i + 6] for i in range(len(value) - 5)}
    assert not any(piece in result.message for piece in pieces if piece.isalnum())


@pytest.mark.parametrize("kind", ["text", "cac_or_navigator_id", "cmsnet_user_id"])
def test_secret_refusal_explains_the_rule(kind: str) -> None:
    message = run_check(kind, "P@ssw0rd!").message
    assert "never stores passwords or Social Security numbers" in message
    assert "only into the CMS website itself" in message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("123-45-6789", "an SSN"),
        ("123 45 6789", "an SSN"),
        ("123456789", "an SSN"),
        ("SSN: 123-45-6789 on file", "an SSN"),
        ("Tr0ub4dor&3", "a password"),
        ("P@ssw0rd!", "a password"),
        ("correct-Horse7#", "a password"),
        ("Jane Doe", ""),
        ("O'Brien-Jones", ""),
        ("McDonald-Smith", ""),
        ("jane.doe@example.org", ""),
        ("Jane.Doe2@Example.org", ""),
        ("https://qtso.cms.gov/Access-Forms/2024", ""),
        ("056304", ""),
        ("05E123", ""),
        ("(888) 238-2122", ""),
        ("888-238-2122", ""),
        ("02134-1234", ""),
        ("1234567890", ""),  # ten digits: a phone number or an NPI, not an SSN
        ("123-456-789", ""),
        ("short!A1", "a password"),
        ("short!A", ""),  # fewer than 8 characters
        ("password", ""),  # one kind of character only
    ],
)
def test_looks_like_secret(value: str, expected: str) -> None:
    assert looks_like_secret(value) == expected


@pytest.mark.parametrize("kind", sorted(CHECKS))
@pytest.mark.parametrize("value", NASTY)
def test_every_check_survives_nasty_input(kind: str, value: str) -> None:
    result = run_check(kind, value, "CA")
    assert isinstance(result, CheckResult)
    assert isinstance(result.ok, bool)
    assert result.ok or result.message.endswith((".", "?"))
    assert len(result.message) < 400
    if not result.ok:
        assert result.value == value.strip()
    if kind == "activation_key" and value.strip():
        assert value.strip() not in result.message


def test_check_kinds_are_the_documented_ones() -> None:
    assert set(CHECKS) == {
        "ccn", "ptan", "state", "zip", "email", "phone", "epoc_user_id", "activation_key",
        "facility_id", "cac_or_navigator_id", "cmsnet_user_id", "harp_user_id", "text",
        "new_harp_user_id", "work_email", "ticket",
    }  # fmt: skip
    assert frozenset({"ccn", "zip"}) == STATE_AWARE


def test_run_check_rejects_unknown_kind_and_lists_kinds() -> None:
    with pytest.raises(ValueError, match="Unknown check kind 'npi'") as caught:
        run_check("npi", "1234567893")
    assert all(kind in str(caught.value) for kind in CHECKS)


def test_run_check_ignores_state_for_kinds_that_do_not_use_it() -> None:
    assert run_check("text", "Sunrise Care", state="CA") == CheckResult(True, "Sunrise Care")
    assert run_check("ccn", "456304", state="TX").ok
    assert not run_check("ccn", "456304", state="CA").ok


def test_state_code_table_has_multi_code_states_and_territories() -> None:
    assert {"05", "55"} <= set(STATE_CODES["CA"])
    assert {"10", "68", "69"} <= set(STATE_CODES["FL"])
    assert {"45", "67", "74"} <= set(STATE_CODES["TX"])
    assert {STATE_BY_CODE[c] for c in ("40", "48", "64", "65", "66")} == {
        "PR", "VI", "AS", "GU", "MP",
    }  # fmt: skip
    codes = [code for codes in STATE_CODES.values() for code in codes]
    assert len(codes) == len(set(codes)), "a CMS state code is listed for two states"
    assert all(re.fullmatch(r"[0-9A-Z][0-9]", code) for code in codes)
    assert set(STATE_CODES) == set(STATE_NAMES)


def test_every_state_has_zip_prefixes() -> None:
    assert set(STATE_NAMES) <= set(ZIP_PREFIXES)
    for ranges in ZIP_PREFIXES.values():
        assert all(0 <= lo <= hi <= 999 for lo, hi in ranges)


@pytest.mark.parametrize("code", sorted(STATE_BY_CODE))
def test_every_cms_state_code_gives_a_valid_ccn_for_its_state(code: str) -> None:
    state = STATE_BY_CODE[code]
    assert run_check("ccn", code + "5001", state) == CheckResult(True, code + "5001")
