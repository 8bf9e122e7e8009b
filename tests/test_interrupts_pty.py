"""Ctrl-C and Ctrl-D at every prompt of two whole journeys, in a real terminal (issue 5).

For each prompt of the CMSNet flow (hospice branch) and the iQIES flow (nursing home,
search by CCN, PSO assigned, no HARP account, existing EIDM account), and each of Ctrl-C
and Ctrl-D, one case: the journey is brought to that prompt (in-process, from an answers
file), ``resume`` shows it in a real terminal, the key stops it (exit 130, everything
answered before it saved), ``resume`` again lands on the very same prompt, and the
prompt, answered, leads on to the next one (or to the end of the journey).

The tables below say, for each prompt, how it is recognised and what answers it. Text
prompts get Ctrl-D on an empty line (with text typed, Ctrl-D deletes forward, as in a
shell). The default run covers a menu of options and a yes/no prompt, and each key; the
other 88 cases (text prompts and the step's "What next?" menu among them) are marked slow
(``pytest -m slow``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pexpect
import pytest

from epoc_wizard.app.journeys import run_journey_command
from epoc_wizard.errors import WizardError

from conftest import wizard_env, wizard_path
from terminal import CTRL_C, CTRL_D, ENTER

Y = "y" + ENTER  # a yes/no question takes y or n, then Enter


@dataclass(frozen=True)
class Prompt:
    step: str
    text: str  # the question, or the step's title for its "What next?" menu
    keys: str
    answer: tuple[str, Any] | None = None  # what is saved; None: the step is marked done
    #: An optional question: an answers file saves it empty when it gives none, so a
    #: journey cannot be brought to it in-process. It is reached, and answered, in a real
    #: terminal by the case of the prompt before it.
    optional: bool = False

    @property
    def menu(self) -> bool:
        return self.answer is None


def q(step: str, text: str, keys: str, qid: str, value: Any) -> Prompt:
    return Prompt(step, text, keys, (qid, value))


def done(step: str, title: str) -> Prompt:
    return Prompt(step, title, ENTER)  # "Done: go to the next step" is the first choice


CMSNET = [
    q("about_facility", "What kind of provider is this for?", ENTER, "provider_type", "hospice"),
    q(
        "about_facility",
        "Facility name",
        "Sunny Acres Hospice" + ENTER,
        "facility_name",
        "Sunny Acres Hospice",
    ),
    q("about_facility", "State (two letters", "CA" + ENTER, "state", "CA"),
    q("about_facility", "CCN (CMS Certification Number", "056304" + ENTER, "ccn", "056304"),
    q("about_facility", "ZIP Code of the facility", "95814" + ENTER, "zip", "95814"),
    q("about_facility", "How many CMSNet user IDs", ENTER, "existing_ids", "0"),
    done("about_facility", "Read first: this is a legacy path"),
    done("open_qtso", "Open the QTSO website"),
    done("cmsnet_information", "Go to the CMSNet Information page"),
    done("hospice_instructions", "Print the Hospice CMSNet Online"),
    done("portal_validate", "Enter the CCN, state and ZIP Code"),
    done("request_form", "Complete the Access Request Form"),
    done("submit_request", "Submit the request"),
    q("emails_arrived", "Your CMSNet user ID", "SACRES01" + ENTER, "cmsnet_user_id", "SACRES01"),
    done("emails_arrived", "Read the two e-mails"),
    done("vpn_client", "Install the VPN client"),
    done("first_login", "Log in to CMSNet for the first time"),
]
IQIES = [
    q(
        "about_facility",
        "What kind of provider is this for?",
        ENTER,
        "provider_type",
        "nursing_home",
    ),
    q("about_facility", "What do you need iQIES for?", ENTER, "task", "epoc"),
    q("about_facility", "Facility name", "Sunny Acres" + ENTER, "facility_name", "Sunny Acres"),
    q("about_facility", "State (two letters", "CA" + ENTER, "state", "CA"),
    q("about_facility", "CCN (CMS Certification Number", "056304" + ENTER, "ccn", "056304"),
    q(
        "about_facility",
        "In iQIES, how do you want to search for your facility",
        ENTER,
        "org_search_by",
        "ccn",
    ),
    done("about_facility", "Have your facility's details ready"),
    Prompt("survey_deadline", "The due date printed on", ENTER, ("poc_letter_due", ""), True),
    Prompt("survey_deadline", "The date the CMS-2567 arrived", ENTER, ("poc_received", ""), True),
    done("survey_deadline", "Your plan of correction's due date"),
    done("browser", "Use the latest Chrome or Edge"),
    q(
        "pso_check",
        "Does your organization have at least one Provider Security Official",
        ENTER,
        "has_pso",
        "yes",
    ),
    done("pso_check", "Check that your organization has a Provi"),
    q("eidm_check", "Do you already have a HARP account", "n" + ENTER, "has_harp", False),
    q("eidm_check", "Do you already have an EIDM account", Y, "has_eidm", True),
    done("eidm_check", "Find out whether you already have a HARP or EIDM"),
    done("eidm_login", "Log in to HARP with your EIDM login"),
    done("two_factor", "Set up two-factor authentication"),
    done("eidm_second_login", "Log in to HARP a second time"),
    q("note_harp_user_id", "Your HARP user ID", "sacres01" + ENTER, "harp_user_id", "sacres01"),
    done("note_harp_user_id", "Note your HARP user ID"),
    done("iqies_login", "Log in to iQIES"),
    done("request_role_category", "Request a user role"),
    done("request_role_select", "Choose the Provider ePOC Administrator"),
    done("add_organization_ccn", "Add your facility by its CCN"),
    done("submit_role_request", "Submit the role request"),
    q("role_status", "Does the e-mail say your iQIES role request", Y, "role_approved", True),
    done("role_status", "Read the approval e-mail"),
    done("role_granted", "Keep your role: log in to iQIES at least every 60 days"),
    done("resources", "Keep the guides and training at hand"),
]
QMARK = r"\?(?:\x1b\[[0-9;?]*[A-Za-z]|\s)*"  # questionary's "? " before every prompt
FLOWS = {"cmsnet": CMSNET, "iqies": IQIES}
#: Legacy flows ask their provider question when started, before the journey exists (to
#: say whether the person's use moved, issue 15); their first prompt is reached by resuming
#: a journey saved with no answer yet, as every later one is.
FLOWS_MOVED = {"cmsnet": True, "iqies": False}
#: The default run: each kind of prompt once, and each key twice: (flow, index, key).
REPRESENTATIVE = {
    ("cmsnet", 0, "ctrl-c"),  # a menu of options (provider type)
    ("iqies", 13, "ctrl-d"),  # yes/no (HARP account), its own prompt_toolkit application
}
# Text prompts and the step's "What next?" menu run with the slow tests (``-m slow``);
# test_journey_pty.py stops at a "What next?" menu with Ctrl-C in the default run too.
KEYS = {"ctrl-c": CTRL_C, "ctrl-d": CTRL_D}


def saved_before(table: list[Prompt], k: int) -> tuple[dict[str, Any], set[str]]:
    answers = dict(p.answer for p in table[:k] if p.answer)
    return answers, {p.step for p in table[:k] if p.menu}


def spawn(home: Path, *args: str) -> pexpect.spawn:
    child = pexpect.spawn(
        wizard_path(),
        list(args),
        env=wizard_env(home),
        encoding="utf-8",
        timeout=20,
        dimensions=(50, 110),
    )
    child.delaybeforesend = 0  # every key is sent after its prompt is on the screen
    child.ptyproc.delayafterclose = 0  # the program has ended when it is closed
    return child


def arrive(child: pexpect.spawn, p: Prompt, *, panel: bool = True) -> None:
    """Wait until the prompt ``p`` is on the screen, ready for keys.

    A step's menu comes after its panel (whose title is expected first, so that an
    earlier menu on the screen cannot be mistaken for it), except after the step's own
    questions, when the panel is already there.
    """
    if p.menu:
        if panel:
            child.expect(re.escape(p.text))
        # After the last of a step's several answers, they are shown to be checked first.
        if child.expect([QMARK + re.escape("Check your answers"), QMARK + "What next\\?"]) == 0:
            child.send(ENTER)  # "Looks right"
            child.expect(QMARK + re.escape("What next?"))
    else:
        child.expect(QMARK + re.escape(p.text))


def stop(child: pexpect.spawn, key: str) -> int:
    child.send(key)
    child.expect(
        r"Stopped\. Everything you answered is saved\. To continue, run: "
        r"epoc-wizard resume \S+"
    )
    child.expect(pexpect.EOF)
    code = child.wait()
    child.ptyproc.delayafterclose = 0
    child.close()
    assert "Traceback" not in (child.before or "")
    return int(code)


def journey(home: Path) -> dict[str, Any]:
    (only,) = json.loads((home / "state.json").read_text())["journeys"].values()
    result: dict[str, Any] = only
    return result


def bring_to(context: Callable[..., Any], flow: str, table: list[Prompt], k: int) -> None:
    """Save the journey as it is when prompt ``k`` is asked, through an answers file that
    answers the prompts before it and marks their steps done."""
    answers, steps = saved_before(table, k)
    ctx = context({"flow": flow, "answers": answers, "done": sorted(steps)})
    try:
        run_journey_command(ctx, "start", flow, None)
    except WizardError as exc:  # the question ``k`` itself: every answer before it is saved
        assert "gives no answer for" in exc.message
    saved = journey(ctx.store.directory)
    assert saved["answers"] == answers
    assert {s for s, r in saved["steps"].items() if r["status"] == "done"} == steps


def cases() -> list[Any]:
    return [
        pytest.param(
            flow,
            k,
            key,
            id=f"{flow}-{k:02d}-{table[k].answer[0] if table[k].answer else table[k].step}-{key}",
            marks=() if (flow, k, key) in REPRESENTATIVE else pytest.mark.slow,
        )
        for flow, table in FLOWS.items()
        for k in range(len(table))
        for key in KEYS
        if not table[k].optional
    ]


def test_the_tables_cover_both_journeys() -> None:
    assert len(CMSNET) + len(IQIES) == 47
    assert len(cases()) == 90
    kinds = {"menu" if FLOWS[f][k].menu else FLOWS[f][k].text for f, k, _ in REPRESENTATIVE}
    assert len(kinds) == 2 and {key for *_, key in REPRESENTATIVE} == set(KEYS)


@pytest.mark.parametrize(("flow", "k", "key"), cases())
def test_ctrl_c_and_ctrl_d_at_every_prompt(
    home: Path, context: Callable[..., Any], flow: str, k: int, key: str
) -> None:
    table = FLOWS[flow]
    p = table[k]
    if k == 0 and not FLOWS_MOVED.get(flow):
        child = spawn(home, "start", flow)
    else:
        bring_to(context, flow, table, k)
        child = spawn(home, "resume")
    arrive(child, p)
    assert stop(child, KEYS[key]) == 130, (flow, k, p.text, key)
    saved = journey(home)
    answers, steps = saved_before(table, k)
    assert saved["answers"] == answers, (flow, k, p.text)
    assert {s for s, r in saved["steps"].items() if r["status"] == "done"} == steps
    child = spawn(home, "resume")
    arrive(child, p)  # resume comes back to the very same prompt
    child.send(p.keys)
    if k + 1 == len(table):
        child.expect("All steps done")
        child.expect(pexpect.EOF)
        assert child.wait() == 0
        assert journey(home)["finished"]
    else:
        arrive(child, table[k + 1], panel=table[k].step != table[k + 1].step)
        assert stop(child, CTRL_C) == 130
        answers, steps = saved_before(table, k + 1)
        saved = journey(home)  # the answer given after resuming is saved
        assert saved["answers"] == answers
        assert {s for s, r in saved["steps"].items() if r["status"] == "done"} == steps
    child.close()
