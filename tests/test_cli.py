"""The command line without a terminal: answers files, errors as sentences, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Ran, Wizard, wizard_env

DATA = Path(__file__).parent / "data"


def no_traceback(result: Ran) -> None:
    assert "Traceback" not in result.stdout + result.stderr


def test_version_both_ways(home: Path, wizard: Wizard) -> None:
    result = wizard("--version")
    assert result.returncode == 0 and result.stdout.startswith("epoc-wizard 0.")
    module = subprocess.run(
        [sys.executable, "-m", "epoc_wizard", "--version"],
        capture_output=True,
        text=True,
        env=wizard_env(home),
    )
    assert module.stdout == result.stdout


@pytest.mark.parametrize("command", ["start", "resume"])
def test_no_terminal_and_no_answers_fails_fast(wizard: Wizard, command: str) -> None:
    result = wizard(command, "cmsnet" if command == "start" else "x")
    no_traceback(result)
    if command == "start":
        assert result.returncode == 2
        assert "--answers FILE" in result.stderr


def test_answers_file_runs_whole_journey(wizard: Wizard) -> None:
    result = wizard("start", "--answers", str(DATA / "cmsnet-hospice.yaml"))
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert "All steps done" in result.stdout
    doc = json.loads(wizard("status", "--json").stdout)
    (row,) = doc["journeys"]
    assert row["facility"] == "056304" and row["finished"]
    assert row["progress"]["done"] == row["progress"]["total"] == 10


def test_answers_file_refuses_bad_value_with_the_check_message(
    wizard: Wizard, tmp_path: Path
) -> None:
    answers = (DATA / "cmsnet-hospice.yaml").read_text().replace('"056304"', '"56304"')
    path = tmp_path / "a.yaml"
    path.write_text(answers)
    result = wizard("start", "--answers", str(path))
    no_traceback(result)
    assert result.returncode == 1
    assert "the answer for 'ccn' was refused" in result.stderr
    assert "Did you mean 056304?" in result.stderr


def test_partial_answers_stop_and_resume(wizard: Wizard, tmp_path: Path) -> None:
    first = tmp_path / "first.yaml"
    first.write_text(
        "flow: cmsnet\nanswers: {provider_type: nursing_home, facility_name: Oak,"
        " state: TX, ccn: '455001', zip: '75201', existing_ids: '1'}\n"
        "done: [about_facility, open_qtso]\n"
    )
    result = wizard("start", "--answers", str(first))
    assert result.returncode == 0, result.stderr
    assert "To continue, run: epoc-wizard resume cmsnet-455001" in result.stdout
    status = json.loads(wizard("status", "--json").stdout)["journeys"][0]
    assert status["current_step"]["id"] == "cmsnet_information"
    again = wizard("start", "cmsnet", "--answers", str(first))
    assert again.returncode == 0
    assert len(json.loads(wizard("status", "--json").stdout)["journeys"]) == 1
    rest = tmp_path / "rest.yaml"
    rest.write_text("answers: {cmsnet_user_id_form: OAKNH01}\ndone: all\n")
    done = wizard("resume", "--answers", str(rest))
    assert done.returncode == 0, done.stderr
    assert "All steps done" in done.stdout


def test_numbers_in_answers_files_keep_their_leading_zeros(wizard: Wizard, tmp_path: Path) -> None:
    # Unquoted, YAML would read 056304 as an octal number and 02134 as 2134.
    answers = (DATA / "cmsnet-hospice.yaml").read_text().replace('"056304"', "056304")
    assert "ccn: 056304" in answers
    path = tmp_path / "a.yaml"
    path.write_text(answers)
    result = wizard("start", "--answers", str(path))
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(wizard("status", "--json").stdout)["journeys"]
    assert row["facility"] == "056304"


@pytest.mark.parametrize(
    ("written", "saved"), [("yes", "yes"), ("no", "no"), ("not_sure", "not_sure")]
)
def test_yes_and_no_in_answers_files_are_the_option_words(written: str, saved: str) -> None:
    # YAML reads an unquoted yes/no as true/false; a select whose options are the words
    # yes and no must still take them.
    from epoc_wizard.core.answers import check_answer
    from epoc_wizard.flowspec import guarded
    from epoc_wizard.flowspec.catalog import load_catalog

    text = f"has_pso: {written}\nexisting_ids: 0\n"
    raw, _ = guarded.parse_yaml(text, "answers.yaml", guarded.ANSWERS)
    flow = load_catalog().get("iqies")
    question = flow.question("has_pso")
    assert question is not None
    assert check_answer(question, raw["has_pso"], {}).value == saved
    ids = load_catalog().get("cmsnet").question("existing_ids")
    assert ids is not None and check_answer(ids, raw["existing_ids"], {}).value == "0"


def test_bad_facility_in_answers_file_names_the_file(wizard: Wizard, tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text("flow: cmsnet\nfacility: 12\n")
    result = wizard("start", "--answers", str(path))
    no_traceback(result)
    assert result.returncode == 2
    assert f"{path}: facility '12'" in result.stderr
    assert "--facility" not in result.stderr


def test_missing_answer_is_named(wizard: Wizard, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("flow: cmsnet\nanswers: {provider_type: hospice}\ndone: all\n")
    result = wizard("start", "--answers", str(path))
    assert result.returncode == 1
    assert "gives no answer for 'facility_name'" in result.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("answers: [1, 2]\n", "'answers' must map question ids to values"),
        ("done: 3\n", "'done' must be a list of step ids"),
        ("colour: red\n", "unknown key(s) colour"),
        ("answers: {a: [1\n", "not valid YAML or JSON"),
    ],
)
def test_bad_answers_files(wizard: Wizard, tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(content)
    result = wizard("start", "cmsnet", "--answers", str(path))
    no_traceback(result)
    assert result.returncode == 2
    assert expected in result.stderr


def test_unknown_flow_and_journey(wizard: Wizard) -> None:
    result = wizard("start", "nope", "--answers", str(DATA / "cmsnet-hospice.yaml"))
    assert result.returncode == 2 and "There is no flow called 'nope'" in result.stderr
    result = wizard("reset", "nope", "--yes")
    assert result.returncode == 2 and "There is no journey called 'nope'" in result.stderr


def test_status_empty_and_reset(wizard: Wizard) -> None:
    empty = wizard("status")
    assert empty.returncode == 0 and "No journeys yet" in empty.stdout
    wizard("start", "--answers", str(DATA / "cmsnet-hospice.yaml"))
    refused = wizard("reset", "cmsnet-056304")
    assert refused.returncode == 1 and "--yes" in refused.stderr
    result = wizard("reset", "cmsnet-056304", "--yes")
    assert result.returncode == 0 and "Deleted cmsnet-056304" in result.stdout
    assert json.loads(wizard("status", "--json").stdout)["journeys"] == []


@pytest.mark.parametrize(
    "args",
    [
        ["--bogus"],
        ["start", "--facility"],
        ["status", "--facility", "12"],
        ["frobnicate"],
        ["status", "--json", "--what"],
    ],
)
def test_bad_flags_are_sentences(wizard: Wizard, args: list[str]) -> None:
    result = wizard(*args)
    no_traceback(result)
    assert result.returncode == 2
    assert result.stderr.strip()


def test_flows_commands(wizard: Wizard, tmp_path: Path) -> None:
    listing = wizard("flows", "list")
    assert listing.returncode == 0 and "cmsnet" in listing.stdout and "current" in listing.stdout
    shown = wizard("flows", "show", "cmsnet")
    assert "only when provider_type is hospice" in shown.stdout
    schema = json.loads(wizard("flows", "schema").stdout)
    assert schema["title"] == "epoc-wizard flow file"
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n")
    checked = wizard("flows", "check", str(bad))
    assert checked.returncode == 1
    assert f"{bad}:1: title: 'title' is required here but missing" in checked.stdout


def test_check_command(wizard: Wizard) -> None:
    lost_zero = wizard("check", "ccn", "56304", "--state", "CA")
    assert lost_zero.returncode == 1 and "Did you mean 056304?" in lost_zero.stdout
    ok = wizard("check", "ccn", "056304", "--state", "CA")
    assert ok.returncode == 0 and ok.stdout.strip() == "OK: 056304"
    unknown = wizard("check", "shoe-size", "9")
    assert unknown.returncode == 2 and "Try one of" in unknown.stderr


def test_contacts_command(wizard: Wizard) -> None:
    result = wizard("contacts", "cmsnet")
    assert result.returncode == 0
    assert "(888) 238-2122" in result.stdout and "mdcn.mco@palmettogba.com" in result.stdout


def test_damaged_state_is_a_sentence(home: Path, wizard: Wizard) -> None:
    home.mkdir(parents=True)
    (home / "state.json").write_text("{oops")
    result = wizard("status")
    no_traceback(result)
    assert result.returncode == 1 and "is damaged" in result.stderr
