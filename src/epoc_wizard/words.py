"""Small helpers for the sentences the wizard prints; ``printable``, the one sanitizer
every printed or exported text goes through (issue 12); and ``wrapped``/``fitted``, the
one way plain text is broken into lines that fit the terminal."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sys
from typing import IO, Any

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def plural(n: int, one: str, many: str) -> str:
    """``1 step``, ``2 steps``."""
    return f"{n} {one if n == 1 else many}"


def shown(value: Any) -> str:
    """An answer as a person reads it: yes/no, a list joined by commas, (none)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "(none)"
    return str(value) if value not in (None, "") else "(none)"


def late_advice(
    late: str | None,
    contact: str | None,
    phone: str | None,
    *,
    other_phones: list[str] | tuple[str, ...] = (),
    desk: str = "",
) -> str:
    """What to do about an overdue wait: the flow's advice, then who to call: the desk's
    number, its ``other_phones`` (numbers other dated sources give, until one is
    confirmed) and ``desk``, a sentence on whether it is open now (``flowspec/deskhours.py``)."""
    who = ""
    if contact:
        who = f" Then call {contact}" + (f" at {phone}" if phone else "")
        if other_phones:
            who += f" (if that does not get through: {' or '.join(other_phones)})"
        who += "."
    advice = f"{(late or '').strip()}{who}".strip()
    return f"{advice} {desk.strip()}".strip() if desk.strip() and contact else advice


def day(date: dt.date) -> str:
    """A date with its weekday, whatever the locale: ``Fri 11 December 2026``."""
    return f"{('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')[date.weekday()]} {long_date(date)}"


def long_date(date: dt.date) -> str:
    """A date as people read it, whatever the locale: ``14 July 2025``."""
    return f"{date.day} {_MONTHS[date.month - 1]} {date.year}"


#: Characters never printed as they are: C0 controls (ESC, BEL, CR, ...) but line feed
#: and tab, DEL, C1 controls, and every format character of Unicode (bidi marks,
#: overrides and isolates, zero-width space and joiners, the byte order mark, the soft
#: hyphen, tag characters, ...), line and paragraph separators, and lone surrogates
#: (what Python makes of bytes that are not UTF-8 on the command line). Public for outputs
#: with escapes of their own (``status --json``); everything else calls ``printable``.
HIDDEN = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891"
    r"\u08e2\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ud800-\udfff\ufeff"
    r"\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    r"\U0001d173-\U0001d17a\U000e0000-\U000e007f]"
)
#: Line breaks: CR LF, LF, and Unicode's line and paragraph separators.
_BREAK = re.compile(r"\r\n|[\n\u2028\u2029]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str, *, lines: bool = False) -> str:
    """``text`` safe to print to a terminal or put in an output (issue 12).

    Nothing in it can move the cursor, clear the screen, ring the bell, write the
    clipboard, make a link, reorder or hide text, or fail to encode: each such character
    is shown as its escape (ESC as ``\\x1b``, a right-to-left override as ``\\u202e``, a
    stray byte ``0xe9`` from the command line as ``\\udce9``), so what was hidden in a
    value is seen, not obeyed. With ``lines``, line breaks (CR LF too) become ``\\n``
    and tabs stay; without, each line break or tab becomes a space, for text that must
    stay on one line (a title, a row, a table cell). A bare CR is always shown as
    ``\\x0d``. Printable ASCII is returned unchanged, and so is the result:
    ``printable(printable(t)) == printable(t)``. Standard library only (``status``).
    """
    if text.isascii() and text.isprintable():
        return text
    text = _BREAK.sub("\n" if lines else " ", text)
    if not lines:
        text = text.replace("\t", " ")
    return HIDDEN.sub(_visible, text)


#: A numbered item's number, whose further lines go under its text.
_NUMBERED = re.compile(r"\d{1,2}[.)] +(?=\S)")


def wrapped(text: str, width: int | None, *, indent: str = "", hang: str | None = None) -> str:
    """``text`` with each line longer than ``width`` broken between words; ``None``
    returns it unchanged.

    A line's further lines keep its indentation plus two spaces, or go under the text
    of a numbered item (``  1. ...``). A line without indentation starts with ``indent``
    and its further lines with ``hang`` (``indent`` and two spaces if omitted): a
    prompt's help under its question, a report's text under its label (``PROBLEM  ...``).
    A line is never
    broken inside a word or at a hyphen: a phone number (1-888-477-7876), an option
    (``--output``), a CCN, a command or a web address longer than a line stays whole, and
    the terminal shows it on as many rows as it needs. Blank lines and lines that fit are
    left as they are. Standard library only (``status``)."""
    if width is None:
        return text
    out: list[str] = []
    for line in text.split("\n"):
        body = line.lstrip(" ")
        if not body.strip():
            out.append(line)
            continue
        lead = line[: len(line) - len(body)]
        first = lead or indent
        numbered = _NUMBERED.match(body)
        further = first + " " * (len(numbered.group()) if numbered else 2)
        if hang is not None and not lead:
            further = hang
        if len((first + body).expandtabs()) <= width:
            out.append(first + body)
            continue
        import textwrap

        out += textwrap.wrap(
            body,
            max(width, len(further) + 10),
            initial_indent=first,
            subsequent_indent=further,
            break_long_words=False,
            break_on_hyphens=False,
        )
    return "\n".join(out)


def screen_width(stream: IO[str] | None = None) -> int | None:
    """The terminal's width in columns when ``stream`` (standard output if omitted) is a
    terminal; ``None`` when it is a pipe or a file, so that what scripts and ``grep`` read
    keeps each line whole. ``COLUMNS`` wins, as for every program."""
    stream = sys.stdout if stream is None else stream
    try:
        if not stream.isatty():
            return None
        columns = shutil.get_terminal_size((0, 0)).columns
        return columns or os.get_terminal_size(stream.fileno()).columns or None
    except (AttributeError, ValueError, OSError):
        return None


def fitted(text: str, stream: IO[str] | None = None) -> str:
    """``text`` as it is printed on ``stream`` (standard output if omitted): wrapped to
    the terminal's width (``wrapped``) when it is one, unchanged when piped."""
    return wrapped(text, screen_width(stream))
