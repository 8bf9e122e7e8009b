"""The survey clock: a plan of correction's due date (from the day the CMS-2567 arrived,
or from the letter, which wins), whether iQIES access will be ready in time, and what to
do today when it will not. The clock is fixed at Monday 23 November 2026, 09:00 Eastern;
Thursday 26 November 2026 is Thanksgiving, a federal holiday."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from epoc_wizard.core.deadline import CITES, POC_DAYS, lines, plan, poc_due

from conftest import NOW, Wizard, assert_cited_as_registered, iqies_answers
from terminal import flat


def _journey(wizard: Wizard, tmp_path: Path, *, done: list[str], **answers: Any) -> str:
    ccn = answers.setdefault("ccn", "245001")
    path = iqies_answers(tmp_path / f"answers-{ccn}.yaml", done, **answers)
    ran = wizard("start", "--answers", str(path))
    assert ran.returncode == 0, ran.stderr
    return f"iqies-{ccn}"


def _status(wizard: Wizard) -> tuple[str, list[dict[str, Any]]]:
    text = wizard("status")
    assert text.returncode == 0, text.stderr
    raw = wizard("status", "--json")
    assert raw.returncode == 0, raw.stderr
    return " ".join(text.stdout.split()), json.loads(raw.stdout)["journeys"]


def test_ten_calendar_days_from_arrival_and_the_letter_wins() -> None:
    assert POC_DAYS == 10
    assert poc_due("2026-11-20", None) == (dt.date(2026, 11, 30), "received")
    assert poc_due("2026-11-20", "2026-12-04") == (dt.date(2026, 12, 4), "letter")
    assert poc_due(None, None) is None
    assert poc_due("not a date", "") is None


def test_every_cited_document_is_in_the_registry_with_the_date_shown() -> None:
    assert_cited_as_registered(CITES)


def test_a_plan_that_fits_counts_business_days_past_thanksgiving(
    wizard: Wizard, tmp_path: Path
) -> None:
    # Arrived today: due Thu 3 Dec. A PSO exists; the role request takes 5 business
    # days from Mon 23 Nov, skipping Thanksgiving: Tue 1 Dec, before the due date.
    jid = _journey(
        wizard,
        tmp_path,
        done=["about_facility", "survey_deadline", "browser"],
        poc_received="11/23/2026",
        has_pso="yes",
    )
    text, (row,) = _status(wizard)
    d = row["deadline"]
    assert (d["due"], d["due_from"], d["days_left"]) == ("2026-12-03", "received", 10)
    assert d["ready_by"] == "2026-12-01"
    assert d["fits"] is True and d["todo"] == []
    assert d["critical"]["business_days"] == 5
    assert "Plan of correction due Thu 3 December 2026 (10 days left" in text
    assert "the plan fits" in text
    assert jid in text


def test_no_pso_and_five_days_left_does_not_fit_and_says_what_to_do_today(
    wizard: Wizard, tmp_path: Path
) -> None:
    _journey(
        wizard,
        tmp_path,
        done=["about_facility", "survey_deadline", "browser"],
        poc_received="2026-11-18",
        has_pso="no",
    )
    text, (row,) = _status(wizard)
    d = row["deadline"]
    assert (d["due"], d["days_left"], d["fits"]) == ("2026-11-28", 5, False)
    # 10 business days (the wizard's PSO estimate) then 5 for the role request.
    assert d["critical"] == {
        "title": "CMS's approval of your organization's first PSO",
        "business_days": 10,
        "estimate": True,
        "step_id": "pso_missing",
    }
    todo = [t["text"] for t in d["todo"]]
    assert any("Provider Security Official" in t for t in todo)
    assert d["todo"][0]["sources"] == ["mo-dhss-pso"]
    assert "State Survey Agency" in todo[-1]
    assert "DOES NOT FIT" in text and "Do today:" in text
    assert "the wizard's estimate; if you know better: epoc-wizard edit iqies-245001 " in text
    assert "pso_missing --value DAYS" in text
    assert "weekend day or a federal holiday" in text  # Sat 28 Nov


def test_a_due_date_passed_says_to_contact_the_state_agency(wizard: Wizard, tmp_path: Path) -> None:
    _journey(wizard, tmp_path, done=["about_facility"], poc_letter_due="11/20/2026", has_pso="yes")
    text, (row,) = _status(wizard)
    d = row["deadline"]
    assert (d["due"], d["due_from"], d["days_left"]) == ("2026-11-20", "letter", -3)
    assert "has passed" in d["todo"][0]["text"]
    assert "3 days ago" in text


def test_a_due_date_on_a_federal_holiday_is_pointed_out_not_moved() -> None:
    journey = {"deadline": {"letter_due": "2026-11-26"}, "summary": {"ahead": []}}
    p = plan(journey, NOW)
    assert p is not None and p.due == dt.date(2026, 11, 26)
    assert any("federal holiday" in line for line in lines(p))


def test_the_person_can_change_the_wizards_estimate(wizard: Wizard, tmp_path: Path) -> None:
    jid = _journey(
        wizard,
        tmp_path,
        done=["about_facility", "survey_deadline", "browser"],
        poc_received="2026-11-23",
        has_pso="no",
    )
    assert _status(wizard)[1][0]["deadline"]["fits"] is False
    ran = wizard("edit", jid, "pso_missing", "--value", "1")
    assert ran.returncode == 0, ran.stderr
    assert "1 business days" in ran.stdout or "1 business day" in ran.stdout
    d = _status(wizard)[1][0]["deadline"]
    # 1 + 5 business days from Mon 23 Nov: Wed 2 Dec, before Thu 3 Dec.
    assert (d["ready_by"], d["fits"]) == ("2026-12-02", True)
    bad = wizard("edit", jid, "pso_missing", "--value", "soon")
    assert bad.returncode == 2 and "whole number of business days" in bad.stderr


def test_editing_the_letter_date_moves_the_due_date(wizard: Wizard, tmp_path: Path) -> None:
    jid = _journey(wizard, tmp_path, done=["about_facility"], poc_received="2026-11-23")
    ran = wizard("edit", jid, "poc_letter_due", "--value", "12/07/2026")
    assert ran.returncode == 0, ran.stderr
    assert _status(wizard)[1][0]["deadline"]["due"] == "2026-12-07"


def test_status_lists_the_facility_with_the_fewest_days_left_first(
    wizard: Wizard, tmp_path: Path
) -> None:
    _journey(wizard, tmp_path, done=["about_facility"], ccn="245001", poc_received="2026-11-23")
    _journey(wizard, tmp_path, done=["about_facility"], ccn="245002", poc_received="2026-11-14")
    _journey(wizard, tmp_path, done=["about_facility"], ccn="245003")
    text, rows = _status(wizard)
    assert [r["facility"] for r in rows] == ["245002", "245001", "245003"]
    assert rows[2]["deadline"] is None
    assert text.index("245002") < text.index("245001") < text.index("245003")


def test_no_deadline_for_other_tasks(wizard: Wizard, tmp_path: Path) -> None:
    _journey(wizard, tmp_path, done=["about_facility"], task="mds")
    assert _status(wizard)[1][0]["deadline"] is None


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Pacific/Guam", "UTC"])
def test_the_due_date_is_the_same_calendar_date_in_every_zone(
    wizard: Wizard, tmp_path: Path, zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    if not hasattr(time, "tzset"):
        pytest.skip("no tzset on this system")
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        _journey(wizard, tmp_path, done=["about_facility"], poc_received="2026-11-23")
        assert _status(wizard)[1][0]["deadline"]["due"] == "2026-12-03"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_start_takes_the_dates_on_the_command_line(wizard: Wizard, tmp_path: Path) -> None:
    path = iqies_answers(tmp_path / "a.yaml", ["about_facility"])
    ran = wizard("start", "--answers", str(path), "--received", "11/20/2026", "--due", "2026-12-04")
    assert ran.returncode == 0, ran.stderr
    d = _status(wizard)[1][0]["deadline"]
    assert (d["due"], d["due_from"]) == ("2026-12-04", "letter")  # the letter wins


@pytest.mark.parametrize("bad", ["02/30/2026", "soon", "2026-13-01"])
def test_a_date_that_is_not_one_is_refused_before_anything_starts(
    wizard: Wizard, bad: str, home: Path
) -> None:
    ran = wizard("start", "iqies", "--due", bad)
    assert ran.returncode == 2
    assert "--due" in ran.stderr and "MM/DD/YYYY" in ran.stderr
    assert not (home / "state.json").exists()


def test_a_date_for_a_path_without_a_due_date_is_said_unused(
    wizard: Wizard, tmp_path: Path
) -> None:
    data = Path(__file__).parent / "data" / "cmsnet-hospice.yaml"
    ran = wizard("start", "--answers", str(data), "--received", "11/20/2026")
    assert ran.returncode == 0, ran.stderr
    assert "--received is not used" in ran.stdout


def test_the_step_says_how_long_it_takes_and_whose_estimate_that_is(
    wizard: Wizard, tmp_path: Path
) -> None:
    done = ["about_facility", "survey_deadline", "browser", "pso_check"]
    jid = _journey(wizard, tmp_path, done=done, poc_received="2026-11-23", has_pso="no")
    nothing = tmp_path / "nothing.yaml"
    nothing.write_text("answers: {}\n", encoding="utf-8")
    first = flat(wizard("resume", jid, "--answers", str(nothing)).stdout)
    assert "takes: about 10 business days (the wizard's estimate)" in first
    assert wizard("edit", jid, "pso_missing", "--value", "12").returncode == 0
    again = flat(wizard("resume", jid, "--answers", str(nothing)).stdout)
    assert "takes: about 12 business days (your estimate)" in again


def test_an_arrival_date_after_today_is_questioned() -> None:
    journey = {"id": "j", "deadline": {"received": "2026-11-30"}, "summary": {"ahead": []}}
    p = plan(journey, NOW)
    assert p is not None and p.fits
    assert "is after today" in p.todo[0].text and "edit j poc_received" in p.todo[0].text


def test_the_first_pso_still_counts_after_its_step_is_done(wizard: Wizard, tmp_path: Path) -> None:
    # "Get a PSO assigned" is done when the request is made; CMS's approval comes later.
    done = ["about_facility", "survey_deadline", "browser", "pso_check", "pso_missing"]
    _journey(
        wizard,
        tmp_path,
        done=done,
        poc_received="2026-11-18",
        has_pso="no",
        has_harp=True,
        has_eidm=False,
    )
    text, (row,) = _status(wizard)
    d = row["deadline"]
    # 10 business days from Mon 23 Nov (Thanksgiving skipped): Tue 8 Dec; then 5 more.
    assert d["critical"]["until"] == "2026-12-08" and d["critical"]["estimate"] is True
    assert d["ready_by"] == "2026-12-15" and d["fits"] is False
    assert "waits for CMS's approval" in d["todo"][0]["text"]
    assert "epoc-wizard edit iqies-245001 pso_missing --value DAYS" in text


def test_a_plan_past_due_is_counted_and_a_finished_one_has_nothing_to_do(
    wizard: Wizard, tmp_path: Path, home: Path
) -> None:
    _journey(wizard, tmp_path, done=["about_facility"], poc_letter_due="11/20/2026")
    text, (row,) = _status(wizard)
    assert row["deadline"]["todo"] and "1 plan of correction past the due date" in text
    assert "weekend day" not in text  # no advice about a due date already passed
    # The same journey, finished (access reached): nothing left to do about the date.
    state = home / "state.json"
    doc = json.loads(state.read_text(encoding="utf-8"))
    for journey in doc["journeys"].values():
        journey["finished"] = journey["updated"]
    state.write_text(json.dumps(doc), encoding="utf-8")
    text, (row,) = _status(wizard)
    assert row["finished"] and row["deadline"]["todo"] == []
    assert "past the due date" not in text


def test_the_printed_record_carries_the_due_date_and_the_plan(
    wizard: Wizard, tmp_path: Path
) -> None:
    jid = _journey(wizard, tmp_path, done=["about_facility"], poc_received="2026-11-18")
    for fmt in ("md", "html"):
        record = " ".join(wizard("export", jid, "--format", fmt).stdout.split())
        assert "Plan of correction due Sat 28 November 2026 (5 days left" in record
        assert "DOES NOT FIT" in record


def test_a_facility_that_differs_from_the_answers_file_is_refused(
    wizard: Wizard, tmp_path: Path, home: Path
) -> None:
    path = iqies_answers(tmp_path / "a.yaml", ["about_facility"])
    ran = wizard("start", "--answers", str(path), "--facility", "245002")
    assert ran.returncode == 2
    assert "--facility 245002 and the CCN in" in ran.stderr and "(245001) differ" in ran.stderr
    assert not (home / "state.json").exists()
