"""The journey loop: show a step, ask its questions, save, ask what next, repeat.

The same loop serves the keyboard and answers files, because both are an ``Asker``.
Every answer and every step change is saved before the next question, so an
interruption at any prompt loses nothing that was answered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from epoc_wizard.core import engine
from epoc_wizard.core.answers import validator
from epoc_wizard.core.journey import Journey
from epoc_wizard.errors import Interrupted, JourneyChanged, StateError
from epoc_wizard.flowspec.model import Flow, Step
from epoc_wizard.state.store import Store
from epoc_wizard.ui import Asker
from epoc_wizard.ui.show import View

if TYPE_CHECKING:
    from epoc_wizard.outputs.drafts import Draft


class Session:
    def __init__(
        self, flow: Flow, store: Store, asker: Asker, view: View, clock: Callable[[], dt.datetime]
    ) -> None:
        self.flow = flow
        self.store = store
        self.asker = asker
        self.view = view
        self.clock = clock
        #: What to do today about the due date, once said in this session.
        self._told: set[str] = set()
        #: Secret answers, for this session only. Never saved, never shown.
        self.secrets: dict[str, Any] = {}

    def save(self, journey: Journey) -> Journey:
        journey = engine.summarize(self.flow, journey, self.clock())
        self.store.save(journey)
        return journey

    def run(self, journey: Journey) -> Journey:
        """Walk the journey until it is finished or the person stops; return it as saved.

        Ctrl-C or Ctrl-D raises ``Interrupted`` carrying the journey id, after everything
        answered so far has been saved. A journey saved under another version of the
        flow is first fitted to this one (``reconcile.py``), and the person is told how.
        """
        from epoc_wizard.core.reconcile import reconcile

        journey, changes = reconcile(self.flow, journey)
        if changes:
            self.view.notice("This path was updated since you last worked on it", changes)
        try:
            journey = self.save(journey)
            while True:
                try:
                    return self._loop(journey)
                except JourneyChanged as changed:
                    journey = self._reload(changed)
        except Interrupted:
            raise Interrupted(journey.id) from None

    def _reload(self, changed: JourneyChanged) -> Journey:
        """Another window (or ``epoc-wizard edit``) changed this journey: carry on from
        what it saved, and say so. A journey deleted meanwhile ends the session."""
        if changed.deleted:
            raise changed
        from epoc_wizard.core.reconcile import reconcile

        journey, _ = reconcile(self.flow, self.store.load(changed.journey_id))
        self.view.notice(
            "This journey was changed in another window",
            "It was changed (for example by 'epoc-wizard edit') while it was "
            "open here, so your last answer here was not saved over that "
            "change. Carrying on from what was saved; a question that is "
            "still open is asked again.",
        )
        return journey

    def _loop(self, journey: Journey) -> Journey:
        went_back = False
        while True:
            step = engine.current_step(self.flow, journey)
            if step is None:
                self.view.finished(self.flow, journey)
                return journey
            now = self.clock()
            self._survey_clock(journey, now)
            self.view.step(self.flow, journey, step, now)
            draft, saved_as = self._draft(journey, step)
            while questions := engine.open_questions(step, journey, self.secrets):
                q = questions[0]
                if q.identifies == "facility_ccn" and journey.facility and not q.default:
                    # Given with --facility but not yet checked against the state: offered.
                    q = q.model_copy(update={"default": journey.facility})
                value = self.asker.ask(q, validator(q, journey.answers))
                if q.secret:
                    self.secrets[q.id] = value
                    self.view.info("Checked. (This value is not saved anywhere.)")
                else:
                    journey = self.save(engine.apply_answer(journey, q, value, self.clock()))
            if engine.current_step(self.flow, journey) != step:
                continue  # an answer changed which steps apply
            if went_back:
                self._say_how_to_change(journey, step)
                went_back = False
            waiting = journey.record(step.id).status == "waiting"
            shown = engine.visible_steps(self.flow, journey.answers)
            action = self.asker.action(step, waiting=waiting, can_go_back=shown.index(step) > 0)
            if action in ("done", "waiting"):
                journey = self.save(engine.mark(self.flow, journey, step.id, action, self.clock()))
            if action == "waiting":
                self.view.info(
                    f"Saved. Waiting for {step.wait.for_ if step.wait else 'it'}. "
                    f"Come back then with: epoc-wizard resume {journey.id}"
                )
                return journey
            if action == "later":
                self.view.info(f"Saved. To continue, run: epoc-wizard resume {journey.id}")
                return journey
            elif action == "back":
                journey = self.save(engine.go_back(self.flow, journey, now))
                went_back = True
            elif action == "contacts":
                ids = [step.contact] if step.contact else []
                ids += [c for c in self.flow.contacts if c not in ids]
                self.view.contacts(
                    [self.flow.contact_book[c] for c in ids if c in self.flow.contact_book]
                )
            elif action == "links":
                self._open(
                    step.links[0].url
                    if len(step.links) == 1
                    else self.asker.choose(
                        "Which link?", [(lk.url, f"{lk.title} ({lk.url})") for lk in step.links]
                    )
                )
            elif action == "email" and draft is not None:
                self._open(
                    draft.mailto(),
                    fallback=(
                        f"No mail program could be opened here. The e-mail is saved as "
                        f"{saved_as}: open that file, or copy the text shown above."
                        if saved_as
                        else None
                    ),
                )

    def _survey_clock(self, journey: Journey, now: dt.datetime) -> None:
        """Before each step of a journey with a plan-of-correction due date: the days
        left and whether access will be ready in time; what to do today, once a session."""
        if journey.deadline is None:
            return
        from epoc_wizard.core.deadline import lines, plan

        p = plan(journey.model_dump(mode="json"), now)
        if p is None:
            return
        said = [line for line in lines(p) if line not in self._told]
        self._told.update(line for line in said if line.startswith("Do today"))
        if p.fits:
            self.view.info(" ".join(said))
        else:
            self.view.notice("Survey clock", "\n".join(said))

    def _draft(self, journey: Journey, step: Step) -> tuple[Draft | None, Path | None]:
        """Show (and save as .eml) the e-mail this step asks the person to send; the
        draft, and where it was saved."""
        if step.email is None:
            return None, None
        from epoc_wizard.outputs import drafts

        draft = drafts.draft_for(self.flow, journey, step)
        if draft is None:
            return None, None
        refused = None
        try:
            saved: Path | None = drafts.save(
                draft, drafts.drafts_dir(self.store.directory, journey), self.clock()
            )
        except StateError as exc:  # a link or odd file where the draft goes: say so
            saved, refused = None, exc.message
        except OSError:
            saved = None
        self.view.draft(draft, saved)
        if refused:
            self.view.info(refused)
        return draft, saved

    def _say_how_to_change(self, journey: Journey, step: Step) -> None:
        """Going back reopens a step, not its answers: say, just above the menu, how to
        change one (this session then carries on from what ``edit`` saved)."""
        kept = [q for q in step.questions if q.id in journey.answers]
        if kept:
            lines = [
                f"  {q.short_label}: {q.display(journey.answers[q.id])}   [{q.id}]" for q in kept
            ]
            self.view.info(
                "Your answers at this step are kept:\n" + "\n".join(lines) + "\n"
                f"To change one, run: epoc-wizard edit {journey.id} {kept[0].id} "
                "(or the name in brackets of another answer), in another window "
                'or after "I\'ll do this later".'
            )

    def _open(self, url: str, fallback: str | None = None) -> None:
        import webbrowser

        opened = False
        try:
            opened = webbrowser.open(url)
        except webbrowser.Error:
            opened = False
        self.view.info(
            f"Opened {url[:80]}{'...' if len(url) > 80 else ''}."
            if opened
            else fallback or f"Nothing could be opened here. Copy this address: {url}"
        )
