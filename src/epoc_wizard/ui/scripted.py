"""Answers from a file, for scripts, corporate batches and tests.

The file (YAML or JSON) gives answers by question id and says which steps to mark::

    answers: {ccn: "056304", state: CA, zip: "95814"}
    done: [open_qtso, request_form]     # or: done: all
    waiting: [wait_for_emails]

Answers go through the same checks as at the keyboard. A step not listed is left
for later: the run saves and stops there, as a person choosing "later" would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from epoc_wizard.errors import UsageError, WizardError
from epoc_wizard.flowspec.model import Question, Step
from epoc_wizard.ui import Action, Validator


class AnswersFile:
    def __init__(self, data: dict[str, Any], name: str) -> None:
        self.name = name
        answers = data.get("answers", {})
        done = data.get("done", [])
        waiting = data.get("waiting", [])
        if not isinstance(answers, dict) or not all(isinstance(k, str) for k in answers):
            raise UsageError(f"{name}: 'answers' must map question ids to values.")
        if done != "all" and not _str_list(done):
            raise UsageError(f"{name}: 'done' must be a list of step ids, or the word all.")
        if not _str_list(waiting):
            raise UsageError(f"{name}: 'waiting' must be a list of step ids.")
        unknown = set(data) - {"answers", "done", "waiting", "flow", "facility", "facilities"}
        if unknown:
            raise UsageError(
                f"{name}: unknown key(s) {', '.join(sorted(unknown))}; expected "
                "answers, done, waiting, flow, facility or facilities."
            )
        self.data = data
        self.answers: dict[str, Any] = answers
        self.done: list[str] | str = done
        self.waiting: list[str] = waiting


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _text_loader() -> Any:
    """The safe loader, except that numbers stay as typed.

    A CCN like 056304 or a ZIP like 02134 would otherwise become an octal or decimal
    number and lose its leading zero; every check takes text anyway. Yes/no stay booleans.
    """
    import yaml

    class TextLoader(yaml.SafeLoader):
        pass

    TextLoader.yaml_implicit_resolvers = {
        first: [
            (tag, rx)
            for tag, rx in resolvers
            if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
        ]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return TextLoader


def read_answers_file(path: Path) -> AnswersFile:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(
            f"Cannot read the answers file {path} ({getattr(exc, 'strerror', None) or exc})."
        ) from None
    try:
        data = yaml.load(text, Loader=_text_loader())  # JSON is YAML too
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise UsageError(f"{path}{line}: the answers file is not valid YAML or JSON.") from None
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
        result = validate(self.file.answers[question.id])
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
