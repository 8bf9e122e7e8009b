"""The bundled flows as a whole: they load, every branch can be walked to the end, every
step is reachable, every fact cites a source document, and nothing secret is asked or kept.

The walker drives the pure engine with scripted answers for every combination of the
answers that conditions test, so a new flow or a new branch is covered without new tests.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from epoc_wizard.app.journeys import run_journey_command
from epoc_wizard.checks import STATE_CODES, check_zip
from epoc_wizard.core import engine
from epoc_wizard.core.answers import check_answer
from epoc_wizard.core.journey import Journey
from epoc_wizard.flowspec.catalog import Catalog, load_catalog
from epoc_wizard.flowspec.model import SECRET_KINDS, Condition, Flow, Question, Step
from epoc_wizard.state.store import Store

from conftest import Wizard, shown

FLOWS = Path(__file__).resolve().parents[1] / "flows"
T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
#: The five documents the flows were first written from, by their registry ids.
ORIGINALS = (
    "cdph-epoc-checklist",
    "ky-oig-epoc",
    "cms-iqies-epoc-2025",
    "qtso-cmsnet-module1",
    "cms-assister-library",
)
FLOW_IDS = ("cmsnet", "legacy-epoc", "epoc-access", "iqies", "assister-zone")
LEGACY = "legacy, checked 1 December 2026"
STATES = ("CA", "TX")  # CA switches the CDPH overlay on; TX is any other state
FORBIDDEN = re.compile(r"password|social security|\bssn\b|birth|security question|challenge", re.I)
SAMPLES: dict[str, Any] = {
    "text": "Oak Ridge Care",
    "ptan": "AB12345",
    "email": "admin@example.org",
    "phone": "888-238-2122",
    "epoc_user_id": "MDS1234567",
    "activation_key": "A1" * 16,
    "facility_id": "FAC-1234",
    "cac_or_navigator_id": "NAV-12345",
    "cmsnet_user_id": "OAKNH01",
    "harp_user_id": "oakadmin1",
    "new_harp_user_id": "oakadmin1",
    "work_email": "admin@example.org",
    "secret": "never-kept-7",
    "date": "2026-11-23",
    "confirm": True,
}


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalog]:
    """The bundled flows, loaded in-process with the parse cache kept out of the real home."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EPOC_WIZARD_CACHE", str(tmp_path_factory.mktemp("cache") / "flows.json"))
        yield load_catalog([FLOWS])


# --- answers ------------------------------------------------------------------------------


def atoms(cond: Condition | None) -> Iterator[Condition]:
    if cond is None:
        return
    if cond.answer is not None:
        yield cond
    for sub in (cond.all or []) + (cond.any or []) + ([cond.not_] if cond.not_ else []):
        yield from atoms(sub)


@functools.cache
def sample_zip(state: str) -> str:
    return next(z for z in (f"{p:03d}14" for p in range(1000)) if check_zip(z, state).ok)


def sample(q: Question, answers: dict[str, Any]) -> Any:
    """A valid value of the question's kind; CCN and ZIP fit the state already answered."""
    state = answers.get(q.state_from or "state", "CA")
    if q.kind == "ccn":
        return STATE_CODES[state][0] + "5001"
    if q.kind == "zip":
        return sample_zip(state)
    if q.kind == "state":
        return "CA"
    if q.kind in ("select", "checkbox"):
        assert q.options
        first = q.options[0].value
        return first if q.kind == "select" else [first]
    return SAMPLES[q.kind]


