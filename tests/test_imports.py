"""Import guards: the quick commands must not load the heavy libraries.

Timings belong to ``bench/run.py``; these tests only check which modules a command
imports, which is what keeps it quick.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, wizard_env

PROBE = """
import atexit, json, sys
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
sys.argv = ["epoc-wizard", *sys.argv[2:]]
from epoc_wizard.cli.entry import main
main()
"""

HEAVY = (
    "prompt_toolkit",
    "questionary",
    "yaml",
    "pydantic",
    "rich",
    "holidays",
    "importlib.metadata",
    "icalendar",
)


def modules_for(home: Path, tmp_path: Path, *args: str) -> set[str]:
    out = tmp_path / "modules.json"
    subprocess.run(
        [sys.executable, "-c", PROBE, str(out), *args],
        env=wizard_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    return set(json.loads(out.read_text()))


def loaded(modules: set[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


@pytest.fixture
def state_with_journey(home: Path, context: Callable[..., Any]) -> Path:
    """A finished journey, saved in-process (only the probes need a new process)."""
    from epoc_wizard.app.journeys import run_journey_command

    run_journey_command(context(DATA / "cmsnet-hospice.yaml"), "start", None, None)
    return home


@pytest.mark.parametrize(
    "args", [["status"], ["status", "--json"], ["status", "--facility", "056304"], ["--version"]]
)
def test_quick_commands_load_nothing_heavy(
    state_with_journey: Path, tmp_path: Path, args: list[str]
) -> None:
    modules = modules_for(state_with_journey, tmp_path, *args)
    assert "epoc_wizard.cli.entry" in modules
    for name in (*HEAVY, "typer", "epoc_wizard.cli.app"):
        assert not loaded(modules, name), f"{' '.join(args)} imported {name}"


def test_help_loads_typer_but_nothing_of_the_wizard(home: Path, tmp_path: Path) -> None:
    modules = modules_for(home, tmp_path, "--help")
    assert loaded(modules, "typer")
    for name in (
        "prompt_toolkit",
        "questionary",
        "yaml",
        "holidays",
        "epoc_wizard.flowspec.catalog",
        "epoc_wizard.flowspec.model",
        "epoc_wizard.ui",
    ):
        assert not loaded(modules, name), f"--help imported {name}"


def test_start_and_resume_skip_typer(home: Path, tmp_path: Path) -> None:
    """The quick path: start and resume run without Typer; parsed flows are cached."""
    data = Path(__file__).parent / "data" / "cmsnet-hospice.yaml"
    partial = tmp_path / "partial.yaml"
    partial.write_text(data.read_text().replace("done: all", "done: [about_facility]"))
    first = modules_for(home, tmp_path, "start", "--answers", str(partial))
    assert not loaded(first, "typer")
    resumed = modules_for(home, tmp_path, "resume", "--answers", str(data))
    assert "epoc_wizard.app.session" in resumed  # it really ran the journey
    for name in ("typer", "questionary", "prompt_toolkit", "holidays"):
        assert not loaded(resumed, name), f"resume imported {name}"
    cache = json.loads((home.parent / "cache" / "flows.json").read_text())
    assert any(name.endswith("cmsnet.yaml") for name in cache["files"])


WARM = """
import json, sys
from epoc_wizard.flowspec import model, triagefile
from epoc_wizard.flowspec.catalog import bundled_dir, load_catalog
load_catalog([bundled_dir()])
built = [c.__name__ for mod in (model, triagefile) for c in vars(mod).values()
         if isinstance(c, type) and issubclass(c, model.BaseModel)
         and c.__module__ == mod.__name__ and c.__pydantic_complete__]
print(json.dumps(built))
"""


def test_a_warm_start_builds_no_flow_validators(home: Path, tmp_path: Path) -> None:
    """Flows that passed validation before are rebuilt from the cache: building the
    validators is the largest start-up cost the project owns (docs/performance.md)."""
    env = wizard_env(home)
    first = subprocess.run([sys.executable, "-c", WARM], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout), "a cold start validates, so it builds validators"
    warm = subprocess.run([sys.executable, "-c", WARM], env=env, capture_output=True, text=True)
    assert warm.returncode == 0, warm.stderr
    assert json.loads(warm.stdout) == []
