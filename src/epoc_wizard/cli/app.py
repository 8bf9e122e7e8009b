"""The command line (Typer): parse the words, call one function, turn errors into exit codes.

No wizard logic lives here. Heavy modules are imported inside each command, so
``--help`` stays quick; ``status`` and ``--version`` do not even come here (see
``entry.py``). The ``roster`` commands are in ``roster.py``, added here as a group; the
options several commands share, and ``out``, are in ``shared.py``. Everything a command
prints goes through ``words.printable`` (``out``):
flow files, the state file and the command line may hold terminal control sequences,
which are shown, never obeyed (issue 12). In a terminal, ``out`` also breaks long lines
between words to its width (``words.fitted``); piped, lines stay whole.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
import typer.core

from epoc_wizard import __version__
from epoc_wizard.cli.roster import roster_app
from epoc_wizard.cli.shared import AnswersOpt, FacilityOpt, PlainOpt, QuietOpt, out
from epoc_wizard.errors import Interrupted, WizardError
from epoc_wizard.words import printable

app = typer.Typer(
    name="epoc-wizard",
    help="A step-by-step guide through CMS accounts: CMSNet, legacy ePOC, HARP + iQIES, "
    "and CMSzONE for assisters. Progress is saved after every answer.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
flows_app = typer.Typer(
    help="List, show and check flow files.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(flows_app, name="flows")
app.add_typer(roster_app, name="roster")  # cli/roster.py


def _version(value: bool) -> None:
    if value:
        print(f"epoc-wizard {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """A step-by-step guide through CMS accounts."""


@app.command()
def start(
    flow: Annotated[
        str | None,
        typer.Argument(
            help="The flow to follow (see 'epoc-wizard flows list'); omit it to answer "
            "a few questions and get the path you need."
        ),
    ] = None,
    facility: FacilityOpt = None,
    answers: AnswersOpt = None,
    plain: PlainOpt = False,
    due: Annotated[
        str | None,
        typer.Option(
            "--due",
            help="The plan of correction's due date printed on the letter with the "
            "CMS-2567 (MM/DD/YYYY); it wins over --received.",
        ),
    ] = None,
    received: Annotated[
        str | None,
        typer.Option(
            "--received",
            help="The date the CMS-2567 arrived (MM/DD/YYYY): the due date is 10 calendar "
            "days later.",
        ),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Start a new journey (or offer to continue the same one)."""
    from epoc_wizard.app.context import build
    from epoc_wizard.app.journeys import run_journey_command

    dates = {"poc_letter_due": due, "poc_received": received}
    run_journey_command(build(answers, plain), "start", flow, facility, dates, quiet=quiet)


