"""Hostile input, property-based (hypothesis): checks, flow files and state documents.

* Every check in ``checks.CHECKS`` takes any text and returns a CheckResult whose
  message is empty exactly when it is ok; it never raises and never repeats an
  activation key (and refuses one pasted where a free-text answer is saved).
* The flow loader, fed random mutations of the bundled flow files, sources registry
  and triage (wrong types, unknown keys, deleted keys, duplicate ids, reordered
  entries, huge strings, YAML anchor and alias bombs, Python tags, random bytes,
  truncation), raises nothing but FlowError, and every problem in it reads
  ``file:line: ...``.
* The state loader (``statefile.parse_document``, then each journey through
  ``statefile.journey_from``, and the ``status`` rows) takes random bytes and random JSON
  and raises nothing but StateError, with a message.

Examples are derandomized (the same every run, like the seeded crash test) and no
example database is written. The number of examples each test ran is printed.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import string
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from epoc_wizard.app.status import journey_rows, render_json, render_text
from epoc_wizard.checks import CHECKS, CheckResult, run_check
from epoc_wizard.errors import FlowError, StateError
from epoc_wizard.flowspec import cache as flowcache
from epoc_wizard.flowspec import catalog
from epoc_wizard.flowspec import load as loader
from epoc_wizard.flowspec.catalog import bundled_dir, load_catalog
from epoc_wizard.state.document import journey_from, parse_document

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
RUNS: Counter[str] = Counter()
NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
ALNUM = string.ascii_letters + string.digits

# --- checks ----------------------------------------------------------------------------

keys = st.text(ALNUM, min_size=32, max_size=32).filter(
    lambda k: any(c.isdigit() for c in k) and any(c.isalpha() for c in k)
)
texts = st.one_of(
    st.text(max_size=60),
    st.text(string.printable, max_size=40),
    st.from_regex(r"[0-9 .eE+\-]{1,12}", fullmatch=True),  # spreadsheet damage
    st.builds(
        lambda k, a, b: a + k + b,
        keys,
        st.text(" \n\t\u200b-", max_size=3),
        st.text(" \n\u00ad", max_size=3),
    ),
)
states = (
    st.none()
    | st.sampled_from(["CA", "ny", "Texas", "XX", "", "Puerto Rico"])
    | st.text(max_size=6)
)


@SETTINGS
@given(kind=st.sampled_from(sorted(CHECKS)), value=texts, state=states)
def test_every_check_answers_any_text_with_a_result(
    kind: str, value: str, state: str | None
) -> None:
    RUNS["checks: any text"] += 1
    result = run_check(kind, value, state=state)
    assert isinstance(result, CheckResult)
    # A refusal always says why; an accepted value may carry a warning to read.
    assert result.ok or result.message != ""
    if not result.ok:
        assert result.message.strip().endswith((".", "?"))
    if kind == "activation_key":
        squeezed = re.sub(r"\W", "", value)
        for secret in (value.strip(), squeezed):
            if len(secret) >= 8:
                assert secret not in result.message


@SETTINGS
@given(kind=st.sampled_from(sorted(CHECKS)), key=keys, around=st.text(" \n-", max_size=2))
def test_no_check_repeats_an_activation_key(kind: str, key: str, around: str) -> None:
    RUNS["checks: activation keys"] += 1
    result = run_check(kind, around + key + around, state="CA")
    assert key not in result.message
    assert key[:12] not in result.message
    if (
        kind in ("text", "cmsnet_user_id", "harp_user_id", "cac_or_navigator_id")
        and not around.strip()
    ):
        # These answers are saved: a key pasted there is refused, not stored.
        assert not result.ok and "activation key" in result.message


# --- flow files ------------------------------------------------------------------------

FLOW_FILES = sorted(p.name for p in bundled_dir().glob("*.yaml") if p.name != "contacts.yaml")
ORIGINAL = {name: (bundled_dir() / name).read_bytes() for name in FLOW_FILES}
PARSED = {
    name: yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    for name, raw in ORIGINAL.items()
}
PROBLEM = re.compile(r"^(?P<file>[^\n]+\.yaml):(?P<line>[0-9]+): \S")
#: The one problem that names no file:line (a product bug): a bundled contact citing a
#: document that a mutated registry no longer has.
WRONG = [
    None,
    0,
    -1,
    3.5,
    True,
    "",
    "x" * 5000,
    [],
    {},
    [1, "two"],
    {"id": "x"},
    "2026-13-45",
    "NOT AN ID!",
]
DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
#: The lists of entries with ids a file holds: flow steps and moves, registry documents,
#: triage questions and routes.
ENTRIES = ("steps", "retired", "sources", "questions", "routes")


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _nodes(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _nodes(v, (*path, i))


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        data = data[p]
    return data


@st.composite
def mutated_flow(draw: st.DrawFn) -> tuple[str, str, bytes]:
    name = draw(st.sampled_from(FLOW_FILES))
    how = draw(
        st.sampled_from(
            [
                "wrong type",
                "unknown key",
                "delete key",
                "duplicate entry",
                "reorder entries",
                "huge string",
                "alias bomb",
                "python tag",
                "random bytes",
                "truncate",
            ]
        )
    )
    raw = ORIGINAL[name]
    if how == "random bytes":
        at = draw(st.integers(0, len(raw)))
        junk = draw(st.binary(min_size=1, max_size=16))
        return name, how, raw[:at] + junk + raw[at + draw(st.integers(0, 8)) :]
    if how == "truncate":
        return name, how, raw[: draw(st.integers(0, len(raw) - 1))]
    if how == "alias bomb":
        width = draw(st.integers(2, 9))
        bomb = (
            "lol: &l0 ["
            + ", ".join(["lol"] * width)
            + "]\n"
            + "".join(
                f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]\n" for i in range(1, 9)
            )
        )
        return (
            name,
            how,
            (bomb + raw.decode()).encode()
            if draw(st.booleans())
            else raw + b"\nsteps_bomb: *l0\n" + bomb.encode(),
        )
    if how == "python tag":
        tag = draw(
            st.sampled_from(
                [
                    "!!python/object/apply:os.system ['true']",
                    "!!python/name:os.system",
                    "!!binary aGVsbG8=",
                ]
            )
        )
        return name, how, raw.replace(b"\ntitle: ", f"\ntitle: {tag} #".encode(), 1)
    data = copy.deepcopy(PARSED[name])
    paths = list(_nodes(data))
    path = draw(st.sampled_from(paths[1:]))
    parent, key = _at(data, path[:-1]), path[-1]
    if how == "wrong type":
        parent[key] = draw(st.sampled_from(WRONG))
    elif how == "unknown key":
        target = _at(data, path) if isinstance(_at(data, path), dict) else data
        target[draw(st.sampled_from(["titel", "when_", "kind ", "x" * 70]))] = "surprise"
    elif how == "delete key":
        if isinstance(parent, dict):
            del parent[key]
        else:
            parent.pop(key)
    elif how in ("duplicate entry", "reorder entries"):
        # The steps of a flow, the documents of the registry, the triage's questions
        # and routes, a legacy flow's moves.
        lists = [k for k, v in data.items() if isinstance(v, list) and v and k in ENTRIES]
        entries = data[draw(st.sampled_from(lists))]
        if how == "duplicate entry":
            entries.insert(
                draw(st.integers(0, len(entries))),
                copy.deepcopy(entries[draw(st.integers(0, len(entries) - 1))]),
            )
        else:
            entries[:] = draw(st.permutations(entries))
    elif how == "huge string":
        parent[key] = "A" * draw(st.sampled_from([4001, 70_000, 600_000]))
    text = yaml.dump(data, Dumper=DUMPER, sort_keys=False, allow_unicode=True)
    return name, how, text.encode()


@pytest.fixture(scope="module")
def mutants(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder for the mutated files, with the flow cache kept in memory only."""
    folder = tmp_path_factory.mktemp("mutants")
    real_put = flowcache.put

    def put(path: Path, data: Any, lines: Any) -> None:
        if folder not in path.parents:  # the unchanged bundled files stay cached
            real_put(path, data, lines)

    # The whole-flow checks are skipped when the same bundled files passed them before;
    # here their text is swapped for a mutant's, so every mutant is checked in full.
    with (
        mock.patch.object(flowcache, "put", put),
        mock.patch.object(flowcache, "save"),
        mock.patch.object(flowcache, "passed_checks", return_value=False),
        mock.patch.object(flowcache, "mark_checks_passed"),
    ):
        yield folder