def domains(flow: Flow) -> dict[str, list[Any]]:
    """For each question a condition tests (and each state), every value worth trying."""
    tested: dict[str, list[Condition]] = {}
    for step in flow.steps:
        for cond in [step.when] + [q.when for q in step.questions]:
            for atom in atoms(cond):
                assert atom.answer is not None
                tested.setdefault(atom.answer, []).append(atom)
    out: dict[str, list[Any]] = {}
    for q in flow.questions():
        conds = tested.get(q.id, [])
        if q.kind == "confirm":
            out[q.id] = [True, False]
        elif q.kind == "select":
            assert q.options
            out[q.id] = [o.value for o in q.options]
        elif q.kind == "checkbox":
            wanted = sorted({c.contains for c in conds if c.contains is not None})
            out[q.id] = [
                list(s) for r in range(len(wanted) + 1) for s in itertools.combinations(wanted, r)
            ] or [sample(q, {})]
        elif q.kind == "state" and conds:  # a state that changes the path (an overlay)
            out[q.id] = sorted(
                {
                    *STATES,
                    *(v for c in conds for v in [c.is_, *(c.in_ or [])] if isinstance(v, str)),
                }
            )
        elif conds:
            values = [v for c in conds for v in [c.is_, *(c.in_ or [])] if v is not None]
            blank = [""] if not q.required and any(c.answered is not None for c in conds) else []
            out[q.id] = [*values, *blank, sample(q, {})]
    return out


def combinations(flow: Flow) -> list[dict[str, Any]]:
    doms = domains(flow)
    return [dict(zip(doms, combo, strict=True)) for combo in itertools.product(*doms.values())]


def answer(q: Question, choice: dict[str, Any], answers: dict[str, Any]) -> Any:
    """The checked, normalized answer to ``q`` for this combination of choices."""
    raw = choice[q.id] if q.id in choice else sample(q, answers)
    checked = check_answer(q, raw, answers)
    assert checked.ok, f"{q.id}={raw!r} refused: {checked.message}"
    return checked.value


def all_answers(flow: Flow, choice: dict[str, Any]) -> dict[str, Any]:
    """An answer to every question of the flow, as an answers file gives them."""
    out: dict[str, Any] = {}
    for q in flow.questions():
        out[q.id] = answer(q, choice, out)
    return out


# --- the walker ---------------------------------------------------------------------------


@dataclass
class Walker:
    """A journey being followed: where it is, and what was shown and kept in memory."""

    journey: Journey
    session: dict[str, Any]
    shown: list[str]
    moves: int = 0


def advance(
    flow: Flow, w: Walker, choice: dict[str, Any], branching: dict[str, list[Any]]
) -> str | None:
    """Follow the journey until it ends (None) or reaches a question in ``branching`` that
    ``choice`` does not answer (its id); ``w`` is left where it stopped."""
    while w.moves <= 2 * len(flow.steps):
        step = engine.current_step(flow, w.journey)
        if step is None:
            return None
        if step.id not in w.shown:
            w.shown.append(step.id)
        while questions := engine.open_questions(step, w.journey, w.session):
            q = questions[0]
            if q.id in branching and q.id not in choice:
                return q.id
            value = answer(q, choice, {**w.journey.answers, **w.session})
            if q.secret:
                w.session[q.id] = value
            w.journey = engine.apply_answer(w.journey, q, value, T0)
        w.moves += 1
        if engine.current_step(flow, w.journey) != step:
            continue  # an answer changed which steps apply
        if step.wait:
            w.journey = engine.mark(flow, w.journey, step.id, "waiting", T0)
            assert engine.current_step(flow, w.journey) == step, "a waiting step stays current"
        w.journey = engine.mark(flow, w.journey, step.id, "done", T0)
    pytest.fail(f"{flow.id}: no end after {2 * len(flow.steps) + 1} moves with {choice}")


def ended(flow: Flow, w: Walker, choice: dict[str, Any]) -> list[str]:
    """Check a journey that reached its end; the ids of the steps shown, in order."""
    done, total = engine.progress(flow, w.journey)
    visible = {s.id for s in engine.visible_steps(flow, w.journey.answers)}
    assert done == total and visible <= set(w.shown), (flow.id, choice, w.shown)
    secrets = {q.id for q in flow.questions() if q.kind in SECRET_KINDS}
    assert not secrets & w.journey.answers.keys()
    assert not any(str(v) in w.journey.model_dump_json() for v in w.session.values())
    return w.shown


