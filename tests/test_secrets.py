"""No secret is ever written (issue 5): a sentinel typed into every secret question.

Every question of kind ``secret`` or ``activation_key`` in every flow (the bundled
ones, found by walking the catalog, plus a small flow of our own with a ``secret``
question, since the bundled flows have only an activation key) gets a sentinel that
passes its check, through ``--answers`` and, for the legacy ePOC activation key (a
password-style prompt), at the keyboard in a real terminal. SSN-like and password-like
text typed into free-text answers must be refused with the sentence about never
storing them; so must the shapes that used to slip through (``FREE_TEXT``: a key over
two lines, with a space or dashes, after a label; ``Tr0ub4dor &3``, ``Pa55word``,
``Summer2025``; SSNs with dots, spaces or full-width digits), through an answers file,
at the real prompt (questionary in-process, with the terminal screen of ``screen.py``)
and with ``edit``. Then every file under the test's folder (the state folder with its
backup, lock and drafts; the flow cache; the home folder; the records written by
``export`` and ``email``), everything the program printed, and the screen after the
refusals are searched: the sentinels must appear zero times.
"""

from __future__ import annotations

import io
import itertools
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from epoc_wizard.app.context import Context
from epoc_wizard.app.edit import edit
from epoc_wizard.app.journeys import run_journey_command
from epoc_wizard.core import engine
from epoc_wizard.errors import Interrupted, WizardError
from epoc_wizard.flowspec import conditions
from epoc_wizard.flowspec.catalog import Catalog, load_catalog
from epoc_wizard.flowspec.model import Flow, Question, Step
from epoc_wizard.ui.ask import Prompter

from conftest import STOP, Person, Ran, Wizard, run_main, shown
from screen import PASTE, Screen, keyboard
from terminal import CTRL_C, CTRL_U, ENTER, finish, pick, spawn

SECRET = "SENTINEL-7f3a9c"
KEY = "ZQXJ7F3A9C" + "K4" * 11  # 32 letters and digits: passes the activation key check
NEEDLES = ("sentinel-7f3a9c", "zqxj7f3a9c", "7f3a9ck4k4")
SSN = "123-45-6789"
PASSWORD = "Tr0ub4dor&3x"
REFUSAL = "and the wizard never stores passwords or Social Security numbers"
KEY2 = "QW8RT2YP5LMN3VB7XC9ZH4JD6KF1GS0A"
KEY3 = "MB4NV7CX2ZL9KJ3HG6FD1SA8PO5IU0YT"
FULL_WIDTH_SSN = "９８７-６５-４３２９"
#: Secrets typed into ordinary boxes, in the shapes that used to be saved (issue 12).
FREE_TEXT = [
    f"{KEY2[:16]}\n{KEY2[16:]}",  # a key wrapped over two lines
    f"{KEY2[:11]} {KEY2[11:]}",  # a key with a space in it
    "-".join(KEY3[i : i + 4] for i in range(0, 32, 4)),  # a key with dashes
    f"key: {KEY3}",  # a key after a label
    "Tr0ub4dor &3",
    "Pa55word",
    "Summer2025",
    "987.65.4329",
    "987 65 4329",
    FULL_WIDTH_SSN,
]
#: What must be found nowhere: every 8 characters of the keys, the passwords, the SSN's
#: digits in every form (as typed, folded to ASCII, and as JSON would escape them).
FREE_NEEDLES = (
    *{key[i : i + 8].lower() for key in (KEY2, KEY3) for i in range(25)},
    "tr0ub4dor",
    "pa55word",
    "summer2025",
    "987654329",
    "65.4329",
    "65 4329",
    "65-4329",
    "９８７",
    "\\uff19\\uff18",
)

