"""What the person reads: the step panel, contacts, notices (rich).

In plain mode (``--plain``, ``NO_COLOR`` or ``TERM=dumb``) the same content is
printed as headed lines with no colour, boxes or animation, which a screen reader
follows top to bottom, broken between words to the width. URLs are always printed in
full, a step's links under its panel, each on a line of its own that the program never
breaks, so that a copied link is whole (issue 15); where the terminal supports it, web
addresses (``https:``, ``http:``, ``mailto:``) are also hyperlinks.

Everything shown is plain text, never rich markup: flow files, answers and the state
file may hold ``[link=...]`` or ``[/]``, which are shown as typed. No field of the flow
format is markup; the only formatting is the small Markdown of ``do`` (``markdown``
below), built into ``Text`` spans. And every text passes ``words.printable`` on the way
in, so no terminal control sequence, bidi override or zero-width character in it
reaches the terminal (issue 12).

Start-up: rich is loaded when something is first drawn with it, not with this module.
The first screen of ``start`` is one plain line above the first question, which
``info`` writes itself when rich would write exactly those characters (a line of
printable ASCII that fits the width rich would use), so that question appears
without waiting for rich.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from epoc_wizard.flowspec.conditions import fill_in
from epoc_wizard.flowspec.model import Contact, Flow, Step
from epoc_wizard.flowspec.outline import contact_lines, what_next
from epoc_wizard.words import late_advice, printable

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.text import Text

    from epoc_wizard.core.journey import Journey
    from epoc_wizard.outputs.drafts import Draft

_INLINE = re.compile(r"\*\*(.+?)\*\*|`([^`]+)`|(?<![\w*])\*([^*\s][^*]*?)\*(?!\w)")


_LIST_ITEM = re.compile(r"^\s*([-*]|\d+\.)\s")


_FENCE = re.compile(r"^\s*```")


def _paragraphs(text: str) -> list[tuple[str, bool]]:
    """Lines as Markdown reads them, each with whether it is verbatim: wrapped lines of a
    paragraph or item are joined; lines of a fenced block (text to copy) are kept as they
    are, without the fences."""
    out: list[tuple[str, bool]] = []
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif fenced:
            out.append((line, True))
        elif (
            out
            and not out[-1][1]
            and out[-1][0].strip()
            and line.strip()
            and not _LIST_ITEM.match(line)
        ):
            out[-1] = (out[-1][0].rstrip() + " " + line.strip(), False)
        else:
            out.append((line, False))
    return out


def markdown(text: str, *, plain: bool = False) -> Text:
    """The small Markdown of flow files (paragraphs, lists, **bold**, *italic*, `code`,
    and fenced blocks of text to copy, shown indented as they are).

    Flow texts use only these, and rendering them here keeps the markdown-it parser that
    rich.markdown needs out of start-up. In plain mode the marks are dropped. The text is
    never read as rich markup, and control characters are shown visibly (``printable``).
    """
    from rich.text import Text

    out = Text()
    for line, verbatim in _paragraphs(printable(text, lines=True)):
        if verbatim:
            out.append("    " + line.strip() + "\n", style="" if plain else "cyan")
            continue
        pos = 0
        for m in _INLINE.finditer(line):
            out.append(line[pos : m.start()])
            bold, code, italic = m.groups()
            style = "bold" if bold else "cyan" if code else "italic"
            out.append(bold or code or italic, style="" if plain else style)
            pos = m.end()
        out.append(line[pos:] + "\n")
    out.rstrip()
    return out


_PRINTABLE = re.compile(r"[ -~]*")

#: Where a link may take the person: web pages and e-mail, nothing on this computer.
_LINKABLE = re.compile(r"(https?|mailto):[!-~]+", re.IGNORECASE)


def _text(text: str, style: str = "") -> Text:
    """``text`` to show as it is (never markup), with line breaks kept and every control
    character shown visibly."""
    from rich.text import Text

    return Text(printable(text, lines=True), style=style)


def _desk(hours: dict[str, object] | None, now: dt.datetime) -> str:
    """Whether the desk to call is open now, when a source gives its hours."""
    if not hours:
        return ""
    from epoc_wizard.flowspec.deskhours import sentence

    return sentence(hours, now)


def _rich_width() -> int:
    """The width rich's Console takes for itself (``Console.size``) on this system."""
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns)
    width = 0
    for fd in (0, 1, 2):
        try:
            width = os.get_terminal_size(fd).columns
        except (AttributeError, ValueError, OSError):
            continue
        break
    return width or 80


