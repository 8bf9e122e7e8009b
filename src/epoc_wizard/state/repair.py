"""``epoc-wizard doctor --repair``: fix what can be fixed safely, and say what was done.

A damaged state file is moved aside to ``state.damaged-<UTC time>.json`` (never
deleted), then the backup is restored if it is good (journeys damaged in the file are
taken from the backup when it has them), else the wizard starts empty; permissions are
set to 0700/0600 (on POSIX only: Windows has no such modes; and never through a symbolic
link, so a link cannot make it change a file elsewhere), the drafts folders' to 0700 too;
temporary files of an interrupted save are removed. A named pipe, device, link or
oversized file where the state file should be is moved aside like a damaged file; a
``state.lock`` that is a symbolic link is removed (the link only, never what it points
to), since no session can save while it is there. What it looks at first is
``doctor.py``'s reading of the state.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

from epoc_wizard.errors import StateError
from epoc_wizard.fileio import O_NOFOLLOW, is_link
from epoc_wizard.state.document import BACKUP_FILE, LOCK_FILE, STATE_FILE, on_windows, state_dir
from epoc_wizard.state.finding import DAMAGED_GLOB, REPAIR, TEMP_GLOB
from epoc_wizard.state.health import Reading, name_list, read_state
from epoc_wizard.state.permissions import drafts_folders
from epoc_wizard.state.store import Store
from epoc_wizard.words import plural


def _set_aside(path: Path, now: dt.datetime) -> Path:
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"state.damaged-{stamp}.json")
    n = 1
    while target.exists() or target.is_symlink():
        n += 1
        target = path.with_name(f"state.damaged-{stamp}-{n}.json")
    os.rename(path, target)
    if not on_windows():
        _chmod_own(target, 0o600, os.getuid())
    return target


def _chmod_own(path: Path, want: int, me: int) -> int | None:
    """Set ``path``'s mode to ``want`` if it is this user's own folder (0700) or regular
    file (0600), never through a symbolic link; its mode before, or None if left alone.

    The file is opened without following links (``O_NOFOLLOW``) and changed through that
    descriptor, so a link put in place after the check cannot redirect the change."""
    directory = want == 0o700
    flags = os.O_RDONLY | O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0)
    if directory:
        flags |= getattr(os, "O_DIRECTORY", 0)
    if not O_NOFOLLOW or not hasattr(os, "fchmod"):
        return None  # no way to be sure a link is not followed here: leave it
    try:  # nothing but a folder or a regular file is even opened (a device might act)
        kind = path.lstat().st_mode
    except OSError:
        return None
    if not (stat.S_ISDIR(kind) if directory else stat.S_ISREG(kind)):
        return None
    try:
        fd = os.open(path, flags)
    except PermissionError:  # our own file with no read permission (mode 000)
        return _chmod_unreadable(path, want, me)
    except OSError:
        return None  # a symbolic link (ELOOP), or gone
    try:
        st = os.fstat(fd)
        kind_ok = stat.S_ISDIR(st.st_mode) if directory else stat.S_ISREG(st.st_mode)
        before = stat.S_IMODE(st.st_mode)
        if st.st_uid != me or not kind_ok or before == want:
            return None
        os.fchmod(fd, want)
        return before
    finally:
        os.close(fd)


def _restore(store: Store, reading: Reading, backup: Reading, aside: Path) -> list[str]:
    """Write the new state file after the damaged one was set aside; what was done."""
    if reading.kind == "journeys":
        keep = dict(reading.good)
        taken = [j for j in reading.bad if j in backup.good]
        lost = [j for j in reading.bad if j not in backup.good]
        for jid in taken:
            keep[jid] = backup.good[jid]
        store.replace(keep, reading.roster)
        said = (
            [
                f"Kept the {plural(len(reading.good), 'journey that was', 'journeys that were')}"
                f" fine ({name_list(list(reading.good))})."
            ]
            if reading.good
            else []
        )
        if taken:
            said.append(
                f"Took {name_list(taken)} from {BACKUP_FILE}, as it was at the save "
                "before the last; answers given after that are only in the damaged "
                "copy."
            )
        if lost:
            said.append(
                f"Could not recover {name_list(lost)}: {BACKUP_FILE} does not have "
                f"{'it' if len(lost) == 1 else 'them'} in good order. "
                f"{'It stays' if len(lost) == 1 else 'They stay'} in {aside.name}; "
                f"start {'it' if len(lost) == 1 else 'them'} again with "
                "'epoc-wizard start'."
            )
        return said
    if backup.kind == "ok":
        store.replace(backup.good, backup.roster)
        return [
            f"Restored the last good save from {BACKUP_FILE}: "
            f"{plural(len(backup.good), 'journey', 'journeys')}"
            + (f" ({name_list(list(backup.good))})" if backup.good else "")
            + ". Answers given after that save are only in the damaged copy."
        ]
    if backup.kind == "journeys" and backup.good:
        store.replace(backup.good, backup.roster)
        return [
            f"Restored what is good in {BACKUP_FILE}: {name_list(list(backup.good))}; "
            f"{name_list(list(backup.bad))} could not be recovered."
        ]
    store.replace({}, backup.roster)  # a backup whose journeys are all damaged: its roster
    why = "there is none" if backup.kind == "missing" else "it is damaged too"
    roster = backup.roster or {}
    kept = " The access roster was taken from it." if any(roster.values()) else ""
    return [
        f"Could not restore {BACKUP_FILE} ({why}), so the wizard starts again with no "
        f"saved journeys. Your old progress stays in {aside.name}.{kept}"
    ]


def _chmod_unreadable(path: Path, want: int, me: int) -> int | None:
    """``_chmod_own`` for a file this user cannot open: checked with lstat just before,
    changed without following a link where the system can (else by name)."""
    try:
        st = path.lstat()
    except OSError:
        return None
    kind_ok = stat.S_ISDIR(st.st_mode) if want == 0o700 else stat.S_ISREG(st.st_mode)
    if st.st_uid != me or not kind_ok or stat.S_IMODE(st.st_mode) == want:
        return None
    if os.chmod in os.supports_follow_symlinks:
        os.chmod(path, want, follow_symlinks=False)
    else:
        os.chmod(path, want)  # not a link a moment ago, in a folder that is ours
    return stat.S_IMODE(st.st_mode)


def _fix_modes(directory: Path, files: bool = True) -> list[str]:
    """Set the folder to 0700 and (with ``files``) its files to 0600 and the drafts
    folders to 0700: what was done, one sentence each."""
    if on_windows():
        return []  # Windows has no POSIX modes: nothing to fix, and nothing is "fixed"
    said = []
    me = os.getuid()
    targets = [(directory, 0o700)]
    if files:
        targets += (
            [(directory / n, 0o600) for n in (STATE_FILE, BACKUP_FILE, LOCK_FILE)]
            + [(p, 0o600) for p in sorted(directory.glob(DAMAGED_GLOB))]
            + [(p, 0o700) for p in drafts_folders(directory)]
        )
    for path, want in targets:
        try:
            st = path.lstat()
        except OSError:
            continue
        if st.st_uid != me or stat.S_ISLNK(st.st_mode):
            continue
        before = _chmod_own(path, want, me)
        if before is not None:
            said.append(f"Set the permissions of {path} to {want:o} (was {before:o}).")
    return said


def _unlink_lock_link(directory: Path) -> list[str]:
    """Remove ``state.lock`` if it is a symbolic link (the link, not what it points to):
    the sessions refuse to lock through it, so none could save."""
    path = directory / LOCK_FILE
    try:
        if not is_link(path.lstat()):
            return []
    except OSError:
        return []
    path.unlink()
    return [
        f"Removed the lock file {path}, which was a symbolic link (what it pointed to was "
        "left alone); the next save makes a new lock file."
    ]


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
        # Before the lock: the folder made private (said here, not as the store's note),
        # and a linked lock file removed, or no session (this one included) could save.
        said += _fix_modes(directory, files=False)
        said += _unlink_lock_link(directory)
        with store.lock():
            path = directory / STATE_FILE
            reading = read_state(path)
            if reading.kind in ("damaged", "folder", "journeys", "odd"):
                backup = read_state(directory / BACKUP_FILE)
                aside = _set_aside(path, now)
                what = {"folder": "folder in the way", "odd": f"{reading.thing} in the way"}.get(
                    reading.kind, "damaged state file"
                )
                try:
                    restored = _restore(store, reading, backup, aside)
                except StateError as exc:
                    os.rename(aside, path)  # as it was: nothing half done
                    raise StateError(
                        exc.problem,
                        "The repair was undone and nothing was "
                        f"changed; fix this and run '{REPAIR}' again.",
                    ) from None
                said.append(f"Moved the {what} to {aside} (kept, not deleted).")
                said += restored
            elif reading.kind == "missing" and (directory / BACKUP_FILE).exists():
                backup = read_state(directory / BACKUP_FILE)
                if backup.usable:
                    store.replace(backup.good, backup.roster)
                    said.append(
                        f"The state file was missing: brought back {BACKUP_FILE} "
                        f"({plural(len(backup.good), 'journey', 'journeys')})."
                    )
                    if backup.bad:
                        said.append(
                            f"Could not bring back {name_list(list(backup.bad))}: "
                            "damaged in the backup too."
                        )
                else:
                    aside = _set_aside(directory / BACKUP_FILE, now)
                    store.replace({})
                    said.append(
                        f"The state file was missing and its backup is damaged: moved "
                        f"the backup to {aside} (kept, not deleted) and started again "
                        "with no saved journeys."
                    )
            elif reading.kind == "newer":
                said.append(
                    "Left the state file as it is: a newer epoc-wizard wrote it, so "
                    "it is not damaged; upgrade this one instead."
                )
            elif reading.kind == "unreadable":
                said.append(f"Left the state file as it is: {reading.why}.")
            said += _fix_modes(directory)
            temps = sorted(directory.glob(TEMP_GLOB))
            for t in temps:
                t.unlink(missing_ok=True)
            if temps:
                said.append(
                    f"Removed {plural(len(temps), 'temporary file', 'temporary files')}"
                    " left by an interrupted save."
                )
    except OSError as exc:
        raise StateError(
            f"Could not finish the repair in {directory} "
            f"({exc.strerror or exc}). Nothing was deleted: "
            + (" ".join(said) if said else "nothing was changed.")
        ) from None
    return said
