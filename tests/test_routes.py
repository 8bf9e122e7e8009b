"""The December 2026 routes as a person meets them, at the keyboard (in-process): a
hospice that submits HOPE records and a nursing home that submits PBJ staffing data are
sent to iQIES with their task already known, and the journey is saved at Ctrl-C."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from epoc_wizard.app.context import Context
from epoc_wizard.app.journeys import run_journey_command
from epoc_wizard.errors import Interrupted

from conftest import STOP, Person, Pick, Wizard, shown
from terminal import flat

#: (provider menu index, need menu index, words the recommendation must say, task saved)
ROUTES = {
    "hospice-hope": (1, 1, "HOPE replaced the Hospice Item Set on 1 October 2025", "hope"),
    "nursing-home-pbj": (0, 2, "Payroll-Based Journal moved to iQIES on 17 August 2026", "pbj"),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_triage_route_at_the_keyboard(
    home: Path, context: Callable[..., Context], wizard: Wizard, route: str
) -> None:
    provider, need, said, task = ROUTES[route]
    person = Person(Pick(provider), Pick(need), [], "MN", Pick(0), Pick(0), STOP)
    ctx = context(asker=person)
    with pytest.raises(Interrupted):
        run_journey_command(ctx, "start", None, None)
    screen = flat(shown(ctx))
    assert said in screen
    assert "Source:" in screen and "_" not in screen.split("Source:")[1][:40]
    # Provider type, state and task are not asked again: the flow begins with the name.
    assert person.asked[-2:] == ["Start now?", "facility_name"]
    (row,) = json.loads(wizard("status", "--json").stdout)["journeys"]
    assert row["flow"] == "iqies"
    saved = json.loads((home / "state.json").read_text())["journeys"][row["id"]]["answers"]
    assert saved["task"] == task and saved["state"] == "MN"
