"""What every input check returns, and the small helpers they share (see ``checks.py``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

A = re.ASCII
DIGITS = re.compile(r"[0-9]+", A)
ALNUM = re.compile(r"[A-Za-z0-9]+", A)
#: Characters no answer needs: C0 and C1 controls, zero-width and line separators, the
#: soft hyphen, and the bidi marks, embeddings, overrides and isolates that make text
#: read differently from what it holds (``Sun\u202esir`` shows as "Sunris").
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u061c\u200b-\u200f\u202a-\u202e"
    r"\u2028\u2029\u2060-\u2064\u2066-\u2069\ufeff]"
)


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one value: normalized when ``ok``, explained when not.

    An accepted value may still carry a ``message`` to read (a warning). With a
    ``suggestion`` it is a likely typing slip ("Did you mean ...?"): the prompts ask
    once more and keep it when the person enters it again (``core/answers.validator``).
    """

    ok: bool
    value: str
    message: str = ""
    #: What the person probably meant, for a value that looks like a slip.
    suggestion: str = ""


def ok(value: str) -> CheckResult:
    return CheckResult(ok=True, value=value)


def fail(value: str, message: str) -> CheckResult:
    return CheckResult(ok=False, value=value.strip(), message=message)


def control_problem(raw: str, what: str) -> str:
    if _CONTROL.search(raw):
        return f"This {what} has a hidden character in it; delete it and type it again."
    return ""
