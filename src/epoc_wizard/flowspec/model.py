"""The flow format: what a flow file may say, as pydantic models.

Flows are data that non-programmers (a state agency, a compliance team) read and
extend, so every model forbids unknown keys: a misspelt key is an error with a
line number, never silently ignored. Conditions are structured data evaluated by
``conditions.holds``; nothing in a flow file is ever executed.

``epoc-wizard flows schema`` publishes the JSON Schema of ``FlowFile`` and
``OverlayFile`` so editors can check flow files as they are typed.
"""

# No "from __future__ import annotations": pydantic would then compile every field's
# annotation from its text when each class is made, a quarter of the cost of loading
# this module, which every start pays. Names used before they are defined are quoted.

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from epoc_wizard.words import long_date

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=60)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
#: A plain e-mail address: no name, no "mailto:", no "?" or "&" that would add
#: recipients or headers to a draft or a mailto link, no spaces or line breaks.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
ADDRESS = rf"[A-Za-z0-9][A-Za-z0-9._+-]*@{_LABEL}(?:\.{_LABEL})+"


def _plain_address(value: str) -> str:
    if len(value) > 254 or not re.fullmatch(ADDRESS, value):
        raise ValueError(
            "an e-mail address must be a plain address like help@agency.gov: no spaces, "
            "line breaks, names, 'mailto:', '?' or '&'"
        )
    return value


Address = Annotated[str, AfterValidator(_plain_address)]
#: A help desk's name, which becomes the display name of an e-mail's To: header: one
#: line, and nothing that reads as address syntax (a name cannot add a recipient).
ContactName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        pattern=r'^[^\x00-\x1f\x7f<>@"]+$',
        description="one line, without < > @ or double quotes",
    ),
]
Url = Annotated[str, Field(pattern=rf"^(https?://\S+|mailto:{ADDRESS})$", max_length=500)]

#: Question kinds. Kinds named after a check in ``checks.py`` are validated by it.
QuestionKind = Literal[
    "text",
    "confirm",
    "select",
    "checkbox",
    "date",
    "ccn",
    "ptan",
    "state",
    "zip",
    "email",
    "phone",
    "epoc_user_id",
    "activation_key",
    "facility_id",
    "cac_or_navigator_id",
    "cmsnet_user_id",
    "harp_user_id",
    "new_harp_user_id",
    "work_email",
    "secret",
]

