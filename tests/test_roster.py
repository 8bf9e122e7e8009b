"""The access roster (issue 16, items 1-3 and 7): people, facilities and roles; who lapses
when (60 days without a login); PSO coverage and the leaving checklist; a change of
ownership; a vendor's requests to many facilities with an e-mail drafted to each PSO; the
roster in ``status`` and ``status --json``; journeys that end with a role granted; the
state file's schema 2 (older files load); every fact cites the registry."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from epoc_wizard.core import roster as rules
from epoc_wizard.core import roster_report
from epoc_wizard.state import repair
from epoc_wizard.state.document import BACKUP_FILE, STATE_FILE, read_document
from epoc_wizard.state.store import Store

from conftest import Wizard, assert_cited_as_registered

REGISTRY = Path(__file__).parent.parent / "flows" / "sources.yaml"
TODAY = dt.date(2026, 11, 23)  # conftest's FIXED_NOW
#: Two facilities, four people: two PSOs at Sunny Acres, one (Ana, at both) at Oak Grove.
ROSTER = {
    "entries": [
        {
            "person": "Ana Lopez",
            "harp_user_id": "alopez01",
            "email": "ana@sunnyacres.example.org",
            "works_for": "provider",
            "facility": "056304",
            "facility_name": "Sunny Acres",
            "role": "PSO",
            "granted": "2026-06-01",
            "last_login": "2026-11-10",
        },
        {
            "person": "Ben Ortiz",
            "harp_user_id": "bortiz02",
            "email": "ben@sunnyacres.example.org",
            "facility": "056304",
            "role": "Provider Security Official",
            "granted": "2026-06-15",
            "last_login": "2026-10-05",
        },
        {"person": "Ana Lopez", "facility": "056305", "facility_name": "Oak Grove", "role": "pso"},
        {
            "person": "Carla Diaz",
            "harp_user_id": "cdiaz03",
            "facility": "056305",
            "role": "provider epoc administrator",
            "granted": "08/01/2026",
            "last_login": "2026-09-01",
        },
        {
            "person": "D.P.",
            "harp_user_id": "dpatel04",
            "facility": "056304",
            "role": "MDS coordinator",
            "granted": "2026-11-02",
        },
    ]
}


def _load(wizard: Wizard, tmp_path: Path, data: dict[str, Any] = ROSTER) -> None:
    path = tmp_path / "roster.yaml"
    path.write_text(yaml.safe_dump(data))
    ran = wizard("roster", "add", "--answers", str(path))
    assert ran.returncode == 0, ran.stderr


def _facilities(status: dict[str, Any]) -> dict[str, Any]:
    return {f["ccn"]: f for f in status["roster"]["facilities"]}


def test_a_roster_of_two_facilities_and_four_people(wizard: Wizard, tmp_path: Path) -> None:
    _load(wizard, tmp_path)
    data = json.loads(wizard("status", "--json").stdout)
    assert data["journeys"] == []
    sunny, oak = _facilities(data)["056304"], _facilities(data)["056305"]
    assert data["roster"]["totals"] == {
        "facilities": 2,
        "people": 4,
        "roles": 5,
        "requested": 0,
        "login_soon": 1,
        "lapsed": 1,
        "login_unknown": 0,
        "without_two_psos": 1,
    }
    # Role names as the sources name them, whatever the case typed; free text kept.
    held = {(h["person"], h["role"]) for f in (sunny, oak) for h in f["roles"]}
    assert held == {
        ("Ana Lopez", "Provider Security Official"),
        ("Ben Ortiz", "Provider Security Official"),
        ("D.P.", "MDS coordinator"),
        ("Carla Diaz", "Provider ePOC Administrator"),
    } | {("Ana Lopez", "Provider Security Official")}
    by = {(h["person"], f["ccn"]): h for f in (sunny, oak) for h in f["roles"]}
    # 60 days after the later of the grant and the last login.
    assert by["Ana Lopez", "056304"]["log_in_by"] == "2027-01-09"
    assert by["Ana Lopez", "056304"]["access"] == "ok"
    assert by["Ben Ortiz", "056304"]["log_in_by"] == "2026-12-04"
    assert by["Ben Ortiz", "056304"]["access"] == "soon"
    assert by["D.P.", "056304"]["log_in_by"] == "2027-01-01"
    assert (
        by["Carla Diaz", "056305"] | {"access": "lapsed", "days_left": -23}
        == by["Carla Diaz", "056305"]
    )
    # Ana's role at Oak Grove has no date: her last login counts.
    assert by["Ana Lopez", "056305"]["granted"] is None
    assert by["Ana Lopez", "056305"]["log_in_by"] == "2027-01-09"
    assert sunny["coverage"]["flag"] == "ok"
    assert sunny["coverage"]["psos"] == ["Ana Lopez", "Ben Ortiz"]
    assert oak["coverage"]["flag"] == "one"
    assert oak["coverage"]["sources"] == ["mo-dhss-pso", "qtso-so-manage-access"]
    assert [t["sources"] for t in oak["todo"]] == [
        ["mo-dhss-pso", "qtso-so-manage-access"],
        ["qtso-iqies-inactive-2024"],
    ]
    # roster list --json is the same report; the text names sources with their dates.
    listed = json.loads(wizard("roster", "list", "--json").stdout)
    assert listed == data["roster"]
    text = " ".join(wizard("status").stdout.split())
    assert "Facility 056305 (Oak Grove): access roster" in text
    assert "ONLY ONE PSO: Ana Lopez." in text
    assert "LOG IN SOON: Ben Ortiz (bortiz02): Provider Security Official" in text
    assert "by Fri 4 December 2026" in text
    assert "Missouri DHSS, iQIES Provider Security Official notice (about late 2022)" in text
    assert "1 facility with fewer than two PSOs" in text
    only = json.loads(wizard("status", "--json", "--facility", "056305").stdout)["roster"]
    assert [f["ccn"] for f in only["facilities"]] == ["056305"]
    assert [p["name"] for p in only["people"]] == ["Ana Lopez", "Carla Diaz"]


@pytest.mark.parametrize(
    ("today", "access", "days_left"),
    [
        ("2026-12-15", "ok", 15),  # day 45 after the last login
        ("2026-12-16", "soon", 14),  # the reminder starts 14 days before
        ("2026-12-30", "soon", 0),  # day 60: the last day
        ("2026-12-31", "lapsed", -1),  # day 61: may have been revoked
    ],
)
def test_a_lapse_warning_before_day_60_and_revoked_after(
    today: str, access: str, days_left: int
) -> None:
    raw, _ = rules.add(
        rules.empty(),
        "Ana Lopez",
        facility="056304",
        role="pso",
        granted=dt.date(2026, 6, 1),
        last_login=dt.date(2026, 10, 31),
    )
    (h,) = roster_report.report(raw, dt.date.fromisoformat(today))["facilities"][0]["roles"]
    assert (h["access"], h["days_left"], h["log_in_by"]) == (access, days_left, "2026-12-30")
    said = roster_report.holder_sentence(h, "056304")
    expected = {"ok": "Log in to iQIES by", "soon": "LOG IN SOON", "lapsed": "NOT LOGGED IN FOR"}
    assert said.startswith(expected[access]) or said.split(": ", 1)[1].startswith("Provider")
    assert expected[access] in said
    if access == "lapsed":
        assert "may have been revoked" in said and "request it again" in said
    # Neither a grant date nor a login: the wizard cannot say, and says whom to ask.
    raw, _ = rules.add(raw, "Bo", facility="056304", role="PBJ Viewer")
    bo = roster_report.report(raw, TODAY)["facilities"][0]["roles"][1]
    assert (bo["person"], bo["state"], bo["access"], bo["log_in_by"]) == (
        "Bo",
        "granted",
        "unknown",
        None,
    )
    assert "Ask Bo when they last logged in to iQIES" in roster_report.holder_sentence(bo, "056304")


def test_status_warns_then_says_revoked_and_a_login_clears_it(
    wizard: Wizard, tmp_path: Path
) -> None:
    _load(wizard, tmp_path)
    before = " ".join(wizard("status", EPOC_WIZARD_NOW="2026-12-01T09:00:00-05:00").stdout.split())
    assert "LOG IN SOON: Ben Ortiz (bortiz02)" in before
    after = " ".join(wizard("status", EPOC_WIZARD_NOW="2026-12-05T09:00:00-05:00").stdout.split())
    assert (
        "NOT LOGGED IN FOR 60 DAYS: Ben Ortiz (bortiz02): Provider Security Official may" in after
    )
    # Ben's PSO role may be gone: Sunny Acres is down to one PSO.
    assert "ONLY ONE PSO: Ana Lopez." in after and "Not counted: Ben Ortiz" in after
    ran = wizard("login", "bortiz02", "--date", "2026-11-22")
    assert ran.returncode == 0, ran.stderr
    assert "Saved: Ben Ortiz logged in to iQIES on 22 November 2026" in ran.stdout
    assert "Log in again by Thu 21 January 2027" in ran.stdout
    data = json.loads(wizard("status", "--json").stdout)
    ben = next(h for h in _facilities(data)["056304"]["roles"] if h["person"] == "Ben Ortiz")
    assert (ben["last_login"], ben["access"]) == ("2026-11-22", "ok")
    nobody = wizard("login", "Zed")
    assert nobody.returncode == 2
    assert "'Zed' is neither a person on the access roster nor a journey" in nobody.stderr


def test_one_pso_is_flagged_and_the_leaving_checklist(wizard: Wizard, tmp_path: Path) -> None:
    _load(wizard, tmp_path)
    wizard("roster", "request", "Vic", "--works-for", "vendor", "--facility", "056305",
           "--role", "PBJ Viewer")  # fmt: skip
    ran = wizard("roster", "pso-leaving", "ana lopez")
    assert ran.returncode == 0, ran.stderr
    text = " ".join(ran.stdout.split())
    assert text.startswith("Before Ana Lopez stops being a Provider Security Official (PSO):")
    # Sunny Acres has Ben; Oak Grove has no one else, and a vendor's request is waiting.
    assert "Facility 056304 (Sunny Acres): Ana Lopez is a PSO here. 1. Another PSO" in text
    assert "Facility 056305 (Oak Grove): Ana Lopez is a PSO here. 1. Ana Lopez is the only" in text
    assert "make sure a second PSO is approved" in text
    assert "a vendor cannot be a PSO" in text
    assert "2. Requests waiting for a PSO here: Vic (PBJ Viewer)." in text
    assert 'epoc-wizard roster remove "Ana Lopez" --facility 056305' in text
    assert "CMS approves an organization's first PSO; after that, a PSO approves" in text
    assert "not said on any page we could check: ask the iQIES Service Center" in text
    assert "QTSO, Security Official: Manage Access (undated, before February 2019)" in text
    only = wizard("roster", "pso-leaving", "Ana Lopez", "--facility", "056304").stdout
    assert "056305" not in only
    not_pso = wizard("roster", "pso-leaving", "Carla Diaz")
    assert (
        not_pso.returncode == 2 and "Carla Diaz holds no PSO role on the roster" in not_pso.stderr
    )
    # A PSO must work for the provider, not a vendor.
    vendor = wizard("roster", "add", "Vic", "--facility", "056305", "--role", "PSO")
    assert vendor.returncode == 2
    assert "Vic works for a vendor, and a PSO must work for the provider" in vendor.stderr
    # When she has gone, Oak Grove has no PSO: flagged with the sources' advice.
    wizard("roster", "remove", "Ana Lopez", "--facility", "056305")
    oak = _facilities(json.loads(wizard("status", "--json").stdout))["056305"]
    assert oak["coverage"]["flag"] == "none"
    assert oak["coverage"]["advice"].startswith("NO PSO on the roster for this facility.")
    assert "CMS approves an organization's first PSO" in oak["coverage"]["advice"]


def test_a_change_of_ownership_same_or_new_ccn(wizard: Wizard, tmp_path: Path) -> None:
    _load(wizard, tmp_path)
    same = wizard("roster", "ownership", "056304", "--same-ccn")
    assert "same CCN 056304: staff keep using the same iQIES logins" in same.stdout
    assert "AAPACN, CMS Answers iQIES Question on Change in Ownership (about 2023)" in same.stdout
    new = " ".join(wizard("roster", "ownership", "056305", "--new-ccn", "056399").stdout.split())
    assert "new CCN 056399: apply for a Provider Security Official again, under the new" in new
    facilities = _facilities(json.loads(wizard("status", "--json").stdout))
    assert facilities["056305"]["new_ccn"] == "056399"
    assert facilities["056305"]["todo"][0]["sources"] == ["aapacn-chow"]
    assert facilities["056399"]["name"] == "Oak Grove"
    assert facilities["056399"]["coverage"]["flag"] == "none"
    both = wizard("roster", "ownership", "056304")
    assert both.returncode == 2 and "--same-ccn, or --new-ccn CCN" in both.stderr
    # People change their names; their roles stay.
    ran = wizard(
        "roster", "change", "carla diaz", "--name", "Carla Ruiz", "--works-for", "corporate"
    )
    assert ran.stdout.startswith("Updated Carla Ruiz: works for set, renamed from Carla Diaz.")
    oak = _facilities(json.loads(wizard("status", "--json").stdout))["056305"]
    assert [h["person"] for h in oak["roles"]] == ["Ana Lopez", "Carla Ruiz"]


def test_a_vendor_with_three_facilities_gets_three_drafted_pso_emails(
    wizard: Wizard, tmp_path: Path, home: Path
) -> None:
    _load(wizard, tmp_path)
    wizard(
        "roster", "add", "Erin Lee", "--facility", "056306", "--facility-name", "Pine View",
        "--role", "PSO", "--granted", "2026-05-01", "--email", "erin@pineview.example.org",
    )  # fmt: skip
    ran = wizard(
        "roster", "request", "Vic Vendor", "--works-for", "vendor", "--harp-user-id", "vvendor9",
        "--facility", "056304", "--facility", "056305", "--facility", "056306",
        "--role", "pbj submitter (provider or vendor)",
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert "Maine Health Care Association, PBJ Moving to iQIES, 16 June 2026" in ran.stdout
    drafts = sorted((home / "drafts" / "roster").glob("*.eml"))
    assert [d.name for d in drafts] == [
        f"pso-approval-{ccn}-Vic-Vendor.eml" for ccn in ("056304", "056305", "056306")
    ]
    to = [next(x for x in d.read_text().splitlines() if x.startswith("To:")) for d in drafts]
    assert to == [
        "To: Ana Lopez <ana@sunnyacres.example.org>",
        "To: Ana Lopez <ana@sunnyacres.example.org>",
        "To: Erin Lee <erin@pineview.example.org>",
    ]
    assert "Also a PSO here (add to Cc if you like): Ben Ortiz <ben@sunnyacres" in ran.stdout
    assert "Hello Ana Lopez and Ben Ortiz," in drafts[0].read_text()
    body = drafts[2].read_text()
    assert "Subject: iQIES role request for CCN 056306: Vic Vendor, PBJ Submitter" in body
    assert "HARP user ID: vvendor9" in body and "X-Unsent: 1" in body
    # Tracked per facility until approved.
    facilities = _facilities(json.loads(wizard("status", "--json").stdout))
    waiting = [
        (ccn, h["state"], h["drafted"])
        for ccn, f in facilities.items()
        for h in f["roles"]
        if h["person"] == "Vic Vendor"
    ]
    assert waiting == [(c, "requested", "2026-11-23") for c in ("056304", "056305", "056306")]
    assert "Ask Ana Lopez or Ben Ortiz to approve" in facilities["056304"]["todo"][-1]["text"]
    ok = wizard("roster", "approve", "vic vendor", "--facility", "056306")
    assert ok.returncode == 0 and "Approved: Vic Vendor's PBJ Submitter" in ok.stdout
    text = " ".join(wizard("status", "--facility", "056305").stdout.split())
    assert "waiting for a PSO's approval; e-mail to the PSO drafted 23 November 2026" in text
    again = wizard("roster", "approve", "Vic Vendor", "--facility", "056306")
    assert again.returncode == 2 and "has no request waiting at 056306" in again.stderr
    data = json.loads(wizard("status", "--json").stdout)["roster"]
    assert (data["totals"]["requested"], data["totals"]["facilities"]) == (2, 3)


def test_a_journey_that_ends_with_a_role_granted_adds_to_the_roster(
    wizard: Wizard, tmp_path: Path
) -> None:
    answers = tmp_path / "iqies.yaml"
    answers.write_text(
        yaml.safe_dump(
            {
                "flow": "iqies",
                "done": "all",
                "answers": {
                    "provider_type": "nursing_home",
                    "task": "pbj",
                    "facility_name": "Sunny Acres",
                    "state": "CA",
                    "ccn": "056304",
                    "org_search_by": "ccn",
                    "has_pso": "yes",
                    "has_harp": True,
                    "harp_user_id": "alopez01",
                    "pbj_role": "pbj_submitter",
                    "role_approved": True,
                },
            }
        )
    )
    ran = wizard("start", "iqies", "--facility", "056304", "--answers", str(answers))
    assert ran.returncode == 0, ran.stderr
    assert "Added to the access roster: alopez01, PBJ Submitter (Provider or Vendor)" in " ".join(
        ran.stdout.split()
    )
    (h,) = _facilities(json.loads(wizard("status", "--json").stdout))["056304"]["roles"]
    assert (h["person"], h["role"], h["granted"], h["journey"]) == (
        "alopez01",
        "PBJ Submitter (Provider or Vendor)",
        "2026-11-23",
        "iqies-056304",
    )
    # A login for the journey is a login for the person on the roster, and the other way.
    ran = wizard("login", "iqies-056304")
    assert "Recorded on the access roster for alopez01 too." in ran.stdout
    named = wizard("roster", "add", "Ana Lopez", "--harp-user-id", "alopez01")
    assert named.stdout.startswith("Updated Ana Lopez: named."), named.stdout
    ran = wizard("login", "Ana Lopez", EPOC_WIZARD_NOW="2026-12-20T09:00:00-05:00")
    assert "Also recorded for iqies-056304." in ran.stdout
    data = json.loads(
        wizard("status", "--json", EPOC_WIZARD_NOW="2026-12-20T09:00:00-05:00").stdout
    )
    assert data["journeys"][0]["access"]["last_login"] == "2026-12-20"
    assert (
        data["roster"]["people"][0] | {"name": "Ana Lopez", "last_login": "2026-12-20"}
        == (data["roster"]["people"][0])
    )


def test_a_state_file_without_a_roster_still_loads_and_saves_keep_both(
    home: Path, wizard: Wizard, tmp_path: Path
) -> None:
    home.mkdir(mode=0o700)
    (home / STATE_FILE).write_text('{"schema": 1, "journeys": {}}')
    assert json.loads(wizard("status", "--json").stdout)["roster"]["facilities"] == []
    assert "No journeys yet" in wizard("status").stdout
    assert read_document(home)["roster"] == rules.empty()
    _load(wizard, tmp_path)
    saved = json.loads((home / STATE_FILE).read_text())
    assert saved["schema"] == 2 and len(saved["roster"]["people"]) == 4
    assert json.loads((home / BACKUP_FILE).read_text()) == {"schema": 1, "journeys": {}}
    # A journey saved by another Store keeps the roster; a roster change keeps the journeys.
    store = Store(home)
    store.write({"x": {"id": "x"}})
    assert len(store.roster()["people"]) == 4
    wizard("roster", "remove", "D.P.")
    assert set(store.journeys()) == {"x"} and len(store.roster()["people"]) == 3
    # doctor --repair goes back to the last good save: the roster comes back with it.
    (home / STATE_FILE).write_bytes(b"\x00" * 10)
    said = repair.repair(home, now=dt.datetime(2026, 11, 23, 14, tzinfo=dt.UTC))
    assert "The access roster was taken from it." in " ".join(said)  # its journey is damaged
    assert len(read_document(home)["roster"]["people"]) == 4


def test_a_damaged_roster_is_a_damaged_file(home: Path, wizard: Wizard) -> None:
    home.mkdir(mode=0o700)
    bad = {"schema": 2, "journeys": {}, "roster": {"people": {"a": {"name": "A", "roles": 3}}}}
    (home / STATE_FILE).write_text(json.dumps(bad))
    ran = wizard("status")
    assert ran.returncode == 1
    assert "its access roster is not in the expected form (person 'a': roles are not a list)" in (
        " ".join(ran.stderr.split())
    )
    assert "epoc-wizard doctor --repair" in ran.stderr


def test_a_batch_file_is_checked_before_anything_is_saved(
    home: Path, wizard: Wizard, tmp_path: Path
) -> None:
    path = tmp_path / "bad.yaml"
    for entries, said in [
        ([{"person": "Ana", "password": "x"}], "entry 1 has unknown key(s) password"),
        ([{"person": "Ana"}, {"person": "987-65-4329"}], "This looks like a Social Security"),
        ([{"person": "Ana", "role": "PSO"}], "a role is held at a facility"),
        ([{"person": "Ana", "facility": "056304", "granted": "2099-01-01"}], "in the future"),
    ]:
        path.write_text(yaml.safe_dump({"entries": entries}))
        ran = wizard("roster", "add", "--answers", str(path))
        assert ran.returncode == 2 and said in " ".join(ran.stderr.split()), ran.stderr
        assert "987" not in ran.stderr
    assert not (home / STATE_FILE).exists()


def test_every_cited_document_is_in_the_registry_with_the_date_shown() -> None:
    assert_cited_as_registered(rules.CITES)
    docs = {d["id"] for d in yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))["sources"]}
    assert set(rules.KNOWN_ROLES.values()) <= docs


# --- review fixes (issue 16 review) -----------------------------------------------------


def test_an_old_grant_with_no_login_is_said_at_once_and_counted_flagged(
    wizard: Wizard,
) -> None:
    wizard("roster", "add", "Ana Lopez", "--facility", "056304", "--role", "PSO",
           "--granted", "2026-10-01", "--last-login", "2026-11-10")  # fmt: skip
    ran = wizard("roster", "add", "Ben Ortiz", "--facility", "056304", "--role", "PSO",
                 "--granted", "2026-06-15")  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    said = " ".join(ran.stdout.split())
    assert (
        "No login recorded for Ben Ortiz since 15 June 2026, when Provider Security Official "
        "at 056304 was granted: by the 60-day rule the role may have lapsed; if Ben Ortiz has "
        'logged in since, record it: epoc-wizard login "Ben Ortiz" --date YEAR-MONTH-DAY'
    ) in said
    assert "QTSO, iQIES will Implement an Inactive User Policy, 20 May 2024" in said
    # status: no login recorded, not "not logged in"; Ben counted, flagged.
    text = " ".join(wizard("status").stdout.split())
    assert "NO LOGIN RECORDED: Ben Ortiz: Provider Security Official, granted 15 June" in text
    assert "NOT LOGGED IN FOR" not in text and "ONLY ONE PSO" not in text
    assert "PSOs: Ana Lopez, Ben Ortiz (login not recorded)." in text
    coverage = _facilities(json.loads(wizard("status", "--json").stdout))["056304"]["coverage"]
    assert (coverage["flag"], coverage["psos"], coverage["login_not_recorded"]) == (
        "ok",
        ["Ana Lopez", "Ben Ortiz"],
        ["Ben Ortiz"],
    )
    assert coverage["lapsed_psos"] == [] and "qtso-iqies-inactive-2024" in coverage["sources"]
    # A recorded login clears the flag; a role added in time says nothing more.
    wizard("login", "Ben Ortiz", "--date", "2026-11-20")
    coverage = _facilities(json.loads(wizard("status", "--json").stdout))["056304"]["coverage"]
    assert coverage["login_not_recorded"] == [] and coverage["flag"] == "ok"
    quiet = wizard("roster", "add", "Cy", "--facility", "056304", "--role", "PBJ Viewer",
                   "--granted", "2026-11-01")  # fmt: skip
    assert "may have lapsed" not in quiet.stdout


def test_a_login_after_the_60_day_date_says_the_role_may_have_been_revoked(
    wizard: Wizard, tmp_path: Path
) -> None:
    _load(wizard, tmp_path)  # Carla Diaz (cdiaz03): last login 1 September, due 31 October
    ran = wizard("login", "cdiaz03")
    assert ran.returncode == 0, ran.stderr
    text = " ".join(ran.stdout.split())
    assert text.startswith("Saved: Carla Diaz logged in to iQIES on 23 November 2026.")
    assert (
        "Before this login, Carla Diaz had gone more than 60 days without one: Provider ePOC "
        "Administrator at 056305 (log in was due by Sat 31 October 2026). iQIES may have "
        "revoked that role, and a login does not bring it back. The HARP account stays "
        "active: check in iQIES, and if the role is gone, request it again."
    ) in text
    assert "QTSO, iQIES will Implement an Inactive User Policy, 20 May 2024" in text
    # A login in time says nothing of the kind.
    ana = wizard("login", "alopez01")
    assert "may have revoked" not in ana.stdout
    # A PSO's role: who approves it again, where no PSO is left, is not known.
    wizard("roster", "add", "Carla Diaz", "--facility", "056305", "--role", "PSO",
           "--granted", "2026-08-01")  # fmt: skip
    late = " ".join(wizard("login", "Carla Diaz", EPOC_WIZARD_NOW="2027-03-01T09:00:00-05:00")
                    .stdout.split())  # fmt: skip
    assert "iQIES may have revoked those roles" in late
    assert "ask the iQIES Service Center" in late


def test_the_leaving_checklist_names_no_other_pso_when_there_is_none(
    wizard: Wizard, tmp_path: Path
) -> None:
    _load(wizard, tmp_path)
    for ccn in ("056304", "056305"):
        wizard("roster", "request", "Vic", "--works-for", "vendor", "--facility", ccn,
               "--role", "PBJ Viewer")  # fmt: skip
    text = " ".join(wizard("roster", "pso-leaving", "Ana Lopez").stdout.split())
    assert "the other PSO" not in text
    # Sunny Acres has Ben; Oak Grove has no one else.
    assert "Approve them before Ana Lopez goes, or ask Ben Ortiz to." in text
    assert (
        "Approve them before Ana Lopez goes, since no other PSO on the roster could approve "
        "them once Ana Lopez has gone."
    ) in text


def test_a_pso_who_may_have_lapsed_is_named_and_the_advice_fits(
    wizard: Wizard, tmp_path: Path
) -> None:
    _load(wizard, tmp_path)
    wizard("roster", "remove", "Ana Lopez", "--facility", "056305")
    wizard("roster", "add", "Carla Diaz", "--facility", "056305", "--role", "PSO",
           "--granted", "2026-08-01")  # fmt: skip
    oak = _facilities(json.loads(wizard("status", "--json").stdout))["056305"]
    advice = oak["coverage"]["advice"]
    assert (oak["coverage"]["flag"], oak["coverage"]["lapsed_psos"]) == ("none", ["Carla Diaz"])
    assert advice.startswith(
        "No PSO with current access on the roster for this facility: the PSO role of Carla "
        "Diaz (last login recorded 1 September 2026) may have lapsed"
    )
    assert "NO PSO on the roster" not in advice
    assert "CMS approves an organization's first PSO" not in advice
    assert (
        "Who approves a new PSO when none is left is not said on any page we could check: "
        "ask the iQIES Service Center"
    ) in advice
    assert 'epoc-wizard login "Carla Diaz" --date YEAR-MONTH-DAY' in advice
    assert "Not counted" not in advice  # named once, at the start


def test_the_email_to_a_pso_is_true_before_the_request_exists_and_helps_find_it(
    wizard: Wizard, tmp_path: Path, home: Path
) -> None:
    _load(wizard, tmp_path)
    ran = wizard("roster", "request", "Vic Vendor", "--works-for", "vendor", "--harp-user-id",
                 "vvendor9", "--facility", "056304", "--role", "PBJ Viewer")  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    body = " ".join((home / "drafts" / "roster" / "pso-approval-056304-Vic-Vendor.eml")
                    .read_text().split())  # fmt: skip
    assert "has requested" not in body
    assert (
        'Vic Vendor (a vendor) is requesting, or will shortly request, the iQIES role "PBJ '
        'Viewer" for Sunny Acres in iQIES, under CCN 056304.'
    ) in body
    assert "please approve it when the request appears in iQIES?" in body
    assert "HARP user ID: vvendor9 Works for: a vendor Facility: Sunny Acres, CCN 056304" in body
    assert "--harp-user-id ID" not in ran.stdout  # the ID is known: nothing to add
    # Someone who works for the provider, with no HARP user ID known yet.
    ran = wizard("roster", "request", "Pat", "--works-for", "provider", "--facility", "056304",
                 "--role", "PBJ Viewer")  # fmt: skip
    body = (home / "drafts" / "roster" / "pso-approval-056304-Pat.eml").read_text()
    assert "Works for: the provider, Sunny Acres" in body and "HARP user ID" not in body
    assert "run this again with --harp-user-id ID" in " ".join(ran.stdout.split())


def test_a_likely_typo_in_an_email_address_is_a_warning_and_kept(wizard: Wizard) -> None:
    ran = wizard("roster", "add", "Zed", "--email", "zed@gmial.com")
    assert ran.returncode == 0, ran.stderr
    warning = " ".join(ran.stderr.split())
    assert "Warning: --email zed@gmial.com: did you mean zed@gmail.com?" in warning
    assert "It is kept as given; to correct it: epoc-wizard roster change Zed --email" in warning
    assert ran.stdout.startswith("Added Zed (no role yet).")
    people = json.loads(wizard("roster", "list", "--json").stdout)["people"]
    assert [p["email"] for p in people] == ["zed@gmial.com"]
    changed = wizard("roster", "change", "Zed", "--email", "zed@gmial.com")
    assert "did you mean zed@gmail.com?" in changed.stderr
    clean = wizard("roster", "change", "Zed", "--email", "zed@gmail.com")
    assert clean.stderr == ""


def test_errors_name_the_person_without_an_option_that_does_not_exist(wizard: Wizard) -> None:
    for argv in (
        ("roster", "add", "987-65-4329"),
        ("roster", "request", "987-65-4329", "--facility", "056304", "--role", "PSO"),
    ):
        ran = wizard(*argv)
        assert ran.returncode == 2
        assert "--person" not in ran.stderr
        assert ran.stderr.startswith("The person's name: This looks like a Social Security")
        assert "987" not in ran.stderr


def test_the_batch_file_format_is_shown_where_installed_users_see_it(
    wizard: Wizard, tmp_path: Path
) -> None:
    empty = wizard("roster", "list").stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("- {person: Ana}\n")
    wrong = wizard("roster", "add", "--answers", str(bad))
    assert wrong.returncode == 2
    for said in (empty, wrong.stderr):
        assert "docs/roster.md" not in said
        assert '  - {person: Ana Lopez, facility: "056304", role: PSO, granted: 2026-06-01}' in said
        assert "Keys: person, harp_user_id, email, works_for, facility" in said
    # The example is a file the command takes as it is.
    good = tmp_path / "good.yaml"
    good.write_text(wrong.stderr.split("like:\n", 1)[1].split("\nKeys:", 1)[0])
    ran = wizard("roster", "add", "--answers", str(good))
    assert ran.returncode == 0, ran.stderr
