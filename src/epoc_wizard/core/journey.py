"""Saved progress: one journey is one flow for one facility (CCN) or one person.

These models are what the state file holds for each journey. They hold answers
that are not secret, each step's status and times, and waits with their due dates.
``summary`` repeats a few facts (titles, progress, the wait) that the engine
refreshes on every save, so that ``epoc-wizard status`` can print a table from the
JSON alone, without loading a flow, YAML or pydantic (see ``entry.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

StepStatus = Literal["pending", "done", "skipped", "waiting"]


def _stamp(value: Any) -> Any:
    """A saved time is an ISO 8601 text with its offset (or, in memory, an aware
    datetime): a number or a time without an offset in the file is damage, as
    ``status``'s light check says too, not something to reinterpret."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed
    raise ValueError("not a time with an offset, such as 2026-11-23T09:00:00-05:00")


#: A point in time as the state file keeps it.
Stamp = Annotated[dt.datetime, BeforeValidator(_stamp)]


class _Record(BaseModel):
    # Unknown keys are ignored so that a newer minor version's extra fields do not
    # make an older program refuse the file.
    # Built on first use, not at import: the first question comes up sooner.
    model_config = ConfigDict(extra="ignore", defer_build=True)


class WaitRecord(_Record):
    wait_for: str
    since: Stamp
    due: Stamp
    late: str
    contact: str | None = None
    phone: str | None = None
    #: The desk's other numbers ("1-888-477-7876, option 1"), until one is confirmed.
    other_phones: list[str] = []
    #: The desk's hours as its source gives them (``flowspec/deskhours.py``), so that
    #: ``status`` can say whether it is open now without loading the flows.
    open: dict[str, Any] | None = None


class Ticket(_Record):
    """A help desk's ticket number the person recorded (``epoc-wizard ticket``), on a step."""

    number: str
    #: The step it is about (its id and, for ``status``, its title).
    step: str | None = None
    title: str | None = None
    recorded: Stamp


class StepRecord(_Record):
    status: StepStatus = "pending"
    done_at: Stamp | None = None
    wait: WaitRecord | None = None


class AccessSummary(_Record):
    """Access the journey has reached that lapses without a login (see ``access.py``)."""

    what: str
    days: int
    renew: str = ""
    #: The date the access was granted (the step was done).
    since: dt.date


class Ahead(_Record):
    """A wait still ahead on the journey's path, for the survey clock (``deadline.py``)."""

    step_id: str
    title: str
    #: A wait already started ends at its due time ...
    until: Stamp | None = None
    #: ... one not yet started takes this many business days, from the flow or, with
    #: ``estimate``, from the wizard's own estimate (no source gives a duration).
    business_days: int | None = None
    estimate: bool = False
    contact: str | None = None
    phone: str | None = None
    #: What to do if it has not come by then (the wait's advice, or the estimate's why).
    late: str | None = None


class Deadline(_Record):
    """The plan of correction's due date, as the person gave it (``deadline.py``)."""

    #: The date the CMS-2567 arrived, and the due date printed on the letter (which wins).
    received: dt.date | None = None
    letter_due: dt.date | None = None
    #: The person's own business-day estimates, by step id, instead of the wizard's.
    estimates: dict[str, int] = {}


class Summary(_Record):
    flow_title: str = ""
    step_id: str | None = None
    step_title: str | None = None
    done: int = 0
    total: int = 0
    access: AccessSummary | None = None
    ahead: list[Ahead] = []
    #: The facility's state (two letters) and the e-mail address CMS writes to, from the
    #: answers of the flow's first ``state`` and ``email`` questions (``status --json``).
    state: str | None = None
    email: str | None = None


class Journey(_Record):
    id: str
    flow: str
    flow_version: int = 1
    facility: str | None = None
    label: str | None = None
    created: Stamp
    updated: Stamp
    finished: Stamp | None = None
    #: The last login the person recorded (``epoc-wizard login``), for access that lapses.
    last_login: dt.date | None = None
    #: A plan of correction's due date, when the journey is for one.
    deadline: Deadline | None = None
    #: Help-desk ticket numbers, oldest first (shown by status, the record and drafts).
    tickets: list[Ticket] = []
    answers: dict[str, Any] = {}
    steps: dict[str, StepRecord] = {}
    summary: Summary = Field(default_factory=Summary)

    def record(self, step_id: str) -> StepRecord:
        return self.steps.get(step_id) or StepRecord()

    def tickets_for(self, step_id: str) -> list[str]:
        """The ticket numbers recorded on a step, oldest first."""
        return [t.number for t in self.tickets if t.step == step_id]

    def with_ticket(self, number: str, step_id: str, title: str, now: dt.datetime) -> Journey:
        """This journey with a ticket number (already checked) recorded on a step, once."""
        if number in self.tickets_for(step_id):
            return self
        ticket = Ticket(number=number, step=step_id, title=title, recorded=now)
        return self.model_copy(update={"tickets": [*self.tickets, ticket], "updated": now})
