"""Changing an answer in place, and a step count that stands still (issue 15, items 2
and 4).

Going back to a step asks its questions again with the saved answers offered (Enter
keeps each), then works out again what follows; a step with several answers ends with
them on one screen, "Looks right" or "Change an answer"; "Change an answer at this step"
in the step menu asks one again. At the keyboard (in-process, ``screen.keyboard``), in
plain mode (``input`` replaced) and with a ``Person``. The step count counts, besides
the steps shown, as many of the undecided ones as the answers still to come could show,
so answering never makes it grow.
"""

from __future__ import annotations

import builtins
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from epoc_wizard.app.context import Context
from epoc_wizard.app.journeys import run_journey_command
from epoc_wizard.core import engine
from epoc_wizard.core.answers import validator
from epoc_wizard.core.journey import Journey
from epoc_wizard.errors import Interrupted
from epoc_wizard.flowspec.catalog import Catalog
from epoc_wizard.ui.ask import Prompter
from epoc_wizard.ui.plain import PlainPrompter
from epoc_wizard.ui.show import View

from conftest import NOW, STOP, Person, shown
from screen import ENTER, keyboard
from terminal import flat

DOWN = "\x1b[B"
CTRL_U = "\x15"
#: The facility's details in the iQIES flow, as a person answers them.
FACILITY = ["nursing_home", "epoc", "Sunny Acres", "CA", "056304", "ccn"]


def answers(home: Path) -> dict[str, Any]:
    (journey,) = json.loads((home / "state.json").read_text())["journeys"].values()
    found: dict[str, Any] = journey["answers"]
    return found


# --- 2. going back, check your answers, change --------------------------------------------


def test_going_back_changes_an_answer_and_what_follows(
    home: Path, context: Callable[..., Context]
) -> None:
    person = Person(
        *FACILITY,
        "right",  # check your answers: looks right
        "done",
        "",  # the plan of correction's dates: none yet
        "",
        "right",
        "back",  # to the facility's details: each answer offered again
        *[""] * 5,  # Enter keeps the provider type, task, name, state and CCN
        "facility_id",  # search by Facility ID instead: its question is now asked
        "1234567",
        "right",
        STOP,
    )
    ctx = context(asker=person)
    with pytest.raises(Interrupted):
        run_journey_command(ctx, "start", "iqies", None)
    assert person.refused == []
    again = person.asked.index("menu:survey_deadline") + 1
    assert person.asked[again : again + 7] == [
        "provider_type",
        "task",
        "facility_name",
        "state",
        "ccn",
        "org_search_by",
        "facility_id",
    ]
    assert person.asked[-1] == "menu:about_facility"
    saved = answers(home)
    assert saved["org_search_by"] == "facility_id" and saved["facility_id"] == "1234567"
    assert saved["facility_name"] == "Sunny Acres" and saved["ccn"] == "056304"
    said = flat(shown(ctx))
    assert "Steps that now apply: Add your facility by its Facility ID." in said
    assert "Steps that no longer apply: Add your facility by its CCN." in said


def test_check_your_answers_and_the_menu_change_one(
    home: Path, context: Callable[..., Context]
) -> None:
    person = Person(
        *FACILITY,
        "change",  # check your answers: change one...
        "facility_name",  # ...this one
        "Sunny Acres North",
        "right",
        "done",
        "",
        "",
        "right",
        "done",
        "done",  # the browser
        "yes",  # a PSO: yes
        "change",  # "Change an answer at this step": the only one is asked again
        "not_sure",
        STOP,
    )
    ctx = context(asker=person)
    with pytest.raises(Interrupted):
        run_journey_command(ctx, "start", "iqies", None)
    checks = [p for p in person.asked if p.startswith("Check your answers at this step:")]
    assert "Facility name: Sunny Acres\n" in checks[0]
    assert "Facility name: Sunny Acres North\n" in checks[1]
    assert person.asked.count("has_pso") == 2
    saved = answers(home)
    assert saved["facility_name"] == "Sunny Acres North" and saved["has_pso"] == "not_sure"
    assert "Steps that now apply: Get a Provider Security Official assigned." in flat(shown(ctx))


def test_going_back_at_the_keyboard(home: Path, context: Callable[..., Context]) -> None:
    brought = context(
        {
            "flow": "iqies",
            "answers": dict(
                zip(
                    ["provider_type", "task", "facility_name", "state", "ccn", "org_search_by"],
                    FACILITY,
                    strict=True,
                )
            ),
            "done": ["about_facility"],
        }
    )
    run_journey_command(brought, "start", None, None)  # no dates yet: stops at their step
    keys = [DOWN * 3 + ENTER]  # "Go back to the previous step (and change its answers)"
    keys += [ENTER, ENTER, CTRL_U + "Sunny Acres North" + ENTER, ENTER, ENTER, ENTER]
    keys += [ENTER]  # looks right; then Ctrl-C at the step menu
    with keyboard(*keys) as screen, pytest.raises(Interrupted):
        run_journey_command(context(asker=Prompter()), "resume", None, None)
    saved = answers(home)
    assert saved["facility_name"] == "Sunny Acres North"
    assert saved["provider_type"] == "nursing_home" and saved["org_search_by"] == "ccn"
    assert "? Facility name Sunny Acres North" in screen.text.splitlines()
    assert "? What kind of provider is this for? Nursing home (ePOC, MDS, PBJ)" in screen.text


