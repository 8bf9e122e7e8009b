"""Who can open the state folder: on POSIX its owner and modes (0700 and 0600); on
Windows, which reports no such modes, that the folder is the person's own (in their
profile, or chosen with ``EPOC_WIZARD_HOME``) and its files can be read and written.
Each problem comes with advice in that system's terms."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from epoc_wizard.fileio import O_BINARY
from epoc_wizard.state.document import BACKUP_FILE, LOCK_FILE, STATE_FILE, on_windows
from epoc_wizard.state.finding import DAMAGED_GLOB, REPAIR, Finding
from epoc_wizard.state.finding import quoted as _q


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


def permissions(directory: Path) -> list[Finding]:
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
