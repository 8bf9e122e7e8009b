"""The guide features: triage, e-mail drafts, printable records, many facilities, edit,
and plain mode."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from epoc_wizard.app.context import Context
from epoc_wizard.app.edit import edit
from epoc_wizard.app.email import email as email_drafts
from epoc_wizard.app.export import export
from epoc_wizard.app.journeys import run_journey_command
from epoc_wizard.cli.guard import guarded
from epoc_wizard.core import triage
from epoc_wizard.core.triage import prefill
from epoc_wizard.errors import Interrupted, UsageError, WizardError
from epoc_wizard.flowspec.catalog import bundled_dir, load_catalog
from epoc_wizard.flowspec.conditions import holds
from epoc_wizard.ui.plain import PlainPrompter

from conftest import CA_HOSPICE, DATA, STOP, Person, Wizard, shown
from terminal import flat

TRIAGE = load_catalog([bundled_dir()]).triage
assert TRIAGE is not None


@pytest.mark.parametrize(
    ("given", "asked"),
    [
        ({"provider_type": "assister"}, ["provider_type", "has_portal"]),
        ({"provider_type": "hospice", "need": "library"}, ["provider_type", "need", "accounts"]),
        (
            {"provider_type": "hospice", "need": "poc"},
            ["provider_type", "need", "accounts", "state", "scope"],
        ),
    ],
)
def test_triage_asks_assisters_no_facility_questions(
    given: dict[str, str], asked: list[str]
) -> None:
    assert TRIAGE is not None
    assert [q.id for q in TRIAGE.questions if holds(q.when, given)] == asked
    still = [q.id for q in triage.questions(TRIAGE, given)]
    assert still == [q for q in asked if q not in given]


def test_triage_with_no_flow_to_start_says_where_to_go(
    context: Callable[..., Context], wizard: Wizard
) -> None:
    # A home health agency's plan of correction: not a CMS ePOC path; the state's letter.
    situation = {
        "provider_type": "home_health",
        "need": "poc",
        "accounts": ["cmsnet"],
        "state": "TX",
        "scope": "one",
    }
    outcome = triage.recommend(TRIAGE, situation)
    assert outcome.start == [] and outcome.advice is not None
    # The same through the program: triage answered from a file with no flow in it.
    ctx = context({"answers": situation})
    run_journey_command(ctx, "start", None, None)
    said = flat(shown(ctx))
    assert "State Survey Agency" in said and "Form CMS-2567" in said
    assert "Source: California Department of Public Health" in said
    assert "Run 'epoc-wizard start' again" not in said
    assert json.loads(wizard("status", "--json").stdout)["journeys"] == []


def test_triage_answers_become_flow_answers() -> None:
    pre = prefill(
        TRIAGE,
        {
            "provider_type": "nursing_home",
            "need": "poc",
            "state": "CA",
            "scope": "several",
            "accounts": ["pso", "eidm", "harp"],
        },
    )
    assert pre == {
        "provider_type": "nursing_home",
        "state": "CA",
        "has_harp": True,
        "has_eidm": True,
        "has_pso": "yes",
        "access_scope": "multiple_facility",
        "task": "epoc",
    }
    # An account not ticked may have been overlooked: the flow still asks about it.
    assert prefill(TRIAGE, {"provider_type": "hospice", "accounts": []}) == {
        "provider_type": "hospice"
    }
    assert prefill(TRIAGE, {"provider_type": "assister", "has_portal": True}) == {
        "has_portal_account": True
    }
    # A plain yes/no, unlike a box left unticked: "no" is an answer, not asked again.
    assert prefill(TRIAGE, {"provider_type": "assister", "has_portal": False}) == {
        "has_portal_account": False
    }


def test_triage_at_the_keyboard_skips_questions_already_answered(
    home: Path, context: Callable[..., Context]
) -> None:
    person = Person("nursing_home", "poc", [], "CA", "one", "iqies", STOP)
    ctx = context(asker=person)
    with pytest.raises(Interrupted) as stop:
        run_journey_command(ctx, "start", None, None)
    (jid,) = stop.value.args  # stopped in a journey: everything answered is saved
    assert "Recommended, in this order" in shown(ctx)
    assert "Since 14 July 2025 nursing homes submit plans of correction in iQIES" in flat(
        shown(ctx)
    )
    # Provider type and state are not asked again by the flow.
    assert person.asked == [
        "provider_type",
        "need",
        "accounts",
        "state",
        "scope",
        "Start now?",
        "facility_name",
    ]
    saved = json.loads((home / "state.json").read_text())["journeys"][jid]
    assert saved["flow"] == "iqies"
    assert saved["answers"]["provider_type"] == "nursing_home" and saved["answers"]["state"] == "CA"


def start_ca(context: Callable[..., Context], answers: dict[str, object], done: list[str]) -> None:
    ctx = context({"flow": "legacy-epoc", "answers": answers, "done": done})
    run_journey_command(ctx, "start", None, None)


def test_cdph_drafts_are_standard_eml(home: Path, context: Callable[..., Context]) -> None:
    start_ca(context, CA_HOSPICE, ["about_facility", "web_epoc_retired"])
    listing = email_drafts(context(), None, None, None)
    folder = home / "drafts" / "legacy-epoc-551501"
    subjects = {}
    for path in sorted(folder.glob("*.eml")):
        assert path.stat().st_mode & 0o777 == 0o600
        msg = message_from_bytes(path.read_bytes(), policy=policy.default)
        subjects[path.stem] = msg["Subject"]
        assert msg["To"].addresses[0].addr_spec == "CDPH-ASPEN-HELP@cdph.ca.gov"
        assert msg["X-Unsent"] == "1"
        body = msg.get_content()
        for value in ("Sunrise Hospice", "030000123", "551501"):
            assert value in body
        assert "{" not in body
    assert subjects == {
        "cdph_training_request": "ePOC - CMS Training",
        "cdph_epoc_activation": "ePOC Activation",
        "cdph_question": "ASPEN ePOC Provider Access Request",
    }
    assert "mailto:CDPH-ASPEN-HELP@cdph.ca.gov?subject=ePOC%20-%20CMS%20Training" in listing


def test_missing_answer_is_a_visible_blank(home: Path, context: Callable[..., Context]) -> None:
    answers = {k: v for k, v in CA_HOSPICE.items() if k != "facility_id"}
    start_ca(context, answers, ["about_facility"])
    out = email_drafts(context(), None, None, None)
    assert "Still to fill in: State facility ID" in out
    body = (home / "drafts" / "legacy-epoc-551501" / "cdph_question.eml").read_text()
    assert "[State facility ID: please fill in]" in body and "{facility_id}" not in body


def test_no_drafts_outside_california(context: Callable[..., Context]) -> None:
    start_ca(context, {**CA_HOSPICE, "state": "TX", "ccn": "451501"}, [])
    assert "has no e-mail to send" in email_drafts(context(), None, None, None)


def test_export_markdown_and_html(context: Callable[..., Context], tmp_path: Path) -> None:
    run_journey_command(context(DATA / "cmsnet-hospice.yaml"), "start", None, None)
    md = export(context(), None, None, "md", None, None)
    assert "# CMSNet user ID: access record" in md
    assert "- [x] 1. Read first: this is a legacy path — Done Mon 23 Nov 2026" in md
    assert "- CMSNet user ID: SACRES01" in md
    assert "(888) 238-2122" in md
    out = tmp_path / "record.html"
    saved = export(context(), "cmsnet-056304", None, "html", out, None)
    assert saved == f"Saved the record as {out}." and out.exists()
    page = out.read_text()
    assert "@page { size: letter" in page and ">Done</td>" in page and "SACRES01" in page
    blank = export(context(), None, None, "md", None, "iqies")
    assert "Facility: ____" in blank and "- [ ] 1." in blank
    # Each line of a postal address ends the Markdown line (two spaces), so none run together.
    legacy = export(context(), None, None, "md", None, "legacy-epoc")
    assert "  1615 Capitol Avenue  \n  P.O. Box 997377, MS 3203  \n" in legacy
    with pytest.raises(UsageError, match="use md \\(Markdown\\) or html"):
        export(context(), None, None, "pdf", None, None)


def test_export_format_is_checked_at_the_command_line(wizard: Wizard) -> None:
    bad = wizard("export", "--format", "pdf")
    assert bad.returncode == 2 and "use md (Markdown) or html" in bad.stderr


def test_many_facilities_from_one_answers_file(wizard: Wizard, tmp_path: Path) -> None:
    path = tmp_path / "corp.yaml"
    path.write_text(
        "flow: cmsnet\n"
        "answers: {provider_type: hospice, state: CA, existing_ids: '0'}\n"
        "done: [about_facility, open_qtso]\n"
        "facilities:\n"
        "  - {facility: '551501', answers: {facility_name: One, zip: '95814'}}\n"
        "  - {facility: '051502', answers: {facility_name: Two, zip: '90001'}}\n"
        "  - {facility: '451503', answers: {facility_name: Three, zip: '75201'}}\n"
    )
    result = wizard("start", "--answers", str(path))
    assert result.returncode == 1  # the Texas CCN does not belong to CA
    assert "Started or continued 2 of 3 facilities. Not done: 451503." in result.stdout
    assert "belongs to Texas" in result.stdout or "Texas" in result.stdout
    status = wizard("status")
    assert "Facility 051502 (Two)" in status.stdout and "Facility 551501 (One)" in status.stdout
    # The refused facility keeps what it had answered, to be fixed and resumed.
    assert "3 facilities, 3 journeys: 0 done, 0 waiting, 0 overdue." in status.stdout
    one = wizard("status", "--facility", "551501")
    assert "551501" in one.stdout and "051502" not in one.stdout
    other = wizard("status", "--facility", "335501")
    assert other.returncode == 0
    assert "No journeys for facility 335501. Facilities with journeys: 051502," in other.stdout


def test_edit_reevaluates_dependent_steps(context: Callable[..., Context]) -> None:
    run_journey_command(context(DATA / "cmsnet-hospice.yaml"), "start", None, None)
    changed = edit(context(), "cmsnet-056304", "provider_type", "nursing_home")
    assert "Steps that now apply: Use the CMSNet Access Request Form" in changed
    assert "Steps that no longer apply: Print the Hospice CMSNet" in changed
    with pytest.raises(WizardError) as refused:
        edit(context(), "cmsnet-056304", "zip", "10001")
    assert refused.value.exit_code == 1 and "refused" in refused.value.message
    with pytest.raises(UsageError, match="Its questions:"):
        edit(context(), "cmsnet-056304", "shoe_size", "9")


def test_edit_without_value_and_no_terminal_names_the_option(wizard: Wizard) -> None:
    assert wizard("start", "--answers", str(DATA / "cmsnet-hospice.yaml")).returncode == 0
    changed = wizard("edit", "cmsnet-056304", "provider_type", "--value", "nursing_home")
    assert changed.returncode == 0, changed.stderr
    assert "Steps that now apply: Use the CMSNet Access Request Form" in changed.stdout
    refused = wizard("edit", "cmsnet-056304", "zip", "--value", "10001")
    assert refused.returncode == 1 and "refused" in refused.stderr
    unknown = wizard("edit", "cmsnet-056304", "shoe_size", "--value", "9")
    assert unknown.returncode == 2 and "Its questions:" in unknown.stderr
    asked = wizard("edit", "cmsnet-056304", "facility_name")
    assert asked.returncode == 2 and "--value TEXT" in asked.stderr


def test_edit_of_state_warns_about_answers_checked_against_it(
    context: Callable[..., Context], wizard: Wizard
) -> None:
    run_journey_command(context(DATA / "cmsnet-hospice.yaml"), "start", None, None)
    moved = edit(context(), "cmsnet-056304", "state", "NY")
    assert "Saved. State: NY" in moved
    assert "epoc-wizard edit cmsnet-056304 ccn" in flat(moved)
    assert "epoc-wizard edit cmsnet-056304 zip" in flat(moved)
    edit(context(), "cmsnet-056304", "ccn", "335501")
    (row,) = json.loads(wizard("status", "--json").stdout)["journeys"]
    assert row["facility"] == "335501"  # the facility follows a corrected CCN


def plain_run(
    context: Callable[..., Context],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    typed: list[str],
    *args: str | None,
) -> tuple[int, str]:
    """``start`` in plain mode, typing these lines; then the end of input (Ctrl-D).
    The exit code and everything printed, as the command line would give them."""
    monkeypatch.setenv("FORCE_COLOR", "1")  # colour, unless plain mode leaves it out
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(line + "\n" for line in typed)))
    capsys.readouterr()
    ctx = context(asker=PlainPrompter(), plain=True, real_view=True)
    code = guarded(lambda: run_journey_command(ctx, "start", *args))
    out, err = capsys.readouterr()
    return code, out + err


def test_plain_mode_numbered_choices_no_colour(
    context: Callable[..., Context],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # CMSNet is a legacy path: the wizard first asks the flow's provider question, to say
    # whether the person's use moved, and carries the answer into the flow (issue 15).
    typed = ["7", "1", "2"]  # a wrong number, Hospice; keep the legacy steps
    code, shown = plain_run(context, monkeypatch, capsys, typed, "cmsnet", None)
    assert code == 130
    assert shown.count("What kind of provider is this for") == 1  # never asked twice
    assert "(yes or no)" not in shown
    for expected in (
        "Legacy path: parts of it have moved",
        "What kind of provider is this for",
        "1. Hospice",
        "Type a number from 1 to 4",
        "That is not one of the choices",
        "This is for a hospice",
        "Continue with the legacy steps anyway",
        "Facility name",
    ):
        assert expected in shown
        shown = shown[shown.index(expected) :]  # in this order
    assert "\x1b[" not in shown and "╭" not in shown


def test_plain_mode_offers_the_facility_ccn_and_takes_enter_for_none(
    home: Path,
    context: Callable[..., Context],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    typed = ["1", "2", "Sunny Acres Hospice", "CA", ""]  # Enter takes the CCN, checked
    code, shown = plain_run(context, monkeypatch, capsys, typed, "cmsnet", "056304")
    assert code == 130
    assert "[press Enter for 056304]" in shown
    assert shown.rstrip().endswith("epoc-wizard resume cmsnet-056304")  # stopped at the ZIP
    assert "ZIP Code" in shown[shown.index("[press Enter for 056304]") :]
    saved = json.loads((home / "state.json").read_text())["journeys"]["cmsnet-056304"]
    assert saved["answers"]["ccn"] == "056304"
    code, shown = plain_run(context, monkeypatch, capsys, ["2", "1", ""], None, None)
    assert "Type a number from 1 to 5" in shown and "Type a number from 1 to 4" in shown
    assert "or press Enter for none" in shown
    assert "Which state" in shown  # none ticked is an answer
    assert shown.rstrip().endswith("Stopped. Nothing was changed.") and code == 130


def test_edit_fits_a_journey_saved_under_an_older_flow_first(
    home: Path, context: Callable[..., Context]
) -> None:
    run_journey_command(context(DATA / "cmsnet-hospice.yaml"), "start", None, None)
    doc = json.loads((home / "state.json").read_text())
    old = doc["journeys"]["cmsnet-056304"]
    current = old["flow_version"]
    old["flow_version"] = 0
    old["steps"]["a_step_since_removed"] = {"status": "done"}
    (home / "state.json").write_text(json.dumps(doc))
    edit(context(), "cmsnet-056304", "facility_name", "Elm")
    saved = json.loads((home / "state.json").read_text())["journeys"]["cmsnet-056304"]
    assert saved["flow_version"] == current and "a_step_since_removed" not in saved["steps"]
    assert saved["answers"]["facility_name"] == "Elm"


def test_text_to_copy_keeps_its_lines() -> None:
    from epoc_wizard.ui.show import markdown

    shown = markdown(
        "Paste this:\n\n```text\nNavigator or CAC ID: {id}\nOrganization: *Oak*\n```"
        "\nThen send\nthe form.",
        plain=True,
    ).plain
    assert shown.splitlines() == [
        "Paste this:",
        "",
        "    Navigator or CAC ID: {id}",
        "    Organization: *Oak*",
        "Then send the form.",
    ]


def test_a_refused_role_is_not_called_finished(
    context: Callable[..., Context], wizard: Wizard
) -> None:
    ctx = context(
        {
            "flow": "iqies",
            "answers": {
                "provider_type": "nursing_home",
                "task": "epoc",
                "facility_name": "Golden Oaks",
                "state": "CA",
                "ccn": "555123",
                "org_search_by": "ccn",
                "has_pso": "yes",
                "has_harp": True,
                "harp_user_id": "GOaks2026",
                "role_approved": False,
            },
            "done": [
                "about_facility",
                "survey_deadline",
                "browser",
                "pso_check",
                "eidm_check",
                "note_harp_user_id",
                "iqies_login",
                "request_role_category",
                "request_role_select",
                "add_organization_ccn",
                "submit_role_request",
                "role_status",
            ],
            "waiting": ["role_not_approved"],
        }
    )
    run_journey_command(ctx, "start", None, None)
    (row,) = json.loads(wizard("status", "--json").stdout)["journeys"]
    assert not row["finished"] and row["current_step"]["id"] == "role_not_approved"
    assert "the approval of your iQIES role request" in row["waiting"]["for"]
    drafts = email_drafts(context(), None, None, None)
    assert "Subject: iQIES role request not approved: CCN 555123" in drafts


def test_a_harp_account_skips_every_sign_up_step_even_with_eidm() -> None:
    from epoc_wizard.core.engine import visible_steps
    from epoc_wizard.flowspec.catalog import load_catalog

    flow = load_catalog().get("iqies")
    answers = {
        **prefill(
            TRIAGE,
            {
                "provider_type": "nursing_home",
                "state": "CA",
                "need": "poc",
                "accounts": ["harp", "eidm", "pso"],
            },
        ),
        "org_search_by": "ccn",
    }
    shown = {s.id for s in visible_steps(flow, answers)}
    assert not shown & {
        "harp_register",
        "eidm_login",
        "identity_proofing",
        "two_factor",
        "eidm_second_login",
        "pso_missing",
    }
    assert {"note_harp_user_id", "iqies_login", "submit_role_request"} <= shown
