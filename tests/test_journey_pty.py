"""A whole CMSNet journey in a real terminal: wrong input, Ctrl-C, status, resume, finish."""

from __future__ import annotations

import json
from pathlib import Path

import pexpect

from conftest import run_wizard
from terminal import CTRL_C, CTRL_U, ENTER, finish, pick, spawn


def test_cmsnet_journey_interrupt_status_resume_finish(home: Path) -> None:
    child = spawn(home, "start", "cmsnet")
    child.expect("What kind of provider is this for")
    pick(child, 0)  # Hospice
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
    assert done["totals"] == {"facilities": 1, "journeys": 1, "done": 1, "waiting": 0, "overdue": 0}
    saved = json.loads((home / "state.json").read_text())
    assert saved["journeys"]["cmsnet"]["answers"]["cmsnet_user_id"] == "SACRES01"


def start_hospice_056304(home: Path, name: str) -> pexpect.spawn:
    """``start cmsnet --facility 056304`` up to the State prompt: hospice, this name."""
    child = spawn(home, "start", "cmsnet", "--facility", "056304")
    child.expect("What kind of provider is this for")
    pick(child, 0)
    child.expect("Facility name")
    child.send(name + ENTER)
    child.expect("State")
    return child


def test_going_back_says_how_to_change_an_answer(home: Path) -> None:
    child = start_hospice_056304(home, "Sunny Acres Hospice")
    child.send("CA" + ENTER)
    child.expect("CCN")  # offered from --facility, checked against the state on Enter
    child.send(ENTER)
    child.expect("ZIP Code")
    child.send("95814" + ENTER)
    child.expect("How many CMSNet user IDs")
    pick(child, 0)
    child.expect("What next")
    pick(child, 0)
    child.expect("Open the QTSO website")
    child.expect("What next")
    pick(child, 2)  # done, later, go back
    child.expect("Have your facility's details ready")  # the step is open again
    child.expect(r"Your answers at this step are kept")  # just above the menu
    assert "? Facility name" not in (child.before or "")  # and are not asked again
    child.expect(r"Facility name: Sunny Acres Hospice\s+\[facility_name\]")
    child.expect(r"To change one, run:\s+epoc-wizard edit\s+cmsnet-056304\s+provider_type")
    child.expect("What next")
    child.send(CTRL_C)
    assert finish(child) == 130


def test_an_edit_from_another_window_is_not_saved_over(home: Path) -> None:
    child = start_hospice_056304(home, "Sunny Acres")
    edit = run_wizard(
        home, "edit", "cmsnet-056304", "facility_name", "--value", "Sunny Acres Hospice"
    )
    assert edit.returncode == 0, edit.stderr
    child.send("CA" + ENTER)
    child.expect(r"changed in another window")
    child.expect(r"State \(two letters")  # asked again, on top of what the edit saved
    saved = json.loads((home / "state.json").read_text())["journeys"]["cmsnet-056304"]
    assert saved["answers"]["facility_name"] == "Sunny Acres Hospice"
    assert "state" not in saved["answers"]
    child.send("CA" + ENTER)
    child.expect("CCN")
    child.send(CTRL_C)
    assert finish(child) == 130
    saved = json.loads((home / "state.json").read_text())["journeys"]["cmsnet-056304"]
    assert saved["answers"]["facility_name"] == "Sunny Acres Hospice"
    assert saved["answers"]["state"] == "CA"
    # Deleted meanwhile ('reset'): the session stops and does not bring it back.
    child = spawn(home, "resume")
    child.expect("CCN")
    assert run_wizard(home, "reset", "cmsnet-056304", "--yes").returncode == 0
    child.send(ENTER)  # the offered CCN
    child.expect(r"was deleted in another\s+window")
    assert finish(child) == 1
    assert json.loads((home / "state.json").read_text())["journeys"] == {}
