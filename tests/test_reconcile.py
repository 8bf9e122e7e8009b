"""A journey saved under an older flow version, resumed after the flow changed (issue 5).

The newer CMSNet flow here is a copy of the bundled one in a folder named by
``EPOC_WIZARD_FLOWS``, with its version bumped and: a step renamed (new id, same
title), a step removed, a step added before where the person was, a question added
to a step already done, and an option removed that the person had chosen.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from epoc_wizard.core.journey import Journey, StepRecord
from epoc_wizard.core.reconcile import reconcile
from epoc_wizard.flowspec.catalog import bundled_dir, load_catalog
from epoc_wizard.state.store import Store

from conftest import Wizard

T0 = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
ANSWERS = {
    "provider_type": "hospice",
    "facility_name": "Sunny Acres Hospice",
    "state": "CA",
    "ccn": "056304",
    "zip": "95814",
    "existing_ids": "0",
}
DONE = ["about_facility", "open_qtso", "cmsnet_information", "hospice_instructions"]


def newer_cmsnet(folder: Path) -> int:
    """Write the changed flow into ``folder``; its version."""
    data = yaml.safe_load((bundled_dir() / "cmsnet.yaml").read_text())
    data["version"] += 1
    steps = data["steps"]
    ids = [s["id"] for s in steps]
    steps[ids.index("open_qtso")]["id"] = "open_qtso_site"  # renamed
    del steps[ids.index("cmsnet_information")]  # removed
    new = copy.deepcopy(steps[ids.index("open_qtso")])
    new.update(id="check_browser", title="Check your web browser", do="Use Chrome or Edge.")
    new.pop("links", None)
    new.pop("note", None)
    steps.insert(1, new)  # added, before where the person was
    about = steps[0]
    about["questions"].append({"id": "npi", "prompt": "NPI (10 digits)"})  # added question
    existing = next(q for q in about["questions"] if q["id"] == "existing_ids")
    existing["options"] = [o for o in existing["options"] if o["value"] != "0"]  # gone
    folder.mkdir(exist_ok=True)
    (folder / "cmsnet.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return int(data["version"])


def old_journey(version: int) -> Journey:
    return Journey(
        id="cmsnet-056304",
        flow="cmsnet",
        flow_version=version,
        facility="056304",
        created=T0,
        updated=T0,
        answers=dict(ANSWERS),
        steps={s: StepRecord(status="done", done_at=T0) for s in DONE},
    )


def test_reconcile_keeps_what_still_applies_and_says_what_changed(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = newer_cmsnet(tmp_path / "flows")
    monkeypatch.setenv("EPOC_WIZARD_FLOWS", str(tmp_path / "flows"))
    flow = load_catalog().get("cmsnet")
    assert flow.version == version
    fitted, sentence = reconcile(flow, old_journey(version - 1))
    assert fitted.flow_version == version
    assert fitted.answers == {k: v for k, v in ANSWERS.items() if k != "existing_ids"}
    assert {k: r.status for k, r in fitted.steps.items()} == {
        "about_facility": "pending",
        "hospice_instructions": "done",
    }
    assert sentence.count(".") == 1 and sentence.endswith(".")  # one sentence
    for part in (
        f"'CMSNet user ID' changed from version {version - 1} to {version}",
        "your 1 done step and 5 answers that still apply are kept",
        "2 steps you had recorded ('cmsnet_information', 'open_qtso') are no longer",
        "a step that was only renamed cannot be recognised and shows again as not done",
        "1 answer to questions no longer asked, or no longer offered, ('existing_ids') was dropped",
        "'Read first: this is a legacy path' has a question you have not answered "
        "yet, so it is opened again",
        "'Check your web browser', 'Open the QTSO website' are new (or renamed) and "
        "come before where you were, so they are shown first",
    ):
        assert part in sentence, (part, sentence)
    # Fitting again changes nothing and says nothing.
    assert reconcile(flow, fitted) == (fitted, "")


def test_same_version_and_nothing_gone_is_left_alone() -> None:
    flow = load_catalog().get("cmsnet")
    j = old_journey(flow.version)
    assert reconcile(flow, j) == (j, "")


def test_resume_after_the_flow_changed_through_the_cli(
    home: Path, tmp_path: Path, wizard: Wizard
) -> None:
    store = Store()
    store.save(old_journey(1))
    version = newer_cmsnet(tmp_path / "flows")
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        yaml.safe_dump(
            {
                "answers": {"existing_ids": "1", "npi": "1234567893"},
                "done": ["about_facility", "check_browser", "open_qtso_site"],
            }
        )
    )
    result = wizard("resume", "--answers", str(answers), EPOC_WIZARD_FLOWS=str(tmp_path / "flows"))
    assert result.returncode == 0, result.stderr
    text = " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.stdout).split())
    assert "This path was updated since you last worked on it" in text
    assert f"changed from version 1 to {version}" in text
    assert "cannot be recognised and shows again as not done" in text
    saved = json.loads((home / "state.json").read_text())["journeys"]["cmsnet-056304"]
    assert saved["flow_version"] == version
    assert saved["answers"] == {**ANSWERS, "existing_ids": "1", "npi": "1234567893"}
    done = {k for k, r in saved["steps"].items() if r["status"] == "done"}
    assert done == {"about_facility", "check_browser", "open_qtso_site", "hospice_instructions"}
    assert saved["summary"]["step_id"] == "portal_validate"  # back where the person was


def test_start_continuing_an_old_journey_reconciles_too(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from epoc_wizard.cli.entry import main

    Store().save(old_journey(1))
    newer_cmsnet(tmp_path / "flows")
    monkeypatch.setenv("EPOC_WIZARD_FLOWS", str(tmp_path / "flows"))
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        yaml.safe_dump(
            {"answers": {**ANSWERS, "existing_ids": "1", "npi": "1234567893"}, "done": []}
        )
    )
    monkeypatch.setattr(sys, "argv", ["epoc-wizard", "start", "cmsnet", "--answers", str(answers)])
    code: Any = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    out = " ".join(re.sub(r"[│╭╮╰╯─]", " ", capsys.readouterr().out).split())
    assert not code
    assert "This path was updated since you last worked on it" in out
    journeys = Store().journeys()
    assert set(journeys) == {"cmsnet-056304"}  # continued, not a second journey
    assert "open_qtso" not in journeys["cmsnet-056304"]["steps"]
