"""The error types a person may see.

Every failure that reaches the command line is one of these, carrying a sentence
that says what went wrong and what to do. The command layer prints the sentence
and exits with the code; nothing else ever reaches the terminal as a traceback.
"""

from __future__ import annotations


class WizardError(Exception):
    """A problem explained in plain words, with the exit code to use."""

    exit_code = 1

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(WizardError):
    """The command was called with words it cannot use (exit code 2, like other CLIs)."""

    exit_code = 2


class FlowError(WizardError):
    """One or more problems in a flow file, each as ``file:line: what is wrong``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class StateError(WizardError):
    """The state file cannot be read or written; the message says how to recover."""


class JourneyChanged(StateError):
    """A journey was changed on disk by another session since this one read it."""

    def __init__(self, message: str, journey_id: str, deleted: bool) -> None:
        super().__init__(message)
        self.journey_id = journey_id
        self.deleted = deleted


class Interrupted(Exception):
    """The person pressed Ctrl-C or Ctrl-D at a prompt."""
