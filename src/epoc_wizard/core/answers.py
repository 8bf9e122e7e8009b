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
    """A checked answer: ``value`` is normalized (text, bool, or a list of choices).
    ``suggestion``: what the person probably meant, for a likely typing slip (the check's
    ``message`` says so); see ``validator``."""

    ok: bool
    value: Any
    message: str = ""
    suggestion: str = ""


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
    name = answers.get(question.name_from) if question.name_from else None
    from epoc_wizard.checks import run_check  # after the first question: start-up

    result = run_check(
        kind,
        text,
        state=state if isinstance(state, str) else None,
        facility_name=name if isinstance(name, str) else None,
    )
    return Checked(result.ok, result.value, result.message, result.suggestion)


#: Said after a likely slip's question, at a prompt.
KEEP_IT = "If it is right as it is, enter it again to keep it."


def validator(question: Question, answers: Mapping[str, Any]) -> Callable[[Any], Checked]:
    """The check for one question, in the form the prompts take it.

    A value that looks like a typing slip (``admin@gmial.com``: a ``suggestion``) is
    refused once, with the question "Did you mean ...?", and kept when the same value
    is entered again: at the keyboard the refused text stays in the prompt, so Enter
    keeps it; in plain mode it is typed again. An answers file cannot answer back, so
    ``Scripted`` keeps the file's value and prints the question as a warning."""
    asked: set[str] = set()

    def check(raw: Any) -> Checked:
        result = check_answer(question, raw, answers)
        if not (result.ok and result.suggestion) or str(result.value) in asked:
            return result
        asked.add(str(result.value))
        return Checked(False, result.value, f"{result.message} {KEEP_IT}", result.suggestion)

    return check


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