def start(flow: Flow) -> Walker:
    return Walker(Journey(id="walk", flow=flow.id, created=T0, updated=T0), {}, [])


def walk(flow: Flow, choice: dict[str, Any]) -> list[str]:
    """Follow one journey to its end; return the ids of the steps shown, in order."""
    w = start(flow)
    assert advance(flow, w, choice, {}) is None
    return ended(flow, w, choice)


def branches(flow: Flow) -> list[list[str]]:
    """Every path a person can take: each question that changes the path is tried with
    each value worth trying, only where it is asked, and from where it is asked (the
    full product of all values would walk the same paths many times over)."""
    doms = domains(flow)
    todo: list[tuple[Walker, dict[str, Any]]] = [(start(flow), {})]
    paths = []
    while todo:
        w, choice = todo.pop()
        undecided = advance(flow, w, choice, doms)
        if undecided is None:
            paths.append(ended(flow, w, choice))
            continue
        for v in doms[undecided]:
            fork = Walker(w.journey, dict(w.session), list(w.shown), w.moves)
            todo.append((fork, {**choice, undecided: v}))
    return paths


@pytest.mark.parametrize("flow_id", FLOW_IDS)
def test_every_branch_ends_and_every_step_is_shown(catalog: Catalog, flow_id: str) -> None:
    flow = catalog.get(flow_id)
    paths = branches(flow)
    assert len(paths) > 1
    seen: set[str] = set()
    for path in paths:
        seen.update(path)
    assert [s.id for s in flow.steps if s.id not in seen] == [], "steps never shown"


def test_walker_sees_branches_and_unreachable_steps(catalog: Catalog) -> None:
    legacy = catalog.get("legacy-epoc")
    first = {**combinations(legacy)[0], "provider_type": "hospice"}
    ca, tx = walk(legacy, {**first, "state": "CA"}), walk(legacy, {**first, "state": "TX"})
    assert "cdph_activation_email" in ca and not any(s.startswith("cdph_") for s in tx)
    assert "web_epoc_retired" not in ca
    never = Step.model_validate(
        {
            "id": "never",
            "title": "Never",
            "do": "x",
            "source": {"doc": ORIGINALS[0], "where": "x"},
            "when": {"all": [{"answer": "state", "is": "CA"}, {"answer": "state", "is": "TX"}]},
        }
    )
    broken = legacy.model_copy(update={"steps": [*legacy.steps, never]})
    assert "never" not in {s for c in combinations(broken) for s in walk(broken, c)}
    ccn = legacy.question("ccn")
    assert ccn is not None
    with pytest.raises(AssertionError, match="refused"):
        answer(ccn, {"ccn": "455001"}, {"state": "CA"})


# --- through the command line -------------------------------------------------------------


def cli_choice(flow: Flow) -> dict[str, Any]:
    """The first combination that none of the flow's moves sends elsewhere."""
    gone = {p for r in flow.retired for p in r.for_}
    return next(c for c in combinations(flow) if c.get("provider_type") not in gone)


def run_answers(context: Callable[..., Any], flow_id: str, answers: dict[str, Any]) -> str:
    """Start the flow with every answer and every step done; what it showed."""
    ctx = context({"flow": flow_id, "answers": answers, "done": "all"})
    run_journey_command(ctx, "start", None, None)
    out = shown(ctx)
    assert "All steps done" in out
    return out


