"""The console entry point, and why start-up is fast.

People run ``status`` and ``resume`` many times a day, so the cost of starting the
program matters. The design in one place:

* ``status`` and ``--version`` never load Typer, pydantic, YAML, questionary or rich.
  The engine stores a small summary of each journey with every save (``journey.py``),
  so ``status`` needs only the JSON state file and the standard library
  (``status.py``). This module parses the few words ``status`` takes; anything else
  (``status --help``, a misspelt option) goes to Typer for the full treatment.
* Every other command goes to the Typer app (``cli.py``), whose commands import what
  they need inside the function: ``--help`` loads Typer and nothing of the wizard's.
* Flow files are parsed with libyaml (CSafeLoader) and validated once per run.
* The wizard uses no pydantic plugins, so pydantic is told not to scan every installed
  package's entry points for them (``PYDANTIC_DISABLE_PLUGINS``), which would cost more
  than validating all the flows.
"""

from __future__ import annotations

import os
import sys


def _status_words(args: list[str]) -> tuple[bool, str | None] | None:
    """(--json, --facility) when ``args`` are only those; None sends them to Typer."""
    as_json, facility = False, None
    rest = list(args)
    while rest:
        word = rest.pop(0)
        if word == "--json":
            as_json = True
        elif word == "--facility" and rest and not rest[0].startswith("-"):
            facility = rest.pop(0)
        elif word.startswith("--facility="):
            facility = word.split("=", 1)[1]
        else:
            return None
    return as_json, facility


def main() -> None:
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    args = sys.argv[1:]
    if args in (["--version"], ["-V"]):
        from epoc_wizard import __version__

        print(f"epoc-wizard {__version__}")
        return
    if args[:1] == ["status"]:
        words = _status_words(args[1:])
        if words is not None:
            from epoc_wizard.status import main as status_main

            sys.exit(status_main(*words))
    from epoc_wizard.cli import run

    run(args)
