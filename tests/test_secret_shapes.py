"""Secrets in ordinary boxes (issue 12, finding 7): the shapes that used to slip through,
the ordinary answers that must still pass, and a refused secret cleared from the line.

The tables list both sides: secrets refused (activation keys cut by a line break, a
space or dashes, or after a label; password shapes; SSNs in any digit form and with any
separator) and ordinary answers accepted (names, facility names with numbers, addresses,
e-mail and web addresses, CCNs, ZIPs, phone numbers, dates, NPIs, PTANs, user IDs,
ticket numbers). The properties (hypothesis, derandomized) put any 32-character key,
cut the ways people paste it, into text, and generate ordinary names and sentences.

Then the keyboard (questionary, in-process, with a terminal screen; ``screen.py``):
after a refused secret, the secret is on no line of the screen, and the prompt is empty;
plain mode and ``edit`` never repeat what was refused.
"""

from __future__ import annotations

import builtins
import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from epoc_wizard.app.context import Context
from epoc_wizard.app.edit import edit
from epoc_wizard.app.journeys import run_journey_command
from epoc_wizard.checks import (
    check_activation_key,
    check_cac_or_navigator_id,
    check_harp_user_id,
    check_text,
    looks_like_secret,
)
from epoc_wizard.core.answers import validator
from epoc_wizard.errors import Interrupted
from epoc_wizard.flowspec.model import Question
from epoc_wizard.ui.ask import Prompter
from epoc_wizard.ui.plain import PlainPrompter

from conftest import DATA, Ran, Wizard
from screen import CTRL_C, ENTER, PASTE, keyboard

KEY = "ZQXJ7F3A9C" + "K4" * 11  # 32 letters and digits: passes the activation key check
FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")

#: (what was typed into a free-text box, what it looks like)
SECRETS = [
    # activation keys: whole, over two lines, with a space or dashes, after a label
    (KEY, "an activation key"),
    (f"{KEY[:16]}\n{KEY[16:]}", "an activation key"),
    (f"{KEY[:21]}\r\n   {KEY[21:]}", "an activation key"),
    (f"{KEY[:10]} {KEY[10:]}", "an activation key"),
    ("-".join(KEY[i : i + 4] for i in range(0, 32, 4)), "an activation key"),
    ("-".join(KEY[i : i + 8] for i in range(0, 32, 8)), "an activation key"),
    (" ".join(KEY[i : i + 4] for i in range(0, 32, 4)), "an activation key"),
    (f"{KEY[:5]}-{KEY[5:19]}-{KEY[19:]}", "an activation key"),
    (f"key: {KEY}", "an activation key"),
    (f"Activation key - {KEY[:20]}\n{KEY[20:]} (from the e-mail)", "an activation key"),
    (f"{KEY[:12]}\u200b{KEY[12:]}", "an activation key"),  # an invisible mark inside
    (f"{KEY[:12]}\u00ad{KEY[12:]}", "an activation key"),  # a soft hyphen inside
    (KEY.translate(FULL_WIDTH), "an activation key"),
    ("key " + "31415926535897932384626433832795", "an activation key"),  # digits only, whole
    ("8f3e2c1d-9b7a-6f5e-4d3c-2b1a0f9e8d7c", "an activation key"),  # 32 in 8-4-4-4-12
    # passwords: symbols, look-alike digits, word + digits, common words
    ("Tr0ub4dor &3", "a password"),
    ("Tr0ub4dor&3", "a password"),
    ("Pa55word", "a password"),
    ("p4ssw0rd", "a password"),
    ("Summer2025", "a password"),
    ("summer2025", "a password"),
    ("Welcome1", "a password"),
    ("P@ssw0rd!", "a password"),
    ("Xk9mPq2z", "a password"),
    ("S3cur1ty!", "a password"),
    ("My password is Pa55word", "a password"),
    ("Ｐａ５５ｗｏｒｄ", "a password"),  # full-width letters and digits
    # SSNs: any separator, any digit form, inside a sentence
    ("987-65-4329", "an SSN"),
    ("987.65.4329", "an SSN"),
    ("987 65 4329", "an SSN"),
    ("987/65/4329", "an SSN"),
    ("987_65_4329", "an SSN"),
    ("987 - 65 - 4329", "an SSN"),
    ("987–65–4329", "an SSN"),  # en dashes
    ("987-65 4329", "an SSN"),
    ("987654329", "an SSN"),
    ("987-65-4329".translate(FULL_WIDTH), "an SSN"),
    ("٩٨٧-٦٥-٤٣٢٩", "an SSN"),  # Arabic-Indic digits
    ("SSN:987.65.4329, thanks", "an SSN"),
]

