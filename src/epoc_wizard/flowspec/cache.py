"""A cache of parsed and validated flow files, so that starting a journey neither
parses YAML nor builds pydantic's validators.

The cache is one JSON file in the user cache folder (``EPOC_WIZARD_CACHE`` to move
it). It holds, for each flow file, the parsed data and line numbers, keyed by the
file's path, size and modification time: an edited file is parsed again. Once the
parsed data has passed validation, the entry also keeps the validated model
(``load.validate``), with a checksum and the fingerprint of the schema that passed it
(the program's version, pydantic's, and the size and time of ``model.py``); while the
file, the schema and the checksum are unchanged the model is rebuilt from it without
validating again. Building pydantic's validators for the flow models costs more than
reading every flow file, which is why this matters for start-up. The whole-flow
cross-checks are skipped only when exactly the same set of unchanged files passed
them before. Anything wrong with the cache (missing, damaged, unwritable, written by
another version) means parsing and checking from scratch, never an error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import zlib
from pathlib import Path
from typing import Any

#: Raised when what the parser builds changes (3: keys given twice, typed tags, hidden
#: characters and impossible dates are refused or kept as text by ``guarded.py``).
VERSION = 3
_entries: dict[str, Any] | None = None
_dirty = False

Lines = dict[tuple[str | int, ...], int]


def _cache_file() -> Path:
    override = os.environ.get("EPOC_WIZARD_CACHE")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("epoc-wizard", appauthor=False)) / "flows.json"


def file_key(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


#: The most of a cache file that is read (the bundled flows take about 0.5 MB).
_MAX_BYTES = 64 * 1024 * 1024


def _trusted(path: Path) -> bool:
    """Whether a cache file may be believed: on POSIX, it and its folder belong to this
    user and nobody else can write them (another user could plant a poisoned model;
    this user can edit the flows anyway). Windows keeps the cache in the profile."""
    if not hasattr(os, "getuid"):
        return True
    try:
        for st in (os.lstat(path.parent), os.lstat(path)):
            if st.st_uid != os.getuid() or st.st_mode & 0o022:
                return False
    except OSError:
        return False
    return True


def _load() -> dict[str, Any]:
    global _entries
    if _entries is None:
        from epoc_wizard.fileio import read_regular

        try:
            path = _cache_file()
            # Only a regular file of ours, never through a link, never a pipe or device.
            doc = json.loads(read_regular(path, _MAX_BYTES)) if _trusted(path) else {}
            files = doc["files"] if doc.get("version") == VERSION else {}
            _entries = files if isinstance(files, dict) else {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            _entries = {}
    return _entries


def _checked(text: Any, crc: Any) -> bool:
    return isinstance(text, str) and zlib.crc32(text.encode("utf-8", "surrogatepass")) == crc


def entry(path: Path) -> dict[str, Any] | None:
    """The cache entry of this file while the file is unchanged and the entry is whole,
    else None."""
    found = _load().get(str(path.resolve()))
    key = file_key(path)
    if not isinstance(found, dict) or key is None or found.get("key") != key:
        return None
    return found if _checked(found.get("parsed"), found.get("crc")) else None


def parsed(found: dict[str, Any]) -> tuple[Any, Lines]:
    """The parsed data and the lines kept in an entry (from ``entry``: checked whole)."""
    data, lines = json.loads(found["parsed"])
    return data, {tuple(p): int(n) for p, n in lines}


def validated(found: dict[str, Any], model: str, schema: list[Any]) -> Any:
    """The validated ``model`` kept in this entry, as JSON data, if the same schema
    passed it and it is undamaged; else None."""
    kept = found.get("valid")
    if not isinstance(kept, dict):
        return None
    try:
        if kept["as"] != model or kept["schema"] != schema:
            return None
        if not _checked(kept["text"], kept["crc"]):
            return None
        return json.loads(kept["text"])
    except (KeyError, TypeError, ValueError):
        return None


def keep_validated(found: dict[str, Any], model: str, schema: list[Any], value: Any) -> None:
    """Keep the validated model (as JSON data) in this entry, for the next load."""
    global _dirty
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        return
    found["valid"] = {
        "as": model,
        "schema": schema,
        "text": text,
        "crc": zlib.crc32(text.encode("utf-8", "surrogatepass")),
    }
    _dirty = True


def _files_key(files: list[Path]) -> list[Any]:
    from epoc_wizard import __version__

    return [__version__] + [[str(p.resolve()), file_key(p)] for p in files]


def passed_checks(files: list[Path]) -> bool:
    """Whether exactly these files, unchanged, passed every whole-flow check before."""
    return _load().get("#checked") == _files_key(files)


def mark_checks_passed(files: list[Path]) -> None:
    global _dirty
    _load()["#checked"] = _files_key(files)
    _dirty = True


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError("not JSON")


def put(path: Path, data: Any, lines: Lines) -> None:
    global _dirty
    key = file_key(path)
    if key is None:
        return
    try:  # only what survives JSON unchanged in meaning is cached
        text = json.dumps([data, [[list(p), n] for p, n in lines.items()]], default=_plain)
    except (TypeError, ValueError):
        return
    # Kept as text, read only when needed: a file whose validated model is kept needs
    # neither its data nor its lines unless something is wrong with it.
    _load()[str(path.resolve())] = {
        "key": key,
        # Enough to tell what kind of file it is without reading the data.
        "top": sorted(str(k) for k in data) if isinstance(data, dict) else None,
        "parsed": text,
        "crc": zlib.crc32(text.encode("utf-8", "surrogatepass")),
    }
    _dirty = True


def save() -> None:
    """Write the cache if anything was added; silently skipped when it cannot be."""
    global _dirty
    if not _dirty or _entries is None:
        return
    _dirty = False
    target = _cache_file()
    payload = json.dumps({"version": VERSION, "files": _entries}).encode("utf-8", "surrogatepass")
    with contextlib.suppress(OSError):
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _write_private(target, payload)


def _write_private(target: Path, payload: bytes) -> None:
    """Replace ``target`` with ``payload``: a new temporary file with an unguessable name,
    created exclusively, without following a link, readable only by this user; never in
    a folder others can write in (where a planted link or file could take its place)."""
    import secrets

    from epoc_wizard.fileio import O_BINARY, O_NOFOLLOW, write_and_close

    if hasattr(os, "getuid"):
        st = os.lstat(target.parent)
        if st.st_uid != os.getuid() or st.st_mode & 0o022:
            return
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_NOFOLLOW | O_BINARY
    fd = os.open(tmp, flags, 0o600)
    try:
        write_and_close(fd, payload)
        os.replace(tmp, target)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
