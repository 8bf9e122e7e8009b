"""Prompts that keep their hints and their help, at any width (issue 15, items 3, 5-7, 15
and 16): what a new user tripped on.

The keyboard prompts run in-process on a terminal emulator (``screen.keyboard``); a
prompt is erased once answered and one line says the question and the answer, so what
was on the screen while a question waited is read from snapshots of the screen taken as
it was drawn. Plain mode is ``PlainPrompter`` with ``input`` replaced.
"""

from __future__ import annotations

import builtins
import io
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from epoc_wizard.app.context import Context
from epoc_wizard.app.journeys import run_journey_command
from epoc_wizard.cli.guard import guarded
from epoc_wizard.core.answers import validator
from epoc_wizard.core.journey import Journey
from epoc_wizard.flowspec.catalog import Catalog
from epoc_wizard.flowspec.model import Question
from epoc_wizard.ui import action_choices
from epoc_wizard.ui.ask import Prompter
from epoc_wizard.ui.plain import PlainPrompter
from epoc_wizard.ui.show import View

import screen as screen_module
from conftest import NOW, Person, Wizard
from screen import ENTER, Screen, keyboard

HARP = Question.model_validate(
    {
        "id": "has_harp",
        "prompt": "Do you already have a HARP account for iQIES?",
        "kind": "confirm",
        "help": "Answer No if you are not sure; the next questions sort it out.",
    }
)
SEARCH = Question.model_validate(
    {
        "id": "org_search_by",
        "prompt": "In iQIES, how do you want to search for your facility?",
        "kind": "select",
        "help": "iQIES lets you search by either one. If you are not sure, choose the CCN.",
        "options": [
            {"value": "ccn", "label": "By CCN (CMS Certification Number)"},
            {"value": "facility_id", "label": "By Facility ID"},
        ],
    }
)
CCN = Question.model_validate(
    {
        "id": "ccn",
        "prompt": "CCN (CMS Certification Number, 6 characters)",
        "kind": "ccn",
        "help": "Also known as the OSCAR Provider Number, Medicare Identification Number "
        "or Provider Number.",
    }
)
ACCOUNTS = Question.model_validate(
    {
        "id": "accounts",
        "prompt": "Which of these do you already have?",
        "kind": "checkbox",
        "required": False,
        "options": [
            {"value": "harp", "label": "A HARP account"},
            {"value": "cmsnet", "label": "A CMSNet user ID"},
        ],
    }
)
KINDS = Question.model_validate(
    {
        "id": "provider_type",
        "prompt": "What kind of organization are you?",
        "kind": "select",
        "options": [
            {"value": "nursing_home", "label": "Nursing home (skilled nursing or long-term care)"},
            {
                "value": "irf",
                "label": "Inpatient rehabilitation, long-term care hospital or swing bed",
            },
            {
                "value": "assister",
                "label": "Assister organization (Navigator or certified application counselor)",
            },
        ],
    }
)


def ask(question: Question) -> Any:
    return Prompter().ask(question, validator(question, {}))


