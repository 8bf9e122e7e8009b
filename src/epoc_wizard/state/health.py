"""``epoc-wizard doctor``: is the saved progress healthy, and if not, what to do.

People keep months of progress for many facilities in one state file. When something
goes wrong with it (a disk that filled up, a copy from another machine, a hand edit,
another session that hangs), the other commands stop with a sentence that points
here. ``doctor`` looks at everything that can be wrong, without changing anything:

* where the state lives (and whether ``EPOC_WIZARD_HOME`` chose it);
* the permissions of the folder (0700) and files (0600), and who owns them; on Windows,
  which has no such modes, that the folder is the person's own (under their profile, or
  chosen with ``EPOC_WIZARD_HOME``) and the files can be read and written;
* whether the state file parses, and every journey in it validates (only a regular file
  is read: a named pipe, a device, a link or an oversized file is reported, never read);
* whether the lock can be taken, or another session holds it (never through a link);
* whether the flows load, and every journey's flow exists;
* the backup of the previous save, ``state.json.bak``.

Each problem comes with what to do. ``doctor --repair`` fixes what can be fixed
safely: a damaged state file is moved aside to ``state.damaged-<UTC time>.json``
(never deleted), then the backup is restored if it is good (journeys that are
damaged in the file are taken from the backup when it has them), else the wizard
starts empty; permissions are set to 0700/0600 (on POSIX; never through a symbolic
link); temporary files of an interrupted
save are removed. It says exactly what it did and where the damaged file is.

Imported only by the ``doctor`` command, never on the everyday paths.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from epoc_wizard.errors import StateError
from epoc_wizard.fileio import O_BINARY, O_NOFOLLOW, O_NONBLOCK, NotAFile, TooLarge, is_link
from epoc_wizard.fileio import kind_of as _kind_of
from epoc_wizard.state.document import (
    BACKUP_FILE,
    LOCK_FILE,
    SCHEMA_VERSION,
    STATE_FILE,
    journey_from,
    odd_file,
    parse_document,
    read_state_bytes,
    state_dir,
)
from epoc_wizard.state.finding import DAMAGED_GLOB, REPAIR, TEMP_GLOB, Finding
from epoc_wizard.state.finding import quoted as _q
from epoc_wizard.state.lock import flock_within, unlock
from epoc_wizard.state.permissions import open_fix, permissions
from epoc_wizard.words import plural


@dataclass
class Reading:
    """What one state file (or its backup) holds."""

    kind: Literal["missing", "ok", "journeys", "damaged", "newer", "unreadable", "folder", "odd"]
    why: str = ""
    #: For "odd": what is there instead of a state file ("symbolic link", "named pipe
    #: (FIFO)", "device", "socket", or "oversized file").
    thing: str = ""
    #: The journeys that validate, by id, as stored.
    good: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: The journeys that do not, by id: why.
    bad: dict[str, str] = field(default_factory=dict)
    #: The access roster, when the file could be read (``core/roster.py``).
    roster: dict[str, Any] | None = None

    @property
    def usable(self) -> bool:
        return self.kind in ("ok", "journeys")


def _newer(raw: bytes) -> bool:
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        return False
    version = doc.get("schema") if isinstance(doc, dict) else None
    return isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION


def read_state(path: Path) -> Reading:
    """Read and check one state file, every journey in it too; never raises."""
    try:
        raw = read_state_bytes(path)
    except NotAFile as exc:
        thing = exc.kind.removeprefix("a ")
        return Reading("odd", f"{path} is {exc.kind}, not a regular file", thing=thing)
    except TooLarge as exc:
        return Reading("odd", odd_file(path, exc).problem, thing="oversized file")
    except FileNotFoundError:
        return Reading("missing")
    except IsADirectoryError:
        return Reading("folder", f"{path} is a folder, not a state file")
    except OSError as exc:
        return Reading("unreadable", f"cannot read {path} ({exc.strerror or exc})")
    try:
        doc = parse_document(raw, path)
    except StateError as exc:
        return Reading("newer" if _newer(raw) else "damaged", exc.problem)
    reading = Reading("ok", roster=doc["roster"])
    for jid, data in doc["journeys"].items():
        try:
            journey_from(jid, data, path)
        except StateError as exc:
            reading.bad[jid] = exc.problem
        else:
            reading.good[jid] = data
    if reading.bad:
        reading.kind = "journeys"
    return reading


# --- the checks ---------------------------------------------------------------------


def _where(directory: Path) -> Finding:
    if os.environ.get("EPOC_WIZARD_HOME"):
        how = "set by EPOC_WIZARD_HOME"
    else:
        how = "the standard place for this user; set EPOC_WIZARD_HOME to keep it elsewhere"
    return Finding("ok", f"State folder: {directory} ({how}).")


def _state(directory: Path, reading: Reading, backup: Reading) -> list[Finding]:
    path = directory / STATE_FILE
    restore = f"'{REPAIR}': it moves the file aside (it is kept, not deleted) and " + (
        f"restores the last good save from {BACKUP_FILE}."
        if backup.kind == "ok"
        else f"starts again with no journeys, since {BACKUP_FILE} is "
        f"{'missing' if backup.kind == 'missing' else 'not usable either'}."
    )
    if reading.kind == "missing" and backup.kind != "missing":
        return [
            Finding(
                "problem",
                f"The state file {path} is missing, but its backup "
                f"{BACKUP_FILE} is there: something removed it.",
                (
                    f"Run '{REPAIR}' to bring back the backup "
                    f"({plural(len(backup.good), 'journey', 'journeys')})"
                    if backup.usable
                    else f"The backup is not usable either; '{REPAIR}' sets it aside "
                    "(kept, not deleted) and starts again with no journeys"
                )
                + f"; or, if you removed the file on purpose to start again, delete "
                f"{_q(directory / BACKUP_FILE)} too.",
            )
        ]
    if reading.kind == "missing":
        return [
            Finding("ok", "No progress saved yet; the state file is created at the first answer.")
        ]
    if reading.kind == "ok":
        return [
            Finding(
                "ok",
                f"State file: {plural(len(reading.good), 'journey', 'journeys')}"
                f", all readable (schema {SCHEMA_VERSION}).",
            )
        ]
    if reading.kind == "newer":
        return [
            Finding(
                "problem",
                reading.why,
                "Upgrade epoc-wizard (pip install -U epoc-wizard). Do not repair: "
                "the file is not damaged, this program is older than it.",
            )
        ]
    if reading.kind == "unreadable":
        return [
            Finding(
                "problem",
                f"The state file {reading.why}.",
                open_fix(path),
            )
        ]
    if reading.kind in ("damaged", "folder", "odd"):
        return [Finding("problem", reading.why.rstrip(".") + ".", f"Run {restore}")]
    findings = (
        [Finding("ok", f"State file: {plural(len(reading.good), 'journey', 'journeys')} readable.")]
        if reading.good
        else []
    )
    for why in reading.bad.values():
        findings.append(Finding("problem", why.rstrip(".") + ".", ""))
    from_backup = [j for j in reading.bad if j in backup.good]
    findings[-1].fix = (
        f"Run '{REPAIR}': it moves the file aside (kept, not deleted), "
        + (
            f"keeps the {plural(len(reading.good), 'journey that is', 'journeys that are')} "
            "fine, and "
            if reading.good
            else ""
        )
        + (
            f"takes {name_list(from_backup)} from {BACKUP_FILE}"
            if from_backup
            else f"cannot take the damaged ones from {BACKUP_FILE}, which does not have them "
            "in good order"
        )
        + ". Or delete a damaged journey with: epoc-wizard reset JOURNEY --yes"
    )
    return findings


def name_list(ids: list[str]) -> str:
    return ", ".join(f"'{i}'" for i in ids)


def _lock(directory: Path, patience: float = 0.5) -> Finding:
    path = directory / LOCK_FILE
    try:
        st = path.lstat()
    except FileNotFoundError:
        return Finding("ok", "Lock: no other session is using the state.")
    except OSError:
        st = None  # opening it says why
    if st is not None and is_link(st):
        return Finding(
            "problem",
            f"The lock file {path} is a symbolic link, so no session can save (the lock "
            "is never opened through a link).",
            f"Run '{REPAIR}': it removes the link (what it points to is left alone).",
        )
    if st is not None and not stat.S_ISREG(st.st_mode):
        return Finding(
            "problem",
            f"The lock file {path} is {_kind_of(st)}, not a regular file, so no session can save.",
            "Move it out of the state folder (the wizard makes the lock file again), "
            "then run the same command again.",
        )
    try:
        # Opened for writing (nothing is written) because on network drives an exclusive
        # lock needs that, as the sessions' own lock does.
        fd = os.open(path, os.O_RDWR | O_BINARY | O_NOFOLLOW | O_NONBLOCK)
    except OSError as exc:
        return Finding(
            "problem",
            f"The lock file {path} cannot be opened "
            f"({exc.strerror or exc}), so no session can save.",
            open_fix(path),
        )
    try:
        if flock_within(fd, patience):
            unlock(fd)
            return Finding("ok", "Lock: no other session is using the state.")
    except OSError as exc:
        return Finding(
            "problem",
            f"The lock on {path} cannot be taken ({exc.strerror or exc}), so no session can save.",
            "Keep the state on a disk that supports file locks (set "
            "EPOC_WIZARD_HOME to a local folder).",
        )
    finally:
        os.close(fd)
    return Finding(
        "problem",
        "Another epoc-wizard session holds the lock on the state "
        f"({path}) right now, so this one would have to wait.",
        "Finish or close the other session (another terminal, or a script). The "
        "lock is released by itself when that program ends; if it is stuck, "
        "close that terminal.",
    )


def _backup(backup: Reading, directory: Path) -> Finding:
    if backup.kind == "missing":
        return Finding(
            "note", f"No backup ({BACKUP_FILE}) yet; it is kept from the second save on."
        )
    if backup.kind == "ok":
        return Finding(
            "ok",
            f"Backup {BACKUP_FILE}: "
            f"{plural(len(backup.good), 'journey', 'journeys')}, readable "
            "(the save before the last).",
        )
    why = backup.why or "; ".join(backup.bad.values())
    return Finding(
        "note",
        f"The backup {directory / BACKUP_FILE} is not usable ({why}). "
        "The next save replaces it; this only matters if the state file "
        "is damaged too.",
    )


def _leftovers(directory: Path) -> list[Finding]:
    out = []
    temps = sorted(directory.glob(TEMP_GLOB))
    if temps:
        out.append(
            Finding(
                "note",
                f"{plural(len(temps), 'temporary file', 'temporary files')}"
                " left by a save that was interrupted (harmless: the state "
                "file was not touched). The next save removes "
                f"{'it' if len(temps) == 1 else 'them'}.",
            )
        )
    aside = sorted(p.name for p in directory.glob(DAMAGED_GLOB))
    if aside:
        out.append(
            Finding(
                "note",
                f"Damaged state files set aside earlier, kept for you: "
                f"{', '.join(aside)} (in {directory}). Delete them once "
                "you no longer need them.",
            )
        )
    return out


def diagnose(
    directory: Path | None = None, flows: Callable[[Reading], list[Finding]] = lambda _: []
) -> list[Finding]:
    """Every finding about the state folder, with ``flows``'s about the flows its
    journeys follow (the flows are not this layer's business); changes nothing."""
    directory = directory or state_dir()
    findings = [_where(directory)]
    if directory.exists() and not directory.is_dir():
        findings.append(
            Finding(
                "problem",
                f"{directory} is a file, not a folder, so progress cannot be saved there.",
                "Move that file away, or set EPOC_WIZARD_HOME to a folder.",
            )
        )
        return findings + flows(Reading("missing"))
    if not directory.exists():
        findings.append(
            Finding("ok", "No progress saved yet; the folder is created at the first answer.")
        )
        return findings + flows(Reading("missing"))
    reading = read_state(directory / STATE_FILE)
    backup = read_state(directory / BACKUP_FILE)
    findings += permissions(directory)
    findings += _state(directory, reading, backup)
    findings.append(_lock(directory))
    findings += flows(reading)
    findings.append(_backup(backup, directory))
    findings += _leftovers(directory)
    return findings
