"""Questions at the keyboard, with questionary: the one place a Question becomes a prompt.

questionary's ``unsafe_ask`` lets Ctrl-C (KeyboardInterrupt) and Ctrl-D (EOFError)
through; both become ``Interrupted`` so the session can save and exit with 130.
Text prompts stop on Ctrl-D at an empty line, like a shell (with text typed, Ctrl-D
deletes forward); questionary's menus ignore Ctrl-D, so ``_run`` binds it there.

What a prompt looks like (issue 15): the question is broken between words to fit the
screen, with its key hint whole at the end; a question's help is on its own lines
under it, wrapped to the screen as it is now; a choice too long for a line goes on
under itself. Once answered, the prompt is erased and one line says the question and
the answer (``_answered``), wrapped the same way: questionary's own would end a checkbox
with "done" and break words at the edge. A yes/no question takes y or n and then Enter
(so an Enter typed after ``n`` cannot fall through to the next question), shows the
default in words ("Enter = No"), and with no default takes no Enter without a letter.
Every text shown passes ``words.printable`` (``ui.wrap`` does it).

Start-up: questionary is loaded, and each question built and asked, with Python's
cyclic garbage collector paused (``flowspec.load.collector_paused``): prompt_toolkit
makes a few thousand key bindings for every prompt, all of which stay alive while it
is asked, and the collector would otherwise walk them, with everything else the
program holds, several times before the question is on the screen. Once questionary
is loaded, what the program holds is frozen (``gc.freeze``), so later collections skip
the libraries' objects.
"""

from __future__ import annotations

import gc
import shutil
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from epoc_wizard.errors import Interrupted
from epoc_wizard.flowspec.load import collector_paused
from epoc_wizard.flowspec.model import Question, Step
from epoc_wizard.ui import Action, Validator, ask_action, wrap
from epoc_wizard.words import printable

if TYPE_CHECKING:
    from epoc_wizard.core.answers import Checked

with collector_paused():
    import questionary
    from prompt_toolkit.styles import Style

    # What is loaded by now (pydantic, the models, questionary, prompt_toolkit) lives
    # as long as the program: the collector need never walk it again.
    gc.freeze()

_STYLE = Style(
    [
        ("qmark", "fg:ansicyan bold"),
        ("question", "bold"),
        ("answer", "fg:ansigreen bold"),
        ("pointer", "fg:ansicyan bold"),
        ("highlighted", "fg:ansicyan bold"),
        ("instruction", ""),
        ("help", ""),
    ]
)

#: Where a question's text starts: after questionary's "? ".
_MARK = 2
#: Where a choice's label starts: after the pointer (" » "); a checkbox adds "● ".
_POINTER = 3
_TICK = 2
#: What the answered line shows for a secret.
_HIDDEN = "********"
SELECT_HINT = "(Use arrow keys)"
CHECKBOX_HINT = "(Space to tick, Enter when done)"


def _columns() -> int:
    """The width to fit lines to: one column short of the screen, so that nothing
    reaches the last column (where terminals wrap or not as they please)."""
    return max(20, shutil.get_terminal_size().columns - 1)


def yes_no_hint(default: bool | None) -> str:
    """The key hint of a yes/no question, with the default in words."""
    if default is None:
        return "(y/n)"
    return "(Y/n, Enter = Yes)" if default else "(y/N, Enter = No)"


def _fold(message: str, hint: str = "") -> tuple[str, str]:
    """A question as questionary takes it, broken between words to fit the screen: the
    text (continued lines indented under it) and the key hint, which stays whole at the
    end of the last line, or starts a line of its own after a question that lists
    things under it or has no room (the text then ends with the line break and one
    space, as questionary puts a space between text and hint)."""
    width = _columns() - _MARK
    if len(hint) > width:  # a screen too narrow for it: its words go on like the text's
        message, hint = f"{message} {hint}", ""
    lines = wrap(message, width)
    if hint and (len(lines[-1]) + 1 + len(hint) > width or "\n" in message):
        lines.append("")
    text = ("\n" + " " * _MARK).join(lines)
    return (text[:-1] if hint and not lines[-1] else text), printable(hint)


def _answered(message: str, answer: str | None) -> None:
    """The line left on the screen for a question: the question (its first line, for a
    question that lists things under it) and the answer, broken between words."""
    from prompt_toolkit import print_formatted_text
    from prompt_toolkit.formatted_text import FormattedText

    question = message.split("\n")[0]
    parts = [("class:qmark", "?"), ("class:question", question)]
    if answer is not None:
        parts.append(("class:answer", answer))
    width = _columns()
    tokens: list[tuple[str, str]] = []
    col = 0
    for style, text in parts:
        for word in printable(text).split():
            if col and col + 1 + len(word) > width:
                tokens.append(("", "\n" + " " * _MARK))
                col = _MARK
            elif col:
                tokens.append(("", " "))
                col += 1
            tokens.append((style, word))
            col += len(word)
    print_formatted_text(FormattedText(tokens), style=_STYLE)


