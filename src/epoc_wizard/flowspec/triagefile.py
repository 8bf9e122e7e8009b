"""The triage file (``triage.yaml``) as pydantic models: its questions, its routes
(each with a dated reason), and what is handed on to the flows. It reuses the flow
format's questions, conditions and sources, so a triage is written like a flow."""

import datetime as dt

from pydantic import Field, model_validator

from epoc_wizard.flowspec.model import Condition, Id, Question, Source, Text, _Strict


class Pick(_Strict):
    """A flow a triage route recommends, with its reason and where the reason comes from."""

    flow: Id
    reason: Text
    source: Source
    #: Recommended only when this holds too (e.g. no CMSNet user ID yet).
    when: Condition | None = None


class Advice(_Strict):
    """What triage says when the answer is not a flow here (another system, a letter)."""

    title: Text
    text: Text
    source: Source


class Route(_Strict):
    """One triage outcome: when it applies, the flows to start in order, or advice."""

    when: Condition | None = None
    start: list[Pick] = Field(default_factory=list)
    advice: Advice | None = None

    @model_validator(mode="after")
    def _says_something(self) -> "Route":
        if not self.start and self.advice is None:
            raise ValueError("a route needs 'start' (flows to recommend) or 'advice'")
        return self


class Carry(_Strict):
    """A triage answer handed to the flows started afterwards, in their words, so that
    no flow asks it again: ``from`` copies an answer (through ``map`` if given);
    ``value`` sets a fixed one; either only ``when`` it holds."""

    to: Id
    from_: Id | None = Field(default=None, alias="from")
    map: dict[str, str] | None = None
    value: bool | str | None = None
    when: Condition | None = None

    @model_validator(mode="after")
    def _one_origin(self) -> "Carry":
        if (self.from_ is None) == (self.value is None):
            raise ValueError("a carried answer needs exactly one of 'from' or 'value'")
        return self


class TriageFile(_Strict):
    """``triage.yaml``: the questions that find a person's path, and the routes.

    Routes are tried in order and the first whose condition holds is taken, so CMS
    moving a task to another system is a change to this file, not to the program."""

    checked: dt.date
    questions: list[Question] = Field(min_length=1)
    routes: list[Route] = Field(min_length=1)
    carry: list[Carry] = Field(default_factory=list)
