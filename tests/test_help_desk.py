"""The help-desk helper (issue 16, items 5 and 6): desks carry their hours where a source
gives them, and ``contacts`` and the overdue advice say whether a desk is open now by the
clock (``EPOC_WIZARD_NOW``); both iQIES Service Center numbers are given with their dated
sources; a ticket number is kept on a step and shown by ``status``, the record and the
e-mail drafts; and the identity-proofing troubleshooter says what it knows and what it
infers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from epoc_wizard.app.context import Context
from epoc_wizard.core import engine
from epoc_wizard.core.journey import Journey
from epoc_wizard.flowspec.deskhours import sentence, status
from epoc_wizard.flowspec.model import Contact, Flow
from epoc_wizard.outputs.drafts import drafts_for
from epoc_wizard.state.store import Store

from conftest import LAKESIDE, Person, Wizard, shown

ET = dt.timezone(dt.timedelta(hours=-5))
MONDAY_9 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=ET)
HOURS = {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:00", "to": "20:00"}
OPEN = {**HOURS, "zone": "America/New_York"}
#: The iQIES Service Center with hours, as a person's own contacts file may give them
#: (no page we could check gives the real ones; the bundled contact has none).
OWN_CONTACTS = """
contacts:
  - id: iqies_service_center
    name: iQIES Service Center
    phone: 1-800-339-9313
    email: iqies@cms.hhs.gov
    open:
      days: [mon, tue, wed, thu, fri]
      from: "08:00"
      to: "20:00"
      zone: America/New_York
      source: {doc: qtso-iqies-faq, where: "a test"}
    source: {doc: cms-ltch-qrp-deadlines, where: "a test"}