@app.command()
def resume(
    journey: Annotated[
        str | None,
        typer.Argument(help="The journey id (see 'epoc-wizard status'); omit for the most recent."),
    ] = None,
    facility: FacilityOpt = None,
    answers: AnswersOpt = None,
    plain: PlainOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Continue a journey where you stopped."""
    from epoc_wizard.app.context import build
    from epoc_wizard.app.journeys import run_journey_command

    run_journey_command(build(answers, plain), "resume", journey, facility, quiet=quiet)


@app.command()
def status(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON for scripts (docs/status-json.md).")
    ] = False,
    json_schema: Annotated[
        bool, typer.Option("--json-schema", help="Print the JSON Schema of --json, and exit.")
    ] = False,
    facility: FacilityOpt = None,
) -> None:
    """Show where every journey stands: progress, next step, waits."""
    from epoc_wizard.app.status import main as status_main

    raise typer.Exit(status_main(as_json, facility, schema=json_schema))


@app.command()
def reset(
    journey: Annotated[str, typer.Argument(help="The journey id to delete.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete one journey's saved progress."""
    from epoc_wizard.app.context import build

    store = build().store
    if journey not in store.journeys():  # a damaged journey can still be deleted
        store.load(journey)  # the clear error: there is no such journey
    if not yes:
        if not sys.stdin.isatty():
            raise WizardError("Add --yes to delete without a terminal to confirm in.")
        if not typer.confirm(
            f"Delete the saved progress of {printable(journey)}? This cannot be undone"
        ):
            print("Nothing was deleted.")
            raise typer.Exit(1)
    from epoc_wizard.app.journeys import delete

    out(delete(store, journey))  # its e-mail drafts too: they name the facility


@app.command()
def doctor(
    repair: Annotated[
        bool,
        typer.Option(
            "--repair",
            help="Set a damaged state file aside (never deleted), restore the last "
            "good save, fix permissions.",
        ),
    ] = False,
) -> None:
    """Check the saved progress, its permissions, the lock and the flows; say what to do."""
    from epoc_wizard.app.doctor import main as doctor_main

    raise typer.Exit(doctor_main(repair_it=repair))


@app.command()
def contacts(
    flow: Annotated[str | None, typer.Argument(help="Only the contacts of this flow.")] = None,
) -> None:
    """List the help desks: phone, e-mail, postal address, hours, whether open now."""
    from epoc_wizard.app.contacts import listing
    from epoc_wizard.app.context import build

    ctx = build()
    out(listing(ctx.catalog, flow, ctx.now()) + "\n")


class _Words(typer.core.TyperCommand):
    """Help that reads as words: the usage line says ``KIND VALUE`` and the arguments are
    listed under those names, not as Typer's ``{kind} {value}`` and ``kind <str>``."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = (param.metavar or param.name or "").upper()
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        params = self.get_params(ctx)
        arguments = [
            ((p.metavar or p.name or "").upper(), getattr(p, "help", None) or "")
            for p in params
            if p.param_type_name == "argument"
        ]
        options = [
            record
            for p in params
            if p.param_type_name == "option" and (record := p.get_help_record(ctx))
        ]
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


@app.command(
    cls=_Words,
    epilog="Exit codes: 0 the value is fine; 1 it is not (the reason is printed); "
    "2 an unknown KIND or a bad --state.",
)
def check(
    kind: Annotated[
        str,
        typer.Argument(
            help="What the value is: ccn, ptan, state, zip, "
            "email, phone, epoc_user_id, activation_key, ...",
            metavar="KIND",
        ),
    ],
    value: Annotated[str, typer.Argument(help="The value to check.", metavar="VALUE")],
    state: Annotated[
        str | None,
        typer.Option("--state", help="The facility's state, for ccn and zip.", metavar="STATE"),
    ] = None,
    facility_name: Annotated[
        str | None,
        typer.Option(
            "--facility-name",
            help="The facility's name, which a new HARP user ID must not hold.",
            metavar="NAME",
        ),
    ] = None,
) -> None:
    """Check a value before you type it into a CMS portal (exit 0 if fine, 1 if not)."""
    from epoc_wizard.checks import CHECKS, run_check

    key = kind.lower().replace("-", "_")
    if key == "harp_user_id":
        # At the command line a person checks an ID before choosing it: the published
        # sign-up rules apply (a flow's harp_user_id question records an existing ID).
        key = "new_harp_user_id"
    if key not in CHECKS:
        raise WizardError(
            f"'{kind}' is not a kind of value this can check. Try one of: "
            f"{', '.join(sorted(CHECKS))}.",
            exit_code=2,
        )
    if state is not None:
        known = run_check("state", state)
        if not known.ok:
            raise WizardError(f"--state {state!r}: {known.message}", exit_code=2)
        state = known.value
    result = run_check(key, value, state=state, facility_name=facility_name)
    shown = "" if key == "activation_key" else f": {result.value}"
    note = f"\n{result.message}" if result.ok and result.message else ""
    out(printable(f"OK{shown}{note}" if result.ok else result.message, lines=True))
    if not result.ok:
        raise typer.Exit(1)


@app.command()
def export(
    journey: Annotated[
        str | None, typer.Argument(help="The journey id; omit for the most recent one.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="md (Markdown) or html.")] = "md",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            help="Write to this file instead, as a new file readable only by you (mode "
            "0600). An existing file is replaced only with --force; a symbolic link, or one "
            "of the wizard's own files (state, backup, lock, drafts), never.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --output file if it already exists.")
    ] = False,
    blank: Annotated[
        str | None,
        typer.Option(
            "--blank", help="Print an empty checklist of this flow, to work from on paper."
        ),
    ] = None,
    facility: FacilityOpt = None,
) -> None:
    """Print a journey's record: checklist, IDs obtained, waits, contacts."""
    from epoc_wizard.app.context import build
    from epoc_wizard.app.export import export as make
    from epoc_wizard.app.journeys import normalize_facility

    record = make(build(), journey, normalize_facility(facility), fmt, output, blank, force=force)
    out(record, wrap=output is not None)  # the record itself is Markdown or HTML


@app.command()
def calendar(
    journey: Annotated[
        str | None, typer.Argument(help="The journey id; omit for the most recent one.")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            help="The calendar file to write (default: epoc-wizard-JOURNEY.ics here), as a "
            "new file readable only by you. An existing file is replaced only with --force.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the file if it already exists.")
    ] = False,
    facility: FacilityOpt = None,
) -> None:
    """Write the due date, the waits and the login reminder as a calendar file (.ics)."""
    from epoc_wizard.app.calendar import calendar as make
    from epoc_wizard.app.context import build
    from epoc_wizard.app.journeys import normalize_facility

    out(make(build(), journey, normalize_facility(facility), output, force=force))


@app.command()
def email(
    journey: Annotated[
        str | None, typer.Argument(help="The journey id; omit for the most recent one.")
    ] = None,
    open_id: Annotated[
        str | None, typer.Option("--open", help="Open this draft in your mail program.")
    ] = None,
    facility: FacilityOpt = None,
) -> None:
    """List the e-mails to send, and save each as an .eml draft."""
    from epoc_wizard.app.context import build
    from epoc_wizard.app.email import email as make
    from epoc_wizard.app.journeys import normalize_facility

    out(make(build(), journey, normalize_facility(facility), open_id))


