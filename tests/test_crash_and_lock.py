"""The state file under kill -9 and two sessions at once (issue 5: crash safety, lock).

A child process saves journeys in a loop with the real ``Store.save`` and is killed
with SIGKILL at random moments (seeded, so every run kills at the same moments). After
every kill the state file must parse and hold exactly the last save the child reported
as completed, or the one it was in the middle of (when the kill came after the rename
but before the report): never anything older, never a lost journey.
"""

from __future__ import annotations

import collections
import datetime as dt
import fcntl
import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from epoc_wizard.core.journey import Journey
from epoc_wizard.state.document import BACKUP_FILE, LOCK_FILE, STATE_FILE, parse_document
from epoc_wizard.state.store import Store

from conftest import Wizard, wizard_env, wizard_path

T0 = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
DATA = Path(__file__).parent / "data"
KILLS = 200
SEED = 20261123
RING = 25  # save n writes journey j{n % RING}: 25 journeys, each rewritten again and again

#: Filled by the crash test, for the report at the end of the run.
FIGURES: dict[str, Any] = {}


def _journey(seq: int) -> Journey:
    # Sizes vary, so that consecutive files differ in length and content.
    return Journey(
        id=f"j{seq % RING}",
        flow="cmsnet",
        facility="056304",
        created=T0,
        updated=T0,
        answers={"seq": seq, "note": "x" * (seq * 37 % 400)},
    )


def _expected(seq: int) -> dict[str, int]:
    """Each journey's last save number after saves 1..seq."""
    return {f"j{n % RING}": n for n in range(max(1, seq - RING + 1), seq + 1)}


def _saved(directory: Path, name: str = STATE_FILE) -> tuple[int, dict[str, int]]:
    """(the newest save number in the file, each journey's save number); (0, {}) if none."""
    path = directory / name
    if not path.exists():
        return 0, {}
    doc = parse_document(path.read_bytes(), path)  # raises if damaged: the test fails
    store = Store(directory)
    seqs = {jid: store.journey(jid, data).answers["seq"] for jid, data in doc["journeys"].items()}
    return max(seqs.values(), default=0), seqs


def _saver(directory: Path, after: int, report: int) -> None:
    """The child: save forever, writing each completed save's number to ``report``."""
    store = Store(directory)
    seq = after
    while True:
        seq += 1
        store.save(_journey(seq))
        os.write(report, b"%d\n" % seq)


