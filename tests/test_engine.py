"""The engine's rules, on the bundled CMSNet flow and fixed times."""

from __future__ import annotations

import datetime as dt

import pytest

from epoc_wizard.core import engine
from epoc_wizard.core.journey import Journey
from epoc_wizard.flowspec import conditions
from epoc_wizard.flowspec.catalog import bundled_dir, load_catalog
from epoc_wizard.flowspec.model import Condition, Flow

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))


@pytest.fixture(scope="module")
def flow() -> Flow:
    return load_catalog([bundled_dir()]).get("cmsnet")


def new(answers: dict[str, object] | None = None) -> Journey:
    return Journey(id="j", flow="cmsnet", created=T0, updated=T0, answers=answers or {})


def answer_all(flow: Flow, journey: Journey, **values: object) -> Journey:
    for qid, value in values.items():
        q = flow.question(qid)
        assert q is not None
        journey = engine.apply_answer(journey, q, value, T0)
    return journey


@pytest.mark.parametrize(
    ("cond", "answers", "expected"),
    [
        ({"answer": "a", "is": True}, {"a": True}, True),
        ({"answer": "a", "is": True}, {"a": "True"}, False),
        ({"answer": "a", "is": True}, {}, False),
        ({"answer": "a", "in": ["x", "y"]}, {"a": "y"}, True),
        ({"answer": "a", "contains": "x"}, {"a": ["x", "z"]}, True),
        ({"answer": "a", "contains": "x"}, {"a": "x"}, False),
        ({"answer": "a", "answered": True}, {"a": ""}, False),
        ({"answer": "a", "answered": False}, {}, True),
        (
            {"all": [{"answer": "a", "is": "1"}, {"answer": "b", "is": "2"}]},
            {"a": "1", "b": "2"},
            True,
        ),
        ({"any": [{"answer": "a", "is": "1"}, {"answer": "b", "is": "2"}]}, {"b": "2"}, True),
        ({"not": {"answer": "a", "is": "1"}}, {"a": "1"}, False),
    ],
)
def test_holds(cond: dict[str, object], answers: dict[str, object], expected: bool) -> None:
    assert conditions.holds(Condition.model_validate(cond), answers) is expected


def test_branch_changes_visible_steps_and_progress(flow: Flow) -> None:
    j = answer_all(flow, new(), provider_type="hospice", existing_ids="0")
    shown = [s.id for s in engine.visible_steps(flow, j.answers)]
    assert "portal_validate" in shown and "other_request_form" not in shown
    assert "two_ids_in_use" not in shown
    j2 = answer_all(flow, new(), provider_type="nursing_home", existing_ids="2")
    shown2 = [s.id for s in engine.visible_steps(flow, j2.answers)]
    assert "other_request_form" in shown2 and "portal_validate" not in shown2
    assert "two_ids_in_use" in shown2
    assert engine.progress(flow, j) == (0, len(shown))


def test_next_step_done_and_back(flow: Flow) -> None:
    j = answer_all(flow, new(), provider_type="hospice", existing_ids="0")
    first = engine.current_step(flow, j)
    assert first is not None and first.id == "about_facility"
    j = engine.mark(flow, j, "about_facility", "done", T0)
    j = engine.mark(flow, j, "open_qtso", "done", T0)
    current = engine.current_step(flow, j)
    assert current is not None and current.id == "cmsnet_information"
    assert engine.progress(flow, j)[0] == 2
    j = engine.go_back(flow, j, T0)
    current = engine.current_step(flow, j)
    assert current is not None and current.id == "open_qtso"
    assert j.record("open_qtso").status == "pending"


def test_go_back_at_first_step_is_a_no_op(flow: Flow) -> None:
    j = new()
    assert engine.go_back(flow, j, T0) == j


def test_waiting_step_stays_current_with_due_date(flow: Flow) -> None:
    j = answer_all(flow, new(), provider_type="hospice", existing_ids="0")
    j = engine.mark(flow, j, "submit_request", "waiting", T0)
    rec = j.record("submit_request")
    assert rec.status == "waiting" and rec.wait is not None
    # Monday 23 Nov 2026 + two full business days; Thanksgiving (26th) is not reached.
    assert rec.wait.due.date() == dt.date(2026, 11, 25)
    assert rec.wait.phone == "(888) 238-2122"
    assert "mdcn.mco@palmettogba.com" in rec.wait.wait_for


def test_a_wait_ended_by_done_is_kept_for_the_record(flow: Flow) -> None:
    j = engine.mark(flow, new({"provider_type": "hospice"}), "submit_request", "waiting", T0)
    later = T0 + dt.timedelta(days=2)
    j = engine.mark(flow, j, "submit_request", "done", later)
    rec = j.record("submit_request")
    assert rec.status == "done" and rec.done_at == later
    assert rec.wait is not None and rec.wait.since == T0
    # Reopened and done again without waiting: nothing was awaited this time.
    j = engine.mark(flow, engine.go_back(flow, j, later), "submit_request", "done", later)
    assert j.record("submit_request").wait is None


def test_wait_spanning_thanksgiving(flow: Flow) -> None:
    wed = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    j = engine.mark(flow, new({"provider_type": "hospice"}), "submit_request", "waiting", wed)
    wait = j.record("submit_request").wait
    assert wait is not None
    assert wait.due.date() == dt.date(2026, 11, 30)  # Thu holiday, Fri, weekend, Mon


def test_mark_waiting_without_wait_is_refused(flow: Flow) -> None:
    with pytest.raises(ValueError, match="nothing to wait for"):
        engine.mark(flow, new(), "open_qtso", "waiting", T0)


def test_secret_answers_are_never_applied(flow: Flow) -> None:
    from epoc_wizard.flowspec.model import Question

    q = Question(id="password", prompt="p", kind="secret")
    j = new()
    assert engine.apply_answer(j, q, "hunter2", T0) is j


def test_open_questions_skip_answered_and_hidden(flow: Flow) -> None:
    step = flow.step("about_facility")
    j = answer_all(flow, new(), provider_type="hospice", state="CA")
    ids = [q.id for q in engine.open_questions(step, j, {})]
    assert ids == ["facility_name", "ccn", "zip", "existing_ids"]


def test_ccn_answer_names_the_facility(flow: Flow) -> None:
    j = answer_all(flow, new(), ccn="056304", facility_name="Sunny Acres")
    assert j.facility == "056304" and j.label == "Sunny Acres"


def test_summary_and_finish(flow: Flow) -> None:
    j = answer_all(flow, new(), provider_type="hospice", existing_ids="0")
    for s in engine.visible_steps(flow, j.answers):
        j = engine.mark(flow, j, s.id, "done", T0)
    j = engine.summarize(flow, j, T0)
    assert j.finished == T0
    assert j.summary.step_id is None and j.summary.done == j.summary.total
    j = engine.summarize(flow, engine.go_back(flow, j, T0), T0)
    assert j.finished is None and j.summary.step_id == "first_login"


def test_fill_in_uses_saved_answers_only() -> None:
    assert conditions.fill_in("CCN {ccn}, key {key}", {"ccn": "056304"}) == "CCN 056304, key {key}"
