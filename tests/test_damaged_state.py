"""Damaged, unreadable, newer, older and unwritable state (issue 5: trustworthy under faults).

Every case must give a sentence (never a traceback, never the "something went wrong"
last resort), leave the damaged file as it is until ``doctor --repair`` sets it aside
(never deleting it), and say how to recover. The cases run the commands in-process
(``entry.main``, the same code as the installed command, much faster); one sample runs
the real installed command in a subprocess, and the injected faults run both ways (the
real command with ``-m slow``).

Unreadable files: the tests run as root, where chmod 000 does not stop reading, so an
unreadable file is simulated three ways: a folder named ``state.json``, a
``PermissionError`` from ``Path.read_bytes`` (monkeypatched in-process, and injected
into the real CLI through a ``sitecustomize`` module on ``PYTHONPATH``), and a symlink
loop. A full or read-only disk is injected the same way (ENOSPC from ``os.write`` of
the temporary file, EROFS from opening anything for writing in the state folder);
nothing is mounted.
"""

from __future__ import annotations

import errno
import io
import json
import os
import random
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from epoc_wizard.app import doctor as doctor_cmd
from epoc_wizard.app.context import Context
from epoc_wizard.app.journeys import run_journey_command
from epoc_wizard.core.journey import Journey
from epoc_wizard.errors import StateError
from epoc_wizard.flowspec.catalog import Catalog
from epoc_wizard.state import health, repair
from epoc_wizard.state.document import BACKUP_FILE, STATE_FILE, parse_document, read_document
from epoc_wizard.state.store import Store
from epoc_wizard.ui.scripted import Scripted, read_answers_file
from epoc_wizard.ui.show import View

from conftest import NOW, Wizard, run_main, run_wizard

DATA = Path(__file__).parent / "data"
ANSWERS = str(DATA / "cmsnet-hospice.yaml")
JID = "cmsnet-056304"
FIGURES: dict[str, Any] = {}


@pytest.fixture(scope="module")
def real_state(tmp_path_factory: pytest.TempPathFactory, bundled: Catalog) -> tuple[bytes, bytes]:
    """A state file (and its backup) made by running a whole journey with --answers."""
    home = tmp_path_factory.mktemp("real") / "state"
    answers = read_answers_file(Path(ANSWERS))
    ctx = Context(
        Store(home),
        now=lambda: NOW,
        asker=Scripted(answers),
        answers=answers,
        load_catalog=lambda: bundled,
        _view=View(console=Console(file=io.StringIO())),
    )
    run_journey_command(ctx, "start", None, None)
    return (home / STATE_FILE).read_bytes(), (home / BACKUP_FILE).read_bytes()


cli = run_main


def is_a_sentence(code: int, out: str, err: str) -> None:
    assert code in (1, 2), (code, out, err)
    assert "Traceback" not in out + err
    assert "Something went wrong inside" not in err, err
    assert err.strip().endswith(".") or "epoc-wizard doctor" in err, err


def jour(jid: str = "a", **extra: Any) -> Journey:
    return Journey(
        id=jid,
        flow="cmsnet",
        created="2026-11-23T14:00:00Z",  # type: ignore[arg-type]
        updated="2026-11-23T14:00:00Z",
        **extra,
    )


# --- truncation at every byte --------------------------------------------------------


def test_truncated_at_every_byte_in_process(home: Path, real_state: tuple[bytes, bytes]) -> None:
    raw, bak = real_state
    home.mkdir(mode=0o700)
    (home / BACKUP_FILE).write_bytes(bak)
    path = home / STATE_FILE
    repaired = 0
    for cut in range(len(raw)):
        piece = raw[:cut]
        with pytest.raises(StateError) as err:
            parse_document(piece, path)
        assert "doctor --repair" in err.value.message and "untouched" in err.value.message
        path.write_bytes(piece)
        with pytest.raises(StateError):
            Store().save(jour())
        assert path.read_bytes() == piece  # never overwritten
        assert health.read_state(path).kind == "damaged"
        if cut % 64 == 0:  # the repair, on a sample (it fsyncs)
            said = repair.repair(home)
            (aside,) = home.glob("state.damaged-*.json")
            assert aside.read_bytes() == piece and str(aside) in said[0]
            assert read_document(home)["journeys"] == json.loads(bak)["journeys"]
            aside.unlink()
            repaired += 1
    FIGURES.update(truncated_in_process=len(raw), repaired_in_process=repaired)
    assert len(raw) > 500 and repaired >= 8


