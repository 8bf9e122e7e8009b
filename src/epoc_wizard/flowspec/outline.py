"""A flow as text a person can read: for ``flows list`` and ``flows show``.

Flow files can come from anyone (a folder of the person's own flows), so what is built
here from them is passed through ``words.printable``: each line one line, with control
characters, bidi and zero-width characters shown as escapes (issue 12). It is plain text,
never markup: the rich views show it as ``Text``.
"""

from __future__ import annotations

from typing import Any

from epoc_wizard.flowspec.conditions import holds
from epoc_wizard.flowspec.model import Condition, Contact, Flow
from epoc_wizard.words import long_date, printable

#: Provider type ids as people say them: one of them, and several.
PROVIDERS = {
    "nursing_home": ("a nursing home (skilled nursing or long-term care)", "nursing homes"),
    "hospice": ("a hospice", "hospices"),
    "home_health": ("a home health agency", "home health agencies"),
    "irf_ltch_swing": (
        "an inpatient rehabilitation facility, long-term care hospital or swing bed",
        "inpatient rehabilitation facilities, long-term care hospitals and swing beds",
    ),
    "assister": ("an assister", "assisters"),
    "state_agency": ("a state survey agency", "state survey agencies"),
}


def one(provider: str) -> str:
    """One provider of this type, as people say it: "a hospice"."""
    return PROVIDERS[provider][0] if provider in PROVIDERS else provider.replace("_", " ")


def contact_lines(contact: Contact) -> list[str]:
    """The contact as lines to print, each one line but the postal address (its lines
    indented under the first)."""
    lines = [printable(contact.name)]
    if contact.phone:
        lines.append(f"  Phone: {printable(contact.phone)}")
    for other in contact.other_phones:
        option = f", {other.option}" if other.option else ""
        lines.append(f"  Other number given: {printable(other.phone + option)}")
    if contact.email:
        lines.append(f"  E-mail: {printable(contact.email)}")
    if contact.hours:
        lines.append(f"  Hours: {printable(contact.hours)}")
    if contact.open is not None:
        from epoc_wizard.flowspec.deskhours import hours_text

        lines.append(f"  Hours: {printable(hours_text(contact.open.as_data()))}")
    if contact.web:
        lines.append(f"  Web: {printable(contact.web)}")
    if contact.address:
        address = printable(contact.address.strip(), lines=True)
        lines.append("  Mail: " + address.replace("\t", " ").replace("\n", "\n        "))
    if contact.notes:
        lines.append(f"  Note: {printable(contact.notes)}")
    return lines


def whom(providers: list[str]) -> str:
    """Provider type ids as a plural phrase: "nursing homes and hospices"."""
    names = [PROVIDERS[p][1] if p in PROVIDERS else p.replace("_", " ") + "s" for p in providers]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def what_next(flow: Flow, answers: dict[str, Any]) -> list[str]:
    """What the flow says comes after its last step (``next``), for these answers: each
    as a paragraph, then the command to run and the source, each on a line of its own."""
    out = []
    for n in flow.next:
        if holds(n.when, answers):
            run = f"\nRun: epoc-wizard start {n.flow}" if n.flow else ""
            cited = printable(flow.cite(n.source, *n.also))
            out.append(f"{printable(' '.join(n.text.split()))}{run}\n(Source: {cited})")
    return out


def moves(flow: Flow) -> list[str]:
    """Each use of a legacy flow that moved: what, for whom, when, to which flow."""
    return [
        printable(
            f"{r.what} for {whom(r.for_)}: moved on {long_date(r.on)} (see '{r.replacement}')"
        )
        for r in flow.retired
    ]


def flow_status(flow: Flow) -> str:
    """ "current" or "legacy", with the date its facts were last checked."""
    kind = "legacy" if flow.retired else "current"
    return f"{kind}, checked {long_date(flow.checked)}"


def describe(cond: Condition, flow: Flow | None = None) -> str:
    """A condition in words. With a flow, in the person's words (for paper checklists):
    ``"What kind of provider is this for?" is Hospice``; without, in ids, for flow authors:
    ``provider_type is hospice``."""
    if cond.all is not None:
        return " and ".join(_paren(c, flow) for c in cond.all)
    if cond.any is not None:
        return " or ".join(_paren(c, flow) for c in cond.any)
    if cond.not_ is not None:
        return f"not ({describe(cond.not_, flow)})"
    assert cond.answer is not None
    q = flow.question(cond.answer) if flow else None
    name = f"\u201c{q.prompt}\u201d" if q else cond.answer

    def word(value: object) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        labels = {o.value: o.label for o in (q.options or [])} if q else {}
        return labels.get(str(value), str(value))

    if cond.answered is not None:
        return f"{name} is {'answered' if cond.answered else 'not answered'}"
    if cond.is_ is not None:
        return f"{name} is {word(cond.is_)}"
    if cond.in_ is not None:
        return f"{name} is one of {', '.join(word(v) for v in cond.in_)}"
    return f"{name} includes {word(cond.contains)}"


def _paren(cond: Condition, flow: Flow | None) -> str:
    text = describe(cond, flow)
    return f"({text})" if cond.all is not None or cond.any is not None else text


def outline(flow: Flow) -> str:
    lines = [f"{flow.title} ({flow.id}, version {flow.version}): {flow_status(flow)}", flow.summary]
    lines += [f"Moved: {m}" for m in moves(flow)]
    if flow.overlays:
        lines.append(f"State overlays: {', '.join(flow.overlays)}")
    lines.append("")
    for n, step in enumerate(flow.steps, 1):
        lines.append(f"{n:>2}. {step.title}  [{step.id}]")
        if step.when:
            lines.append(f"      only when {describe(step.when)}")
        for q in step.questions:
            cond = f" (when {describe(q.when)})" if q.when else ""
            secret = ", never saved" if q.secret else ""
            lines.append(f"      ? {q.prompt} [{q.kind}{secret}]{cond}")
        if step.wait:
            span = (
                f"{step.wait.business_days} business day(s)"
                if step.wait.business_days
                else f"{step.wait.minutes} minute(s)"
            )
            lines.append(f"      then wait for {step.wait.for_} (about {span})")
        if step.estimate:
            e = step.estimate
            lines.append(
                f"      takes about {e.business_days} business day(s) for {e.for_} "
                "(the wizard's estimate; no source gives a time)"
            )
        if step.email:
            lines.append(f'      e-mail to send: "{step.email.subject}"')
        lines.append(f"      source: {flow.cite_step(step)}")
    return "\n".join(printable(line) for line in lines)
