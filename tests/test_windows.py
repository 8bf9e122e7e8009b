"""Windows, simulated on Linux (issue 11): saving, locking, doctor and repair follow
Windows' rules, and whole journeys work through every command.

The ``windows`` fixture makes ``fcntl`` unimportable and gives a fake ``msvcrt`` whose
``locking`` really excludes (it is backed by the real flock, so two "Windows" stores
still keep out of each other's way); removes ``os.getuid`` (which is how the state code
tells Windows, at call time: ``document.on_windows``); makes ``os.replace``,
``os.rename`` and ``os.unlink`` refuse a path that is open in this process, as Windows
does (WinError 32; open files are found through ``/proc/self/fd``); and makes
``os.link`` fail, as on FAT, exFAT and many network shares.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import json
import os
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from test_store import journey

from epoc_wizard.errors import StateError
from epoc_wizard.state import health, permissions, repair
from epoc_wizard.state.document import BACKUP_FILE, LOCK_FILE, STATE_FILE, on_windows
from epoc_wizard.state.store import Store

from conftest import CA_HOSPICE, Ran, Wizard

DATA = Path(__file__).parent / "data"
ANSWERS = str(DATA / "cmsnet-hospice.yaml")
JOURNEY = "cmsnet-056304"

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/fd").is_dir(), reason="finds open files through /proc/self/fd"
)


def _open_paths() -> set[str]:
    paths = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            paths.add(os.readlink(f"/proc/self/fd/{fd}"))
    return paths


@dataclass
class Windows:
    """What the simulation saw, and knobs for a test."""

    root: Path
    #: Each ``msvcrt.locking`` call's mode.
    locks: list[int] = field(default_factory=list)
    #: Renames refused because a path was open (Windows would have refused them too).
    refused: list[str] = field(default_factory=list)
    #: Refuse this many more replaces, as if antivirus held the file for a moment.
    busy: int = 0
    #: Refuse every replace of the state file (a program that does not let go).
    stuck: bool = False

    def check(self, *paths: Any) -> None:
        """Raise what Windows raises when a path is open or held by another program."""
        real = {os.path.realpath(p) for p in paths}
        if not any(p.startswith(str(self.root)) for p in real):
            return  # pytest's own files are none of the simulation's business
        held = real & _open_paths()
        if held:
            self.refused.extend(sorted(held))
        elif self.busy > 0:
            self.busy -= 1
        elif not (self.stuck and any(p.endswith(STATE_FILE) for p in real)):
            return
        exc = PermissionError(
            errno.EACCES,
            "The process cannot access the file because it is being used by another process",
            str(paths[0]),
        )
        exc.winerror = 32  # type: ignore[attr-defined]
        raise exc


def _fake_msvcrt(real_fcntl: Any, seen: list[int]) -> types.ModuleType:
    """``msvcrt.locking`` with Windows' behaviour (EACCES when another holds the byte),
    backed by the real flock so that the exclusion is real."""
    msvcrt = types.ModuleType("msvcrt")
    msvcrt.LK_UNLCK, msvcrt.LK_LOCK, msvcrt.LK_NBLCK = 0, 1, 2  # type: ignore[attr-defined]
    msvcrt.LK_RLCK, msvcrt.LK_NBRLCK = 3, 4  # type: ignore[attr-defined]

    def locking(fd: int, mode: int, nbytes: int) -> None:
        seen.append(mode)
        assert nbytes >= 1
        if mode == msvcrt.LK_UNLCK:  # type: ignore[attr-defined]
            real_fcntl.flock(fd, real_fcntl.LOCK_UN)
            return
        try:
            real_fcntl.flock(fd, real_fcntl.LOCK_EX | real_fcntl.LOCK_NB)
        except BlockingIOError:
            raise PermissionError(errno.EACCES, "Permission denied") from None

    msvcrt.locking = locking  # type: ignore[attr-defined]
    return msvcrt


@pytest.fixture
def windows(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Windows]:
    real_fcntl = importlib.import_module("fcntl")
    sim = Windows(root=Path(os.path.realpath(home.parent)))
    monkeypatch.setitem(sys.modules, "fcntl", None)  # import fcntl -> ImportError
    monkeypatch.setitem(sys.modules, "msvcrt", _fake_msvcrt(real_fcntl, sim.locks))
    monkeypatch.delattr(os, "getuid")
    for name in ("replace", "rename"):
        real_move = getattr(os, name)

        def move(
            src: Any, dst: Any, *a: Any, _real: Callable[..., Any] = real_move, **k: Any
        ) -> Any:
            sim.check(src, dst)
            return _real(src, dst, *a, **k)

        monkeypatch.setattr(os, name, move)
    real_unlink = os.unlink

    def unlink(path: Any, *a: Any, **k: Any) -> None:
        if os.path.realpath(path) in _open_paths() and str(path).startswith(str(home.parent)):
            sim.refused.append(str(path))
            raise PermissionError(errno.EACCES, "being used by another process", str(path))
        real_unlink(path, *a, **k)

    monkeypatch.setattr(os, "unlink", unlink)
    monkeypatch.setattr(os, "remove", unlink)

    def no_link(src: Any, dst: Any, *a: Any, **k: Any) -> None:
        raise OSError(errno.EPERM, "Incorrect function", str(src))  # FAT: no hard links

    monkeypatch.setattr(os, "link", no_link)
    with pytest.raises(ImportError):
        import fcntl  # noqa: F401
    assert on_windows()
    yield sim


def ok(result: Ran) -> Ran:
    text = result.stdout + result.stderr
    assert "Traceback" not in text and "Something went wrong" not in text, text
    assert result.returncode == 0, text
    return result


def saved(home: Path) -> dict[str, Any]:
    journeys: dict[str, Any] = json.loads((home / STATE_FILE).read_bytes())["journeys"]
    return journeys


def test_whole_journey_through_every_command(
    windows: Windows, wizard: Wizard, home: Path, tmp_path: Path
) -> None:
    started = ok(wizard("start", "--answers", ANSWERS))
    assert "All steps done" in started.stdout
    assert "no backup" in started.stderr.lower() or (home / BACKUP_FILE).is_file()
    assert saved(home)[JOURNEY]["answers"]["facility_name"] == "Sunny Acres Hospice"
    first = (home / STATE_FILE).read_bytes()

    # A second save: the backup is the copy of the first file (no hard links here).
    ok(wizard("edit", JOURNEY, "facility_name", "--value", "Sunny Acres Hospice West"))
    assert saved(home)[JOURNEY]["answers"]["facility_name"] == "Sunny Acres Hospice West"
    assert (home / BACKUP_FILE).read_bytes() == first

    resumed = ok(wizard("resume", JOURNEY, "--answers", ANSWERS))
    assert JOURNEY in resumed.stdout or "done" in resumed.stdout.lower()
    assert "Sunny Acres Hospice West" in ok(wizard("status")).stdout
    (row,) = json.loads(ok(wizard("status", "--json")).stdout)["journeys"]
    assert row["id"] == JOURNEY and row["finished"]

    md, html = tmp_path / "record.md", tmp_path / "record.html"
    ok(wizard("export", JOURNEY, "--output", str(md)))
    ok(wizard("export", JOURNEY, "--format", "html", "--output", str(html)))
    assert "Sunny Acres Hospice West" in md.read_text(encoding="utf-8")
    assert "<html" in html.read_text(encoding="utf-8").lower()

    ok(wizard("email", JOURNEY))
    # A journey with e-mails to send (California's CDPH steps), for the drafts.
    ca = tmp_path / "ca.json"
    done = ["about_facility", "web_epoc_retired"]
    ca.write_text(json.dumps({"flow": "legacy-epoc", "answers": CA_HOSPICE, "done": done}))
    ok(wizard("start", "--answers", str(ca)))
    ok(wizard("email", "legacy-epoc-551501"))
    drafts = list((home / "drafts" / "legacy-epoc-551501").glob("*.eml"))
    assert drafts, "no .eml draft written"

    doctor = ok(wizard("doctor"))
    assert "Access: the state folder is yours" in doctor.stdout
    assert "chmod" not in doctor.stdout and "chown" not in doctor.stdout
    assert "Lock: no other session" in doctor.stdout
    fixed = ok(wizard("doctor", "--repair"))
    assert "Set the permissions" not in fixed.stdout and "chmod" not in fixed.stdout

    ok(wizard("reset", JOURNEY, "--yes"))
    assert set(saved(home)) == {"legacy-epoc-551501"}
    assert windows.locks, "the lock did not go through msvcrt.locking"
    assert windows.refused == [], f"Windows would refuse these renames: {windows.refused}"


def test_two_windows_stores_exclude_each_other_and_keep_both_journeys(
    windows: Windows, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EPOC_WIZARD_LOCK_TIMEOUT", "0.1")
    one, two = Store(home), Store(home)
    one.save(journey("a"))
    with one.lock(), pytest.raises(StateError, match="Another epoc-wizard session is working"):
        two.save(journey("b"))
    two.save(journey("b"))
    one.save(journey("a", answers={"facility_name": "Oak"}))
    assert set(saved(home)) == {"cmsnet-a", "cmsnet-b"} or len(saved(home)) == 2
    assert windows.refused == []


def test_a_file_held_for_a_moment_is_waited_for(windows: Windows, home: Path) -> None:
    store = Store(home)
    store.save(journey("a"))
    windows.busy = 3  # antivirus holds it for three tries
    store.save(journey("b"))
    assert len(saved(home)) == 2 and windows.busy == 0


def test_a_file_held_for_good_names_the_cause(windows: Windows, home: Path) -> None:
    store = Store(home)
    store.save(journey("a"))
    before = (home / STATE_FILE).read_bytes()
    windows.stuck = True
    with pytest.raises(StateError) as err:
        store.save(journey("b"))
    assert "another program is holding the state file open" in err.value.message
    assert "chmod" not in err.value.message
    assert (home / STATE_FILE).read_bytes() == before
    assert [p.name for p in home.iterdir() if p.name.endswith(".tmp")] == []


def test_no_backup_at_all_is_said(
    windows: Windows,
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = Store(home)
    store.save(journey("a"))
    real_read = Path.read_bytes

    def refuse_copy(self: Path) -> bytes:
        if self.name == STATE_FILE and sys._getframe(1).f_code.co_name == "_backup":
            raise OSError(errno.EIO, "Input/output error")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", refuse_copy)
    store.save(journey("b"))
    store.save(journey("c"))
    err = capsys.readouterr().err
    assert err.count("no backup (state.json.bak)") == 1 and "Input/output error" in err
    assert store.no_backup == "Input/output error"
    assert len(saved(home)) == 3


def test_doctor_on_windows_checks_access_not_modes(windows: Windows, home: Path) -> None:
    Store(home).save(journey("a"))
    os.chmod(home, 0o777)  # what Windows reports anyway
    os.chmod(home / STATE_FILE, 0o666)
    findings = health.diagnose(home)
    assert [f for f in findings if f.level == "problem"] == []
    assert repair.repair(home) == []
    assert os.stat(home / STATE_FILE).st_mode & 0o777 == 0o666  # not "fixed"


def test_doctor_on_windows_says_what_to_do_in_windows_terms(
    windows: Windows, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Store(home).save(journey("a"))
    real_open = os.open

    def read_only(path: Any, flags: int, *a: Any, **k: Any) -> int:
        if str(path).endswith(STATE_FILE) and flags & os.O_RDWR:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *a, **k)

    monkeypatch.setattr(os, "open", read_only)
    (problem,) = [f for f in health.diagnose(home) if f.level == "problem"]
    assert "cannot be opened for reading and writing" in problem.text
    assert "attrib -R" in problem.fix and "chmod" not in problem.fix


def test_state_folder_outside_the_profile_is_a_problem_on_windows(
    windows: Windows, home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    home.mkdir()
    monkeypatch.delenv("EPOC_WIZARD_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "profile"))
    findings = permissions.permissions(home)
    assert findings[0].level == "problem" and "not in your user profile" in findings[0].text
    assert "EPOC_WIZARD_HOME" in findings[0].fix
    monkeypatch.setenv("HOME", str(tmp_path))
    assert permissions.permissions(home)[0].level == "ok"


def test_repair_never_changes_a_file_through_a_symbolic_link(home: Path, tmp_path: Path) -> None:
    """POSIX: a state file that is a link to someone else's file is left alone."""
    Store(home).save(journey("a"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("not ours to change")
    os.chmod(elsewhere, 0o644)
    (home / BACKUP_FILE).unlink(missing_ok=True)
    (home / BACKUP_FILE).symlink_to(elsewhere)
    (home / LOCK_FILE).unlink()
    (home / LOCK_FILE).symlink_to(elsewhere)
    repair.repair(home)
    assert os.stat(elsewhere).st_mode & 0o777 == 0o644


def test_the_simulation_refuses_what_windows_refuses(windows: Windows, home: Path) -> None:
    home.mkdir()
    held, other = home / "held", home / "other"
    held.write_text("x")
    with open(held, "rb"):
        with pytest.raises(PermissionError):
            os.replace(held, other)
        with pytest.raises(PermissionError):
            os.unlink(held)
    os.replace(held, other)
    with pytest.raises(OSError):
        os.link(other, held)
    assert windows.refused


# --- the state folder and odd files (issue 12), the Windows way ------------------------------


def test_folder_modes_are_left_alone_on_windows(
    windows: Windows, wizard: Wizard, home: Path
) -> None:
    """Windows reports 777 for every folder: nothing to tighten, nothing to refuse or say."""
    home.mkdir()
    os.chmod(home, 0o777)
    started = ok(wizard("start", "--answers", ANSWERS))
    assert "other users could change" not in started.stderr
    assert os.stat(home).st_mode & 0o777 == 0o777


def test_linked_lock_and_state_files_are_refused_without_nofollow(
    windows: Windows, wizard: Wizard, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without ``O_NOFOLLOW`` (Windows), the lock and the state file are looked at first:
    a link is refused, and nothing is created where it points."""
    from epoc_wizard import fileio
    from epoc_wizard.state import store

    monkeypatch.setattr(store, "O_NOFOLLOW", 0)
    monkeypatch.setattr(fileio, "O_NOFOLLOW", 0)
    Store(home).save(journey("a"))
    planted = tmp_path / "planted"
    (home / LOCK_FILE).unlink()
    (home / LOCK_FILE).symlink_to(planted)
    with pytest.raises(StateError, match=r"the lock file .* is a symbolic link"):
        Store(home).save(journey("b"))
    assert not planted.exists()

    notes = tmp_path / "notes.json"
    notes.write_bytes((home / STATE_FILE).read_bytes())
    (home / STATE_FILE).unlink()
    (home / STATE_FILE).symlink_to(notes)
    ran = wizard("status")
    assert ran.returncode == 1 and "is a symbolic link, not a regular file" in ran.stderr
