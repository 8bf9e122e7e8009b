"""The state file: where it lives, how it is read, and how it is written safely.

One JSON document, ``state.json``, in the person's state folder (platformdirs), or
in ``EPOC_WIZARD_HOME`` for tests and for people who keep it on a shared drive::

    {"schema": 1, "journeys": {"<journey id>": {...journey...}}}

Every save takes the lock (``state.lock``, an flock), re-reads the file (unless it
is still the one this process last wrote), replaces only the journey being saved,
writes a temporary file in the same folder, fsyncs it and renames it over the old
one; a crash at any moment leaves either the old or the new file, never half of one.
The previous good file stays as ``state.json.bak``.
Files are 0600 and the folder 0700. A file that cannot be read is never overwritten:
the error says what is wrong and ``epoc-wizard doctor`` says how to recover.

This module imports nothing heavy at the top: ``status`` reads the document through
``read_document`` without pydantic.
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

from epoc_wizard.errors import StateError

if TYPE_CHECKING:
    from epoc_wizard.journey import Journey

SCHEMA_VERSION = 1
STATE_FILE = "state.json"
LOCK_FILE = "state.lock"
BACKUP_FILE = "state.json.bak"

#: How to bring an older document up to date: schema version -> function to the next.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    # Version 0 (development builds before the first release) kept a list of journeys.
    0: lambda doc: {"schema": 1, "journeys": {j["id"]: j for j in doc.get("journeys", [])
                                               if isinstance(j, dict) and "id" in j}},
}


def state_dir() -> Path:
    home = os.environ.get("EPOC_WIZARD_HOME")
    if home:
        return Path(home).expanduser()
    from platformdirs import user_state_dir

    return Path(user_state_dir("epoc-wizard", appauthor=False))


def lock_timeout() -> float:
    try:
        return float(os.environ.get("EPOC_WIZARD_LOCK_TIMEOUT", "5"))
    except ValueError:
        return 5.0


def _recover_hint(path: Path) -> str:
    return (f"The file was left untouched. Run 'epoc-wizard doctor' to see what is wrong, "
            f"and 'epoc-wizard doctor --repair' to set {path.name} aside and go back to "
            "the last good save.")


def parse_document(raw: bytes, path: Path) -> dict[str, Any]:
    """Check and migrate a state document; raise StateError saying how to recover."""
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        raise StateError(f"The state file {path} is damaged: it is not valid JSON. "
                         + _recover_hint(path)) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("schema"), int):
        raise StateError(f"The state file {path} is not an epoc-wizard state file (it has no "
                         "schema version). " + _recover_hint(path))
    version = doc["schema"]
    if version > SCHEMA_VERSION:
        raise StateError(f"The state file {path} was written by a newer epoc-wizard (schema "
                         f"{version}; this one knows up to {SCHEMA_VERSION}). Upgrade with "
                         "'pip install -U epoc-wizard'. The file was left untouched.")
    while version < SCHEMA_VERSION:
        if version not in MIGRATIONS:
            raise StateError(f"The state file {path} has schema {version}, which this "
                             "epoc-wizard cannot convert. " + _recover_hint(path))
        doc = MIGRATIONS[version](doc)
        version = int(doc["schema"])
    journeys = doc.get("journeys")
    if not isinstance(journeys, dict) or not all(
        isinstance(k, str) and isinstance(v, dict) for k, v in journeys.items()
    ):
        raise StateError(f"The state file {path} is damaged: its journeys are not in the "
                         "expected form. " + _recover_hint(path))
    checked: dict[str, Any] = doc
    return checked


def read_document(directory: Path) -> dict[str, Any]:
    """The state document (empty when there is none yet)."""
    path = directory / STATE_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {"schema": SCHEMA_VERSION, "journeys": {}}
    except IsADirectoryError:
        raise StateError(f"{path} is a folder, not a state file. Move it away, or set "
                         "EPOC_WIZARD_HOME to another folder.") from None
    except OSError as exc:
        raise StateError(f"Cannot read the state file {path} ({exc.strerror}). Check that it "
                         "belongs to you and is readable (chmod 600), then try again.") from None
    return parse_document(raw, path)


class Store:
    """Journeys in one state folder."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or state_dir()
        self.path = self.directory / STATE_FILE
        self._cache: tuple[tuple[int, int, int] | None, dict[str, bytes]] | None = None

    def journeys(self) -> dict[str, dict[str, Any]]:
        journeys: dict[str, dict[str, Any]] = read_document(self.directory)["journeys"]
        return journeys

    def load(self, journey_id: str) -> Journey:
        from pydantic import ValidationError

        from epoc_wizard.journey import Journey

        raw = self.journeys().get(journey_id)
        if raw is None:
            from epoc_wizard.errors import UsageError

            raise UsageError(f"There is no journey called '{journey_id}'. Run "
                             "'epoc-wizard status' to see your journeys.")
        try:
            return Journey.model_validate(raw)
        except ValidationError:
            raise StateError(f"The journey '{journey_id}' in {self.path} is damaged. "
                             + _recover_hint(self.path)) from None

    def save(self, journey: Journey) -> None:
        self.write({journey.id: journey.model_dump(mode="json", exclude_none=True)})

    def delete(self, journey_id: str) -> None:
        self.write({}, remove=(journey_id,))

    def write(self, journeys: dict[str, dict[str, Any]], remove: tuple[str, ...] = ()) -> None:
        """Replace these journeys (and remove those) under the lock, keeping all others."""
        with self.lock():
            parts = self._parts()
            for jid in remove:
                parts.pop(jid, None)
            for jid, data in journeys.items():
                parts[jid] = _dumps(data)
            body = b",".join(_dumps(jid) + b":" + part for jid, part in parts.items())
            self._write(b'{"schema":%d,"journeys":{%s}}' % (SCHEMA_VERSION, body))
            self._cache = (_identity(self.path), parts)

    def _parts(self) -> dict[str, bytes]:
        """Each journey's JSON text, as on disk now.

        Serializing hundreds of journeys on every answer would dominate the cost of a
        save, so the texts of the last file this process wrote or read are kept, and
        reused while the file on disk is still that file (same inode, size and mtime;
        every write is a new file, so another process's write always shows).
        """
        identity = _identity(self.path)
        if self._cache is not None and identity is not None and self._cache[0] == identity:
            return dict(self._cache[1])
        journeys = read_document(self.directory)["journeys"]
        return {jid: _dumps(data) for jid, data in journeys.items()}

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        import fcntl

        self._ensure_dir()
        try:
            fd = os.open(self.directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise self._write_error(exc) from None
        try:
            deadline = time.monotonic() + lock_timeout()
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise StateError(
                            "Another epoc-wizard session is working on the same state "
                            f"({self.directory}). Finish or close it, then try again; "
                            "nothing was changed here.") from None
                    time.sleep(0.02)
            yield
        finally:
            os.close(fd)

    def _ensure_dir(self) -> None:
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise self._write_error(exc) from None

    def _write(self, payload: bytes) -> None:
        tmp = self.directory / f".{STATE_FILE}.{os.getpid()}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                view = memoryview(payload)
                while view:
                    view = view[os.write(fd, view):]
                os.fsync(fd)
            finally:
                os.close(fd)
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
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise self._write_error(exc) from None

    def _write_error(self, exc: OSError) -> StateError:
        if exc.errno == errno.ENOSPC:
            why = "the disk is full; free some space"
        elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            why = "the folder is not writable; check its permissions"
        else:
            why = exc.strerror or str(exc)
        return StateError(f"Cannot save progress in {self.directory}: {why}. Your last saved "
                          "progress is unchanged; fix this and run the same command again.")


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
