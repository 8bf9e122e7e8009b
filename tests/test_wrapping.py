"""Long lines in a terminal: broken between words to its width, never inside a word.

Every plain-text command prints through ``words.fitted`` (``out`` in ``cli/app.py``,
``say`` in ``cli/guard.py``, ``doctor``, ``status``'s own ``_fit``): in a terminal each
line fits its width, continuation lines go two further in, and a phone number, an
option, a CCN or a command stays on one line; piped, every line stays whole for scripts.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from epoc_wizard.words import wrapped

from conftest import LAKESIDE, Wizard

ROSTER = {
    "entries": [
        {"person": "Ana Lopez", "harp_user_id": "alopez01", "works_for": "provider",
         "email": "ana@sunnyacres.example.org", "facility": "056304",
         "facility_name": "Sunny Acres", "role": "PSO", "granted": "2026-06-01",
         "last_login": "2026-11-10"},
        {"person": "Ana Lopez", "facility": "056305", "facility_name": "Oak Grove",
         "role": "PSO"},
        {"person": "Vic Vendor", "works_for": "vendor", "facility": "056305",
         "role": "PBJ Viewer", "requested": True},
    ]
}  # fmt: skip
#: Words the review found broken across lines: each must stay whole on one line.
WHOLE = ["1-888-477-7876", "1-800-339-9313", "--output", "--facility", "056304", "056305"]


def fits(text: str, width: int) -> None:
    """Every line fits ``width``, unless it is one word that cannot be broken."""
    for line in text.splitlines():
        assert len(line) <= width or " " not in line.strip(), (width, line)


def same_words(wrapped_text: str, whole: str) -> None:
    """Wrapping moved line breaks only: the same words, in the same order."""
    assert wrapped_text.split() == whole.split()


def as_terminal(monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    """Standard output and error are a terminal of ``width`` columns."""
    size = os.terminal_size((width, 50))
    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback=(80, 24): size)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)


# --- the helper ---------------------------------------------------------------------------

LONG = (
    "Other number given: if it does not get through, try 1-888-477-7876, option 1, or "
    "write the file with --output FILE; when Ana Lopez has gone: epoc-wizard roster "
    "remove 'Ana Lopez' --facility 056304"
)


@pytest.mark.parametrize("width", [40, 80])
def test_lines_break_between_words_never_inside_one(width: int) -> None:
    text = f"Title\n\n  {LONG}\n  1. {LONG}\nshort line\n{LONG}"
    out = wrapped(text, width)
    fits(out, width)
    same_words(out, text)
    lines = out.splitlines()
    for word in ["1-888-477-7876,", "--output", "--facility", "056304", "epoc-wizard"]:
        assert any(word in line.split() for line in lines), word
    assert lines[:2] == ["Title", ""]  # short and blank lines are left alone
    assert "short line" in lines
    # Further lines keep the line's indentation plus two, or go under a numbered item.
    item = lines.index(next(x for x in lines if x.startswith("  1. ")))
    assert lines[item + 1].startswith("     ") and lines[item + 1][5] != " "
    assert lines[3].startswith("    ") and lines[3][4] != " "
    assert lines[-1].startswith("  ") and lines[-1][2] != " "


def test_a_word_longer_than_the_line_stays_whole() -> None:
    address = "https://www.cms.gov/" + "a" * 60
    out = wrapped(f"Address: {address} (read 1 December 2026)", 40)
    assert f"  {address}" in out.splitlines()  # the terminal shows it on two rows
    fits(out, 40)


def test_without_a_width_nothing_changes() -> None:
    assert wrapped(LONG, None) == LONG


def test_prompt_help_keeps_its_own_indent() -> None:
    """``ui.wrap`` (prompts) is the same function: help under a question stays under it."""
    from epoc_wizard.ui import wrap

    lines = wrap(LONG, 40, "    ")
    assert all(line.startswith("    ") and len(line) <= 40 for line in lines)
    assert wrap("", 40, "  ") == [""]


# --- the commands -------------------------------------------------------------------------


def commands(wizard: Wizard, where: Path) -> dict[str, str]:
    """The commands the review named, once each, on a state folder in ``where``: what
    each printed (stdout, then stderr), with ``where`` written as ``DIR``."""
    where.mkdir()
    batch = where / "roster.yaml"
    batch.write_text(yaml.safe_dump(ROSTER), encoding="utf-8")
    answers = where / "iqies.yaml"
    answers.write_text(yaml.safe_dump({"flow": "iqies", "answers": LAKESIDE}), "utf-8")
    home = {"EPOC_WIZARD_HOME": str(where / "state")}
    ics = str(where / "due.ics")
    runs = {
        "roster add": ["roster", "add", "--answers", str(batch)],
        "start": ["start", "--answers", str(answers), "--quiet"],
        "contacts": ["contacts", "iqies"],
        "pso-leaving": ["roster", "pso-leaving", "Ana Lopez"],
        "login": ["login", "Ana Lopez"],
        "check": ["check", "ccn", "05630"],
        "calendar": ["calendar", "--output", ics],
        "calendar again": ["calendar", "--output", ics],  # an error: the file exists
        "doctor": ["doctor"],
        "status": ["status"],
        "roster list": ["roster", "list"],
        "error": ["export", "no-such-journey"],
    }
    said = {}
    for name, args in runs.items():
        result = wizard(*args, **home)
        said[name] = (result.stdout + result.stderr).replace(str(where), "DIR")
    assert said["roster add"].startswith("Added Ana Lopez")
    assert "--output" in said["calendar again"] and "no-such-journey" in said["error"]
    return said


@pytest.mark.parametrize("width", [pytest.param(40, marks=pytest.mark.slow), 80])
def test_every_command_fits_the_terminal(
    wizard: Wizard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    piped = commands(wizard, tmp_path / "a")
    as_terminal(monkeypatch, width)
    shown = commands(wizard, tmp_path / "b")
    for name, text in shown.items():
        # --quiet prints one line per journey for scripts, never wrapped; status's own
        # _fit wraps its journeys and roster, but not yet its totals line.
        if name not in ("start", "status"):
            fits(text.replace("DIR", str(tmp_path / "b")), width)
        same_words(text, piped[name])  # only line breaks moved; every word whole
    assert not [line for line in shown["status"].splitlines() if line.endswith("-")]
    everything = "\n".join(shown.values()).splitlines()
    for word in WHOLE:
        assert any(word in line for line in everything), word
    # Piped, the lines the review quoted stay whole, for grep and scripts.
    assert "try 1-888-477-7876, option 1." in piped["contacts"]
    assert 'epoc-wizard roster remove "Ana Lopez" --facility 056304' in piped["pso-leaving"]
    assert max(map(len, piped["contacts"].splitlines())) > 100


def test_formats_are_never_wrapped(
    wizard: Wizard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """JSON and the Markdown record print as they are, even in a narrow terminal."""
    batch = tmp_path / "roster.yaml"
    batch.write_text(yaml.safe_dump(ROSTER), encoding="utf-8")
    wizard("roster", "add", "--answers", str(batch))
    piped = [wizard("roster", "list", "--json"), wizard("export", "--blank", "iqies")]
    as_terminal(monkeypatch, 40)
    shown = [wizard("roster", "list", "--json"), wizard("export", "--blank", "iqies")]
    assert json.loads(shown[0].stdout) and shown[0].stdout == piped[0].stdout
    assert shown[1].returncode == 0 and shown[1].stdout == piped[1].stdout
    assert max(map(len, shown[1].stdout.splitlines())) > 40
