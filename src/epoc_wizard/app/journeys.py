"""What ``start``, ``resume`` and ``reset`` do, behind the thin command line.

Choosing the journey (a new one, the unfinished one for the same facility, the most
recent one), warning about retired flows, and picking how to ask (keyboard, plain,
answers file) live here; the loop itself is ``session.Session``.

What only matters after the first question (the engine, the journey model, the input
checks) is imported inside the functions that use it: the first question of ``start``
comes up that much sooner (docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from epoc_wizard.app.context import Context
from epoc_wizard.app.triage import run_triage
from epoc_wizard.errors import UsageError, WizardError
from epoc_wizard.flowspec.model import Flow, Question
from epoc_wizard.flowspec.outline import one, whom
from epoc_wizard.words import long_date

if TYPE_CHECKING:
    from epoc_wizard.core.journey import Journey
    from epoc_wizard.state.store import Store


def run_journey_command(
    ctx: Context,
    name: str,
    target: str | None,
    facility: str | None,
    dates: dict[str, str | None] | None = None,
    *,
    quiet: bool = False,
) -> None:
    """``start [FLOW]`` or ``resume [JOURNEY]``: the one function both ways in call.

    Mistakes in the command line itself (a bad CCN, an unknown flow, a date that is not
    one) are reported first, before anything about the terminal or the answers file.
    ``dates`` are ``start``'s ``--due`` and ``--received``: the plan of correction's
    dates, by what they set (``poc_letter_due``, ``poc_received``). ``quiet`` (with an
    answers file) prints one line per journey instead of every step (issue 15)."""
    facility = normalize_facility(facility)
    given = _dates(dates or {})
    if quiet and ctx.answers_path is None and ctx.answers is None:
        raise UsageError(
            "--quiet works with --answers FILE: at the keyboard, the steps are what you "
            "answer, so they are always shown."
        )
    if name == "start" and target is not None:
        ctx.catalog.get(target)
    ctx.ask()
    ctx.store.journeys()  # a damaged state file is reported before any question is asked
    if name == "start":
        say_if_stale(ctx)
        if ctx.answers is not None and "facilities" in ctx.answers.data:
            start_batch(ctx, target, quiet=quiet)
            return
    run = silenced(ctx) if quiet else ctx
    journey = (
        start(run, target, facility, given) if name == "start" else resume(run, target, facility)
    )
    if quiet and journey is not None:
        _say_lines([one_line(journey, ctx.now())])


def _say_lines(lines: list[str]) -> None:
    """Lines a script may read, one per journey: printed whole, never wrapped."""
    from epoc_wizard.words import printable

    for line in lines:
        print(printable(line), flush=True)


def silenced(ctx: Context) -> Context:
    """The same world with a view that shows nothing (``--quiet``): step panels, notices
    and drafts are drawn into memory and dropped. Errors still reach stderr."""
    import dataclasses
    import io

    from rich.console import Console

    from epoc_wizard.ui.show import View

    quiet = View(plain=True, console=Console(file=io.StringIO(), width=100))
    return dataclasses.replace(ctx, _view=quiet)


def one_line(journey: Journey, now: dt.datetime) -> str:
    """A journey in one line, for batches: facility, id, steps done, where it stands."""
    s = journey.summary
    head = f"{journey.facility or journey.label or '-'}  {journey.id}  {s.done}/{s.total} steps"
    record = journey.record(s.step_id or "")
    if journey.finished:
        return f"{head}  finished"
    if record.status == "waiting" and record.wait:
        from epoc_wizard.dates import describe_wait

        w = record.wait
        return f"{head}  waiting for {w.wait_for}: {describe_wait(w.since, w.due, now)}"
    return f"{head}  next: {s.step_title}" if s.step_title else head


_DATE_OPTIONS = {"poc_letter_due": "--due", "poc_received": "--received"}


def _dates(dates: dict[str, str | None]) -> dict[str, str]:
    """The dates given on the command line, checked like the date questions."""
    from epoc_wizard.core.answers import check_date

    out = {}
    for sets, raw in dates.items():
        if raw is None:
            continue
        result = check_date(raw)
        if not result.ok:
            from epoc_wizard.checks import echo

            raise UsageError(f"{_DATE_OPTIONS[sets]} {echo(raw)}: {result.message}")
        out[sets] = str(result.value)
    return out


def normalize_facility(value: str | None, where: str = "--facility") -> str | None:
    if value is None:
        return None
    from epoc_wizard.checks import check_ccn, echo

    result = check_ccn(value)
    if not result.ok:
        raise UsageError(f"{where} {echo(value)}: {result.message}")
    return result.value


def _new_id(flow_id: str, facility: str | None, taken: set[str]) -> str:
    base = f"{flow_id}-{facility}" if facility else flow_id
    base = re.sub(r"[^A-Za-z0-9_-]", "-", base)
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _unfinished(store: Store) -> list[Journey]:
    # store.journey: a damaged entry is a StateError with a sentence, never a traceback.
    out = [store.journey(jid, j) for jid, j in store.journeys().items() if not j.get("finished")]
    return sorted(out, key=lambda j: j.updated, reverse=True)


def _provider_question(flow: Flow) -> Question | None:
    """The flow's question whose choices are the provider types its moves name."""
    named = {p for r in flow.retired for p in r.for_}
    return next(
        (
            q
            for q in flow.questions()
            if q.kind == "select" and named <= {o.value for o in q.options or []}
        ),
        None,
    )


