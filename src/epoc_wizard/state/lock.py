"""The lock that serializes saves: an exclusive ``flock`` on POSIX, ``msvcrt.locking`` of
the lock file's first byte on Windows. Which one is decided at call time, so a program
without ``fcntl`` never fails before it needs a lock (and tests can simulate Windows).
Standard library only."""

from __future__ import annotations

import contextlib
import errno
import os
import time
from typing import Any


def lock_timeout() -> float:
    try:
        return float(os.environ.get("EPOC_WIZARD_LOCK_TIMEOUT", "5"))
    except ValueError:
        return 5.0


def _fcntl() -> Any:
    """The ``fcntl`` module, or None where there is none (Windows). Asked at call time."""
    try:
        import fcntl
    except ImportError:
        return None
    return fcntl


def _msvcrt() -> Any:
    import msvcrt

    return msvcrt


def _try_lock(fd: int) -> bool:
    """One attempt at an exclusive lock on ``fd``: False if another process holds it."""
    fcntl = _fcntl()
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
    msvcrt = _msvcrt()  # Windows: lock the first byte of the lock file
    os.lseek(fd, 0, os.SEEK_SET)
    try:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EDEADLK):  # held by another process
            return False
        raise
    return True


def unlock(fd: int) -> None:
    """Release a lock taken by ``flock_within`` (closing ``fd`` also releases it, but
    Windows may take a moment to do so)."""
    if _fcntl() is not None:
        return  # an flock goes with the descriptor
    msvcrt = _msvcrt()
    with contextlib.suppress(OSError):
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def flock_within(fd: int, seconds: float) -> bool:
    """Take an exclusive lock on ``fd`` (flock, or ``msvcrt.locking`` on Windows), trying
    for ``seconds``; False if another process holds it all that time. Other failures (no
    locks on this disk) raise OSError."""
    deadline = time.monotonic() + seconds
    while True:
        if _try_lock(fd):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
