"""The keyboard prompts in-process, with what a terminal would show (for the secret tests).

``keyboard`` runs every questionary prompt started inside it on a pipe for input and a
VT100 output into a ``Screen``; printed lines (the refusal sentences) go to the same
screen, as in a real terminal. The keys are typed in chunks, one chunk each time the
prompt has been drawn, so the screen passes through every state a person would see.

``Screen`` understands what prompt_toolkit and ``print`` send: text, CR and LF, cursor
moves (up, down, left, right), erasing to the end of the line or the screen, and ignores
colours and terminal modes. Every line stays (no scrolling off), so ``text`` is the
whole scrollback: anything on it was on the screen at the end.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

_CSI = re.compile(r"\x1b\[([?0-9;]*)([A-Za-z@])|\x1b[=>]|([\r\n\b])")
WIDTH = 80


class Screen(io.StringIO):
    """A terminal of ``width`` columns with unlimited rows; written to like a file."""

    def __init__(self, width: int = WIDTH) -> None:
        super().__init__()
        self.width = width
        self.raw: list[str] = []  # everything written, as written
        self.rows: list[list[str]] = [[]]
        self.row = 0
        self.col = 0

    def isatty(self) -> bool:
        return True

    def write(self, data: str) -> int:
        self.raw.append(data)
        pos = 0
        for match in _CSI.finditer(data):
            self._text(data[pos : match.start()])
            pos = match.end()
            args, command, control = match.groups()
            if control:
                self._control(control)
            elif command:
                self._command(args, command)
        self._text(data[pos:])
        return len(data)

    def _text(self, text: str) -> None:
        for char in text:
            if char < " " and char != "\t":
                continue
            line = self._line()
            line.extend(" " * (self.col - len(line) + 1))
            line[self.col] = char
            self.col = min(self.col + 1, self.width - 1)

    def _line(self) -> list[str]:
        while len(self.rows) <= self.row:
            self.rows.append([])
        return self.rows[self.row]

    def _control(self, char: str) -> None:
        if char == "\r":
            self.col = 0
        elif char == "\n":  # the terminal turns LF into CR LF (onlcr), as for print
            self.row += 1
            self.col = 0
        else:
            self.col = max(0, self.col - 1)

    def _command(self, args: str, command: str) -> None:
        if args.startswith("?"):
            return  # modes: cursor shown, bracketed paste, autowrap
        n = int(args.split(";")[0] or 1) if command in "ABCD" else 0
        if command == "A":
            self.row = max(0, self.row - n)
        elif command == "B":
            self.row += n
        elif command == "C":
            self.col = min(self.width - 1, self.col + n)
        elif command == "D":
            self.col = max(0, self.col - n)
        elif command == "K":
            del self._line()[self.col :]
        elif command == "J":
            del self._line()[self.col :]
            del self.rows[self.row + 1 :]

    @property
    def text(self) -> str:
        return "\n".join("".join(row).rstrip() for row in self.rows)


@contextmanager
def keyboard(*chunks: str) -> Iterator[Screen]:
    """Type ``chunks`` into the questionary prompts asked inside, one per drawing, then
    Ctrl-C if a prompt is still waiting; the screen and printed lines are only patched
    in for the ``with`` block."""
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.data_structures import Size
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.vt100 import Vt100_Output
    from questionary import Question

    screen = Screen()
    pending = list(chunks)
    output = Vt100_Output(
        screen, lambda: Size(rows=24, columns=WIDTH), term="xterm", enable_cpr=False
    )
    real_ask = Question.unsafe_ask

    def ask(question: Question, *args: Any, **kwargs: Any) -> Any:
        stopped: list[bool] = []

        def next_chunk(_: Any) -> None:
            if pending:
                pipe.send_text(pending.pop(0))
            elif not stopped:  # nothing left to type: Ctrl-C, never a test waiting forever
                stopped.append(True)
                pipe.send_text(CTRL_C)

        question.application.after_render += next_chunk
        return real_ask(question, *args, **kwargs)

    with (
        pytest.MonkeyPatch.context() as mp,
        create_pipe_input() as pipe,
        create_app_session(input=pipe, output=output),
    ):
        mp.setattr(sys, "stdout", screen)
        mp.setattr(Question, "unsafe_ask", ask)
        mp.setattr(shutil, "get_terminal_size", lambda *a: os.terminal_size((WIDTH, 24)))
        yield screen
    assert not pending, f"not typed: {pending}"


PASTE = "\x1b[200~{}\x1b[201~"  # bracketed paste, as a terminal sends pasted text
ENTER = "\r"
CTRL_C = "\x03"
