"""What every input check returns, and the small helpers they share (see ``checks.py``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

A = re.ASCII
DIGITS = re.compile(r"[0-9]+", A)
ALNUM = re.compile(r"[A-Za-z0-9]+", A)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2028\u2029\ufeff]")


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one value: normalized when ``ok``, explained when not."""

    ok: bool
    value: str
    message: str = ""


def ok(value: str) -> CheckResult:
    return CheckResult(ok=True, value=value)


def fail(value: str, message: str) -> CheckResult:
    return CheckResult(ok=False, value=value.strip(), message=message)


def control_problem(raw: str, what: str) -> str:
    if _CONTROL.search(raw):
        return f"This {what} has a hidden character in it; delete it and type it again."
    return ""
