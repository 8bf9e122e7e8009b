"""The console entry point, and why start-up is fast.

People run ``status`` and ``resume`` many times a day, so the cost of starting the
program matters. The design in one place:

* The commands people run most (``status``, ``start``, ``resume``) are parsed here,
  from the small table ``_QUICK``, and call the same functions as their Typer commands;
  anything else (``--help``, a misspelt option) goes to Typer for the full treatment.
  This keeps Typer, and the pydantic adapters it builds for every parameter, out of
  them.
* ``status`` and ``--version`` never load Typer, pydantic, YAML, questionary or rich.
  The engine stores a small summary of each journey with every save (``journey.py``),
  so ``status`` needs only the JSON state file and the standard library
  (``status.py``).
* Every other command goes to the Typer app (``cli.py``), whose commands import what
  they need inside the function: ``--help`` loads Typer and nothing of the wizard's.
* Flow files are parsed with libyaml (CSafeLoader) and validated once per run.
* Output never fails on an encoding: where stdout or stderr is not UTF-8 (a Windows
  console or a redirect in cp1252, ``PYTHONIOENCODING``), ``main`` first sets them to
  replace what the encoding cannot write (``Đông`` becomes ``?ông``), so every command,
  and rich's panels (which fall back to ASCII boxes there), print instead of ending
  with UnicodeEncodeError.
* The wizard uses no pydantic plugins, so pydantic is told not to scan every installed
  package's entry points for them (``PYDANTIC_DISABLE_PLUGINS``), which would cost more
  than validating all the flows.
"""

from __future__ import annotations

import codecs
import io
import os
import sys

#: The commands people run most, and the words each takes: its one positional
#: argument (or None), and its options, True for those that take a value.
_QUICK: dict[str, tuple[str | None, dict[str, bool]]] = {
    "status": (None, {"--json": False, "--json-schema": False, "--facility": True}),
    "start": (
        "flow",
        {
            "--facility": True,
            "--answers": True,
            "--plain": False,
            "--due": True,
            "--received": True,
            "--quiet": False,
        },
    ),
    "resume": (
        "journey",
        {"--facility": True, "--answers": True, "--plain": False, "--quiet": False},
    ),
}


def _quick_words(command: str, args: list[str]) -> dict[str, str | bool | None] | None:
    """The words of a quick command, or None to let Typer handle (and explain) them."""
    positional, options = _QUICK[command]
    words: dict[str, str | bool | None] = {name.lstrip("-"): None for name in options}
    if positional:
        words[positional] = None
    rest = list(args)
    while rest:
        word = rest.pop(0)
        name, equals, inline = word.partition("=")
        if name in options:
            if not options[name]:
                if equals:
                    return None
                words[name.lstrip("-")] = True
            elif equals:  # --facility=056304, or --facility= (empty, refused by its check)
                words[name.lstrip("-")] = inline
            elif rest and not rest[0].startswith("-"):
                words[name.lstrip("-")] = rest.pop(0)
            else:
                return None
        elif positional and not word.startswith("-") and words[positional] is None:
            words[positional] = word
        else:
            return None
    return words


def tolerant_output() -> None:
    """Make stdout and stderr replace what their encoding cannot write, unless UTF-8."""
    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper):  # None (pythonw), or a stand-in
            continue
        try:
            utf8 = codecs.lookup(stream.encoding).name == "utf-8"
        except LookupError:
            utf8 = False
        if not utf8:
            stream.reconfigure(errors="replace")


def main() -> None:
    tolerant_output()
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    args = sys.argv[1:]
    if args in (["--version"], ["-V"]):
        from epoc_wizard import __version__

        print(f"epoc-wizard {__version__}")
        return
    words = _quick_words(args[0], args[1:]) if args and args[0] in _QUICK else None
    if words is not None and args[0] == "status":
        from epoc_wizard.cli.guard import guarded

        sys.exit(
            guarded(
                lambda: _status(
                    bool(words["json"]), _text(words["facility"]), bool(words["json-schema"])
                )
            )
        )
    if words is not None:
        from pathlib import Path

        from epoc_wizard.app.context import build
        from epoc_wizard.app.journeys import run_journey_command
        from epoc_wizard.cli.guard import guarded

        answers = _text(words["answers"])
        target = _text(words.get("flow", words.get("journey")))
        facility = _text(words["facility"])
        dates = {
            "poc_letter_due": _text(words.get("due")),
            "poc_received": _text(words.get("received")),
        }
        sys.exit(
            guarded(
                lambda: run_journey_command(
                    build(Path(answers) if answers else None, bool(words["plain"])),
                    args[0],
                    target,
                    facility,
                    dates,
                    quiet=bool(words["quiet"]),
                )
            )
        )
    from epoc_wizard.cli.app import run

    run(args)


def _status(as_json: bool, facility: str | None, schema: bool = False) -> int:
    # Imported inside the guard: whatever fails, even at import, becomes a sentence.
    from epoc_wizard.app.status import main as status_main

    return status_main(as_json, facility, schema=schema)


def _text(value: str | bool | None) -> str | None:
    return value if isinstance(value, str) else None