#: Each mutant is loaded with every whole-flow check (about 40 ms), so fewer examples;
#: 50 keeps the default run within its 30 s (every mutation kind is still drawn).
FLOW_MUTANTS = 50


@settings(SETTINGS, max_examples=FLOW_MUTANTS)
@given(mutant=mutated_flow())
def test_flow_loader_only_raises_flow_errors_with_lines(
    mutants: Path, mutant: tuple[str, str, bytes]
) -> None:
    name, how, raw = mutant
    RUNS["flow mutations"] += 1
    RUNS[f"  {how}"] += 1
    path = mutants / f"{RUNS['flow mutations']}-{name}"  # a new file each time: never cached
    path.write_bytes(raw)
    real_read = loader.read

    def read(p: Path) -> Any:
        return real_read(path if p.name == name and p.parent == bundled_dir() else p)

    with mock.patch.object(catalog, "read", read):
        try:
            load_catalog([bundled_dir()])
            RUNS["  (loaded anyway)"] += 1
        except FlowError as exc:
            RUNS["  (refused with file:line problems)"] += 1
            assert exc.problems
            for problem in exc.problems:
                m = PROBLEM.match(problem)
                assert m, problem
                assert m["file"] in (str(path), str(bundled_dir() / "contacts.yaml")) or m[
                    "file"
                ].startswith(str(bundled_dir())), problem
                assert int(m["line"]) >= 1
    path.unlink()


