"""Attacks a review found after the first round of issue 12, through the command line:
a named pipe given as an answers or flow file (it used to hang), the flow cache (read
through a pipe or link, written through a planted link, believed when others could
write it), a help desk's name that added a recipient or broke the draft, and escape
sequences from the state folder in ``doctor`` and in calendar files."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.utils import getaddresses
from pathlib import Path

import pytest

from epoc_wizard.flowspec import cache as flowcache
from epoc_wizard.flowspec.catalog import bundled_dir

from conftest import DATA, Wizard

posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
ESC = "\x1b"


@contextlib.contextmanager
def no_hang(seconds: int = 10) -> Iterator[None]:
    """Fail instead of waiting for ever (a read from a pipe nobody writes to)."""

    def stop(*_: object) -> None:
        raise AssertionError("the command waited for ever")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@posix_only
def test_a_named_pipe_as_answers_file_is_a_sentence(wizard: Wizard, tmp_path: Path) -> None:
    fifo = tmp_path / "answers.yaml"
    os.mkfifo(fifo)
    with no_hang():
        ran = wizard("start", "cmsnet", "--answers", str(fifo))
    assert ran.returncode == 2
    assert "named pipe" in ran.stderr


@posix_only
def test_a_named_pipe_in_the_flows_folder_is_a_problem(wizard: Wizard, tmp_path: Path) -> None:
    folder = tmp_path / "myflows"
    folder.mkdir()
    os.mkfifo(folder / "x.yaml")
    with no_hang():
        listed = wizard("flows", "check", str(folder))
    assert listed.returncode == 1
    assert f"{folder / 'x.yaml'}:1: this is a named pipe" in listed.stdout + listed.stderr


def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache file of this test's own, read afresh (in-process, the cache is read once
    per process)."""
    from epoc_wizard.flowspec import cache as flowcache

    cache = tmp_path / "cache" / "flows.json"
    monkeypatch.setenv("EPOC_WIZARD_CACHE", str(cache))
    monkeypatch.setattr(flowcache, "_entries", None)
    return cache


@posix_only
def test_the_flow_cache_is_private_and_never_read_or_written_through_odd_files(
    wizard: Wizard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = fresh_cache(tmp_path, monkeypatch)
    assert wizard("flows", "list").returncode == 0
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.parent.stat().st_mode) == 0o700
    assert not list(cache.parent.glob(".*.tmp"))
    # A pipe where the cache should be: ignored, and the flows load as always.
    cache.unlink()
    os.mkfifo(cache)
    monkeypatch.setattr(flowcache, "_entries", None)
    with no_hang():
        assert wizard("flows", "list").returncode == 0
    # A link to a file of the person's: never followed for reading or writing.
    cache.unlink()
    victim = tmp_path / "victim.txt"
    victim.write_text("mine", encoding="utf-8")
    cache.symlink_to(victim)
    monkeypatch.setattr(flowcache, "_entries", None)
    monkeypatch.setattr(flowcache, "_dirty", True)
    assert wizard("flows", "list").returncode == 0
    assert victim.read_text(encoding="utf-8") == "mine"