#: Free-text answers that are not secrets.
ORDINARY = [
    "Mary O'Neil-Smith",
    "St. Mary's Home",
    "Sunny Acres 2",
    "Building 12",
    "Building12",
    "123 Main St Suite 400",
    "Sunny Acres Skilled Nursing Facility, Building 12, 123 Main St Suite 400",
    "jane.doe@example.org",
    "Jane.Doe2@Example.org",
    "https://qtso.cms.gov/Access-Forms/2024",
    "https://example.org/t/8f3e2c1d9b7a6f5e4d3c2b1a0f9e8d7c",
    "056304",
    "05A123",
    "95814",
    "95814-1234",
    "555-123-4567",
    "(916) 555-0100",
    "1-800-339-9313",
    "916.555.0100 x12",
    "14 July 2025",
    "2025-07-14",
    "07/14/2025",
    "1234567893",  # an NPI
    "ABC123",  # a PTAN
    "jsmith2",
    "MaryJ_SNF",
    "jsmith2025",
    "INC0012345",
    "CS1234567",
    "Ticket INC0012345 opened 2025-07-14 by jsmith2, call (916) 555-0100",
    "MDS1234567",
    "123-456-789",
    "COVID-19 unit, 2nd floor",
    "Unit 4B",
    "AT&T",
    "Johnson&Johnson",
    "$100/month, 50% paid",
    "Room #12B at 10:30AM",
    "I forgot my password",
    "password",
    "Winston-Salem",
    # words and numbers that add up to 32 letters and digits are not a key
    "Call Mary John 2025 from Main Road Unit",
    "95814 95815 95816 95817 95818 95819 or 95820",
]

#: User IDs: people choose them, so a word with a number is an ordinary ID there.
IDS_ACCEPTED = ["jsmith2", "MaryJ_SNF", "jsmith2025", "MaryJ2SNF", "sacres01", "j0hnsmith"]
IDS_REFUSED = ["Pa55word", "P@ssw0rd!", "Welcome1", "Tr0ub4dor", KEY, "987.65.4329"]


@pytest.mark.parametrize(("value", "kind"), SECRETS)
def test_secret_shapes_are_refused_and_not_repeated(value: str, kind: str) -> None:
    assert looks_like_secret(value) == kind
    result = check_text(value)
    assert not result.ok and result.value == ""
    assert "never stores" in result.message and "only into the CMS website" in result.message
    typed = unicodedata.normalize("NFKC", value)
    pieces = {typed[i : i + 5] for i in range(len(typed) - 4)}
    assert not any(p in result.message for p in pieces if any(c.isdigit() for c in p)), value


@pytest.mark.parametrize("value", ORDINARY)
def test_ordinary_answers_are_accepted(value: str) -> None:
    assert looks_like_secret(value) == ""
    assert check_text(value).ok


@pytest.mark.parametrize("value", IDS_ACCEPTED)
def test_user_ids_people_choose_are_accepted(value: str) -> None:
    assert check_harp_user_id(value).ok
    assert check_cac_or_navigator_id(value).ok