def _run(prompt: Any, message: str, shown: Callable[[Any], str], *, text: bool = False) -> Any:
    """Ask ``prompt``; leave the question and the answer (``shown``) on the screen."""
    app = prompt.application
    if not text:
        _stop_on_ctrl_d(app)
    app.erase_when_done = True
    try:
        answer = prompt.unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        _answered(message, None)
        raise Interrupted() from None
    if answer is None:  # questionary returns None when the prompt is cancelled
        _answered(message, None)
        raise Interrupted()
    _answered(message, shown(answer))
    return answer


def _with_help(prompt: Any, help: str) -> Any:
    """Put ``help`` on its own lines under the question (above a menu's choices), wrapped
    between words to the screen's width when it is drawn."""
    if not help.strip():
        return prompt
    from prompt_toolkit.application.current import get_app
    from prompt_toolkit.filters import is_done
    from prompt_toolkit.formatted_text import FormattedText
    from prompt_toolkit.layout import ConditionalContainer, FormattedTextControl, HSplit, Window

    def lines() -> FormattedText:
        width = get_app().output.get_size().columns - 1
        return FormattedText([("class:help", "\n".join(wrap(help, width, " " * _MARK)))])

    container = prompt.application.layout.container
    assert isinstance(container, HSplit)  # questionary's prompts and menus both are
    container.children.insert(
        1,
        ConditionalContainer(
            Window(FormattedTextControl(lines), dont_extend_height=True), filter=~is_done
        ),
    )
    return prompt


def _choices(
    pairs: list[tuple[str, str]], indent: int, ticked: list[str] | None = None
) -> list[Any]:
    """Menu entries, each label broken between words to fit the screen, its further
    lines two columns in (so that they cannot be taken for the next entry)."""
    import textwrap

    def fold(label: str) -> str:
        lines = textwrap.wrap(
            printable(label),
            max(20, _columns() - indent),
            subsequent_indent="  ",
            break_long_words=False,
            break_on_hyphens=False,
        )
        return ("\n" + " " * indent).join(lines)

    return [
        questionary.Choice(
            fold(label),
            value=value,
            checked=ticked is not None and value in ticked,
        )
        for value, label in pairs
    ]


def _say(message: str) -> None:
    print("\n".join(wrap(message, _columns(), "  ")))


def _secret(raw: Any) -> bool:
    from epoc_wizard.checks import looks_like_secret  # after the first question: start-up

    return isinstance(raw, str) and bool(looks_like_secret(raw))


def _check_on_enter(
    app: Any, validate: Validator, checked: list[Checked], *, clear_all: bool
) -> None:
    """Check the answer when Enter is pressed, before the prompt accepts it.

    An accepted answer ends the prompt as usual (its result is put in ``checked``). A
    refused one leaves the prompt running: the line is cleared if it holds a secret,
    then the sentence is printed above the prompt, which prompt_toolkit erases and
    draws again below it, so a refused secret is gone from the screen.
    """
    from prompt_toolkit.application import run_in_terminal
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    extra = KeyBindings()

    @extra.add("enter", eager=True)
    @extra.add("escape", "enter", eager=True)
    def _enter(event: Any) -> None:
        buffer = event.current_buffer
        result = validate(buffer.text)
        if result.ok:
            checked.append(result)
            buffer.validate_and_handle()
            return
        if clear_all or _secret(buffer.text):
            buffer.reset()
        run_in_terminal(lambda: _say(result.message))

    app.key_bindings = merge_key_bindings([app.key_bindings, extra]) if app.key_bindings else extra


def _stop_on_ctrl_d(app: Any) -> None:
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    extra = KeyBindings()

    @extra.add("c-d", eager=True)
    def _eof(event: Any) -> None:
        event.app.exit(exception=EOFError, style="class:aborting")

    app.key_bindings = merge_key_bindings([app.key_bindings, extra]) if app.key_bindings else extra