@posix_only
def test_a_cache_others_can_write_is_not_believed(
    wizard: Wizard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = fresh_cache(tmp_path, monkeypatch)
    assert wizard("start", "--answers", str(DATA / "cmsnet-hospice.yaml")).returncode == 0
    text = cache.read_text(encoding="utf-8")
    poisoned = text.replace("1-800-339-9313", "1-900-555-0199")
    assert poisoned != text
    cache.write_text(poisoned, encoding="utf-8")
    os.chmod(cache, 0o666)  # as if another user had planted it
    monkeypatch.setattr(flowcache, "_entries", None)
    shown = wizard("contacts")
    assert "1-900-555-0199" not in shown.stdout
    assert "1-800-339-9313" in shown.stdout


def _contacts_with_name(tmp_path: Path, name: str) -> tuple[Path, int]:
    contacts = (bundled_dir() / "contacts.yaml").read_text(encoding="utf-8")
    lines = contacts.splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.strip().startswith("name: "))
    lines[line - 1] = f"    name: {json.dumps(name)}"
    folder = tmp_path / "myflows"
    folder.mkdir(exist_ok=True)
    (folder / "contacts.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder, line


@pytest.mark.parametrize("name", ["Demo\nX", "Spy <spy@evil.example>, Demo", 'A "quoted" desk'])
def test_a_help_desk_name_is_one_line_without_address_syntax(
    wizard: Wizard, tmp_path: Path, name: str
) -> None:
    folder, line = _contacts_with_name(tmp_path, name)
    checked = wizard("flows", "check", str(folder))
    assert checked.returncode == 1
    assert f"{folder / 'contacts.yaml'}:{line}: contacts[0].name" in checked.stdout


def test_a_name_with_a_comma_is_one_recipient(wizard: Wizard, home: Path) -> None:
    # The Kentucky desk's name has a comma; unquoted, it read as two recipients.
    answers = DATA.parent / "data" / "cmsnet-hospice.yaml"
    assert wizard("start", "--answers", str(answers)).returncode == 0
    from epoc_wizard.outputs.drafts import Draft

    draft = Draft(
        id="x",
        step_id="s",
        step_title="S",
        to="epoc@ky.gov",
        to_name="ePOC Support, Kentucky Office of Inspector General (state survey agency)",
        subject="Hello",
        body="Hello",
        why="",
        missing=(),
    )
    import datetime as dt

    parsed = message_from_bytes(
        draft.eml(dt.datetime(2026, 11, 23, tzinfo=dt.UTC)), policy=policy.default
    )
    assert getaddresses([str(parsed["To"])]) == [
        ("ePOC Support, Kentucky Office of Inspector General (state survey agency)", "epoc@ky.gov")
    ]


def test_doctor_shows_escape_sequences_from_the_state_folder_without_obeying_them(
    wizard: Wizard, home: Path
) -> None:
    assert wizard("start", "--answers", str(DATA / "cmsnet-hospice.yaml")).returncode == 0
    doc = json.loads((home / "state.json").read_text(encoding="utf-8"))
    journey = next(iter(doc["journeys"].values()))
    bad = f"x{ESC}]52;c;aGk=\a{ESC}[2J"
    journey["flow"] = f"gone{ESC}]0;T\a"
    doc["journeys"] = {bad: {**journey, "id": bad}}
    (home / "state.json").write_text(json.dumps(doc), encoding="utf-8")
    (home / f"state.damaged-{ESC}[2J.json").write_text("{}", encoding="utf-8")
    for args in (["doctor"], ["doctor", "--repair"]):
        ran = wizard(*args)
        assert ESC not in ran.stdout + ran.stderr and "\a" not in ran.stdout + ran.stderr
        assert "\\x1b" in ran.stdout + ran.stderr


def test_a_calendar_file_holds_no_control_characters(
    wizard: Wizard, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # where the calendar is written by default
    path = tmp_path / "a.yaml"
    path.write_text(
        "flow: iqies\nanswers: {provider_type: nursing_home, task: epoc, facility_name: L,"
        " state: MN, ccn: '245001', org_search_by: ccn, poc_received: 11/20/2026}\n"
        "done: [about_facility]\n",
        encoding="utf-8",
    )
    assert wizard("start", "--answers", str(path)).returncode == 0
    doc = json.loads((home / "state.json").read_text(encoding="utf-8"))
    for j in doc["journeys"].values():
        j["label"] = f"L{ESC}[2J\a"
    (home / "state.json").write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "plan.ics"
    assert wizard("calendar", "--output", str(out)).returncode == 0
    raw = out.read_bytes()
    assert b"\x1b" not in raw and b"\x07" not in raw
    again = wizard("calendar")
    assert again.returncode == 0
    twice = wizard("calendar")
    assert twice.returncode == 2 and "--output FILE" in twice.stderr
    assert "already here" in twice.stderr


KEY = "A1B2C3D4E5F6G7H8J9K0L1M2N3P4Q5R6"


@pytest.mark.parametrize(
    "args",
    [["resume", KEY], ["start", "iqies", "--due", KEY], ["export", KEY], ["edit", KEY, "x"]],
)
def test_an_argument_that_looks_secret_is_never_repeated(wizard: Wizard, args: list[str]) -> None:
    ran = wizard(*args)
    assert ran.returncode != 0
    assert KEY[:8] not in ran.stdout + ran.stderr


def test_hidden_direction_marks_are_refused_in_answers(wizard: Wizard, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        json.dumps(
            {
                "flow": "cmsnet",
                "answers": {"provider_type": "hospice", "facility_name": "Sun\u202erise"},
            }
        ),
        encoding="utf-8",
    )
    ran = wizard("start", "--answers", str(path))
    assert ran.returncode == 1 and "hidden character" in ran.stderr


def test_doctor_names_drafts_that_email_cannot_write(wizard: Wizard, home: Path) -> None:
    assert wizard("start", "--answers", str(DATA / "cmsnet-hospice.yaml")).returncode == 0
    drafts = home / "drafts"
    if drafts.exists():
        import shutil

        shutil.rmtree(drafts)
    drafts.write_text("", encoding="utf-8")
    ran = wizard("doctor")
    assert ran.returncode == 1
    assert f"{drafts} is not a folder" in " ".join(ran.stdout.split())