def test_truncated_state_through_the_cli(
    home: Path, real_state: tuple[bytes, bytes], wizard: Wizard
) -> None:
    raw, bak = real_state
    home.mkdir(mode=0o700)
    (home / BACKUP_FILE).write_bytes(bak)
    rng = random.Random(5)
    cuts = [0, len(raw) - 1, rng.randrange(1, len(raw) - 1)]
    runs = 0
    for cut in cuts:
        (home / STATE_FILE).write_bytes(raw[:cut])
        for args in (
            ["status"],
            ["resume", "--answers", ANSWERS],
            ["start", "cmsnet", "--answers", ANSWERS],
        ):
            result = wizard(*args)
            runs += 1
            is_a_sentence(result.returncode, result.stdout, result.stderr)
            assert "is damaged: it is not valid JSON" in result.stderr
            assert "epoc-wizard doctor --repair" in result.stderr
            assert (home / STATE_FILE).read_bytes() == raw[:cut]
    FIGURES["truncated_cli_runs"] = runs
    # The way out that the messages point to.
    report = wizard("doctor")
    assert report.returncode == 1 and "PROBLEM" in report.stdout
    assert "restores the last good save from state.json.bak" in report.stdout
    fixed = wizard("doctor", "--repair")
    assert fixed.returncode == 0, fixed.stdout
    (aside,) = home.glob("state.damaged-*.json")
    assert aside.read_bytes() == raw[: cuts[-1]]
    assert f"Moved the damaged state file to {aside}" in fixed.stdout
    assert "Restored the last good save from state.json.bak: 1 journey" in fixed.stdout
    status = wizard("status")
    assert status.returncode == 0 and "Sunny Acres Hospice" in status.stdout


# --- damaged shapes --------------------------------------------------------------------

GOOD = jour(JID).model_dump(mode="json", exclude_none=True)
SHAPES: list[tuple[str, bytes, str]] = [
    # (kind, content, what the message says)
    ("invalid JSON", b"{not json", "is damaged: it is not valid JSON"),
    ("invalid JSON", b"", "is damaged: it is not valid JSON"),
    ("invalid JSON", b"\x00\xff\xfe garbage \x80", "is damaged: it is not valid JSON"),
    ("invalid JSON", b"[" * 100_000, "is damaged: it is not valid JSON"),
    ("wrong shape", b"[1, 2]", "is not an epoc-wizard state file"),
    ("wrong shape", b"null", "is not an epoc-wizard state file"),
    ("wrong shape", b'"state"', "is not an epoc-wizard state file"),
    ("wrong shape", b'{"journeys": {}}', "is not an epoc-wizard state file"),
    ("wrong shape", b'{"schema": "1", "journeys": {}}', "is not an epoc-wizard state file"),
    ("wrong shape", b'{"schema": true, "journeys": {}}', "is not an epoc-wizard state file"),
    ("wrong shape", b'{"schema": 1}', "its journeys are not in the expected form"),
    ("wrong shape", b'{"schema": 1, "journeys": [1]}', "its journeys are not in the expected"),
    ("wrong shape", b'{"schema": 1, "journeys": {"a": 5}}', "its journeys are not in the"),
    (
        "bad journey",
        b'{"schema": 1, "journeys": {"cmsnet-056304": {"id": 3}}}',
        "The journey 'cmsnet-056304' in",
    ),
    (
        "bad journey",
        json.dumps(
            {"schema": 1, "journeys": {JID: {k: v for k, v in GOOD.items() if k != "created"}}}
        ).encode(),
        "(created: field ",
    ),
    (
        "bad journey",
        json.dumps(
            {"schema": 1, "journeys": {JID: {**GOOD, "steps": {"open_qtso": {"status": "banana"}}}}}
        ).encode(),
        "(steps.open_qtso.status: ",
    ),
    (
        "bad journey",
        json.dumps({"schema": 1, "journeys": {JID: {**GOOD, "id": "other"}}}).encode(),
        "but calls itself 'other'",
    ),
    ("newer schema", b'{"schema": 3, "journeys": {}}', "written by a newer epoc-wizard"),
    ("newer schema", b'{"schema": 99, "journeys": {"x": 1}}', "Upgrade with"),
    ("old schema, wrong shape", b'{"schema": 0, "journeys": 5}', "cannot be converted"),
    ("old schema, wrong shape", b'{"schema": 0, "journeys": {"a": {}}}', "cannot be converted"),
    (
        "old schema, wrong shape",
        b'{"schema": 0, "journeys": [{"flow": "cmsnet"}]}',
        "cannot be converted",
    ),
    ("unknown old schema", b'{"schema": -1, "journeys": {}}', "cannot convert"),
]
COMMANDS = [
    ["status"],
    ["status", "--json"],
    ["start", "cmsnet", "--answers", ANSWERS],
    ["resume", "--answers", ANSWERS],
    ["resume", JID, "--answers", ANSWERS],
    ["reset", JID, "--yes"],
    ["edit", JID, "facility_name", "--value", "Sunny Acres"],
    ["export"],
    ["email"],
]


