"""Keeping access alive: once a journey reaches an iQIES role, the wizard knows that
roles are revoked after 60 days without a login, says by when to log in, warns before,
and after says the roles may be gone and what to do; 'login' records a login."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from epoc_wizard.core import engine
from epoc_wizard.core.access import REMIND_DAYS, standing
from epoc_wizard.core.journey import Journey
from epoc_wizard.flowspec.catalog import bundled_dir, load_catalog
from epoc_wizard.flowspec.conditions import holds
from epoc_wizard.state.store import Store

from conftest import run_main

GRANTED = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
FLOW = load_catalog([bundled_dir()]).get("iqies")
ROLE_STEP = next(s for s in FLOW.steps if s.keeps_access)


def _answers() -> dict[str, Any]:
    """Answers under which the role step is shown (a nursing home submitting PBJ)."""
    base: dict[str, Any] = {
        "provider_type": "nursing_home",
        "task": "pbj",
        "state": "MN",
        "ccn": "245001",
        "facility_name": "Lakeside",
        "has_harp": True,
        "has_eidm": False,
        "has_pso": "yes",
        "org_search_by": "ccn",
    }
    assert holds(ROLE_STEP.when, base), ROLE_STEP.when
    return base


def granted_journey(home: Path) -> str:
    j = Journey(
        id="iqies-245001",
        flow="iqies",
        facility="245001",
        created=GRANTED,
        updated=GRANTED,
        answers=_answers(),
    )
    j = engine.mark(FLOW, j, ROLE_STEP.id, "done", GRANTED)
    Store(home).save(engine.summarize(FLOW, j, GRANTED))
    return j.id


def status_at(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], when: dt.datetime
) -> tuple[str, dict[str, Any]]:
    monkeypatch.setenv("EPOC_WIZARD_NOW", when.isoformat())
    code, out, err = run_main(monkeypatch, capsys, "status")
    assert code == 0, err
    code, raw, err = run_main(monkeypatch, capsys, "status", "--json")
    assert code == 0, err
    (row,) = json.loads(raw)["journeys"]
    return " ".join(out.split()), row


def test_the_role_step_says_the_60_day_rule() -> None:
    assert ROLE_STEP.keeps_access is not None
    assert ROLE_STEP.keeps_access.days == 60
    assert ROLE_STEP.keeps_access.source.doc == "qtso-iqies-inactive-2024"
    assert "60 days" in ROLE_STEP.do


def test_status_counts_60_days_from_the_role_then_warns_then_says_revoked(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    jid = granted_journey(home)
    text, row = status_at(monkeypatch, capsys, GRANTED + dt.timedelta(days=10))
    assert "Log in by Sat 30 Jan 2027 to keep your iQIES role" in text
    assert "LOG IN SOON" not in text
    assert f"epoc-wizard login {jid}" in text
    assert row["access"]["log_in_by"] == "2027-01-30"
    assert row["access"]["state"] == "ok"

    text, row = status_at(monkeypatch, capsys, GRANTED + dt.timedelta(days=60 - REMIND_DAYS))
    assert "LOG IN SOON: by Sat 30 Jan 2027, or your iQIES role" in text
    assert row["access"]["state"] == "soon"
    assert "1 needing a login." in text

    text, row = status_at(monkeypatch, capsys, GRANTED + dt.timedelta(days=61))
    assert "NOT LOGGED IN FOR 60 DAYS" in text and "may have been revoked" in text
    assert row["access"]["state"] == "lapsed"
    assert ROLE_STEP.keeps_access and ROLE_STEP.keeps_access.renew.split()[0] in text


def test_recording_a_login_moves_the_date(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    jid = granted_journey(home)
    monkeypatch.setenv("EPOC_WIZARD_NOW", (GRANTED + dt.timedelta(days=50)).isoformat())
    code, out, err = run_main(monkeypatch, capsys, "login", jid)
    assert code == 0, err
    assert "you logged in on 20 January 2027" in out and "by 21 March 2027" in out
    _text, row = status_at(monkeypatch, capsys, GRANTED + dt.timedelta(days=61))
    assert row["access"] == {
        **row["access"],
        "state": "ok",
        "last_login": "2027-01-20",
        "log_in_by": "2027-03-21",
    }
    code, out, err = run_main(monkeypatch, capsys, "login", "--on", "2027-01-05")
    assert code == 0, err  # the most recent journey; an earlier day moves it back
    assert "5 January 2027" in out


@pytest.mark.parametrize(
    ("on", "says"),
    [
        ("2027-13-01", "is not a date"),
        ("2099-01-01", "in the future"),
        ("2026-11-01", "before the access was granted"),
    ],
)
def test_a_wrong_login_date_is_refused_with_a_sentence(
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    on: str,
    says: str,
) -> None:
    jid = granted_journey(home)
    monkeypatch.setenv("EPOC_WIZARD_NOW", (GRANTED + dt.timedelta(days=5)).isoformat())
    code, _, err = run_main(monkeypatch, capsys, "login", jid, "--on", on)
    assert code == 2 and says in err


def test_login_before_any_role_says_there_is_nothing_to_record(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    j = Journey(id="iqies", flow="iqies", created=GRANTED, updated=GRANTED, answers=_answers())
    Store(home).save(engine.summarize(FLOW, j, GRANTED))
    code, _out, err = run_main(monkeypatch, capsys, "login")
    assert code == 2 and "nothing to record yet" in err
    text, row = status_at(monkeypatch, capsys, GRANTED)
    assert row["access"] is None and "Log in by" not in text


def test_standing_ignores_damaged_summaries() -> None:
    today = dt.date(2027, 1, 1)
    for access in (
        None,
        "x",
        {},
        {"since": "x", "days": 60},
        {"since": "2026-12-01"},
        {"since": "2026-12-01", "days": True},
        {"since": "2026-12-01", "days": 0},
    ):
        assert standing(access, None, today) is None
    ok = standing({"since": "2026-12-01", "days": 60, "what": "w"}, "garbage", today)
    assert ok is not None and ok["last_login"] == "2026-12-01"


def test_without_a_recorded_login_the_days_count_from_the_grant(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    granted_journey(home)
    text, row = status_at(monkeypatch, capsys, GRANTED + dt.timedelta(days=10))
    assert row["access"]["counted_from"] == "granted"
    assert "60 days after the access was granted on 1 Dec 2026, with no login recorded" in text
    assert "your last login" not in text
