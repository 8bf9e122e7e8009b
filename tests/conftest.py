"""Shared fixtures: every test gets its own state folder and home, never the real ones.

Three ways to run the wizard, fastest first:

* ``context``: build the ``Context`` a command takes (a ``Store`` on the test's state
  folder, a fixed clock, the bundled flows loaded once, a ``Scripted`` asker, a ``View``
  on a captured console) and call the command's function directly. Most behaviour
  tests do this; nothing is read from environment variables.
* ``wizard``: the whole command line in-process (``entry.main`` with ``sys.argv``
  patched), for what is about parsing, exit codes and messages on stderr.
* ``run_wizard`` / ``terminal.spawn``: the installed program in a new process, for the
  few tests whose point is a real process or a real terminal.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

BIN = Path(sys.executable).parent
FIXED_NOW = "2026-11-23T09:00:00-05:00"  # a Monday, so business days are easy to read
#: A California hospice on the legacy ePOC flow: its CDPH steps have e-mails to send.
CA_HOSPICE = {
    "provider_type": "hospice",
    "facility_name": "Sunrise Hospice",
    "facility_id": "030000123",
    "state": "CA",
    "ccn": "551501",
    "access_scope": "individual",
    "has_cmsnet_id": True,
    "provider_number_type": "ccn",
    "registration_email": "admin@sunrise.example",
    "cmsnet_user_id": "SUNR01",
}
NOW = dt.datetime.fromisoformat(FIXED_NOW)
DATA = Path(__file__).parent / "data"
#: A Minnesota nursing home on the iQIES path for a plan of correction: the answers of
#: its first step (tests add their own).
LAKESIDE: dict[str, Any] = {
    "provider_type": "nursing_home",
    "task": "epoc",
    "facility_name": "Lakeside",
    "state": "MN",
    "ccn": "245001",
    "org_search_by": "ccn",
}


def iqies_answers(path: Path, done: list[str], **answers: Any) -> Path:
    """An answers file for Lakeside on the iQIES path, with these steps done."""
    import yaml

    data = {"flow": "iqies", "answers": {**LAKESIDE, **answers}, "done": done}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def assert_cited_as_registered(cites: dict[str, str]) -> None:
    """Each ``id: label`` a module cites is in flows/sources.yaml, and its label shows the
    registry's date (or says it is undated)."""
    import yaml

    registry = Path(__file__).parent.parent / "flows" / "sources.yaml"
    docs = {d["id"]: d for d in yaml.safe_load(registry.read_text(encoding="utf-8"))["sources"]}
    for doc_id, label in cites.items():
        assert doc_id in docs, doc_id
        date = docs[doc_id].get("date")
        if date:
            assert f"{date.day} {date:%B} {date.year}" in label, (doc_id, label)
        else:
            assert "undated" in label or "about" in label, (doc_id, label)


def wizard_path() -> str:
    found = shutil.which("epoc-wizard", path=str(BIN)) or shutil.which("epoc-wizard")
    if not found:
        pytest.fail("epoc-wizard is not installed; run the README's test command")
    return found


_WORLD: list[Path] = []