@pytest.mark.parametrize("flow_id", FLOW_IDS)
def test_full_walk_through_the_cli(
    home: Path, context: Callable[..., Any], catalog: Catalog, flow_id: str
) -> None:
    flow = catalog.get(flow_id)
    answers = all_answers(flow, cli_choice(flow))
    run_answers(context, flow_id, answers)
    (journey,) = Store(home).journeys().values()
    assert journey["flow"] == flow_id and journey["finished"]
    assert journey["summary"]["done"] == journey["summary"]["total"] > 0
    saved = journey["answers"]
    assert saved and saved.items() <= answers.items()
    secrets = {q.id: str(answers[q.id]) for q in flow.questions() if q.secret}
    assert not secrets.keys() & saved.keys()
    files = "".join(p.read_text(errors="replace") for p in home.rglob("*") if p.is_file())
    assert not [v for v in secrets.values() if v in files]


@pytest.mark.parametrize("retired_id", ["legacy-epoc", "epoc-access"])
def test_a_nursing_home_hears_the_current_path(
    context: Callable[..., Any], wizard: Wizard, catalog: Catalog, retired_id: str
) -> None:
    legacy = catalog.get(retired_id)
    answers = all_answers(legacy, {**combinations(legacy)[0], "provider_type": "nursing_home"})
    out = " ".join(run_answers(context, retired_id, answers).split())
    assert "Plans of correction (ePOC), for nursing homes: moved on 14 July 2025" in out
    assert "the current path is 'HARP account + the iQIES role for your task'" in out
    (row,) = json.loads(wizard("status", "--json").stdout)["journeys"]
    assert row["flow"] == retired_id and row["finished"]  # the file named it: followed


def test_flows_check_and_list(wizard: Wizard, catalog: Catalog) -> None:
    check = wizard("flows", "check", str(FLOWS))
    assert check.returncode == 0 and "no problems" in check.stdout, check.stdout
    assert sorted(catalog.flows) == sorted(FLOW_IDS)
    assert catalog.get("legacy-epoc").overlays == ["ca-cdph"]
    listed = wizard("flows", "list")
    assert listed.returncode == 0, listed.stderr
    for flow_id in FLOW_IDS:
        (line,) = [ln for ln in listed.stdout.splitlines() if ln.split()[:1] == [flow_id]]
        status = LEGACY if flow_id in ("legacy-epoc", "epoc-access", "cmsnet") else "current"
        assert line.split(None, 1)[1].startswith(status), line


# --- sources, contacts, secrets, addresses ------------------------------------------------


def cited(doc: str, where: str, registry: Catalog) -> list[str]:
    """What is wrong with a citation: the doc must be in the registry and dated, no file
    name may appear in it or in 'where', and 'where' is set."""
    problems = []
    known = registry.sources.get(doc)
    if known is None:
        problems.append(f"doc {doc!r} is not in the sources registry")
    elif not known.when:
        problems.append(f"doc {doc!r} has no date")
    problems += [f"file name {n}" for n in re.findall(r"\b\d{3}_[0-9a-f]+\.txt\b", where)]
    return problems + ([] if where.strip() else ["'where' is empty"])


def test_every_step_and_contact_cites_a_source(catalog: Catalog) -> None:
    problems = [
        f"contact {c.id}: {p}"
        for c in catalog.contacts.values()
        for p in cited(c.source.doc, c.source.where, catalog)
    ]
    for flow in catalog.flows.values():
        problems += [
            f"{flow.id}/{s.id}: {p}"
            for s in flow.steps
            for p in cited(s.source.doc, s.source.where, catalog)
        ]
    assert problems == []
    assert {d.id for d in catalog.sources.values() if d.kind == "original"} == set(ORIGINALS)
    assert cited("cms-iqies-epoc-2025", "Introduction", catalog) == []
    assert cited("009_0000000000000000.txt", "", catalog) != []
    assert cited("ky-oig-epoc", "see 003_1d414d5a4b39874e.txt", catalog) != []


def contact_refs(flow: Flow) -> Iterator[tuple[str, str]]:
    yield from ((f"{flow.id} contacts", c) for c in flow.contacts)
    for s in flow.steps:
        refs = [s.contact, s.wait.contact if s.wait else None, s.email.to if s.email else None]
        yield from ((f"{flow.id}/{s.id}", c) for c in refs if c)