@pytest.mark.parametrize("value", IDS_REFUSED)
def test_secrets_in_user_id_boxes_are_refused(value: str) -> None:
    result = check_harp_user_id(value)
    assert not result.ok and "never stores" in result.message and result.value == ""


def test_a_key_with_a_space_in_an_id_box_is_refused_as_a_key() -> None:
    spaced = check_harp_user_id(f"{KEY[:16]} {KEY[16:]}")  # not for the space
    assert spaced.message.startswith("This looks like an activation key")


# --- properties ----------------------------------------------------------------------------

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
# What the activation key check takes, with letters and digits both: a key of letters
# only or digits only is caught whole, but cut into pieces it reads as words or numbers.
keys = st.text(ALNUM, min_size=32, max_size=32).filter(
    lambda k: check_activation_key(k).ok and not k.isalpha() and not k.isdigit()
)
breaks = st.sampled_from(["\n", "\r\n", " ", "  ", "\n  ", " \n", "\t", "-", "\u2013", "\u00ad"])
labels = st.sampled_from(
    ["", "key: ", "Key:", "Activation key - ", "activation key = ", "my key is ", "(", "\n"]
)
tails = st.sampled_from(["", " ", ".", " thanks", ")", "\n"])


@SETTINGS
@given(key=keys, cut=st.integers(0, 32), gap=breaks, label=labels, tail=tails)
def test_a_key_cut_once_anywhere_is_caught(
    key: str, cut: int, gap: str, label: str, tail: str
) -> None:
    text = f"{label}{key[:cut]}{gap}{key[cut:]}{tail}"
    assert looks_like_secret(text), text
    assert not check_text(text).ok


@SETTINGS
@given(key=keys, cuts=st.sets(st.integers(1, 31), max_size=8), label=labels)
def test_a_key_cut_by_dashes_is_caught(key: str, cuts: set[int], label: str) -> None:
    pieces = [key[a:b] for a, b in zip([0, *sorted(cuts)], [*sorted(cuts), 32], strict=True)]
    text = label + "-".join(pieces)
    assert looks_like_secret(text), text


@SETTINGS
@given(key=keys, size=st.sampled_from([4, 5, 6, 8]), gap=st.sampled_from([" ", "\n", " - "]))
def test_a_key_in_groups_is_caught(key: str, size: int, gap: str) -> None:
    groups = [key[i : i + size] for i in range(0, 32, size)]
    # Groups that all read as words, names, acronyms, numbers or user IDs (letters, then
    # digits) cannot be told from them: "Call Mary John 2025 from Main Road Unit".
    word = r"[0-9]+|[A-Z]+|[A-Z]?[a-z]+(?:[A-Z][a-z]*)*|[A-Za-z]+[0-9]+"
    assume(not all(re.fullmatch(word, g) for g in groups))
    text = gap.join(groups)
    assert looks_like_secret(text), text


@SETTINGS
@given(key=keys)
def test_a_key_in_full_width_letters_is_caught(key: str) -> None:
    wide = "".join(chr(ord(c) + 0xFEE0) for c in key)
    assert looks_like_secret(f"key: {wide}")


digits = st.text("0123456789", min_size=9, max_size=9)
ssn_gaps = st.sampled_from(["-", ".", " ", "/", "_", " - ", "\u2013", "\u2014", "  "])
scripts = st.sampled_from([0x30, 0xFF10, 0x660, 0x966])  # ASCII, full-width, Arabic, Devanagari


@SETTINGS
@given(number=digits, gap1=ssn_gaps, gap2=ssn_gaps, zero=scripts, label=labels, tail=tails)
def test_an_ssn_in_any_digits_and_separators_is_caught(
    number: str, gap1: str, gap2: str, zero: int, label: str, tail: str
) -> None:
    shaped = f"{number[:3]}{gap1}{number[3:5]}{gap2}{number[5:]}"
    text = label + "".join(chr(zero + int(c)) if c.isdigit() else c for c in shaped) + tail
    assert looks_like_secret(text) == "an SSN", text


