"""What ``edit JOURNEY QUESTION`` does, behind the thin command line.

One earlier answer is asked again (or taken from ``--value``) with the same checks as in
a session, saved, and what that changed in the steps that apply is said; for a step the
wizard can only estimate, ``edit JOURNEY STEP --value DAYS`` keeps the person's own
estimate instead (the survey clock uses it).

As in ``journeys.py``, the engine, the answer checks and the journey model are imported
inside the functions that use them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from epoc_wizard.app.context import Context
from epoc_wizard.errors import UsageError, WizardError

if TYPE_CHECKING:
    from epoc_wizard.core.journey import Journey
    from epoc_wizard.flowspec.model import Flow, Step


def edit(ctx: Context, journey_id: str, question_id: str, value: str | None) -> str:
    """Ask one earlier answer again (or take ``value``), with the same checks; say what
    that changed in the steps that apply."""
    from epoc_wizard.core import engine
    from epoc_wizard.core.answers import check_answer, validator
    from epoc_wizard.core.reconcile import reconcile

    store = ctx.store
    journey = store.load(journey_id)
    flow = ctx.catalog.get(journey.flow)
    journey, _ = reconcile(flow, journey)  # a flow revised since: edit the current steps
    question = flow.question(question_id)
    estimated = next((s for s in flow.steps if s.id == question_id and s.estimate), None)
    if question is None and estimated is not None:
        return _change_estimate(ctx, flow, journey, estimated, value)
    if question is None:
        known = ", ".join(q.id for q in flow.questions() if not q.secret)
        raise UsageError(
            f"'{question_id}' is not a question of {flow.title}. Its questions: {known}."
        )
    if question.secret:
        raise UsageError(f"'{question_id}' is never saved, so there is nothing to change.")
    note = ""  # what the check says about a value it keeps ("Did you mean ...?")
    if value is not None:
        result = check_answer(question, value, journey.answers)
        if not result.ok:
            raise WizardError(f"That answer was refused: {result.message}")
        new, note = result.value, result.message
    else:
        old = journey.answers.get(question_id)
        if old is not None:
            ctx.view.info(f"Current answer: {question.display(old)}")
        # The current answer is offered (Enter keeps it), as when going back in a session.
        offered = (
            question.model_copy(update={"default": old})
            if isinstance(old, str | bool) and old != ""
            else question
        )
        new = ctx.ask().ask(offered, validator(question, journey.answers))
    before = [s.id for s in engine.visible_steps(flow, journey.answers)]
    changed = engine.apply_answer(journey, question, new, ctx.now())
    changed = engine.summarize(flow, changed, ctx.now())
    store.save(changed)
    after = [s.id for s in engine.visible_steps(flow, changed.answers)]
    added = [flow.step(s).title for s in after if s not in before]
    removed = [flow.step(s).title for s in before if s not in after]
    parts = [f"Saved. {question.short_label}: {question.display(new)}"]
    if note:
        parts.append(note)
    if changed.facility != journey.facility and journey.facility and journey.facility in changed.id:
        parts.append(
            f"The journey is now filed under facility {changed.facility}; its "
            f"name stays {changed.id}."
        )
    # Answers checked against this one (a CCN or ZIP against the state) may no longer fit.
    for dep in flow.questions():
        if dep.state_from == question_id and dep.id in changed.answers:
            result = check_answer(dep, changed.answers[dep.id], changed.answers)
            if not result.ok:
                was = dep.display(changed.answers[dep.id])
                parts.append(
                    f"Check the {dep.short_label} ({was}): {result.message}\n"
                    f"  Change it with: epoc-wizard edit {changed.id} {dep.id}"
                )
    if added:
        parts.append("Steps that now apply: " + "; ".join(added) + ".")
    if removed:
        parts.append("Steps that no longer apply: " + "; ".join(removed) + ".")
    step = engine.current_step(flow, changed)
    parts.append(f"Next step: {step.title}." if step else "Every step is done.")
    return "\n".join(parts)


def _change_estimate(
    ctx: Context, flow: Flow, journey: Journey, step: Step, value: str | None
) -> str:
    """``edit JOURNEY STEP --value DAYS``: the person's own estimate for a step the wizard
    can only guess at (the survey clock uses it instead of the wizard's)."""
    from epoc_wizard.core import engine
    from epoc_wizard.core.journey import Deadline

    assert step.estimate is not None
    text = (value or "").strip()
    if value is None:
        raise UsageError(
            f"Give your estimate for {step.estimate.for_} in business days, for example: "
            f"epoc-wizard edit {journey.id} {step.id} --value 15"
        )
    if not text.isdigit() or not 1 <= int(text) <= 60:
        raise UsageError(
            "An estimate is a whole number of business days from 1 to 60, for example 15."
        )
    deadline = journey.deadline or Deadline()
    estimates = {**deadline.estimates, step.id: int(text)}
    changed = journey.model_copy(
        update={
            "deadline": deadline.model_copy(update={"estimates": estimates}),
            "updated": ctx.now(),
        }
    )
    ctx.store.save(engine.summarize(flow, changed, ctx.now()))
    return (
        f"Saved. Your estimate for {step.estimate.for_}: {int(text)} business days "
        f"(the wizard's guess was {step.estimate.business_days}). 'epoc-wizard status' "
        "uses it for the plan-of-correction due date."
    )
