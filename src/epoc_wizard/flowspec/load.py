"""Reading flow files: YAML text to validated models, every problem with its line.

A flow file is parsed by ``guarded.py`` with the safe loader (libyaml's CSafeLoader
when present), so it cannot run code; anchors and aliases, typed tags, keys given
twice and hidden control characters are refused there, each with its line. Parsing
keeps each node's line so that a pydantic error at ``steps[3].questions[0].kind`` is
reported as ``file:line: ...``.

Parsing YAML and building pydantic's validators are the slowest parts of starting a
journey, so ``read`` keeps what it parsed in a cache (``cache.py``), and ``validate``
keeps what passed validation there too; both are reused while the file is unchanged
(see ``cache.py`` for how a changed file, schema or program is noticed). A model
taken from the cache is rebuilt with ``model_construct``: the same objects validation
made, without validating again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from epoc_wizard.errors import FlowError
from epoc_wizard.flowspec import cache as flowcache
from epoc_wizard.flowspec import guarded

Path_ = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block.

    For start-up: loading the flows (and, in ``ui/ask.py``, a prompt) makes thousands
    of objects that all stay alive, and Python's collector would walk them, with
    everything the program already holds, again and again while they are made. Nothing
    made in such a block is garbage worth collecting early; collection resumes after.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


class Located:
    """A parsed YAML document and the line of every node in it.

    ``entry`` is the file's entry in the flow cache when the data is that entry's; the
    data and lines of a cached file are decoded only when first used, and ``validate``
    keeps the validated model in the entry."""

    def __init__(
        self,
        name: str,
        data: Any = None,
        lines: dict[Path_, int] | None = None,
        entry: dict[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.entry = entry
        self._parsed = None if lines is None else (data, lines)

    def _both(self) -> tuple[Any, dict[Path_, int]]:
        if self._parsed is None:
            assert self.entry is not None, "a Located needs its data or its cache entry"
            self._parsed = flowcache.parsed(self.entry)
        return self._parsed

    @property
    def data(self) -> Any:
        return self._both()[0]

    @property
    def lines(self) -> dict[Path_, int]:
        return self._both()[1]

    def top(self) -> set[str] | None:
        """The keys at the top of the document (None if it is not a mapping), which
        say what kind of file it is; for a cached file, without reading its data."""
        if self._parsed is None and self.entry is not None:
            top = self.entry.get("top")
            if top is None or (isinstance(top, list) and all(isinstance(k, str) for k in top)):
                return None if top is None else set(top)
        return {str(k) for k in self.data} if isinstance(self.data, dict) else None

    def at(self, path: Path_) -> str:
        """``file:line`` for a path, or for the nearest enclosing node that has a line."""
        p = tuple(path)
        while p and p not in self.lines:
            p = p[:-1]
        return f"{self.name}:{self.lines.get(p, 1)}"

    def locator(self, prefix: Path_) -> Callable[[Path_], str]:
        return lambda sub: self.at(prefix + tuple(sub))


def parse_yaml(text: str, name: str) -> Located:
    """Parse one flow file's YAML safely, keeping line numbers; raise FlowError on any
    problem (the guards are in ``guarded.py``, shared with answers files)."""
    data, lines = guarded.parse_yaml(text, name, guarded.FLOW)
    if data is None:
        raise FlowError(
            [
                f"{name}:1: the file is empty; expected a flow "
                "(a mapping with 'id', 'title', 'steps', ...)"
            ]
        )
    return Located(name, data, lines)


def validate(doc: Located, model: type[M]) -> M:
    """Build ``model`` from a parsed document, or raise FlowError listing every problem."""
    if doc.entry is not None:
        kept = flowcache.validated(doc.entry, model.__name__, _schema(model))
        if kept is not None:
            with contextlib.suppress(KeyError, TypeError, ValueError, AttributeError):
                built = _rebuild(kept, _models(model))
                if isinstance(built, model):
                    return built
    if not isinstance(doc.data, dict):
        raise FlowError(
            [
                f"{doc.name}:1: expected a mapping of keys (like 'id: cmsnet') at "
                f"the top of the file, found {type(doc.data).__name__}"
            ]
        )
    try:
        result = model.model_validate(doc.data)
    except ValidationError as exc:
        raise FlowError([_describe(doc, err) for err in exc.errors()]) from None
    if doc.entry is not None:
        with contextlib.suppress(TypeError):
            flowcache.keep_validated(
                doc.entry, model.__name__, _schema(model), _plain(result, _models(model))
            )
    return result


# A validated model kept in the cache is JSON data in which every object is tagged:
# {"m": class name, "f": fields, "s": the fields that were set} for a model of the
# schema's module, {"d": ...} for a plain mapping, {"t": ...} for a date. Anything
# else (a tuple, a set, a datetime) is not kept, so the file is validated each time.


def _schema(model: type[BaseModel]) -> list[Any]:
    """What decides whether a kept model is still valid: the program's version,
    pydantic's, and the size and time of the file that defines the models."""
    import sys

    from pydantic.version import VERSION as PYDANTIC_VERSION

    from epoc_wizard import __version__

    files = [getattr(sys.modules[m], "__file__", None) for m in _schema_modules(model)]
    return [
        __version__,
        PYDANTIC_VERSION,
        *(flowcache.file_key(Path(f)) if f else None for f in files),
    ]


