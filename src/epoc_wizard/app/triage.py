"""``epoc-wizard start`` with no flow named: ask the triage questions, say which paths
fit and why (with the source and its date), and start the one the person picks.

The questions and routes are data (``flows/triage.yaml``); the rules that evaluate
them are ``core/triage.py``.
"""

from __future__ import annotations

from typing import Any

from epoc_wizard.app.context import Context
from epoc_wizard.core import triage
from epoc_wizard.core.answers import validator
from epoc_wizard.errors import FlowError


def run_triage(ctx: Context) -> tuple[str | None, dict[str, Any]]:
    """The flow the person chose to start (None if none), and its preset answers."""
    spec = ctx.catalog.triage
    if spec is None:
        raise FlowError(
            [
                "triage.yaml: the triage file is missing from the flows folder; name a flow "
                "instead (see 'epoc-wizard flows list')"
            ]
        )
    ctx.view.info("A few questions to find the path you need.")
    answers: dict[str, Any] = {}
    while todo := triage.questions(spec, answers):
        q = todo[0]
        answers[q.id] = ctx.ask().ask(q, validator(q, answers))
    outcome = triage.recommend(spec, answers)
    if outcome.advice is not None and not outcome.start:
        a = outcome.advice
        ctx.view.notice(a.title, f"{a.text}\n(Source: {ctx.catalog.cite(a.source)})")
        return None, {}
    ctx.view.notice(
        "Recommended, in this order",
        "\n".join(
            f"{i}. {ctx.catalog.get(p.flow).title} ({p.flow}): {p.reason}\n"
            f"   (Source: {ctx.catalog.cite(p.source)})"
            for i, p in enumerate(outcome.start, 1)
        ),
    )
    if answers.get("scope") == "several":
        ctx.view.info(
            "For several facilities, start one journey per facility with "
            "--facility CCN, or list them in an answers file under 'facilities:'; "
            "'epoc-wizard status' groups them by facility."
        )
    pick = ctx.ask().choose(
        "Start now?",
        [(p.flow, f"Start '{ctx.catalog.get(p.flow).title}' now") for p in outcome.start]
        + [("", "Not now")],
    )
    if not pick:
        ctx.view.info("Nothing was started. Run 'epoc-wizard start' again when you are ready.")
        return None, {}
    return pick, triage.prefill(spec, answers)
