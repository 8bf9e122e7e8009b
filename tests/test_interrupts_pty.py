"""Ctrl-C and Ctrl-D at every prompt of two whole journeys, in a real terminal (issue 5).

For each prompt of the CMSNet flow (hospice branch) and the iQIES flow (nursing home,
search by CCN, PSO assigned, no HARP account, existing EIDM account), in order: press
Ctrl-C, check the exit code (130) and the saved progress, run ``resume`` and check that
the same prompt comes back; press Ctrl-D there, check again, ``resume`` again, see the
same prompt, and answer it. So every prompt is interrupted twice, and every interruption
is followed by a resume that must land on it: one process per interruption, no more.

The tables below say, for each prompt, how it is recognised and what answers it. Text
prompts get Ctrl-D on an empty line (with text typed, Ctrl-D deletes forward, as in a
shell). To use both cores, each journey is cut in two at a step boundary; the second
half starts from a state written by ``--answers``, and the four halves run two at a time.
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pexpect
import yaml

from conftest import run_wizard, wizard_env, wizard_path
from terminal import CTRL_C, CTRL_D, DOWN, ENTER

Y = "y"


@dataclass(frozen=True)
class Prompt:
    step: str
    text: str  # the question, or the step's title for its "What next?" menu
    keys: str
    answer: tuple[str, Any] | None = None  # what is saved; None: the step is marked done

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
    done("about_facility", "Have your facility's details ready"),
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
        DOWN + ENTER,
        "provider_type",
        "nursing_home",
    ),
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
    done("browser", "Use the latest Chrome or Edge"),
    q(
        "pso_check",
        "Does your organization have at least one Provider Security Official",
        ENTER,
        "has_pso",
        "yes",
    ),
    done("pso_check", "Check that your organization has a Provi"),
    q("eidm_check", "Do you already have a HARP account", "n", "has_harp", False),
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
    q(
        "role_status",
        "Does the e-mail say your Provider ePOC Administrator",
        Y,
        "role_approved",
        True,
    ),
    done("role_status", "Read the approval e-mail"),
    done("resources", "Keep the guides and training at hand"),
]
QMARK = r"\?(?:\x1b\[[0-9;?]*[A-Za-z]|\s)*"  # questionary's "? " before every prompt


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


def run_half(
    name: str, home: Path, flow: str, table: list[Prompt], start: int, end: int
) -> list[str]:
    """Interrupt prompts ``start``..``end``-1; what was checked, one line per prompt."""
    log = []
    if start == 0:
        child = spawn(home, "start", flow)
    else:  # the state at prompt ``start``, written by an answers file
        answers, steps = saved_before(table, start)
        path = home.parent / f"{name}.yaml"
        path.write_text(
            yaml.safe_dump(
                {
                    "flow": flow,
                    "answers": answers,
                    "done": [p.step for p in table[:start] if p.menu],
                }
            )
        )
        result = run_wizard(home, "start", flow, "--answers", str(path))
        assert result.returncode == 0, result.stderr
        child = spawn(home, "resume")
    for k in range(start, end):
        p = table[k]
        arrive(child, p, panel=k == start or table[k - 1].step != p.step)
        for key in (CTRL_C, CTRL_D):
            code = stop(child, key)
            assert code == 130, (name, k, p.text, repr(key))
            saved = journey(home)
            answers, steps = saved_before(table, k)
            assert saved["answers"] == answers, (name, k, p.text)
            assert {s for s, r in saved["steps"].items() if r["status"] == "done"} == steps
            child = spawn(home, "resume")
            arrive(child, p)  # resume comes back to the very same prompt
        log.append(f"{flow} #{k} {p.text!r}: Ctrl-C 130, resume, Ctrl-D 130, resume")
        child.send(p.keys)
    if end == len(table):
        child.expect("All steps done")
        child.expect(pexpect.EOF)
        assert child.wait() == 0
        assert journey(home)["finished"]
    else:
        arrive(child, table[end], panel=table[end - 1].step != table[end].step)
        assert stop(child, CTRL_C) == 130
    child.close()
    return log


def test_ctrl_c_and_ctrl_d_at_every_prompt(tmp_path: Path) -> None:
    halves = [  # two at a time, the longest first
        ("iqies-1", "iqies", IQIES, 0, 12),
        ("iqies-2", "iqies", IQIES, 12, len(IQIES)),
        ("cmsnet-1", "cmsnet", CMSNET, 0, 9),
        ("cmsnet-2", "cmsnet", CMSNET, 9, len(CMSNET)),
    ]
    for name, *_ in halves:
        (tmp_path / name).mkdir()
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            pool.submit(run_half, name, tmp_path / name / "state", flow, table, a, b)
            for name, flow, table, a, b in halves
        ]
        logs = [line for f in futures for line in f.result()]
    assert len(logs) == len(CMSNET) + len(IQIES) == 42
    print(
        f"\n{len(logs)} prompts, each interrupted with Ctrl-C and with Ctrl-D "
        f"({2 * len(logs)} interruptions, each resumed at the same prompt)"
    )
