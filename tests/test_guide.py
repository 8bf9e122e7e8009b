"""The guide features: triage, e-mail drafts, printable records, many facilities, edit,
and plain mode."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

import pytest

from epoc_wizard.core.triage import prefill, recommend

from conftest import run_wizard
from terminal import CTRL_C, ENTER, finish, flat, pick, spawn

CA_HOSPICE = {
    "provider_type": "hospice",
    "facility_name": "Sunrise Hospice",
    "facility_id": "030000123",
    "state": "CA",
    "ccn": "551501",
    "access_scope": "individual",
    "has_cmsnet_id": True,
    "provider_number_type": "ccn",
    "registration_email": "admin@sunrise.example",
    "cmsnet_user_id": "SUNR01",
}


@pytest.mark.parametrize(
    ("situation", "flows", "in_reason"),
    [
        (
            {"provider_type": "nursing_home", "need": "poc", "state": "CA"},
            ["iqies"],
            "retired for nursing homes on 14 July 2025",
        ),
        (
            {"provider_type": "nursing_home", "need": "poc", "accounts": ["pso"]},
            ["iqies"],
            "Provider ePOC Administrator role.",
        ),
        (
            {"provider_type": "hospice", "need": "poc", "state": "CA"},
            ["cmsnet", "legacy-epoc"],
            "CDPH steps",
        ),
        (
            {"provider_type": "hospice", "need": "poc", "state": "TX", "accounts": ["cmsnet"]},
            ["legacy-epoc"],
            "retired only for nursing homes",
        ),
        ({"provider_type": "hospice", "need": "assessments"}, ["cmsnet"], "QIES ASAP"),
        (
            {"provider_type": "hospice", "need": "poc", "accounts": ["cmsnet", "qies"]},
            ["epoc-access"],
            "already have an ePOC user ID",
        ),
        (
            {"provider_type": "home_health", "need": "poc", "accounts": ["qies"]},
            ["cmsnet", "epoc-access"],
            "CMSNet user ID first",
        ),
        ({"provider_type": "nursing_home", "need": "assessments"}, ["iqies"], "any iQIES role"),
        ({"provider_type": "assister", "need": "library"}, ["assister-zone"], "zONE End User"),
        (
            {"provider_type": "assister", "has_portal": True},
            ["assister-zone"],
            "already have an Enterprise Portal account",
        ),
        (
            {"provider_type": "hospice", "need": "library", "accounts": ["portal"]},
            ["assister-zone"],
            "already have an Enterprise Portal account",
        ),
    ],
)
def test_triage_recommendations(
    situation: dict[str, object], flows: list[str], in_reason: str
) -> None:
    recs = recommend(situation)
    assert [r.flow for r in recs] == flows
    assert any(in_reason in r.reason for r in recs)
    assert all(r.reason.endswith(".") for r in recs)


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
    from epoc_wizard.core.triage import QUESTIONS
    from epoc_wizard.flowspec.conditions import holds

    assert [q.id for q in QUESTIONS if holds(q.when, given)] == asked


def test_triage_with_nothing_to_start(home: Path, tmp_path: Path) -> None:
    # Getting the CMSNet user ID is all the sources describe for submitting assessments.
    situation = {
        "provider_type": "home_health",
        "need": "assessments",
        "accounts": ["cmsnet"],
        "state": "TX",
        "scope": "one",
    }
    assert recommend(situation) == []
    # The same through the program: triage answered from a file with no flow in it.
    path = tmp_path / "triage.json"
    path.write_text(json.dumps({"answers": situation}))
    result = run_wizard(home, "start", "--answers", str(path))
    assert result.returncode == 0, result.stderr
    said = flat(result.stdout)
    assert "first of the two user IDs needed to submit records" in said
    assert "(888) 477-7876" in said and "Run 'epoc-wizard start' again" not in said
    assert json.loads(run_wizard(home, "status", "--json").stdout)["journeys"] == []


def test_triage_answers_become_flow_answers() -> None:
    pre = prefill(
        {
            "provider_type": "nursing_home",
            "state": "CA",
            "scope": "several",
            "accounts": ["pso", "eidm", "harp"],
        }
    )
    assert pre == {
        "provider_type": "nursing_home",
        "state": "CA",
        "has_harp": True,
        "has_eidm": True,
        "has_pso": "yes",
        "access_scope": "multiple_facility",
    }
    # An account not ticked may have been overlooked: the flow still asks about it.
    assert prefill({"provider_type": "hospice", "accounts": []}) == {"provider_type": "hospice"}
    assert prefill({"provider_type": "assister", "has_portal": True}) == {
        "has_portal_account": True
    }
    # A plain yes/no, unlike a box left unticked: "no" is an answer, not asked again.
    assert prefill({"provider_type": "assister", "has_portal": False}) == {
        "has_portal_account": False
    }


def test_triage_in_a_terminal_skips_questions_already_answered(home: Path) -> None:
    child = spawn(home, "start")
    child.expect("What kind of organization")
    pick(child, 0)  # nursing home
    child.expect("What do you need to do")
    pick(child, 0)  # plans of correction
    child.expect("Which of these do you already have")
    child.send(ENTER)
    child.expect("Which state")
    child.send("CA" + ENTER)
    child.expect("one facility or several")
    pick(child, 0)
    child.expect("Recommended, in this order")
    child.expect("Start now")
    assert "Web ePOC was retired for nursing homes on 14 July 2025" in flat(child.before)
    pick(child, 0)
    child.expect("Facility name")  # provider type and state are not asked again
    assert "What kind of provider" not in (child.before or "")
    child.send(CTRL_C)
    assert finish(child) == 130
    (row,) = json.loads(run_wizard(home, "status", "--json").stdout)["journeys"]
    assert row["flow"] == "iqies"
    saved = json.loads((home / "state.json").read_text())["journeys"][row["id"]]["answers"]
    assert saved["provider_type"] == "nursing_home" and saved["state"] == "CA"


def start_ca(home: Path, tmp_path: Path, answers: dict[str, object], done: list[str]) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"flow": "legacy-epoc", "answers": answers, "done": done}))
    result = run_wizard(home, "start", "--answers", str(path))
    assert result.returncode == 0, result.stderr


def test_cdph_drafts_are_standard_eml(home: Path, tmp_path: Path) -> None:
    start_ca(home, tmp_path, CA_HOSPICE, ["about_facility", "web_epoc_retired"])
    listing = run_wizard(home, "email")
    assert listing.returncode == 0
    folder = home / "drafts" / "legacy-epoc-551501"
    subjects = {}
    for path in sorted(folder.glob("*.eml")):
        assert path.stat().st_mode & 0o777 == 0o600
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
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
    assert "mailto:CDPH-ASPEN-HELP@cdph.ca.gov?subject=ePOC%20-%20CMS%20Training" in listing.stdout


def test_missing_answer_is_a_visible_blank(home: Path, tmp_path: Path) -> None:
    answers = {k: v for k, v in CA_HOSPICE.items() if k != "facility_id"}
    start_ca(home, tmp_path, answers, ["about_facility"])
    out = run_wizard(home, "email").stdout
    assert "Still to fill in: State facility ID" in out
    body = (home / "drafts" / "legacy-epoc-551501" / "cdph_question.eml").read_text()
    assert "[State facility ID: please fill in]" in body and "{facility_id}" not in body


def test_no_drafts_outside_california(home: Path, tmp_path: Path) -> None:
    start_ca(home, tmp_path, {**CA_HOSPICE, "state": "TX", "ccn": "451501"}, [])
    assert "has no e-mail to send" in run_wizard(home, "email").stdout


def test_export_markdown_and_html(home: Path, tmp_path: Path) -> None:
    result = run_wizard(
        home, "start", "--answers", str(Path(__file__).parent / "data" / "cmsnet-hospice.yaml")
    )
    assert result.returncode == 0
    md = run_wizard(home, "export").stdout
    assert "# CMSNet user ID: access record" in md
    assert "- [x] 1. Have your facility's details ready — Done Mon 23 Nov 2026" in md
    assert "- CMSNet user ID: SACRES01" in md
    assert "(888) 238-2122" in md
    out = tmp_path / "record.html"
    saved = run_wizard(home, "export", "cmsnet-056304", "--format", "html", "--output", str(out))
    assert saved.returncode == 0 and out.exists()
    page = out.read_text()
    assert "@page { size: letter" in page and "&#9745;" in page and "SACRES01" in page
    blank = run_wizard(home, "export", "--blank", "iqies").stdout
    assert "Facility: ____" in blank and "- [ ] 1." in blank
    # Each line of a postal address ends the Markdown line (two spaces), so none run together.
    legacy = run_wizard(home, "export", "--blank", "legacy-epoc").stdout
    assert "  1615 Capitol Avenue  \n  P.O. Box 997377, MS 3203  \n" in legacy
    bad = run_wizard(home, "export", "--format", "pdf")
    assert bad.returncode == 2 and "use md (Markdown) or html" in bad.stderr


def test_many_facilities_from_one_answers_file(home: Path, tmp_path: Path) -> None:
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
    result = run_wizard(home, "start", "--answers", str(path))
    assert result.returncode == 1  # the Texas CCN does not belong to CA
    assert "Started or continued 2 of 3 facilities. Not done: 451503." in result.stdout
    assert "belongs to Texas" in result.stdout or "Texas" in result.stdout
    status = run_wizard(home, "status")
    assert "Facility 051502 (Two)" in status.stdout and "Facility 551501 (One)" in status.stdout
    # The refused facility keeps what it had answered, to be fixed and resumed.
    assert "3 facilities, 3 journeys: 0 done, 0 waiting, 0 overdue." in status.stdout
    one = run_wizard(home, "status", "--facility", "551501")
    assert "551501" in one.stdout and "051502" not in one.stdout
    other = run_wizard(home, "status", "--facility", "335501")
    assert other.returncode == 0
    assert "No journeys for facility 335501. Facilities with journeys: 051502," in other.stdout


def test_edit_reevaluates_dependent_steps(home: Path) -> None:
    run_wizard(
        home, "start", "--answers", str(Path(__file__).parent / "data" / "cmsnet-hospice.yaml")
    )
    changed = run_wizard(home, "edit", "cmsnet-056304", "provider_type", "--value", "nursing_home")
    assert changed.returncode == 0, changed.stderr
    assert "Steps that now apply: Use the CMSNet Access Request Form" in changed.stdout
    assert "Steps that no longer apply: Print the Hospice CMSNet" in changed.stdout
    refused = run_wizard(home, "edit", "cmsnet-056304", "zip", "--value", "10001")
    assert refused.returncode == 1 and "refused" in refused.stderr
    unknown = run_wizard(home, "edit", "cmsnet-056304", "shoe_size", "--value", "9")
    assert unknown.returncode == 2 and "Its questions:" in unknown.stderr
    asked = run_wizard(home, "edit", "cmsnet-056304", "facility_name")
    assert asked.returncode == 2 and "--value TEXT" in asked.stderr


def test_edit_of_state_warns_about_answers_checked_against_it(home: Path) -> None:
    run_wizard(
        home, "start", "--answers", str(Path(__file__).parent / "data" / "cmsnet-hospice.yaml")
    )
    moved = run_wizard(home, "edit", "cmsnet-056304", "state", "--value", "NY")
    assert moved.returncode == 0, moved.stderr
    assert "Saved. State: NY" in moved.stdout
    assert "epoc-wizard edit cmsnet-056304 ccn" in flat(moved.stdout)
    assert "epoc-wizard edit cmsnet-056304 zip" in flat(moved.stdout)
    fixed = run_wizard(home, "edit", "cmsnet-056304", "ccn", "--value", "335501")
    assert fixed.returncode == 0, fixed.stderr
    (row,) = json.loads(run_wizard(home, "status", "--json").stdout)["journeys"]
    assert row["facility"] == "335501"  # the facility follows a corrected CCN


def test_plain_mode_numbered_choices_no_colour(home: Path) -> None:
    child = spawn(home, "start", "cmsnet", "--plain")
    child.expect("What kind of provider is this for")
    child.expect("1. Hospice")
    child.expect("Type a number from 1 to 4")
    child.send("7" + ENTER)
    child.expect("That is not one of the choices")
    child.send("1" + ENTER)
    child.expect("Facility name")
    child.send(CTRL_C)
    assert finish(child) == 130
    shown = child.before or ""
    assert "\x1b[3" not in shown and "╭" not in shown


def test_plain_mode_offers_the_facility_ccn_and_takes_enter_for_none(home: Path) -> None:
    child = spawn(home, "start", "cmsnet", "--plain", "--facility", "056304")
    child.expect("Type a number from 1 to 4")
    child.send("1" + ENTER)
    child.expect("Facility name")
    child.send("Sunny Acres Hospice" + ENTER)
    child.expect("State")
    child.send("CA" + ENTER)
    child.expect(r"\[press Enter for 056304\]")
    child.send(ENTER)  # taken, after its check against the state
    child.expect("ZIP Code")
    child.send(CTRL_C)
    assert finish(child) == 130
    saved = json.loads((home / "state.json").read_text())["journeys"]["cmsnet-056304"]
    assert saved["answers"]["ccn"] == "056304"
    triage = spawn(home, "start", "--plain")
    triage.expect("Type a number from 1 to 5")
    triage.send("2" + ENTER)  # hospice
    triage.expect("Type a number from 1 to 3")
    triage.send("1" + ENTER)
    triage.expect("or press Enter for none")
    triage.send(ENTER)
    triage.expect("Which state")  # none ticked is an answer
    triage.send(CTRL_C)
    triage.expect("Stopped. Nothing was changed.")
    assert finish(triage) == 130


def test_edit_fits_a_journey_saved_under_an_older_flow_first(home: Path) -> None:
    run_wizard(
        home, "start", "--answers", str(Path(__file__).parent / "data" / "cmsnet-hospice.yaml")
    )
    doc = json.loads((home / "state.json").read_text())
    old = doc["journeys"]["cmsnet-056304"]
    current = old["flow_version"]
    old["flow_version"] = 0
    old["steps"]["a_step_since_removed"] = {"status": "done"}
    (home / "state.json").write_text(json.dumps(doc))
    result = run_wizard(home, "edit", "cmsnet-056304", "facility_name", "--value", "Elm")
    assert result.returncode == 0, result.stderr
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


def test_a_refused_role_is_not_called_finished(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(
        json.dumps(
            {
                "flow": "iqies",
                "answers": {
                    "provider_type": "nursing_home",
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
    )
    result = run_wizard(home, "start", "--answers", str(path))
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(run_wizard(home, "status", "--json").stdout)["journeys"]
    assert not row["finished"] and row["current_step"]["id"] == "role_not_approved"
    assert "approval of your Provider ePOC Administrator role" in row["waiting"]["for"]
    drafts = run_wizard(home, "email").stdout
    assert "Subject: Provider ePOC Administrator role not approved: CCN 555123" in drafts


def test_a_harp_account_skips_every_sign_up_step_even_with_eidm() -> None:
    from epoc_wizard.core.engine import visible_steps
    from epoc_wizard.flowspec.catalog import load_catalog

    flow = load_catalog().get("iqies")
    answers = {
        **prefill(
            {
                "provider_type": "nursing_home",
                "state": "CA",
                "need": "poc",
                "accounts": ["harp", "eidm", "pso"],
            }
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
