"""A whole CMSNet journey in a real terminal: wrong input, Ctrl-C, status, resume, finish.

The same journey's other turns (going back, a change made in another window) are
in-process, with a ``Person`` at the keyboard: ``test_session.py``."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_wizard
from terminal import CTRL_C, CTRL_U, ENTER, finish, pick, spawn


def test_cmsnet_journey_interrupt_status_resume_finish(home: Path) -> None:
    child = spawn(home, "start", "cmsnet")
    child.expect("Legacy path: parts of it have moved")
    child.expect("What kind of provider is this for")
    pick(child, 0)  # Hospice: its use moved, so the wizard offers iQIES first
    child.expect("What would you like to do")
    pick(child, 1)  # keep the legacy steps, for the record; Hospice is not asked again
    child.expect("Facility name")
    child.send("Sunny Acres Hospice" + ENTER)
    child.expect("State")
    child.send("CA" + ENTER)
    child.expect("CCN")
    child.send("56304" + ENTER)
    child.expect("Did you mean 056304")  # refused, and asked again
    child.send(CTRL_U + "056304" + ENTER)
    child.expect("ZIP Code")
    child.send("95814" + ENTER)
    child.expect("How many CMSNet user IDs")
    pick(child, 0)
    child.expect("Check your answers at this step")  # the step's answers, on one screen
    pick(child, 0)  # looks right
    child.expect("What next")
    pick(child, 0)  # done
    child.expect("Open the QTSO website")
    child.expect("What next")
    pick(child, 0)
    child.expect("Go to the CMSNet Information page")
    child.expect("What next")
    child.send(CTRL_C)
    child.expect("To continue, run: epoc-wizard resume cmsnet")
    assert finish(child) == 130

    status = run_wizard(home, "status")
    assert status.returncode == 0
    assert "Facility 056304 (Sunny Acres Hospice)" in status.stdout
    assert "Next: Go to the CMSNet Information page" in status.stdout
    doc = json.loads(run_wizard(home, "status", "--json").stdout)
    (row,) = doc["journeys"]
    assert row["current_step"]["id"] == "cmsnet_information"
    assert row["progress"]["done"] == 2

    child = spawn(home, "resume")
    child.expect("Go to the CMSNet Information page")
    for title in (
        "CMSNet Information",
        "Print the Hospice CMSNet",
        "Enter the CCN, state",
        "Complete the Access Request Form",
    ):
        child.expect(title)
        child.expect("What next")
        pick(child, 0)
    child.expect("Submit the request")
    child.expect("What next")
    pick(child, 1)  # done, now waiting for the e-mails
    child.expect(r"Come back\s+then with:\s+epoc-wizard resume cmsnet")
    assert finish(child) == 0

    waiting = json.loads(run_wizard(home, "status", "--json").stdout)["journeys"][0]
    assert waiting["waiting"]["due"].startswith("2026-11-25T23:59:59")
    assert waiting["waiting"]["overdue"] is False
    late = run_wizard(home, "status", EPOC_WIZARD_NOW="2026-11-27T09:00:00-05:00")
    assert "OVERDUE" in late.stdout and "(888) 238-2122" in late.stdout

    child = spawn(home, "resume", "cmsnet")
    child.expect("Waiting for two e-mails")
    child.expect("What next")
    pick(child, 0)  # it has arrived
    child.expect("Your CMSNet user ID")
    child.send("SACRES01" + ENTER)
    child.expect("What next")
    pick(child, 0)
    child.expect("Install the VPN client")
    child.expect("What next")
    pick(child, 0)
    child.expect("Log in to CMSNet for the first time")
    child.expect("What next")
    pick(child, 0)
    child.expect("All steps done")
    assert finish(child) == 0

    done = json.loads(run_wizard(home, "status", "--json").stdout)
    assert done["journeys"][0]["finished"]
    assert done["totals"] == {
        "facilities": 1,
        "journeys": 1,
        "done": 1,
        "waiting": 0,
        "overdue": 0,
        "login_due": 0,
        "poc_at_risk": 0,
        "poc_past_due": 0,
    }
    saved = json.loads((home / "state.json").read_text())
    assert saved["journeys"]["cmsnet"]["answers"]["cmsnet_user_id"] == "SACRES01"
