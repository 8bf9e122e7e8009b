"""Conditions and fill-in places of the flow format, evaluated against answers.

Both the loader's cross-checks (is every step reachable?) and the engine (which step
now?) need them, so they live with the format, below both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from epoc_wizard.flowspec.model import Condition


def holds(cond: Condition | None, answers: Mapping[str, Any]) -> bool:
    """Whether a condition is true for these answers (no condition: always true)."""
    if cond is None:
        return True
    if cond.all is not None:
        return all(holds(c, answers) for c in cond.all)
    if cond.any is not None:
        return any(holds(c, answers) for c in cond.any)
    if cond.not_ is not None:
        return not holds(cond.not_, answers)
    assert cond.answer is not None
    value = answers.get(cond.answer)
    if cond.answered is not None:
        return (value not in (None, "", [])) == cond.answered
    if cond.is_ is not None:
        return value == cond.is_ and type(value) is type(cond.is_)
    if cond.in_ is not None:
        return value in cond.in_
    return isinstance(value, list) and cond.contains in value


PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_-]*)\}")


def fill_in(template: str, answers: Mapping[str, Any]) -> str:
    """Put saved answers into ``{question_id}`` places; unknown places stay as they are."""

    def one(m: re.Match[str]) -> str:
        value = answers.get(m.group(1))
        return m.group(0) if value in (None, "") else str(value)

    return PLACEHOLDER.sub(one, template)
