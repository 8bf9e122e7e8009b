"""Shared fixtures: every test gets its own state folder and home, never the real ones."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
FIXED_NOW = "2026-11-23T09:00:00-05:00"  # a Monday, so business days are easy to read


def wizard_path() -> str:
    found = shutil.which("epoc-wizard", path=str(BIN)) or shutil.which("epoc-wizard")
    if not found:
        pytest.fail("epoc-wizard is not installed; run the README's test command")
    return found


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private state folder, also set for the test process itself."""
    state = tmp_path / "state"
    monkeypatch.setenv("EPOC_WIZARD_HOME", str(state))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    monkeypatch.setenv("EPOC_WIZARD_NOW", FIXED_NOW)
    monkeypatch.setenv("EPOC_WIZARD_CACHE", str(tmp_path / "cache" / "flows.json"))
    monkeypatch.delenv("EPOC_WIZARD_FLOWS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    yield state


def wizard_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EPOC_WIZARD")}
    env.update(
        {
            "EPOC_WIZARD_HOME": str(home),
            "HOME": str(home.parent / "home"),
            "XDG_CONFIG_HOME": str(home.parent / "home" / ".config"),
            "EPOC_WIZARD_NOW": FIXED_NOW,
            "EPOC_WIZARD_CACHE": str(home.parent / "cache" / "flows.json"),
            "TERM": "xterm-256color",
            "COLUMNS": "110",
            "LINES": "50",
            "PYTHONWARNINGS": "ignore",
            # pexpect does not answer cursor-position requests; without this prompt_toolkit
            # waits a second for the answer after every prompt.
            "PROMPT_TOOLKIT_NO_CPR": "1",
        }
    )
    env.pop("NO_COLOR", None)
    env.update(extra)
    return env


def run_wizard(
    home: Path, *args: str, input: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run the installed command without a terminal (stdin is a pipe or /dev/null)."""
    return subprocess.run(
        [wizard_path(), *args],
        capture_output=True,
        text=True,
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
        env=wizard_env(home, **env),
        timeout=60,
    )


def run_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """Run the command in-process, as the installed script does; (exit code, out, err)."""
    from epoc_wizard.cli.entry import main

    monkeypatch.setattr(sys, "argv", ["epoc-wizard", *args])
    code: object = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return int(code or 0), out, err  # type: ignore[call-overload]