#: A value that passes each kind's check (the facility is in California: CCN 05xxxx).
VALUES: dict[str, Any] = {
    "text": "Sunny Acres",
    "ccn": "056304",
    "ptan": "ABC123",
    "state": "CA",
    "zip": "95814",
    "email": "admin@sunnyacres.example.org",
    "phone": "916-555-0134",
    "epoc_user_id": "MDS1234567",
    "facility_id": "FAC-1001",
    "cac_or_navigator_id": "NAV-42",
    "cmsnet_user_id": "SACRES01",
    "harp_user_id": "sacres01",
    "new_harp_user_id": "jdoe2026",
    "work_email": "admin@sunnyacres.example.org",
    "date": "07/14/2025",
    "secret": SECRET,
    "activation_key": KEY,
}
OWN_FLOW = """
id: secret-test
title: A flow with a secret question
summary: For the secrets test.
audience: [hospice]
checked: 2026-12-01
steps:
  - id: only
    title: Type a one-time code
    do: Type the code from the e-mail.
    source: {doc: qtso-iqies-faq, where: here}
    questions:
      - id: one_time_code
        prompt: The one-time code (it is not saved)
        kind: secret
      - id: comment
        prompt: Anything to note
"""


def _choices(q: Question) -> list[Any]:
    if q.kind == "confirm":
        return [True, False]
    if q.kind in ("select", "checkbox"):
        assert q.options is not None
        values = [o.value for o in q.options]
        return values if q.kind == "select" else [[v] for v in values]
    return [VALUES[q.kind]]


def answers_reaching(flow: Flow, step: Step, target: Question) -> dict[str, Any]:
    """Answers to every question of the flow under which ``target`` is asked."""
    by_id = {q.id: q for q in flow.questions()}
    base = {qid: _choices(q)[0] for qid, q in by_id.items()}
    named = sorted({n for c in (step.when, target.when) if c for n in c.answers_named()})
    # A legacy flow named in an answers file is followed whatever the provider, so the
    # provider type needs no special choice.
    for combo in itertools.product(*(_choices(by_id[n]) for n in named)):
        answers = {**base, **dict(zip(named, combo, strict=True))}
        if conditions.holds(step.when, answers) and conditions.holds(target.when, answers):
            return answers
    raise AssertionError(f"no answers reach {flow.id}:{target.id}")


def search(
    root: Path, skip: Path, texts: list[str], needles: tuple[str, ...] = NEEDLES
) -> tuple[dict[str, int], int]:
    """Occurrences of the sentinels in every file under ``root`` (but ``skip``) and texts."""
    found: dict[str, int] = {}
    files = 0
    for path in root.rglob("*"):
        if path.is_file() and skip not in path.parents:
            files += 1
            data = path.read_bytes().lower()
            n = sum(data.count(needle.encode()) for needle in needles)
            if n:
                found[str(path)] = n
    for i, text in enumerate(texts):
        n = sum(text.lower().count(needle) for needle in needles)
        if n:
            found[f"output {i}"] = n
    return found, files


def up_to_the_key(wizard: Wizard, inputs: Path) -> Ran:
    """Start legacy ePOC for 056377 with every step before the activation key done."""
    flow, step, q = next(x for x in secret_questions(load_catalog()) if x[0].id == "legacy-epoc")
    answers = {**answers_reaching(flow, step, q), "ccn": "056377"}
    shown = [s.id for s in engine.visible_steps(flow, answers)]
    prep = inputs / "up-to-key.yaml"
    prep.write_text(
        yaml.safe_dump({"flow": flow.id, "answers": answers, "done": shown[: shown.index(step.id)]})
    )
    return wizard("start", flow.id, "--facility", "056377", "--answers", str(prep))


def secret_questions(catalog: Catalog) -> list[tuple[Flow, Step, Question]]:
    return [
        (f, s, q) for f in catalog.flows.values() for s in f.steps for q in s.questions if q.secret
    ]


