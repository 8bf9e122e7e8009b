"""What ``start``, ``resume`` and ``reset`` do, behind the thin command line.

Choosing the journey (a new one, the unfinished one for the same facility, the most
recent one), warning about retired flows, and picking how to ask (keyboard, plain,
answers file) live here; the loop itself is ``session.Session``.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from epoc_wizard import clock
from epoc_wizard.catalog import Catalog, load_catalog
from epoc_wizard.checks import check_ccn
from epoc_wizard.errors import UsageError
from epoc_wizard.journey import Journey
from epoc_wizard.model import Flow
from epoc_wizard.session import Session
from epoc_wizard.store import Store
from epoc_wizard.ui import Asker
from epoc_wizard.ui.scripted import AnswersFile, Scripted, read_answers_file
from epoc_wizard.ui.show import View

PROVIDER_LABELS = {"nursing_home": "a nursing home (skilled nursing or long-term care)",
                   "hospice": "a hospice", "home_health": "a home health agency",
                   "state_agency": "a state survey agency", "assister": "an assister"}


def plain_wanted(flag: bool) -> bool:
    return flag or bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb"


@dataclass
class Context:
    """Everything one interactive or scripted run needs."""

    catalog: Catalog
    store: Store
    asker: Asker
    view: View
    answers: AnswersFile | None

    def session(self, flow: Flow) -> Session:
        return Session(flow, self.store, self.asker, self.view, clock.now)


def make_context(answers_path: Path | None, plain: bool) -> Context:
    answers = read_answers_file(answers_path) if answers_path else None
    asker: Asker
    if answers is not None:
        asker = Scripted(answers)
    elif not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("There is no terminal here to ask questions on. Run this in a "
                         "terminal, or give the answers in a file with --answers FILE "
                         "(see 'epoc-wizard start --help').")
    elif plain_wanted(plain):
        from epoc_wizard.ui.plain import PlainPrompter

        asker = PlainPrompter()
    else:
        from epoc_wizard.ui.ask import Prompter

        asker = Prompter()
    return Context(load_catalog(), Store(), asker, View(plain=plain_wanted(plain)), answers)


def normalize_facility(value: str | None) -> str | None:
    if value is None:
        return None
    result = check_ccn(value)
    if not result.ok:
        raise UsageError(f"--facility {value!r}: {result.message}")
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
    from epoc_wizard.journey import Journey

    out = [Journey.model_validate(j) for j in store.journeys().values()
           if not j.get("finished")]
    return sorted(out, key=lambda j: j.updated, reverse=True)


def _check_retired(ctx: Context, flow: Flow) -> Flow:
    """Say plainly when a flow is retired for some providers; offer the replacement."""
    r = flow.retired
    if r is None:
        return flow
    replacement = ctx.catalog.get(r.replacement)
    ctx.view.notice(f"Retired on {r.on:%d %B %Y} for "
                    + ", ".join(p.replace("_", " ") + "s" for p in r.for_), r.message)
    if ctx.answers is not None:
        provider = ctx.answers.answers.get("provider_type")
        return replacement if provider in r.for_ else flow
    whom = " or ".join(PROVIDER_LABELS.get(p, p.replace("_", " ")) for p in r.for_)
    if not ctx.asker.confirm(f"Is this for {whom}?", default=True):
        return flow
    pick = ctx.asker.choose("What would you like to do?", [
        (replacement.id, f"Use '{replacement.title}' instead (recommended)"),
        (flow.id, "Continue with the retired steps anyway (for the record)")])
    return replacement if pick == replacement.id else flow


def start(ctx: Context, flow_id: str | None, facility: str | None) -> Journey:
    if flow_id is None and ctx.answers is not None:
        flow_id = ctx.answers.data.get("flow")
    if flow_id is None:
        flow_id = ctx.asker.choose("Which path do you need?", [
            (f.id, f"{f.title}: {f.summary}") for f in ctx.catalog.flows.values()])
    flow = _check_retired(ctx, ctx.catalog.get(flow_id))
    if facility is None and ctx.answers is not None:
        if ctx.answers.data.get("facility") is not None:
            facility = normalize_facility(str(ctx.answers.data["facility"]))
        else:  # a wrong CCN here is reported by the question's own check, later
            ccn = check_ccn(str(ctx.answers.answers.get("ccn", "")))
            facility = ccn.value if ccn.ok else None
    # Without a facility yet, any unfinished journey of this flow may be the one meant.
    same = [j for j in _unfinished(ctx.store)
            if j.flow == flow.id and (facility is None or j.facility == facility)]
    if same:
        j = same[0]
        where = f" for {j.facility}" if j.facility else ""
        pick = ctx.asker.choose(
            f"You already have an unfinished '{flow.title}' journey{where} ({j.id}).", [
                ("resume", "Continue that journey (recommended)"),
                ("new", "Start a separate new journey")])
        if pick == "resume":
            return ctx.session(flow).run(j)
    now = clock.now()
    taken = set(ctx.store.journeys())
    answers = {"ccn": facility} if facility and flow.question("ccn") else {}
    journey = Journey(id=_new_id(flow.id, facility, taken), flow=flow.id,
                      flow_version=flow.version, facility=facility, created=now, updated=now,
                      answers=answers)
    ctx.view.info(f"Starting '{flow.title}' as journey {journey.id}. Your answers are saved "
                  "as you go; press Ctrl-C at any time to stop.")
    return ctx.session(flow).run(journey)


def resume(ctx: Context, journey_id: str | None, facility: str | None) -> Journey:
    if journey_id is not None:
        journey = ctx.store.load(journey_id)
    else:
        candidates = [j for j in _unfinished(ctx.store)
                      if facility is None or j.facility == facility]
        if not candidates:
            raise UsageError("There is no unfinished journey to resume"
                             + (f" for {facility}" if facility else "")
                             + ". Start one with: epoc-wizard start")
        journey = candidates[0]
        if len(candidates) > 1 and ctx.answers is None:
            pick = ctx.asker.choose("Which journey do you want to continue?", [
                (j.id, f"{j.id}: {j.summary.flow_title}, {j.summary.done}/{j.summary.total} "
                       f"steps" + (f", next: {j.summary.step_title}" if j.summary.step_title
                                   else "")) for j in candidates])
            journey = next(j for j in candidates if j.id == pick)
    flow = ctx.catalog.get(journey.flow)
    from epoc_wizard.reconcile import reconcile

    journey, changes = reconcile(flow, journey)
    if changes:
        ctx.view.notice("This path was updated since you last worked on it", changes)
    ctx.view.info(f"Resuming {journey.id}: {flow.title}.")
    return ctx.session(flow).run(journey)