#: Kinds whose answers are held in memory for the session only, never written.
SECRET_KINDS = frozenset({"secret", "activation_key"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Source(_Strict):
    """Where a fact comes from: a document of the sources registry (``sources.yaml``),
    by its id, and the step, heading or passage in it."""

    doc: Id
    where: Text


class Document(_Strict):
    """One entry of the sources registry: a document the flows cite.

    People see the publisher, title and date (``label``), never a file name. A
    document without a date on it says so in ``about`` ("undated, about 2016").
    """

    id: Id
    title: Text
    publisher: Text
    date: dt.date | None = None
    about: str | None = None
    url: Url | None = None
    #: One of the documents the flows were first written from, or a later notice.
    kind: Literal["original", "outside"]
    #: Where the text was read, when not at ``url`` (a stored copy, a state's reprint).
    read_at: str | None = None

    @model_validator(mode="after")
    def _dated(self) -> "Document":
        if (self.date is None) == (self.about is None):
            raise ValueError("a document needs exactly one of 'date' or 'about' (when undated)")
        return self

    @property
    def when(self) -> str:
        """The date as people read it: "23 July 2025", or "undated, about 2016"."""
        if self.date is not None:
            return long_date(self.date)
        return (
            f"undated, {self.about}"
            if not str(self.about).startswith("undated")
            else str(self.about)
        )

    @property
    def label(self) -> str:
        """Publisher, title and date, in one line."""
        return f"{self.publisher}, “{self.title}” ({self.when})"


def cite(library: dict[str, Document], *sources: Source) -> str:
    """Sources as people read them: publisher, title, date, and where in each, the
    further ones after "also". (An id not in the registry is a load-time error, so the
    fallback is only for hand-built flows.)"""

    def one(source: Source) -> str:
        doc = library.get(source.doc)
        return f"{doc.label if doc else source.doc}: {source.where}"

    return "; also ".join(one(s) for s in sources)


class SourcesFile(_Strict):
    """``sources.yaml``: the registry every ``source`` of every flow names."""

    checked: dt.date
    sources: list[Document] = Field(min_length=1)


class Link(_Strict):
    title: Text
    url: Url


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
#: The US time zones a help desk may keep its hours in.
DeskZone = Literal[
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
]
ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


class Hours(_Strict):
    """When a help desk answers the phone, as a dated source gives it: the same hours on
    each of ``days``, in ``zone`` (``status`` and ``contacts`` say whether it is open now;
    ``flowspec/deskhours.py``). Nothing is assumed about holidays: on a US federal holiday the
    wizard says the desk may be closed."""

    days: list[Weekday] = Field(min_length=1, max_length=7)
    from_: ClockTime = Field(alias="from")
    to: ClockTime
    zone: DeskZone
    source: Source

    @model_validator(mode="after")
    def _sensible(self) -> "Hours":
        if len(set(self.days)) != len(self.days):
            raise ValueError("a day is named twice in 'days'")
        if self.from_ >= self.to:
            raise ValueError(
                "'from' must be before 'to' (hours that run past midnight are not supported)"
            )
        return self

    def as_data(self) -> dict[str, Any]:
        """The hours as plain data (``flowspec/deskhours.py`` takes them so)."""
        return {"days": list(self.days), "from": self.from_, "to": self.to, "zone": self.zone}


class OtherPhone(_Strict):
    """Another number a dated source gives for the same desk, kept until one is confirmed."""

    phone: Text
    #: What to choose after dialing, e.g. "option 1".
    option: str | None = None
    source: Source


class Contact(_Strict):
    """A help desk, defined once in ``contacts.yaml`` and referred to by id."""

    id: Id
    name: ContactName
    phone: str | None = None
    email: Address | None = None
    address: str | None = None
    hours: str | None = None
    #: The hours as data, where a source gives them (see ``Hours``).
    open: Hours | None = None
    #: Other numbers sources give for this desk, each with its own source.
    other_phones: list[OtherPhone] = []
    web: Url | None = None
    notes: str | None = None
    source: Source
    #: Further documents behind what its notes say (another page giving the same number).
    also: list[Source] = []

    def cited(self) -> list[tuple[Source, tuple[str | int, ...]]]:
        """Every source this contact names, with where it is in the contact."""
        out: list[tuple[Source, tuple[str | int, ...]]] = [(self.source, ("source", "doc"))]
        out += [(a, ("also", i, "doc")) for i, a in enumerate(self.also)]
        if self.open is not None:
            out.append((self.open.source, ("open", "source", "doc")))
        out += [
            (p.source, ("other_phones", i, "source", "doc"))
            for i, p in enumerate(self.other_phones)
        ]
        return out


class Option(_Strict):
    value: Annotated[str, Field(min_length=1, max_length=60)]
    label: Text
    #: What ``{question_id}`` becomes in a step's text or an e-mail when this option is the
    #: answer ("a Navigator"); without it the place is filled with the value.
    says: Annotated[str, Field(min_length=1, max_length=200)] | None = None


class Condition(_Strict):
    """A test on earlier answers, written as data.

    Exactly one form is used:
    ``{answer: q, is: v}``, ``{answer: q, in: [v, ...]}``, ``{answer: q, contains: v}``
    (for checkbox answers), ``{answer: q, answered: true}``, ``{all: [...]}``,
    ``{any: [...]}`` or ``{not: {...}}``.
    """

    answer: Id | None = None
    is_: bool | str | None = Field(default=None, alias="is")
    in_: list[str] | None = Field(default=None, alias="in")
    contains: str | None = None
    answered: bool | None = None
    all: "list[Condition] | None" = None
    any: "list[Condition] | None" = None
    not_: "Condition | None" = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _one_form(self) -> "Condition":
        forms = [f for f in ("answer", "all", "any", "not_") if getattr(self, f) is not None]
        if len(forms) != 1:
            raise ValueError("a condition needs exactly one of 'answer', 'all', 'any' or 'not'")
        tests = [f for f in ("is_", "in_", "contains", "answered") if getattr(self, f) is not None]
        if self.answer is not None and len(tests) != 1:
            raise ValueError(
                "a condition on an answer needs exactly one of 'is', 'in', 'contains' or 'answered'"
            )
        if self.answer is None and tests:
            raise ValueError("'is', 'in', 'contains' and 'answered' go with 'answer'")
        return self

    def answers_named(self) -> list[str]:
        """Every question id this condition reads, in order."""
        if self.answer is not None:
            return [self.answer]
        names: list[str] = []
        for sub in (self.all or []) + (self.any or []) + ([self.not_] if self.not_ else []):
            names.extend(sub.answers_named())
        return names


class Question(_Strict):
    id: Id
    prompt: Text
    kind: QuestionKind = "text"
    help: str = ""
    options: list[Option] | None = None
    default: str | bool | None = None
    required: bool = True
    when: Condition | None = None
    #: For kinds checked against a state (ccn, zip): the id of the state question.
    state_from: Id | None = None
    #: For a new HARP user ID: the id of the question holding the facility's name, which
    #: the user ID must not contain.
    name_from: Id | None = None
    #: Shown in the record of IDs obtained (export), e.g. "CMSNet user ID".
    record_as: str | None = None
    #: What this answer says about the journey itself: the facility's CCN (which files
    #: the journey under that facility, for ``status`` and ``--facility``), its name, or,
    #: for a journey that is not a facility's (an assister's), the organization's name.
    identifies: Literal["facility_ccn", "facility_name", "organization_name"] | None = None
    #: A date this answer gives the survey clock: the day the CMS-2567 arrived, or the
    #: plan of correction's due date printed on the letter (see ``core/deadline.py``).
    sets: Literal["poc_received", "poc_letter_due"] | None = None

    @model_validator(mode="after")
    def _options_fit_kind(self) -> "Question":
        if self.kind in ("select", "checkbox") and not self.options:
            raise ValueError(f"a '{self.kind}' question needs 'options'")
        if self.kind not in ("select", "checkbox") and self.options:
            raise ValueError("only 'select' and 'checkbox' questions take 'options'")
        if self.kind in SECRET_KINDS and self.record_as:
            raise ValueError("a secret is never recorded, so it cannot have 'record_as'")
        if self.identifies == "facility_ccn" and self.kind != "ccn":
            raise ValueError("only a 'ccn' question can identify the facility's CCN")
        if self.identifies and self.kind in SECRET_KINDS:
            raise ValueError("a secret is never saved, so it cannot identify the facility")
        if self.sets and self.kind != "date":
            raise ValueError("only a 'date' question can set a plan-of-correction date")
        if self.name_from and self.kind != "new_harp_user_id":
            raise ValueError("only a 'new_harp_user_id' question takes 'name_from'")
        return self

    @property
    def secret(self) -> bool:
        return self.kind in SECRET_KINDS

    def display(self, value: Any) -> str:
        """An answer to this question as a person reads it (option labels, yes/no)."""
        from epoc_wizard.words import shown

        labels = {o.value: o.label for o in self.options or []}
        if self.kind == "date" and isinstance(value, str) and value:
            try:  # saved as YEAR-MONTH-DAY; read as people write it
                return long_date(dt.date.fromisoformat(value))
            except ValueError:
                return value
        if isinstance(value, list):
            return shown([labels.get(v, v) for v in value])
        return shown(labels.get(value, value) if isinstance(value, str) else value)

    @property
    def short_label(self) -> str:
        """What the record calls this answer, or the prompt up to any bracketed hint."""
        return self.record_as or self.prompt.split(" (")[0].rstrip("?").strip()


class Wait(_Strict):
    """Something that happens outside the terminal, with when to start worrying."""

    for_: Text = Field(alias="for")
    business_days: Annotated[int, Field(ge=1, le=60)] | None = None
    minutes: Annotated[int, Field(ge=1, le=24 * 60)] | None = None
    late: Text
    contact: Id | None = None

    @model_validator(mode="after")
    def _one_duration(self) -> "Wait":
        if (self.business_days is None) == (self.minutes is None):
            raise ValueError("a wait needs exactly one of 'business_days' or 'minutes'")
        return self


class Estimate(_Strict):
    """How long a step usually takes where no source gives a duration: the wizard's own
    estimate, always labelled as such, which the person can change (``edit``)."""

    business_days: Annotated[int, Field(ge=1, le=60)]
    for_: Text = Field(alias="for")
    why: Text
    #: ``step``: the time the step itself takes (over once it is done). ``after``: what the
    #: step sets going takes this long after it is done (asking CMS to approve a first
    #: PSO: the step is done when the request is made, the approval comes later).
    runs: Literal["step", "after"] = "step"


class Email(_Strict):
    """An e-mail a source tells the person to send; ``{answer_id}`` fills in answers."""

    id: Id
    to: Id  # a contact id; its e-mail address is used
    subject: Text
    body: Text
    why: Text


class Step(_Strict):
    id: Id
    title: Text
    do: Text
    screen: list[str] = []
    links: list[Link] = []
    contact: Id | None = None
    source: Source
    #: Further documents behind facts in the text or the note, each cited like ``source``.
    also: list[Source] = []
    note: str | None = None
    questions: list[Question] = []
    wait: Wait | None = None
    #: The wizard's estimate for a step that takes time where no source says how long.
    estimate: Estimate | None = None
    email: Email | None = None
    when: Condition | None = None
    #: Access that this step, once done, grants and that lapses without a login.
    keeps_access: "Access | None" = None


class Retirement(_Strict):
    """A use of a flow that CMS moved elsewhere: for whom, on what date, and the flow
    that replaces it. The flow is kept, labelled, for history and other uses."""

    on: dt.date
    for_: list[Id] = Field(alias="for", min_length=1)
    #: What moved, e.g. "Plans of correction (ePOC)" or "HOPE records".
    what: Text
    replacement: Id
    message: Text
    source: Source


class Access(_Strict):
    """Access this step grants that lapses without use (iQIES roles after 60 days
    without a login): the wizard then tracks the person's logins."""

    #: What lapses, e.g. "your iQIES role(s)".
    what: Text
    #: Days without a login after which it lapses.
    days: Annotated[int, Field(ge=1, le=3650)]
    #: What to do when it has lapsed.
    renew: Text
    source: Source


class NextStep(_Strict):
    """What to do once a flow is finished (a second ID, the current path), for the
    journeys whose answers meet ``when``; ``flow`` names the flow to start for it."""

    text: Text
    when: Condition | None = None
    flow: Id | None = None
    source: Source
    also: list[Source] = []


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, dict) else value


class FlowFile(_Strict):
    """One flow file: a whole path through one CMS system."""

    id: Id
    version: Annotated[int, Field(ge=1)] = 1
    title: Text
    summary: Annotated[str, Field(min_length=1, max_length=200)]
    audience: list[Id] = Field(min_length=1)
    #: The date its facts were last checked against CMS's current pages.
    checked: dt.date
    retired: Annotated[list[Retirement], BeforeValidator(_as_list)] = []
    contacts: list[Id] = []
    steps: list[Step] = Field(min_length=1)
    #: What comes after the last step, said when the journey is finished.
    next: "list[NextStep]" = []


class Placement(_Strict):
    """Where an overlay puts its steps in the base flow."""

    after: Id | None = None
    before: Id | None = None
    steps: list[Step] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_anchor(self) -> "Placement":
        if (self.after is None) == (self.before is None):
            raise ValueError("a placement needs exactly one of 'after' or 'before'")
        return self


class Replacement(_Strict):
    step: Id
    by: Step


class OverlayFile(_Strict):
    """Steps one state adds to, or replaces in, a base flow, when its condition holds."""

    overlay: Id
    base: Id
    title: Text
    summary: Annotated[str, Field(min_length=1, max_length=200)]
    when: Condition
    contacts: list[Id] = []
    add: list[Placement] = []
    replace: list[Replacement] = []


class ContactsFile(_Strict):
    contacts: list[Contact] = Field(min_length=1)


class Flow(BaseModel):
    """A flow ready to run: a flow file with its overlays applied and contacts resolved."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    id: str
    version: int
    title: str
    summary: str
    audience: list[str]
    checked: dt.date
    retired: list[Retirement]
    contacts: list[str]
    steps: list[Step]
    overlays: list[str] = []
    contact_book: dict[str, Contact] = {}
    #: The sources registry, for citing (``cite``).
    library: dict[str, Document] = {}
    path: str = ""
    next: "list[NextStep]" = []

    def cited(self) -> set[str]:
        """The ids of every document this flow cites."""
        out = {s.source.doc for s in self.steps}
        out |= {a.doc for s in self.steps for a in s.also}
        out |= {s.keeps_access.source.doc for s in self.steps if s.keeps_access}
        out |= {r.source.doc for r in self.retired}
        out |= {s.doc for n in self.next for s in (n.source, *n.also)}
        return out

    def cite(self, *sources: Source) -> str:
        """Sources as people read them (see ``cite``)."""
        return cite(self.library, *sources)

    def cite_step(self, step: Step) -> str:
        """A step's source and any further ones, as people read them."""
        return self.cite(step.source, *step.also)

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)

    def questions(self) -> list[Question]:
        return [q for s in self.steps for q in s.questions]

    def all_contacts(self) -> list[Contact]:
        """The flow's own contacts, then those its steps and waits name, each once."""
        ids = [
            *self.contacts,
            *(c for s in self.steps for c in (s.contact, s.wait and s.wait.contact) if c),
        ]
        return [self.contact_book[c] for c in dict.fromkeys(ids) if c in self.contact_book]

    def identifying(self, what: str) -> Question | None:
        """The question whose answer identifies the facility's CCN or name, if any."""
        return next((q for q in self.questions() if q.identifies == what), None)

    def question(self, question_id: str) -> Question | None:
        for q in self.questions():
            if q.id == question_id:
                return q
        return None

    def wording(self, answers: dict[str, Any]) -> dict[str, Any]:
        """The answers as ``{question_id}`` places take them: a choice whose option has
        ``says`` becomes those words ("a Navigator"), everything else stays."""
        out = dict(answers)
        for q in self.questions():
            said = {o.value: o.says for o in q.options or [] if o.says}
            if said and out.get(q.id) in said:
                out[q.id] = said[out[q.id]]
        return out
