"""``epoc-wizard ticket JOURNEY NUMBER [--step STEP]``: keep the help desk's ticket
number with the step it is about, so that nobody has to find it again.

The number is checked first (``checks.check_ticket``: letters, digits and dashes, at
most 30 characters, and never something shaped like a password, key or SSN, which is
refused and not kept). It is saved on the journey (``Journey.tickets``) and appears in
``status`` (and ``status --json``), in the record (``export``) and in the e-mail drafts
of that step ("Ticket: INC0012345"). The step session's "What next?" menu offers the
same ("Record a help-desk ticket number").
"""

from __future__ import annotations

from epoc_wizard.app.context import Context
from epoc_wizard.checks import check_ticket
from epoc_wizard.core import engine
from epoc_wizard.core.journey import Journey
from epoc_wizard.errors import UsageError
from epoc_wizard.flowspec.model import Flow, Step


def _step(flow: Flow, journey: Journey, step_id: str | None) -> Step:
    shown = engine.visible_steps(flow, journey.answers)
    if step_id is None:
        current = engine.current_step(flow, journey)
        if current is None:
            raise UsageError(
                f"{journey.id} is finished, so it has no current step to put the ticket on.",
                "Name the step with --step; its id is in brackets in "
                f"'epoc-wizard flows show {flow.id}'.",
            )
        return current
    for step in flow.steps:
        if step.id == step_id:
            return step
    names = ", ".join(s.id for s in shown)
    raise UsageError(
        f"There is no step '{step_id}' in '{flow.title}'.",
        f"Use one of the steps of this journey: {names}.",
    )


def record_ticket(ctx: Context, journey_id: str, number: str, step_id: str | None) -> str:
    """Check and save the ticket number; say where it will be seen."""
    checked = check_ticket(number)
    if not checked.ok:
        raise UsageError(f"That ticket number was not saved: {checked.message}")
    journey = ctx.store.load(journey_id)
    flow = ctx.catalog.get(journey.flow)
    step = _step(flow, journey, step_id)
    if checked.value in journey.tickets_for(step.id):
        return f"Ticket {checked.value} was already recorded for '{step.title}'."
    now = ctx.now()
    saved = engine.summarize(
        flow, journey.with_ticket(checked.value, step.id, step.title, now), now
    )
    ctx.store.save(saved)
    return (
        f"Saved ticket {checked.value} for the step '{step.title}' of {journey.id}. "
        "'epoc-wizard status' shows it, and so do the record ('epoc-wizard export') and "
        "that step's e-mail drafts ('epoc-wizard email')."
    )
