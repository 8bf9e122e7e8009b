"""The one place the wizard reads the time.

``EPOC_WIZARD_NOW`` (an ISO 8601 time with an offset) fixes the clock, so that tests
and demonstrations of waits and due dates never depend on the wall clock.
"""

from __future__ import annotations

import datetime as dt
import os

from epoc_wizard.errors import UsageError


def now() -> dt.datetime:
    fixed = os.environ.get("EPOC_WIZARD_NOW")
    if not fixed:
        return dt.datetime.now(dt.UTC)
    try:
        value = dt.datetime.fromisoformat(fixed)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise UsageError(
            f"EPOC_WIZARD_NOW={fixed!r} is not a time with an offset; use a "
            "form like 2026-11-23T09:00:00-05:00, or unset it."
        )
    return value
