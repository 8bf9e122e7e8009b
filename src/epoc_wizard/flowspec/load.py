"""Reading flow files: YAML text to validated models, every problem with its line.

A flow file is parsed with the safe loader (libyaml's CSafeLoader when present), so
it cannot run code. Anchors and aliases are refused: flow files have no need for
them, and refusing them closes the door on alias bombs. Parsing keeps each node's
line so that a pydantic error at ``steps[3].questions[0].kind`` is reported as
``file:line: ...``.

Parsing YAML is the slowest part of starting a journey, so ``read`` keeps what it
parsed in a cache (``flowcache.py``) and reuses it while the file is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from epoc_wizard.errors import FlowError
from epoc_wizard.flowspec import cache as flowcache

MAX_BYTES = 512 * 1024
MAX_NODES = 50_000

Path_ = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


class Located:
    """A parsed YAML document and the line of every node in it."""

    def __init__(self, name: str, data: Any, lines: dict[Path_, int]) -> None:
        self.name = name
        self.data = data
        self.lines = lines

    def at(self, path: Path_) -> str:
        """``file:line`` for a path, or for the nearest enclosing node that has a line."""
        p = tuple(path)
        while p and p not in self.lines:
            p = p[:-1]
        return f"{self.name}:{self.lines.get(p, 1)}"

    def locator(self, prefix: Path_) -> Callable[[Path_], str]:
        return lambda sub: self.at(prefix + tuple(sub))


def parse_yaml(text: str, name: str) -> Located:
    """Parse one YAML document safely, keeping line numbers; raise FlowError on any problem."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise FlowError(
            [
                f"{name}:1: the file is larger than {MAX_BYTES // 1024} KiB; "
                "a flow file is expected to be a few hundred lines"
            ]
        )
    import yaml

    loader_class: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise FlowError(
                    [
                        f"{name}:1: the file is empty; expected a flow "
                        "(a mapping with 'id', 'title', 'steps', ...)"
                    ]
                )
            build = _Builder(yaml, loader, name)
            data = build(node, ())
            lines = build.lines
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise FlowError(
            [
                f"{name}:{line}: this is not valid YAML ({exc.problem}); "
                "check the indentation and quoting around this line"
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise FlowError([f"{name}:1: this is not valid YAML ({exc})"]) from None
    except RecursionError:
        raise FlowError([f"{name}:1: the file nests too deeply to be a flow"]) from None
    return Located(name, data, lines)


class _Builder:
    """Python values from the node tree, recording each node's line on the way.

    Building the values here (rather than with the loader's own constructor after a
    separate walk for the lines) visits every node once. Plain strings are taken as
    they are; other scalars (numbers, booleans, dates) go through the safe
    constructor, which refuses any tag that is not plain data.
    """

    def __init__(self, yaml: Any, loader: Any, name: str) -> None:
        self.yaml = yaml
        self.loader = loader
        self.name = name
        self.lines: dict[Path_, int] = {}
        self.seen: set[int] = set()

    def __call__(self, node: Any, path: Path_) -> Any:
        if id(node) in self.seen:
            raise FlowError(
                [
                    f"{self.name}:{node.start_mark.line + 1}: YAML anchors and "
                    "aliases (& and *) are not allowed in flow files; write the "
                    "value out"
                ]
            )
        self.seen.add(id(node))
        if len(self.seen) > MAX_NODES:
            raise FlowError(
                [
                    f"{self.name}:1: the file has more than {MAX_NODES} values; "
                    "a flow file is expected to be far smaller"
                ]
            )
        self.lines.setdefault(path, node.start_mark.line + 1)
        plain = {
            self.yaml.MappingNode: "tag:yaml.org,2002:map",
            self.yaml.SequenceNode: "tag:yaml.org,2002:seq",
        }.get(type(node))
        if plain is not None and node.tag != plain:
            raise FlowError(
                [
                    f"{self.name}:{node.start_mark.line + 1}: this is not valid YAML "
                    f"for a flow (the tag {node.tag} is not allowed; flow files hold "
                    "plain data only)"
                ]
            )
        if isinstance(node, self.yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key, value in node.value:
                if id(key) in self.seen or not isinstance(key, self.yaml.ScalarNode):
                    raise FlowError(
                        [
                            f"{self.name}:{key.start_mark.line + 1}: keys must be "
                            "plain words, not lists, mappings or aliases"
                        ]
                    )
                self.seen.add(id(key))
                self.lines[(*path, key.value)] = key.start_mark.line + 1
                out[self._scalar(key)] = self(value, (*path, key.value))
            return out
        if isinstance(node, self.yaml.SequenceNode):
            return [self(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _scalar(self, node: Any) -> Any:
        if node.tag == "tag:yaml.org,2002:str":
            return node.value
        return self.loader.construct_object(node, deep=True)


def validate(doc: Located, model: type[M]) -> M:
    """Build ``model`` from a parsed document, or raise FlowError listing every problem."""
    if not isinstance(doc.data, dict):
        raise FlowError(
            [
                f"{doc.name}:1: expected a mapping of keys (like 'id: cmsnet') at "
                f"the top of the file, found {type(doc.data).__name__}"
            ]
        )
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise FlowError([_describe(doc, err) for err in exc.errors()]) from None


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
    cached = flowcache.get(path)
    if cached is not None:
        return Located(str(path), *cached)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise FlowError([f"{path}:1: the file is not UTF-8 text"]) from None
    except OSError as exc:
        raise FlowError([f"{path}:1: cannot read the file ({exc.strerror or exc})"]) from None
    doc = parse_yaml(text, str(path))
    flowcache.put(path, doc.data, doc.lines)
    return doc
