"""``epoc-wizard doctor``: is the saved progress healthy, and if not, what to do.

People keep months of progress for many facilities in one state file. When something
goes wrong with it (a disk that filled up, a copy from another machine, a hand edit,
another session that hangs), the other commands stop with a sentence that points
here. ``doctor`` looks at everything that can be wrong, without changing anything:

* where the state lives (and whether ``EPOC_WIZARD_HOME`` chose it);
* the permissions of the folder (0700) and files (0600), and who owns them; on Windows,
  which has no such modes, that the folder is the person's own (under their profile, or
  chosen with ``EPOC_WIZARD_HOME``) and the files can be read and written;
* whether the state file parses, and every journey in it validates;
* whether the lock can be taken, or another session holds it;
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
import shlex
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from epoc_wizard.errors import StateError
from epoc_wizard.state.document import (
    BACKUP_FILE,
    LOCK_FILE,
    SCHEMA_VERSION,
    STATE_FILE,
    journey_from,
    on_windows,
    parse_document,
    state_dir,
)
from epoc_wizard.state.store import O_BINARY, flock_within, unlock
from epoc_wizard.words import plural

Level = Literal["ok", "note", "problem"]
DAMAGED_GLOB = "state.damaged-*.json"
TEMP_GLOB = f".{STATE_FILE}.*.tmp"
REPAIR = "epoc-wizard doctor --repair"


@dataclass
class Finding:
    """One line of the report; a problem says what to do about it."""

    level: Level
    text: str
    fix: str = ""


@dataclass
class Reading:
    """What one state file (or its backup) holds."""

    kind: Literal["missing", "ok", "journeys", "damaged", "newer", "unreadable", "folder"]
    why: str = ""
    #: The journeys that validate, by id, as stored.
    good: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: The journeys that do not, by id: why.
    bad: dict[str, str] = field(default_factory=dict)

    @property
    def usable(self) -> bool:
        return self.kind in ("ok", "journeys")


def _q(path: Path) -> str:
    return shlex.quote(str(path))


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
        raw = path.read_bytes()
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
    reading = Reading("ok")
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


def _q_windows(path: Path) -> str:
    return f'"{path}"'


def _open_fix(path: Path) -> str:
    """What to do about a state file this user cannot open, in this system's terms."""
    if on_windows():
        return (
            "Close other programs that may hold it (a sync or backup tool), and check "
            "that it is not read-only: right-click it, Properties, untick Read-only "
            f"(or run: attrib -R {_q_windows(path)})"
        )
    return f"Make sure it belongs to you and run: chmod 600 {_q(path)}"


def _under(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _windows_access(directory: Path) -> list[Finding]:
    """Windows has no POSIX owner or modes (it reports 666/777): check instead that the
    folder is the person's own and the files can be read and written."""
    out: list[Finding] = []
    profile = Path.home()
    if not os.environ.get("EPOC_WIZARD_HOME") and not _under(directory, profile):
        out.append(
            Finding(
                "problem",
                f"The state folder {directory} is not in your user profile ({profile}), "
                "so other people who use this computer may be able to open it.",
                "Keep it in your profile: set EPOC_WIZARD_HOME to a folder there, for "
                "example %LOCALAPPDATA%\\epoc-wizard (Settings, System, About, Advanced "
                "system settings, Environment Variables).",
            )
        )
    if not os.access(directory, os.W_OK):
        out.append(
            Finding(
                "problem",
                f"The state folder {directory} is read-only, so progress cannot be saved.",
                "Right-click the folder, Properties, untick Read-only; or set "
                "EPOC_WIZARD_HOME to a folder in your user profile.",
            )
        )
    for name in (STATE_FILE, BACKUP_FILE, LOCK_FILE):
        path = directory / name
        if not path.is_file():
            continue
        try:
            os.close(os.open(path, os.O_RDWR | O_BINARY))  # opened, nothing written
        except OSError as exc:
            out.append(
                Finding(
                    "problem",
                    f"{path} cannot be opened for reading and writing ({exc.strerror or exc}).",
                    _open_fix(path) + ".",
                )
            )
    if not out:
        out.append(
            Finding(
                "ok",
                "Access: the state folder is yours and its files can be read and written "
                "(Windows has no owner and mode checks).",
            )
        )
    return out


def _permissions(directory: Path) -> list[Finding]:
    if on_windows():
        return _windows_access(directory)
    out: list[Finding] = []
    me = os.getuid()
    st = directory.stat()
    if st.st_uid != me:
        out.append(
            Finding(
                "problem",
                f"The state folder {directory} belongs to another user "
                f"(uid {st.st_uid}), so your progress may not be yours "
                "alone.",
                f"Use your own folder (set EPOC_WIZARD_HOME), or ask whoever "
                f"manages this computer to run: chown -R {me} {_q(directory)}",
            )
        )
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o077:
        out.append(
            Finding(
                "problem",
                f"The state folder {directory} can be opened by other "
                f"users (mode {mode:o}); it should be 700.",
                f"Run: chmod 700 {_q(directory)}  (or '{REPAIR}')",
            )
        )
    names = [
        STATE_FILE,
        BACKUP_FILE,
        LOCK_FILE,
        *sorted(p.name for p in directory.glob(DAMAGED_GLOB)),
    ]
    loose = []
    for name in names:
        path = directory / name
        try:
            fst = path.lstat()
        except OSError:
            continue
        if stat.S_ISREG(fst.st_mode) and stat.S_IMODE(fst.st_mode) & 0o077:
            loose.append((path, stat.S_IMODE(fst.st_mode)))
    for path, fmode in loose:
        out.append(
            Finding(
                "problem",
                f"{path} can be read by other users (mode {fmode:o}); it should be 600.",
                f"Run: chmod 600 {_q(path)}  (or '{REPAIR}')",
            )
        )
    if not out:
        out.append(
            Finding(
                "ok", "Permissions: only you can open the state folder (700) and its files (600)."
            )
        )
    return out


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
                _open_fix(path),
            )
        ]
    if reading.kind in ("damaged", "folder"):
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
    if not path.exists():
        return Finding("ok", "Lock: no other session is using the state.")
    try:
        # Opened for writing (nothing is written) because on network drives an exclusive
        # lock needs that, as the sessions' own lock does.
        fd = os.open(path, os.O_RDWR | O_BINARY)
    except OSError as exc:
        return Finding(
            "problem",
            f"The lock file {path} cannot be opened "
            f"({exc.strerror or exc}), so no session can save.",
            _open_fix(path),
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
    findings += _permissions(directory)
    findings += _state(directory, reading, backup)
    findings.append(_lock(directory))
    findings += flows(reading)
    findings.append(_backup(backup, directory))
    findings += _leftovers(directory)
    return findings
