"""Finding flows: the bundled ones, the person's own, and the overlays that change them.

A flows folder holds ``*.yaml`` flow files, ``contacts.yaml`` (help desks, defined
once and referred to by id), ``sources.yaml`` (the registry of cited documents),
``triage.yaml`` (the questions and routes that find a person's path) and
``overlays/*.yaml``. The bundled folder ships inside
the installed package; in a source checkout it is the top-level ``flows/``. Folders
named later (the person's config folder, then ``EPOC_WIZARD_FLOWS``) may add flows,
contacts and overlays, and replace bundled ones with the same id.

An overlay is how a state adds or replaces steps of a base flow. Its steps are
placed into the base flow with the overlay's condition (for example "the state is
CA"), so one flow serves every state and ``flows show`` can say which steps are
whose.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from epoc_wizard.errors import FlowError
from epoc_wizard.flowspec import cache as flowcache
from epoc_wizard.flowspec.crosscheck import Locator, PlacedStep, check_condition, cross_check
from epoc_wizard.flowspec.load import Located, collector_paused, read, validate
from epoc_wizard.flowspec.model import (
    Condition,
    Contact,
    ContactsFile,
    Document,
    Flow,
    FlowFile,
    OverlayFile,
    Source,
    SourcesFile,
    Step,
    cite,
)
from epoc_wizard.flowspec.references import check_triage, triage_cites, unknown_sources
from epoc_wizard.flowspec.triagefile import TriageFile

BUNDLED = "bundled_flows"


def bundled_dir() -> Path:
    """The flows shipped with the program (inside the wheel, or the source tree's)."""
    package = Path(__file__).resolve().parents[1]
    installed = package / BUNDLED
    return installed if installed.is_dir() else package.parents[1] / "flows"


def flow_dirs() -> list[Path]:
    dirs = [bundled_dir()]
    from platformdirs import user_config_dir

    dirs.append(Path(user_config_dir("epoc-wizard", appauthor=False)) / "flows")
    extra = os.environ.get("EPOC_WIZARD_FLOWS")
    if extra:
        dirs += [Path(p) for p in extra.split(os.pathsep) if p]
    return [d for d in dirs if d.is_dir()]


@dataclass
class _Parsed:
    flows: dict[str, tuple[FlowFile, Located]] = field(default_factory=dict)
    overlays: dict[str, tuple[OverlayFile, Located]] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)
    #: Where each contact is (its file and index), for problems: the line is looked up
    #: only when there is one to report, since finding lines reads the file's text.
    contact_lines: dict[str, tuple[Located, int]] = field(default_factory=dict)
    sources: dict[str, Document] = field(default_factory=dict)
    sources_checked: dt.date | None = None
    triage: tuple[TriageFile, Located] | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class Catalog:
    flows: dict[str, Flow]
    contacts: dict[str, Contact]
    #: The sources registry, by id.
    sources: dict[str, Document] = field(default_factory=dict)
    triage: TriageFile | None = None
    #: When the registry's dates were last checked.
    sources_checked: dt.date | None = None

    def checked(self) -> dt.date | None:
        """The oldest "last checked" date of the content: flows, triage, registry."""
        dates = [f.checked for f in self.flows.values()]
        dates += [self.triage.checked] if self.triage else []
        dates += [self.sources_checked] if self.sources_checked else []
        return min(dates) if dates else None

    def cite(self, *sources: Source) -> str:
        return cite(self.sources, *sources)

    def cited_by(self, doc_id: str) -> list[str]:
        """The flows (and "triage") that cite a document."""
        out = [f.id for f in self.flows.values() if doc_id in f.cited()]
        if self.triage is not None and doc_id in triage_cites(self.triage):
            out.append("triage")
        if any(doc_id in {s.doc for s, _ in c.cited()} for c in self.contacts.values()):
            out.append("contacts")
        return out

    def get(self, flow_id: str) -> Flow:
        try:
            return self.flows[flow_id]
        except KeyError:
            from epoc_wizard.errors import UsageError

            raise UsageError(
                f"There is no flow called '{flow_id}'. Known flows: "
                f"{', '.join(sorted(self.flows))}. "
                "Run 'epoc-wizard flows list' to see them."
            ) from None