def test_secrets_are_never_written_anywhere(
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    wizard: Wizard,
    context: Callable[..., Context],
) -> None:
    inputs = tmp_path / "inputs"  # what we typed: the only place the sentinel may be
    own = tmp_path / "own-flows"
    for d in (inputs, own):
        d.mkdir()
    (own / "secret-test.yaml").write_text(OWN_FLOW)
    monkeypatch.setenv("EPOC_WIZARD_FLOWS", str(own))
    outputs: list[str] = []

    # 1. Every secret question of every flow, through --answers.
    secrets = secret_questions(load_catalog())
    kinds = {q.kind for _, _, q in secrets}
    assert kinds == {"secret", "activation_key"}
    assert any(f.id == "legacy-epoc" and q.kind == "activation_key" for f, _, q in secrets)
    for i, (flow, step, q) in enumerate(secrets):
        answers_file = inputs / f"secret-{i}.yaml"
        answers_file.write_text(
            yaml.safe_dump(
                {
                    "flow": flow.id,
                    "answers": {**answers_reaching(flow, step, q), "ccn": f"05{6300 + i}"},
                    "done": "all",
                }
            )
        )
        result = wizard(
            "start",
            flow.id,
            "--facility",
            f"05{6300 + i}",
            "--answers",
            str(answers_file),
        )
        outputs += [result.stdout, result.stderr]
        assert result.returncode == 0, result.stderr
        assert "Checked. (This value is not saved anywhere.)" in result.stdout
    # A key that fails its check is refused without being repeated.
    short = inputs / "short-key.yaml"
    flow, step, q = next(x for x in secrets if x[2].kind == "activation_key")
    short.write_text(
        yaml.safe_dump(
            {
                "flow": flow.id,
                "done": "all",
                "answers": {**answers_reaching(flow, step, q), q.id: KEY[:-1], "ccn": "056399"},
            }
        )
    )
    # (This and the next runs are in-process: the same code as the installed command.)
    code, out, err = cli(
        monkeypatch, capsys, "start", flow.id, "--facility", "056399", "--answers", str(short)
    )
    outputs += [out, err]
    assert code == 1 and "must have 32 characters, but 31 were found" in err

    # 2. SSN- and password-like free text, through --answers: refused, with the reason.
    for bad in (SSN, PASSWORD):
        path = inputs / f"bad-{len(bad)}.yaml"
        path.write_text(
            yaml.safe_dump(
                {
                    "flow": "cmsnet",
                    "done": "all",
                    "answers": {"provider_type": "hospice", "facility_name": bad},
                }
            )
        )
        code, out, err = cli(monkeypatch, capsys, "start", "cmsnet", "--answers", str(path))
        outputs += [out, err]
        assert code == 1
        assert "the answer for 'facility_name' was refused: This looks like a" in err
        assert REFUSAL in err

    # 3. The same at the keyboard (in-process; the real terminal: the slow test below).
    # CMSNet is a legacy path: a hospice (its use moved); keep the legacy steps anyway.
    person = Person("hospice", "cmsnet", SSN, PASSWORD, STOP)
    ctx = context(asker=person)
    with pytest.raises(Interrupted):
        run_journey_command(ctx, "start", "cmsnet", "056388")
    outputs += [shown(ctx), *person.refused]
    assert person.asked[2:] == ["facility_name"] * 3
    assert "looks like a Social Security number, and the wizard never stores" in person.refused[0]
    assert "password, and the" in person.refused[1]

    # The shapes that used to slip through: an answers file with each for the facility
    # above (its journey is continued each time, not one more journey each)...
    batch = inputs / "free-text.yaml"
    batch.write_text(
        yaml.safe_dump(
            {
                "flow": "cmsnet",
                "done": "all",
                "answers": {"provider_type": "hospice"},
                "facilities": [
                    {"facility": "056388", "answers": {"facility_name": bad}} for bad in FREE_TEXT
                ],
            },
            allow_unicode=True,
        )
    )
    code, out, err = cli(monkeypatch, capsys, "start", "--answers", str(batch))
    outputs += [out, err]
    flat = " ".join(out.split())
    assert code == 1 and f"Not done: {', '.join(['056388'] * len(FREE_TEXT))}." in flat
    assert flat.count("'facility_name' was refused: This looks like") == len(FREE_TEXT)
    # ...typed at the real prompt, one after the other (a wrapped key is pasted)...
    person = AtTheKeyboard("hospice", "cmsnet", "resume")
    ctx = context(asker=person)
    typed = [PASTE.format(bad) if "\n" in bad else bad for bad in FREE_TEXT]
    with (
        keyboard(*(k for bad in typed for k in (bad, ENTER)), CTRL_C) as screen,
        pytest.raises(Interrupted),
    ):
        run_journey_command(ctx, "start", "cmsnet", "056388")
    outputs += [shown(ctx), screen.text]
    assert person.asked[3:] == ["facility_name"], person.asked
    assert screen.text.count("never stores") == len(FREE_TEXT)
    # The prompt is asked again with nothing typed in it (stopped there: no answer shown).
    assert screen.text.splitlines()[-1] == "? Facility name"
    # ...and with edit, which says why without repeating it.
    for bad in FREE_TEXT:
        with pytest.raises(WizardError) as refused:
            edit(context(), "cmsnet-056388", "facility_name", bad)
        assert refused.value.message.startswith("That answer was refused: This looks like")
        outputs.append(refused.value.message)

    # Up to the legacy ePOC activation key (answers file), then the key at the keyboard.
    result = up_to_the_key(wizard, inputs)
    outputs += [result.stdout, result.stderr]
    assert result.returncode == 0 and "To continue, run: epoc-wizard resume" in result.stdout
    person = Person(KEY[:-1], KEY, "done", STOP)  # one character short: refused, not repeated
    ctx = context(asker=person)
    with pytest.raises(Interrupted):
        run_journey_command(ctx, "resume", "legacy-epoc-056377", None)
    outputs += [shown(ctx), *person.refused]
    assert "but 31 were found" in person.refused[0]
    assert "Checked. (This value is not saved anywhere.)" in shown(ctx)
    assert person.asked[-1].startswith("menu:")  # the next step's own menu

    # 4. Everything the other commands write about these journeys (in-process: the same
    # code as the installed command, without starting Python a dozen more times).
    records = tmp_path / "records"
    records.mkdir()
    for jid in _journeys(home):
        for fmt in ("md", "html"):
            code, out, err = cli(
                monkeypatch,
                capsys,
                "export",
                jid,
                "--format",
                fmt,
                "--output",
                str(records / f"{jid}.{fmt}"),
            )
            outputs += [out, err]
            assert code == 0, err
        code, out, err = cli(monkeypatch, capsys, "email", jid)
        outputs += [out, err]
        assert code == 0, err
    assert len(list(records.glob("*.html"))) == len(_journeys(home)) >= 5

    # 5. The access roster (issue 16): a person, a HARP user ID, a role or a batch entry
    # that looks like a password, a key or an SSN is refused and never repeated; what the
    # roster commands save, draft and print is searched with the rest below.
    outputs += _roster_commands(monkeypatch, capsys, inputs)

    found, files = search(tmp_path, inputs, outputs)
    print(f"\nsentinel search: {files} files and {len(outputs)} outputs, found {found}")
    assert found == {}, found
    found, _ = search(tmp_path, inputs, outputs, FREE_NEEDLES)
    assert found == {}, found
    for bad in (SSN, PASSWORD):  # refused free text was not saved either
        assert not any(
            bad.encode() in p.read_bytes()
            for p in tmp_path.rglob("*")
            if p.is_file() and inputs not in p.parents
        )

    # 5. The state is private.
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    for name in ("state.json", "state.json.bak", "state.lock"):
        assert stat.S_IMODE((home / name).stat().st_mode) == 0o600, name
    for path in home.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


