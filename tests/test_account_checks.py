"""Account hygiene at HARP sign-up (issue 16, item 4): a proposed HARP user ID is checked
against the published advice before the person types it into HARP (no special characters
such as # or &, no facility name, it cannot be changed later), a personal e-mail address
is a warning, never a refusal, and the flow asks for both at the HARP registration step."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from epoc_wizard.checks import (
    CHECKS,
    NAME_AWARE,
    check_new_harp_user_id,
    check_ticket,
    check_work_email,
    looks_like_secret,
    run_check,
)
from epoc_wizard.core.answers import check_answer
from epoc_wizard.flowspec.catalog import bundled_dir, load_catalog

from conftest import Wizard

CANNOT_CHANGE = "cannot be changed later"

# (proposed ID, facility name, a distinctive part of the refusal)
REFUSED = [
    ("jsmith#1", None, "the character # in it"),
    ("ann&bob", None, "the character & in it"),
    ("j.smith_2", None, "the characters . _ in it"),
    ("P@ssw0rd!", None, "the characters ! @ in it"),  # told about the marks, nothing kept
    ("Passw0rd1", None, "looks like a password"),
    ("j smith", None, "has no spaces"),
    ("", None, "did not enter your HARP user ID"),
    ("a" * 65, None, "at most 64 characters"),
    ("sunrisehospice2", "Sunrise Hospice", "holds your facility's name"),
    ("SunriseHospiceAdmin", "Sunrise Hospice", "holds your facility's name"),
    ("oakridgejd", "Oak Ridge Care Center", "holds your facility's name"),
    ("stjohnshome1", "St. John's Home", "holds your facility's name"),
]
# (proposed ID, facility name, the ID kept, a distinctive part of the note or "")
ACCEPTED = [
    ("jsmith2", "Sunrise Hospice", "jsmith2", ""),
    ("  jsmith2 ", None, "jsmith2", "holds no part of your facility's name"),
    ("sunrisejs", "Sunrise Hospice", "sunrisejs", "It contains 'sunrise'"),
    ("jcare2", "Care Center of Oak", "jcare2", ""),  # "care" is in most facility names
    ("oakadmin1", "Oak Ridge Care", "oakadmin1", ""),  # "oak" is too short to tell
]


@pytest.mark.parametrize(("proposed", "facility", "said"), REFUSED)
def test_a_proposed_harp_user_id_is_refused_with_the_reason(
    proposed: str, facility: str | None, said: str
) -> None:
    result = check_new_harp_user_id(proposed, facility)
    assert not result.ok
    assert said in result.message
    if looks_like_secret(proposed, identifier=True):  # "jsmith#1" is shaped like one
        assert result.value == ""  # nothing of a refused secret-shaped value is kept
        assert proposed not in result.message


@pytest.mark.parametrize(("proposed", "facility", "kept", "note"), ACCEPTED)
def test_an_accepted_harp_user_id_carries_the_reminder(
    proposed: str, facility: str | None, kept: str, note: str
) -> None:
    result = check_new_harp_user_id(proposed, facility)
    assert result.ok and result.value == kept
    assert CANNOT_CHANGE in result.message
    assert note in result.message


# (address, a distinctive part of the warning, or "" for none; None: refused)
EMAILS = [
    ("jane.doe@gmail.com", "gmail.com is a personal e-mail service"),
    ("JANE@Yahoo.com", "yahoo.com is a personal e-mail service"),
    ("jd@hotmail.com", "corporate"),
    ("jd@outlook.com", "no more than two providers"),
    ("jd@aol.com", "personal"),
    ("jd@icloud.com", "personal"),
    ("jd@sunnyacres.org", ""),
    ("jd@gmail.com.evil.example", ""),
    ("jd@", None),
]


@pytest.mark.parametrize(("address", "warning"), EMAILS)
def test_a_personal_email_is_a_warning_never_a_refusal(address: str, warning: str | None) -> None:
    result = check_work_email(address)
    if warning is None:
        assert not result.ok
        return
    assert result.ok
    assert warning in result.message if warning else result.message == ""


TICKETS = [
    ("INC0012345", True, ""),
    (" CS-2026-000123 ", True, ""),
    ("", False, "did not enter a ticket number"),
    ("INC 0012345", False, "only letters, digits and dashes"),
    ("INC.0012345", False, "only letters, digits and dashes"),
    ("X" * 31, False, "at most 30"),
    ("123-45-6789", False, "Social Security number"),
    ("Welcome2026!", False, "password"),
]


@pytest.mark.parametrize(("number", "ok", "said"), TICKETS)
def test_ticket_numbers(number: str, ok: bool, said: str) -> None:
    result = check_ticket(number)
    assert result.ok == ok and said in result.message
    if ok:
        assert result.value == number.strip()
    elif looks_like_secret(number, identifier=True):
        assert result.value == "" and number not in result.message


def test_the_new_kinds_are_registered_and_name_aware() -> None:
    assert {"new_harp_user_id", "work_email", "ticket"} <= set(CHECKS)
    assert frozenset({"new_harp_user_id"}) == NAME_AWARE
    assert not run_check("new_harp_user_id", "sunnyacres1", facility_name="Sunny Acres").ok
    assert run_check("harp_user_id", "jane.doe@example.org").ok  # an existing ID: loose


_WORD = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=1, max_size=9)


@settings(max_examples=80, deadline=None)
@given(
    proposed=st.one_of(
        st.text(max_size=70),
        st.builds("".join, st.lists(st.one_of(_WORD, st.sampled_from("#&.-_ 0123456789")))),
    ),
    facility=st.one_of(
        st.none(), st.builds(" ".join, st.lists(_WORD, min_size=1, max_size=4)), st.text()
    ),
)
def test_the_user_id_checker_holds_its_promises(proposed: str, facility: str | None) -> None:
    result = check_new_harp_user_id(proposed, facility)
    if not result.ok:
        assert result.message.strip().endswith(".")
        if looks_like_secret(proposed.strip(), identifier=True):
            assert result.value == ""
        return
    uid = result.value
    assert re.fullmatch(r"[A-Za-z0-9]{1,64}", uid), uid  # no # or &, nor any other mark
    assert not looks_like_secret(uid, identifier=True)
    assert CANNOT_CHANGE in result.message
    if facility:
        whole = "".join(re.findall(r"[a-z0-9]+", facility.lower()))
        assert len(whole) < 4 or whole not in uid.lower()


def test_the_command_checks_a_proposed_harp_user_id(wizard: Wizard) -> None:
    refused = wizard("check", "harp-user-id", "jsmith#1")
    assert refused.returncode == 1 and "the character # in it" in refused.stdout
    named = wizard("check", "harp-user-id", "sunrisehospice", "--facility-name", "Sunrise Hospice")
    assert named.returncode == 1 and "holds your facility's name" in named.stdout
    fine = wizard("check", "harp_user_id", "jsmith2", "--facility-name", "Sunrise Hospice")
    assert fine.returncode == 0
    assert fine.stdout.startswith("OK: jsmith2") and CANNOT_CHANGE in fine.stdout
    personal = wizard("check", "work-email", "jane@gmail.com")
    assert personal.returncode == 0 and "personal e-mail service" in personal.stdout


def test_the_harp_registration_step_checks_both_before_harp() -> None:
    flow = load_catalog([bundled_dir()]).get("iqies")
    step = flow.step("harp_register")
    by_id = {q.id: q for q in step.questions}
    assert [q.id for q in step.questions][-1] == "email_exists"
    proposed, email = by_id["proposed_harp_user_id"], by_id["harp_email"]
    assert proposed.kind == "new_harp_user_id" and proposed.name_from == "facility_name"
    assert email.kind == "work_email" and not email.required
    answers = {"facility_name": "Sunrise Hospice"}
    assert not check_answer(proposed, "sunrisehospice", answers).ok
    kept = check_answer(proposed, "jsmith2", answers)
    assert kept.ok and CANNOT_CHANGE in kept.message
    warned = check_answer(email, "jane@gmail.com", answers)
    assert warned.ok and "personal" in warned.message
    assert "challenge" in step.do and "cannot be changed" in step.do
    assert {a.doc for a in step.also} >= {"mo-dhss-iqies-mds", "harp-quick-start"}
    assert "second one" in flow.step("two_factor").do
