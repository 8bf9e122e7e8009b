"""Bringing a saved journey up to date with a flow that changed under it.

Flows are revised when CMS changes a screen. A journey saved under an older version
keeps every answer and every done step that still exists; records of steps and
answers to questions that were removed are dropped; new steps simply appear as not
done yet. The person is told, in one sentence, what changed.
"""

from __future__ import annotations

from epoc_wizard.journey import Journey
from epoc_wizard.model import Flow


def reconcile(flow: Flow, journey: Journey) -> tuple[Journey, str]:
    """The journey fitted to the flow, and a sentence about what changed ("" if nothing)."""
    step_ids = {s.id for s in flow.steps}
    question_ids = {q.id for q in flow.questions()}
    gone_steps = sorted(set(journey.steps) - step_ids)
    gone_answers = sorted(set(journey.answers) - question_ids)
    new_steps = [s.title for s in flow.steps if s.id not in journey.steps]
    if journey.flow_version == flow.version and not gone_steps and not gone_answers:
        return journey, ""
    fitted = journey.model_copy(update={
        "steps": {k: v for k, v in journey.steps.items() if k in step_ids},
        "answers": {k: v for k, v in journey.answers.items() if k in question_ids},
        "flow_version": flow.version,
        "finished": None,
    })
    parts = [f"'{flow.title}' changed from version {journey.flow_version} to {flow.version}"]
    kept = len(fitted.steps)
    parts.append(f"your {kept} recorded step{'s' if kept != 1 else ''} and "
                 f"{len(fitted.answers)} answer{'s' if len(fitted.answers) != 1 else ''} "
                 "that still apply are kept")
    if gone_steps:
        n = len(gone_steps)
        parts.append(f"{n} step{'s' if n != 1 else ''} no longer in the path "
                     f"{'were' if n != 1 else 'was'} dropped")
    if new_steps and journey.flow_version != flow.version:
        parts.append(f"steps you have not done yet, such as '{new_steps[0]}', will be shown")
    return fitted, "; ".join(parts) + "."
