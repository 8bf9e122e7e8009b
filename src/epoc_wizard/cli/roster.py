"""The ``roster`` commands (Typer): the access roster's sub-app, added to the main app
by ``app.py`` as ``epoc-wizard roster``.

No roster logic lives here: each command parses its words and calls ``app/roster.py``,
imported inside the command so that ``--help`` stays quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from epoc_wizard.cli.shared import FacilityOpt, out

roster_app = typer.Typer(
    help="The access roster: who holds which iQIES role at which facility, PSO coverage, "
    "requests waiting for a PSO.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
PersonArg = Annotated[
    str, typer.Argument(help="The person: name or initials, or their HARP user ID.")
]
RoleOpt = Annotated[
    str | None,
    typer.Option(
        "--role",
        help="The iQIES role as iQIES names it, e.g. 'Provider ePOC Administrator', "
        "'PBJ Submitter (Provider or Vendor)', or PSO for Provider Security Official.",
    ),
]
HarpOpt = Annotated[
    str | None,
    typer.Option("--harp-user-id", help="The person's HARP user ID (never the password)."),
]
EmailOpt = Annotated[str | None, typer.Option("--email", help="The person's work e-mail.")]
WorksForOpt = Annotated[
    str | None,
    typer.Option("--works-for", help="provider, corporate or vendor (a vendor cannot be a PSO)."),
]
RosterAnswersOpt = Annotated[
    Path | None,
    typer.Option(
        "--answers",
        help="Many entries at once, from a YAML or JSON file: 'entries:' then one "
        "'- {person: NAME, facility: CCN, role: ROLE, granted: DATE}' a line. A file in "
        "the wrong form, or 'roster list' on an empty roster, shows a full example.",
        dir_okay=False,
    ),
]


@roster_app.command("list")
def roster_list(
    facility: FacilityOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """The people, and per facility: roles, who must log in by when, PSO coverage."""
    from epoc_wizard.app.context import build
    from epoc_wizard.app.roster import listing

    out(listing(build(), facility, as_json), wrap=not as_json)


@roster_app.command("add")
def roster_add(
    person: Annotated[
        str | None, typer.Argument(help="The person: name or initials.", show_default=False)
    ] = None,
    facility: FacilityOpt = None,
    facility_name: Annotated[
        str | None, typer.Option("--facility-name", help="The facility's name.")
    ] = None,
    role: RoleOpt = None,
    harp_user_id: HarpOpt = None,
    email: EmailOpt = None,
    works_for: WorksForOpt = None,
    granted: Annotated[
        str | None,
        typer.Option("--granted", help="The day the role was approved (YEAR-MONTH-DAY)."),
    ] = None,
    requested: Annotated[
        bool, typer.Option("--requested", help="The role is requested, not approved yet.")
    ] = False,
    last_login: Annotated[
        str | None, typer.Option("--last-login", help="The person's last iQIES login.")
    ] = None,
    answers: RosterAnswersOpt = None,
) -> None:
    """Add a person, a facility or a role held there (or update them)."""
    from epoc_wizard.app.context import build
    from epoc_wizard.app.roster import add

    entry = {
        "person": person,
        "facility": facility,
        "facility_name": facility_name,
        "role": role,
        "harp_user_id": harp_user_id,
        "email": email,
        "works_for": works_for,
        "granted": granted,
        "requested": requested,
        "last_login": last_login,
    }
    out(add(build(), entry, answers))


@roster_app.command("change")
def roster_change(
    person: PersonArg,
    name: Annotated[str | None, typer.Option("--name", help="A new name.")] = None,
    harp_user_id: HarpOpt = None,
    email: EmailOpt = None,
    works_for: WorksForOpt = None,
) -> None:
    """Change a person's name, HARP user ID, e-mail or employer."""
    from epoc_wizard.app.context import build
    from epoc_wizard.app.roster import change

    details = {"name": name, "harp_user_id": harp_user_id, "email": email, "works_for": works_for}
    out(change(build(), person, details))


@roster_app.command("remove")
def roster_remove(
    person: Annotated[
        str | None, typer.Argument(help="The person; omit with --facility to remove a facility.")
    ] = None,
    facility: FacilityOpt = None,
    role: RoleOpt = None,
    answers: RosterAnswersOpt = None,
) -> None:
    """Remove a person, their roles at one facility (--facility), one role, or a facility."""
    from epoc_wizard.app.context import build
    from epoc_wizard.app.roster import remove

    out(remove(build(), person, facility, role, answers))


@roster_app.command("request")
def roster_request(
    person: PersonArg,
    facility: Annotated[
        list[str],
        typer.Option("--facility", help="A facility's CCN; repeat for each facility."),
    ],
    role: Annotated[str, typer.Option("--role", help="The iQIES role requested.")],
    harp_user_id: HarpOpt = None,
    email: EmailOpt = None,
    works_for: WorksForOpt = None,
) -> None:
    """A role requested at one or many facilities: an e-mail drafted to each one's PSO."""
    from epoc_wizard.app.context import build
    from epoc_wizard.app.roster import request

    details = {"harp_user_id": harp_user_id, "email": email, "works_for": works_for}
    out(request(build(), person, facility, role, details))


@roster_app.command("approve")
def roster_approve(
    person: PersonArg,
    facility: Annotated[str, typer.Option("--facility", help="The facility's CCN.")],
    role: RoleOpt = None,
    date: Annotated[
        str | None, typer.Option("--date", help="The day it was approved; today if omitted.")
    ] = None,
) -> None:
    """A PSO approved the person's request at a facility."""
    from epoc_wizard.app.context import build
    from epoc_wizard.app.roster import approve

    out(approve(build(), person, facility, role, date))


@roster_app.command("pso-leaving")
def roster_pso_leaving(person: PersonArg, facility: FacilityOpt = None) -> None:
    """The checklist before a Provider Security Official leaves."""
    from epoc_wizard.app.context import build
    from epoc_wizard.app.roster import pso_leaving

    out(pso_leaving(build(), person, facility))


@roster_app.command("ownership")
def roster_ownership(
    ccn: Annotated[str, typer.Argument(help="The facility's CCN before the change.")],
    new_ccn: Annotated[
        str | None, typer.Option("--new-ccn", help="The new CCN, if the facility got one.")
    ] = None,
    same_ccn: Annotated[
        bool, typer.Option("--same-ccn", help="The facility kept its CCN.")
    ] = False,
) -> None:
    """A change of ownership: what it means for iQIES access, recorded on the roster."""
    from epoc_wizard.app.context import build
    from epoc_wizard.app.roster import ownership

    out(ownership(build(), ccn, new_ccn, same_ccn))