def test_flow_files_cannot_run_code(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    flow = (
        (bundled_dir() / "cmsnet.yaml")
        .read_text()
        .replace(
            "\ntitle: ", f"\nextra: !!python/object/apply:os.system ['touch {marker}']\ntitle: ", 1
        )
    )
    path = tmp_path / "evil.yaml"
    path.write_text(flow)
    with pytest.raises(FlowError) as err:
        loader.read(path)
    (problem,) = err.value.problems
    assert problem.startswith(f"{path}:") and "this is not valid YAML" in problem
    assert not marker.exists()


# --- state documents -----------------------------------------------------------------

scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
T = "2026-11-23T14:00:00+00:00"
FIELDS = [
    "id",
    "flow",
    "flow_version",
    "facility",
    "label",
    "created",
    "updated",
    "finished",
    "answers",
    "steps",
    "summary",
]


@st.composite
def journey_like(draw: st.DrawFn, jid: str) -> Any:
    """A journey as the program writes it, then (mostly) damaged in one or two places."""
    j: dict[str, Any] = {
        "id": jid,
        "flow": "cmsnet",
        "created": T,
        "updated": T,
        "answers": {"ccn": "056304", "facility_name": "Sunny"},
        "steps": {
            "about_facility": {"status": "done", "done_at": T},
            "submit_request": {
                "status": "waiting",
                "wait": {"wait_for": "e-mails", "since": T, "due": T, "late": "Call."},
            },
        },
        "summary": {"flow_title": "CMSNet", "step_id": "submit_request", "done": 1, "total": 5},
        "facility": "056304",
    }
    for _ in range(draw(st.integers(0, 2))):
        field = draw(st.sampled_from(FIELDS))
        if draw(st.booleans()):
            j.pop(field, None)
        else:
            j[field] = draw(json_values | st.sampled_from([T, "yesterday", "", "banana"]))
    return j


structured = (
    st.lists(st.sampled_from(["a", "b", "c"]), max_size=3, unique=True)
    .flatmap(lambda ids: st.tuples(*(journey_like(i) for i in ids)))
    .map(
        lambda js: json.dumps(
            {
                "schema": 1,
                "journeys": {
                    j.get("id", "?") if isinstance(j.get("id"), str) else "x": j for j in js
                },
            }
        ).encode()
    )
)
documents = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries(
        {
            "schema": st.just(1) | st.integers(-2, 3) | json_values,
            "journeys": st.dictionaries(st.sampled_from(["a", "b"]), json_values, max_size=3)
            | st.lists(json_values, max_size=3)
            | json_values,
        }
    ).map(lambda v: json.dumps(v).encode()),
    structured,
    structured,
)


@SETTINGS
@given(raw=documents)
def test_state_loader_only_raises_state_errors(raw: bytes) -> None:
    RUNS["state documents"] += 1
    path = Path("/nowhere/state.json")
    try:
        doc = parse_document(raw, path)
    except StateError as exc:
        assert exc.message.startswith("The state file /nowhere/state.json")
        RUNS["  refused as a whole"] += 1
        return
    assert isinstance(doc["journeys"], dict)
    for jid, data in doc["journeys"].items():
        try:
            journey = journey_from(jid, data, path)
        except StateError as exc:
            assert f"The journey '{jid}' in /nowhere/state.json is damaged" in exc.message
            RUNS["  a journey refused"] += 1
        else:
            assert journey.id == jid
            RUNS["  a journey accepted"] += 1
    rows = journey_rows(doc["journeys"], NOW)  # the fast path shows what it can, never fails
    json.loads(render_json(rows))
    assert isinstance(render_text(rows, NOW), str)


def test_zz_report_examples_run() -> None:
    """Not a check of the program: prints how many examples each test above ran."""
    print("\nhypothesis examples run: " + ", ".join(f"{k.strip()}={v}" for k, v in RUNS.items()))
    for name, least in (
        ("checks: any text", SETTINGS.max_examples),
        ("checks: activation keys", SETTINGS.max_examples),
        ("flow mutations", FLOW_MUTANTS),
        ("state documents", SETTINGS.max_examples),
    ):
        assert RUNS[name] >= least or RUNS[name] == 0, (name, RUNS[name])  # 0: run alone
