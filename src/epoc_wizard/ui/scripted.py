"""Answers from a file, for scripts, corporate batches and tests.

The file (YAML or JSON) gives answers by question id and says which steps to mark::

    answers: {ccn: "056304", state: CA, zip: "95814"}
    done: [open_qtso, request_form]     # or: done: all
    waiting: [wait_for_emails]

Answers go through the same checks as at the keyboard. A step not listed is left
for later: the run saves and stops there, as a person choosing "later" would.

The file is read with the guards flow files have (``flowspec/guarded.py``): its size,
depth and number of values are capped, anchors, aliases and typed tags are refused, a
key given twice is an error with its line. Every value is text except yes/no and empty
ones: YAML would read an unquoted CCN ``056304`` as a number, and ``2025-02-30`` as a
date it cannot make. An error names keys, never more of the file than a short
printable excerpt of each (``start --answers /etc/shadow`` shows no password hash).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from epoc_wizard.core.answers import KEEP_IT
from epoc_wizard.errors import UsageError, WizardError
from epoc_wizard.flowspec.model import Question, Step
from epoc_wizard.ui import Action, Validator
from epoc_wizard.words import fitted, printable

#: The keys an answers file may have at the top.
KEYS = ("answers", "done", "waiting", "flow", "facility", "facilities")
#: The longest answer taken from a file, in characters (as long as any text of a flow).
MAX_ANSWER = 4000
#: How many unknown keys an error names.
NAMED = 5
_ID = re.compile(r"[a-z][a-z0-9_-]{0,59}")


class AnswersFile:
    """A checked answers file: only known keys at the top; every answer text, yes/no,
    empty, or a list of those (for checkbox questions), none longer than ``MAX_ANSWER``."""

    def __init__(self, data: dict[str, Any], name: str) -> None:
        self.name = name
        unknown = [k for k in data if k not in KEYS]
        if unknown:
            raise UsageError(
                f"{name}: unknown key(s) {_named(unknown)}; expected "
                "answers, done, waiting, flow, facility or facilities."
            )
        answers = data.get("answers", {})
        done = data.get("done", [])
        waiting = data.get("waiting", [])
        _check_answers(answers, name, "answers")
        if done != "all" and not _str_list(done):
            raise UsageError(f"{name}: 'done' must be a list of step ids, or the word all.")
        if not _str_list(waiting):
            raise UsageError(f"{name}: 'waiting' must be a list of step ids.")
        flow = data.get("flow")
        if flow is not None and not (isinstance(flow, str) and _ID.fullmatch(flow)):
            raise UsageError(
                f"{name}: 'flow' must be the id of one flow, like cmsnet, not "
                f"{_shown(flow)}; 'epoc-wizard flows list' shows them."
            )
        facility = data.get("facility")
        if isinstance(facility, dict | list | bool) or len(str(facility)) > 40:
            raise UsageError(
                f"{name}: 'facility' must be the facility's CCN, like 056304, not "
                f"{_shown(facility)}."
            )
        _check_facilities(data.get("facilities"), name)
        self.data = data
        self.answers: dict[str, Any] = answers
        self.done: list[str] | str = done
        self.waiting: list[str] = waiting


def _excerpt(value: Any) -> str:
    from epoc_wizard.flowspec.guarded import excerpt

    return excerpt(value)


def _shown(value: Any) -> str:
    """A value from the file as an error shows it: its kind, or a short excerpt."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    from epoc_wizard.checks import looks_like_secret

    if looks_like_secret(str(value)):
        return "a value that looks like a password, a key or an SSN (not repeated)"
    return f"'{_excerpt(value)}'"


def _named(keys: list[Any]) -> str:
    """Keys from the file as an error names them: a few, and only those that look like
    the words an answers file uses. Anything else (a line of /etc/shadow, a token) is
    counted, never repeated: the file may not be an answers file at all."""
    words = sorted({k for k in keys if isinstance(k, str) and _ID.fullmatch(k)})
    others = len({_excerpt(k) for k in keys}) - len(words)
    shown = words[:NAMED]
    more = len(words) - len(shown) + others
    if not shown:
        return f"{more} that {'is' if more == 1 else 'are'} not answers-file words"
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _check_answers(answers: Any, name: str, where: str) -> None:
    if not isinstance(answers, dict) or not all(isinstance(k, str) for k in answers):
        raise UsageError(f"{name}: '{where}' must map question ids to values.")
    for key, value in answers.items():
        items = value if isinstance(value, list) else [value]
        said = f"{name}: the answer for '{_excerpt(key)}'"
        if isinstance(value, dict) or any(isinstance(v, dict | list) for v in items):
            raise UsageError(
                f"{said} is {'a mapping' if isinstance(value, dict) else 'a nested list'}, "
                "not text; write it as text (in quotes if it holds a colon), or as a list "
                "of options for a question that takes several."
            )
        size = sum(len(v) for v in items if isinstance(v, str))
        if size > MAX_ANSWER:
            raise UsageError(
                f"{said} is {size:,} characters long; an answer may have at most "
                f"{MAX_ANSWER:,}: shorten it."
            )


