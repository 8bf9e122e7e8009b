"""A journey that reaches a granted role puts it on the access roster (issue 16).

The session calls ``from_journey`` when a journey first reaches access that lapses (the
iQIES flow's "Keep your role" step, ``keeps_access``): the person (the HARP user ID the
journey recorded), the facility (its CCN and name) and the role go on the roster, granted
that day, with the journey's last login. Kept apart from the roster's commands
(``roster.py``), which need the ``Context``: the session is imported by the context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from epoc_wizard.core import roster as rules

if TYPE_CHECKING:
    from epoc_wizard.core.journey import Journey
    from epoc_wizard.flowspec.model import Flow
    from epoc_wizard.state.store import Store


def granted_role(flow: Flow, journey: Journey) -> str | None:
    """The role a journey requested: the answer of a question recorded as a role
    ("PBJ role requested", "iQIES role requested"), else a role the sources name on the
    screen of a step on the journey's path (ePOC: "Provider ePOC Administrator")."""
    from epoc_wizard.core.engine import visible_steps

    for step in visible_steps(flow, journey.answers):
        for q in step.questions:
            value = journey.answers.get(q.id)
            if q.record_as and "role" in q.record_as.lower() and value:
                return rules.role_name(q.display(value))
        for label in step.screen:
            if label in rules.KNOWN_ROLES:
                return label
    return None


def harp_of(flow: Flow, journey: Journey) -> str | None:
    """The HARP user ID a journey recorded: the answer to the flow's question of that kind."""
    q = next((q for q in flow.questions() if q.kind == "harp_user_id"), None)
    value = journey.answers.get(q.id) if q else None
    return value if isinstance(value, str) and value else None


def from_journey(store: Store, flow: Flow, journey: Journey) -> str | None:
    """A journey reached access that lapses (its role was granted): put the person, the
    facility and the role on the roster; the sentence to show, or None when the journey
    names no facility."""
    access = journey.summary.access
    if access is None or not journey.facility:
        return None
    harp = harp_of(flow, journey)
    role = granted_role(flow, journey) or "iQIES role (name not recorded)"
    name = harp or f"the person on journey {journey.id}"
    said: list[str] = []

    def apply(raw: dict[str, Any]) -> dict[str, Any]:
        raw, sentence = rules.add(
            raw,
            name,
            harp_user_id=harp,
            facility=journey.facility,
            facility_name=journey.label,
            role=role,
            granted=access.since,
            last_login=journey.last_login,
            journey=journey.id,
        )
        said[:] = [sentence]
        return raw

    try:
        store.update_roster(apply)
    except ValueError:  # the roster says this person works for a vendor, as a PSO
        return None
    return (
        f"Added to the access roster: {name}, {role} at {journey.facility}. See who holds "
        "which role at each facility with: epoc-wizard roster list"
    )
