"""The survey clock: a plan of correction's due date, and whether access will be ready.

After a survey, the Statement of Deficiencies (Form CMS-2567) arrives, and a nursing
home has 10 calendar days from receiving it to submit its plan of correction (CDPH
All Facilities Letter 15-23, 7 December 2015, under 42 CFR 488.402(d)). The letter
that comes with the CMS-2567 is what governs: a due date printed on it wins over the
computed one. Getting iQIES access can take longer than that, so this module compares
the due date with the earliest date access can be ready:

* ``due`` is the letter's date if the person gave one, else the arrival date plus 10
  calendar days. It is a calendar date: it is never moved to another day by the
  viewer's time zone, and never moved off a weekend (the letter decides; the wizard
  only points out that offices are closed that day).
* ``ready`` walks the waits ahead (``summary.ahead``, saved by the engine), one after
  another from today: a wait already started ends on its due date, a flow's wait
  after its business days, a step with the wizard's own estimate after that many
  business days (the person can change an estimate). Counting them one after another
  is cautious: some can overlap.
* The plan fits when access is ready at least one day before the due date, so that
  there is a day to enter the plan itself.

Standard library only (plus ``dates``, which loads ``holidays`` when first used),
because ``status`` uses it on every run; nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from epoc_wizard.dates import as_date, as_time
from epoc_wizard.words import day

#: Calendar days from receiving the CMS-2567 to the plan of correction's due date.
POC_DAYS = 10

#: The documents the sentences below rest on: registry id and how people read it.
#: ``tests/test_deadline.py`` checks each against ``flows/sources.yaml``.
CITES = {
    "cdph-afl-15-23": "CDPH All Facilities Letter 15-23, 7 December 2015",
    "proactive-ltc-poc": "Proactive LTC Experts, Effective Plans of Correction (undated)",
    "mo-dhss-pso": "Missouri DHSS, iQIES Provider Security Official notice (about late 2022)",
    "cms-iqies-epoc-2025": "CMS iQIES access instructions for ePOC, 23 July 2025",
    "co-cohfi-faq": "Colorado CDPHE, COHFI survey tracking FAQs (undated)",
}


def poc_due(received: Any, letter_due: Any) -> tuple[dt.date, str] | None:
    """The due date and how it was found ("letter" or "received"), or None if neither
    date is known. The date printed on the letter wins."""
    letter = as_date(letter_due)
    if letter is not None:
        return letter, "letter"
    arrived = as_date(received)
    if arrived is not None:
        return arrived + dt.timedelta(days=POC_DAYS), "received"
    return None


@dataclass(frozen=True)
class Todo:
    """One thing to do today, and the registry ids it rests on ("" for the wizard's own)."""

    text: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    due: dt.date
    basis: str
    today: dt.date
    ready: dt.date
    #: The longest wait ahead: {"title", "business_days" or "until", "estimate"}.
    critical: dict[str, Any] | None
    todo: list[Todo] = field(default_factory=list)

    @property
    def days_left(self) -> int:
        return (self.due - self.today).days

    @property
    def fits(self) -> bool:
        return self.ready < self.due

    def as_json(self) -> dict[str, Any]:
        return {
            "due": self.due.isoformat(),
            "due_from": self.basis,
            "days_left": self.days_left,
            "ready_by": self.ready.isoformat(),
            "fits": self.fits,
            "critical": self.critical,
            "todo": [{"text": t.text, "sources": list(t.sources)} for t in self.todo],
        }


def _eastern_date(t: dt.datetime) -> dt.date:
    from epoc_wizard.dates import cms_timezone

    return t.astimezone(cms_timezone()).date()


def plan(journey: dict[str, Any], now: dt.datetime) -> Plan | None:
    """The plan for one journey (as the state file holds it), or None without a due date."""
    deadline = journey.get("deadline")
    if not isinstance(deadline, dict):
        return None
    found = poc_due(deadline.get("received"), deadline.get("letter_due"))
    if found is None:
        return None
    due, basis = found
    today = _eastern_date(now)  # the business calendar's today, as every date here
    ready, critical, overdue = _walk(journey, now)
    result = Plan(due=due, basis=basis, today=today, ready=max(ready, today), critical=critical)
    return Plan(**{**result.__dict__, "todo": _todo(result, journey, overdue)})


def schedule(journey: dict[str, Any], now: dt.datetime) -> list[tuple[dict[str, Any], dt.date]]:
    """Each wait ahead with the date it is expected to end, walked one after another from
    today (Eastern): a started wait on its due date, the others after their business days
    (the person's own estimate, where given, instead of the wizard's)."""
    from epoc_wizard.dates import add_business_days

    summary = journey.get("summary")
    ahead = summary.get("ahead") if isinstance(summary, dict) else None
    deadline = journey.get("deadline")
    changed = deadline.get("estimates") if isinstance(deadline, dict) else None
    changed = changed if isinstance(changed, dict) else {}
    cursor = _eastern_date(now)
    out: list[tuple[dict[str, Any], dt.date]] = []
    for item in ahead if isinstance(ahead, list) else []:
        if not isinstance(item, dict):
            continue
        until = as_time(item.get("until"))
        if until is not None:
            cursor = max(cursor, _eastern_date(until))
        else:
            days = changed.get(str(item.get("step_id")), item.get("business_days"))
            if not isinstance(days, int) or isinstance(days, bool) or days < 0:
                continue
            cursor = add_business_days(cursor, days)
            item = {**item, "business_days": days}
        out.append((item, cursor))
    return out


def _walk(
    journey: dict[str, Any], now: dt.datetime
) -> tuple[dt.date, dict[str, Any] | None, list[dict[str, Any]]]:
    cursor = _eastern_date(now)
    critical: dict[str, Any] | None = None
    longest = -1
    overdue: list[dict[str, Any]] = []
    for item, end in schedule(journey, now):
        title = str(item.get("title") or item.get("step_id") or "a wait")
        until = as_time(item.get("until"))
        if until is not None:
            if until < now:
                overdue.append(item)
            entry: dict[str, Any] = {
                "title": title,
                "until": end.isoformat(),
                "estimate": bool(item.get("estimate")),
                "step_id": str(item.get("step_id") or ""),
            }
        else:
            entry = {
                "title": title,
                "business_days": item["business_days"],
                "estimate": bool(item.get("estimate")),
                "step_id": str(item.get("step_id") or ""),
            }
        if (end - cursor).days > longest:
            longest, critical = (end - cursor).days, entry
        cursor = end
    return cursor, critical, overdue


def _todo(p: Plan, journey: dict[str, Any], overdue: list[dict[str, Any]]) -> list[Todo]:
    answers = journey.get("answers")
    answers = answers if isinstance(answers, dict) else {}
    steps = journey.get("steps")
    steps = steps if isinstance(steps, dict) else {}

    def done(step_id: str) -> bool:
        record = steps.get(step_id)
        return isinstance(record, dict) and record.get("status") in ("done", "skipped")

    out: list[Todo] = []
    deadline = journey.get("deadline")
    arrived = as_date(deadline.get("received")) if isinstance(deadline, dict) else None
    if arrived is not None and arrived > p.today:
        out.append(
            Todo(
                f"The CMS-2567 arrival date you gave, {day(arrived)}, is after today: check "
                f"it (epoc-wizard edit {journey.get('id')} poc_received)."
            )
        )
    if p.days_left < 0:
        out.append(
            Todo(
                f"The due date, {day(p.due)}, has passed. Contact the State Survey Agency "
                "office named on the letter with your CMS-2567 today.",
                ("cdph-afl-15-23",),
            )
        )
        return out
    if p.fits:
        return out
    no_pso = answers.get("has_pso") in ("no", "not_sure")
    if no_pso and answers.get("role_approved") is not True and not done("pso_missing"):
        out.append(
            Todo(
                "Find your organization's Provider Security Official (PSO): no role is "
                "approved without one, and the first PSO is approved by CMS. Ask "
                "your administrator or corporate office who holds the role; if nobody does, "
                "someone who works for you (not a vendor) requests it.",
                ("mo-dhss-pso",),
            )
        )
    elif no_pso and answers.get("role_approved") is not True:
        out.append(
            Todo(
                "Your organization's first PSO waits for CMS's approval, and no role is "
                "approved before it: ask the iQIES Service Center where it stands, and give "
                "your PSO's name and your CCN.",
                ("mo-dhss-pso",),
            )
        )
    if answers.get("proofing_ok") is False and not done("proofing_failed"):
        out.append(
            Todo(
                "HARP could not verify your identity: start HARP manual proofing today (the "
                "video and FAQs on the step), or call the iQIES Service Center.",
                ("cms-iqies-epoc-2025",),
            )
        )
    for item in overdue:
        who = item.get("contact")
        phone = item.get("phone")
        if who:
            out.append(
                Todo(
                    f"No answer yet about {item.get('title') or 'your request'}: call {who}"
                    + (f" at {phone}" if phone else "")
                    + " today.",
                )
            )
    out.append(
        Todo(
            f"At this pace, access is ready about {day(p.ready)}, after the due date "
            f"({day(p.due)}). Tell the State Survey Agency office named on the letter "
            "before the due date, and ask how they want your plan of correction in the "
            "meantime. (The wizard's advice: no CMS page we found says what to do when "
            "iQIES access comes late; Colorado asks to be told in time about a "
            "submission problem.)",
            ("cdph-afl-15-23", "co-cohfi-faq"),
        )
    )
    return out


def lines(p: Plan, journey_id: str = "JOURNEY") -> list[str]:
    """What ``status`` and the step screen say about the plan, one sentence a line."""
    return plan_lines(p.as_json(), journey_id)


def plan_lines(d: dict[str, Any], journey_id: str = "JOURNEY") -> list[str]:
    """The same, from the plan as ``status --json`` carries it, so the two always agree."""
    from epoc_wizard.dates import is_business_day

    due, ready = dt.date.fromisoformat(d["due"]), dt.date.fromisoformat(d["ready_by"])
    left = d["days_left"]
    when = (
        "due today"
        if left == 0
        else f"{left} day{'s' if left != 1 else ''} left"
        if left > 0
        else f"{-left} day{'s' if left != -1 else ''} ago"
    )
    basis = (
        "the date on your letter"
        if d["due_from"] == "letter"
        else f"{POC_DAYS} calendar days after the CMS-2567 arrived"
    )
    out = [f"Plan of correction due {day(due)} ({when}; {basis})."]
    if left >= 0 and not is_business_day(due):
        out.append(
            "That is a weekend day or a federal holiday, when offices are closed: the "
            "letter governs, so check it, and aim for the working day before."
        )
    if left >= 0:
        crit = d["critical"]
        longest = ""
        if crit and "business_days" in crit:
            whose = (
                " (the wizard's estimate; if you know better: epoc-wizard edit "
                f"{journey_id} {crit.get('step_id') or 'STEP'} --value DAYS)"
                if crit["estimate"]
                else ""
            )
            days = crit["business_days"]
            longest = f" Longest wait ahead: {crit['title']}, {days} business days{whose}."
        elif crit:
            until = day(dt.date.fromisoformat(crit["until"]))
            whose = (
                " (the wizard's estimate; if you know better: epoc-wizard edit "
                f"{journey_id} {crit.get('step_id') or 'STEP'} --value DAYS)"
                if crit.get("estimate")
                else ""
            )
            longest = f" Longest wait ahead: {crit['title']}, expected by {until}{whose}."
        verdict = "fits" if d["fits"] else "DOES NOT FIT"
        out.append(f"Access ready about {day(ready)}: the plan {verdict}.{longest}")
    out.extend(f"Do today: {t['text']}" for t in d["todo"])
    return out
