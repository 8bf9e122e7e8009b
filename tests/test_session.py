"""The journey loop with a person at the keyboard, in-process: going back, and a change
made in another window (``edit`` or ``reset``) while the journey is open here.

Each ``context()`` has its own ``Store``, as a second window (another process) would.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from epoc_wizard.app.context import Context
from epoc_wizard.app.journeys import edit, run_journey_command
from epoc_wizard.errors import Interrupted, JourneyChanged

from conftest import STOP, Person, shown
from terminal import flat

JID = "cmsnet-056304"


#: CMSNet is a legacy path: asked whether the use moved, the person keeps its steps.
LEGACY = (True, "cmsnet")


def saved(home: Path) -> dict[str, Any]:
    journeys: dict[str, Any] = json.loads((home / "state.json").read_text())["journeys"]
    return journeys


def test_going_back_says_how_to_change_an_answer(context: Callable[..., Context]) -> None:
    person = Person(
        *LEGACY,
        "hospice",
        "Sunny Acres Hospice",
        "CA",
        "",  # the CCN offered from --facility, checked against the state on Enter
        "95814",
        "0",
        "done",
        "back",  # at "Open the QTSO website"
        STOP,
    )
    ctx = context(asker=person)
    with pytest.raises(Interrupted) as stop:
        run_journey_command(ctx, "start", "cmsnet", "056304")
    assert stop.value.args == (JID,)
    assert person.refused == []
    # The step is open again, and its answers are not asked again.
    assert person.asked[-3:] == ["menu:about_facility", "menu:open_qtso", "menu:about_facility"]
    assert person.asked.count("facility_name") == 1
    after = shown(ctx).split("Step 2 of")[-1]  # what the person saw after going back
    assert "Read first: this is a legacy path" in after
    assert "Your answers at this step are kept" in after
    assert re.search(r"Facility name: Sunny Acres Hospice\s+\[facility_name\]", after)
    assert f"To change one, run: epoc-wizard edit {JID} provider_type" in flat(after)


def test_an_edit_from_another_window_is_not_saved_over(
    home: Path, context: Callable[..., Context]
) -> None:
    def edit_elsewhere(prompt: str) -> str:
        edit(context(), JID, "facility_name", "Sunny Acres Hospice")
        return "CA"

    person = Person(*LEGACY, "hospice", "Sunny Acres", edit_elsewhere, "CA", STOP)
    ctx = context(asker=person)
    with pytest.raises(Interrupted):
        run_journey_command(ctx, "start", "cmsnet", "056304")
    assert "changed in another window" in flat(shown(ctx))
    assert person.asked[len(LEGACY) :] == [
        "provider_type",
        "facility_name",
        "state",
        "state",
        "ccn",
    ]
    # Asked again, on top of what the edit saved.
    assert saved(home)[JID]["answers"]["facility_name"] == "Sunny Acres Hospice"
    assert saved(home)[JID]["answers"]["state"] == "CA"

    # Deleted meanwhile ('reset'): the session stops and does not bring it back.
    def reset_elsewhere(prompt: str) -> str:
        context().store.delete(JID)
        return ""  # the offered CCN

    ctx = context(asker=Person(reset_elsewhere))
    with pytest.raises(JourneyChanged) as gone:
        run_journey_command(ctx, "resume", None, None)
    assert gone.value.exit_code == 1
    assert "was deleted in another window" in flat(gone.value.message)
    assert saved(home) == {}
