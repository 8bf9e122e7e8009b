"""What new users tripped on (issue 15): the provider asked twice on a legacy path and a
nursing-home flow that highlighted Hospice (item 8), assisters filed as "not tied to one
facility" with a paragraph that named both roles (item 9), drafts left behind by ``reset``
(item 10), and a finished journey that did not say what comes next (item 16).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from epoc_wizard.app.export import export
from epoc_wizard.app.journeys import run_journey_command
from epoc_wizard.errors import Interrupted
from epoc_wizard.flowspec.catalog import Catalog
from epoc_wizard.outputs.drafts import remove_drafts
from epoc_wizard.state.store import Store

from conftest import CA_HOSPICE, DATA, STOP, Person, Wizard, shown
from terminal import flat


def test_a_legacy_path_asks_the_provider_once_and_carries_it(
    home: Path, context: Callable[..., Any]
) -> None:
    # Before: "Is this for a nursing home?" (yes/no), then the provider question again.
    person = Person("nursing_home", "legacy-epoc", "Lakeside", STOP)
    with pytest.raises(Interrupted):
        run_journey_command(context(asker=person), "start", "legacy-epoc", None)
    assert person.asked[:3] == [
        "provider_type",
        "This is for a nursing home (skilled nursing or long-term care). "
        "What would you like to do?",
        "facility_name",
    ]
    (saved,) = json.loads((home / "state.json").read_text())["journeys"].values()
    assert saved["flow"] == "legacy-epoc"
    assert saved["answers"] == {"provider_type": "nursing_home", "facility_name": "Lakeside"}
    # Taking the current path instead: the answer goes with it, and is not asked again.
    person = Person("nursing_home", "iqies", STOP)
    with pytest.raises(Interrupted):
        run_journey_command(context(asker=person), "start", "epoc-access", None)
    assert person.asked == [
        "provider_type",
        "This is for a nursing home (skilled nursing or long-term care). "
        "What would you like to do?",
        "task",
    ]


def test_provider_choices_come_in_the_order_of_the_flow_audience(bundled: Catalog) -> None:
    # The first choice is the one highlighted: a flow for nursing homes puts them first
    # (before: legacy-epoc and epoc-access listed Hospice first).
    for flow in bundled.flows.values():
        for q in flow.questions():
            values = [o.value for o in q.options or []]
            if q.id == "provider_type" and set(values) <= set(flow.audience):
                assert values == [a for a in flow.audience if a in values], flow.id
    for flow_id in ("iqies", "legacy-epoc", "epoc-access"):
        question = bundled.get(flow_id).question("provider_type")
        assert question is not None and question.options is not None
        assert question.options[0].value == "nursing_home"


ASSISTER = {
    "flow": "assister-zone",
    "answers": {
        "organization_name": "Valley Health Navigators",
        "assister_role": "cac",
        "cac_or_navigator_id": "CAC-12345",
        "has_portal_account": True,
    },
    "done": [
        *("instructions_age", "about_you", "zone_request_access", "zone_select_role"),
        *("zone_login", "zone_find_community"),
    ],
}


def test_an_assister_is_filed_under_the_organization_and_says_which_role(
    context: Callable[..., Any], wizard: Wizard
) -> None:
    ctx = context(ASSISTER)
    run_journey_command(ctx, "start", None, None)
    seen = flat(shown(ctx))
    assert "I am a certified application counselor with Valley Health Navigators." in seen
    assert "Navigator or certified application counselor with" not in seen
    status = wizard("status").stdout
    assert status.startswith("Valley Health Navigators\n") and "Not tied to" not in status
    record = export(context(), None, None, "md", None, None)
    assert "- Organization: Valley Health Navigators" in record
    assert "CCN" not in record.split("## Checklist")[0]


def test_reset_deletes_the_journey_s_drafts_and_nothing_through_a_link(
    home: Path, context: Callable[..., Any], wizard: Wizard, tmp_path: Path
) -> None:
    run_journey_command(
        context({"flow": "legacy-epoc", "answers": CA_HOSPICE, "done": ["about_facility"]}),
        "start",
        None,
        None,
    )
    folder = home / "drafts" / "legacy-epoc-551501"
    assert [p.suffix for p in folder.iterdir()] == [".eml"]
    ran = wizard("reset", "legacy-epoc-551501", "--yes")
    assert ran.returncode == 0
    assert ran.stdout.strip() == "Deleted legacy-epoc-551501 and its 1 e-mail draft."
    assert not folder.exists() and (home / "drafts").is_dir()
    # A journey folder that is a link: nothing behind it is touched; nor is a file in the
    # folder that is not a draft.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.eml").write_text("not the wizard's")
    os.symlink(elsewhere, home / "drafts" / "cmsnet-056304")
    removed = remove_drafts(home, "cmsnet-056304")
    assert removed.count == 0 and "is a link, so it was left as it is" in removed.left
    assert (elsewhere / "keep.eml").read_text() == "not the wizard's"
    mine = home / "drafts" / "iqies-245001"
    mine.mkdir()
    (mine / "a.eml").write_text("draft")
    (mine / "notes.txt").write_text("the person's")
    assert remove_drafts(Store(home).directory, "iqies-245001").count == 1
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


def test_finishing_says_what_comes_next_from_the_flow(context: Callable[..., Any]) -> None:
    ctx = context(DATA / "cmsnet-hospice.yaml")
    run_journey_command(ctx, "start", None, None)
    seen = flat(shown(ctx))
    after = seen[seen.index("All steps done") :]
    assert "What comes next: The QTSO training module makes CMSNet the first of two" in after
    assert "HOPE records in iQIES" in after and "Run: epoc-wizard start iqies" in after
    assert "Community Health Accreditation Partner (CHAP)" in after  # its source
    record = export(context(), None, None, "md", None, None)
    assert "## What comes next" in record and "epoc-wizard start iqies" in record
