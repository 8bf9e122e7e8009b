"""The journey loop with a person at the keyboard, in-process: going back, and a change
made in another window (``edit`` or ``reset``) while the journey is open here.

Each ``context()`` has its own ``Store``, as a second window (another process) would.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from epoc_wizard.app.context import Context
from epoc_wizard.app.edit import edit
from epoc_wizard.app.journeys import run_journey_command
from epoc_wizard.errors import Interrupted, JourneyChanged

from conftest import STOP, Person, shown
from terminal import flat

JID = "cmsnet-056304"


#: CMSNet is a legacy path: asked whether the use moved, the person keeps its steps.
#: CMSNet is a legacy path: its provider question comes first (a hospice, whose use moved),
#: then "keep the legacy steps"; the answer is carried into the flow, not asked again.
LEGACY = ("hospice", "cmsnet")


def saved(home: Path) -> dict[str, Any]:
    journeys: dict[str, Any] = json.loads((home / "state.json").read_text())["journeys"]
    return journeys


def test_going_back_asks_the_step_again_with_the_answers_offered(
    home: Path, context: Callable[..., Context]
) -> None:
    person = Person(
        *LEGACY,
        "Sunny Acres Hospice",
        "CA",
        "",  # the CCN offered from --facility, checked against the state on Enter
        "95814",
        "0",
        "right",  # the step's answers, checked: they look right
        "done",
        "back",  # at "Open the QTSO website"
        "",  # each answer of the step is offered again: Enter keeps it...
        "",
        "",
        "",
        "95815",  # ...or a new one changes it
        "",
        "right",
        STOP,
    )
    ctx = context(asker=person)
    with pytest.raises(Interrupted) as stop:
        run_journey_command(ctx, "start", "cmsnet", "056304")
    assert stop.value.args == (JID,)
    assert person.refused == []
    # The step is open again, and its answers are asked again, in order, then checked.
    at = person.asked.index("menu:open_qtso")
    assert person.asked[at + 1 : at + 7] == [
        "provider_type",
        "facility_name",
        "state",
        "ccn",
        "zip",
        "existing_ids",
    ]
    assert person.asked[at + 7].startswith("Check your answers at this step:")
    assert "ZIP Code of the facility: 95815" in person.asked[at + 7]
    assert person.asked[at + 8] == "menu:about_facility"
    answers = saved(home)[JID]["answers"]
    assert answers["zip"] == "95815" and answers["facility_name"] == "Sunny Acres Hospice"
    assert answers["ccn"] == "056304" and answers["provider_type"] == "hospice"
    after = shown(ctx).split("Step 2 of")[-1]  # what the person saw after going back
    assert "Read first: this is a legacy path" in after
    assert "epoc-wizard edit" not in flat(after)  # no other window needed


def test_an_edit_from_another_window_is_not_saved_over(
    home: Path, context: Callable[..., Context]
) -> None:
    def edit_elsewhere(prompt: str) -> str:
        edit(context(), JID, "facility_name", "Sunny Acres Hospice")
        return "CA"

    person = Person(*LEGACY, "Sunny Acres", edit_elsewhere, "CA", STOP)
    ctx = context(asker=person)
    with pytest.raises(Interrupted):
        run_journey_command(ctx, "start", "cmsnet", "056304")
    assert "changed in another window" in flat(shown(ctx))
    assert person.asked[len(LEGACY) :] == [
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