def _check_retired(ctx: Context, flow: Flow, provider: Any) -> tuple[Flow, dict[str, Any]]:
    """Say plainly, with dates, what of a legacy flow moved elsewhere; for a provider
    whose use moved, offer (or, when known, take) the flow that replaces it.

    Without a provider yet, the flow's own provider question is asked here, once: its
    answer is carried into whichever flow is followed (issue 15: no "Is this for a
    nursing home?" followed by the same question again)."""
    if not flow.retired:
        return flow, {}
    ctx.view.notice(
        "Legacy path: parts of it have moved",
        "\n".join(
            f"{r.what}, for {whom(r.for_)}: moved on {long_date(r.on)}. {r.message}\n"
            f"  (Source: {flow.cite(r.source)})"
            for r in flow.retired
        ),
    )
    carried: dict[str, Any] = {}
    if provider is None and ctx.answers is not None:
        return flow, carried  # the file names this flow: it is followed, in its order
    if provider is None:
        question = _provider_question(flow)
        if question is None:
            return _check_retired_unnamed(ctx, flow), {}
        from epoc_wizard.core.answers import validator

        provider = ctx.ask().ask(question, validator(question, {}))
        carried = {question.id: provider}
    moved = next((r for r in flow.retired if provider in r.for_), None)
    if moved is None:
        return flow, carried
    replacement = ctx.catalog.get(moved.replacement)
    whose = one(str(provider))
    if ctx.answers is not None:  # the file names this flow: it is followed, with a word
        ctx.view.info(
            f"For {whose} the current path is '{replacement.title}' (epoc-wizard start "
            f"{replacement.id}). The legacy steps follow because {ctx.answers.name} "
            "names this flow."
        )
        return flow, carried
    pick = ctx.ask().choose(
        f"This is for {whose}. What would you like to do?",
        [
            (replacement.id, f"Use '{replacement.title}' instead (recommended)"),
            (flow.id, "Continue with the legacy steps anyway (for the record)"),
        ],
    )
    return (flow if pick == flow.id else replacement), carried


def _check_retired_unnamed(ctx: Context, flow: Flow) -> Flow:
    """A legacy flow with no provider question: ask whether the move applies."""
    providers = list(dict.fromkeys(p for r in flow.retired for p in r.for_))
    asked = " or ".join(one(p) for p in providers)
    if not ctx.ask().confirm(f"Is this for {asked}?", default=True):
        return flow
    targets = list(dict.fromkeys(r.replacement for r in flow.retired))
    pick = ctx.ask().choose(
        "What would you like to do?",
        [(t, f"Use '{ctx.catalog.get(t).title}' instead (recommended)") for t in targets]
        + [(flow.id, "Continue with the legacy steps anyway (for the record)")],
    )
    return flow if pick == flow.id else ctx.catalog.get(pick)


def _preset(flow: Flow, values: dict[str, Any]) -> dict[str, Any]:
    """The preset answers this flow asks for, and only those its checks accept."""
    from epoc_wizard.core.answers import check_answer

    out: dict[str, Any] = {}
    for qid, value in values.items():
        q = flow.question(qid)
        # A CCN or ZIP is checked against its state: without the state, it is asked.
        if q is not None and not q.secret and (q.state_from is None or q.state_from in out):
            result = check_answer(q, value, out)
            if result.ok:
                out[qid] = result.value
    return out


