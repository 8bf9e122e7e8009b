"""``epoc-wizard doctor``: is the saved progress healthy, and if not, what to do.

People keep months of progress for many facilities in one state file. When something
goes wrong with it (a disk that filled up, a copy from another machine, a hand edit,
another session that hangs), the other commands stop with a sentence that points
here. ``doctor`` looks at everything that can be wrong, without changing anything:

* where the state lives (and whether ``EPOC_WIZARD_HOME`` chose it);
* the permissions of the folder (0700) and files (0600), and who owns them;
* whether the state file parses, and every journey in it validates;
* whether the lock can be taken, or another session holds it;
* whether the flows load, and every journey's flow exists;
* the backup of the previous save, ``state.json.bak``.

Each problem comes with what to do. ``doctor --repair`` fixes what can be fixed
safely: a damaged state file is moved aside to ``state.damaged-<UTC time>.json``
(never deleted), then the backup is restored if it is good (journeys that are
damaged in the file are taken from the backup when it has them), else the wizard
starts empty; permissions are set to 0700/0600; temporary files of an interrupted
save are removed. It says exactly what it did and where the damaged file is.

Imported only by the ``doctor`` command, never on the everyday paths.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
import stat
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from epoc_wizard.errors import StateError
from epoc_wizard.store import (
    BACKUP_FILE,
    LOCK_FILE,
    SCHEMA_VERSION,
    STATE_FILE,
    Store,
    _recover_hint,
    journey_from,
    parse_document,
    state_dir,
)

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


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _without_hint(message: str, path: Path) -> str:
    return message.replace(_recover_hint(path), "").replace(
        " The file was left untouched.", "").strip()


def _newer(raw: bytes) -> bool:
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        return False
    version = doc.get("schema") if isinstance(doc, dict) else None
    return isinstance(version, int) and not isinstance(version, bool) and \
        version > SCHEMA_VERSION


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
        return Reading("newer" if _newer(raw) else "damaged", _without_hint(exc.message, path))
    reading = Reading("ok")
    for jid, data in doc["journeys"].items():
        try:
            journey_from(jid, data, path)
        except StateError as exc:
            reading.bad[jid] = _without_hint(exc.message, path)
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


def _permissions(directory: Path) -> list[Finding]:
    out: list[Finding] = []
    me = os.getuid()
    st = directory.stat()
    if st.st_uid != me:
        out.append(Finding("problem", f"The state folder {directory} belongs to another user "
                                      f"(uid {st.st_uid}), so your progress may not be yours "
                                      "alone.",
                           f"Use your own folder (set EPOC_WIZARD_HOME), or ask whoever "
                           f"manages this computer to run: chown -R {me} {_q(directory)}"))
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o077:
        out.append(Finding("problem", f"The state folder {directory} can be opened by other "
                                      f"users (mode {mode:o}); it should be 700.",
                           f"Run: chmod 700 {_q(directory)}  (or '{REPAIR}')"))
    names = [STATE_FILE, BACKUP_FILE, LOCK_FILE,
             *sorted(p.name for p in directory.glob(DAMAGED_GLOB))]
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
        out.append(Finding("problem", f"{path} can be read by other users (mode {fmode:o}); "
                                      "it should be 600.",
                           f"Run: chmod 600 {_q(path)}  (or '{REPAIR}')"))
    if not out:
        out.append(Finding("ok", "Permissions: only you can open the state folder (700) and "
                                 "its files (600)."))
    return out


def _state(directory: Path, reading: Reading, backup: Reading) -> list[Finding]:
    path = directory / STATE_FILE
    restore = (f"'{REPAIR}': it moves the file aside (it is kept, not deleted) and "
               + (f"restores the last good save from {BACKUP_FILE}." if backup.kind == "ok"
                  else f"starts again with no journeys, since {BACKUP_FILE} is "
                       f"{'missing' if backup.kind == 'missing' else 'not usable either'}."))
    if reading.kind == "missing" and backup.kind != "missing":
        return [Finding("problem", f"The state file {path} is missing, but its backup "
                                   f"{BACKUP_FILE} is there: something removed it.",
                        (f"Run '{REPAIR}' to bring back the backup "
                         f"({_plural(len(backup.good), 'journey', 'journeys')})" if backup.usable
                         else f"The backup is not usable either; '{REPAIR}' sets it aside "
                              "(kept, not deleted) and starts again with no journeys")
                        + f"; or, if you removed the file on purpose to start again, delete "
                          f"{_q(directory / BACKUP_FILE)} too.")]
    if reading.kind == "missing":
        return [Finding("ok", "No progress saved yet; the state file is created at the "
                              "first answer.")]
    if reading.kind == "ok":
        return [Finding("ok", f"State file: {_plural(len(reading.good), 'journey', 'journeys')}"
                              f", all readable (schema {SCHEMA_VERSION}).")]
    if reading.kind == "newer":
        return [Finding("problem", reading.why,
                        "Upgrade epoc-wizard (pip install -U epoc-wizard). Do not repair: "
                        "the file is not damaged, this program is older than it.")]
    if reading.kind == "unreadable":
        return [Finding("problem", f"The state file {reading.why}.",
                        f"Make sure the file belongs to you and run: chmod 600 {_q(path)}")]
    if reading.kind in ("damaged", "folder"):
        return [Finding("problem", reading.why.rstrip(".") + ".", f"Run {restore}")]
    findings = [Finding("ok", f"State file: {_plural(len(reading.good), 'journey', 'journeys')}"
                              " readable.")] if reading.good else []
    for why in reading.bad.values():
        findings.append(Finding("problem", why.rstrip(".") + ".", ""))
    from_backup = [j for j in reading.bad if j in backup.good]
    findings[-1].fix = (
        f"Run '{REPAIR}': it moves the file aside (kept, not deleted), "
        + (f"keeps the {_plural(len(reading.good), 'journey that is', 'journeys that are')} "
           "fine, and " if reading.good else "")
        + (f"takes {_names(from_backup)} from {BACKUP_FILE}" if from_backup
           else f"cannot take the damaged ones from {BACKUP_FILE}, which does not have them "
                "in good order")
        + ". Or delete a damaged journey with: epoc-wizard reset JOURNEY --yes")
    return findings


def _names(ids: list[str]) -> str:
    return ", ".join(f"'{i}'" for i in ids)


def _lock(directory: Path, patience: float = 0.5) -> Finding:
    import fcntl

    path = directory / LOCK_FILE
    if not path.exists():
        return Finding("ok", "Lock: no other session is using the state.")
    try:
        # Opened for writing (nothing is written) because on network drives an exclusive
        # lock needs that, as the sessions' own lock does.
        fd = os.open(path, os.O_RDWR)
    except OSError as exc:
        return Finding("problem", f"The lock file {path} cannot be opened "
                                  f"({exc.strerror or exc}), so no session can save.",
                       f"Make sure it belongs to you and run: chmod 600 {_q(path)}")
    try:
        deadline = time.monotonic() + patience
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return Finding("ok", "Lock: no other session is using the state.")
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    break
                time.sleep(0.02)
            except OSError as exc:
                return Finding("problem", f"The lock on {path} cannot be taken "
                                          f"({exc.strerror or exc}), so no session can save.",
                               "Keep the state on a disk that supports file locks (set "
                               "EPOC_WIZARD_HOME to a local folder).")
    finally:
        os.close(fd)
    return Finding("problem", "Another epoc-wizard session holds the lock on the state "
                              f"({path}) right now, so this one would have to wait.",
                   "Finish or close the other session (another terminal, or a script). The "
                   "lock is released by itself when that program ends; if it is stuck, "
                   "close that terminal.")


def _flows(reading: Reading) -> list[Finding]:
    from epoc_wizard.catalog import flow_dirs, load_catalog
    from epoc_wizard.errors import FlowError

    extra = [str(d) for d in flow_dirs()[1:]]
    where = f" (with your own flows from {', '.join(extra)})" if extra else ""
    try:
        catalog = load_catalog()
    except FlowError as exc:
        return [Finding("problem", f"The flow files{where} have "
                                   f"{_plural(len(exc.problems), 'problem', 'problems')}:\n"
                                   + "\n".join(f"  {p}" for p in exc.problems),
                        "Correct each line named above (file:line), or move that file out "
                        "of the flows folder; 'epoc-wizard flows check FILE' checks it "
                        "again.")]
    out = [Finding("ok", f"Flows: {_plural(len(catalog.flows), 'flow loads', 'flows load')} "
                         f"without problems{where}.")]
    for jid, data in reading.good.items():
        flow = data.get("flow")
        if flow not in catalog.flows:
            out.append(Finding("problem", f"The journey '{jid}' follows the flow '{flow}', "
                                          "which is not installed, so it cannot be resumed.",
                               "Put that flow file back in your flows folder, or delete the "
                               f"journey with: epoc-wizard reset {jid}"))
    return out


def _backup(backup: Reading, directory: Path) -> Finding:
    if backup.kind == "missing":
        return Finding("note", f"No backup ({BACKUP_FILE}) yet; it is kept from the second "
                               "save on.")
    if backup.kind == "ok":
        return Finding("ok", f"Backup {BACKUP_FILE}: "
                             f"{_plural(len(backup.good), 'journey', 'journeys')}, readable "
                             "(the save before the last).")
    why = backup.why or "; ".join(backup.bad.values())
    return Finding("note", f"The backup {directory / BACKUP_FILE} is not usable ({why}). "
                           "The next save replaces it; this only matters if the state file "
                           "is damaged too.")


def _leftovers(directory: Path) -> list[Finding]:
    out = []
    temps = sorted(directory.glob(TEMP_GLOB))
    if temps:
        out.append(Finding("note", f"{_plural(len(temps), 'temporary file', 'temporary files')}"
                                   " left by a save that was interrupted (harmless: the state "
                                   "file was not touched). The next save removes "
                                   f"{'it' if len(temps) == 1 else 'them'}."))
    aside = sorted(p.name for p in directory.glob(DAMAGED_GLOB))
    if aside:
        out.append(Finding("note", f"Damaged state files set aside earlier, kept for you: "
                                   f"{', '.join(aside)} (in {directory}). Delete them once "
                                   "you no longer need them."))
    return out


def diagnose(directory: Path | None = None) -> list[Finding]:
    """Every finding about the state folder and the flows; changes nothing."""
    directory = directory or state_dir()
    findings = [_where(directory)]
    if directory.exists() and not directory.is_dir():
        findings.append(Finding("problem", f"{directory} is a file, not a folder, so progress "
                                           "cannot be saved there.",
                                "Move that file away, or set EPOC_WIZARD_HOME to a folder."))
        return findings + _flows(Reading("missing"))
    if not directory.exists():
        findings.append(Finding("ok", "No progress saved yet; the folder is created at the "
                                      "first answer."))
        return findings + _flows(Reading("missing"))
    reading = read_state(directory / STATE_FILE)
    backup = read_state(directory / BACKUP_FILE)
    findings += _permissions(directory)
    findings += _state(directory, reading, backup)
    findings.append(_lock(directory))
    findings += _flows(reading)
    findings.append(_backup(backup, directory))
    findings += _leftovers(directory)
    return findings


# --- repair -------------------------------------------------------------------------


def _set_aside(path: Path, now: dt.datetime) -> Path:
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"state.damaged-{stamp}.json")
    n = 1
    while target.exists() or target.is_symlink():
        n += 1
        target = path.with_name(f"state.damaged-{stamp}-{n}.json")
    os.rename(path, target)
    if target.is_file():
        os.chmod(target, 0o600)
    return target


def _restore(store: Store, reading: Reading, backup: Reading, aside: Path) -> list[str]:
    """Write the new state file after the damaged one was set aside; what was done."""
    if reading.kind == "journeys":
        keep = dict(reading.good)
        taken = [j for j in reading.bad if j in backup.good]
        lost = [j for j in reading.bad if j not in backup.good]
        for jid in taken:
            keep[jid] = backup.good[jid]
        store.replace(keep)
        said = [f"Kept the {_plural(len(reading.good), 'journey that was', 'journeys that were')}"
                f" fine ({_names(list(reading.good))})."] if reading.good else []
        if taken:
            said.append(f"Took {_names(taken)} from {BACKUP_FILE}, as it was at the save "
                        "before the last; answers given after that are only in the damaged "
                        "copy.")
        if lost:
            said.append(f"Could not recover {_names(lost)}: {BACKUP_FILE} does not have "
                        f"{'it' if len(lost) == 1 else 'them'} in good order. "
                        f"{'It stays' if len(lost) == 1 else 'They stay'} in {aside.name}; "
                        f"start {'it' if len(lost) == 1 else 'them'} again with "
                        "'epoc-wizard start'.")
        return said
    if backup.kind == "ok":
        store.replace(backup.good)
        return [f"Restored the last good save from {BACKUP_FILE}: "
                f"{_plural(len(backup.good), 'journey', 'journeys')}"
                + (f" ({_names(list(backup.good))})" if backup.good else "")
                + ". Answers given after that save are only in the damaged copy."]
    if backup.kind == "journeys" and backup.good:
        store.replace(backup.good)
        return [f"Restored what is good in {BACKUP_FILE}: {_names(list(backup.good))}; "
                f"{_names(list(backup.bad))} could not be recovered."]
    store.replace({})
    why = "there is none" if backup.kind == "missing" else "it is damaged too"
    return [f"Could not restore {BACKUP_FILE} ({why}), so the wizard starts again with no "
            f"saved journeys. Your old progress stays in {aside.name}."]


def _fix_modes(directory: Path) -> list[str]:
    said = []
    me = os.getuid()
    targets = [(directory, 0o700)] + [
        (directory / n, 0o600) for n in (STATE_FILE, BACKUP_FILE, LOCK_FILE)] + [
        (p, 0o600) for p in sorted(directory.glob(DAMAGED_GLOB))]
    for path, want in targets:
        try:
            st = path.lstat()
        except OSError:
            continue
        if st.st_uid != me or stat.S_ISLNK(st.st_mode):
            continue
        if (stat.S_ISDIR(st.st_mode) if want == 0o700 else stat.S_ISREG(st.st_mode)) and \
                stat.S_IMODE(st.st_mode) != want:
            os.chmod(path, want)
            said.append(f"Set the permissions of {path} to {want:o} (was "
                        f"{stat.S_IMODE(st.st_mode):o}).")
    return said


def repair(directory: Path | None = None, now: dt.datetime | None = None) -> list[str]:
    """Fix what can be fixed safely; one sentence per thing done.

    Raises StateError when it cannot (another session holds the lock, the folder is
    not writable): nothing is lost then either.
    """
    from epoc_wizard import clock

    directory = directory or state_dir()
    now = now or clock.now()
    if not directory.is_dir():
        return []
    store = Store(directory)
    said: list[str] = []
    try:
        with store.lock():
            path = directory / STATE_FILE
            reading = read_state(path)
            if reading.kind in ("damaged", "folder", "journeys"):
                backup = read_state(directory / BACKUP_FILE)
                aside = _set_aside(path, now)
                what = "folder in the way" if reading.kind == "folder" else "damaged state file"
                try:
                    restored = _restore(store, reading, backup, aside)
                except StateError as exc:
                    os.rename(aside, path)  # as it was: nothing half done
                    raise StateError(f"{exc.message.split('. Your last saved')[0]}. The "
                                     "repair was undone and nothing was changed; fix this "
                                     f"and run '{REPAIR}' again.") from None
                said.append(f"Moved the {what} to {aside} (kept, not deleted).")
                said += restored
            elif reading.kind == "missing" and (directory / BACKUP_FILE).exists():
                backup = read_state(directory / BACKUP_FILE)
                if backup.usable:
                    store.replace(backup.good)
                    said.append(f"The state file was missing: brought back {BACKUP_FILE} "
                                f"({_plural(len(backup.good), 'journey', 'journeys')}).")
                    if backup.bad:
                        said.append(f"Could not bring back {_names(list(backup.bad))}: "
                                    "damaged in the backup too.")
                else:
                    aside = _set_aside(directory / BACKUP_FILE, now)
                    store.replace({})
                    said.append(f"The state file was missing and its backup is damaged: moved "
                                f"the backup to {aside} (kept, not deleted) and started again "
                                "with no saved journeys.")
            elif reading.kind == "newer":
                said.append("Left the state file as it is: a newer epoc-wizard wrote it, so "
                            "it is not damaged; upgrade this one instead.")
            elif reading.kind == "unreadable":
                said.append(f"Left the state file as it is: {reading.why}.")
            said += _fix_modes(directory)
            temps = sorted(directory.glob(TEMP_GLOB))
            for t in temps:
                t.unlink(missing_ok=True)
            if temps:
                said.append(f"Removed {_plural(len(temps), 'temporary file', 'temporary files')}"
                            " left by an interrupted save.")
    except OSError as exc:
        raise StateError(f"Could not finish the repair in {directory} "
                         f"({exc.strerror or exc}). Nothing was deleted: "
                         + (" ".join(said) if said else "nothing was changed.")) from None
    return said


# --- the command ------------------------------------------------------------------------

_LABEL = {"ok": "OK", "note": "NOTE", "problem": "PROBLEM"}


def render(findings: list[Finding]) -> str:
    lines = []
    for f in findings:
        label = f"{_LABEL[f.level]:<8} "
        first, *rest = f.text.split("\n")
        lines.append(label + first)
        lines += [" " * 9 + r for r in rest]
        if f.fix:
            lines.append(" " * 9 + "What to do: " + f.fix)
    problems = sum(f.level == "problem" for f in findings)
    lines.append("")
    lines.append("Everything looks healthy." if not problems else
                 f"{_plural(problems, 'problem', 'problems')} found; see 'What to do' above.")
    return "\n".join(lines)


def main(*, repair_it: bool) -> int:
    """``epoc-wizard doctor [--repair]``: the report (after repairing); the exit code."""
    if repair_it:
        said = repair()
        print("Repair:" if said else "Repair: nothing needed repairing.")
        for line in said:
            print(f"  {line}")
        print()
    findings = diagnose()
    print(render(findings))
    sys.stdout.flush()
    return 1 if any(f.level == "problem" for f in findings) else 0
