"""Right for December 2026: triage routes every provider type and need to today's path,
every fact cites a dated document of the registry, and people never see a file name."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from epoc_wizard.core import triage
from epoc_wizard.flowspec.catalog import bundled_dir, check_files, load_catalog
from epoc_wizard.flowspec.model import Condition

from conftest import run_main

CATALOG = load_catalog([bundled_dir()])
TRIAGE = CATALOG.triage
assert TRIAGE is not None

PROVIDERS = ["nursing_home", "hospice", "home_health", "irf_ltch_swing"]
NEEDS = ["poc", "assessments", "staffing", "library"]
POC_ELSEWHERE = "CMS's electronic POC was for nursing homes only"
PBJ_NH_ONLY = "Payroll-Based Journal is for nursing homes"

#: provider type x need -> the flow recommended first (and its task), or the advice title.
ROUTES: dict[tuple[str, str], str] = {
    ("nursing_home", "poc"): "iqies:epoc",
    ("nursing_home", "assessments"): "iqies:mds",
    ("nursing_home", "staffing"): "iqies:pbj",
    ("hospice", "poc"): POC_ELSEWHERE,
    ("hospice", "assessments"): "iqies:hope",
    ("hospice", "staffing"): PBJ_NH_ONLY,
    ("home_health", "poc"): POC_ELSEWHERE,
    ("home_health", "assessments"): "iqies:oasis",
    ("home_health", "staffing"): PBJ_NH_ONLY,
    ("irf_ltch_swing", "poc"): POC_ELSEWHERE,
    ("irf_ltch_swing", "assessments"): "iqies:irf_ltch",
    ("irf_ltch_swing", "staffing"): PBJ_NH_ONLY,
    **{(p, "library"): "assister-zone:" for p in PROVIDERS},
}

FILE_NAME = re.compile(r"[0-9]{3}_[0-9a-f]{16}\.txt|\(00[0-4]\)|\bsource 00[0-4]\b")


def outcome_of(answers: dict[str, object]) -> str:
    assert TRIAGE is not None
    result = triage.recommend(TRIAGE, answers)
    if result.start:
        first = result.start[0].flow
        return f"{first}:{triage.prefill(TRIAGE, answers).get('task', '')}"
    assert result.advice is not None
    return result.advice.title


def test_the_routing_table_covers_every_provider_type_and_need() -> None:
    assert set(ROUTES) == {(p, n) for p in PROVIDERS for n in NEEDS}
    offered = {
        o.value for q in TRIAGE.questions if q.id == "provider_type" for o in q.options or []
    }
    assert offered == {*PROVIDERS, "assister"}
    needs = {o.value for q in TRIAGE.questions if q.id == "need" for o in q.options or []}
    assert needs == set(NEEDS)


@pytest.mark.parametrize(("provider", "need"), sorted(ROUTES))
def test_triage_sends_each_situation_to_todays_path(provider: str, need: str) -> None:
    for accounts in ([], ["cmsnet", "qies"], ["harp", "eidm", "pso"]):
        answers = {
            "provider_type": provider,
            "need": need,
            "accounts": accounts,
            "state": "CA",
            "scope": "one",
        }
        assert outcome_of(answers) == ROUTES[(provider, need)], (answers, accounts)


def test_assisters_go_to_the_enterprise_portal_path_with_or_without_an_account() -> None:
    for has in (True, False):
        answers = {"provider_type": "assister", "has_portal": has}
        assert outcome_of(answers) == "assister-zone:"
        assert triage.prefill(TRIAGE, answers) == {"has_portal_account": has}
    assert [q.id for q in triage.questions(TRIAGE, {"provider_type": "assister"})] == ["has_portal"]


def test_every_recommended_task_is_an_option_of_the_iqies_flow() -> None:
    task = CATALOG.get("iqies").question("task")
    assert task is not None and task.options
    values = {o.value for o in task.options}
    for route in ROUTES.values():
        if route.startswith("iqies:"):
            assert route.split(":")[1] in values


def test_no_route_leads_to_a_legacy_path() -> None:
    legacy = {f.id for f in CATALOG.flows.values() if f.retired}
    assert legacy >= {"cmsnet", "legacy-epoc", "epoc-access"}
    for route in TRIAGE.routes:
        assert not {p.flow for p in route.start} & legacy


def test_every_route_reason_and_advice_cites_a_dated_document() -> None:
    for route in TRIAGE.routes:
        for cited in [p.source for p in route.start] + (
            [route.advice.source] if route.advice else []
        ):
            doc = CATALOG.sources[cited.doc]
            assert doc.date is not None or doc.about, doc.id


def test_every_document_of_the_registry_is_dated_and_cited() -> None:
    for doc in CATALOG.sources.values():
        assert doc.when, doc.id
        assert CATALOG.cited_by(doc.id) or doc.id == "qtso-news", f"{doc.id} is cited by nothing"


def test_a_source_not_in_the_registry_is_a_problem_with_its_line(tmp_path: Path) -> None:
    text = (bundled_dir() / "cmsnet.yaml").read_text(encoding="utf-8")
    first = re.search(r"doc: ([a-z0-9-]+)", text)
    assert first is not None
    (tmp_path / "cmsnet.yaml").write_text(
        text.replace(first.group(0), "doc: 003_1d414d5a4b39874e.txt", 1), encoding="utf-8"
    )
    problems = check_files([tmp_path / "cmsnet.yaml"])
    assert any("cmsnet.yaml:" in p and "source" in p for p in problems), problems


def test_a_triage_route_to_an_unknown_flow_is_a_problem(tmp_path: Path) -> None:
    text = (bundled_dir() / "triage.yaml").read_text(encoding="utf-8")
    (tmp_path / "triage.yaml").write_text(
        text.replace("flow: assister-zone", "flow: assister-zon", 1), encoding="utf-8"
    )
    problems = check_files([tmp_path / "triage.yaml"])
    assert any("unknown flow 'assister-zon'" in p for p in problems), problems


def test_triage_conditions_are_checked_against_its_questions(tmp_path: Path) -> None:
    text = (bundled_dir() / "triage.yaml").read_text(encoding="utf-8")
    (tmp_path / "triage.yaml").write_text(
        text.replace(
            "{answer: need, is: staffing}\n    advice", "{answer: need, is: stafing}\n    advice", 1
        ),
        encoding="utf-8",
    )
    problems = check_files([tmp_path / "triage.yaml"])
    assert any("stafing" in p for p in problems), problems


def _readable_outputs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    shown = []
    for args in (["flows", "list"], ["sources"], ["contacts"]):
        code, out, err = run_main(monkeypatch, capsys, *args)
        assert code == 0, err
        shown.append(out)
    for flow in CATALOG.flows:
        for args in (["flows", "show", flow], ["export", "--blank", flow]):
            code, out, err = run_main(monkeypatch, capsys, *args)
            assert code == 0, err
            shown.append(out)
    return "\n".join(shown)


def test_people_never_see_a_source_file_name(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _readable_outputs(monkeypatch, capsys)
    assert not FILE_NAME.findall(text)
    assert "23 July 2025" in text  # the CMS notice, by its date
    for flow in CATALOG.flows.values():  # and the data has none either, comments aside
        for step in flow.steps:
            for words in (step.do, step.note or "", step.source.where):
                assert not FILE_NAME.search(words), (flow.id, step.id)


def test_flows_list_labels_legacy_paths_with_dates(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_main(monkeypatch, capsys, "flows", "list")
    assert code == 0
    blocks = {b.split()[0]: b for b in re.split(r"\n(?=\S)", out) if b.strip()}
    for legacy in ("cmsnet", "legacy-epoc", "epoc-access"):
        assert "legacy, checked 1 December 2026" in blocks[legacy]
        assert re.search(r"Moved: .* moved on \d{1,2} \w+ 20\d\d", blocks[legacy])
    assert "current, checked 1 December 2026" in blocks["iqies"]


def test_sources_lists_titles_dates_addresses_and_who_cites_them(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_main(monkeypatch, capsys, "sources")
    assert code == 0
    assert "last checked against these on 1 December 2026" in out
    assert "Date: 23 July 2025" in out
    assert "Date: 20 May 2024" in out  # the iQIES inactive-user notice
    assert "Address: https://qtso.cms.gov/node/2338" in out
    assert re.search(r"Cited by: .*iqies", out)


@pytest.mark.parametrize(
    ("now", "said"), [("2026-12-01T09:00:00-05:00", False), ("2027-06-20T09:00:00-05:00", True)]
)
def test_start_says_when_the_content_is_old(
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    now: str,
    said: bool,
) -> None:
    monkeypatch.setenv("EPOC_WIZARD_NOW", now)
    answers = tmp_path / "a.json"
    answers.write_text(
        json.dumps(
            {
                "answers": {
                    "provider_type": "hospice",
                    "need": "poc",
                    "accounts": [],
                    "state": "NY",
                    "scope": "one",
                }
            }
        )
    )
    code, out, err = run_main(monkeypatch, capsys, "start", "--answers", str(answers))
    assert code == 0, err
    flat = " ".join(out.split())
    assert ("more than 180 days ago" in flat) is said
    assert ("https://qtso.cms.gov" in flat) is said
    assert POC_ELSEWHERE in flat
    assert "Form CMS-2567" in flat


def test_a_condition_in_triage_uses_the_same_structured_form() -> None:
    for route in TRIAGE.routes:
        assert route.when is None or isinstance(route.when, Condition)