def _shape_params() -> list[Any]:
    """Every shape; the first of each kind in the default run, the others with the slow
    tests (each runs every command: the default run stays within its 30 s)."""
    seen: set[str] = set()
    out = []
    for i, (kind, content, expected) in enumerate(SHAPES):
        marks = (pytest.mark.slow,) if kind in seen else ()
        seen.add(kind)
        out.append(pytest.param(kind, content, expected, id=f"{kind}-{i}", marks=marks))
    return out


@pytest.mark.parametrize(("kind", "content", "expected"), _shape_params())
def test_every_command_explains_a_damaged_state(
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    content: bytes,
    expected: str,
) -> None:
    home.mkdir(mode=0o700)
    path = home / STATE_FILE
    path.write_bytes(content)
    for args in COMMANDS:
        if kind == "bad journey" and args[0] == "reset":
            continue  # a damaged journey can be deleted: see the next test
        code, out, err = cli(monkeypatch, capsys, *args)
        is_a_sentence(code, out, err)
        if not (kind == "bad journey" and args[0] == "status"):
            assert expected in err, (args, err)
        if kind == "newer schema":
            assert "pip install -U epoc-wizard" in err
        elif args[0] != "reset":
            assert "epoc-wizard doctor" in err, (args, err)
        assert path.read_bytes() == content, args  # never overwritten
    code, out, _ = cli(monkeypatch, capsys, "doctor")
    assert code == 1 and "PROBLEM" in out
    code, out, _ = cli(monkeypatch, capsys, "doctor", "--repair")
    if kind == "newer schema":  # not damaged: left alone, the advice is to upgrade
        assert code == 1 and "Left the state file as it is" in out and "Upgrade" in out
        assert path.read_bytes() == content
    else:
        assert code == 0, out
        (aside,) = home.glob("state.damaged-*.json")
        assert aside.read_bytes() == content
        assert "(kept, not deleted)" in out
        assert cli(monkeypatch, capsys, "status")[0] == 0
    FIGURES.setdefault("shapes", {}).setdefault(kind, 0)
    FIGURES["shapes"][kind] += 1


