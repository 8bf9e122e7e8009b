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
from typing import TYPE_CHECKING, Any

from epoc_wizard.errors import Interrupted
from epoc_wizard.flowspec.load import collector_paused
from epoc_wizard.flowspec.model import Question, Step
from epoc_wizard.ui import Action, Validator, ask_action

if TYPE_CHECKING:
    from epoc_wizard.core.answers import Checked

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


def _say(message: str) -> None:
    width = max(40, shutil.get_terminal_size().columns - 2)
    print(textwrap.fill(message, width, initial_indent="  ", subsequent_indent="  "))


def _secret(raw: Any) -> bool:
    from epoc_wizard.checks import looks_like_secret  # after the first question: start-up

    return isinstance(raw, str) and bool(looks_like_secret(raw))


def _check_on_enter(
    app: Any, validate: Validator, checked: list[Checked], *, clear_all: bool
) -> None:
    """Check the answer when Enter is pressed, before the prompt accepts it.

    An accepted answer ends the prompt as usual (its result is put in ``checked``). A
    refused one leaves the prompt running: the line is cleared if it holds a secret,
    then the sentence is printed above the prompt, which prompt_toolkit erases and
    draws again below it, so a refused secret is gone from the screen.
    """
    from prompt_toolkit.application import run_in_terminal
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    extra = KeyBindings()

    @extra.add("enter", eager=True)
    @extra.add("escape", "enter", eager=True)
    def _enter(event: Any) -> None:
        buffer = event.current_buffer
        result = validate(buffer.text)
        if result.ok:
            checked.append(result)
            buffer.validate_and_handle()
            return
        if clear_all or _secret(buffer.text):
            buffer.reset()
        run_in_terminal(lambda: _say(result.message))

    app.key_bindings = merge_key_bindings([app.key_bindings, extra]) if app.key_bindings else extra


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

        # Each answer is checked when Enter is pressed, inside the prompt: a refused
        # answer's sentence is printed in full above the prompt (questionary's own
        # validation line is one screen line long and would cut off the part that says
        # how to fix it), and the prompt stays, with what was typed in it so that it can
        # be corrected; a refused secret (or anything that looks like one) is cleared
        # from the line first, so it is never shown again, not even as an answered line.
        typed = question.default if isinstance(question.default, str) else ""
        while True:
            if question.secret:
                prompt = questionary.password(text, style=_STYLE, instruction=hint)
            else:
                prompt = questionary.text(text, default=typed, style=_STYLE, instruction=hint)
            checked: list[Checked] = []
            _check_on_enter(prompt.application, validate, checked, clear_all=question.secret)
            raw = _run(prompt, text=True)
            result = checked[-1] if checked else validate(raw)
            if result.ok:
                return result.value
            # Only if the prompt ended some other way: say why, and never offer a secret.
            _say(result.message)
            typed = "" if question.secret or _secret(raw) else raw

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
