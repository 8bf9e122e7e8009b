"""Rules that live in two places, tied together so that they cannot drift apart.

* ``cli/entry.py`` parses the quick commands itself (for start-up speed); it must accept
  exactly the options the Typer app declares for them.
* ``status`` checks journeys lightly (no pydantic); it must call damaged exactly the
  entries that full ``Journey`` validation refuses, for every field it reads.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import typer.main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.core import TyperArgument, TyperOption

from epoc_wizard.app.status import damaged
from epoc_wizard.cli.app import app
from epoc_wizard.cli.entry import _QUICK
from epoc_wizard.core.journey import Journey


def _typer_words(name: str) -> tuple[str | None, dict[str, bool]]:
    group = typer.main.get_command(app)
    command = group.commands[name]  # type: ignore[attr-defined]
    positional = None
    options: dict[str, bool] = {}
    for p in command.params:
        if isinstance(p, TyperArgument):
            positional = p.name
        elif isinstance(p, TyperOption) and p.name != "help":
            for opt in p.opts:
                options[opt] = not p.is_flag
    return positional, options


def test_quick_commands_take_exactly_the_typer_options() -> None:
    for name, (positional, options) in _QUICK.items():
        assert _typer_words(name) == (positional, options), name


_TIME = "2026-11-23T09:00:00-05:00"
_WRONG = st.sampled_from([None, 3, 2.5, True, [], {}, "x", "not a time"])


def _field(good: Any) -> st.SearchStrategy[Any]:
    return st.one_of(st.just(good), _WRONG)


_records = st.dictionaries(
    st.sampled_from(["a", "b"]),
    st.one_of(
        st.fixed_dictionaries({}, optional={"status": _field("done")}),
        st.fixed_dictionaries({"status": st.sampled_from(["pending", "waiting", "skipped"])}),
        _WRONG,
    ),
    max_size=2,
)


@st.composite
def _entries(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    jid = "cmsnet-056304"
    entry: dict[str, Any] = {
        "id": draw(st.one_of(st.just(jid), st.just("other"), _WRONG)),
        "flow": draw(_field("cmsnet")),
        "created": draw(_field(_TIME)),
        "updated": draw(_field(_TIME)),
    }
    for key, good in (("answers", {"ccn": "056304"}), ("steps", None)):
        if draw(st.booleans()):
            entry[key] = draw(_records) if key == "steps" and good is None else draw(_field(good))
    for key in list(entry):
        if key not in ("answers", "steps") and draw(st.integers(0, 9)) == 0:
            del entry[key]
    return jid, entry


def _valid(jid: str, entry: dict[str, Any]) -> bool:
    try:
        journey = Journey.model_validate(entry)
    except ValueError:
        return False
    return journey.id == jid


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_entries())
def test_status_calls_damaged_what_full_validation_refuses(
    case: tuple[str, dict[str, Any]],
) -> None:
    jid, entry = case
    assert (jid in damaged({jid: entry})) == (not _valid(jid, entry)), entry


def test_a_good_journey_dumped_by_the_model_is_not_damaged() -> None:
    now = dt.datetime.fromisoformat(_TIME)
    j = Journey(id="j", flow="cmsnet", created=now, updated=now, answers={"ccn": "056304"})
    assert damaged({"j": j.model_dump(mode="json")}) == []