#: Content older than this (against the clock) is flagged when a journey starts.
STALE_DAYS = 180


def say_if_stale(ctx: Context) -> None:
    """One line when the content was last checked more than STALE_DAYS ago."""
    checked = ctx.catalog.checked()
    if checked is None or (ctx.now().date() - checked).days <= STALE_DAYS:
        return
    news = ctx.catalog.sources.get("qtso-news")
    where = f" at {news.url}" if news and news.url else ""
    ctx.view.info(
        f"This guidance was last checked on {long_date(checked)}, more than {STALE_DAYS} days "
        f"ago, and CMS changes its systems often: check QTSO's news{where} before you rely "
        "on a date ('epoc-wizard sources' lists every document and its date)."
    )


def start(
    ctx: Context,
    flow_id: str | None,
    facility: str | None,
    dates: dict[str, str] | None = None,
) -> Journey | None:
    if ctx.answers is not None and "facilities" in ctx.answers.data:
        start_batch(ctx, flow_id)
        return None
    preset: dict[str, Any] = {}
    if flow_id is None and ctx.answers is not None:
        flow_id = ctx.answers.data.get("flow")
    if flow_id is None:
        flow_id, preset = run_triage(ctx)
        if flow_id is None:  # triage has said why
            return None
    provider = (
        ctx.answers.answers.get("provider_type")
        if ctx.answers is not None
        else preset.get("provider_type")
    )
    flow, carried = _check_retired(ctx, ctx.catalog.get(flow_id), provider)
    preset = {**preset, **carried}
    facility_q = flow.identifying("facility_ccn")
    if facility is not None and ctx.answers is not None and facility_q is not None:
        from epoc_wizard.checks import check_ccn

        given = ctx.answers.answers.get(facility_q.id)
        ccn = check_ccn(str(given)) if given is not None else None
        if ccn is not None and ccn.ok and ccn.value != facility:
            raise UsageError(
                f"--facility {facility} and the CCN in {ctx.answers.name} ({ccn.value}) "
                "differ, so the journey would be filed under the wrong facility.",
                "Give the same CCN in both, or leave out --facility.",
            )
    if facility is None and ctx.answers is not None:
        if ctx.answers.data.get("facility") is not None:
            facility = normalize_facility(
                str(ctx.answers.data["facility"]), f"{ctx.answers.name}: facility"
            )
        elif facility_q is not None:  # a wrong CCN is reported by its own check, later
            from epoc_wizard.checks import check_ccn

            ccn = check_ccn(str(ctx.answers.answers.get(facility_q.id, "")))
            facility = ccn.value if ccn.ok else None
    # Without a facility yet, any unfinished journey of this flow may be the one meant.
    same = [
        j
        for j in _unfinished(ctx.store)
        if j.flow == flow.id and (facility is None or j.facility == facility)
    ]
    if same:
        j = same[0]
        where = f" for {j.facility}" if j.facility else ""
        pick = ctx.ask().choose(
            f"You already have an unfinished '{flow.title}' journey{where} ({j.id}).",
            [
                ("resume", "Continue that journey (recommended)"),
                ("new", "Start a separate new journey"),
            ],
        )
        if pick == "resume":
            return ctx.run(flow, j)
    from epoc_wizard.core.engine import apply_answer, summarize
    from epoc_wizard.core.journey import Journey

    now = ctx.now()
    given = {facility_q.id: facility} if facility and facility_q is not None else {}
    by_date = {q.sets: q.id for q in flow.questions() if q.sets}
    for sets, value in (dates or {}).items():
        if sets in by_date:
            given[by_date[sets]] = value
        else:
            ctx.view.info(
                f"{_DATE_OPTIONS[sets]} is not used: '{flow.title}' has no plan-of-correction "
                "due date."
            )
    answers = _preset(flow, {**preset, **given})

    def new(taken: set[str]) -> Journey:
        journey = Journey(
            id=_new_id(flow.id, facility, taken),
            flow=flow.id,
            flow_version=flow.version,
            facility=facility,
            created=now,
            updated=now,
            answers=answers,
        )
        for q in flow.questions():  # preset dates set the due date as typed ones do
            if q.sets and answers.get(q.id):
                journey = apply_answer(journey, q, answers[q.id], now)
        return summarize(flow, journey, now)

    journey = ctx.store.create(new)
    ctx.view.info(
        f"Starting '{flow.title}' as journey {journey.id}. Your answers are saved "
        "as you go; press Ctrl-C at any time to stop."
    )
    return ctx.run(flow, journey)


