"""Turning what a person typed into an answer, with the same checks everywhere.

The prompt, the answers file and ``epoc-wizard edit`` all call ``check_answer``, so
a value refused at the keyboard is refused in a script too, with the same sentence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from epoc_wizard.flowspec.model import Question
from epoc_wizard.words import shown


@dataclass(frozen=True)
class Checked:
    """A checked answer: ``value`` is normalized (text, bool, or a list of choices)."""

    ok: bool
    value: Any
    message: str = ""


def check_answer(question: Question, raw: Any, answers: Mapping[str, Any]) -> Checked:
    """Check one raw answer (text typed, or a value from an answers file)."""
    kind = question.kind
    if kind == "confirm":
        if isinstance(raw, bool):
            return Checked(True, raw)
        text = str(raw).strip().lower()
        if text in ("y", "yes", "true"):
            return Checked(True, True)
        if text in ("n", "no", "false"):
            return Checked(True, False)
        return Checked(False, str(raw), "Answer yes or no.")
    if kind in ("select", "checkbox"):
        return _check_options(question, raw)
    text = "" if raw is None else str(raw)
    if not text.strip() and not question.required:
        return Checked(True, "")
    if kind == "date":
        return check_date(text)
    if kind == "secret":
        if not text.strip():
            return Checked(
                False,
                "",
                "This cannot be empty; type it, or press Ctrl-C to stop and come back later.",
            )
        return Checked(True, text)
    state = answers.get(question.state_from) if question.state_from else None
    from epoc_wizard.checks import run_check  # after the first question: start-up

    result = run_check(kind, text, state=state if isinstance(state, str) else None)
    return Checked(result.ok, result.value, result.message)


def validator(question: Question, answers: Mapping[str, Any]) -> Callable[[Any], Checked]:
    """The check for one question, in the form the prompts take it."""
    return lambda raw: check_answer(question, raw, answers)


def _check_options(question: Question, raw: Any) -> Checked:
    assert question.options is not None
    values = [o.value for o in question.options]
    picked = raw if isinstance(raw, list) else [raw]
    if question.kind == "select" and isinstance(raw, list):
        picked = [object()]
    # Answers files hold text, except that YAML reads yes/no as true/false.
    picked = [shown(p) if isinstance(p, bool) else str(p) for p in picked]
    bad = [p for p in picked if p not in values]
    if bad:
        return Checked(False, str(raw), f"Choose one of: {', '.join(values)}.")
    value: Any = list(picked) if question.kind == "checkbox" else picked[0]
    return Checked(True, value)


def check_date(text: str) -> Checked:
    t = text.strip()
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return Checked(True, dt.datetime.strptime(t, fmt).date().isoformat())
        except ValueError:
            continue
    return Checked(False, t, "Type the date as MM/DD/YYYY (for example 07/14/2025).")
