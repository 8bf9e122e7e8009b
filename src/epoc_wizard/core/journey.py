"""Saved progress: one journey is one flow for one facility (CCN) or one person.

These models are what the state file holds for each journey. They hold answers
that are not secret, each step's status and times, and waits with their due dates.
``summary`` repeats a few facts (titles, progress, the wait) that the engine
refreshes on every save, so that ``epoc-wizard status`` can print a table from the
JSON alone, without loading a flow, YAML or pydantic (see ``entry.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

StepStatus = Literal["pending", "done", "skipped", "waiting"]


class _Record(BaseModel):
    # Unknown keys are ignored so that a newer minor version's extra fields do not
    # make an older program refuse the file.
    model_config = ConfigDict(extra="ignore")


class WaitRecord(_Record):
    wait_for: str
    since: dt.datetime
    due: dt.datetime
    late: str
    contact: str | None = None
    phone: str | None = None


class StepRecord(_Record):
    status: StepStatus = "pending"
    done_at: dt.datetime | None = None
    wait: WaitRecord | None = None


class Summary(_Record):
    flow_title: str = ""
    step_id: str | None = None
    step_title: str | None = None
    done: int = 0
    total: int = 0


class Journey(_Record):
    id: str
    flow: str
    flow_version: int = 1
    facility: str | None = None
    label: str | None = None
    created: dt.datetime
    updated: dt.datetime
    finished: dt.datetime | None = None
    answers: dict[str, Any] = {}
    steps: dict[str, StepRecord] = {}
    summary: Summary = Summary()

    def record(self, step_id: str) -> StepRecord:
        return self.steps.get(step_id) or StepRecord()
