"""The state file: location, atomic writes, lock, permissions, damage, migration."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import stat
from pathlib import Path

import pytest

from epoc_wizard.core.journey import Journey
from epoc_wizard.errors import StateError
from epoc_wizard.state.document import BACKUP_FILE, STATE_FILE, read_document, state_dir
from epoc_wizard.state.store import Store

T0 = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)


def journey(jid: str = "cmsnet-056304", **extra: object) -> Journey:
    return Journey(id=jid, flow="cmsnet", facility="056304", created=T0, updated=T0, **extra)  # type: ignore[arg-type]


def test_state_dir_honours_env(home: Path) -> None:
    assert state_dir() == home


def test_state_dir_defaults_under_user_state(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("EPOC_WIZARD_HOME", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert state_dir() == tmp_path / "xdg" / "epoc-wizard"


def test_save_load_roundtrip_and_modes(home: Path) -> None:
    store = Store()
    store.save(journey(answers={"ccn": "056304"}))
    assert store.load("cmsnet-056304").answers == {"ccn": "056304"}
    assert stat.S_IMODE((home / STATE_FILE).stat().st_mode) == 0o600
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    doc = json.loads((home / STATE_FILE).read_text())
    assert doc["schema"] == 2


def test_save_keeps_other_journeys_and_previous_version(home: Path) -> None:
    store = Store()
    store.save(journey("a"))
    store.save(journey("b"))
    assert set(store.journeys()) == {"a", "b"}
    backup = json.loads((home / BACKUP_FILE).read_text())
    assert set(backup["journeys"]) == {"a"}
    store.delete("a")
    assert set(store.journeys()) == {"b"}


def test_missing_file_is_empty(home: Path) -> None:
    assert read_document(home) == {
        "schema": 2,
        "journeys": {},
        "roster": {"people": {}, "facilities": {}},
    }


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{not json", "is damaged: it is not valid JSON"),
        (b"[1, 2]", "is not an epoc-wizard state file"),
        (b'{"schema": 1, "journeys": [1]}', "its journeys are not in the expected form"),
        (b'{"schema": 99, "journeys": {}}', "written by a newer epoc-wizard (schema 99"),
    ],
)
def test_damaged_file_is_explained_and_untouched(home: Path, content: bytes, expected: str) -> None:
    home.mkdir()
    (home / STATE_FILE).write_bytes(content)
    with pytest.raises(StateError, match=re.escape(expected)) as err:
        Store().save(journey())
    assert "untouched" in err.value.message
    assert (home / STATE_FILE).read_bytes() == content


def test_old_schema_migrates(home: Path) -> None:
    home.mkdir()
    old = {"schema": 0, "journeys": [journey().model_dump(mode="json")]}
    (home / STATE_FILE).write_text(json.dumps(old))
    assert Store().load("cmsnet-056304").facility == "056304"


def test_lock_timeout_says_another_session(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl

    monkeypatch.setenv("EPOC_WIZARD_LOCK_TIMEOUT", "0.2")
    store = Store()
    store.save(journey())
    fd = os.open(home / "state.lock", os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with pytest.raises(StateError, match="Another epoc-wizard session is working"):
            store.save(journey("other"))
    finally:
        os.close(fd)
    assert set(store.journeys()) == {"cmsnet-056304"}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EROFS, "the folder is not writable"),
        (errno.EACCES, "the folder is not writable"),
    ],
)
def test_write_failures_leave_last_save(
    home: Path, monkeypatch: pytest.MonkeyPatch, code: int, expected: str
) -> None:
    store = Store()
    store.save(journey("a"))
    before = (home / STATE_FILE).read_bytes()

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr("epoc_wizard.state.store.os.fsync", fail)
    with pytest.raises(StateError, match=expected) as err:
        store.save(journey("b"))
    assert "last saved progress is unchanged" in err.value.message
    assert (home / STATE_FILE).read_bytes() == before
    assert [p.name for p in home.iterdir() if p.name.endswith(".tmp")] == []


def test_a_change_made_elsewhere_is_not_saved_over(home: Path) -> None:
    Store().save(journey(answers={"facility_name": "Oak"}))
    window = Store()
    held = window.load("cmsnet-056304")
    window.save(held.model_copy(update={"answers": {"facility_name": "Oak", "state": "CA"}}))
    # Another process (a second window, or 'epoc-wizard edit') changes the same journey.
    Store().save(journey(answers={"facility_name": "Oak Hills", "state": "CA"}))
    with pytest.raises(StateError, match="was changed in another window"):
        window.save(held.model_copy(update={"answers": {"facility_name": "Oak", "zip": "1"}}))
    assert Store().load("cmsnet-056304").answers["facility_name"] == "Oak Hills"
    # Deleted elsewhere ('reset'): not brought back.
    Store().delete("cmsnet-056304")
    with pytest.raises(StateError, match="was deleted in another window"):
        window.save(held)
    assert Store().journeys() == {}


def test_a_change_to_another_journey_is_no_conflict(home: Path) -> None:
    Store().save(journey())
    window = Store()
    held = window.load("cmsnet-056304")
    Store().save(journey("iqies-056304"))
    window.save(held.model_copy(update={"answers": {"state": "CA"}}))
    assert set(Store().journeys()) == {"cmsnet-056304", "iqies-056304"}


def test_a_journey_only_read_is_checked_too(home: Path) -> None:
    # Read for a prompt (resume's list, or edit's question), changed elsewhere meanwhile.
    Store().save(journey(answers={"facility_name": "Oak"}))
    window = Store()
    held = window.load("cmsnet-056304")
    Store().save(journey(answers={"facility_name": "Oak Hills"}))
    with pytest.raises(
        StateError, match="To carry on from what was saved, run: epoc-wizard resume cmsnet-056304"
    ):
        window.save(held.model_copy(update={"answers": {"facility_name": "Elm"}}))
    assert Store().load("cmsnet-056304").answers["facility_name"] == "Oak Hills"


def test_new_journeys_get_their_id_under_the_lock(home: Path) -> None:
    # Two windows starting the same flow at the same moment: the second sees the first's id.
    def make(taken: set[str]) -> Journey:
        return journey("cmsnet-056304-2" if "cmsnet-056304" in taken else "cmsnet-056304")

    first, second = Store(), Store()
    assert first.create(make).id == "cmsnet-056304"
    assert second.create(make).id == "cmsnet-056304-2"
    assert set(Store().journeys()) == {"cmsnet-056304", "cmsnet-056304-2"}
    second.save(Store().load("cmsnet-056304-2"))  # what create wrote counts as seen
