"""Who can open the state folder: on POSIX its owner and modes (0700 and 0600); on
Windows, which reports no such modes, that the folder is the person's own (in their
profile, or chosen with ``EPOC_WIZARD_HOME``) and its files can be read and written.
Each problem comes with advice in that system's terms.

Before anything is written in a folder (the state folder, ``drafts/`` and a journey's
drafts folder), ``secure_folder`` makes sure no one else can change it: a folder of the
person's own that others may write in is set to 0700 (and they are told, once); one that
belongs to someone else is refused with a sentence (issue 12). Nothing to do on Windows.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path

from epoc_wizard.errors import StateError
from epoc_wizard.fileio import O_BINARY, O_NOFOLLOW, O_NONBLOCK
from epoc_wizard.state.document import (
    BACKUP_FILE,
    DRAFTS_FOLDER,
    LOCK_FILE,
    STATE_FILE,
    on_windows,
)
from epoc_wizard.state.finding import DAMAGED_GLOB, REPAIR, Finding
from epoc_wizard.state.finding import quoted as _q
from epoc_wizard.words import fitted, printable


def _q_windows(path: Path) -> str:
    return f'"{path}"'


def open_fix(path: Path) -> str:
    """What to do about a state file this user cannot open, in this system's terms."""
    if on_windows():
        return (
            "Close other programs that may hold it (a sync or backup tool), and check "
            "that it is not read-only: right-click it, Properties, untick Read-only "
            f"(or run: attrib -R {_q_windows(path)})"
        )
    return f"Make sure it belongs to you and run: chmod 600 {_q(path)}"


#: Mode bits that let someone else change what is in a folder (group or others may write).
OTHERS_WRITE = stat.S_IWGRP | stat.S_IWOTH


def secure_folder(path: Path, fd: int | None = None, *, follow: bool = True) -> str | None:
    """Make sure no one else can change the folder ``path`` (open as ``fd``, if given)
    before anything is written in it; on Windows, nothing to do.

    If group or others may write in it: when it is the person's own, it is set to 0700
    and the note to show them is returned (a second call finds nothing to say); when it
    belongs to someone else, or its disk does not keep the change, StateError says so
    and what to do. Without ``fd``, the folder is opened here (a link to it is followed
    only with ``follow``: the state folder may be a link the person made, the folders
    inside it may not). Changed through the open descriptor, so a folder swapped in after
    the look is not the one changed. OSError when it cannot be opened.
    """
    if on_windows() or not hasattr(os, "fchmod"):
        return None
    mine = fd is None
    if fd is None:
        flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | O_NONBLOCK
        fd = os.open(path, flags if follow else flags | O_NOFOLLOW)
    try:
        st = os.fstat(fd)
        mode = stat.S_IMODE(st.st_mode)
        if not mode & OTHERS_WRITE:
            return None
        me = os.getuid()
        if st.st_uid != me:
            raise StateError(
                f"The folder {path} belongs to another user (uid {st.st_uid}) and others "
                f"may change what is in it (mode {mode:o}), so nothing was saved there: "
                "they could read or replace your progress.",
                f"Set EPOC_WIZARD_HOME to a folder of your own (for example "
                f"{Path.home() / 'epoc-wizard'}), or ask whoever manages this computer to "
                f"run: chown -R {me} {_q(path)} && chmod 700 {_q(path)}",
            )
        with contextlib.suppress(OSError):
            os.fchmod(fd, 0o700)
        after = stat.S_IMODE(os.fstat(fd).st_mode)
        if after & OTHERS_WRITE:
            raise StateError(
                f"The folder {path} can be changed by other users (mode {after:o}) and its "
                "disk did not let it be made private, so nothing was saved there.",
                f"Run: chmod 700 {_q(path)}; if that does not hold (some network "
                "drives ignore it), set EPOC_WIZARD_HOME to a folder on this computer's "
                "own disk.",
            )
    finally:
        if mine:
            os.close(fd)
    return (
        f"Note: other users could change the folder {path} (mode {mode:o}); it is now 700, "
        "so only you can open it."
    )


def tell(note: str | None) -> None:
    """Show a note from ``secure_folder`` on stderr (where the store's notes go)."""
    if note:
        with contextlib.suppress(OSError, ValueError):
            print(fitted(printable(note), sys.stderr), file=sys.stderr)


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
            os.close(os.open(path, os.O_RDWR | O_BINARY | O_NOFOLLOW))  # opened, nothing written
        except OSError as exc:
            out.append(
                Finding(
                    "problem",
                    f"{path} cannot be opened for reading and writing ({exc.strerror or exc}).",
                    open_fix(path) + ".",
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


def drafts_folders(directory: Path) -> list[Path]:
    """``drafts/`` and each journey's folder in it (links are not looked into)."""
    drafts = directory / DRAFTS_FOLDER
    try:
        if not stat.S_ISDIR(drafts.lstat().st_mode):
            return []
        inside = sorted(p for p in drafts.iterdir() if stat.S_ISDIR(p.lstat().st_mode))
    except OSError:
        return []
    return [drafts, *inside]


def _drafts_shape(directory: Path) -> list[Finding]:
    """``drafts`` as something other than a folder, or a link where a journey's drafts
    folder or a draft should be: ``email`` refuses to write there, so say it here."""
    from epoc_wizard.fileio import is_link

    drafts = directory / DRAFTS_FOLDER
    odd: list[tuple[Path, str]] = []
    try:
        st = drafts.lstat()
    except OSError:
        return []
    if is_link(st):
        odd.append((drafts, "a link"))
    elif not stat.S_ISDIR(st.st_mode):
        odd.append((drafts, "not a folder"))
    else:
        with contextlib.suppress(OSError):
            for entry in sorted(drafts.iterdir()):
                est = entry.lstat()
                if is_link(est):
                    odd.append((entry, "a link"))
                elif not stat.S_ISDIR(est.st_mode):
                    odd.append((entry, "not a folder"))
    return [
        Finding(
            "problem",
            f"{path} is {what}; e-mail drafts are never written through a link or into "
            "anything but a folder, so 'epoc-wizard email' cannot save drafts there.",
            f"Move {path} away (the wizard makes the folder again).",
        )
        for path, what in odd
    ]


def _drafts_folders(directory: Path, me: int) -> list[Finding]:
    """Drafts folders others may write in (a link in their place is drafts' own refusal)."""
    out = []
    for folder in drafts_folders(directory):
        try:
            st = folder.lstat()
        except OSError:
            continue
        mode = stat.S_IMODE(st.st_mode)
        if not mode & OTHERS_WRITE:
            continue
        if st.st_uid != me:
            fix = f"Move it away (the wizard makes it again), or run: chown -R {me} {_q(folder)}"
        else:
            fix = f"Run: chmod 700 {_q(folder)}  (or '{REPAIR}')"
        out.append(
            Finding(
                "problem",
                f"Other users can change the drafts folder {folder} (mode {mode:o}); "
                "it should be 700.",
                fix,
            )
        )
    return out


def permissions(directory: Path) -> list[Finding]:
    if on_windows():
        return _windows_access(directory) + _drafts_shape(directory)
    out: list[Finding] = _drafts_shape(directory)
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
    out += _drafts_folders(directory, me)
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
