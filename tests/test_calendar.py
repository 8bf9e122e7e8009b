"""``epoc-wizard calendar``: the due date, the waits and the login reminder as an
iCalendar file that Outlook, Google Calendar and Apple Calendar import: it parses, has
the properties RFC 5545 requires, one event per date, the same UIDs on every run (so a
second import updates), a reminder the day before, and nothing secret."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from icalendar import Calendar

from conftest import Wizard, iqies_answers


def _start(wizard: Wizard, tmp_path: Path, **answers: str) -> str:
    done = ["about_facility", "survey_deadline", "browser"]
    path = iqies_answers(tmp_path / "answers.yaml", done, has_pso="no", **answers)
    ran = wizard("start", "--answers", str(path))
    assert ran.returncode == 0, ran.stderr
    return "iqies-245001"


def _read(path: Path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def test_the_file_parses_with_the_required_properties_and_one_event_per_date(
    wizard: Wizard, tmp_path: Path
) -> None:
    jid = _start(wizard, tmp_path, poc_received="2026-11-18")
    out = tmp_path / "plan.ics"
    ran = wizard("calendar", jid, "--output", str(out))
    assert ran.returncode == 0, ran.stderr
    assert "Saved 3 events" in ran.stdout
    cal = _read(out)
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"])
    found = cal.walk("VEVENT")
    # The due date; the first PSO (the wizard's estimate); the role request's wait.
    assert len(found) == 3
    for event in found:
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert required in event, required
        assert isinstance(event.decoded("DTSTART"), dt.date)
        (alarm,) = event.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert alarm.decoded("TRIGGER") == dt.timedelta(days=-1)
    due = next(e for e in found if "Plan of correction due" in str(e["SUMMARY"]))
    assert due.decoded("DTSTART") == dt.date(2026, 11, 28)
    assert "Lakeside (CCN 245001)" in str(due["SUMMARY"])
    assert "CMS-2567 governs" in str(due["DESCRIPTION"])
    pso = next(e for e in found if "first PSO" in str(e["SUMMARY"]))
    assert "1-800-339-9313" in str(pso["DESCRIPTION"])
    if os.name == "posix":
        assert out.stat().st_mode & 0o777 == 0o600


def test_uids_are_the_same_on_every_run_and_an_existing_file_needs_force(
    wizard: Wizard, tmp_path: Path
) -> None:
    jid = _start(wizard, tmp_path, poc_received="2026-11-18")
    out = tmp_path / "plan.ics"
    assert wizard("calendar", jid, "--output", str(out)).returncode == 0
    first = sorted(str(e["UID"]) for e in _read(out).walk("VEVENT"))
    again = wizard("calendar", jid, "--output", str(out))
    assert again.returncode == 2 and "--force" in again.stderr
    later = wizard(
        "calendar",
        jid,
        "--output",
        str(out),
        "--force",
        EPOC_WIZARD_NOW="2026-11-24T09:00:00-05:00",
    )
    assert later.returncode == 0, later.stderr
    assert sorted(str(e["UID"]) for e in _read(out).walk("VEVENT")) == first
    assert len(set(first)) == len(first)


def test_nothing_but_the_facility_and_dates_reaches_the_file(
    wizard: Wizard, tmp_path: Path
) -> None:
    jid = _start(wizard, tmp_path, poc_received="2026-11-18")
    out = tmp_path / "plan.ics"
    assert wizard("calendar", jid, "--output", str(out)).returncode == 0
    text = out.read_text(encoding="utf-8")
    for never in ("nursing_home", "has_pso", "org_search_by"):
        assert never not in text


def test_a_journey_without_dates_gets_a_sentence(wizard: Wizard, tmp_path: Path) -> None:
    data = Path(__file__).parent / "data" / "cmsnet-hospice.yaml"
    assert wizard("start", "--answers", str(data)).returncode == 0
    ran = wizard("calendar", "--output", str(tmp_path / "x.ics"))
    assert ran.returncode == 2
    assert "no dates to put in a calendar" in ran.stderr
    assert not (tmp_path / "x.ics").exists()


@pytest.mark.parametrize("bad", ["state.json"])
def test_the_state_folder_is_never_a_calendar_target(
    wizard: Wizard, tmp_path: Path, home: Path, bad: str
) -> None:
    jid = _start(wizard, tmp_path, poc_received="2026-11-18")
    before = (home / bad).read_bytes()
    ran = wizard("calendar", jid, "--output", str(home / bad), "--force")
    assert ran.returncode == 2
    assert (home / bad).read_bytes() == before