def pytest_configure(config: pytest.Config) -> None:
    """For the whole run, collection included: a private home, config and cache, a known
    terminal, and none of the person's EPOC_WIZARD_* settings, even for tests (and
    module-level code) that ask for no fixture."""
    base = Path(tempfile.mkdtemp(prefix="epoc-wizard-tests-"))
    _WORLD.append(base)
    for name in [n for n in os.environ if n.startswith("EPOC_WIZARD_")]:
        del os.environ[name]
    os.environ.pop("NO_COLOR", None)
    os.environ.update(
        {
            "HOME": str(base / "home"),
            "XDG_CONFIG_HOME": str(base / "home" / ".config"),
            "XDG_CACHE_HOME": str(base / "home" / ".cache"),
            "XDG_STATE_HOME": str(base / "home" / ".local" / "state"),
            "EPOC_WIZARD_CACHE": str(base / "cache" / "flows.json"),
            "TERM": "xterm-256color",
            "COLUMNS": "110",
            "LINES": "50",
            "PYDANTIC_DISABLE_PLUGINS": "__all__",  # entry.main sets it anyway
        }
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    while _WORLD:
        shutil.rmtree(_WORLD.pop(), ignore_errors=True)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private state folder, also set for the test process itself."""
    state = tmp_path / "state"
    monkeypatch.setenv("EPOC_WIZARD_HOME", str(state))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    monkeypatch.setenv("EPOC_WIZARD_NOW", FIXED_NOW)
    monkeypatch.setenv("EPOC_WIZARD_CACHE", str(tmp_path / "cache" / "flows.json"))
    yield state


# --- in-process: the context --------------------------------------------------------------


@pytest.fixture(scope="session")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The bundled flows, loaded once per worker (with the parse cache kept private)."""
    from epoc_wizard.flowspec.catalog import bundled_dir, load_catalog

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EPOC_WIZARD_CACHE", str(tmp_path_factory.mktemp("cache") / "flows.json"))
        return load_catalog([bundled_dir()])


def shown(ctx: Any) -> str:
    """Everything the context's view printed so far."""
    file = ctx.view.console.file
    assert isinstance(file, io.StringIO), "not a test context"
    return file.getvalue()


@pytest.fixture
def context(home: Path, bundled: Any) -> Callable[..., Any]:
    """Make a ``Context`` on the test's state folder: a fixed clock, the bundled flows,
    output to a captured console (read it with ``shown(ctx)``; ``real_view`` prints to
    stdout as the program does), and answers from a file (a path, or the file's content
    as a dict) or any ``asker`` (``Person``). Each context has its own ``Store``, like a
    separate window."""
    from rich.console import Console

    from epoc_wizard.app.context import Context
    from epoc_wizard.state.store import Store
    from epoc_wizard.ui.scripted import AnswersFile, Scripted, read_answers_file
    from epoc_wizard.ui.show import View

    def make(
        answers: Path | str | dict[str, Any] | None = None,
        *,
        asker: Any = None,
        plain: bool = False,
        now: dt.datetime = NOW,
        catalog: Any = None,
        real_view: bool = False,
    ) -> Context:
        file = None
        if isinstance(answers, Path | str):
            file = read_answers_file(Path(answers))
        elif isinstance(answers, dict):
            file = AnswersFile(answers, "answers.yaml")
        if file is not None and asker is None:
            asker = Scripted(file)
        console = Console(
            file=io.StringIO(), width=110, no_color=plain, highlight=False, emoji=False,
            soft_wrap=plain,
        )  # fmt: skip
        flows = catalog if catalog is not None else bundled
        return Context(
            Store(home),
            now=lambda: now,
            plain=plain,
            asker=asker,
            answers=file,
            load_catalog=lambda: flows,
            _view=None if real_view else View(plain=plain, console=console),
        )

    return make


#: A reply that stops, as Ctrl-C or Ctrl-D at the prompt does.
STOP = object()


@dataclass(frozen=True)
class Pick:
    """A reply by position: the n-th entry (0-based) of the menu, as ``terminal.pick``."""

    index: int


class Person:
    """An ``Asker`` that replies like a person at the keyboard, from a list.

    Each reply answers the next prompt: a question, a choice, a yes/no, or the step menu
    (by its value, or by position with ``Pick``). Enter, ``""``, takes a text question's
    offered default; ``STOP`` is Ctrl-C; a callable is called with the prompt first (to
    do something in another window) and returns the reply. A refused answer is kept in
    ``refused`` and the question is asked again, as at the keyboard; ``asked`` lists the
    prompts in order (question ids, messages, and ``menu:STEP`` for step menus).
    """

    def __init__(self, *replies: Any) -> None:
        self.replies = list(replies)
        self.asked: list[str] = []
        self.refused: list[str] = []

    def _reply(self, prompt: str) -> Any:
        from epoc_wizard.errors import Interrupted

        self.asked.append(prompt)
        assert self.replies, f"no reply left for {prompt!r}"
        reply = self.replies.pop(0)
        if callable(reply):
            reply = reply(prompt)
        if reply is STOP:
            raise Interrupted()
        return reply

    def ask(self, question: Any, validate: Callable[[Any], Any]) -> Any:
        while True:
            reply = self._reply(question.id)
            if isinstance(reply, Pick):
                reply = question.options[reply.index].value
            if reply == "" and isinstance(question.default, str):
                reply = question.default  # Enter takes what is offered, as at the keyboard
            result = validate(reply)
            if result.ok:
                return result.value
            self.refused.append(result.message)

    def action(self, step: Any, *, waiting: bool, can_go_back: bool) -> Any:
        from epoc_wizard.ui import action_choices

        return self.choose(
            f"menu:{step.id}", action_choices(step, waiting=waiting, can_go_back=can_go_back)
        )

    def choose(self, message: str, choices: list[tuple[str, str]]) -> str:
        picked = self._reply(message)
        if isinstance(picked, Pick):
            picked = choices[picked.index][0]
        assert picked in [value for value, _ in choices], (message, picked, choices)
        return str(picked)

    def confirm(self, message: str, *, default: bool = False) -> bool:
        return bool(self._reply(message))


# --- in-process: the command line ---------------------------------------------------------


@dataclass
class Ran:
    """What a command did: the same fields as ``subprocess.CompletedProcess``."""

    returncode: int
    stdout: str
    stderr: str


def run_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """Run the command in-process, as the installed script does; (exit code, out, err)."""
    from epoc_wizard.cli.entry import main

    capsys.readouterr()  # only this command's output
    monkeypatch.setattr(sys, "argv", ["epoc-wizard", *args])
    code: object = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return int(code or 0), out, err  # type: ignore[call-overload]


#: The ``wizard`` fixture's type: ``wizard(*args, input="", **env) -> Ran``.
Wizard = Callable[..., Ran]


@pytest.fixture
def wizard(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Wizard:
    """``wizard(*args, input=None, **env)``: the command line in-process, with stdin a
    pipe (not a terminal, like the installed command run by a script) and ``env`` set for
    this one command."""

    def run(*args: str, input: str = "", **env: str) -> Ran:
        with monkeypatch.context() as mp:
            for name, value in env.items():
                mp.setenv(name, value)
            mp.setattr(sys, "stdin", io.StringIO(input))
            return Ran(*run_main(mp, capsys, *args))

    return run


# --- a new process ------------------------------------------------------------------------


def wizard_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EPOC_WIZARD")}
    env.update(
        {
            "EPOC_WIZARD_HOME": str(home),
            "HOME": str(home.parent / "home"),
            "XDG_CONFIG_HOME": str(home.parent / "home" / ".config"),
            "EPOC_WIZARD_NOW": FIXED_NOW,
            "EPOC_WIZARD_CACHE": str(home.parent / "cache" / "flows.json"),
            "TERM": "xterm-256color",
            "COLUMNS": "110",
            "LINES": "50",
            "PYTHONWARNINGS": "ignore",
            # pexpect does not answer cursor-position requests; without this prompt_toolkit
            # waits a second for the answer after every prompt.
            "PROMPT_TOOLKIT_NO_CPR": "1",
        }
    )
    env.pop("NO_COLOR", None)
    env.update(extra)
    return env


def run_wizard(
    home: Path, *args: str, input: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run the installed command without a terminal (stdin is a pipe or /dev/null)."""
    return subprocess.run(
        [wizard_path(), *args],
        capture_output=True,
        text=True,
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
        env=wizard_env(home, **env),
        timeout=60,
    )
