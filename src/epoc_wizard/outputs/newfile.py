"""Writing a file the person named (``export --output``, ``calendar``), safely.

Never over the state folder's own files (the state file, its backup, the lock, set-aside
damaged files, the drafts), never through a symbolic link, never over an existing file
unless ``force`` is given, and atomically: a new temporary file in the same folder,
created exclusively and without following links, mode 0600, fsynced, closed, then put
in place.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from epoc_wizard.errors import UsageError
from epoc_wizard.fileio import O_BINARY, O_NOFOLLOW, fsync_dir, write_and_close
from epoc_wizard.state.document import BACKUP_FILE, LOCK_FILE, STATE_FILE

#: Flags for the temporary file: created here and now, never through a link.
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_NOFOLLOW | O_BINARY | getattr(os, "O_CLOEXEC", 0)
#: The state folder's own files start with one of these (state.json, state.json.bak,
#: state.lock, state.damaged-*.json, and the temporary files of a save in progress).
_OWN_PREFIXES = ("state.", ".state.")
_DRAFTS = "drafts"


def _same(a: Path, b: Path) -> bool:
    """Whether two paths name the same existing file or folder (False if either is missing)."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _in_state_folder(target: Path, state: Path) -> bool:
    """Whether ``target`` (its folder already resolved) is one of the state folder's own
    files, or anything in its drafts folder. Compared by the files themselves, so links,
    ``..``, another spelling of a folder or a case-insensitive disk change nothing."""
    try:
        state_real = state.resolve()
    except (OSError, RuntimeError):  # a link loop: compare by the files alone
        state_real = state.absolute()
    folder = target.parent
    drafts = state / _DRAFTS
    for ancestor in (folder, *folder.parents):
        if ancestor == state_real / _DRAFTS or _same(ancestor, drafts):
            return True
    if folder == state_real or _same(folder, state):
        name = target.name.casefold()
        if name.startswith(_OWN_PREFIXES) or name == _DRAFTS:
            return True
    if target.exists():  # a hard link (or a disk that folds case) to one of them
        own = (STATE_FILE, BACKUP_FILE, LOCK_FILE)
        if any(_same(target, state / name) for name in own):
            return True
    with contextlib.suppress(OSError, RuntimeError):
        followed = target.resolve()  # where a link at ``target`` points
        if followed != target:
            return _in_state_folder(followed, state)
    return False


def _example(output: Path) -> str:
    """A file name to suggest, of the kind asked for (``record.md``, ``plan.ics``)."""
    return {".ics": "plan.ics", ".html": "record.html"}.get(output.suffix.lower(), "record.md")


def checked_target(output: Path, state: Path, force: bool) -> Path:
    """``output`` with its folder resolved, or a UsageError saying why it cannot be used."""
    if output.name in ("", ".", ".."):
        raise UsageError(
            f"--output {output}: that is a folder, not a file.",
            f"Give a file name, for example --output {output / _example(output)}.",
        )
    try:
        folder = output.parent.resolve()
    except (OSError, RuntimeError) as exc:
        raise UsageError(
            f"--output {output}: its folder cannot be found ({exc}).",
            "Choose another --output path.",
        ) from None
    target = folder / output.name
    if _in_state_folder(target, state):
        raise UsageError(
            f"--output {output} is one of the wizard's own files in its state folder "
            f"({state}); writing there would destroy your saved progress.",
            f"Choose a path outside that folder, for example --output {_example(output)}.",
        )
    try:
        found = target.lstat()
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise UsageError(
            f"Cannot write {output} ({exc.strerror}).", "Choose another --output path."
        ) from None
    if stat.S_ISLNK(found.st_mode):
        raise UsageError(
            f"--output {output} is a symbolic link; nothing is ever written through "
            "a link, even with --force.",
            "Give the path of the file itself, or a new file name.",
        )
    if stat.S_ISDIR(found.st_mode):
        raise UsageError(
            f"--output {output}: that is a folder, not a file.",
            f"Give a file name, for example --output {output / _example(output)}.",
        )
    if not stat.S_ISREG(found.st_mode):
        raise UsageError(
            f"--output {output} is not a regular file (a device, pipe or socket); "
            "the wizard writes only to a file.",
            "Choose another --output path.",
        )
    if not force:
        raise UsageError(
            f"--output {output} already exists and was left unchanged.",
            "Add --force to replace it, or choose another --output path.",
        )
    return target


def write_new(target: Path, output: Path, payload: bytes, force: bool) -> None:
    """Write ``payload`` to a new temporary file beside ``target`` (0600, fsynced,
    closed), then put it in place: with ``force`` by a rename over ``target``;
    otherwise by a hard link, which fails if a file appeared there meanwhile (where
    the disk has no hard links, by a rename after checking again)."""
    tmp = None
    try:
        tmp, fd = _create_temporary(target.parent)
        if hasattr(os, "fchmod"):
            try:
                os.fchmod(fd, 0o600)  # whatever the umask left
            except OSError:
                os.close(fd)
                raise
        write_and_close(fd, payload)
        if force:
            os.replace(tmp, target)
        else:
            _place_new(tmp, target, output)
        tmp = None
        fsync_dir(target.parent)
    except OSError as exc:
        raise UsageError(
            f"Cannot write {output} ({exc.strerror or exc}).", "Choose another --output path."
        ) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _create_temporary(folder: Path) -> tuple[Path, int]:
    for _ in range(20):
        tmp = folder / f".epoc-wizard-new.{secrets.token_hex(6)}.tmp"
        try:
            return tmp, os.open(tmp, _CREATE, 0o600)
        except FileExistsError:
            continue
    raise FileExistsError(17, "no free temporary file name", str(folder))


def _place_new(tmp: Path, target: Path, output: Path) -> None:
    """Put ``tmp`` at ``target``, which must still not exist (the temporary is then removed)."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise _appeared(output) from None
    except OSError:  # no hard links on this disk (FAT, exFAT, many network shares)
        if os.path.lexists(target):
            raise _appeared(output) from None
        os.replace(tmp, target)
        return
    with contextlib.suppress(OSError):
        tmp.unlink()


def _appeared(output: Path) -> UsageError:
    return UsageError(
        f"--output {output} was created by another program meanwhile and was left as it is.",
        "Add --force to replace it, or choose another --output path.",
    )