def load_catalog(dirs: list[Path] | None = None) -> Catalog:
    """Load every flow in these folders, or raise FlowError listing every problem."""
    with collector_paused():  # start-up: see collector_paused
        return _load_catalog(dirs)


def _load_catalog(dirs: list[Path] | None) -> Catalog:
    parsed = _Parsed()
    files = [
        p
        for d in (dirs if dirs is not None else flow_dirs())
        for p in sorted(d.glob("*.yaml")) + sorted((d / "overlays").glob("*.yaml"))
    ]
    for path in files:
        _parse_into(parsed, path)
    # The whole-flow checks are the costliest part of loading; the exact same files
    # need them only once.
    checked = flowcache.passed_checks(files)
    catalog = _compose(parsed, check=not checked)
    if not parsed.problems and not checked:
        flowcache.mark_checks_passed(files)
    flowcache.save()
    if parsed.problems:
        raise FlowError(parsed.problems)
    return catalog


def check_files(paths: list[Path]) -> list[str]:
    """Lint flow files someone wrote, against the bundled contacts and flows."""
    parsed = _Parsed()
    for path in sorted(bundled_dir().glob("*.yaml")):
        _parse_into(parsed, path)
    base_problems = list(parsed.problems)
    for path in paths:
        if path.is_dir():
            for p in sorted(path.glob("*.yaml")) + sorted((path / "overlays").glob("*.yaml")):
                _parse_into(parsed, p)
        else:
            _parse_into(parsed, path)
    _compose(parsed)
    return [p for p in parsed.problems if p not in base_problems]


def _parse_into(parsed: _Parsed, path: Path) -> None:
    try:
        doc = read(path)
        top = doc.top()  # the keys at the top, None when not a mapping
        if top is not None and "overlay" in top:
            overlay = validate(doc, OverlayFile)
            parsed.overlays[overlay.overlay] = (overlay, doc)
        elif top is not None and top == {"contacts"}:
            for i, c in enumerate(validate(doc, ContactsFile).contacts):
                parsed.contacts[c.id] = c
                parsed.contact_lines[c.id] = (doc, i)
        elif top is not None and "sources" in top and "id" not in top:
            registry = validate(doc, SourcesFile)
            parsed.sources.update({d.id: d for d in registry.sources})
            parsed.sources_checked = registry.checked
        elif top is not None and "routes" in top:
            parsed.triage = (validate(doc, TriageFile), doc)
        else:
            flow = validate(doc, FlowFile)
            parsed.flows[flow.id] = (flow, doc)
    except FlowError as exc:
        parsed.problems += exc.problems