@pytest.fixture
def snapshots(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every state of the screen, as it was drawn."""
    seen: list[str] = []
    write = Screen.write

    def snap(self: Screen, data: str) -> int:
        n = write(self, data)
        seen.append(self.text)
        return n

    monkeypatch.setattr(Screen, "write", snap)
    yield seen


@pytest.fixture
def columns(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Make the in-process terminal (and plain mode's) this many columns wide."""

    def set_width(width: int) -> None:
        monkeypatch.setattr(screen_module, "WIDTH", width)
        monkeypatch.setattr(Screen.__init__, "__defaults__", (width,))
        monkeypatch.setattr(shutil, "get_terminal_size", lambda *a: os.terminal_size((width, 24)))

    return set_width


def whole_words(text: str, shown: str) -> bool:
    """Every word of ``text`` is on the screen whole (none cut at the edge)."""
    return set(text.split()) <= set(shown.split())


def fits(shown: str, width: int) -> bool:
    return all(len(line) <= width for line in shown.splitlines())


# --- 3. yes/no --------------------------------------------------------------------------


def test_a_yes_no_keeps_its_key_hint_with_help_and_waits_for_enter(
    snapshots: list[str],
) -> None:
    with keyboard("n", ENTER) as screen:  # before: "n" answered at once, Enter was left over
        assert ask(HARP) is False
    asked = next(s for s in snapshots if "Answer No if" in s).splitlines()
    at = asked.index("? Do you already have a HARP account for iQIES? (y/n)")
    assert asked[at + 1] == "  Answer No if you are not sure; the next questions sort it out."
    assert any(line.endswith("(y/n) No") for s in snapshots for line in s.splitlines())
    assert screen.text.splitlines()[-1] == "? Do you already have a HARP account for iQIES? No"


def test_enter_alone_records_nothing_without_a_default() -> None:
    with keyboard(ENTER, "y", ENTER) as screen:
        assert ask(HARP) is True
    assert "Type y for Yes or n for No, then press Enter." in screen.text


@pytest.mark.parametrize(
    ("default", "hint"), [(False, "(y/N, Enter = No)"), (True, "(Y/n, Enter = Yes)")]
)
def test_a_default_is_said_in_words(snapshots: list[str], default: bool, hint: str) -> None:
    with keyboard(ENTER):
        assert Prompter().confirm("Keep the legacy steps?", default=default) is default
    assert any(f"? Keep the legacy steps? {hint}" in s for s in snapshots)


def test_plain_yes_no_says_what_enter_does(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    prompts: list[str] = []
    typed = iter(["", "n", ""])

    def person(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(typed)

    monkeypatch.setattr(builtins, "input", person)
    assert PlainPrompter().ask(HARP, validator(HARP, {})) is False  # Enter: asked again
    assert PlainPrompter().confirm("Keep the legacy steps?", default=True) is True
    assert "Answer yes or no." in capsys.readouterr().out
    assert prompts[-1] == "Keep the legacy steps? (yes or no; press Enter for Yes): "


# --- 6 and 7. help under the question, wrapped between words ---------------------------


def test_help_is_on_its_own_lines_under_the_question(snapshots: list[str]) -> None:
    with keyboard("056304", ENTER) as screen:
        assert ask(CCN) == "056304"
    asked = next(s for s in snapshots if "Also known" in s).splitlines()
    at = asked.index("? CCN (CMS Certification Number, 6 characters)")
    assert asked[at + 1 : at + 3] == [
        "  Also known as the OSCAR Provider Number, Medicare Identification Number or",
        "  Provider Number.",
    ]
    assert screen.text.splitlines()[-1] == "? CCN (CMS Certification Number, 6 characters) 056304"


def test_plain_mode_prints_the_help_of_every_kind(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = iter(["1", "056304", "n"])
    monkeypatch.setattr(builtins, "input", lambda prompt="": next(typed))
    for question in (SEARCH, CCN, HARP):
        PlainPrompter().ask(question, validator(question, {}))
    out = capsys.readouterr().out
    lines = out.splitlines()
    for question in (SEARCH, CCN, HARP):
        assert question.help.split(". ")[0] in out
        # The question, then its help under it.
        head = question.prompt.split(" (")[0]
        at = next(i for i, line in enumerate(lines) if line.startswith(head))
        assert lines[at + 1].startswith("  " + question.help[:20])


def test_plain_mode_wraps_between_words_at_40_columns(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    columns: Callable[[int], None],
) -> None:
    columns(40)
    typed = iter(["2", "056304"])
    monkeypatch.setattr(builtins, "input", lambda prompt="": next(typed))
    PlainPrompter().ask(KINDS, validator(KINDS, {}))
    PlainPrompter().ask(CCN, validator(CCN, {}))
    out = capsys.readouterr().out
    assert fits(out, 40)
    for text in [CCN.help, *(o.label for o in KINDS.options or [])]:
        assert whole_words(text, out)


def test_choices_and_messages_are_not_cut_at_40_columns(
    snapshots: list[str], columns: Callable[[int], None]
) -> None:
    columns(40)
    with keyboard(ENTER, "1234", ENTER, "\x15056304", ENTER) as screen:
        assert ask(KINDS) == "nursing_home"
        assert ask(CCN) == "056304"
    menu = next(s for s in snapshots if "Assister organization" in s)
    assert fits(menu, 40)
    for option in KINDS.options or []:
        assert whole_words(option.label, menu)
    assert fits(screen.text, 40)
    assert whole_words(CCN.help, next(s for s in snapshots if "OSCAR" in s))
    assert "This CCN has 4 characters" in screen.text
    assert whole_words("Nursing home (skilled nursing or long-term care)", screen.text)


def test_the_arrived_choice_is_whole_at_100_columns(
    bundled: Catalog, snapshots: list[str], columns: Callable[[int], None]
) -> None:
    columns(100)
    step = bundled.get("assister-zone").step("zone_request_community")
    choices = action_choices(step, waiting=True, can_go_back=True)
    with keyboard(ENTER):
        assert Prompter().choose("What next?", choices) == "done"
    menu = next(s for s in snapshots if "Still waiting" in s)
    assert fits(menu, 100)
    assert whole_words(choices[0][1], menu)  # It has arrived: ... assisterlibrary@cms.hhs.gov


def test_piped_status_is_not_wrapped(wizard: Wizard, context: Callable[..., Context]) -> None:
    steps = ["instructions_age", "about_you", "zone_request_access", "zone_select_role"]
    steps += ["zone_login", "zone_find_community"]
    ctx = context(
        {
            "flow": "assister-zone",
            "answers": {
                "organization_name": "Valley Navigators",
                "assister_role": "navigator",
                "cac_or_navigator_id": "NAV-12345",
                "has_portal_account": True,
            },
            "done": steps,
            "waiting": ["zone_request_community"],
        }
    )
    run_journey_command(ctx, "start", None, None)
    ran = wizard("status", COLUMNS="100")
    waiting = [line for line in ran.stdout.splitlines() if "Waiting for" in line]
    assert waiting and len(waiting[0]) > 100  # one line, as long as it is
    assert "assisterlibrary@cms.hhs.gov" in waiting[0]


# --- 16. an empty checkbox -----------------------------------------------------------------


def test_an_empty_checkbox_says_none_of_these() -> None:
    with keyboard(ENTER) as screen:
        assert ask(ACCOUNTS) == []
    assert screen.text.splitlines()[-1] == "? Which of these do you already have? None of these"
    assert "done" not in screen.text


# --- 5. links outside the panel ------------------------------------------------------------


def test_a_long_link_is_on_a_line_of_its_own_outside_the_panel(bundled: Catalog) -> None:
    flow = bundled.get("iqies")
    step = flow.step("identity_proofing")
    url = next(link.url for link in step.links if len(link.url) > 60)
    console = Console(file=io.StringIO(), width=60, highlight=False, emoji=False)
    journey = Journey(id="iqies", flow="iqies", created=NOW, updated=NOW)
    View(console=console).step(flow, journey, step, NOW)
    lines = console.file.getvalue().splitlines()  # type: ignore[attr-defined]
    assert f"    {url}" in lines  # whole, by itself: the terminal may wrap it, never break it
    assert not any(url[:30] in line and "│" in line for line in lines)


# --- 15. Ctrl-C before anything was started ----------------------------------------------


def interrupt(prompt: str) -> Any:
    raise KeyboardInterrupt  # Ctrl-C before the prompt had the keyboard


def test_ctrl_c_before_a_journey_says_nothing_about_resuming(
    context: Callable[..., Context], capsys: pytest.CaptureFixture[str]
) -> None:
    ctx = context(asker=Person(interrupt))
    assert guarded(lambda: run_journey_command(ctx, "start", None, None)) == 130
    err = capsys.readouterr().err
    assert "Stopped." in err
    assert "resume" not in err and "saved" not in err


def test_ctrl_c_between_prompts_of_a_journey_names_it(
    home: Path, context: Callable[..., Context], capsys: pytest.CaptureFixture[str]
) -> None:
    ctx = context(asker=Person("nursing_home", interrupt))
    assert guarded(lambda: run_journey_command(ctx, "start", "iqies", None)) == 130
    assert "To continue, run: epoc-wizard resume iqies" in capsys.readouterr().err
    assert (home / "state.json").exists()


# --- 16. check --help, completion ----------------------------------------------------------


def test_check_help_reads_as_words(wizard: Wizard) -> None:
    ran = wizard("check", "--help", COLUMNS="100")
    assert ran.returncode == 0
    assert "Usage: epoc-wizard check [OPTIONS] KIND VALUE" in ran.stdout
    assert "{" not in ran.stdout and "<str>" not in ran.stdout
    assert "  KIND " in ran.stdout and "  VALUE " in ran.stdout
    assert "Exit codes: 0" in ran.stdout


def test_shell_completion_is_offered(wizard: Wizard) -> None:
    ran = wizard("--help", COLUMNS="100")
    assert "--install-completion" in ran.stdout and "--show-completion" in ran.stdout
    ran = wizard(
        _EPOC_WIZARD_COMPLETE="complete_bash", COMP_WORDS="epoc-wizard sta", COMP_CWORD="1"
    )
    assert ran.stdout.split() == ["start", "status"]
