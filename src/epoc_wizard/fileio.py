"""Writing files so that nothing is lost or half-written, on every system: the flags
Windows and POSIX differ on, writing every byte and syncing it to the disk, and syncing
a folder after a rename. Used by the state store, e-mail drafts and exports.
Standard library only."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

#: ``os.O_BINARY`` on Windows (no newline translation), nothing elsewhere.
O_BINARY: int = getattr(os, "O_BINARY", 0)
#: ``os.O_NOFOLLOW`` where the system has it: a link is refused, never followed.
O_NOFOLLOW: int = getattr(os, "O_NOFOLLOW", 0)


def write_and_close(fd: int, payload: bytes) -> None:
    """Write all of ``payload`` to ``fd``, sync it to the disk, and close ``fd`` (also
    when writing fails)."""
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(directory: Path) -> None:
    """Sync a folder after a rename in it, so the new name survives a power cut (not
    possible on Windows, where there is nothing to do)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
