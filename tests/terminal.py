"""Driving the installed program in a real pseudo-terminal, as a person would."""

from __future__ import annotations

import re
from pathlib import Path

import pexpect

from conftest import wizard_env, wizard_path

DOWN = "\x1b[B"
ENTER = "\r"
CTRL_C = "\x03"
CTRL_D = "\x04"
CTRL_U = "\x15"


def spawn(home: Path, *args: str, **env: str) -> pexpect.spawn:
    child = pexpect.spawn(
        wizard_path(),
        list(args),
        env=wizard_env(home, **env),
        encoding="utf-8",
        timeout=15,
        dimensions=(50, 110),
    )
    child.ptyproc.delayafterclose = 0  # closed only once it has ended: no need to wait
    return child


def finish(child: pexpect.spawn) -> int:
    """Wait for the program to end; its exit code."""
    child.expect(pexpect.EOF)
    child.close()
    assert "Traceback" not in (child.before or "")
    return int(child.exitstatus if child.exitstatus is not None else 128 + child.signalstatus)


def flat(text: str) -> str:
    """Screen text as a sentence: no colour codes, box lines or wrapping."""
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
    text = re.sub(r"[│╭╮╰╯─]", " ", text)
    return re.sub(r"\s+", " ", text)


def pick(child: pexpect.spawn, label_index: int) -> None:
    """Choose the n-th entry (0-based) of an arrow-key menu."""
    child.send(DOWN * label_index + ENTER)
