"""Common slips in an e-mail address's domain get a "did you mean ...?" (issue 15, item 14):
CMS sends user IDs and activation keys to that address, so ``admin@sunnyacres.con`` or
``admin@gmial.com`` would stall a sign-up. It is a question, not a refusal: the address
is kept when the person enters it again at the prompt, and an answers file's value is kept
with a warning on stderr (nobody is there to answer). Before: both passed silently.
"""

from __future__ import annotations

import io
import sys

import pytest

from epoc_wizard.checks import check_email
from epoc_wizard.core.answers import validator
from epoc_wizard.flowspec.model import Question
from epoc_wizard.ui.plain import PlainPrompter
from epoc_wizard.ui.scripted import AnswersFile, Scripted

EMAIL = Question(id="registration_email", prompt="Your e-mail address", kind="email")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("admin@sunnyacres.con", "admin@sunnyacres.com"),
        ("admin@sunnyacres.cmo", "admin@sunnyacres.com"),
        ("admin@gmial.com", "admin@gmail.com"),
        ("admin@gmial.con", "admin@gmail.com"),
        ("admin@hotmial.com", "admin@hotmail.com"),
        ("admin@yaho.com", "admin@yahoo.com"),
        ("admin@gmail.co", "admin@gmail.com"),
        ("admin@outlok.com", "admin@outlook.com"),
        ("admin@county.ogr", "admin@county.org"),
        ("Admin@Comcast.NTE", "Admin@comcast.net"),
    ],
)
def test_a_slip_is_kept_with_a_question(typed: str, meant: str) -> None:
    result = check_email(typed)
    assert (
        result.ok and result.value == typed[: typed.index("@")] + typed[typed.index("@") :].lower()
    )
    assert result.suggestion == meant
    assert result.message.startswith(f"Did you mean {meant}?")


@pytest.mark.parametrize(
    "address",
    [
        "admin@gmail.com",
        "admin@mail.com",  # real services one slip away from gmail.com
        "admin@email.com",
        "admin@ymail.com",
        "admin@yahoo.ca",
        "admin@hotmail.co.uk",
        "admin@sunnyacres.co",  # a real top-level domain: a facility may have it
        "admin@health.ca.gov",
        "a.b+c@mail.sub.example.com",
    ],
)
def test_real_domains_are_not_questioned(address: str) -> None:
    result = check_email(address)
    assert result.ok and not result.suggestion and not result.message


def test_at_the_prompt_entering_it_again_keeps_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = ["admin@gmial.com", "admin@gmial.com"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(t + "\n" for t in typed)))
    assert PlainPrompter().ask(EMAIL, validator(EMAIL, {})) == "admin@gmial.com"
    out = capsys.readouterr().out
    assert out.count("Did you mean admin@gmail.com?") == 1
    assert "enter it again to keep it" in out
    # A corrected address is taken at once.
    monkeypatch.setattr(sys, "stdin", io.StringIO("admin@gmial.com\nadmin@gmail.com\n"))
    assert PlainPrompter().ask(EMAIL, validator(EMAIL, {})) == "admin@gmail.com"


def test_an_answers_file_is_taken_at_its_word_with_a_warning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    asker = Scripted(
        AnswersFile({"answers": {"registration_email": "admin@sunnyacres.con"}}, "a.yaml")
    )
    assert asker.ask(EMAIL, validator(EMAIL, {})) == "admin@sunnyacres.con"
    err = capsys.readouterr().err
    assert "Warning: a.yaml: 'registration_email' is kept as given" in err
    assert "Did you mean admin@sunnyacres.com?" in err and "enter it again" not in err