class View:
    def __init__(self, *, plain: bool = False, console: Console | None = None) -> None:
        self.plain = plain
        self._console = console

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(
                no_color=self.plain, highlight=False, emoji=False, soft_wrap=self.plain
            )
        return self._console

    def _block(self, title: str, body: list[RenderableType], style: str = "cyan") -> None:
        from rich.console import Group
        from rich.panel import Panel
        from rich.text import Text

        heading = Text(printable(title))
        if self.plain:  # broken between words to the width, as in a panel
            self.console.print(Text("\n== ") + heading + Text(" =="), soft_wrap=False)
            for part in body:
                self.console.print(part, soft_wrap=False)
        else:
            if len(heading) + 6 > self.console.width:
                # A title too long for the border would be cut mid-word: the border keeps
                # what fits ("Step 3 of about 20"), the panel starts with the rest.
                head, colon, rest = heading.plain.partition(": ")
                short = bool(colon) and len(head) + 6 <= self.console.width
                body = [Text(rest if short else heading.plain, style="bold"), *body]
                heading = Text(head if short else "")
            spaced: list[RenderableType] = []
            for part in body:
                spaced += [part, Text("")]
            self.console.print(
                Panel(
                    Group(*spaced[:-1]),
                    title=heading,
                    title_align="left",
                    border_style=style,
                    expand=True,
                )
            )

    def _links(self, links: list[tuple[str, str]]) -> None:
        """A step's links, under its panel: each address on a line of its own and never
        broken by the program (the terminal wraps it, if it must, without a line
        break), so that it is copied whole; no panel border can cut into it."""
        from rich.style import Style
        from rich.text import Text

        self.console.print(Text("Links:"), soft_wrap=False)
        for title, url in links:
            self.console.print(_text(f"  {printable(title)}:"), soft_wrap=False)
            address = Text("    ")
            shown = printable(url)
            if self.plain:
                address.append(shown)
            elif _LINKABLE.fullmatch(url):
                address.append(shown, style=Style(link=url, underline=True))
            else:  # shown in full, but not a link: a flow may not point into this computer
                address.append(shown, style="underline")
            self.console.print(address, soft_wrap=True)

    def step(self, flow: Flow, journey: Journey, step: Step, now: dt.datetime) -> None:
        # not before the first question
        from epoc_wizard.core.engine import path_length, progress

        done, total = progress(flow, journey)
        body: list[RenderableType] = []
        body.append(
            markdown(fill_in(step.do.strip(), flow.wording(journey.answers)), plain=self.plain)
        )
        if step.screen:
            body.append(
                _text("On the screen: " + "  >  ".join(f'"{printable(w)}"' for w in step.screen))
            )
        contact = flow.contact_book.get(step.contact or "")
        if contact:
            # Name, phone and e-mail; the rest is one menu choice away ("who to call").
            short = [
                line
                for line in contact_lines(contact)
                if not line.lstrip().startswith(("Note:", "Mail:", "Hours:", "Web:"))
            ]
            body.append(_text("Help: " + "\n".join(short)))
        if step.note:
            body.append(_text(f"Note: {step.note.strip()}", style="" if self.plain else "yellow"))
        record = journey.record(step.id)
        if record.status == "waiting" and record.wait:
            from epoc_wizard.dates import describe_wait, is_overdue

            w = record.wait
            body.append(
                _text(
                    f"Waiting for {printable(w.wait_for)}: " + describe_wait(w.since, w.due, now),
                    style="" if self.plain else "bold",
                )
            )
            if is_overdue(w.due, now):
                body.append(
                    _text(
                        "This is overdue. "
                        + late_advice(
                            w.late,
                            w.contact,
                            w.phone,
                            other_phones=w.other_phones,
                            desk=_desk(w.open, now),
                        ),
                        style="" if self.plain else "bold red",
                    )
                )
        elif step.wait:
            body.append(_text(f"After this step you wait for {printable(step.wait.for_)}."))
        if step.estimate:
            e = step.estimate
            mine = (journey.deadline.estimates if journey.deadline else {}).get(step.id)
            days = (
                f"{mine} business days (your estimate)"
                if mine
                else (f"{e.business_days} business days (the wizard's estimate)")
            )
            body.append(_text(f"How long {e.for_} takes: about {days}. {e.why.strip()}"))
        body.append(_text(f"Source: {flow.cite_step(step)}", style="dim"))
        about = "" if path_length(flow, journey)[1] else "about "
        self._block(f"Step {min(done + 1, total)} of {about}{total}: {step.title}", body)
        if step.links:
            self._links([(link.title, link.url) for link in step.links])

    def contacts(self, contacts: list[Contact]) -> None:
        if not contacts:
            self.info("This flow names no help desk.")
            return
        self._block(
            "Who to contact",
            [_text("\n\n".join("\n".join(contact_lines(c)) for c in contacts))],
            style="green",
        )

    def draft(self, draft: Draft, saved: Path | None) -> None:
        lines = [
            f"To: {printable(draft.to)}",
            f"Subject: {printable(draft.subject)}",
            "",
            draft.body.rstrip(),
            "",
        ]
        if draft.missing:
            lines.append("Still to fill in: " + printable(", ".join(draft.missing)) + ".")
        if saved:
            lines.append(
                f"Saved as {printable(str(saved))} (open it in your mail program to send it)."
            )
        lines.append(f"Why: {printable(draft.why)}")
        self._block("E-mail to send", [_text("\n".join(lines))], style="magenta")

    def notice(self, title: str, text: str) -> None:
        self._block(title, [_text(text.strip())], style="yellow")

    def info(self, text: str) -> None:
        text = printable(text, lines=True)
        if (
            self._console is None
            and sys.platform != "win32"
            and _PRINTABLE.fullmatch(text)
            and len(text) <= min(_rich_width(), 80)
        ):
            # What rich would print for this line, without loading rich (see above).
            sys.stdout.write(text + "\n")
            sys.stdout.flush()
            return
        self.console.print(text, markup=False, soft_wrap=False)

    def finished(self, flow: Flow, journey: Journey) -> None:
        following = what_next(flow, journey.answers)  # the flow's own 'next' (issue 15)
        self._block(
            "All steps done",
            [
                _text(
                    f"You have finished '{printable(flow.title)}'"
                    + (f" for {printable(journey.facility)}" if journey.facility else "")
                    + ".\n"
                    "Run 'epoc-wizard status' to see all your journeys."
                ),
                *[_text(f"What comes next: {line}") for line in following],
            ],
            style="green",
        )
