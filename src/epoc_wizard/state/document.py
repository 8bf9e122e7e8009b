"""The state file as a document: where it lives, its format, and how it is read.

One JSON document, ``state.json``, in the person's state folder (platformdirs), or
in ``EPOC_WIZARD_HOME`` for tests and for people who keep it on a shared drive::

    {"schema": 2, "journeys": {"<journey id>": {...journey...}}, "roster": {...}}

``roster`` is the organization's access roster (``core/roster.py``, ``docs/roster.md``),
added in schema 2: an older epoc-wizard refuses the file (it would drop the roster at
its next save) rather than lose it. Older schemas are migrated on reading. A file that
cannot be read or understood raises a StateError that says what is wrong and how to
recover (``epoc-wizard doctor``); it is never overwritten. Writing it safely is
``store.py``'s job.

This module imports nothing heavy at the top: ``status`` reads the document through
``read_document`` without pydantic.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from epoc_wizard.core.roster import empty as empty_roster
from epoc_wizard.core.roster import problem as roster_problem
from epoc_wizard.errors import StateError
from epoc_wizard.fileio import NotAFile, TooLarge, read_regular

if TYPE_CHECKING:
    from epoc_wizard.core.journey import Journey

SCHEMA_VERSION = 2
STATE_FILE = "state.json"
LOCK_FILE = "state.lock"
BACKUP_FILE = "state.json.bak"
#: The folder, inside the state folder, that holds one folder of e-mail drafts per journey.
DRAFTS_FOLDER = "drafts"
#: The largest state file that is read (or written): a journey takes a few kilobytes, so
#: this is thousands of them; anything larger is not a state file the wizard wrote.
MAX_STATE_BYTES = 20 * 1024 * 1024


def _from_v0(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 0 (development builds before the first release) kept a list of journeys.

    Anything else under that version is refused rather than converted to less: a
    migration that dropped journeys would lose them at the next save.
    """
    journeys = doc.get("journeys", [])
    if not isinstance(journeys, list) or not all(
        isinstance(j, dict) and isinstance(j.get("id"), str) for j in journeys
    ):
        raise ValueError("schema 0 keeps a list of journeys, each with an id")
    by_id = {j["id"]: j for j in journeys}
    if len(by_id) != len(journeys):
        raise ValueError("two journeys have the same id")
    return {"schema": 1, "journeys": by_id}


