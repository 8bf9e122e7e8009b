"""Reading YAML and JSON as plain data, with guards against hostile files.

Flow files and answers files are both written by people and may come from anyone, so
both are read here, with the same guards:

* a size cap, checked on the bytes before anything is parsed, and a cap on the number
  of values and on how deeply they nest (no alias bomb, no recursion error);
* no anchors or aliases (``&`` and ``*``), no tags that build objects (``!!python/...``)
  and no typed tags that do not fit their value (``!!float abc``, ``!!int 12x``);
* no key given twice in one mapping (YAML would keep the last silently);
* impossible dates (``2025-02-30``) and numbers too long to read stay text, so that the
  model they are checked against reports them, with their line;
* in flow files, no control characters, bidi overrides or zero-width characters in any
  text (``words.HIDDEN``, but tab and line feed): flow text reaches the terminal and
  e-mail drafts.

Answers files read every scalar as text except ``true``/``false`` (and yes/no) and
empty values: a CCN like ``056304`` must keep its leading zero. Answers files that are
JSON (a ``.json`` name, or a first character ``{``) are read with the ``json`` module,
which understands the surrogate pairs ``json.dumps`` writes for an emoji.

Every problem is a ``FlowError`` whose lines read ``file:line: what is wrong``. Text
from the file is only ever shown through ``excerpt``: short, and without anything that
could move the cursor or reorder the line.

The parse cache (``cache.py``) keeps what this module built: bump ``cache.VERSION``
when what it accepts or builds changes.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from epoc_wizard.errors import FlowError
from epoc_wizard.words import HIDDEN, printable

Path_ = tuple[str | int, ...]

_SURROGATE = re.compile("[\ud800-\udfff]")
_LONE = re.compile("[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]")


@dataclass(frozen=True)
class Rules:
    """What one kind of file may hold."""

    #: What the file is called in messages ("flow file", "answers file").
    what: str
    max_bytes: int
    max_values: int
    max_depth: int
    #: Numbers and dates become numbers and dates (flows); otherwise they stay text.
    typed: bool
    #: Control, bidi and zero-width characters are refused in every text.
    plain_text: bool
    #: What a file that does not parse is not ("YAML", "YAML or JSON").
    syntax: str = "YAML"


FLOW = Rules("flow file", 512 * 1024, 50_000, 40, typed=True, plain_text=True)
ANSWERS = Rules(
    "answers file", 2 * 1024 * 1024, 200_000, 16, typed=False, plain_text=False,
    syntax="YAML or JSON",
)  # fmt: skip

_TYPED = {
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_KEPT_UNTYPED = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"}
_STR = "tag:yaml.org,2002:str"


def excerpt(text: object, limit: int = 40) -> str:
    """Text from a file, safe to print (``words.printable``: hidden and control
    characters shown as escapes), on one line, at most ``limit`` characters."""
    shown = re.sub(r"\s+", " ", printable(str(text))).strip()
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def read_bounded(path: Path, rules: Rules) -> str:
    """A file's text, read no further than the size cap (so a device or an endless pipe
    is refused too); FlowError when it is larger, unreadable or not UTF-8."""
    from epoc_wizard.fileio import NotAFile, TooLarge, read_regular

    try:
        # A link to a file is followed (only its target is read); a named pipe, a
        # device or a socket is never opened for reading (it could wait for ever).
        raw = read_regular(path.resolve(), rules.max_bytes)
    except TooLarge as exc:
        _check_size(exc.size, str(path), rules)
        raise
    except NotAFile as exc:
        raise FlowError(
            [f"{path}:1: this is {exc.kind}, not a file; give the path of a YAML or JSON file"]
        ) from None
    except IsADirectoryError:
        raise FlowError([f"{path}:1: this is a folder; give the path of a file in it"]) from None
    except (OSError, RuntimeError) as exc:
        raise FlowError(
            [
                f"{path}:1: cannot read the file ({getattr(exc, 'strerror', None) or exc}); "
                "check its name and that you may read it"
            ]
        ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FlowError(
            [f"{path}:{line}: the file is not UTF-8 text; save it as UTF-8 and try again"]
        ) from None


def _check_size(size: int, name: str, rules: Rules) -> None:
    if size > rules.max_bytes:
        cap = rules.max_bytes // 1024
        limit = f"{cap // 1024} MB" if cap >= 1024 else f"{cap} KiB"
        raise FlowError(
            [
                f"{name}:1: the file is larger than {limit}; "
                f"{_article(rules.what)} is expected to be far smaller"
            ]
        )


def parse_yaml(text: str, name: str, rules: Rules) -> tuple[Any, dict[Path_, int]]:
    """One YAML document as plain data, and the line of every value in it (by path);
    FlowError on any problem. An empty document is ``None``."""
    _check_size(len(text.encode("utf-8", "surrogatepass")), name, rules)
    import yaml

    loader_class: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None, {}
            build = _Builder(yaml, loader, name, rules)
            return build(node, ()), build.lines
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise FlowError(
            [
                f"{name}:{line}: this is not valid {rules.syntax} ({excerpt(exc.problem, 80)}); "
                "check the indentation and quoting around this line"
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise FlowError(
            [f"{name}:1: this is not valid {rules.syntax} ({excerpt(exc, 80)})"]
        ) from None
    except RecursionError:
        raise FlowError([_too_deep(name, 1, rules)]) from None


def _too_deep(name: str, line: int, rules: Rules) -> str:
    return (
        f"{name}:{line}: the values nest more than {rules.max_depth} levels deep; "
        f"{_article(rules.what)} is expected to be far flatter"
    )


class _Builder:
    """Python values from the node tree, recording each node's line on the way.

    Building the values here (rather than with the loader's own constructor after a
    separate walk for the lines) visits every node once. Plain strings are taken as
    they are; numbers, booleans and dates are built by the safe constructor, or kept
    as text (see ``Rules.typed``); any other tag is refused.
    """

    def __init__(self, yaml: Any, loader: Any, name: str, rules: Rules) -> None:
        self.yaml = yaml
        self.loader = loader
        self.name = name
        self.rules = rules
        self.lines: dict[Path_, int] = {}
        self.seen: set[int] = set()

    def _fail(self, node: Any, problem: str) -> FlowError:
        return FlowError([f"{self.name}:{node.start_mark.line + 1}: {problem}"])

    def _visit(self, node: Any, depth: int) -> None:
        if id(node) in self.seen:
            raise self._fail(
                node,
                "YAML anchors and aliases (& and *) are not allowed in "
                f"{self.rules.what}s; write the value out",
            )
        self.seen.add(id(node))
        if len(self.seen) > self.rules.max_values:
            raise FlowError(
                [
                    f"{self.name}:1: the file has more than {self.rules.max_values} values; "
                    f"{_article(self.rules.what)} is expected to be far smaller"
                ]
            )
        if depth > self.rules.max_depth:
            raise FlowError([_too_deep(self.name, node.start_mark.line + 1, self.rules)])

    def __call__(self, node: Any, path: Path_) -> Any:
        self._visit(node, len(path))
        self.lines.setdefault(path, node.start_mark.line + 1)
        plain = {
            self.yaml.MappingNode: "tag:yaml.org,2002:map",
            self.yaml.SequenceNode: "tag:yaml.org,2002:seq",
        }.get(type(node))
        if plain is not None and node.tag != plain:
            raise self._not_allowed(node)
        if isinstance(node, self.yaml.MappingNode):
            out: dict[Any, Any] = {}
            first: dict[Any, int] = {}
            for key, value in node.value:
                if id(key) in self.seen or not isinstance(key, self.yaml.ScalarNode):
                    raise self._fail(
                        key, "keys must be plain words, not lists, mappings or aliases"
                    )
                self._visit(key, len(path) + 1)
                line = key.start_mark.line + 1
                name = self._scalar(key)
                if not isinstance(name, str) and not self.rules.typed:
                    name = self._text(key)  # yes, no, null: words, as keys
                if name in first:
                    raise self._fail(
                        key,
                        f"the key '{excerpt(key.value)}' is given twice in this mapping "
                        f"(first at line {first[name]}); keep one of them",
                    )
                first[name] = line
                self.lines[(*path, key.value)] = line
                out[name] = self(value, (*path, key.value))
            return out
        if isinstance(node, self.yaml.SequenceNode):
            return [self(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _not_allowed(self, node: Any) -> FlowError:
        tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
        return self._fail(
            node,
            f"this is not valid YAML for {_article(self.rules.what)} (the tag "
            f"{excerpt(tag)} is not allowed here; {self.rules.what}s hold plain "
            "text, numbers, yes/no, lists and mappings: write the value without the tag)",
        )

    def _text(self, node: Any) -> str:
        value = str(node.value)
        if _SURROGATE.search(value):  # "\\ud83c\\udfe5", as JSON writes an emoji
            joined = _paired(value)
            if joined is None:
                raise self._fail(node, _HALF)
            value = joined
        if self.rules.plain_text:
            found = HIDDEN.search(value)
            if found:
                raise self._fail(
                    node,
                    f"this text holds an invisible or control character (U+{ord(found[0]):04X}); "
                    f"{self.rules.what}s hold plain text only, as it reaches the terminal "
                    "and e-mails: delete it",
                )
        return value

    def _scalar(self, node: Any) -> Any:
        tag = node.tag
        if tag == _STR:
            return self._text(node)
        implicit = self.loader.resolve(
            self.yaml.ScalarNode, node.value, (not node.style, bool(node.style))
        )
        if tag != implicit or tag not in _TYPED:
            raise self._not_allowed(node)  # a tag written out, not what the value reads as
        if not self.rules.typed and tag not in _KEPT_UNTYPED:
            return self._text(node)
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError):  # 2025-02-30, a number too long to read
            return self._text(node)


_HALF = (
    "this text holds an escape (\\ud800 to \\udfff) that is only half of a "
    "character; write the character itself, or both halves of the pair"
)


def _paired(text: str) -> str | None:
    """Text with surrogate pairs joined into the characters they encode; None when a
    half is left over."""
    if _LONE.search(text):
        return None
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")


def _article(what: str) -> str:
    return f"{'an' if what[0] in 'aeiou' else 'a'} {what}"


class _Twice(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def parse_json(text: str, name: str, rules: Rules) -> Any:
    """A JSON document as plain data, numbers kept as text; FlowError on any problem
    (a key given twice, an escape that is half of a character, too deep, too big)."""
    import json

    _check_size(len(text.encode("utf-8", "surrogatepass")), name, rules)

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise _Twice(key)
            out[key] = value
        return out

    try:
        data = json.loads(
            text, object_pairs_hook=pairs, parse_int=str, parse_float=str, parse_constant=str
        )
    except json.JSONDecodeError as exc:
        raise FlowError(
            [
                f"{name}:{exc.lineno}: this is not valid JSON ({excerpt(exc.msg, 80)}); "
                "check the quotes, commas and brackets around this line"
            ]
        ) from None
    except _Twice as twice:
        line = _object_line(text, twice.key)
        raise FlowError(
            [
                f"{name}:{line}: the key '{excerpt(twice.key)}' is given twice in this "
                "mapping; keep one of them"
            ]
        ) from None
    except RecursionError:
        raise FlowError([_too_deep(name, 1, rules)]) from None
    try:
        _walk_json(data, name, rules, 0, [0])
    except _Half:
        raise FlowError([f"{name}:{_half_line(text)}: {_HALF}"]) from None
    return data


_KEY = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:')


def _object_line(text: str, key: str) -> int:
    """The line where a key is given the second time in one JSON object: the file is
    decoded again with the pure-Python decoder, which says where each object starts
    (only after this error, so reading stays fast)."""
    import json
    import json.decoder
    import json.scanner

    found: list[int] = []

    def pairs_at(start: int) -> Any:
        def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
            if not found and [k for k, _ in items].count(key) > 1:
                mentions = (m for m in _KEY.finditer(text, start) if _decoded(m[1]) == key)
                second = next(mentions, None) and next(mentions, None)
                found.append(text.count("\n", 0, second.start() if second else start) + 1)
            return dict(items)

        return pairs

    def parse_object(s_and_end: tuple[str, int], strict: bool, scan: Any, hook: Any,
                     _pairs: Any, memo: Any = None) -> Any:  # fmt: skip
        parse = json.decoder.JSONObject  # type: ignore[attr-defined]
        return parse(s_and_end, strict, scan, hook, pairs_at(s_and_end[1]), memo)

    decoder = json.JSONDecoder()
    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    with contextlib.suppress(ValueError, RecursionError):
        decoder.decode(text)
    return found[0] if found else 1


def _decoded(quoted: str) -> str | None:
    import json

    try:
        return str(json.loads(f'"{quoted}"'))
    except ValueError:
        return None


def _walk_json(value: Any, name: str, rules: Rules, depth: int, count: list[int]) -> None:
    count[0] += 1
    if count[0] > rules.max_values:
        raise FlowError(
            [
                f"{name}:1: the file has more than {rules.max_values} values; "
                f"{_article(rules.what)} is expected to be far smaller"
            ]
        )
    if depth > rules.max_depth:
        raise FlowError([_too_deep(name, 1, rules)])
    if isinstance(value, dict):
        for key, item in value.items():
            _json_text(key)
            _walk_json(item, name, rules, depth + 1, count)
    elif isinstance(value, list):
        for item in value:
            _walk_json(item, name, rules, depth + 1, count)
    elif isinstance(value, str):
        _json_text(value)


class _Half(Exception):
    pass


def _json_text(text: str) -> None:
    """JSON is only read for answers files, which may hold any text; but ``json`` joins
    escaped surrogate pairs, so one left over is half of a character."""
    if _SURROGATE.search(text):
        raise _Half


_ESCAPES = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|(\\u[dD][89a-fA-F][0-9a-fA-F]{2})"
)


def _half_line(text: str) -> int:
    """The line of the first escape that is half of a character."""
    for m in _ESCAPES.finditer(text):
        if m[1]:
            return text.count("\n", 0, m.start()) + 1
    return 1