def _models(model: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """The model classes of the schema's modules, by name: the only ones a kept model
    may name."""
    import sys

    return {
        name: value
        for module in _schema_modules(model)
        for name, value in vars(sys.modules[module]).items()
        if isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == module
    }


def _schema_modules(model: type[BaseModel]) -> list[str]:
    """The modules whose classes a kept model may use: its own, and the flow format's
    (the triage file's models are built from the flow format's questions)."""
    return list(dict.fromkeys([model.__module__, "epoc_wizard.flowspec.model"]))


def _plain(value: Any, models: dict[str, type[BaseModel]]) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, BaseModel):
        cls = type(value)
        if models.get(cls.__name__) is not cls or value.__pydantic_extra__:
            raise TypeError("not a model of the schema")
        return {
            "m": cls.__name__,
            "f": {k: _plain(v, models) for k, v in value.__dict__.items()},
            "s": sorted(value.model_fields_set),
        }
    if isinstance(value, list):
        return [_plain(v, models) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"d": {k: _plain(v, models) for k, v in value.items()}}
    if type(value) is dt.date:
        return {"t": value.isoformat()}
    raise TypeError(f"not kept: {type(value).__name__}")


def _rebuild(value: Any, models: dict[str, type[BaseModel]]) -> Any:
    if isinstance(value, list):
        return [_rebuild(v, models) for v in value]
    if not isinstance(value, dict):
        return value
    if "m" in value:
        fields = {k: _rebuild(v, models) for k, v in value["f"].items()}
        return models[value["m"]].model_construct(set(value["s"]), **fields)
    if "d" in value:
        return {k: _rebuild(v, models) for k, v in value["d"].items()}
    return dt.date.fromisoformat(value["t"])


def _describe(doc: Located, err: Any) -> str:
    loc = tuple(err["loc"])
    where = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in loc).replace(".[", "[")
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = f"unknown key '{loc[-1]}'; check its spelling against 'epoc-wizard flows schema'"
    elif err["type"] == "missing":
        msg = f"'{loc[-1]}' is required here but missing"
    elif "input" in err and not isinstance(err["input"], dict | list):
        shown = repr(err["input"])
        msg = f"{msg} (found {shown[:60]}{'...' if len(shown) > 60 else ''})"
    return f"{doc.at(loc)}: {where or 'top level'}: {msg}"


def read(path: Path) -> Located:
    """Read and parse one file; unreadable files become FlowError, never OSError."""
    found = flowcache.entry(path)
    if found is not None:
        return Located(str(path), entry=found)
    doc = parse_yaml(guarded.read_bounded(path, guarded.FLOW), str(path))
    flowcache.put(path, doc.data, doc.lines)
    doc.entry = flowcache.entry(path)
    return doc
