"""Every failure that reaches the command line becomes a sentence and an exit code.

Both ways into the program (the quick path in ``entry.py`` and the Typer app in
``cli.py``) run their work through ``guarded``, so a person never sees a traceback:
known errors print their message, Ctrl-C says how to resume the journey it stopped,
if it stopped one (exit 130), and anything unexpected says that progress is safe and
how to see details (exit 70). Every
sentence goes through ``words.printable`` first: an error may repeat what a file or the
command line held (an answers-file key, a ``flow:`` value, a journey id), and no
terminal control sequence in it may reach the terminal (issue 12).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from epoc_wizard.errors import ExitStatus, Interrupted, WizardError
from epoc_wizard.words import fitted, printable


def say(message: str) -> None:
    """Print a sentence to stderr, with anything that could drive the terminal shown
    visibly instead (``words.printable``), broken between words to the terminal's width
    when stderr is one (``words.fitted``)."""
    print(fitted(printable(message, lines=True), sys.stderr), file=sys.stderr)


def guarded(work: Callable[[], int | None]) -> int:
    try:
        return work() or 0
    except WizardError as exc:
        say(exc.message)
        return exc.exit_code
    except Interrupted as stop:
        if stop.args:  # raised by a session, which saved every answer before the prompt
            say(
                "\nStopped. Everything you answered is saved. To continue, run: "
                f"epoc-wizard resume {stop.args[0]}"
            )
        else:  # before any journey was started or changed
            say("\nStopped. Nothing was changed.")
        return ExitStatus.INTERRUPTED
    except KeyboardInterrupt:
        # Ctrl-C outside a prompt (between two prompts, or before the first one takes the
        # keyboard). A session turns it into ``Interrupted`` with its journey, so here no
        # journey was open: say nothing about resuming one (issue 15).
        say("\nStopped.")
        return ExitStatus.INTERRUPTED
    except BrokenPipeError:
        return ExitStatus.OK
    except Exception as exc:
        if os.environ.get("EPOC_WIZARD_DEBUG"):
            raise
        say(
            f"Something went wrong inside epoc-wizard ({type(exc).__name__}). Your saved "
            "progress is safe. Please report this, with the command you ran; set "
            "EPOC_WIZARD_DEBUG=1 to see the details."
        )
        return ExitStatus.INTERNAL
