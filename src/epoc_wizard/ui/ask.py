"""Questions at the keyboard, with questionary: the one place a Question becomes a prompt.

questionary's ``unsafe_ask`` lets Ctrl-C (KeyboardInterrupt) and Ctrl-D (EOFError)
through; both become ``Interrupted`` so the session can save and exit with 130.
Text prompts stop on Ctrl-D at an empty line, like a shell (with text typed, Ctrl-D
deletes forward); questionary's menus ignore Ctrl-D, so ``_run`` binds it there.

Start-up: questionary is loaded, and each question built and asked, with Python's
cyclic garbage collector paused (``flowspec.load.collector_paused``): prompt_toolkit
makes a few thousand key bindings for every prompt, all of which stay alive while it
is asked, and the collector would otherwise walk them, with everything else the
program holds, several times before the question is on the screen. Once questionary
is loaded, what the program holds is frozen (``gc.freeze``), so later collections skip
the libraries' objects.
"""

from __future__ import annotations

import gc
import shutil
import textwrap
from typing import Any

from epoc_wizard.errors import Interrupted
from epoc_wizard.flowspec.load import collector_paused
from epoc_wizard.flowspec.model import Question, Step
from epoc_wizard.ui import Action, Validator, ask_action

with collector_paused():
    import questionary
    from prompt_toolkit.styles import Style

    # What is loaded by now (pydantic, the models, questionary, prompt_toolkit) lives
    # as long as the program: the collector need never walk it again.
    gc.freeze()

_STYLE = Style(
    [
        ("qmark", "fg:ansicyan bold"),
        ("question", "bold"),
        ("answer", "fg:ansigreen bold"),
        ("pointer", "fg:ansicyan bold"),
        ("highlighted", "fg:ansicyan bold"),
    ]
)


def _run(prompt: Any, *, text: bool = False) -> Any:
    if not text:
        _stop_on_ctrl_d(prompt.application)
    try:
        answer = prompt.unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        raise Interrupted() from None
    if answer is None:  # questionary returns None when the prompt is cancelled
        raise Interrupted()
    return answer


def _stop_on_ctrl_d(app: Any) -> None:
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    extra = KeyBindings()

    @extra.add("c-d", eager=True)
    def _eof(event: Any) -> None:
        event.app.exit(exception=EOFError, style="class:aborting")

    app.key_bindings = merge_key_bindings([app.key_bindings, extra]) if app.key_bindings else extra


class Prompter:
    def ask(self, question: Question, validate: Validator) -> Any:
        with collector_paused():
            return self._ask(question, validate)

    def _ask(self, question: Question, validate: Validator) -> Any:
        kind = question.kind
        text = question.prompt
        hint = question.help or None
        if kind == "confirm":
            default = question.default if isinstance(question.default, bool) else False
            return _run(
                questionary.confirm(
                    text, default=default, style=_STYLE, instruction=hint and f" ({hint}) "
                )
            )
        if kind in ("select", "checkbox"):
            assert question.options is not None
            choices = [questionary.Choice(o.label, value=o.value) for o in question.options]
            if kind == "select":
                return _run(
                    questionary.select(text, choices=choices, style=_STYLE, instruction=hint)
                )

            def at_least_one(picked: list[str]) -> bool | str:
                return (
                    bool(picked)
                    or not question.required
                    or "Pick at least one with the space bar, then press Enter."
                )

            value = _run(
                questionary.checkbox(
                    text, choices=choices, style=_STYLE, validate=at_least_one, instruction=hint
                )
            )
            return list(value)

        # A refused answer's sentence is printed in full above the prompt, which is then
        # asked again with what was typed: questionary's own validation line is one
        # screen line long and would cut off the part that says how to fix it.
        typed = question.default if isinstance(question.default, str) else ""
        while True:
            if question.secret:
                raw = _run(questionary.password(text, style=_STYLE, instruction=hint), text=True)
            else:
                raw = _run(
                    questionary.text(text, default=typed, style=_STYLE, instruction=hint), text=True
                )
            result = validate(raw)
            if result.ok:
                return result.value
            width = max(40, shutil.get_terminal_size().columns - 2)
            print(textwrap.fill(result.message, width, initial_indent="  ", subsequent_indent="  "))
            typed = "" if question.secret else raw

    def action(self, step: Step, *, waiting: bool, can_go_back: bool) -> Action:
        return ask_action(self, step, waiting=waiting, can_go_back=can_go_back)

    def choose(self, message: str, choices: list[tuple[str, str]]) -> str:
        with collector_paused():
            q = questionary.select(
                message,
                style=_STYLE,
                choices=[questionary.Choice(label, value=v) for v, label in choices],
            )
            return str(_run(q))

    def confirm(self, message: str, *, default: bool = False) -> bool:
        with collector_paused():
            return bool(_run(questionary.confirm(message, default=default, style=_STYLE)))
