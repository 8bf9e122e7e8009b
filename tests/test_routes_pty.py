"""The December 2026 routes as a person meets them, in a real terminal: a hospice that
submits HOPE records and a nursing home that submits PBJ staffing data are sent to
iQIES with their task already known, and the journey is saved at Ctrl-C."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_wizard
from terminal import CTRL_C, ENTER, finish, flat, pick, spawn

#: (provider menu index, need menu index, words the recommendation must say, task saved)
ROUTES = {
    "hospice-hope": (1, 1, "HOPE replaced the Hospice Item Set on 1 October 2025", "hope"),
    "nursing-home-pbj": (0, 2, "Payroll-Based Journal moved to iQIES on 17 August 2026", "pbj"),
}


@pytest.mark.parametrize(
    "route",
    # One route in the default run, the other with the slow tests: each is a real terminal.
    [pytest.param("hospice-hope", marks=pytest.mark.slow), "nursing-home-pbj"],
)
def test_triage_route_in_a_terminal(home: Path, route: str) -> None:
    provider, need, said, task = ROUTES[route]
    child = spawn(home, "start")
    child.expect("What kind of organization")
    pick(child, provider)
    child.expect("What do you need to do")
    pick(child, need)
    child.expect("Which of these do you already have")
    child.send(ENTER)
    child.expect("Which state")
    child.send("MN" + ENTER)
    child.expect("one facility or several")
    pick(child, 0)
    child.expect("Recommended, in this order")
    child.expect("Start now")
    screen = flat(child.before)
    assert said in screen
    assert "Source:" in screen and "_" not in screen.split("Source:")[1][:40]
    pick(child, 0)
    child.expect("Facility name")  # provider type, state and task are not asked again
    child.send(CTRL_C)
    assert finish(child) == 130
    (row,) = json.loads(run_wizard(home, "status", "--json").stdout)["journeys"]
    assert row["flow"] == "iqies"
    saved = json.loads((home / "state.json").read_text())["journeys"][row["id"]]["answers"]
    assert saved["task"] == task and saved["state"] == "MN"
