"""Writing the state file safely, and the Store that sessions and commands use.

Where the file lives, its format and how it is read are in ``document.py``.

Every save takes the lock (``state.lock``: an flock on POSIX, ``msvcrt.locking`` on
Windows), re-reads the file (and reuses the journeys' texts when it is still exactly what
this process last wrote), replaces only the journey being saved, writes a temporary file
in the same folder, fsyncs and closes it and renames it over the old one; a crash at any
moment leaves either the old or the new file, never half of one
(``tests/test_crash_and_lock.py`` kills a saving process 200 times to show it). A
temporary file left by a killed save is removed by the next save. The previous good file
stays as ``state.json.bak`` (a hard link, or a copy where the disk has none). No file is
held open between saves, and a rename that Windows refuses for a moment (antivirus, the
search indexer, OneDrive) is tried again for about half a second. On POSIX, files are 0600
and the folder 0700, whatever the umask: a folder of the person's own that others may
write in is made 0700 before anything is written in it, and one that belongs to someone
else is refused (``permissions.secure_folder``). The lock file is never opened through a
link, nor when it is anything but a regular file; the temporary file is always a new one
(``O_EXCL``, ``O_NOFOLLOW``). A journey changed by another process since this one read it
is never written over (``Store.save``).

The access roster (``core/roster.py``) is kept in the same file and changed the same way,
under the lock, but as read-modify-write: ``update_roster`` applies a change to the roster
as it is on disk at that moment, so two windows changing it one after the other never lose
either change, and nothing is held between reading it and saving it. Every journey save
keeps the roster as it is on disk, and every roster save keeps the journeys.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from epoc_wizard.core.roster import empty as empty_roster
from epoc_wizard.core.roster import problem as roster_problem
from epoc_wizard.errors import JourneyChanged, StateError
from epoc_wizard.fileio import (
    O_BINARY,
    O_NOFOLLOW,
    O_NONBLOCK,
    fsync_dir,
    is_link,
    kind_of,
    write_and_close,
)
from epoc_wizard.state.document import (
    BACKUP_FILE,
    LOCK_FILE,
    MAX_STATE_BYTES,
    SCHEMA_VERSION,
    STATE_FILE,
    journey_from,
    on_windows,
    parse_document,
    read_document,
    read_state_bytes,
    state_dir,
)
from epoc_wizard.state.finding import REPAIR
from epoc_wizard.state.lock import flock_within, lock_timeout, unlock
from epoc_wizard.state.permissions import secure_folder, tell
from epoc_wizard.words import fitted, printable

if TYPE_CHECKING:
    from epoc_wizard.core.journey import Journey

#: How long a rename that Windows refuses (a file held open by another program) is retried.
REPLACE_PATIENCE = 0.5


def _replace(src: Path, dst: Path) -> None:
    """``os.replace``, tried again for about half a second while it is refused: on Windows
    a file that another program holds open (antivirus, the indexer, OneDrive) cannot be
    renamed or replaced until that program lets go."""
    deadline = time.monotonic() + REPLACE_PATIENCE
    pause = 0.01
    while True:
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.1)


class _Refused(OSError):
    """A rename refused for longer than ``REPLACE_PATIENCE``: another program holds the file."""


class Store:
    """Journeys in one state folder."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or state_dir()
        self.path = self.directory / STATE_FILE
        #: The file this process last wrote, as its bytes, each journey's JSON text in it,
        #: and the roster's. Nothing is held open between saves (Windows could not rename
        #: it then).
        self._cache: tuple[bytes, dict[str, bytes], bytes] | None = None
        self._locked = 0
        #: Each journey this process read or saved, as its JSON text then: a save checks
        #: that no other process changed the journey since (see ``save``).
        self._seen: dict[str, bytes] = {}
        #: Why the last save could keep no backup of the previous one, if it could not.
        self.no_backup: str | None = None
        self._said_no_backup = False

    def journeys(self) -> dict[str, dict[str, Any]]:
        journeys: dict[str, dict[str, Any]] = read_document(self.directory)["journeys"]
        return journeys

    def roster(self) -> dict[str, Any]:
        """The access roster as stored (``core/roster.py``): checked, raw data."""
        roster: dict[str, Any] = read_document(self.directory)["roster"]
        return roster

    def update_roster(self, change: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
        """Apply ``change`` to the roster as it is on disk now, under the lock, and save the
        result (the journeys are kept as they are); the roster as saved. ``change`` takes a
        copy and returns the new roster; an exception from it saves nothing."""
        with self.lock():
            parts, roster = self._read()
            new = change(json.loads(roster))
            wrong = roster_problem(new)
            if wrong is not None:  # a bug, never a person's input: the commands check that
                raise AssertionError(f"the roster would be damaged: {wrong}")
            self._write_parts(parts, _dumps(new))
            return new

    def load(self, journey_id: str) -> Journey:
        raw = self.journeys().get(journey_id)
        if raw is None:
            from epoc_wizard.checks import echo
            from epoc_wizard.errors import UsageError

            raise UsageError(
                f"There is no journey called {echo(journey_id)}. Run "
                "'epoc-wizard status' to see your journeys."
            )
        return self.journey(journey_id, raw)

    def journey(self, journey_id: str, data: dict[str, Any]) -> Journey:
        """A journey read with ``journeys()``, as a model (StateError when damaged)."""
        journey = journey_from(journey_id, data, self.path)
        self._seen[journey_id] = _dumps(data)
        return journey

    def save(self, journey: Journey) -> None:
        """Save one journey. If another process (a second window, or ``epoc-wizard edit``)
        changed or deleted it since this one read it, its change is not written over:
        JourneyChanged says so (the session then carries on from what was saved)."""
        with self.lock():
            parts, roster = self._read()
            seen = self._seen.get(journey.id)
            if seen is not None and parts.get(journey.id) != seen:
                deleted = journey.id not in parts
                then = (
                    "Run 'epoc-wizard status' to see the journeys that are left."
                    if deleted
                    else f"To carry on from what was saved, run: epoc-wizard resume {journey.id}"
                )
                raise JourneyChanged(
                    f"The journey '{journey.id}' was {'deleted' if deleted else 'changed'} in "
                    "another window (or by 'epoc-wizard edit' or 'reset') while it was open "
                    f"here. Your last answer here was not saved, so that change is kept. {then}",
                    journey.id,
                    deleted=deleted,
                )
            self._put(parts, journey, roster)

    def create(self, make: Callable[[set[str]], Journey]) -> Journey:
        """Save a new journey, its id chosen by ``make`` from the ids taken, under the
        lock: two windows starting at the same moment cannot pick the same id."""
        with self.lock():
            parts, roster = self._read()
            journey = make(set(parts))
            self._put(parts, journey, roster)
            return journey

    def _put(self, parts: dict[str, bytes], journey: Journey, roster: bytes) -> None:
        """Write ``parts`` with this journey in it, and remember it as seen (under the lock)."""
        parts[journey.id] = text = _dumps(journey.model_dump(mode="json", exclude_none=True))
        self._write_parts(parts, roster)
        self._seen[journey.id] = text

    def delete(self, journey_id: str) -> None:
        with self.lock():
            parts, roster = self._read()
            parts.pop(journey_id, None)
            self._write_parts(parts, roster)
            self._seen.pop(journey_id, None)

    def replace(
        self, journeys: dict[str, dict[str, Any]], roster: dict[str, Any] | None = None
    ) -> None:
        """Write exactly these journeys and this roster (an empty one if None), whatever
        the file held (``doctor --repair``)."""
        with self.lock():
            self._write_parts(
                {jid: _dumps(data) for jid, data in journeys.items()},
                _dumps(roster if roster is not None else empty_roster()),
            )
            self._seen.clear()

    def write(self, journeys: dict[str, dict[str, Any]]) -> None:
        """Write these journeys as raw data, unchecked, keeping all others (for tools and
        tests that need a state file of a given shape)."""
        with self.lock():
            parts, roster = self._read()
            parts.update((jid, _dumps(data)) for jid, data in journeys.items())
            self._write_parts(parts, roster)

    def _write_parts(self, parts: dict[str, bytes], roster: bytes) -> None:
        """Write the file with these journeys' texts and this roster's (the caller holds
        the lock)."""
        body = b",".join(_dumps(jid) + b":" + part for jid, part in parts.items())
        payload = b'{"schema":%d,"journeys":{%s},"roster":%s}' % (SCHEMA_VERSION, body, roster)
        if len(payload) > MAX_STATE_BYTES:  # it could not be read again
            raise StateError(
                f"Cannot save progress in {self.directory}: the state file would be larger "
                f"than {MAX_STATE_BYTES // (1024 * 1024)} MB, the most epoc-wizard reads.",
                "Your last saved progress is unchanged; delete journeys you no longer "
                "need with 'epoc-wizard reset JOURNEY --yes', then run the same command again.",
            )
        self._cache = None
        self._write(payload)
        self._cache = (payload, dict(parts), roster)

    def _read(self) -> tuple[dict[str, bytes], bytes]:
        """Each journey's JSON text, and the roster's, as on disk now.

        Parsing and serializing hundreds of journeys on every answer would dominate the
        cost of a save, so the bytes and texts of the last file this process wrote are
        kept, and the texts reused while the file on disk still holds exactly those bytes
        (reading and comparing them is cheap; no inode or time is trusted, and no file is
        held open). Any other process's write shows as different bytes.
        """
        try:
            raw = read_state_bytes(self.path)
        except OSError:
            raw = None  # missing, unreadable or odd: read_document says which, and what to do
        if raw is not None and self._cache is not None and raw == self._cache[0]:
            return dict(self._cache[1]), self._cache[2]
        doc = read_document(self.directory) if raw is None else parse_document(raw, self.path)
        journeys: dict[str, Any] = doc["journeys"]
        return {jid: _dumps(data) for jid, data in journeys.items()}, _dumps(doc["roster"])

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold ``state.lock`` (an flock); re-entrant within this Store."""
        if self._locked:
            self._locked += 1
            try:
                yield
            finally:
                self._locked -= 1
            return
        self._ensure_dir()
        fd = self._open_lock()
        try:
            try:
                taken = flock_within(fd, lock_timeout())
            except OSError as exc:  # e.g. a network drive without locks (ENOLCK)
                raise StateError(
                    f"Cannot lock the state in {self.directory} ({exc.strerror or exc}), "
                    "so it cannot be saved safely. Keep it on a disk that supports file "
                    "locks (set EPOC_WIZARD_HOME to a local folder). Nothing was "
                    "changed."
                ) from None
            if not taken:
                raise StateError(
                    "Another epoc-wizard session is working on the same state "
                    f"({self.directory}). Finish or close it, then try again. This "
                    "change was not saved; everything saved before it is kept."
                )
            self._locked = 1
            try:
                yield
            finally:
                self._locked = 0
                unlock(fd)
        finally:
            os.close(fd)

    def _ensure_dir(self) -> None:
        """Make the folder (0700) if it is missing; make sure no one else can change it."""
        try:
            if not self.directory.is_dir():
                # Folders made on the way are private too, whatever the umask: a folder
                # above this one that others could write in would let them swap it.
                old = os.umask(0o077)
                try:
                    self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
                finally:
                    os.umask(old)
            tell(secure_folder(self.directory))
        except OSError as exc:
            raise self._write_error(exc) from None

    def _open_lock(self) -> int:
        """Open (or create, 0600) ``state.lock``: never through a link (a dangling link
        would otherwise create a file where it points), and only a regular file."""
        path = self.directory / LOCK_FILE
        try:
            if not O_NOFOLLOW:  # Windows: look first (nothing else can make links there)
                with contextlib.suppress(FileNotFoundError):
                    if is_link(path.lstat()):
                        raise self._odd_lock(path, "a symbolic link")
            flags = os.O_RDWR | os.O_CREAT | O_BINARY | O_NOFOLLOW | O_NONBLOCK
            fd = os.open(path, flags, 0o600)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.EMLINK) and path.is_symlink():
                raise self._odd_lock(path, "a symbolic link") from None
            if exc.errno == errno.EISDIR:
                raise self._odd_lock(path, "a folder") from None
            raise self._write_error(exc) from None
        try:
            st = os.fstat(fd)
        except OSError as exc:
            os.close(fd)
            raise self._write_error(exc) from None
        if not stat.S_ISREG(st.st_mode):
            os.close(fd)
            raise self._odd_lock(path, kind_of(st))
        return fd

    def _odd_lock(self, path: Path, kind: str) -> StateError:
        if kind == "a symbolic link":
            fix = (
                f"Run '{REPAIR}', which removes the link (what it points to is left "
                "alone), or delete it yourself; then run the same command again."
            )
        else:
            fix = (
                "Move it away (the wizard makes the lock file again), then run the same "
                "command again."
            )
        return StateError(
            f"Cannot save progress in {self.directory}: the lock file {path} is {kind}, not "
            "a regular file, so it was not used and nothing was saved.",
            fix,
        )

    def _write(self, payload: bytes) -> None:
        """Replace the state file with ``payload`` (called under the lock).

        Temporary files left by a process killed mid-save are removed first: only the
        lock holder writes one, so any other is stale. The temporary file is closed
        before the rename, which Windows requires.
        """
        tmp = self.directory / f".{STATE_FILE}.{os.getpid()}.tmp"
        for stale in self.directory.glob(f".{STATE_FILE}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()
        try:
            _write_file(tmp, payload)
            self._backup()
            try:
                _replace(tmp, self.path)
            except PermissionError as exc:
                raise _Refused(exc.errno, exc.strerror, exc.filename) from None
            fsync_dir(self.directory)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise self._write_error(exc) from None

    def _backup(self) -> None:
        """Keep the file about to be replaced as ``state.json.bak``: a hard link, or a
        copy where the disk has none (FAT, exFAT, many network shares). If neither can
        be made the save goes on, and the person is told once."""
        if not self.path.exists():
            return
        bak_tmp = self.directory / f".{BACKUP_FILE}.{os.getpid()}.tmp"
        try:
            with contextlib.suppress(FileNotFoundError):
                bak_tmp.unlink()
            try:
                os.link(self.path, bak_tmp)
            except OSError:
                _write_file(bak_tmp, self.path.read_bytes())
            _replace(bak_tmp, self.directory / BACKUP_FILE)
        except OSError as exc:
            with contextlib.suppress(OSError):
                bak_tmp.unlink()
            self.no_backup = exc.strerror or str(exc)
            if not self._said_no_backup:
                self._said_no_backup = True
                with contextlib.suppress(OSError, ValueError):
                    note = (
                        f"Note: no backup ({BACKUP_FILE}) of the previous save could be kept "
                        f"in {self.directory} ({self.no_backup}). Your progress is saved; "
                        "only the copy of the save before it is missing."
                    )
                    print(fitted(printable(note), sys.stderr), file=sys.stderr)
        else:
            self.no_backup = None

    def _write_error(self, exc: OSError) -> StateError:
        windows = on_windows()
        if exc.errno == errno.ENOSPC:
            why = "the disk is full; free some space"
        elif exc.errno == errno.EROFS:
            why = (
                "the folder is not writable (it is on a read-only disk); set "
                "EPOC_WIZARD_HOME to a writable folder"
            )
        elif isinstance(exc, _Refused):
            why = (
                "another program is holding the state file open (often antivirus, the "
                "search indexer, OneDrive or a backup program); wait a moment and try "
                "again, or set EPOC_WIZARD_HOME to a folder those programs leave alone"
                if windows
                else "the state file could not be replaced (the folder is not writable); "
                "check its permissions (chmod 700)"
            )
        elif exc.errno in (errno.EACCES, errno.EPERM):
            why = (
                "Windows does not let this program write there (the folder or file may be "
                "read-only, belong to another account, or be held by another program); "
                "set EPOC_WIZARD_HOME to a folder in your user profile"
                if windows
                else "the folder is not writable; check its permissions (chmod 700)"
            )
        elif exc.errno in (errno.EEXIST, errno.ENOTDIR):
            why = (
                "a file is in the way where the folder should be; move it away or set "
                "EPOC_WIZARD_HOME to a folder"
            )
        else:
            why = exc.strerror or str(exc)
        return StateError(
            f"Cannot save progress in {self.directory}: {why}.",
            "Your last saved progress is unchanged; fix this and run the same command again.",
        )


def _write_file(path: Path, payload: bytes) -> None:
    """Write ``payload`` to a new file (0600 on POSIX; never an existing file, never
    through a link), fsync it and close it."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_NOFOLLOW | O_BINARY
    write_and_close(os.open(path, flags, 0o600), payload)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