def test_going_back_in_plain_mode(
    home: Path,
    context: Callable[..., Context],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    typed = iter(["1", "1", "Sunny Acres", "CA", "056304", "1", "1", "1"])  # looks right, done
    typed_back = ["", "", "1", "4"]  # no dates; looks right; go back
    typed_again = ["", "", "", "", "", "2", "1234567", "1"]  # keep all but the search
    lines = iter([*typed, *typed_back, *typed_again])
    prompts: list[str] = []

    def person(prompt: str = "") -> str:
        prompts.append(prompt)
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr(builtins, "input", person)
    ctx = context(asker=PlainPrompter(), plain=True)
    with pytest.raises(Interrupted):
        run_journey_command(ctx, "start", "iqies", None)
    assert "Facility name [press Enter for Sunny Acres]: " in prompts
    assert "Type a number from 1 to 4 (press Enter for 1): " in prompts  # the provider type
    saved = answers(home)
    assert saved["org_search_by"] == "facility_id" and saved["facility_id"] == "1234567"
    assert saved["facility_name"] == "Sunny Acres"


def test_a_saved_choice_is_offered_at_the_keyboard() -> None:
    from epoc_wizard.flowspec.model import Question

    accounts = Question.model_validate(
        {
            "id": "accounts",
            "prompt": "Which of these do you already have?",
            "kind": "checkbox",
            "options": [{"value": "harp", "label": "HARP"}, {"value": "eidm", "label": "EIDM"}],
        }
    ).model_copy(update={"default": ["eidm"]})
    with keyboard(ENTER) as screen:
        assert Prompter().ask(accounts, validator(accounts, {})) == ["eidm"]
    assert screen.text.splitlines()[-1] == "? Which of these do you already have? EIDM"


# --- 4. a step count that does not move as answers add steps -------------------------------


def walk(flow: Any, given: dict[str, Any]) -> list[tuple[int, int, bool]]:
    """(step number, of how many, settled) at each step of a walk with these answers."""
    journey = Journey(id="j", flow=flow.id, created=NOW, updated=NOW)
    seen = []
    while (step := engine.current_step(flow, journey)) is not None:
        done, total = engine.progress(flow, journey)
        seen.append((done + 1, total, engine.path_length(flow, journey)[1]))
        for q in engine.visible_questions(step, journey.answers):
            if q.id in given:
                journey = engine.apply_answer(journey, q, given[q.id], NOW)
        journey = engine.mark(flow, journey, step.id, "done", NOW)
    return seen


NEW_USER = {
    **dict(zip(["provider_type", "task", "facility_name", "state", "ccn"], FACILITY, strict=False)),
    "org_search_by": "ccn",
    "poc_letter_due": "",
    "poc_received": "",
    "has_pso": "yes",
    "has_harp": False,
    "has_eidm": False,
    "email_exists": False,
    "proofing_ok": True,
    "harp_user_id": "sacres01",
    "role_approved": True,
}


@pytest.mark.parametrize(
    ("flow_id", "given"),
    [
        ("iqies", NEW_USER),  # the California nursing home: was 1 of 11 ... 6 of 16
        ("iqies", {**NEW_USER, "has_harp": True}),  # fewer steps: the count comes down
        (
            "assister-zone",  # was 1 of 7, 2 of 10
            {
                "organization_name": "Valley Navigators",
                "assister_role": "navigator",
                "cac_or_navigator_id": "NAV-12345",
                "has_portal_account": False,
            },
        ),
    ],
)
def test_the_step_count_never_grows_while_answering(
    bundled: Catalog, flow_id: str, given: dict[str, Any]
) -> None:
    seen = walk(bundled.get(flow_id), given)
    totals = [total for _, total, _ in seen]
    assert totals == sorted(totals, reverse=True), seen
    assert [n for n, _, _ in seen] == list(range(1, len(seen) + 1))
    assert seen[-1] == (len(seen), len(seen), True)  # at the end, exact


def test_the_panel_says_about_until_the_count_is_settled(bundled: Catalog) -> None:
    flow = bundled.get("cmsnet")
    console = Console(file=io.StringIO(), width=110, no_color=True, soft_wrap=True)
    view = View(plain=True, console=console)
    journey = Journey(id="j", flow="cmsnet", created=NOW, updated=NOW)
    view.step(flow, journey, flow.steps[0], NOW)
    for qid, value in {"provider_type": "hospice", "existing_ids": "0"}.items():
        question = flow.question(qid)
        assert question is not None
        journey = engine.apply_answer(journey, question, value, NOW)
    view.step(flow, journey, flow.steps[0], NOW)
    first, settled = (line for line in console.file.getvalue().splitlines() if "== Step 1" in line)  # type: ignore[attr-defined]
    total = len(engine.visible_steps(flow, journey.answers))
    assert first.startswith("== Step 1 of about ") and int(first.split()[5][:-1]) > total
    assert settled.startswith(f"== Step 1 of {total}: ")
