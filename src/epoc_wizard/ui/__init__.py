"""How the wizard talks to a person: one interface, three ways to answer it.

``ask.Prompter`` asks at the keyboard with questionary; ``plain.PlainPrompter`` asks
with numbered choices for screen readers and dumb terminals; ``scripted.Scripted``
answers from a file. The session loop (``session.py``) only sees ``Asker``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, Protocol

from epoc_wizard.core.answers import Checked
from epoc_wizard.flowspec.model import Question, Step
from epoc_wizard.words import printable, wrapped

Action = Literal[
    "done", "waiting", "later", "change", "back", "contacts", "links", "email", "ticket"
]
Validator = Callable[[Any], Checked]


class Asker(Protocol):
    def ask(self, question: Question, validate: Validator) -> Any:
        """Ask until the answer passes ``validate``; return the normalized value.

        ``question.default`` is what Enter takes: the flow's default, or the saved
        answer offered again when a step is gone back to (a list, for a checkbox)."""

    def action(self, step: Step, *, waiting: bool, can_go_back: bool) -> Action:
        """What the person did about the step shown."""

    def choose(self, message: str, choices: list[tuple[str, str]]) -> str:
        """Pick one of (value, label) choices."""

    def confirm(self, message: str, *, default: bool = False) -> bool: ...


def ask_action(asker: Asker, step: Step, *, waiting: bool, can_go_back: bool) -> Action:
    """Ask the step menu with any asker's ``choose``."""
    picked = asker.choose(
        "What next?", action_choices(step, waiting=waiting, can_go_back=can_go_back)
    )
    return picked  # type: ignore[return-value]


def action_choices(step: Step, *, waiting: bool, can_go_back: bool) -> list[tuple[str, str]]:
    """The step menu, shared by every way of asking so that they cannot drift apart."""
    choices: list[tuple[str, str]] = []
    if waiting:
        arrived = printable(step.wait.for_) if step.wait else "done"
        choices.append(("done", f"It has arrived: {arrived}"))
        choices.append(("later", "Still waiting (save and quit; come back with 'resume')"))
    else:
        choices.append(("done", "Done: go to the next step"))
        if step.wait:  # what is awaited is in the panel above; keep the label short
            choices.append(("waiting", "Done, and now I wait (save and quit)"))
        choices.append(("later", "I'll do this later (save and quit)"))
    if any(not q.secret for q in step.questions):
        choices.append(("change", "Change an answer at this step"))
    if can_go_back:
        choices.append(("back", "Go back to the previous step (and change its answers)"))
    choices.append(("contacts", "Show who to call for help"))
    if step.links:
        choices.append(("links", "Open a link in the web browser"))
    if step.email:
        choices.append(("email", "Open the e-mail in my mail program"))
    if step.contact or (step.wait and step.wait.contact):
        choices.append(("ticket", "Record a help-desk ticket number"))
    return choices


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """``text`` as lines of at most ``width`` characters, broken only between words.

    Line breaks in ``text`` are kept, and each line is wrapped by itself: a line that
    starts with spaces (an item of a list) keeps them, and its wrapped lines go two
    further in; other lines are indented by ``indent``. A word longer than a line (a
    web address) is left whole rather than cut, so that it can be copied. Everything
    is passed through ``printable`` first (``words.wrapped`` does the breaking)."""
    return wrapped(printable(text, lines=True), width, indent=indent, hang=indent).split("\n")
