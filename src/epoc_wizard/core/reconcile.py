"""Bringing a saved journey up to date with a flow that changed under it.

Flows are revised when CMS changes a screen. A journey saved under an older version
keeps every answer and every done step that still exists. Records of steps that were
removed, and answers to questions that were removed (or whose saved value the new
version no longer offers), are dropped. A done step that gained a question is opened
again so that the question is asked; a step that is new and comes before where the
person was is shown first; new steps further on simply appear as not done yet.

Steps are matched by id only. A step that was renamed (given a new id) cannot be told
apart from one removed and another added, so the sentence says exactly that rather
than guessing. The person is told, in one sentence, what changed.
"""

from __future__ import annotations

from typing import Any

from epoc_wizard.core.engine import visible_questions, visible_steps
from epoc_wizard.core.journey import Journey, StepRecord
from epoc_wizard.flowspec.model import Flow, Question
from epoc_wizard.words import plural


def _fits(question: Question, value: Any) -> bool:
    """Whether a saved answer is still one this question could have given."""
    values = [o.value for o in question.options or []]
    if question.kind == "select":
        return value in values
    if question.kind == "checkbox":
        return isinstance(value, list) and all(v in values for v in value)
    if question.kind == "confirm":
        return isinstance(value, bool)
    return not question.secret


def _names(items: list[str]) -> str:
    shown = ", ".join(f"'{i}'" for i in items[:3])
    return shown + (f" and {len(items) - 3} more" if len(items) > 3 else "")


def reconcile(flow: Flow, journey: Journey) -> tuple[Journey, str]:
    """The journey fitted to the flow, and a sentence about what changed ("" if nothing)."""
    step_ids = {s.id for s in flow.steps}
    asked: dict[str, list[Question]] = {}
    for q in flow.questions():
        asked.setdefault(q.id, []).append(q)
    gone_steps = sorted(set(journey.steps) - step_ids)
    gone_answers = sorted(
        k for k, v in journey.answers.items() if not any(_fits(q, v) for q in asked.get(k, []))
    )
    if journey.flow_version == flow.version and not gone_steps and not gone_answers:
        return journey, ""
    answers = {k: v for k, v in journey.answers.items() if k not in gone_answers}
    steps = {k: v for k, v in journey.steps.items() if k in step_ids}
    shown = visible_steps(flow, answers)

    def finished(step_id: str) -> bool:
        record = steps.get(step_id)
        return record is not None and record.status in ("done", "skipped")

    # A done step with a question it did not have (or whose answer was dropped) is
    # opened again: otherwise that question would never be asked.
    reopened = [
        s
        for s in shown
        if finished(s.id)
        and any(
            q.required and not q.secret and q.id not in answers
            for q in visible_questions(s, answers)
        )
    ]
    for s in reopened:
        steps[s.id] = StepRecord()
    # Steps with no record that come before the last done one: new, or renamed.
    last = max((i for i, s in enumerate(shown) if finished(s.id)), default=-1)
    earlier = [s for s in shown[:last] if s.id not in journey.steps]

    fitted = journey.model_copy(
        update={"steps": steps, "answers": answers, "flow_version": flow.version, "finished": None}
    )
    if journey.flow_version != flow.version:
        parts = [f"'{flow.title}' changed from version {journey.flow_version} to {flow.version}"]
    else:
        parts = [f"'{flow.title}' changed"]
    parts.append(
        f"your {plural(sum(finished(k) for k in steps), 'done step', 'done steps')} "
        f"and {plural(len(answers), 'answer', 'answers')} that still apply are kept"
    )
    if gone_steps:
        n = len(gone_steps)
        parts.append(
            f"{plural(n, 'step', 'steps')} you had recorded "
            f"({_names(gone_steps)}) {'is' if n == 1 else 'are'} no longer in the "
            f"path and {'was' if n == 1 else 'were'} dropped; steps are matched by "
            "name, so a step that was "
            "only renamed cannot be recognised and shows again as not done"
        )
    if gone_answers:
        parts.append(
            f"{plural(len(gone_answers), 'answer', 'answers')} to questions no "
            f"longer asked, or no longer offered, ({_names(gone_answers)}) "
            f"{'was' if len(gone_answers) == 1 else 'were'} dropped"
        )
    for s in reopened[:2]:
        parts.append(f"'{s.title}' has a question you have not answered yet, so it is opened again")
    if earlier:
        titles = _names([s.title for s in earlier])
        parts.append(
            f"{titles} {'is' if len(earlier) == 1 else 'are'} new (or renamed) and "
            f"{'comes' if len(earlier) == 1 else 'come'} before where you were, so "
            f"{'it is' if len(earlier) == 1 else 'they are'} shown first"
        )
    return fitted, "; ".join(parts) + "."
