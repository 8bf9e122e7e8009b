"""The journey loop: show a step, ask its questions, save, ask what next, repeat.

The same loop serves the keyboard and answers files, because both are an ``Asker``.
Every answer and every step change is saved before the next question, so an
interruption at any prompt loses nothing that was answered.

Answers are changed in place (issue 15), as GOV.UK's "check your answers": going back
to a step asks its questions again with the saved answers offered (Enter keeps each),
then what follows is worked out again from the answers; a step with several answers
ends with them on one screen and "Looks right" or "Change an answer"; and "Change an
answer at this step" in the step menu asks one again. ``edit`` is for changes outside
a session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from epoc_wizard.core import engine
from epoc_wizard.core.answers import Checked, validator
from epoc_wizard.core.journey import Journey
from epoc_wizard.errors import Interrupted, JourneyChanged, StateError
from epoc_wizard.flowspec.model import Flow, Question, Step
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
        #: Secret answers, for this session only. Never saved, never shown.
        self.secrets: dict[str, Any] = {}

    def save(self, journey: Journey) -> Journey:
        had_access = journey.summary.access is not None
        journey = engine.summarize(self.flow, journey, self.clock())
        self.store.save(journey)
        if journey.summary.access is not None and not had_access:
            self._on_the_roster(journey)
        return journey

    def _on_the_roster(self, journey: Journey) -> None:
        """The journey's role was just granted: put it on the access roster, and say so."""
        from epoc_wizard.app.granted import from_journey

        said = from_journey(self.store, self.flow, journey)
        if said:
            self.view.info(said)

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
        except (Interrupted, KeyboardInterrupt):
            # Ctrl-C at a prompt, or between two (a KeyboardInterrupt): either way the
            # journey is saved up to the last answer, and the person is told its id.
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
        #: Answers of the step to ask again, with the saved answer offered: all of them
        #: after going back to a step, or the one picked with "Change an answer".
        again: set[str] = set()
        went_back = False
        while True:
            step = engine.current_step(self.flow, journey)
            if step is None:
                self.view.finished(self.flow, journey)
                return journey
            if went_back:
                again = {q.id for q in self._answered(journey, step)}
                went_back = False
            now = self.clock()
            self._survey_clock(journey, now)
            self.view.step(self.flow, journey, step, now)
            draft, saved_as = self._draft(journey, step)
            journey, asked = self._ask(journey, step, again)
            again = set()
            if engine.current_step(self.flow, journey) != step:
                continue  # an answer changed which steps apply
            if asked:
                journey = self._review(journey, step)
                if engine.current_step(self.flow, journey) != step:
                    continue
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
            elif action == "change":
                again = self._which(journey, step)
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
            elif action == "ticket":
                journey = self._ticket(journey, step)
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

    def _note(self, question: Question, value: Any, journey: Journey) -> None:
        """What a check says about an answer it accepted (a warning: a personal e-mail
        address; a reminder: a HARP user ID cannot be changed later), said once."""
        if value in ("", None) or question.kind not in ("new_harp_user_id", "work_email"):
            return
        checked = validator(question, journey.answers)(value)
        if checked.ok and checked.message:
            self.view.notice("Before you go on", checked.message)

    def _ticket(self, journey: Journey, step: Step) -> Journey:
        """Ask for a help desk's ticket number and keep it on this step."""
        from epoc_wizard.checks import check_ticket

        question = Question(
            id="ticket_number",
            prompt="The help desk's ticket number (like INC0012345)",
            help="It is in the help desk's e-mail, or they say it on the phone. It is kept "
            "with this step and shown in 'status', the record and this step's e-mails.",
        )

        def check(raw: Any) -> Checked:
            result = check_ticket("" if raw is None else str(raw))
            return Checked(result.ok, result.value, result.message)

        number = self.asker.ask(question, check)
        journey = self.save(journey.with_ticket(number, step.id, step.title, self.clock()))
        self.view.info(f"Saved ticket {number} for this step.")
        return journey

    def _survey_clock(self, journey: Journey, now: dt.datetime) -> None:
        """Before each step of a journey with a plan-of-correction due date: the days
        left, whether access will be ready in time, and what to do today if not."""
        if journey.deadline is None:
            return
        from epoc_wizard.core.deadline import lines, plan

        p = plan(journey.model_dump(mode="json"), now)
        if p is None:
            return
        said = lines(p, journey.id)  # what to do today too, at every step
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

    def _answered(self, journey: Journey, step: Step) -> list[Question]:
        """The step's questions shown and answered (secrets are never saved)."""
        return [
            q
            for q in engine.visible_questions(step, journey.answers)
            if not q.secret and q.id in journey.answers
        ]

    def _ask(self, journey: Journey, step: Step, again: set[str]) -> tuple[Journey, bool]:
        """Ask the step's open questions, and those in ``again`` with the saved answer
        offered (Enter keeps it), in the flow's order, each after the answers before it
        (a changed answer may show or hide a question). The journey as saved, and whether
        anything was asked. What a changed answer changed in the steps that apply is
        said, as ``edit`` says it."""
        again = set(again)
        changing = bool(again)
        before = [s.id for s in engine.visible_steps(self.flow, journey.answers)]
        asked = False
        while True:
            q = next(
                (
                    q
                    for q in engine.visible_questions(step, journey.answers)
                    if q.id in again or q.id not in (self.secrets if q.secret else journey.answers)
                ),
                None,
            )
            if q is None:
                break
            again.discard(q.id)
            asked = True
            if q.id in journey.answers:
                q = q.model_copy(update={"default": _offered(q, journey.answers[q.id])})
            elif q.identifies == "facility_ccn" and journey.facility and not q.default:
                # Given with --facility but not yet checked against the state: offered.
                q = q.model_copy(update={"default": journey.facility})
            value = self.asker.ask(q, validator(q, journey.answers))
            if q.secret:
                self.secrets[q.id] = value
                self.view.info("Checked. (This value is not saved anywhere.)")
            else:
                journey = self.save(engine.apply_answer(journey, q, value, self.clock()))
                self._note(q, value, journey)
        if not changing:
            return journey, asked
        after = [s.id for s in engine.visible_steps(self.flow, journey.answers)]
        added = [self.flow.step(s).title for s in after if s not in before]
        removed = [self.flow.step(s).title for s in before if s not in after]
        said = []
        if added:
            said.append("Steps that now apply: " + "; ".join(added) + ".")
        if removed:
            said.append("Steps that no longer apply: " + "; ".join(removed) + ".")
        if said:
            self.view.info("\n".join(said))
        return journey, asked

    def _review(self, journey: Journey, step: Step) -> Journey:
        """After the last question of a step with several answers: the answers on one
        screen, and "Looks right" or "Change an answer" (GOV.UK's "check your answers"),
        until they look right."""
        while len(answered := self._answered(journey, step)) >= 2:
            lines = [f"  {q.short_label}: {q.display(journey.answers[q.id])}" for q in answered]
            picked = self.asker.choose(
                "Check your answers at this step:\n" + "\n".join(lines),
                [("right", "Looks right"), ("change", "Change an answer")],
            )
            if picked != "change":
                break
            journey, _ = self._ask(journey, step, self._which(journey, step))
            if engine.current_step(self.flow, journey) != step:
                break
        return journey

    def _which(self, journey: Journey, step: Step) -> set[str]:
        """The answer of this step to change: the only one, or the one picked."""
        answered = self._answered(journey, step)
        if len(answered) < 2:
            return {q.id for q in answered}
        picked = self.asker.choose(
            "Which answer do you want to change?",
            [(q.id, f"{q.short_label}: {q.display(journey.answers[q.id])}") for q in answered],
        )
        return {picked}

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


def _offered(question: Question, value: Any) -> Any:
    """A saved answer as the prompts offer it again: a date as it is typed (MM/DD/YYYY)."""
    if question.kind == "date" and isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value).strftime("%m/%d/%Y")
        except ValueError:
            return value
    return value
