"""Checks of what flows, contacts and the triage name outside themselves: every cited
document is in the sources registry, and the triage's flows, questions and answers
exist. Each problem says where it is and what was expected."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from epoc_wizard.flowspec.crosscheck import check_condition
from epoc_wizard.flowspec.load import Located
from epoc_wizard.flowspec.model import Document, Flow, Question, Source
from epoc_wizard.flowspec.triagefile import TriageFile


def unknown_sources(
    cited: Iterable[tuple[Source, str]], sources: Mapping[str, Document]
) -> list[str]:
    """A problem for each source whose document is not in the registry."""
    known = ", ".join(sorted(sources)) or "(none: sources.yaml is missing)"
    return [
        f"{where}: source '{s.doc}' is not in the sources registry (sources.yaml); "
        f"expected one of {known}"
        for s, where in cited
        if s.doc not in sources
    ]


def triage_sources(triage: TriageFile) -> Iterator[tuple[Source, tuple[str | int, ...]]]:
    for i, route in enumerate(triage.routes):
        for j, pick in enumerate(route.start):
            yield pick.source, ("routes", i, "start", j, "source", "doc")
        if route.advice is not None:
            yield route.advice.source, ("routes", i, "advice", "source", "doc")


def triage_cites(triage: TriageFile) -> set[str]:
    return {s.doc for s, _ in triage_sources(triage)}


def check_triage(
    triage: TriageFile, doc: Located, flows: Mapping[str, Flow], sources: Mapping[str, Document]
) -> list[str]:
    """Whole-file problems of the triage: unknown sources, flows, questions or options."""
    problems = unknown_sources(((s, doc.at(p)) for s, p in triage_sources(triage)), sources)
    asked: dict[str, Question] = {}
    for i, q in enumerate(triage.questions):
        if q.when:
            problems += check_condition(q.when, asked, doc.at(("questions", i, "when")))
        asked[q.id] = q
    for i, route in enumerate(triage.routes):
        if route.when:
            problems += check_condition(route.when, asked, doc.at(("routes", i, "when")))
        for j, pick in enumerate(route.start):
            if pick.flow not in flows:
                problems.append(
                    f"{doc.at(('routes', i, 'start', j, 'flow'))}: unknown flow "
                    f"'{pick.flow}'; expected one of {', '.join(sorted(flows))}"
                )
            if pick.when:
                problems += check_condition(
                    pick.when, asked, doc.at(("routes", i, "start", j, "when"))
                )
    for i, carry in enumerate(triage.carry):
        if carry.from_ is not None and carry.from_ not in asked:
            problems.append(
                f"{doc.at(('carry', i, 'from'))}: '{carry.from_}' is not a triage question"
            )
        if carry.when:
            problems += check_condition(carry.when, asked, doc.at(("carry", i, "when")))
    return problems