def _yes_no(message: str, default: bool | None, help: str = "") -> bool:
    """A yes/no question: y or n, then Enter. Enter alone takes the default, which the
    hint states in words; with no default it says to type y or n, and records nothing."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.application import run_in_terminal
    from prompt_toolkit.formatted_text import FormattedText
    from prompt_toolkit.key_binding import KeyBindings
    from questionary.question import Question as Asked
    from questionary.styles import merge_styles_default

    text, hint = _fold(message, yes_no_hint(default))
    picked: list[bool] = []  # the letter typed, if any

    def tokens() -> FormattedText:
        out = [("class:qmark", "?"), ("class:question", f" {text} "), ("class:instruction", hint)]
        if picked:
            out.append(("class:answer", " Yes" if picked[-1] else " No"))
        return FormattedText(out)

    keys = KeyBindings()

    @keys.add("c-c", eager=True)
    @keys.add("c-q", eager=True)
    def _stop(event: Any) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    for key, value in (("y", True), ("Y", True), ("n", False), ("N", False)):

        @keys.add(key)
        def _letter(event: Any, value: bool = value) -> None:
            picked[:] = [value]

    @keys.add("c-h")
    @keys.add("backspace")
    def _clear(event: Any) -> None:
        picked.clear()

    @keys.add("enter", eager=True)
    def _enter(event: Any) -> None:
        if picked:
            event.app.exit(result=picked[-1])
        elif default is not None:
            event.app.exit(result=default)
        else:
            run_in_terminal(lambda: _say("Type y for Yes or n for No, then press Enter."))

    @keys.add("<any>")
    def _other(event: Any) -> None:
        """Nothing else is typed in."""

    session: Any = PromptSession(tokens, key_bindings=keys, style=merge_styles_default([_STYLE]))
    prompt = _with_help(Asked(session.app), help)
    return bool(_run(prompt, message, lambda v: "Yes" if v else "No"))


def _select(
    message: str, pairs: list[tuple[str, str]], help: str = "", default: str | None = None
) -> str:
    text, hint = _fold(message, SELECT_HINT)
    labels = dict(pairs)
    prompt = questionary.select(
        text,
        choices=_choices(pairs, _POINTER),
        style=_STYLE,
        instruction=hint,
        default=default if default in labels else None,
    )
    return str(_run(_with_help(prompt, help), message, lambda v: labels[v]))


class Prompter:
    def ask(self, question: Question, validate: Validator) -> Any:
        with collector_paused():
            return self._ask(question, validate)

    def _ask(self, question: Question, validate: Validator) -> Any:
        kind = question.kind
        message = question.prompt
        help = question.help
        default: Any = question.default  # a saved answer, offered again, may be a list
        if kind == "confirm":
            return _yes_no(message, default if isinstance(default, bool) else None, help)
        if kind in ("select", "checkbox"):
            assert question.options is not None
            pairs = [(o.value, o.label) for o in question.options]
            if kind == "select":
                return _select(message, pairs, help, default if isinstance(default, str) else None)

            def at_least_one(picked: list[str]) -> bool | str:
                return (
                    bool(picked)
                    or not question.required
                    or "Pick at least one with the space bar, then press Enter."
                )

            labels = dict(pairs)
            text, hint = _fold(message, CHECKBOX_HINT)
            prompt = questionary.checkbox(
                text,
                choices=_choices(
                    pairs, _POINTER + _TICK, default if isinstance(default, list) else []
                ),
                style=_STYLE,
                validate=at_least_one,
                instruction=hint,
            )
            value = _run(
                _with_help(prompt, help),
                message,
                lambda v: ", ".join(labels[x] for x in v) if v else "None of these",
            )
            return list(value)

        # Each answer is checked when Enter is pressed, inside the prompt: a refused
        # answer's sentence is printed in full above the prompt (questionary's own
        # validation line is one screen line long and would cut off the part that says
        # how to fix it), and the prompt stays, with what was typed in it so that it can
        # be corrected; a refused secret (or anything that looks like one) is cleared
        # from the line first, so it is never shown again, not even as an answered line.
        text, _ = _fold(message)
        typed = default if isinstance(default, str) else ""
        while True:
            if question.secret:
                prompt = questionary.password(text, style=_STYLE)
            else:
                prompt = questionary.text(text, default=typed, style=_STYLE)
            checked: list[Checked] = []
            _check_on_enter(prompt.application, validate, checked, clear_all=question.secret)
            raw = _run(
                _with_help(prompt, help),
                message,
                lambda v: _HIDDEN if question.secret else str(v).strip() or "(none)",
                text=True,
            )
            result = checked[-1] if checked else validate(raw)
            if result.ok:
                return result.value
            # Only if the prompt ended some other way: say why, and never offer a secret.
            _say(result.message)
            typed = "" if question.secret or _secret(raw) else raw

    def action(self, step: Step, *, waiting: bool, can_go_back: bool) -> Action:
        return ask_action(self, step, waiting=waiting, can_go_back=can_go_back)

    def choose(self, message: str, choices: list[tuple[str, str]]) -> str:
        with collector_paused():
            return _select(message, choices)

    def confirm(self, message: str, *, default: bool = False) -> bool:
        with collector_paused():
            return _yes_no(message, default)