LOWER = "abcdefghijklmnopqrstuvwxyz"
UPPER = LOWER.upper()


def _joined(*parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(*parts).map("".join)


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=n, max_size=n)


lower = st.text(LOWER, min_size=2, max_size=11)
SURNAMES = st.sampled_from(["smith", "jones", "garcia", "nguyen", "oneil", "patel", "lee", "kim"])
# Mary, McDonald, O'Neil
words = _joined(st.sampled_from(["", "", "", "Mc", "O'"]), st.sampled_from(UPPER), lower)
names = st.lists(words, min_size=1, max_size=4).map(" ".join) | st.tuples(words, words).map(
    "-".join
)
ordinary_bits = (
    names
    | st.integers(1, 99999).map(str)  # house, suite and building numbers, ZIPs
    | st.sampled_from(["St.", "Suite", "Building", "Apt 4B", "2nd floor", "CA", "and", "of"])
    | st.builds("{}-{}-{}".format, _digits(3), _digits(3), _digits(4))  # phone
    | st.builds("({}) {}-{}".format, _digits(3), _digits(3), _digits(4))
    | st.dates().map(str)
    | st.builds("{}.{}@{}.org".format, lower, lower, lower)
    | st.builds("{}{}".format, st.sampled_from(["INC", "CS", "MDS"]), _digits(7))  # tickets
    | _joined(st.sampled_from(LOWER), SURNAMES, st.text("0123456789", max_size=4))  # jsmith2
    | _joined(_digits(2), st.sampled_from(UPPER), _digits(3))  # CCN: 05A123
)


@SETTINGS
@given(name=names)
def test_any_ordinary_name_is_accepted(name: str) -> None:
    assert check_text(name).ok, name


@SETTINGS
@given(bits=st.lists(ordinary_bits, min_size=1, max_size=8), joiner=st.sampled_from([" ", ", "]))
def test_ordinary_sentences_are_accepted(bits: list[str], joiner: str) -> None:
    text = joiner.join(bits)[:200]
    assert looks_like_secret(text) == "", text


# --- the keyboard, plain mode and edit -----------------------------------------------------

NAME = Question.model_validate({"id": "facility_name", "prompt": "Facility name"})
CCN = Question.model_validate({"id": "ccn", "prompt": "CCN", "kind": "ccn"})
THE_KEY = Question.model_validate(
    {"id": "key", "prompt": "Paste the activation key", "kind": "activation_key"}
)


def _ask(question: Question) -> Any:
    return Prompter().ask(question, validator(question, {}))


def test_a_refused_password_is_cleared_from_the_prompt() -> None:
    with keyboard("Pa55word", ENTER, "Sunny Acres", ENTER) as screen:
        # What is typed next starts on an empty line: not "Pa55wordSunny Acres".
        assert _ask(NAME) == "Sunny Acres"
    assert "Pa55word" in "".join(screen.raw)  # it was on the screen while typed...
    assert "Pa55word" not in screen.text  # ...and is on no line of it now
    lines = screen.text.splitlines()
    assert "This looks like a password" in lines[0]
    assert lines[-1] == "? Facility name Sunny Acres"


def test_a_pasted_key_is_cleared_from_the_prompt() -> None:
    pasted = PASTE.format(f"{KEY[:16]}\n{KEY[16:]}")
    with keyboard(pasted, ENTER, "Sunny Acres", ENTER) as screen:
        assert _ask(NAME) == "Sunny Acres"
    assert KEY[:16] in "".join(screen.raw)
    assert KEY[:8] not in screen.text and KEY[-8:] not in screen.text
    assert "looks like an activation key" in screen.text


def test_a_refused_answer_that_is_no_secret_stays_to_be_corrected() -> None:
    with keyboard("05630", ENTER, "4", ENTER) as screen:
        assert _ask(CCN) == "056304"
    assert "This CCN has 5 characters" in screen.text
    assert screen.text.splitlines()[-1] == "? CCN 056304"