def _from_v1(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 1 had no access roster: it starts empty. Anything else is kept as it is
    (the journeys are checked after the migrations)."""
    return {**doc, "schema": 2, "roster": empty_roster()}


#: How to bring an older document up to date: schema version -> function to the next.
#: A function raises ValueError (or KeyError, TypeError) when the document is not in
#: its version's form; the person is then told, and the file is left untouched.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    0: _from_v0,
    1: _from_v1,
}


def on_windows() -> bool:
    """Windows rules apply: no POSIX owners or modes, files held open cannot be renamed.

    Decided at call time (``os.getuid`` exists only on POSIX), so tests can simulate
    Windows on Linux by removing ``os.getuid`` (``tests/test_windows.py``)."""
    return os.name == "nt" or not hasattr(os, "getuid")


def state_dir() -> Path:
    home = os.environ.get("EPOC_WIZARD_HOME")
    if home:
        try:
            return Path(home).expanduser()
        except (RuntimeError, KeyError):  # ~name of a user this computer does not know
            user = home[1:].replace("\\", "/").split("/")[0]
            who = f"there is no user '{user}' on this computer" if user else "no home folder is set"
            raise StateError(
                f"EPOC_WIZARD_HOME is set to '{home}', but {who}, so '~' cannot be "
                "turned into a folder.",
                "Set EPOC_WIZARD_HOME to the full path of a folder (for example "
                f"{Path.cwd() / 'epoc-wizard'}), or unset it to use the standard place.",
            ) from None
    from platformdirs import user_state_dir

    return Path(user_state_dir("epoc-wizard", appauthor=False))


def recover_hint(path: Path) -> str:
    return (
        f"The file was left untouched. Run 'epoc-wizard doctor' to see what is wrong, "
        f"and 'epoc-wizard doctor --repair' to set {path.name} aside and go back to "
        "the last good save."
    )


def parse_document(raw: bytes, path: Path) -> dict[str, Any]:
    """Check and migrate a state document; raise StateError saying how to recover."""
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        raise StateError(
            f"The state file {path} is damaged: it is not valid JSON.", recover_hint(path)
        ) from None
    version: Any = doc.get("schema") if isinstance(doc, dict) else None
    if not isinstance(version, int) or isinstance(version, bool):
        raise StateError(
            f"The state file {path} is not an epoc-wizard state file (it has no schema version).",
            recover_hint(path),
        )
    if version > SCHEMA_VERSION:
        raise StateError(
            f"The state file {path} was written by a newer epoc-wizard (schema "
            f"{version}; this one knows up to {SCHEMA_VERSION}). Upgrade with "
            "'pip install -U epoc-wizard'.",
            "The file was left untouched.",
        )
    while version < SCHEMA_VERSION:
        migrate = MIGRATIONS.get(version)
        if migrate is None:
            raise StateError(
                f"The state file {path} has schema {version}, which this "
                "epoc-wizard cannot convert.",
                recover_hint(path),
            )
        try:
            doc = migrate(doc)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise StateError(
                f"The state file {path} says it has schema {version}, but its "
                "contents are not in that form, so it cannot be converted.",
                recover_hint(path),
            ) from None
        if not isinstance(doc.get("schema"), int) or doc["schema"] <= version:
            raise AssertionError(f"migration from schema {version} did not advance it")
        version = doc["schema"]
    journeys = doc.get("journeys")
    if not isinstance(journeys, dict) or not all(
        isinstance(k, str) and isinstance(v, dict) for k, v in journeys.items()
    ):
        raise StateError(
            f"The state file {path} is damaged: its journeys are not in the expected form.",
            recover_hint(path),
        )
    _check_roster(doc, path)
    checked: dict[str, Any] = doc
    return checked


def _check_roster(doc: dict[str, Any], path: Path) -> None:
    """The access roster, as ``core.roster.problem`` checks it: a damaged roster makes the
    file damaged (``doctor --repair`` goes back to the last good save), so that no command
    has to check it again. A document without one gets an empty one."""
    if "roster" not in doc:
        doc["roster"] = empty_roster()
        return
    wrong = roster_problem(doc["roster"])
    if wrong is not None:
        raise StateError(
            f"The state file {path} is damaged: its access roster is not in the expected "
            f"form ({wrong}).",
            recover_hint(path),
        )


def journey_from(journey_id: str, data: Any, path: Path) -> Journey:
    """One stored journey as a model; StateError (never a ValidationError) when damaged."""
    from pydantic import ValidationError

    from epoc_wizard.core.journey import Journey

    try:
        journey = Journey.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the entry"
        raise StateError(
            f"The journey '{journey_id}' in {path} is damaged ({where}: {first['msg'].lower()}).",
            recover_hint(path),
        ) from None
    if journey.id != journey_id:
        raise StateError(
            f"The journey '{journey_id}' in {path} is damaged (it is filed under "
            f"'{journey_id}' but calls itself '{journey.id}').",
            recover_hint(path),
        )
    return journey


def read_state_bytes(path: Path) -> bytes:
    """The bytes of a state file (or its backup): only a regular file, never more than
    ``MAX_STATE_BYTES`` (``fileio.read_regular``). Raises OSError: NotAFile for a link,
    a named pipe or a device, TooLarge, or what opening or reading it raised."""
    return read_regular(path, MAX_STATE_BYTES)


def odd_file(path: Path, exc: NotAFile | TooLarge) -> StateError:
    """The sentence for a state file that is not a small regular file."""
    if isinstance(exc, TooLarge):
        return StateError(
            f"The state file {path} is {_megabytes(exc.size)}, larger than any state "
            f"file epoc-wizard writes ({_megabytes(exc.limit)} at most), so it was not read.",
            recover_hint(path),
        )
    link = exc.kind == "a symbolic link"
    return StateError(
        f"Cannot read the state file {path}: it is {exc.kind}, not a regular file, so it "
        "was not read (only a regular file is).",
        "Run 'epoc-wizard doctor --repair' to move it aside (it is kept, not deleted) "
        "and go back to the last good save"
        + (
            "; to keep your progress in another folder, set EPOC_WIZARD_HOME to that folder "
            "instead of linking the file."
            if link
            else "."
        ),
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def read_document(directory: Path) -> dict[str, Any]:
    """The state document (empty when there is none yet)."""
    path = directory / STATE_FILE
    try:
        raw = read_state_bytes(path)
    except (NotAFile, TooLarge) as exc:
        raise odd_file(path, exc) from None
    except FileNotFoundError:
        if (directory / BACKUP_FILE).is_file():
            # The wizard never removes the state file, so something else did: starting
            # empty here would let the next two saves write over the backup too.
            raise StateError(
                f"The state file {path} is missing, but its backup {BACKUP_FILE} is there, so "
                "something removed it. Run 'epoc-wizard doctor --repair' to bring back the "
                f"backup; or, if you removed it on purpose to start again, delete "
                f"{directory / BACKUP_FILE} too."
            ) from None
        return {"schema": SCHEMA_VERSION, "journeys": {}, "roster": empty_roster()}
    except IsADirectoryError:
        raise StateError(
            f"{path} is a folder, not a state file. Move it away, or set "
            "EPOC_WIZARD_HOME to another folder. Run 'epoc-wizard doctor' to "
            "see what is wrong."
        ) from None
    except NotADirectoryError:
        raise StateError(
            f"{directory} is a file, not a folder, so the state cannot be kept "
            "there. Set EPOC_WIZARD_HOME to a folder, or move that file "
            "away."
        ) from None
    except OSError as exc:
        check = (
            "is not held by another program and that your account may read it"
            if on_windows()
            else "belongs to you and is readable (chmod 600)"
        )
        raise StateError(
            f"Cannot read the state file {path} ({exc.strerror}). Check that it "
            f"{check}, then try again."
        ) from None
    return parse_document(raw, path)
