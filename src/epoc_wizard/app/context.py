"""The world a command works in, built once by the entry point and passed to it.

A command never builds its own store, catalog, clock, asker or view: it takes them
from the ``Context``. ``build`` makes the real ones from the command-line options;
tests make their own (a ``Store`` on a temporary folder, a fixed clock, a ``Scripted``
asker, a ``View`` on a captured console), so no test needs an environment variable
to swap a piece. The catalog and the view are made when first used, because some
commands (``doctor``, ``reset``) need neither and they cost start-up time.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from epoc_wizard import clock
from epoc_wizard.errors import UsageError
from epoc_wizard.state.store import Store

if TYPE_CHECKING:
    from epoc_wizard.core.journey import Journey
    from epoc_wizard.flowspec.catalog import Catalog
    from epoc_wizard.flowspec.model import Flow
    from epoc_wizard.ui import Asker
    from epoc_wizard.ui.scripted import AnswersFile
    from epoc_wizard.ui.show import View

#: What to give instead of a terminal, in the error for a run that must ask but cannot.
NEEDS_ANSWERS = "the answers in a file with --answers FILE (see 'epoc-wizard start --help')"


def plain_wanted(flag: bool) -> bool:
    """``--plain``, or an environment that asks for no colour or has a dumb terminal."""
    return flag or bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb"


def _load_catalog() -> Catalog:
    from epoc_wizard.flowspec.catalog import load_catalog

    return load_catalog()


@dataclass
class Context:
    """Everything one run needs. The way to ask is settled when first needed
    (``ask``): a run that asks nothing works without a terminal, and mistakes in the
    command line itself are reported before anything about the terminal or the file."""

    store: Store
    now: Callable[[], dt.datetime] = clock.now
    plain: bool = False
    #: The answers file named with --answers, read when first needed.
    answers_path: Path | None = None
    needs: str = NEEDS_ANSWERS
    load_catalog: Callable[[], Catalog] = _load_catalog
    asker: Asker | None = None
    answers: AnswersFile | None = None
    _catalog: Catalog | None = field(default=None, repr=False)
    _view: View | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.plain = plain_wanted(self.plain)

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = self.load_catalog()
        return self._catalog

    @property
    def view(self) -> View:
        if self._view is None:
            from epoc_wizard.ui.show import View

            self._view = View(plain=self.plain)
        return self._view

    def ask(self) -> Asker:
        """The way to ask: the answers file, else the keyboard (numbered in plain mode);
        without a terminal, the error that says what to give instead."""
        if self.asker is not None:
            return self.asker
        if self.answers_path is not None:
            from epoc_wizard.ui.scripted import Scripted, read_answers_file

            self.answers = read_answers_file(self.answers_path)
            self.asker = Scripted(self.answers)
        elif not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise UsageError(
                "There is no terminal here to ask questions on. Run this in a "
                f"terminal, or give {self.needs}."
            )
        elif self.plain:
            from epoc_wizard.ui.plain import PlainPrompter

            self.asker = PlainPrompter()
        else:
            from epoc_wizard.ui.ask import Prompter

            self.asker = Prompter()
        return self.asker

    def pick_journey(self, journey_id: str | None, facility: str | None) -> Journey:
        """The journey named, or else the most recently active one (of that facility)."""
        if journey_id is not None:
            return self.store.load(journey_id)
        rows = [
            (jid, j)
            for jid, j in self.store.journeys().items()
            if facility is None or j.get("facility") == facility
        ]
        if not rows:
            raise UsageError(
                "There is no journey"
                + (f" for {facility}" if facility else "")
                + " yet. Start one with: epoc-wizard start"
            )
        latest, data = max(rows, key=lambda r: str(r[1].get("updated", "")))
        return self.store.journey(latest, data)  # a damaged entry: StateError, with a sentence

    def with_answers(self, answers: AnswersFile) -> Context:
        """The same world, answering from ``answers`` (one facility of a batch)."""
        from epoc_wizard.ui.scripted import Scripted

        return replace(self, asker=Scripted(answers), answers=answers, answers_path=None)

    def run(self, flow: Flow, journey: Journey) -> Journey:
        """Walk ``journey`` through ``flow`` in a session; the journey as saved."""
        from epoc_wizard.app.session import Session

        return Session(flow, self.store, self.ask(), self.view, self.now).run(journey)


def build(answers: Path | None = None, plain: bool = False, needs: str = NEEDS_ANSWERS) -> Context:
    """The real world, from the command-line options: the state folder of this user
    (or ``EPOC_WIZARD_HOME``), the clock, and how to ask."""
    return Context(Store(), plain=plain, answers_path=answers, needs=needs)
