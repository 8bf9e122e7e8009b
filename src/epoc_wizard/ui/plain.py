"""Questions as numbered lines, for screen readers and terminals without arrow keys.

Used with ``--plain``, ``NO_COLOR`` or ``TERM=dumb``: every choice is a numbered line
and the person types its number; nothing moves on the screen.

Every question reads the same way (issue 15): the question, then its help on lines of
its own under it (for every kind: a screen reader reads "If you are not sure, choose
the CCN" before the choices), then the choices, then the line to type on, which says
what Enter does when it does anything ("press Enter for Yes"). Lines are broken between
words to the terminal's width; a web address is never broken. Everything printed passes
``words.printable`` (``ui.wrap`` does it).
"""

from __future__ import annotations

import getpass
import shutil
from typing import Any

from epoc_wizard.errors import Interrupted
from epoc_wizard.flowspec.model import Question, Step
from epoc_wizard.ui import Action, Validator, ask_action, wrap
from epoc_wizard.words import printable


def _width() -> int:
    return max(20, shutil.get_terminal_size().columns - 1)


def _say(text: str, indent: str = "") -> None:
    print("\n".join(wrap(text, _width(), indent)))


def _input(prompt: str, *, secret: bool = False) -> str:
    """Read a line after ``prompt``, whose lines but the last are printed first (so that
    the terminal does not break a word of it)."""
    lines = wrap(prompt, _width())
    if len(lines) > 1:
        print("\n".join(lines[:-1]))
    last = lines[-1] + " "
    try:
        return getpass.getpass(last) if secret else input(last)
    except (KeyboardInterrupt, EOFError):
        print()
        raise Interrupted() from None


def _item(number: int, label: str) -> None:
    """A numbered choice, its further lines under its first word."""
    import textwrap

    mark = f"  {number}. "
    lines = textwrap.wrap(
        printable(label),
        _width(),
        initial_indent=mark,
        subsequent_indent=" " * len(mark),
        break_long_words=False,
        break_on_hyphens=False,
    )
    print("\n".join(lines))


def _head(message: str, help: str) -> None:
    _say(message)
    if help.strip():
        _say(help, "  ")


class PlainPrompter:
    def ask(self, question: Question, validate: Validator) -> Any:
        default: Any = question.default  # a saved answer, offered again, may be a list
        if question.kind in ("select", "checkbox"):
            assert question.options is not None
            pairs = [(o.value, o.label) for o in question.options]
            if question.kind == "select":
                return self._choose(
                    question.prompt,
                    pairs,
                    question.help,
                    default if isinstance(default, str) else None,
                )
            return self._pick_many(
                question,
                pairs,
                validate,
                default if isinstance(default, list) else None,
            )
        suffix = ""
        if question.kind == "confirm":
            suffix = " (yes or no" + (
                f"; press Enter for {'Yes' if default else 'No'})"
                if isinstance(default, bool)
                else ")"
            )
        offered = default if isinstance(default, str) and default and not question.secret else ""
        if offered:
            suffix += f" [press Enter for {printable(offered)}]"
        label = question.prompt
        if question.help.strip():  # the question, its help under it, then where to type
            _head(question.prompt, question.help)
            label = question.short_label
        while True:
            raw = _input(f"{label}{suffix}:", secret=question.secret)
            if question.kind == "confirm" and not raw.strip() and isinstance(default, bool):
                raw = "yes" if default else "no"
            if offered and not raw.strip():
                raw = offered
            result = validate(raw)
            if result.ok:
                return result.value
            # The sentence never repeats what was typed, and nothing typed is offered back
            # as a default: a refused secret is not printed again (no escape codes here,
            # so the terminal's own echo of the typed line cannot be cleared).
            _say(result.message)
            if not question.secret and not result.value and raw.strip():
                # A refusal that keeps nothing is one shaped like a secret: say what this
                # mode cannot do, so the person can clear the screen if others see it.
                _say(
                    "What you typed is still on the screen above (plain mode cannot "
                    "erase it): clear the screen if others can see it."
                )

    def _pick_many(
        self,
        question: Question,
        pairs: list[tuple[str, str]],
        validate: Validator,
        ticked: list[str] | None,
    ) -> list[str]:
        _head(question.prompt, question.help)
        for i, (_, label) in enumerate(pairs, 1):
            _item(i, label)
        kept = [str(i) for i, (value, _) in enumerate(pairs, 1) if value in (ticked or [])]
        if kept:
            enter = f", or press Enter for {','.join(kept)}"
        elif ticked is not None or not question.required:
            enter = ", or press Enter for none"
        else:
            enter = ""
        while True:
            raw = _input(f"Type the numbers that apply, separated by commas{enter}:")
            if not raw.strip() and (kept or ticked is not None or not question.required):
                raw = ",".join(kept)
                if not raw:
                    result = validate([])
                    if result.ok:
                        return []
                    _say(result.message or "Pick at least one number.")
                    continue
            try:
                picked = [pairs[int(n) - 1][0] for n in raw.replace(" ", "").split(",") if n]
                if any(int(n) < 1 for n in raw.replace(" ", "").split(",") if n):
                    raise IndexError
            except (ValueError, IndexError):
                _say(f"Type numbers from 1 to {len(pairs)}, for example 1,3.")
                continue
            result = validate(picked)
            if result.ok and picked:
                return list(result.value)
            _say(result.message or "Pick at least one number.")

    def action(self, step: Step, *, waiting: bool, can_go_back: bool) -> Action:
        return ask_action(self, step, waiting=waiting, can_go_back=can_go_back)

    def choose(self, message: str, choices: list[tuple[str, str]]) -> str:
        return self._choose(message, choices)

    def _choose(
        self,
        message: str,
        choices: list[tuple[str, str]],
        help: str = "",
        default: str | None = None,
    ) -> str:
        _head(message, help)
        for i, (_, label) in enumerate(choices, 1):
            _item(i, label)
        values = [v for v, _ in choices]
        offered = values.index(default) + 1 if default in values else None
        enter = f" (press Enter for {offered})" if offered else ""
        while True:
            raw = _input(f"Type a number from 1 to {len(choices)}{enter}:").strip()
            if not raw and offered:
                return choices[offered - 1][0]
            if raw.isdigit() and 1 <= int(raw) <= len(choices):
                return choices[int(raw) - 1][0]
            _say(f"That is not one of the choices. Type a number from 1 to {len(choices)}.")

    def confirm(self, message: str, *, default: bool = False) -> bool:
        while True:
            answer = "Yes" if default else "No"
            raw = _input(f"{message} (yes or no; press Enter for {answer}):").strip().lower()
            if not raw:
                return default
            if raw in ("y", "yes"):
                return True
            if raw in ("n", "no"):
                return False
            _say("Type yes or no.")