cli = run_main


def _roster_commands(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], inputs: Path
) -> list[str]:
    """The roster commands, fed secrets where a person might type one; their outputs."""
    outputs: list[str] = []
    batch = inputs / "roster.yaml"
    good = {"person": "Ana Lopez", "facility": "056304", "role": "PSO", "granted": "2026-10-01"}
    batch.write_text(yaml.safe_dump({"entries": [good, {"person": "Vic", "harp_user_id": KEY}]}))
    for args in (
        *(["roster", "add", bad, "--facility", "056304"] for bad in (SSN, *FREE_TEXT[::4])),
        *(["roster", "add", "Ben", "--harp-user-id", bad] for bad in (PASSWORD, KEY)),
        ["roster", "add", "Ben", "--facility", "056304", "--role", KEY2],
        ["roster", "request", "Vic", "--facility", "056304", "--role", KEY3],
        ["roster", "change", "Ana Lopez", "--name", FULL_WIDTH_SSN],
        ["roster", "pso-leaving", SSN],
        ["roster", "approve", PASSWORD, "--facility", "056304"],
        ["login", SSN],
        ["roster", "add", "--answers", str(batch)],  # refused whole: nothing of it saved
    ):
        code, out, err = cli(monkeypatch, capsys, *args)
        outputs += [out, err]
        flat = " ".join(err.split())
        assert code == 2, (args, err)
        assert any(s in flat for s in ("never stores", "not on the roster", "neither a")), flat
    # What the roster keeps, drafts and prints when nothing secret was given.
    batch.write_text(yaml.safe_dump({"entries": [good]}))
    for args in (
        ["roster", "add", "--answers", str(batch)],
        ["roster", "request", "Vic", "--works-for", "vendor", "--facility", "056304",
         "--facility", "056305", "--role", "PBJ Viewer"],
        ["roster", "approve", "Vic", "--facility", "056305"],
        ["login", "Ana Lopez"],
        ["roster", "pso-leaving", "Ana Lopez"],
        ["roster", "list"],
        ["status", "--json"],
    ):  # fmt: skip
        code, out, err = cli(monkeypatch, capsys, *args)
        outputs += [out, err]
        assert code == 0, (args, err)
    return outputs