def _check_facilities(entries: Any, name: str) -> None:
    """The entries under ``facilities``, as far as the file alone can say (``start``
    checks each facility's CCN)."""
    if entries is None:
        return
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise UsageError(
            f"{name}: 'facilities' must be a list of entries like "
            "{facility: '056304', answers: {...}}."
        )
    for i, entry in enumerate(entries):
        extra = [k for k in entry if k not in ("facility", "answers")]
        if extra:
            raise UsageError(
                f"{name}: facilities[{i}] has unknown key(s) {_named(extra)}; "
                "expected facility and answers."
            )
        if entry.get("answers") is not None:
            _check_answers(entry["answers"], name, f"facilities[{i}].answers")


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def read_data(path: Path) -> Any:
    """An answers file (or another batch file, such as ``roster add --answers``) as plain
    data, with the answers files' guards: JSON when its name ends in ``.json`` or it starts
    with ``{`` (read by the ``json`` module, which joins the escaped surrogate pairs
    ``json.dumps`` writes for an emoji), YAML otherwise; UsageError with the first problem."""
    from epoc_wizard.errors import FlowError
    from epoc_wizard.flowspec import guarded

    try:
        text = guarded.read_bounded(path, guarded.ANSWERS)
        if path.suffix.lower() == ".json" or text.lstrip()[:1] == "{":
            return guarded.parse_json(text, str(path), guarded.ANSWERS)
        data, _ = guarded.parse_yaml(text, str(path), guarded.ANSWERS)
    except FlowError as exc:
        raise UsageError(f"{exc.problems[0]}.") from None
    return data


def read_answers_file(path: Path) -> AnswersFile:
    """Read an answers file (``read_data``)."""
    data = read_data(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a mapping with 'answers' and 'done'.")
    return AnswersFile(data, str(path))


class Scripted:
    def __init__(self, answers: AnswersFile) -> None:
        self.file = answers
        self._marked: set[str] = set()

    def ask(self, question: Question, validate: Validator) -> Any:
        if question.id not in self.file.answers:
            if not question.required:
                return validate("").value
            raise WizardError(
                f"{self.file.name} gives no answer for '{question.id}' "
                f"({question.prompt}). Add it, or run without --answers to "
                "answer at the prompt. Progress so far is saved."
            )
        raw = self.file.answers[question.id]
        if isinstance(raw, list) and question.kind != "checkbox":
            raise WizardError(
                f"{self.file.name}: the answer for '{question.id}' is a list, but this "
                "question takes one answer: write it as text. Progress so far is saved."
            )
        result = validate(raw)
        if not result.ok and result.suggestion:
            # A likely typing slip (admin@gmial.com): the file is taken at its word, since
            # nobody is there to answer "did you mean ...?"; the question goes to stderr.
            said = result.message.replace(KEEP_IT, "").strip()
            warning = printable(
                f"Warning: {self.file.name}: '{question.id}' is kept as given "
                f"({result.value}). {said} If so, change it with 'epoc-wizard edit'."
            )
            print(fitted(warning, sys.stderr), file=sys.stderr)
            return result.value
        if not result.ok:
            raise WizardError(
                f"{self.file.name}: the answer for '{question.id}' was refused: {result.message}"
            )
        return result.value

    def action(self, step: Step, *, waiting: bool, can_go_back: bool) -> Action:
        if step.id in self._marked:
            return "later"
        self._marked.add(step.id)
        if self.file.done == "all" or step.id in self.file.done:
            return "done"
        if step.id in self.file.waiting and step.wait and not waiting:
            return "waiting"
        return "later"

    def choose(self, message: str, choices: list[tuple[str, str]]) -> str:
        return choices[0][0]

    def confirm(self, message: str, *, default: bool = False) -> bool:
        return default