def start_batch(ctx: Context, flow_id: str | None, *, quiet: bool = False) -> None:
    """One journey per facility listed under ``facilities:`` in the answers file.

    Each entry is ``{facility: CCN, answers: {...}}``; its answers are added to the
    file's shared ``answers``. A facility whose answers are refused is reported and the
    others go on; the run fails at the end if any did. The run ends with one line per
    facility; with ``quiet`` that is all it prints (issue 15: ten facilities printed
    about 2,500 lines of step panels).
    """
    assert ctx.answers is not None
    entries = ctx.answers.data["facilities"]
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and e.get("facility") for e in entries
    ):
        raise UsageError(
            f"{ctx.answers.name}: 'facilities' must be a list of entries like "
            "{facility: '056304', answers: {...}}."
        )
    failed = []
    lines = []
    for entry in entries:
        own = entry.get("answers") or {}
        answers = {
            "ccn": str(entry["facility"]),
            **ctx.answers.answers,
            **(own if isinstance(own, dict) else {}),
        }
        data = {**ctx.answers.data, "facility": str(entry["facility"]), "answers": answers}
        data.pop("facilities")
        from epoc_wizard.ui.scripted import AnswersFile

        one = AnswersFile(data, f"{ctx.answers.name} (facility {entry['facility']})")
        sub = ctx.with_answers(one)
        if quiet:
            sub = silenced(sub)
        try:
            journey = start(
                sub,
                flow_id,
                normalize_facility(str(entry["facility"]), f"{ctx.answers.name}: facility"),
            )
        except WizardError as exc:
            failed.append(str(entry["facility"]))
            if not quiet:
                ctx.view.info(exc.message)
            why = exc.message if quiet else "see why above"
            lines.append(f"{entry['facility']}  NOT DONE: {why}")
            continue
        if journey is not None:
            lines.append(one_line(journey, ctx.now()))
    done = len(entries) - len(failed)
    lines.append(
        f"Started or continued {done} of {len(entries)} facilities."
        + (f" Not done: {', '.join(failed)}." if failed else "")
    )
    if not quiet:
        ctx.view.info("")
    _say_lines(lines)
    if failed:
        raise WizardError(
            f"{len(failed)} of {len(entries)} facilities could not be "
            "started; see the messages above."
        )


def resume(ctx: Context, journey_id: str | None, facility: str | None) -> Journey:
    if journey_id is not None:
        journey = ctx.store.load(journey_id)
    else:
        candidates = [
            j for j in _unfinished(ctx.store) if facility is None or j.facility == facility
        ]
        if not candidates:
            raise UsageError(
                "There is no unfinished journey to resume"
                + (f" for {facility}" if facility else "")
                + ". Start one with: epoc-wizard start"
            )
        journey = candidates[0]
        if len(candidates) > 1 and ctx.answers is None:
            pick = ctx.ask().choose(
                "Which journey do you want to continue?",
                [
                    (
                        j.id,
                        f"{j.id}: {j.summary.flow_title}, {j.summary.done}/{j.summary.total} "
                        f"steps"
                        + (f", next: {j.summary.step_title}" if j.summary.step_title else ""),
                    )
                    for j in candidates
                ],
            )
            journey = next(j for j in candidates if j.id == pick)
    flow = ctx.catalog.get(journey.flow)
    ctx.view.info(f"Resuming {journey.id}: {flow.title}.")  # the session reconciles versions
    return ctx.run(flow, journey)


def delete(store: Store, journey_id: str) -> str:
    """``reset``: delete the journey's saved progress, then its e-mail drafts, which name
    the facility (never through a link: ``outputs/drafts.remove_drafts``)."""
    from epoc_wizard.outputs.drafts import remove_drafts
    from epoc_wizard.words import plural

    store.delete(journey_id)
    removed = remove_drafts(store.directory, journey_id)
    drafts = plural(removed.count, "e-mail draft", "e-mail drafts")
    said = f"Deleted {journey_id}" + (f" and its {drafts}" if removed.count else "") + "."
    if removed.left:
        said += f" Its e-mail drafts were not all deleted: {removed.left}"
    return said