def test_every_contact_referenced_exists(catalog: Catalog) -> None:
    refs = [ref for flow in catalog.flows.values() for ref in contact_refs(flow)]
    assert len(refs) > 20
    assert [(where, c) for where, c in refs if c not in catalog.contacts] == []
    for c in catalog.contacts.values():
        assert c.phone or c.email or c.web or c.address or c.notes, c.id


def all_strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for v in data.values():
            yield from all_strings(v)
    elif isinstance(data, list):
        for v in data:
            yield from all_strings(v)


def test_no_secret_is_asked_and_every_address_is_https(catalog: Catalog) -> None:
    asked = [(f.id, q) for f in catalog.flows.values() for q in f.questions()]
    assert [
        (fid, q.id)
        for fid, q in asked
        if q.kind not in SECRET_KINDS and FORBIDDEN.search(f"{q.id.replace('_', ' ')} {q.prompt}")
    ] == []
    assert FORBIDDEN.search("Your date of birth") and not FORBIDDEN.search("CMSNet user ID")
    texts = [
        t
        for path in sorted(FLOWS.rglob("*.yaml"))
        for t in all_strings(yaml.safe_load(path.read_text(encoding="utf-8")))
    ]
    schemes = {m.lower() for t in texts for m in re.findall(r"\b([a-z]+)://", t, re.I)}
    assert schemes == {"https"}
    urls = [link.url for f in catalog.flows.values() for s in f.steps for link in s.links]
    urls += [c.web for c in catalog.contacts.values() if c.web]
    assert [u for u in urls if not u.startswith(("https://", "mailto:"))] == []


# --- the CDPH e-mails ---------------------------------------------------------------------

# 000: step 1 (exact subject), step 18 and the closing contact paragraph (subject includes).
SUBJECT_RULES: dict[str, Callable[[str], bool]] = {
    "ePOC - CMS Training": lambda s: s == "ePOC - CMS Training",
    "ePOC Activation": lambda s: "ePOC Activation" in s,
    "ASPEN ePOC Provider Access Request": lambda s: "ASPEN ePOC Provider Access Request" in s,
}


def email_steps(catalog: Catalog, to: str | None = None) -> list[Step]:
    return list(
        {
            s.id: s
            for f in catalog.flows.values()
            for s in f.steps
            if s.email and (to is None or s.email.to == to)
        }.values()
    )


def test_cdph_emails_have_the_required_subjects_and_facts(catalog: Catalog) -> None:
    steps = email_steps(catalog, "cdph_aspen_help")
    matched = {
        rule: [s.id for s in steps if s.email and ok(s.email.subject)]
        for rule, ok in SUBJECT_RULES.items()
    }
    assert all(len(ids) == 1 for ids in matched.values()), matched
    assert len(steps) == len(SUBJECT_RULES)
    for s in steps:
        assert s.email is not None
        for field in ("{facility_name}", "{facility_id}", "{ccn}"):
            assert field in s.email.body, (s.id, field)
        assert catalog.contacts[s.email.to].email == "CDPH-ASPEN-HELP@cdph.ca.gov"


def test_every_email_names_its_facility_and_says_why(catalog: Catalog) -> None:
    steps = email_steps(catalog)
    assert {s.id for s in steps} >= {"pso_missing", "role_not_approved"}
    for s in steps:
        assert s.email is not None and s.email.why.strip()
        assert catalog.contacts[s.email.to].email, s.id  # a contact with an address
        if s.email.to != "assister_library":
            assert "{ccn}" in s.email.body and "{facility_name}" in s.email.body, s.id
    # An e-mail no source prescribes says that its wording is the wizard's own.
    for s in email_steps(catalog, "iqies_service_center"):
        assert s.email is not None and "the wizard's suggestion" in s.email.why
