"""Writing files so that nothing is lost or half-written, on every system: the flags
Windows and POSIX differ on, writing every byte and syncing it to the disk, and syncing
a folder after a rename. Used by the state store, e-mail drafts and exports. And reading
a file that must be a small regular file (``read_regular``): never through a link, never
a named pipe or a device, never more than a limit. Standard library only (``status``
reads the state file through it)."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

#: ``os.O_BINARY`` on Windows (no newline translation), nothing elsewhere.
O_BINARY: int = getattr(os, "O_BINARY", 0)
#: ``os.O_NOFOLLOW`` where the system has it: a link is refused, never followed.
O_NOFOLLOW: int = getattr(os, "O_NOFOLLOW", 0)
#: ``os.O_NONBLOCK`` where the system has it: opening a named pipe does not wait for a writer.
O_NONBLOCK: int = getattr(os, "O_NONBLOCK", 0)
_REPARSE_POINT: int = getattr(stat, "FILE_ATTRIBUTE_REPARSE_POINT", 0x400)
#: The bit of a Windows reparse tag that says it stands for another path (a symbolic link,
#: a junction); others (OneDrive's files on demand, deduplicated files) are files.
_NAME_SURROGATE = 0x20000000


def is_link(st: os.stat_result) -> bool:
    """A symbolic link, or (on Windows) a reparse point that stands for another path,
    such as a junction, which is followed like one (not OneDrive's files on demand)."""
    if stat.S_ISLNK(st.st_mode):
        return True
    if not getattr(st, "st_file_attributes", 0) & _REPARSE_POINT:
        return False
    return bool(getattr(st, "st_reparse_tag", _NAME_SURROGATE) & _NAME_SURROGATE)


def kind_of(st: os.stat_result) -> str:
    """What a file that is not a regular file is, in words (with its article)."""
    mode = st.st_mode
    if is_link(st):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


class NotAFile(OSError):
    """What should be a regular file is something else: ``kind`` says what, in words
    ("a symbolic link", "a named pipe (FIFO)", "a device", "a socket")."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(errno.EINVAL, f"it is {kind}, not a regular file", str(path))
        self.kind = kind


class TooLarge(OSError):
    """A file larger than the most that is read of it."""

    def __init__(self, path: Path, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, f"it is larger than {limit} bytes", str(path))
        self.size = size
        self.limit = limit


def _refuse_odd(path: Path) -> None:
    """Raise NotAFile if ``path`` is, right now, a link or anything but a regular file or
    folder (so that nothing odd is even opened: opening some devices has effects)."""
    try:
        st = os.lstat(path)
    except OSError:
        return  # missing, or cannot be looked at: opening it says why
    if is_link(st) or not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
        raise NotAFile(path, kind_of(st))


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of ``path``, which must be a regular file of at most ``limit`` bytes.

    A link, a named pipe, a device or a socket raises NotAFile without being read (a pipe
    would wait for ever, ``/dev/zero`` would fill the memory); a larger file raises
    TooLarge; a folder IsADirectoryError (on every system); anything else the OSError of
    opening or reading it. The file is opened without following a link (``O_NOFOLLOW``)
    and without waiting (``O_NONBLOCK``), and checked again through the open descriptor,
    so nothing swapped in after the first look is read either.
    """
    _refuse_odd(path)
    flags = os.O_RDONLY | O_BINARY | O_NOFOLLOW | O_NONBLOCK
    try:
        fd = os.open(path, flags)
    except PermissionError:
        if os.path.isdir(path):  # Windows refuses to open a folder as a file
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path)) from None
        raise
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK) and os.path.islink(path):
            raise NotAFile(path, "a symbolic link") from None
        raise
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        if not stat.S_ISREG(st.st_mode):
            raise NotAFile(path, kind_of(st))
        if st.st_size > limit:
            raise TooLarge(path, st.st_size, limit)
        chunks: list[bytes] = []
        got = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - got))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            got += len(chunk)
            if got > limit:  # it grew while being read
                raise TooLarge(path, got, limit)
    finally:
        os.close(fd)


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