def test_a_damaged_journey_can_still_be_deleted(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store()
    store.save(jour("fine"))
    store.write({"broken": {"id": 3}})
    code, out, err = cli(monkeypatch, capsys, "status")
    assert code == 1 and "fine" in out and "'broken'" in err and "not shown" in err
    code, out, err = cli(monkeypatch, capsys, "reset", "broken", "--yes")
    assert code == 0 and "Deleted broken." in out
    assert set(store.journeys()) == {"fine"}


def test_damaged_shapes_through_the_real_cli(home: Path) -> None:
    home.mkdir(mode=0o700)
    path = home / STATE_FILE
    path.write_bytes(b'{"schema": 1, "journeys": {"cmsnet-056304": {"id": 3}}}')
    for args in (["status"], ["start", "--answers", ANSWERS], ["export"]):
        result = run_wizard(home, *args)
        is_a_sentence(result.returncode, result.stdout, result.stderr)
        assert "epoc-wizard doctor --repair" in result.stderr
    path.write_bytes(b'{"schema": 7, "journeys": {}}')
    result = run_wizard(home, "start", "--answers", ANSWERS)
    is_a_sentence(result.returncode, result.stdout, result.stderr)
    assert "written by a newer epoc-wizard (schema 7" in result.stderr
    assert path.read_bytes() == b'{"schema": 7, "journeys": {}}'


# --- migration -----------------------------------------------------------------------------


def test_older_schema_migrates_and_is_kept_in_the_backup(home: Path, wizard: Wizard) -> None:
    home.mkdir(mode=0o700)
    old = {"schema": 0, "journeys": [{**GOOD, "answers": {"facility_name": "Sunny Acres"}}]}
    (home / STATE_FILE).write_text(json.dumps(old))
    status = wizard("status", "--json")
    assert status.returncode == 0
    assert [r["id"] for r in json.loads(status.stdout)["journeys"]] == [JID]
    done = wizard("resume", JID, "--answers", ANSWERS)
    assert done.returncode == 0, done.stderr
    doc = json.loads((home / STATE_FILE).read_text())
    assert doc["schema"] == 2 and doc["journeys"][JID]["finished"]
    assert json.loads((home / BACKUP_FILE).read_text())["schema"] in (0, 2)


# --- unreadable --------------------------------------------------------------------------------


def test_a_folder_named_state_json(home: Path, wizard: Wizard) -> None:
    (home / STATE_FILE).mkdir(parents=True)
    (home / STATE_FILE / "keep.txt").write_text("someone's notes")
    for args in (["status"], ["start", "--answers", ANSWERS]):
        result = wizard(*args)
        is_a_sentence(result.returncode, result.stdout, result.stderr)
        assert "is a folder, not a state file" in result.stderr
    assert "is a folder, not a state file" in doctor_cmd.render(health.diagnose(home))
    fixed = wizard("doctor", "--repair")
    assert fixed.returncode == 0 and "Moved the folder in the way to" in fixed.stdout
    (aside,) = home.glob("state.damaged-*.json")
    assert (aside / "keep.txt").read_text() == "someone's notes"  # kept, not deleted
    assert read_document(home)["journeys"] == {}


def test_permission_denied_in_process(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Store().save(jour(JID))
    real = Path.read_bytes

    def denied(self: Path) -> bytes:
        if self.name == STATE_FILE:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    deny_reading(monkeypatch, errno.EACCES)  # the state file is read through os.open
    for args in (["status"], ["resume", "--answers", ANSWERS], ["export"]):
        code, out, err = cli(monkeypatch, capsys, *args)
        is_a_sentence(code, out, err)
        assert "Cannot read the state file" in err and "(Permission denied)" in err
        assert "chmod 600" in err
    assert health.read_state(home / STATE_FILE).kind == "unreadable"
    code, out, _ = cli(monkeypatch, capsys, "doctor", "--repair")
    assert code == 1 and "Left the state file as it is: cannot read" in out
    assert "chmod 600" in out
    assert not list(home.glob("state.damaged-*"))  # unreadable is not damaged: not moved


def test_symlink_loop(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home.mkdir(mode=0o700)
    (home / STATE_FILE).symlink_to(home / STATE_FILE)
    code, out, err = cli(monkeypatch, capsys, "status")
    is_a_sentence(code, out, err)
    assert "Cannot read the state file" in err


SITECUSTOMIZE = """
import errno, os, pathlib
what, _, code = os.environ.get("EPOC_FAULT", "").partition(":")
err = getattr(errno, code, 0)
home = os.environ.get("EPOC_WIZARD_HOME", "//")
if what == "write":  # the disk fills up while the new file is written
    _write = os.write
    def write(fd, data):
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".tmp"):
            raise OSError(err, os.strerror(err))
        return _write(fd, data)
    os.write = write
elif what == "open":  # a read-only disk: nothing in the state folder opens for writing
    _open = os.open
    def open_(path, flags, mode=0o777, *, dir_fd=None):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and str(path).startswith(home):
            raise OSError(err, os.strerror(err), str(path))
        return _open(path, flags, mode, dir_fd=dir_fd)
    os.open = open_
elif what == "read":  # a file that is not ours to read
    _read = pathlib.Path.read_bytes
    def read_bytes(self):
        if self.name == "state.json":
            raise OSError(err, os.strerror(err), str(self))
        return _read(self)
    pathlib.Path.read_bytes = read_bytes
    _open = os.open
    def open_(path, flags, mode=0o777, *, dir_fd=None):
        if str(path).endswith("state.json") and not flags & (os.O_WRONLY | os.O_RDWR):
            raise OSError(err, os.strerror(err), str(path))
        return _open(path, flags, mode, dir_fd=dir_fd)
    os.open = open_
"""


def deny_reading(monkeypatch: pytest.MonkeyPatch, err: int) -> None:
    """Opening the state file for reading fails with ``err`` (as ``SITECUSTOMIZE`` does)."""
    real_open = os.open

    def open_(path: Any, flags: int, mode: int = 0o777, **kw: Any) -> int:
        if str(path).endswith(STATE_FILE) and not flags & (os.O_WRONLY | os.O_RDWR):
            raise OSError(err, os.strerror(err), str(path))
        return real_open(path, flags, mode, **kw)

    monkeypatch.setattr(os, "open", open_)


def inject(monkeypatch: pytest.MonkeyPatch, fault: str, home: Path) -> None:
    """In this process, the same faults as ``SITECUSTOMIZE`` injects into the real one."""
    what, _, name = fault.partition(":")
    err = getattr(errno, name)
    if what == "write":
        real_write = os.write

        def write(fd: int, data: Any) -> int:
            if os.readlink(f"/proc/self/fd/{fd}").endswith(".tmp"):
                raise OSError(err, os.strerror(err))
            return real_write(fd, data)

        monkeypatch.setattr(os, "write", write)
    elif what == "open":
        real_open = os.open

        def open_(path: Any, flags: int, mode: int = 0o777, **kw: Any) -> int:
            if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and str(path).startswith(str(home)):
                raise OSError(err, os.strerror(err), str(path))
            return real_open(path, flags, mode, **kw)

        monkeypatch.setattr(os, "open", open_)
    else:
        real_read = Path.read_bytes

        def read_bytes(self: Path) -> bytes:
            if self.name == STATE_FILE:
                raise OSError(err, os.strerror(err), str(self))
            return real_read(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
        deny_reading(monkeypatch, err)


@pytest.mark.parametrize(
    "real_cli", [False, pytest.param(True, marks=pytest.mark.slow)], ids=["in-process", "real"]
)
@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ("write:ENOSPC", "the disk is full; free some space"),
        ("open:EROFS", "the folder is not writable (it is on a read-only disk)"),
        ("open:EACCES", "the folder is not writable; check its permissions"),
        ("read:EACCES", "Cannot read the state file"),
    ],
)
def test_faults_through_the_cli(
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    wizard: Wizard,
    fault: str,
    expected: str,
    real_cli: bool,
) -> None:
    Store().save(jour(JID))
    before = (home / STATE_FILE).read_bytes()
    inject_dir = tmp_path / "inject"
    inject_dir.mkdir()
    (inject_dir / "sitecustomize.py").write_text(SITECUSTOMIZE)
    other = tmp_path / "other.yaml"
    other.write_text(Path(ANSWERS).read_text().replace('"056304"', '"056305"'))
    args = ("start", "cmsnet", "--answers", str(other))
    if real_cli:
        result: Any = run_wizard(home, *args, EPOC_FAULT=fault, PYTHONPATH=str(inject_dir))
    else:
        with monkeypatch.context() as mp:
            inject(mp, fault, home)
            result = wizard(*args)
    is_a_sentence(result.returncode, result.stdout, result.stderr)
    assert expected in result.stderr
    if not fault.startswith("read"):
        assert "Your last saved progress is unchanged" in result.stderr
    assert (home / STATE_FILE).read_bytes() == before
    assert not list(home.glob(".state.json.*.tmp"))
    assert set(Store().journeys()) == {JID}


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_unwritable_folder_in_process(
    home: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    store = Store()
    store.save(jour("a"))
    before = (home / STATE_FILE).read_bytes()
    real_open = os.open

    def refuse(path: Any, flags: int, mode: int = 0o777, **kw: Any) -> int:
        if flags & (os.O_WRONLY | os.O_CREAT) and str(path).endswith(".tmp"):
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, flags, mode, **kw)

    monkeypatch.setattr("epoc_wizard.state.store.os.open", refuse)
    with pytest.raises(StateError, match="Your last saved progress is unchanged"):
        store.save(jour("b"))
    assert (home / STATE_FILE).read_bytes() == before


def test_missing_folder_that_cannot_be_made(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Path, *args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(StateError, match="read-only disk"):
        Store().save(jour("a"))


def test_state_folder_is_a_file(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home.write_text("not a folder")
    for args in (["status"], ["start", "--answers", ANSWERS]):
        code, out, err = cli(monkeypatch, capsys, *args)
        is_a_sentence(code, out, err)
        assert "is a file, not a folder" in err or "a file is in the way" in err
    code, out, _ = cli(monkeypatch, capsys, "doctor")
    assert code == 1 and "is a file, not a folder" in out
    assert home.read_text() == "not a folder"


def test_a_disk_without_file_locks(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Store().save(jour("a"))
    before = (home / STATE_FILE).read_bytes()

    def no_locks(fd: int, op: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr("fcntl.flock", no_locks)
    with pytest.raises(StateError, match=r"Cannot lock the state in .* \(No locks available\)"):
        Store().save(jour("b"))
    assert (home / STATE_FILE).read_bytes() == before
    (lock,) = [f for f in health.diagnose(home) if f.text.startswith(("Lock:", "The lock"))]
    assert lock.level == "problem" and "supports file locks" in lock.fix