"""


def at(day: int, hour: int, month: int = 11) -> str:
    return dt.datetime(2026, month, day, hour, tzinfo=ET).isoformat()


@pytest.mark.parametrize(
    ("when", "state", "said"),
    [
        (MONDAY_9, "open", "Open now (it is 09:00 Eastern time there), until 20:00."),
        (MONDAY_9.replace(hour=7, minute=59), "closed", "next opens today at 08:00"),
        (MONDAY_9.replace(hour=20), "closed", "next opens tomorrow (Tuesday) at 08:00"),
        (dt.datetime(2026, 11, 28, 10, tzinfo=ET), "closed", "Monday 30 November at 08:00"),
        (dt.datetime(2026, 11, 26, 10, tzinfo=ET), "holiday", "US federal holiday"),
        # 06:00 in California is 09:00 at the desk.
        (dt.datetime(2026, 11, 23, 6, tzinfo=dt.timezone(dt.timedelta(hours=-8))), "open", ""),
    ],
)
def test_open_now_by_the_desks_own_clock(when: dt.datetime, state: str, said: str) -> None:
    assert status(OPEN, when)["state"] == state
    assert said in sentence(OPEN, when)


def test_no_hours_no_claim() -> None:
    assert status(None, MONDAY_9) == {"state": "unknown"}
    assert sentence({**HOURS, "zone": "Mars/Olympus"}, MONDAY_9) == ""
    assert sentence({"days": ["mon"], "from": "20:00", "to": "08:00"}, MONDAY_9) == ""


def test_contacts_say_open_or_closed_by_the_clock(wizard: Wizard, tmp_path: Path) -> None:
    own = tmp_path / "own"
    own.mkdir()
    (own / "contacts.yaml").write_text(OWN_CONTACTS, encoding="utf-8")
    opened = wizard("contacts", "iqies", EPOC_WIZARD_FLOWS=str(own), EPOC_WIZARD_NOW=at(23, 9))
    assert opened.returncode == 0, opened.stderr
    assert "Hours: Monday to Friday, 08:00 to 20:00 Eastern time" in opened.stdout
    assert "Open now (it is 09:00 Eastern time there)" in opened.stdout
    closed = wizard("contacts", "iqies", EPOC_WIZARD_FLOWS=str(own), EPOC_WIZARD_NOW=at(23, 21))
    assert "Closed now (it is 21:00 Eastern time there)" in closed.stdout
    assert "next opens tomorrow (Tuesday) at 08:00" in closed.stdout


def test_bundled_contacts_give_both_iqies_numbers_with_dated_sources(wizard: Wizard) -> None:
    listed = wizard("contacts", "iqies").stdout
    assert "Other number given: 1-888-477-7876, option 1" in listed
    assert "1-800-339-9313 comes from CMS, “LTCH QRP Data Submission Deadlines”" in listed
    assert "(20 May 2024)" in listed  # the QTSO notice that gives the same number
    assert "1-888-477-7876, option 1, comes from CMS" in listed and "(23 July 2025)" in listed
    assert "Until one number is confirmed" in listed
    assert "Open now? Not known: no page we could check gives its hours." in listed


# --- a journey on the iQIES path -----------------------------------------------------------

ANSWERS: dict[str, Any] = {
    **LAKESIDE,
    "has_pso": "yes",
    "has_harp": True,
    "harp_user_id": "lsmith2",
    "role_approved": False,
}


def journey_at(flow: Flow, target: str, when: dt.datetime, **answers: Any) -> Journey:
    """A journey with every step before ``target`` done."""
    j = Journey(
        id="iqies-245001",
        flow="iqies",
        facility="245001",
        created=when,
        updated=when,
        answers={**ANSWERS, **answers},
    )
    for step in engine.visible_steps(flow, j.answers):
        if step.id == target:
            break
        j = engine.mark(flow, j, step.id, "done", when)
    return engine.summarize(flow, j, when)


def with_hours(flow: Flow) -> Flow:
    desk = flow.contact_book["iqies_service_center"]
    hours = Contact.model_validate(
        {**desk.model_dump(by_alias=True), "open": {**OPEN, "source": desk.source}}
    )
    return flow.model_copy(update={"contact_book": {**flow.contact_book, desk.id: hours}})


def test_overdue_advice_says_open_now_and_both_numbers(
    home: Path, bundled: Any, wizard: Wizard
) -> None:
    flow = with_hours(bundled.get("iqies"))
    j = journey_at(flow, "submit_role_request", MONDAY_9)
    j = engine.summarize(
        flow, engine.mark(flow, j, "submit_role_request", "waiting", MONDAY_9), MONDAY_9
    )
    Store(home).save(j)
    # Due after five business days (Thanksgiving between): overdue on Wednesday 2
    # December, when the desk is open at 10:00...
    late = wizard("status", EPOC_WIZARD_NOW=at(2, 10, month=12))
    text = " ".join(late.stdout.split())
    assert "OVERDUE:" in text
    assert "Then call iQIES Service Center at 1-800-339-9313 (if that does not get through: " \
        "1-888-477-7876, option 1)." in text  # fmt: skip
    assert "Open now (it is 10:00 Eastern time there), until 20:00." in text
    # ...and in the evening it is closed, which --json says too.
    evening = at(2, 21, month=12)
    assert (
        "Closed now (it is 21:00 Eastern time there)"
        in wizard("status", EPOC_WIZARD_NOW=evening).stdout
    )
    (row,) = json.loads(wizard("status", "--json", EPOC_WIZARD_NOW=evening).stdout)["journeys"]
    assert row["waiting"]["desk"]["state"] == "closed"
    assert row["waiting"]["other_phones"] == ["1-888-477-7876, option 1"]


def test_a_ticket_number_reaches_status_the_record_and_the_draft(
    home: Path, bundled: Any, wizard: Wizard
) -> None:
    flow = bundled.get("iqies")
    Store(home).save(journey_at(flow, "role_not_approved", MONDAY_9))
    saved = wizard("ticket", "iqies-245001", "INC0012345")
    assert saved.returncode == 0, saved.stderr
    assert "Saved ticket INC0012345 for the step 'If the role was not approved'" in saved.stdout
    again = wizard("ticket", "iqies-245001", "INC0012345", "--step", "role_not_approved")
    assert "already recorded" in again.stdout

    text = wizard("status").stdout
    assert "Help-desk ticket: INC0012345 (If the role was not approved)" in text
    (row,) = json.loads(wizard("status", "--json").stdout)["journeys"]
    assert [t["number"] for t in row["tickets"]] == ["INC0012345"]
    assert row["tickets"][0]["step"] == "role_not_approved"

    record = wizard("export", "iqies-245001").stdout
    assert "Help-desk ticket: INC0012345" in record
    journey = Store(home).load("iqies-245001")
    (draft,) = [d for d in drafts_for(flow, journey) if d.step_id == "role_not_approved"]
    assert "Ticket: INC0012345\n\nThank you." in draft.body


def test_a_secret_is_never_kept_as_a_ticket(home: Path, bundled: Any, wizard: Wizard) -> None:
    flow = bundled.get("iqies")
    Store(home).save(journey_at(flow, "role_not_approved", MONDAY_9))
    for bad in ("123-45-6789", "Welcome2026!"):
        refused = wizard("ticket", "iqies-245001", bad)
        assert refused.returncode != 0 and "was not saved" in refused.stderr
        assert bad not in refused.stderr
    assert "123-45-6789" not in (home / "state.json").read_text(encoding="utf-8")
    unknown = wizard("ticket", "iqies-245001", "INC1", "--step", "nowhere")
    assert unknown.returncode != 0 and "There is no step 'nowhere'" in unknown.stderr


def test_the_step_menu_records_a_ticket(home: Path, bundled: Any, context: Any) -> None:
    flow = bundled.get("iqies")
    journey = journey_at(flow, "role_not_approved", MONDAY_9)
    Store(home).save(journey)
    person = Person("ticket", "INC 1", "INC0012345", "later")
    ctx: Context = context(asker=person)
    ctx.run(flow, journey)
    assert person.asked == [
        "menu:role_not_approved",
        "ticket_number",
        "ticket_number",
        "menu:role_not_approved",
    ]
    assert "only letters, digits and dashes" in person.refused[0]
    assert "Saved ticket INC0012345 for this step." in shown(ctx)
    assert Store(home).load(journey.id).tickets_for("role_not_approved") == ["INC0012345"]


def test_the_proofing_troubleshooter_labels_what_it_infers(bundled: Any) -> None:
    flow = bundled.get("iqies")
    step = flow.step("proofing_failed")
    text = " ".join(step.do.split())
    assert "**manual** identity check" in text and "**may delay** the process" in text
    assert "Health Insurance Marketplaces" in text and "(not HARP;" in text
    assert "fraud alert" in text and "credit freeze" in text
    assert "*The wizard's inference*, not said by CMS" in text
    assert "iQIES Service Center" in text and step.contact == "iqies_service_center"
    assert step.estimate is not None  # the survey clock's estimate stays
    assert {a.doc for a in step.also} == {"harp-quick-start", "cbpp-ridp"}
    assert "Marketplaces" in flow.library["cbpp-ridp"].title


@pytest.mark.parametrize(
    ("hours", "said"),
    [
        ({"to": "08:00"}, "'from' must be before 'to'"),
        ({"days": ["mon", "mon"]}, "a day is named twice"),
        ({"from": "8am"}, "should match pattern"),
        ({"zone": "Europe/Paris"}, "America/New_York"),
    ],
)
def test_hours_are_checked_when_a_contacts_file_is_read(
    hours: dict[str, Any], said: str, tmp_path: Path
) -> None:
    from epoc_wizard.flowspec.catalog import check_files

    bad = {**OPEN, **hours, "source": {"doc": "qtso-iqies-faq", "where": "a test"}}
    text = OWN_CONTACTS.split("    open:")[0] + f"    open: {json.dumps(bad)}\n"
    (tmp_path / "contacts.yaml").write_text(
        text + '    source: {doc: cms-ltch-qrp-deadlines, where: "a test"}\n', encoding="utf-8"
    )
    problems = check_files([tmp_path / "contacts.yaml"])
    assert any(said in p and "contacts.yaml:" in p for p in problems), problems