def _compose(parsed: _Parsed, *, check: bool = True) -> Catalog:
    flows: dict[str, Flow] = {}
    for flow_id, (ff, doc) in parsed.flows.items():
        placed: list[PlacedStep] = [(s, doc.locator(("steps", i))) for i, s in enumerate(ff.steps)]
        # Where each contact is named, for the checks only: finding a line reads the
        # file's lines, which a cached file that needs no checks never does.
        contact_refs = (
            [(c, doc.at(("contacts", i))) for i, c in enumerate(ff.contacts)] if check else []
        )
        applied = []
        for oid, (ov, odoc) in parsed.overlays.items():
            if ov.base == flow_id:
                placed = _apply_overlay(ov, odoc, placed, parsed.problems)
                if check:
                    contact_refs += [
                        (c, odoc.at(("contacts", i))) for i, c in enumerate(ov.contacts)
                    ]
                applied.append(oid)
        problems = cross_check(placed, parsed.contacts, contact_refs) if check else []
        for i, r in enumerate(ff.retired):
            if r.replacement not in parsed.flows:
                problems.append(
                    f"{doc.at(('retired', i, 'replacement'))}: the replacement flow "
                    f"'{r.replacement}' does not exist"
                )
        for i, n in enumerate(ff.next):
            if n.flow is not None and n.flow not in parsed.flows:
                problems.append(f"{doc.at(('next', i, 'flow'))}: flow '{n.flow}' does not exist")
            if check and n.when is not None:
                asked = {q.id: q for s, _ in placed for q in s.questions}
                problems += check_condition(n.when, asked, doc.at(("next", i, "when")))
        if check:
            problems += unknown_sources(
                [(s.source, loc(("source", "doc"))) for s, loc in placed]
                + [(a, loc(("also", i, "doc"))) for s, loc in placed for i, a in enumerate(s.also)]
                + [
                    (s.keeps_access.source, loc(("keeps_access", "source", "doc")))
                    for s, loc in placed
                    if s.keeps_access
                ]
                + [
                    (r.source, doc.at(("retired", i, "source", "doc")))
                    for i, r in enumerate(ff.retired)
                ]
                + [(n.source, doc.at(("next", i, "source", "doc"))) for i, n in enumerate(ff.next)]
                + [
                    (a, doc.at(("next", i, "also", j, "doc")))
                    for i, n in enumerate(ff.next)
                    for j, a in enumerate(n.also)
                ],
                parsed.sources,
            )
        parsed.problems += problems
        contacts = ff.contacts + [c for o in applied for c in parsed.overlays[o][0].contacts]
        # Every part is already validated, so the flow is put together without building
        # pydantic's validator for it (a cost at every start); the containers are
        # copied, as validation would.
        flows[flow_id] = Flow.model_construct(
            id=ff.id,
            version=ff.version,
            title=ff.title,
            summary=ff.summary,
            audience=list(ff.audience),
            retired=list(ff.retired),
            contacts=list(dict.fromkeys(contacts)),
            steps=[s for s, _ in placed],
            overlays=applied,
            checked=ff.checked,
            contact_book=dict(parsed.contacts),
            library=dict(parsed.sources),
            path=doc.name,
            next=list(ff.next),
        )
    for oid, (ov, odoc) in parsed.overlays.items():
        if ov.base not in parsed.flows:
            parsed.problems.append(
                f"{odoc.at(('base',))}: overlay '{oid}' changes flow "
                f"'{ov.base}', which does not exist; expected one of "
                f"{', '.join(sorted(parsed.flows))}"
            )
    if check:
        parsed.problems += unknown_sources(
            [
                (s, _contact_at(parsed, c.id, where))
                for c in parsed.contacts.values()
                for s, where in c.cited()
            ],
            parsed.sources,
        )
        if parsed.triage is not None:
            parsed.problems += check_triage(*parsed.triage, flows, parsed.sources)
    return Catalog(
        flows=flows,
        contacts=parsed.contacts,
        sources=parsed.sources,
        triage=parsed.triage[0] if parsed.triage else None,
        sources_checked=parsed.sources_checked,
    )


def _contact_at(parsed: _Parsed, contact_id: str, path: tuple[str | int, ...]) -> str:
    doc, i = parsed.contact_lines[contact_id]
    return doc.at(("contacts", i, *path))


def _guarded(step: Step, cond: Condition) -> Step:
    # Conditions already validated, combined as Condition(all=[...]) would (without
    # building its validator).
    when = cond if step.when is None else Condition.model_construct(all=[cond, step.when])
    return step.model_copy(update={"when": when})


def _apply_overlay(
    ov: OverlayFile, doc: Located, placed: list[PlacedStep], problems: list[str]
) -> list[PlacedStep]:
    out = list(placed)

    def index_of(step_id: str, where: tuple[str | int, ...]) -> int | None:
        for i, (s, _) in enumerate(out):
            if s.id == step_id:
                return i
        problems.append(
            f"{doc.at(where)}: overlay '{ov.overlay}' names step '{step_id}', which is "
            f"not in flow '{ov.base}'"
        )
        return None

    for r_i, rep in enumerate(ov.replace):
        i = index_of(rep.step, ("replace", r_i, "step"))
        if i is None:
            continue
        old, old_loc = out[i]
        new_loc: Locator = doc.locator(("replace", r_i, "by"))
        out[i : i + 1] = [
            (_guarded(old, Condition.model_construct(not_=ov.when)), old_loc),
            (_guarded(rep.by, ov.when), new_loc),
        ]
    for p_i, place in enumerate(ov.add):
        anchor = place.after or place.before
        assert anchor is not None
        key = "after" if place.after else "before"
        i = index_of(anchor, ("add", p_i, key))
        if i is None:
            continue
        at = i + 1 if place.after else i
        new = [
            (_guarded(s, ov.when), doc.locator(("add", p_i, "steps", j)))
            for j, s in enumerate(place.steps)
        ]
        out[at:at] = new
    return out
