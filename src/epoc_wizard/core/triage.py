"""Which path a person needs: the triage questions, then the flows to follow, in order.

The questions, the routes and what is handed on to the flows are data
(``flows/triage.yaml``), with the same conditions as flows, so that when CMS moves a
task to another system only that file changes. This module only evaluates it:
``recommend`` is a pure function of the answers (the first route whose condition
holds), and ``prefill`` gives the flows the answers in their own words, so nothing
asked here is asked again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from epoc_wizard.flowspec.conditions import holds
from epoc_wizard.flowspec.model import Question
from epoc_wizard.flowspec.triagefile import Advice, Pick, TriageFile


@dataclass(frozen=True)
class Outcome:
    """The flows to start, in order (each with its reason and source), or advice."""

    start: list[Pick]
    advice: Advice | None


def questions(triage: TriageFile, answers: Mapping[str, Any]) -> list[Question]:
    """The questions still to ask, given the answers so far (in order)."""
    return [q for q in triage.questions if q.id not in answers and holds(q.when, answers)]


def recommend(triage: TriageFile, answers: Mapping[str, Any]) -> Outcome:
    """The first route whose condition holds; its picks whose own conditions hold."""
    for route in triage.routes:
        if holds(route.when, answers):
            picks = [p for p in route.start if holds(p.when, answers)]
            if picks or route.advice is not None:
                return Outcome(picks, route.advice)
    return Outcome([], None)


def prefill(triage: TriageFile, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Triage answers in the words of the flows (``carry``), so that no flow asks them
    again. Later rules win; an answer not given is not carried."""
    out: dict[str, Any] = {}
    for carry in triage.carry:
        if not holds(carry.when, answers):
            continue
        if carry.from_ is None:
            out[carry.to] = carry.value
            continue
        value = answers.get(carry.from_)
        if value in (None, "", []):
            continue
        out[carry.to] = (
            carry.map.get(value, value) if carry.map and isinstance(value, str) else value
        )
    return out