def _fork(target: Any, *args: Any) -> tuple[int, int]:
    """Run ``target(*args, write_end)`` in a forked child; (pid, read end of its pipe)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child never returns into pytest
        try:
            os.close(r)
            target(*args, w)
        except BaseException:
            os._exit(3)
        os._exit(0)
    os.close(w)
    return pid, r


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


@pytest.mark.slow
def test_sigkill_during_saves_never_loses_a_save(home: Path) -> None:
    rng = random.Random(SEED)
    # Kill within a few saves' time, whatever this disk's fsync costs.
    probe = Store(home.parent / "probe")
    started = time.monotonic()
    for n in range(1, 6):
        probe.save(_journey(n))
    longest = max(0.015, 4 * (time.monotonic() - started) / 5)
    outcomes: collections.Counter[str] = collections.Counter()
    seq = 0  # the newest save on disk
    killed: list[int] = []
    for _ in range(KILLS):
        pid, out = _fork(_saver, home, seq)
        time.sleep(rng.uniform(0, longest))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status), "the saver stopped by itself: it failed"
        reported = [int(n) for n in _read_all(out).split()]
        last = reported[-1] if reported else seq

        on_disk, journeys = _saved(home)
        assert on_disk in (last, last + 1), (on_disk, last)
        assert journeys == _expected(on_disk)  # every journey, each at its newest save
        if on_disk:
            backup_seq, backup = _saved(home, BACKUP_FILE) if on_disk > 1 else (0, {})
            assert backup_seq in (on_disk - 1, on_disk)
            assert backup == _expected(backup_seq)
        # Temporary files of killed children are removed by the next save that gets going:
        # once a child has saved, only its own can be left.
        killed = [pid] if on_disk > seq else [*killed, pid]
        assert {int(t.name.split(".")[-2]) for t in home.glob(".state.json.*.tmp")} <= set(killed)
        outcomes["last reported save" if on_disk == last else "save in flight"] += 1
        if not reported:
            outcomes["(killed before its first save completed)"] += 1
        seq = on_disk

    FIGURES.update(kills=KILLS, saves=seq, **outcomes)
    print(f"\n{KILLS} kills survived over {seq} saves: {dict(outcomes)}")
    assert outcomes["last reported save"] + outcomes["save in flight"] == KILLS
    assert seq >= KILLS // 2  # the kills came while saves were going on
    # Both outcomes happen: kills land before and after the rename of a save.
    assert outcomes["last reported save"] > 0 and outcomes["save in flight"] > 0


def _batch(directory: Path, prefix: str, go: int, report: int) -> None:
    os.read(go, 1)  # start together
    store = Store(directory)
    started = time.monotonic()
    for i in range(50):
        store.save(
            Journey(id=f"{prefix}{i}", flow="cmsnet", created=T0, updated=T0, answers={"n": i})
        )
    os.write(report, json.dumps([started, time.monotonic()]).encode())


def test_two_processes_saving_at_once_lose_nothing(home: Path) -> None:
    go_r, go_w = os.pipe()
    children = [_fork(_batch, home, prefix, go_r) for prefix in ("a", "b")]
    os.write(go_w, b"xx")
    spans = []
    for pid, out in children:
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
        spans.append(json.loads(_read_all(out)))
    os.close(go_r)
    os.close(go_w)
    (a0, a1), (b0, b1) = spans
    assert a0 < b1 and b0 < a1  # they really ran at the same time
    journeys = Store(home).journeys()
    assert len(journeys) == 100
    assert {jid: j["answers"]["n"] for jid, j in journeys.items()} == {
        f"{p}{i}": i for p in "ab" for i in range(50)
    }


def test_two_terminals_through_the_cli(home: Path, tmp_path: Path) -> None:
    answers = []
    for ccn, zip_code in (("056304", "95814"), ("056305", "95815")):
        path = tmp_path / f"{ccn}.yaml"
        path.write_text(
            (DATA / "cmsnet-hospice.yaml")
            .read_text()
            .replace('"056304"', f'"{ccn}"')
            .replace('"95814"', f'"{zip_code}"')
        )
        answers.append(path)
    procs = [
        subprocess.Popen(
            [wizard_path(), "start", "cmsnet", "--answers", str(a)],
            env=wizard_env(home),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        for a in answers
    ]
    for p in procs:
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
    journeys = json.loads((home / STATE_FILE).read_text())["journeys"]
    assert set(journeys) == {"cmsnet-056304", "cmsnet-056305"}
    assert all(j["finished"] for j in journeys.values())


def _hold_lock(home: Path) -> int:
    home.mkdir(mode=0o700, exist_ok=True)
    fd = os.open(home / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


@pytest.mark.parametrize(
    "args",
    [
        ["start", "cmsnet", "--answers", str(DATA / "cmsnet-hospice.yaml")],
        ["reset", "cmsnet-056304", "--yes"],
    ],
)
def test_a_session_that_waits_too_long_says_so(home: Path, args: list[str], wizard: Wizard) -> None:
    if args[0] == "reset":
        Store(home).save(_journey(1).model_copy(update={"id": "cmsnet-056304"}))
    before = (home / STATE_FILE).read_bytes() if (home / STATE_FILE).exists() else None
    fd = _hold_lock(home)
    try:
        started = time.monotonic()
        result = wizard(*args, EPOC_WIZARD_LOCK_TIMEOUT="0.3")
        waited = time.monotonic() - started
    finally:
        os.close(fd)
    assert result.returncode == 1
    assert "Another epoc-wizard session is working on the same state" in result.stderr
    assert "Finish or close it, then try again" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert waited >= 0.3
    after = (home / STATE_FILE).read_bytes() if (home / STATE_FILE).exists() else None
    assert after == before
    # Once the other session is gone, the same command works.
    assert wizard(*args).returncode == 0


def test_lock_timeout_setting_is_forgiving(monkeypatch: pytest.MonkeyPatch) -> None:
    from epoc_wizard.state.lock import lock_timeout

    monkeypatch.setenv("EPOC_WIZARD_LOCK_TIMEOUT", "soon")
    assert lock_timeout() == 5.0
    monkeypatch.delenv("EPOC_WIZARD_LOCK_TIMEOUT")
    assert lock_timeout() == 5.0
