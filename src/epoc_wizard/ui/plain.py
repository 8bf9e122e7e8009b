"""Questions as numbered lines, for screen readers and terminals without arrow keys.

Used with ``--plain``, ``NO_COLOR`` or ``TERM=dumb``: every choice is a numbered line
and the person types its number; nothing moves on the screen.
"""

from __future__ import annotations

import getpass
from typing import Any

from epoc_wizard.errors import Interrupted
from epoc_wizard.flowspec.model import Question, Step
from epoc_wizard.ui import Action, Validator, ask_action


def _input(prompt: str, *, secret: bool = False) -> str:
    try:
        return getpass.getpass(prompt) if secret else input(prompt)
    except (KeyboardInterrupt, EOFError):
        print()
        raise Interrupted() from None


class PlainPrompter:
    def ask(self, question: Question, validate: Validator) -> Any:
        if question.kind in ("select", "checkbox"):
            assert question.options is not None
            pairs = [(o.value, o.label) for o in question.options]
            if question.kind == "select":
                return self.choose(question.prompt, pairs)
            return self._pick_many(question.prompt, pairs, validate, question.required)
        suffix = " (yes or no)" if question.kind == "confirm" else ""
        offered = (
            question.default
            if isinstance(question.default, str) and question.default and not question.secret
            else ""
        )
        if offered:
            suffix += f" [press Enter for {offered}]"
        if question.help:
            print(question.help)
        while True:
            raw = _input(f"{question.prompt}{suffix}: ", secret=question.secret)
            if (
                question.kind == "confirm"
                and not raw.strip()
                and isinstance(question.default, bool)
            ):
                raw = "yes" if question.default else "no"
            if offered and not raw.strip():
                raw = offered
            result = validate(raw)
            if result.ok:
                return result.value
            # The sentence never repeats what was typed, and nothing typed is offered back
            # as a default: a refused secret is not printed again (no escape codes here,
            # so the terminal's own echo of the typed line cannot be cleared).
            print(result.message)

    def _pick_many(
        self, message: str, pairs: list[tuple[str, str]], validate: Validator, required: bool
    ) -> list[str]:
        print(message)
        for i, (_, label) in enumerate(pairs, 1):
            print(f"  {i}. {label}")
        none = "" if required else ", or press Enter for none"
        while True:
            raw = _input(f"Type the numbers that apply, separated by commas{none}: ")
            if not raw.strip() and not required:
                return []
            try:
                picked = [pairs[int(n) - 1][0] for n in raw.replace(" ", "").split(",") if n]
                if any(int(n) < 1 for n in raw.replace(" ", "").split(",") if n):
                    raise IndexError
            except (ValueError, IndexError):
                print(f"Type numbers from 1 to {len(pairs)}, for example 1,3.")
                continue
            result = validate(picked)
            if result.ok and picked:
                return list(result.value)
            print(result.message or "Pick at least one number.")

    def action(self, step: Step, *, waiting: bool, can_go_back: bool) -> Action:
        return ask_action(self, step, waiting=waiting, can_go_back=can_go_back)

    def choose(self, message: str, choices: list[tuple[str, str]]) -> str:
        print(message)
        for i, (_, label) in enumerate(choices, 1):
            print(f"  {i}. {label}")
        while True:
            raw = _input(f"Type a number from 1 to {len(choices)}: ").strip()
            if raw.isdigit() and 1 <= int(raw) <= len(choices):
                return choices[int(raw) - 1][0]
            print(f"That is not one of the choices. Type a number from 1 to {len(choices)}.")

    def confirm(self, message: str, *, default: bool = False) -> bool:
        while True:
            raw = _input(f"{message} (yes or no): ").strip().lower()
            if not raw:
                return default
            if raw in ("y", "yes"):
                return True
            if raw in ("n", "no"):
                return False
            print("Type yes or no.")
