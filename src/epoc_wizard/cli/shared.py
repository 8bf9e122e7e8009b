"""What the command modules share: the options several commands take, and ``out``.

Each option is declared once, here, so that ``--facility`` or ``--answers`` reads the
same under every command that takes it (``app.py``, ``roster.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from epoc_wizard.words import fitted, printable

AnswersOpt = Annotated[
    Path | None,
    typer.Option(
        "--answers", help="Answer from a YAML or JSON file instead of the keyboard.", dir_okay=False
    ),
]
FacilityOpt = Annotated[
    str | None,
    typer.Option("--facility", help="The facility's CCN (6 characters), to keep facilities apart."),
]
PlainOpt = Annotated[
    bool,
    typer.Option(
        "--plain", help="Numbered choices and no colour, for screen readers (also NO_COLOR)."
    ),
]
QuietOpt = Annotated[
    bool,
    typer.Option(
        "--quiet",
        help="With --answers: print one line per journey (per facility in a batch) "
        "instead of every step.",
    ),
]


def out(text: str, *, wrap: bool = True) -> None:
    """Print ``text`` (lines and tabs kept) with every control character shown visibly,
    each line broken between words to the terminal's width (``words.fitted``: never
    inside a word or at a hyphen; piped, unchanged). ``wrap=False`` for what is a format
    of its own (JSON, Markdown, HTML), printed as it is even in a terminal."""
    text = printable(text, lines=True)
    print(fitted(text) if wrap else text)
