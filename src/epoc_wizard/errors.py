"""The error types a person may see, and the exit codes they end in.

Every failure that reaches the command line is one of these. Each carries its problem
and, where there is one, its remedy as separate fields, so a caller that needs only
the problem (``doctor`` listing what is wrong, ``doctor --repair`` saying what it
undid) takes the field instead of cutting a sentence apart. They become one sentence
only at the edge (``message``, printed by ``cli/guard.py``).
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Every exit code the program uses (listed in the README)."""

    OK = 0
    #: A problem explained in words: a refused value, a damaged state file, a failed check.
    ERROR = 1
    #: The command line itself is wrong (an unknown option, a bad --facility), as in other CLIs.
    USAGE = 2
    #: Something unexpected inside the program; progress is safe (BSD's EX_SOFTWARE).
    INTERNAL = 70
    #: Stopped with Ctrl-C or Ctrl-D (128 + SIGINT, as shells report it).
    INTERRUPTED = 130


class WizardError(Exception):
    """A problem explained in plain words, with what to do and the exit code to use."""

    exit_code: int = ExitStatus.ERROR

    def __init__(self, problem: str, remedy: str = "", *, exit_code: int | None = None) -> None:
        self.problem = problem
        self.remedy = remedy
        super().__init__(self.message)
        if exit_code is not None:
            self.exit_code = exit_code

    @property
    def message(self) -> str:
        """The whole sentence a person reads: the problem, then what to do."""
        return f"{self.problem} {self.remedy}" if self.remedy else self.problem


class UsageError(WizardError):
    """The command was called with words it cannot use (exit code 2, like other CLIs)."""

    exit_code = ExitStatus.USAGE


class FlowError(WizardError):
    """One or more problems in a flow file, each as ``file:line: what is wrong``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class StateError(WizardError):
    """The state file cannot be read or written; ``remedy`` says how to recover."""


class JourneyChanged(StateError):
    """A journey was changed on disk by another session since this one read it."""

    def __init__(self, message: str, journey_id: str, deleted: bool) -> None:
        super().__init__(message)
        self.journey_id = journey_id
        self.deleted = deleted


class Interrupted(Exception):
    """The person pressed Ctrl-C or Ctrl-D at a prompt."""