class AtTheKeyboard(Person):
    """A ``Person`` whose free-text answers are typed at the real prompt (``keyboard``)."""

    def ask(self, question: Question, validate: Callable[[Any], Any]) -> Any:
        if question.kind != "text":
            return super().ask(question, validate)
        self.asked.append(question.id)
        return Prompter().ask(question, validate)


def _journeys(home: Path) -> dict[str, Any]:
    import json

    journeys: dict[str, Any] = json.loads((home / "state.json").read_text())["journeys"]
    return journeys


@pytest.mark.slow
def test_secrets_typed_in_a_real_terminal_are_never_shown_or_kept(
    home: Path, tmp_path: Path, wizard: Wizard
) -> None:
    """The keyboard part of the test above, in a real terminal: the refusals, and the
    activation key typed at a password prompt that shows only stars."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    outputs: list[str] = []
    child = spawn(home, "start", "cmsnet", "--facility", "056388")
    child.logfile_read = transcript = io.StringIO()
    # CMSNet is a legacy path: a hospice (its use moved); keep the legacy steps anyway.
    child.expect("What kind of provider")
    pick(child, 0)
    child.expect("What would you like to do")
    child.expect("Continue with the legacy steps")
    pick(child, 1)
    child.expect("Facility name")
    child.send(SSN + ENTER)
    child.expect("looks like a Social Security number, and the wizard never stores")
    # The renderer redraws only what changed: the rest of the sentence is already there.
    child.send(CTRL_U + PASSWORD + ENTER)
    child.expect("password, and the")
    child.send(CTRL_U + CTRL_C)
    assert finish(child) == 130
    # What stays on the screen: the refusals, and neither refused secret.
    screen = Screen(width=110)
    screen.write(transcript.getvalue())
    assert screen.text.count("never stores") == 2
    assert SSN not in screen.text and PASSWORD not in screen.text
    outputs.append(transcript.getvalue())

    # Up to the legacy ePOC activation key (answers file), then the key at the keyboard.
    result = up_to_the_key(wizard, inputs)
    outputs += [result.stdout, result.stderr]
    assert result.returncode == 0 and "To continue, run: epoc-wizard resume" in result.stdout
    child = spawn(home, "resume", "legacy-epoc-056377")
    child.logfile_read = transcript = io.StringIO()
    child.expect("Paste the activation key")
    child.send(KEY[:-1] + ENTER)  # one character short: refused, not repeated
    child.expect("but 31 were found")
    child.send(CTRL_U + KEY + ENTER)
    child.expect(r"Checked\. \(This value is not saved anywhere\.\)")
    child.expect("What next")
    pick(child, 0)
    # The next step's own menu: the answered menu line above also says "What next".
    child.expect(r"Step \d+ of \d+")
    child.expect("What next")
    child.send(CTRL_C)
    assert finish(child) == 130
    outputs.append(transcript.getvalue())
    # The password prompt showed only stars, and the answered line says nothing of the
    # key, not even its length.
    assert "*" * 8 in transcript.getvalue()
    screen = Screen(width=110)
    screen.write(transcript.getvalue())
    assert "*" * 32 not in screen.text and KEY not in screen.text

    found, files = search(tmp_path, inputs, outputs)
    assert found == {}, found
    assert files > 0
