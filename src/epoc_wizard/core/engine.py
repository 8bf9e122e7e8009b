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
import itertools
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
from epoc_wizard.flowspec.model import Condition, Flow, Question, Step


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
    if question.identifies in ("facility_name", "organization_name") and value:
        update["label"] = value  # an assister's organization names the journey
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
        other_phones=[
            p.phone + (f", {p.option}" if p.option else "")
            for p in (contact.other_phones if contact else [])
        ],
        open=contact.open.as_data() if contact and contact.open else None,
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
    """(steps done or skipped, steps on the path) for the answers so far.

    The path is ``path_length``: the steps shown, and as many of the steps that answers
    still to come decide as those answers could show. So the count never grows while
    questions are answered (an answer can only rule steps out); it can when an answer
    is changed."""
    shown = visible_steps(flow, journey.answers)
    done = sum(journey.record(s.id).status in ("done", "skipped") for s in shown)
    return done, path_length(flow, journey)[0]


#: The most combinations of answers still to come that ``path_length`` tries for one
#: group of steps; beyond it, every step of the group is counted.
_COMBINATIONS = 4096


def path_length(flow: Flow, journey: Journey) -> tuple[int, bool]:
    """How many steps the path has at most, and whether that is settled (no answer still
    to come can change it).

    Steps shown now count; steps hidden now for good do not. A step whose condition
    reads a question not answered yet, but still to be asked, is undecided: its steps
    are grouped by the questions they read, and each group counts as many steps as the
    answers to its questions could show at most (every option of a choice, yes and
    no, given or empty, tried together). The count starts high and only comes down as
    questions are answered: "Step 3 of about 20" rather than "1 of 11, 2 of 12, 3 of
    13", a finish line that seems to move away (issue 15).
    """
    answers = journey.answers
    # Questions that may still be asked: unanswered, in a step not done yet, and not
    # ruled out by a condition on the answers already given.
    pending = {
        q.id: (step, q)
        for step in flow.steps
        if journey.record(step.id).status not in ("done", "skipped")
        for q in step.questions
        if q.id not in answers and not q.secret
    }
    unknown = set(pending)
    maybe: dict[str, bool | None] = {}
    while True:
        maybe = {
            qid: _both(_holds3(step.when, answers, unknown), _holds3(q.when, answers, unknown))
            for qid, (step, q) in pending.items()
            if qid in unknown
        }
        still = {qid for qid, asked in maybe.items() if asked is not False}
        if still == unknown:
            break
        unknown = still
    count = 0
    groups: list[tuple[set[str], list[Step]]] = []
    for step in flow.steps:
        shown = _holds3(step.when, answers, unknown)
        if shown is not None:
            count += shown
            continue
        assert step.when is not None
        ids = {n for n in step.when.answers_named() if n in unknown}
        steps = [step]
        for group in [g for g in groups if g[0] & ids]:
            groups.remove(group)
            ids |= group[0]
            steps += group[1]
        groups.append((ids, steps))
    for ids, steps in groups:
        names = sorted(ids)
        values = [_could_be(pending[n][1], steps, maybe[n] is None) for n in names]
        combinations = 1
        for v in values:
            combinations *= len(v)
        if combinations > _COMBINATIONS:
            count += len(steps)
            continue
        count += max(
            sum(holds(s.when, {**answers, **dict(zip(names, combo, strict=True))}) for s in steps)
            for combo in itertools.product(*values)
        )
    return count, not groups


def _holds3(cond: Condition | None, answers: Mapping[str, Any], unknown: set[str]) -> bool | None:
    """``holds``, or None when it depends on an answer in ``unknown``."""
    if cond is None:
        return True
    if cond.all is not None:
        found = [_holds3(c, answers, unknown) for c in cond.all]
        return False if False in found else None if None in found else True
    if cond.any is not None:
        found = [_holds3(c, answers, unknown) for c in cond.any]
        return True if True in found else None if None in found else False
    if cond.not_ is not None:
        inner = _holds3(cond.not_, answers, unknown)
        return None if inner is None else not inner
    if cond.answer in unknown:
        return None
    return holds(cond, answers)


def _both(a: bool | None, b: bool | None) -> bool | None:
    return False if False in (a, b) else None if None in (a, b) else True


def _could_be(question: Question, steps: list[Step], unasked: bool) -> list[Any]:
    """The answers a question could get, as far as the conditions of ``steps`` can tell
    them apart (and None when it may never be asked)."""
    values: list[Any] = [None] if unasked else []
    if question.kind == "confirm":
        return [*values, True, False]
    if question.options is not None:
        options = [o.value for o in question.options]
        if question.kind == "select":
            return values + options
        return [*values, [], options, *([o] for o in options)]
    named: list[Any] = ["", "\0"]  # empty, and anything else

    def collect(cond: Condition | None) -> None:
        if cond is None:
            return
        for sub in (cond.all or []) + (cond.any or []) + ([cond.not_] if cond.not_ else []):
            collect(sub)
        if cond.answer == question.id:
            named.extend([cond.is_] if cond.is_ is not None else cond.in_ or [])

    for step in steps:
        collect(step.when)
    return values + named


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
            "state": _first_answer(flow, journey, ("state",)),
            "email": _first_answer(flow, journey, ("email", "work_email")),
        }
    )
    finished = journey.finished or now if step is None else None
    return journey.model_copy(
        update={"summary": summary, "finished": finished, "flow_version": flow.version}
    )


def _first_answer(flow: Flow, journey: Journey, kinds: tuple[str, ...]) -> str | None:
    """The answer to the flow's first question of one of these kinds, if given."""
    for q in flow.questions():
        value = journey.answers.get(q.id)
        if q.kind in kinds and isinstance(value, str) and value:
            return value
    return None


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
    mine = journey.deadline.estimates if journey.deadline else {}
    for step in visible_steps(flow, journey.answers):
        record = journey.record(step.id)
        e = step.estimate
        if record.status == "done" and e and e.runs == "after" and record.done_at:
            # What the step set going (CMS approving a first PSO) runs on after it.
            from epoc_wizard.dates import due_after

            days = mine.get(step.id, e.business_days)
            out.append(
                Ahead(
                    step_id=step.id,
                    title=e.for_,
                    until=due_after(record.done_at, business_days=days),
                    estimate=True,
                    late=e.why,
                )
            )
            continue
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
