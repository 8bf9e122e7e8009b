"""Checks that need the whole flow: ids, references, order of questions, reachability.

pydantic checks each value in isolation; a flow can still be wrong as a whole: two
steps with one id, a condition on a question nobody has asked yet, a contact that
does not exist, an option value misspelt so that a branch can never be taken. Each
problem is reported with the file and line of the step it comes from.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from math import prod
from typing import Any

from epoc_wizard.flowspec.conditions import PLACEHOLDER, holds
from epoc_wizard.flowspec.model import Condition, Contact, Question, Step

Locator = Callable[[tuple[str | int, ...]], str]
PlacedStep = tuple[Step, Locator]


MAX_BRANCHES = 4096


def cross_check(
    placed: list[PlacedStep],
    contacts: dict[str, Contact],
    flow_contacts: list[tuple[str, str]],
) -> list[str]:
    """Every whole-flow problem, as ``file:line: what is wrong and what was expected``."""
    problems: list[str] = []
    for cid, where in flow_contacts:
        if cid not in contacts:
            problems.append(f"{where}: unknown contact '{cid}'; expected one of {_list(contacts)}")
    seen_steps: dict[str, str] = {}
    asked: dict[str, Question] = {}
    for step, loc in placed:
        if step.id in seen_steps:
            problems.append(
                f"{loc(('id',))}: step id '{step.id}' is used twice (first at "
                f"{seen_steps[step.id]}); each step needs its own id"
            )
        seen_steps.setdefault(step.id, loc(("id",)))
        if step.when:
            problems += check_condition(step.when, asked, loc(("when",)))
        problems += _check_contacts(step, contacts, loc)
        for i, q in enumerate(step.questions):
            qloc = _sub_locator(loc, ("questions", i))
            if q.id in asked:
                problems.append(
                    f"{qloc(('id',))}: question id '{q.id}' is used twice; "
                    "each question needs its own id"
                )
            if q.when:
                problems += check_condition(q.when, asked, qloc(("when",)))
            if q.state_from is not None:
                src = asked.get(q.state_from)
                if src is None or src.kind != "state":
                    problems.append(
                        f"{qloc(('state_from',))}: state_from must name a 'state' "
                        f"question asked earlier, not '{q.state_from}'"
                    )
            if q.name_from is not None and q.name_from not in asked:
                problems.append(
                    f"{qloc(('name_from',))}: name_from must name a question asked "
                    f"earlier (the facility's name), not '{q.name_from}'"
                )
            asked[q.id] = q
        problems += _check_placeholders(step, asked, loc)
    if not problems:
        problems += _check_reachable(placed, asked)
    return problems


def _sub_locator(loc: Locator, prefix: tuple[str | int, ...]) -> Locator:
    return lambda sub: loc(prefix + tuple(sub))


def _list(names: dict[str, Any]) -> str:
    return ", ".join(sorted(names)) or "(none defined)"


def _check_contacts(step: Step, contacts: dict[str, Contact], loc: Locator) -> list[str]:
    refs: list[tuple[str | None, tuple[str, ...]]] = [(step.contact, ("contact",))]
    if step.wait:
        refs.append((step.wait.contact, ("wait", "contact")))
    if step.email:
        refs.append((step.email.to, ("email", "to")))
    out = []
    for cid, path in refs:
        if cid is not None and cid not in contacts:
            out.append(f"{loc(path)}: unknown contact '{cid}'; expected one of {_list(contacts)}")
    if step.email and step.email.to in contacts and not contacts[step.email.to].email:
        out.append(
            f"{loc(('email', 'to'))}: contact '{step.email.to}' has no e-mail address to send to"
        )
    return out


def check_condition(cond: Condition, asked: dict[str, Question], where: str) -> list[str]:
    out = []
    for sub in _atoms(cond):
        assert sub.answer is not None
        q = asked.get(sub.answer)
        if q is None:
            out.append(
                f"{where}: the condition reads answer '{sub.answer}', which is not "
                "asked in an earlier step; conditions may only use earlier answers"
            )
            continue
        if q.secret:
            out.append(
                f"{where}: the condition reads '{q.id}', a secret that is never kept; "
                "conditions may only use answers that are saved"
            )
            continue
        values: list[Any] = []
        if sub.is_ is not None:
            values = [sub.is_]
        elif sub.in_ is not None:
            values = list(sub.in_)
        elif sub.contains is not None:
            if q.kind != "checkbox":
                out.append(
                    f"{where}: 'contains' works on checkbox questions; "
                    f"'{q.id}' is a {q.kind} question"
                )
            values = [sub.contains]
        allowed = _domain(q)
        for v in values:
            if allowed is not None and v not in allowed:
                out.append(
                    f"{where}: '{q.id}' can never be {v!r}; expected one of "
                    f"{', '.join(repr(a) for a in allowed)}"
                )
    return out


def _atoms(cond: Condition) -> Iterator[Condition]:
    if cond.answer is not None:
        yield cond
    for sub in (cond.all or []) + (cond.any or []) + ([cond.not_] if cond.not_ else []):
        yield from _atoms(sub)


def _domain(q: Question) -> list[Any] | None:
    if q.kind == "confirm":
        return [True, False]
    if q.kind in ("select", "checkbox") and q.options:
        return [o.value for o in q.options]
    return None


def _check_placeholders(step: Step, asked: dict[str, Question], loc: Locator) -> list[str]:
    texts: list[tuple[tuple[str, ...], str]] = [(("do",), step.do)]
    if step.email:
        texts += [(("email", "subject"), step.email.subject), (("email", "body"), step.email.body)]
    out = []
    for path, text in texts:
        for name in PLACEHOLDER.findall(text):
            q = asked.get(name)
            if q is None:
                out.append(
                    f"{loc(path)}: '{{{name}}}' is not an answer asked by this step "
                    "or an earlier one"
                )
            elif q.secret:
                out.append(f"{loc(path)}: '{{{name}}}' is a secret and is never shown or written")
    return out


def _check_reachable(placed: list[PlacedStep], asked: dict[str, Question]) -> list[str]:
    """Report steps that no combination of answers can show.

    For each step, tries every combination of the values its condition tests, and of
    the answers those answers depend on in turn (plus "something else" and "not
    answered"), in flow order, the way the engine shows steps. Only the answers that
    matter to a step are combined, so a flow with many branches stays quick to check.
    """
    tested: dict[str, list[Any]] = {}
    depends: dict[str, set[str]] = {}
    for step, _ in placed:
        for q in step.questions:
            conds = [c for c in (step.when, q.when) if c is not None]
            depends[q.id] = {name for c in conds for name in c.answers_named()}
        for cond in filter(None, [step.when] + [q.when for q in step.questions]):
            for atom in _atoms(cond):
                assert atom.answer is not None
                vals = tested.setdefault(atom.answer, [])
                vals.extend(
                    v
                    for v in ([atom.is_] if atom.is_ is not None else []) + (atom.in_ or [])
                    if v not in vals
                )
                if atom.contains is not None and atom.contains not in vals:
                    vals.append(atom.contains)
    unreachable = []
    for step, loc in placed:
        if step.when is not None and not _can_show(step, placed, asked, tested, depends):
            unreachable.append(
                f"{loc(('id',))}: step '{step.id}' can never be shown: no "
                "combination of answers makes its condition true; check the "
                "values its condition tests"
            )
    return unreachable


def _can_show(
    step: Step,
    placed: list[PlacedStep],
    asked: dict[str, Question],
    tested: dict[str, list[Any]],
    depends: dict[str, set[str]],
) -> bool:
    assert step.when is not None
    needed: set[str] = set()
    todo = list(step.when.answers_named())
    while todo:
        name = todo.pop()
        if name not in needed:
            needed.add(name)
            todo += depends.get(name, ())
    names = [q.id for s, _ in placed for q in s.questions if q.id in needed]
    domains = [_values(asked[n], tested.get(n, [])) for n in names]
    if prod(len(d) for d in domains) > MAX_BRANCHES:
        return True  # too many to try: assume it can be shown
    for combo in itertools.product(*domains):
        choice = dict(zip(names, combo, strict=True))
        answers: dict[str, Any] = {}
        for other, _ in placed:
            if other is step:
                if holds(step.when, answers):
                    return True
                break
            if other.when is None or holds(other.when, answers):
                for q in other.questions:
                    if q.id in choice and (q.when is None or holds(q.when, answers)):
                        answers[q.id] = choice[q.id]
    return False


def _values(q: Question, tested: list[Any]) -> list[Any]:
    if q.kind == "checkbox":
        return [list(c) for r in range(len(tested) + 1) for c in itertools.combinations(tested, r)]
    unanswered = [] if q.required else [None]
    return [*(_domain(q) or [*tested, "\x00other"]), *unanswered]
