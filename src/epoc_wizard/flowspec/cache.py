"""A cache of parsed flow files, so that starting a journey does not parse YAML.

The cache is one JSON file in the user cache folder (``EPOC_WIZARD_CACHE`` to move
it). It holds, for each flow file, the parsed data and line numbers, keyed by the
file's path, size and modification time: an edited file is parsed again. Validation
runs on every load, so a cached file is checked like a fresh one; the whole-flow
cross-checks, the costliest part, are skipped only when exactly the same set of
unchanged files passed them before. Anything wrong with the cache (missing, damaged,
unwritable) means parsing and checking from scratch, never an error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

VERSION = 1
_entries: dict[str, Any] | None = None
_dirty = False

Lines = dict[tuple[str | int, ...], int]


def _cache_file() -> Path:
    override = os.environ.get("EPOC_WIZARD_CACHE")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("epoc-wizard", appauthor=False)) / "flows.json"


def _key(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _load() -> dict[str, Any]:
    global _entries
    if _entries is None:
        try:
            doc = json.loads(_cache_file().read_bytes())
            _entries = doc["files"] if doc.get("version") == VERSION else {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            _entries = {}
    return _entries


def get(path: Path) -> tuple[Any, Lines] | None:
    entry = _load().get(str(path.resolve()))
    key = _key(path)
    if not isinstance(entry, dict) or key is None or entry.get("key") != key:
        return None
    try:
        lines = {tuple(p): int(n) for p, n in entry["lines"]}
        return entry["data"], lines
    except (KeyError, TypeError, ValueError):
        return None


def _files_key(files: list[Path]) -> list[Any]:
    from epoc_wizard import __version__

    return [__version__] + [[str(p.resolve()), _key(p)] for p in files]


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
    key = _key(path)
    if key is None:
        return
    try:  # only what survives JSON unchanged in meaning is cached
        text = json.dumps(data, default=_plain)
    except (TypeError, ValueError):
        return
    _load()[str(path.resolve())] = {
        "key": key,
        "data": json.loads(text),
        "lines": [[list(p), n] for p, n in lines.items()],
    }
    _dirty = True


def save() -> None:
    """Write the cache if anything was added; silently skipped when it cannot be."""
    global _dirty
    if not _dirty or _entries is None:
        return
    _dirty = False
    target = _cache_file()
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"version": VERSION, "files": _entries}))
        os.replace(tmp, target)
