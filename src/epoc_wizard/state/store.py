"""Writing the state file safely, and the Store that sessions and commands use.

Where the file lives, its format and how it is read are in ``statefile.py``.

Every save takes the lock (``state.lock``, an flock), re-reads the file (unless it
is still the one this process last wrote), replaces only the journey being saved,
writes a temporary file in the same folder, fsyncs it and renames it over the old
one; a crash at any moment leaves either the old or the new file, never half of one
(``tests/test_crash_and_lock.py`` kills a saving process 200 times to show it). A
temporary file left by a killed save is removed by the next save. The previous good
file stays as ``state.json.bak``. Files are 0600 and the folder 0700. A journey changed
by another process since this one read it is never written over (``Store.save``).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from epoc_wizard.errors import JourneyChanged, StateError
from epoc_wizard.state.document import (
    BACKUP_FILE,
    LOCK_FILE,
    SCHEMA_VERSION,
    STATE_FILE,
    journey_from,
    read_document,
    state_dir,
)

if TYPE_CHECKING:
    from epoc_wizard.core.journey import Journey


def lock_timeout() -> float:
    try:
        return float(os.environ.get("EPOC_WIZARD_LOCK_TIMEOUT", "5"))
    except ValueError:
        return 5.0


def flock_within(fd: int, seconds: float) -> bool:
    """Take an exclusive flock on ``fd``, trying for ``seconds``; False if another
    process holds it all that time. Other failures (no locks on this disk) raise OSError."""
    import fcntl

    deadline = time.monotonic() + seconds
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)


class Store:
    """Journeys in one state folder."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or state_dir()
        self.path = self.directory / STATE_FILE
        #: The file this process last wrote: an open descriptor of it (so that its inode
        #: number cannot be given to another file while we compare it), its identity, and
        #: each journey's JSON text in it.
        self._cache: tuple[int, tuple[int, ...], dict[str, bytes]] | None = None
        self._locked = 0
        #: Each journey this process read or saved, as its JSON text then: a save checks
        #: that no other process changed the journey since (see ``save``).
        self._seen: dict[str, bytes] = {}

    def __del__(self) -> None:
        # At interpreter exit, modules may already be gone: never complain from here.
        try:  # noqa: SIM105
            self._forget()
        except Exception:
            pass

    def _forget(self) -> None:
        cache, self._cache = getattr(self, "_cache", None), None
        if cache is not None:
            with contextlib.suppress(OSError):
                os.close(cache[0])

    def journeys(self) -> dict[str, dict[str, Any]]:
        journeys: dict[str, dict[str, Any]] = read_document(self.directory)["journeys"]
        return journeys

    def load(self, journey_id: str) -> Journey:
        raw = self.journeys().get(journey_id)
        if raw is None:
            from epoc_wizard.errors import UsageError

            raise UsageError(
                f"There is no journey called '{journey_id}'. Run "
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
            parts = self._parts()
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
            self._put(parts, journey)

    def create(self, make: Callable[[set[str]], Journey]) -> Journey:
        """Save a new journey, its id chosen by ``make`` from the ids taken, under the
        lock: two windows starting at the same moment cannot pick the same id."""
        with self.lock():
            parts = self._parts()
            journey = make(set(parts))
            self._put(parts, journey)
            return journey

    def _put(self, parts: dict[str, bytes], journey: Journey) -> None:
        """Write ``parts`` with this journey in it, and remember it as seen (under the lock)."""
        parts[journey.id] = text = _dumps(journey.model_dump(mode="json", exclude_none=True))
        self._write_parts(parts)
        self._seen[journey.id] = text

    def delete(self, journey_id: str) -> None:
        with self.lock():
            parts = self._parts()
            parts.pop(journey_id, None)
            self._write_parts(parts)
            self._seen.pop(journey_id, None)

    def replace(self, journeys: dict[str, dict[str, Any]]) -> None:
        """Write exactly these journeys, whatever the file held (``doctor --repair``)."""
        with self.lock():
            self._write_parts({jid: _dumps(data) for jid, data in journeys.items()})
            self._seen.clear()

    def write(self, journeys: dict[str, dict[str, Any]]) -> None:
        """Write these journeys as raw data, unchecked, keeping all others (for tools and
        tests that need a state file of a given shape)."""
        with self.lock():
            parts = self._parts()
            parts.update((jid, _dumps(data)) for jid, data in journeys.items())
            self._write_parts(parts)

    def _write_parts(self, parts: dict[str, bytes]) -> None:
        """Write the file with these journeys' texts (the caller holds the lock)."""
        body = b",".join(_dumps(jid) + b":" + part for jid, part in parts.items())
        fd = self._write(b'{"schema":%d,"journeys":{%s}}' % (SCHEMA_VERSION, body))
        self._forget()
        identity = _identity(self.path)
        if identity is None:
            os.close(fd)
        else:
            self._cache = (fd, identity, parts)

    def _parts(self) -> dict[str, bytes]:
        """Each journey's JSON text, as on disk now.

        Serializing hundreds of journeys on every answer would dominate the cost of a
        save, so the texts of the last file this process wrote are kept, and reused while
        the file on disk is still that file: same inode (which stays ours while we hold it
        open, so no later file can be given its number), size and mtime. Every write is a
        new file, so another process's write always shows.
        """
        identity = _identity(self.path)
        if self._cache is not None and identity is not None and self._cache[1] == identity:
            return dict(self._cache[2])
        journeys = read_document(self.directory)["journeys"]
        return {jid: _dumps(data) for jid, data in journeys.items()}

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
        try:
            fd = os.open(self.directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise self._write_error(exc) from None
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
        finally:
            os.close(fd)

    def _ensure_dir(self) -> None:
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise self._write_error(exc) from None

    def _write(self, payload: bytes) -> int:
        """Replace the state file with ``payload``; an open descriptor of the new file.

        Called under the lock. Temporary files left by a process killed mid-save are
        removed first: only the lock holder writes one, so any other is stale.
        """
        tmp = self.directory / f".{STATE_FILE}.{os.getpid()}.tmp"
        for stale in self.directory.glob(f".{STATE_FILE}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()
        fd = -1
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
            if self.path.exists():
                with contextlib.suppress(OSError):
                    bak_tmp = self.directory / f".{BACKUP_FILE}.{os.getpid()}.tmp"
                    with contextlib.suppress(FileNotFoundError):
                        bak_tmp.unlink()
                    os.link(self.path, bak_tmp)
                    os.replace(bak_tmp, self.directory / BACKUP_FILE)
            os.replace(tmp, self.path)
            _fsync_dir(self.directory)
        except OSError as exc:
            if fd >= 0:
                os.close(fd)
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise self._write_error(exc) from None
        return fd

    def _write_error(self, exc: OSError) -> StateError:
        if exc.errno == errno.ENOSPC:
            why = "the disk is full; free some space"
        elif exc.errno == errno.EROFS:
            why = (
                "the folder is not writable (it is on a read-only disk); set "
                "EPOC_WIZARD_HOME to a writable folder"
            )
        elif exc.errno in (errno.EACCES, errno.EPERM):
            why = "the folder is not writable; check its permissions (chmod 700)"
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


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _identity(path: Path) -> tuple[int, ...] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
