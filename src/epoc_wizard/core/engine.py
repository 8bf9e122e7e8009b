"""The rules of a journey, as pure functions: no terminal, no files, no clock.

Each function takes a flow, a journey and (where time matters) ``now``, and returns
a value or a new journey; nothing is changed in place. The UI asks, the store
saves, and this module decides what comes next.

A step is shown when its condition holds for the answers so far. The current step
is the first shown step that is neither done nor skipped; a waiting step stays
current until the person says the thing they waited for has arrived.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from epoc_wizard.core.journey import (
    AccessSummary,
    Ahead,
    Deadline,
    Journey,
    StepRecord,
    StepStatus,
    WaitRecord,
)
from epoc_wizard.flowspec.conditions import holds
from epoc_wizard.flowspec.model import Flow, Question, Step


def visible_steps(flow: Flow, answers: Mapping[str, Any]) -> list[Step]:
    return [s for s in flow.steps if holds(s.when, answers)]


def visible_questions(step: Step, answers: Mapping[str, Any]) -> list[Question]:
    return [q for q in step.questions if holds(q.when, answers)]


def current_step(flow: Flow, journey: Journey) -> Step | None:
    """The step to work on now, or None when the journey is finished."""
    for step in visible_steps(flow, journey.answers):
        if journey.record(step.id).status not in ("done", "skipped"):
            return step
    return None


def open_questions(step: Step, journey: Journey, session: Mapping[str, Any]) -> list[Question]:
    """Questions of this step still to ask: shown, and answered neither in the journey
    nor (for secrets, which are never saved) earlier in this session."""
    return [
        q
        for q in visible_questions(step, journey.answers)
        if q.id not in (session if q.secret else journey.answers)
    ]


def apply_answer(journey: Journey, question: Question, value: Any, now: dt.datetime) -> Journey:
    """Record an answer. Secrets are refused here, so no caller can save one by mistake."""
    if question.secret:
        return journey
    update: dict[str, Any] = {"answers": {**journey.answers, question.id: value}, "updated": now}
    # An answer the flow marks as identifying the facility also files the journey.
    if question.identifies == "facility_ccn" and value:
        update["facility"] = value
    if question.identifies == "facility_name" and value:
        update["label"] = value
    if question.sets:
        update["deadline"] = _deadline(journey, question.sets, value)
    return journey.model_copy(update=update)


def _deadline(journey: Journey, sets: str, value: Any) -> Deadline:
    """The journey's due-date facts with one date given (or cleared, when empty)."""
    field = "received" if sets == "poc_received" else "letter_due"
    date = dt.date.fromisoformat(value) if isinstance(value, str) and value else None
    current = journey.deadline or Deadline()
    return current.model_copy(update={field: date})


def mark(
    flow: Flow, journey: Journey, step_id: str, status: StepStatus, now: dt.datetime
) -> Journey:
    """Set a step's status. Marking a step waiting starts its wait with a due date; a wait
    that ends with the step done is kept, so the record shows when it began."""
    step = flow.step(step_id)
    before = journey.record(step_id)
    wait = before.wait if status == "done" and before.status == "waiting" else None
    if status == "waiting":
        if step.wait is None:
            raise ValueError(f"step '{step_id}' has nothing to wait for")
        wait = start_wait(flow, step, now)
    record = StepRecord(
        status=status, done_at=now if status in ("done", "skipped") else None, wait=wait
    )
    return journey.model_copy(update={"steps": {**journey.steps, step_id: record}, "updated": now})


def start_wait(flow: Flow, step: Step, now: dt.datetime) -> WaitRecord:
    from epoc_wizard.dates import due_after

    assert step.wait is not None
    w = step.wait
    due = due_after(now, business_days=w.business_days, minutes=w.minutes)
    contact = flow.contact_book.get(w.contact or step.contact or "")
    return WaitRecord(
        wait_for=w.for_,
        since=now,
        due=due,
        late=w.late,
        contact=contact.name if contact else None,
        phone=contact.phone if contact else None,
    )


def go_back(flow: Flow, journey: Journey, now: dt.datetime) -> Journey:
    """Reopen the shown step just before the current one (no-op at the first step)."""
    shown = visible_steps(flow, journey.answers)
    current = current_step(flow, journey)
    end = shown.index(current) if current in shown else len(shown)
    for step in reversed(shown[:end]):
        if journey.record(step.id).status != "pending":
            steps = {**journey.steps, step.id: StepRecord()}
            return journey.model_copy(update={"steps": steps, "updated": now, "finished": None})
    return journey


def progress(flow: Flow, journey: Journey) -> tuple[int, int]:
    """(steps done or skipped, steps shown) for the answers so far."""
    shown = visible_steps(flow, journey.answers)
    done = sum(journey.record(s.id).status in ("done", "skipped") for s in shown)
    return done, len(shown)


def summarize(flow: Flow, journey: Journey, now: dt.datetime) -> Journey:
    """Refresh the facts ``status`` reads, and the finished time."""
    done, total = progress(flow, journey)
    step = current_step(flow, journey)
    summary = journey.summary.model_copy(
        update={
            "flow_title": flow.title,
            "step_id": step.id if step else None,
            "step_title": step.title if step else None,
            "done": done,
            "total": total,
            "access": _access(flow, journey),
            "ahead": _ahead(flow, journey),
        }
    )
    finished = journey.finished or now if step is None else None
    return journey.model_copy(
        update={"summary": summary, "finished": finished, "flow_version": flow.version}
    )


def _access(flow: Flow, journey: Journey) -> AccessSummary | None:
    """The lapsing access this journey has reached: the last done step that grants it."""
    found = None
    for step in visible_steps(flow, journey.answers):
        record = journey.record(step.id)
        if step.keeps_access and record.status == "done" and record.done_at:
            a = step.keeps_access
            found = AccessSummary(
                what=a.what, days=a.days, renew=a.renew, since=record.done_at.date()
            )
    return found


def _ahead(flow: Flow, journey: Journey) -> list[Ahead]:
    """The waits still ahead on the path the answers so far give, in order: a started
    wait with its due time, a flow's business-day wait, a step's estimate. Minute waits
    (an e-mail "within several minutes") do not move a due date and are left out."""
    out = []
    for step in visible_steps(flow, journey.answers):
        record = journey.record(step.id)
        if record.status in ("done", "skipped"):
            continue
        if record.status == "waiting" and record.wait:
            w = record.wait
            out.append(
                Ahead(
                    step_id=step.id,
                    title=w.wait_for,
                    until=w.due,
                    late=w.late,
                    contact=w.contact,
                    phone=w.phone,
                )
            )
            continue
        contact = flow.contact_book.get(step.contact or "")
        if step.estimate:
            out.append(
                Ahead(
                    step_id=step.id,
                    title=step.estimate.for_,
                    business_days=step.estimate.business_days,
                    estimate=True,
                    late=step.estimate.why,
                    contact=contact.name if contact else None,
                    phone=contact.phone if contact else None,
                )
            )
        if step.wait and step.wait.business_days:
            c = flow.contact_book.get(step.wait.contact or step.contact or "")
            out.append(
                Ahead(
                    step_id=step.id,
                    title=step.wait.for_,
                    business_days=step.wait.business_days,
                    late=step.wait.late,
                    contact=c.name if c else None,
                    phone=c.phone if c else None,
                )
            )
    return out
