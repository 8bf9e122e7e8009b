"""The survey clock in a real terminal: a nursing home that got its CMS-2567 five days
ago goes through triage to the first wait of the iQIES path, and 'status' then says
how many days are left and whether access will be ready in time. (Slow: CI runs it with
``pytest -m slow``.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_wizard
from terminal import ENTER, finish, flat, pick, spawn


def _done(child) -> None:  # type: ignore[no-untyped-def]
    # After a step's several answers, they are shown to be checked first: looks right.
    if child.expect(["Check your answers", "What next"]) == 0:
        pick(child, 0)
        child.expect("What next")
    pick(child, 0)


@pytest.mark.slow  # about 3 s; the in-process tests in test_deadline.py cover the rules
def test_a_nursing_home_with_a_due_date_to_the_first_wait(home: Path) -> None:
    child = spawn(home, "start")
    child.expect("What kind of organization")
    pick(child, 0)  # nursing home
    child.expect("What do you need to do")
    pick(child, 0)  # a plan of correction
    child.expect("Which of these do you already have")
    child.send(ENTER)
    child.expect("Which state")
    child.send("MN" + ENTER)
    child.expect("one facility or several")
    pick(child, 0)
    child.expect("Start now")
    pick(child, 0)
    child.expect("Facility name")
    child.send("Lakeside Manor" + ENTER)
    child.expect("CCN")
    child.send("245001" + ENTER)
    child.expect("how do you want to search")
    pick(child, 0)
    _done(child)
    child.expect("due date printed on the letter")
    child.send(ENTER)  # the letter gives none
    child.expect("date the CMS-2567 arrived")
    child.send("11/18/2026" + ENTER)
    _done(child)
    child.expect("Plan of correction due Sat 28 November 2026")  # shown at the next step
    _done(child)  # browser
    child.expect("Provider Security Official")
    pick(child, 0)  # yes, a PSO
    _done(child)
    child.expect("HARP account that you can log in to")
    child.send("n" + ENTER)  # a yes/no takes y or n, then Enter
    child.expect("EIDM account")
    child.send("n" + ENTER)
    _done(child)
    child.expect("The HARP user ID you plan to choose")
    child.send(ENTER)  # not chosen yet
    child.expect("The e-mail address you give HARP")
    child.send(ENTER)
    child.expect("error message saying that your e-mail address already exists")
    child.send("n" + ENTER)
    _done(child)
    child.expect("Did HARP verify your identity")
    child.send("y" + ENTER)
    _done(child)
    _done(child)  # two-factor
    child.expect("Your HARP user ID")
    child.send("lmanor2" + ENTER)
    for _ in range(5):  # note it, log in, category, role, organization
        _done(child)
    child.expect("Submit the role request")
    child.expect("What next")
    pick(child, 1)  # done, and now I wait
    child.expect("Come back")
    assert finish(child) == 0

    status = run_wizard(home, "status")
    screen = flat(status.stdout)
    assert "Plan of correction due Sat 28 November 2026 (5 days left" in screen
    assert "the plan DOES NOT FIT" in screen
    (row,) = json.loads(run_wizard(home, "status", "--json").stdout)["journeys"]
    assert row["waiting"]["for"].startswith("the e-mail with the approval status")
    assert row["deadline"]["days_left"] == 5
    assert row["deadline"]["ready_by"] == "2026-12-01"
