"""``epoc-wizard doctor [--repair]``: every check, what it says to do, and what repair does."""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from epoc_wizard.app import doctor as doctor_cmd
from epoc_wizard.core.journey import Journey
from epoc_wizard.errors import StateError
from epoc_wizard.state import health as doctor
from epoc_wizard.state import repair
from epoc_wizard.state.document import BACKUP_FILE, LOCK_FILE, STATE_FILE, read_document
from epoc_wizard.state.store import Store

from conftest import Wizard, run_main

T0 = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
ANSWERS = str(Path(__file__).parent / "data" / "cmsnet-hospice.yaml")


def jour(jid: str, **extra: Any) -> Journey:
    return Journey(id=jid, flow="cmsnet", created=T0, updated=T0, **extra)


def cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str]:
    code, out, err = run_main(monkeypatch, capsys, *args)
    return code, out + err


def levels(directory: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"ok": [], "note": [], "problem": []}
    for f in doctor.diagnose(directory, flows=doctor_cmd.flow_findings):
        found[f.level].append(f.text + (" | " + f.fix if f.fix else ""))
    return found


def test_healthy_state_is_all_ok_through_the_cli(home: Path, wizard: Wizard) -> None:
    assert wizard("start", "--answers", ANSWERS).returncode == 0
    result = wizard("doctor")
    assert result.returncode == 0, result.stdout
    for line in (
        f"OK       State folder: {home} (set by EPOC_WIZARD_HOME).",
        "OK       Permissions: only you can open the state folder (700) and its files (600).",
        "OK       State file: 1 journey, all readable (schema 2).",
        "OK       Lock: no other session is using the state.",
        "OK       Flows: 5 flows load without problems.",
        "OK       Backup state.json.bak: 1 journey, readable",
    ):
        assert line in result.stdout
    assert result.stdout.rstrip().endswith("Everything looks healthy.")


def test_nothing_saved_yet_is_healthy_and_changes_nothing(home: Path) -> None:
    found = levels(home)
    assert found["problem"] == []
    assert any("No progress saved yet" in t for t in found["ok"])
    assert not home.exists()  # doctor looked, and made nothing
    assert repair.repair(home) == []