@app.command()
def edit(
    journey: Annotated[str, typer.Argument(help="The journey id.")],
    question: Annotated[str, typer.Argument(help="The question id (see 'flows show').")],
    value: Annotated[
        str | None, typer.Option("--value", help="The new answer, without asking (same checks).")
    ] = None,
    plain: PlainOpt = False,
) -> None:
    """Change one earlier answer; the steps that depend on it follow."""
    from epoc_wizard.app.context import build
    from epoc_wizard.app.edit import edit as change

    if value is not None and not _is_text(value):
        raise WizardError(
            "That answer was refused: it holds bytes that are not UTF-8 text "
            f"({printable(value)}), so it would not read back as typed.",
            "Set the terminal to UTF-8 and type the answer again, or run the command "
            "without --value to be asked for it.",
        )
    try:
        out(
            change(
                build(plain=plain, needs="the new answer with --value TEXT"),
                journey,
                question,
                value,
            )
        )
    except Interrupted:
        raise Interrupted(journey) from None


@app.command()
def login(
    journey: Annotated[
        str | None,
        typer.Argument(
            metavar="PERSON|JOURNEY",
            help="A person on the access roster (name, initials or HARP user ID), or a "
            "journey id; omit for the most recent journey.",
        ),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option(
            "--on", "--date", help="The day of the login (YEAR-MONTH-DAY); today if omitted."
        ),
    ] = None,
    facility: FacilityOpt = None,
) -> None:
    """Record a login to iQIES (yours, or a person's on the roster), so 'status' knows
    when the roles lapse."""
    from epoc_wizard.app.context import build
    from epoc_wizard.app.journeys import normalize_facility
    from epoc_wizard.app.login import record_login

    out(record_login(build(), journey, normalize_facility(facility), on))


@app.command()
def ticket(
    journey: Annotated[str, typer.Argument(help="The journey id (see 'epoc-wizard status').")],
    number: Annotated[str, typer.Argument(help="The help desk's ticket number, e.g. INC0012345.")],
    step: Annotated[
        str | None,
        typer.Option(
            "--step", help="The step it is about (see 'flows show'); the current one if omitted."
        ),
    ] = None,
) -> None:
    """Record a help desk's ticket number on a step: status, the record and e-mails show it."""
    from epoc_wizard.app.context import build
    from epoc_wizard.app.ticket import record_ticket

    out(record_ticket(build(), journey, number, step))


@app.command()
def sources() -> None:
    """The documents the guidance comes from: titles, dates, addresses, who cites them."""
    from epoc_wizard.app.context import build
    from epoc_wizard.app.sources import listing

    out(listing(build().catalog))


@flows_app.command("list")
def flows_list() -> None:
    """Every path the wizard knows, with its status."""
    from epoc_wizard.app.context import build
    from epoc_wizard.flowspec.outline import flow_status, moves

    for f in build().catalog.flows.values():
        out(f"{printable(f.id):<16} {flow_status(f):<40} {printable(f.title)}")
        out(f"{'':<16} {printable(f.summary)}")
        for m in moves(f):
            out(f"{'':<16} Moved: {printable(m)}")


@flows_app.command("show")
def flows_show(flow: Annotated[str, typer.Argument(help="The flow id.")]) -> None:
    """The steps of a flow as a readable outline."""
    from epoc_wizard.app.context import build
    from epoc_wizard.flowspec.outline import outline

    out(outline(build().catalog.get(flow)))


@flows_app.command("check")
def flows_check(
    paths: Annotated[list[Path], typer.Argument(help="Flow files or folders to check.")],
) -> None:
    """Check flow files someone wrote; every problem as file:line."""
    from epoc_wizard.flowspec.catalog import check_files

    problems = check_files(paths)
    for p in problems:
        out(p)
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found.")
        raise typer.Exit(1)
    print(f"OK: {len(paths)} path{'s' if len(paths) != 1 else ''} checked, no problems.")


@flows_app.command("schema")
def flows_schema() -> None:
    """Print the JSON Schema of flow files, for editors."""
    import json

    from epoc_wizard.flowspec.schema import json_schema

    print(json.dumps(json_schema(), indent=2))


def run(args: list[str]) -> NoReturn:
    """Run the app; every failure becomes a sentence and an exit code (``guard.py``)."""
    from epoc_wizard.cli.guard import guarded, say

    def work() -> int:
        try:
            code = app(args=args, prog_name="epoc-wizard", standalone_mode=False)
        except typer.Exit as exc:
            return exc.exit_code
        except typer.TyperException as exc:
            show = getattr(exc, "show", None)
            if show:  # click's usage and errors, which may repeat what was typed
                import io

                shown = io.StringIO()
                show(file=shown)
                say(shown.getvalue().rstrip("\n"))
            else:
                say(exc.message)
            return exc.exit_code
        except typer.Abort:
            raise KeyboardInterrupt from None
        return code if isinstance(code, int) else 0

    sys.exit(guarded(work))


def _is_text(value: str) -> bool:
    """Whether a command-line word is text: bytes that are not UTF-8 come in as lone
    surrogates (Python's ``surrogateescape``), which no file can hold."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