def test_a_refused_key_at_its_own_prompt_is_cleared() -> None:
    with keyboard(KEY[:-1], ENTER, KEY, ENTER) as screen:
        assert _ask(THE_KEY) == KEY  # not KEY[:-1] + KEY
    assert "but 31 were found" in screen.text
    assert KEY[:8] not in screen.text


def test_plain_mode_never_repeats_a_refused_secret(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = iter(["Tr0ub4dor &3", "987.65.4329", "Sunny Acres"])
    prompts: list[str] = []

    def person(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(typed)

    monkeypatch.setattr(builtins, "input", person)
    assert PlainPrompter().ask(NAME, validator(NAME, {})) == "Sunny Acres"
    out = capsys.readouterr().out
    assert out.count("never stores passwords") == 2
    assert prompts == ["Facility name: "] * 3  # nothing typed is offered back
    for secret in ("Tr0ub4dor", "&3", "987", "4329"):
        assert secret not in out
    # The terminal's own echo cannot be erased without escape codes: the person is told.
    assert " ".join(out.split()).count("clear the screen if others can see it") == 2


@pytest.fixture
def journey(context: Callable[..., Context]) -> str:
    run_journey_command(context(DATA / "cmsnet-hospice.yaml"), "start", None, None)
    return "cmsnet-056304"


def test_edit_refuses_a_secret_without_repeating_it(
    home: Path, journey: str, wizard: Wizard
) -> None:
    before = (home / "state.json").read_bytes()
    for secret in ("Pa55word", "Summer2025", f"{KEY[:16]} {KEY[16:]}", "987.65.4329"):
        ran: Ran = wizard("edit", journey, "facility_name", "--value", secret)
        assert ran.returncode == 1
        assert "That answer was refused: This looks like" in ran.stderr
        for piece in (secret, secret[:8], secret[-8:]):
            assert piece not in ran.stdout + ran.stderr
    assert (home / "state.json").read_bytes() == before
    assert json.loads(before)["journeys"][journey]["answers"]["facility_name"] == (
        "Sunny Acres Hospice"
    )


def test_edit_at_the_keyboard_clears_a_refused_secret(
    home: Path, journey: str, context: Callable[..., Context]
) -> None:
    ctx = context(asker=Prompter())
    with keyboard("Pa55word", ENTER, "Sunny Acres North", ENTER) as screen:
        said = edit(ctx, journey, "facility_name", None)
    assert "Saved. Facility name: Sunny Acres North" in said
    assert "Pa55word" not in screen.text and "Pa55word" not in said
    assert b"Pa55word" not in (home / "state.json").read_bytes()


def test_ctrl_c_after_a_refusal_keeps_nothing(
    home: Path, journey: str, context: Callable[..., Context]
) -> None:
    ctx = context(asker=Prompter())
    with (
        keyboard("Pa55word", ENTER, CTRL_C) as screen,
        pytest.raises(Interrupted),
    ):
        edit(ctx, journey, "facility_name", None)
    assert "Pa55word" not in screen.text
    assert b"Pa55word" not in (home / "state.json").read_bytes()


@pytest.mark.parametrize("command", [["status"], ["start", "iqies"], ["export"]])
def test_a_secret_given_as_the_facility_is_not_repeated(wizard: Wizard, command: list[str]) -> None:
    ran = wizard(*command, "--facility", "987-65-4329")
    assert ran.returncode == 2
    assert "4329" not in ran.stdout + ran.stderr
    assert "not repeated" in ran.stderr


def test_edit_offers_the_current_answer(
    home: Path, journey: str, context: Callable[..., Context]
) -> None:
    from conftest import Person

    said = edit(context(asker=Person("")), journey, "facility_name", None)
    assert "Saved. Facility name: Sunny Acres Hospice" in said  # Enter kept it