def test_default_location_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("EPOC_WIZARD_HOME", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    (where,) = [f for f in doctor.diagnose() if f.text.startswith("State folder")]
    assert str(tmp_path / "xdg" / "epoc-wizard") in where.text
    assert "set EPOC_WIZARD_HOME to keep it elsewhere" in where.text


def test_loose_permissions_say_chmod_and_repair_fixes_them(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store()
    store.save(jour("a"))
    store.save(jour("b"))
    os.chmod(home, 0o755)
    os.chmod(home / STATE_FILE, 0o644)
    os.chmod(home / BACKUP_FILE, 0o640)
    problems = levels(home)["problem"]
    assert len(problems) == 3
    assert f"mode 755); it should be 700. | Run: chmod 700 {home}" in problems[0]
    assert f"mode 644); it should be 600. | Run: chmod 600 {home / STATE_FILE}" in problems[1]
    assert f"chmod 600 {home / BACKUP_FILE}" in problems[2]
    code, out = cli(monkeypatch, capsys, "doctor")
    assert code == 1 and "3 problems found; see 'What to do' above." in out
    code, out = cli(monkeypatch, capsys, "doctor", "--repair")
    assert code == 0, out
    assert f"Set the permissions of {home} to 700 (was 755)." in out
    assert f"Set the permissions of {home / STATE_FILE} to 600 (was 644)." in out
    for path, mode in (
        (home, 0o700),
        (home / STATE_FILE, 0o600),
        (home / BACKUP_FILE, 0o600),
        (home / LOCK_FILE, 0o600),
    ):
        assert stat.S_IMODE(path.stat().st_mode) == mode
    assert set(store.journeys()) == {"a", "b"}


def test_another_session_holding_the_lock(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Store().save(jour("a"))
    fd = os.open(home / LOCK_FILE, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        (problem,) = levels(home)["problem"]
        assert "Another epoc-wizard session holds the lock" in problem
        assert "Finish or close the other session" in problem
        monkeypatch.setenv("EPOC_WIZARD_LOCK_TIMEOUT", "0.2")
        code, out = cli(monkeypatch, capsys, "doctor", "--repair")
        assert code == 1 and "Another epoc-wizard session is working" in out
    finally:
        os.close(fd)
    assert levels(home)["problem"] == []


def test_broken_flows_are_listed_with_their_lines(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flows = tmp_path / "myflows"
    flows.mkdir()
    (flows / "mine.yaml").write_text(
        "id: mine\ntitle: Mine\nsummary: s\naudience: [x]\nsteps:\n  - id: one\n    titel: typo\n"
    )
    monkeypatch.setenv("EPOC_WIZARD_FLOWS", str(flows))
    (problem,) = levels(home)["problem"]
    assert f"with your own flows from {flows}" in problem
    assert f"\n  {flows / 'mine.yaml'}:7: steps[0].titel: unknown key 'titel'" in problem
    assert "'epoc-wizard flows check FILE' checks it again" in problem


def test_journey_of_a_flow_that_is_gone(home: Path) -> None:
    Store().save(Journey(id="x", flow="nope", created=T0, updated=T0))
    (problem,) = levels(home)["problem"]
    assert "follows the flow 'nope', which is not installed" in problem
    assert "epoc-wizard reset x" in problem


def test_backup_missing_or_damaged_is_a_note(home: Path) -> None:
    Store().save(jour("a"))
    found = levels(home)
    assert found["problem"] == [] and any("No backup" in n for n in found["note"])
    (home / BACKUP_FILE).write_text("{")
    os.chmod(home / BACKUP_FILE, 0o600)
    found = levels(home)
    assert found["problem"] == []
    assert any("is not usable" in n and "The next save replaces it" in n for n in found["note"])


def test_repair_restores_the_backup_and_keeps_the_damaged_copy(home: Path) -> None:
    store = Store()
    store.save(jour("a", answers={"facility_name": "Sunny"}))
    store.save(jour("b"))
    (home / STATE_FILE).write_bytes(b'{"schema": 1, "journeys": {"a": ')
    said = repair.repair(home, now=T0)
    aside = home / "state.damaged-20261123T140000Z.json"
    assert said[0] == f"Moved the damaged state file to {aside} (kept, not deleted)."
    assert said[1].startswith("Restored the last good save from state.json.bak: 1 journey ('a')")
    assert aside.read_bytes() == b'{"schema": 1, "journeys": {"a": '
    assert stat.S_IMODE(aside.stat().st_mode) == 0o600
    assert read_document(home)["journeys"]["a"]["answers"] == {"facility_name": "Sunny"}
    # A second repair at the same moment never overwrites the first copy.
    (home / STATE_FILE).write_bytes(b"oops")
    repair.repair(home, now=T0)
    assert (home / "state.damaged-20261123T140000Z-2.json").read_bytes() == b"oops"
    assert aside.read_bytes() == b'{"schema": 1, "journeys": {"a": '
    notes = levels(home)["note"]
    assert any("Damaged state files set aside earlier, kept for you" in n for n in notes)


def test_repair_with_no_usable_backup_starts_empty(home: Path) -> None:
    Store().save(jour("a"))
    (home / STATE_FILE).write_bytes(b"\x00" * 10)
    said = repair.repair(home, now=T0)
    assert "Could not restore state.json.bak (there is none), so the wizard starts again" in said[1]
    assert "Your old progress stays in state.damaged-20261123T140000Z.json" in said[1]
    assert read_document(home) == {
        "schema": 2,
        "journeys": {},
        "roster": {"people": {}, "facilities": {}},
    }


def test_repair_keeps_good_journeys_and_takes_damaged_ones_from_the_backup(home: Path) -> None:
    store = Store()
    store.save(jour("a", answers={"facility_name": "Sunny"}))
    store.save(jour("b"))
    store.save(jour("c"))
    store.write({"a": {"id": "a", "flow": 7}, "c": {"id": "c"}})  # damage two of them
    (home / BACKUP_FILE).write_text(
        json.dumps(
            {
                "schema": 1,
                "journeys": {
                    "a": jour("a", answers={"facility_name": "Sunny"}).model_dump(mode="json")
                },
            }
        )
    )
    found = levels(home)
    assert len(found["problem"]) == 2
    assert "takes 'a' from state.json.bak" in found["problem"][-1]
    said = repair.repair(home, now=T0)
    assert "Kept the 1 journey that was fine ('b')." in said
    assert any(s.startswith("Took 'a' from state.json.bak") for s in said)
    assert any(s.startswith("Could not recover 'c'") for s in said)
    journeys = read_document(home)["journeys"]
    assert set(journeys) == {"a", "b"}
    assert journeys["a"]["answers"] == {"facility_name": "Sunny"}
    assert levels(home)["problem"] == []


def test_newer_schema_is_left_alone(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home.mkdir(mode=0o700)
    (home / STATE_FILE).write_text('{"schema": 3, "journeys": {}}')
    code, out = cli(monkeypatch, capsys, "doctor", "--repair")
    assert code == 1
    assert "Left the state file as it is: a newer epoc-wizard wrote it" in out
    assert "Upgrade epoc-wizard (pip install -U epoc-wizard). Do not repair" in out
    assert (home / STATE_FILE).read_text() == '{"schema": 3, "journeys": {}}'


def test_leftover_temporary_files(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Store().save(jour("a"))
    (home / ".state.json.99999.tmp").write_text("{half")
    assert any(
        "1 temporary file left by a save that was interrupted" in n for n in levels(home)["note"]
    )
    code, out = cli(monkeypatch, capsys, "doctor", "--repair")
    assert code == 0 and "Removed 1 temporary file left by an interrupted save." in out
    assert not list(home.glob(".*.tmp"))


def test_healthy_repair_does_nothing(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Store().save(jour("a"))
    before = (home / STATE_FILE).read_bytes()
    code, out = cli(monkeypatch, capsys, "doctor", "--repair")
    assert code == 0 and "Repair: nothing needed repairing." in out
    assert (home / STATE_FILE).read_bytes() == before


def test_a_repair_that_cannot_write_is_undone(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store()
    store.save(jour("a"))
    store.save(jour("b"))
    (home / STATE_FILE).write_bytes(b"{")

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("epoc_wizard.state.store.os.fsync", full)
    with pytest.raises(StateError) as err:
        repair.repair(home, now=T0)
    assert "the disk is full" in err.value.message
    assert "The repair was undone and nothing was changed" in err.value.message
    assert (home / STATE_FILE).read_bytes() == b"{"
    assert not list(home.glob("state.damaged-*"))


def test_doctor_is_not_loaded_by_everyday_commands(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sys.modules.pop("epoc_wizard.state.health", None)
    try:
        assert cli(monkeypatch, capsys, "status")[0] == 0
        assert cli(monkeypatch, capsys, "start", "--answers", ANSWERS)[0] == 0
        assert "epoc_wizard.state.health" not in sys.modules
    finally:
        sys.modules["epoc_wizard.state.health"] = doctor


def test_a_missing_state_file_with_a_backup_is_not_a_fresh_start(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store()
    store.save(jour("a"))
    store.save(jour("b"))
    (home / STATE_FILE).unlink()  # something else removed it; the backup holds 'a'
    for args in (["status"], ["start", "--answers", ANSWERS]):
        code, out = cli(monkeypatch, capsys, *args)
        assert code == 1 and "is missing, but its backup state.json.bak is there" in out
    assert not (home / STATE_FILE).exists()  # nothing started from scratch over it
    (problem,) = levels(home)["problem"]
    assert "Run 'epoc-wizard doctor --repair' to bring back the backup (1 journey)" in problem
    code, out = cli(monkeypatch, capsys, "doctor", "--repair")
    assert code == 0 and "The state file was missing: brought back state.json.bak" in out
    assert set(Store().journeys()) == {"a"}


def test_a_missing_state_file_with_a_damaged_backup(home: Path) -> None:
    Store().save(jour("a"))
    Store().save(jour("b"))
    (home / STATE_FILE).unlink()
    (home / BACKUP_FILE).write_bytes(b"{")
    (problem,) = levels(home)["problem"]
    assert "The backup is not usable either" in problem
    (said,) = repair.repair(home, now=T0)
    assert "moved the backup to" in said and "started again with no saved journeys" in said
    assert (home / "state.damaged-20261123T140000Z.json").read_bytes() == b"{"
    assert read_document(home)["journeys"] == {}
