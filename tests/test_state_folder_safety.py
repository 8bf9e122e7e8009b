"""The state folder and odd files in it (issue 12, findings 4, 6 and 14, and
``EPOC_WIZARD_HOME='~nouser/x'`` from finding 13).

* Finding 4: the state folder and the drafts folders are 0700 and every file written is
  0600 whatever the umask; a folder of the person's own that others may write in is made
  0700 before anything is written (and they are told once); one that belongs to someone
  else is refused with a sentence and the fix, and nothing is written in it.
* Finding 6: a ``state.lock`` that is a symbolic link is never opened through, so a
  dangling link creates nothing where it points; the save is refused with a sentence,
  ``doctor`` names it and ``doctor --repair`` removes the link (never its target).
* Finding 14: only a regular file is read as the state file: a named pipe (which would
  hang), a link to ``/dev/zero`` (which would fill the memory), a folder or a file larger
  than any state file the wizard writes give a sentence in ``status``, ``doctor``,
  ``start`` and ``resume``, and ``doctor --repair`` moves it aside; ``drafts`` as a plain
  file, or a named pipe where an ``.eml`` should be, give a sentence in ``email``.

Every case runs the public command line in-process (``wizard``); the owner of a folder
is changed by giving this process another uid (``os.getuid``), so the tests need no root.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_store import journey

from epoc_wizard.app.context import Context
from epoc_wizard.app.journeys import run_journey_command
from epoc_wizard.state.document import (
    BACKUP_FILE,
    LOCK_FILE,
    MAX_STATE_BYTES,
    STATE_FILE,
    read_document,
)
from epoc_wizard.state.store import Store

from conftest import CA_HOSPICE, DATA, Ran, Wizard

pytestmark = pytest.mark.skipif(
    os.name == "nt" or not hasattr(os, "getuid"), reason="POSIX modes, links and pipes"
)

JID = "cmsnet-056304"
CA = "legacy-epoc-551501"
ANSWERS = str(DATA / "cmsnet-hospice.yaml")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def sentence(ran: Ran, *words: str, code: int = 1) -> str:
    """The run ended with ``code`` and a sentence (no traceback: ``wizard`` checks that)
    holding ``words``; the text, on one line."""
    said = " ".join((ran.stdout + ran.stderr).split())
    assert ran.returncode == code, (ran.returncode, said)
    assert "Something went wrong inside" not in said, said
    for word in words:
        assert word in said, (word, said)
    return said


def saved(home: Path, *ids: str) -> None:
    store = Store(home)
    for jid in ids:
        store.save(journey(jid))


def start_ca(context: Callable[..., Context]) -> None:
    """A California journey with e-mails (its session saves the first draft)."""
    done = ["about_facility", "web_epoc_retired"]
    ctx = context({"flow": "legacy-epoc", "answers": CA_HOSPICE, "done": done})
    run_journey_command(ctx, "start", None, None)


@pytest.fixture(scope="module")
def _flows_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("flows-cache") / "flows.json"


@pytest.fixture(autouse=True)
def _shared_flows_cache(home: Path, _flows_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One parse cache of the flows for this module's commands (each test's own would
    parse every flow again): these tests are about the state folder, not the flows."""
    monkeypatch.setenv("EPOC_WIZARD_CACHE", str(_flows_cache))


@pytest.fixture
def other_owner(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Make this process another user, so that every folder it made is someone else's."""

    def become() -> None:
        uid = os.getuid() + 4242
        monkeypatch.setattr(os, "getuid", lambda: uid)

    return become


@pytest.fixture
def umask_000() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


# ------------------------------------------------------------ the folder's modes (finding 4)


def test_every_file_is_private_even_with_umask_000(
    home: Path, wizard: Wizard, context: Callable[..., Context], tmp_path: Path, umask_000: None
) -> None:
    start_ca(context)  # the state file, its backup, the lock and the first draft
    assert sentence(wizard("email", CA), code=0)
    record = tmp_path / "record.md"
    assert sentence(wizard("export", CA, "--output", str(record)), code=0)
    drafts = home / "drafts"
    emls = list((drafts / CA).glob("*.eml"))
    assert emls
    for folder in (home, drafts, drafts / CA):
        assert mode(folder) == 0o700, folder
    for file in (home / STATE_FILE, home / BACKUP_FILE, home / LOCK_FILE, record, *emls):
        assert mode(file) == 0o600, file


def test_own_folder_others_may_write_in_is_made_private_and_said_once(
    home: Path, wizard: Wizard
) -> None:
    home.mkdir()
    os.chmod(home, 0o777)
    first = wizard("start", "--answers", ANSWERS)
    assert first.returncode == 0, first.stderr
    assert f"other users could change the folder {home} (mode 777); it is now 700" in " ".join(
        first.stderr.split()
    )
    assert mode(home) == 0o700
    again = wizard("edit", JID, "facility_name", "--value", "Sunny Acres West")
    assert again.returncode == 0 and "other users could change" not in again.stderr


def test_own_drafts_folders_others_may_write_in_are_made_private(
    home: Path, wizard: Wizard, context: Callable[..., Context]
) -> None:
    start_ca(context)
    drafts = home / "drafts"
    for folder in (drafts, drafts / CA):
        os.chmod(folder, 0o777)
    ran = wizard("email", CA)
    sentence(ran, f"the folder {drafts} (mode 777); it is now 700", code=0)
    assert mode(drafts) == mode(drafts / CA) == 0o700


def test_someone_elses_folder_others_may_write_in_is_refused(
    home: Path, wizard: Wizard, other_owner: Callable[[], None]
) -> None:
    home.mkdir()
    os.chmod(home, 0o777)
    other_owner()
    for args in (["start", "--answers", ANSWERS], ["doctor", "--repair"]):
        sentence(
            wizard(*args),
            f"The folder {home} belongs to another user",
            "nothing was saved there",
            "Set EPOC_WIZARD_HOME to a folder of your own",
            "chmod 700",
        )
    assert list(home.iterdir()) == []  # not even the lock file
    assert mode(home) == 0o777  # not ours to change


def test_someone_elses_drafts_folder_is_refused(
    home: Path, wizard: Wizard, context: Callable[..., Context], other_owner: Callable[[], None]
) -> None:
    start_ca(context)
    drafts = home / "drafts"
    os.chmod(drafts, 0o777)
    before = sorted(p.name for p in (drafts / CA).iterdir())
    other_owner()  # the state folder (0700) is "theirs" too, but no one else may write in it
    sentence(wizard("email", CA), f"The folder {drafts} belongs to another user")
    assert sorted(p.name for p in (drafts / CA).iterdir()) == before
    assert mode(drafts) == 0o777


def test_doctor_names_a_drafts_folder_others_may_write_in(
    home: Path, wizard: Wizard, context: Callable[..., Context]
) -> None:
    start_ca(context)
    drafts = home / "drafts"
    os.chmod(drafts / CA, 0o777)
    sentence(wizard("doctor"), f"Other users can change the drafts folder {drafts / CA}")
    fixed = wizard("doctor", "--repair")
    assert f"Set the permissions of {drafts / CA} to 700 (was 777)" in fixed.stdout
    assert mode(drafts / CA) == 0o700


# -------------------------------------------------------------- the lock file (finding 6)


def test_dangling_lock_link_creates_nothing_where_it_points(
    home: Path, wizard: Wizard, tmp_path: Path
) -> None:
    saved(home, JID)
    planted = tmp_path / "planted"
    (home / LOCK_FILE).unlink()
    (home / LOCK_FILE).symlink_to(planted)
    before = (home / STATE_FILE).read_bytes()

    sentence(
        wizard("edit", JID, "facility_name", "--value", "Sunny Acres West"),
        f"the lock file {home / LOCK_FILE} is a symbolic link",
        "nothing was saved",
        "epoc-wizard doctor --repair",
    )
    assert not planted.exists() and not planted.is_symlink()
    assert (home / STATE_FILE).read_bytes() == before
    sentence(wizard("doctor"), f"The lock file {home / LOCK_FILE} is a symbolic link")

    fixed = wizard("doctor", "--repair")
    assert fixed.returncode == 0, fixed.stdout
    assert "Removed the lock file" in fixed.stdout and not planted.exists()
    assert stat.S_ISREG((home / LOCK_FILE).lstat().st_mode)  # made again by the repair
    edited = wizard("edit", JID, "facility_name", "--value", "Sunny Acres West")
    assert edited.returncode == 0, edited.stderr


@pytest.mark.parametrize("kind", ["folder", "pipe"])
def test_lock_that_is_not_a_file_is_refused(home: Path, wizard: Wizard, kind: str) -> None:
    saved(home, JID)
    lock = home / LOCK_FILE
    lock.unlink()
    if kind == "folder":
        lock.mkdir()
    else:
        os.mkfifo(lock)
    what = {"folder": "a folder", "pipe": "a named pipe (FIFO)"}[kind]
    sentence(
        wizard("edit", JID, "facility_name", "--value", "Sunny Acres West"),
        f"the lock file {lock} is {what}, not a regular file",
        "Move it away",
    )
    sentence(wizard("doctor"), f"The lock file {lock} is {what}", "Move it out of the state")


# ------------------------------------------------------- odd state files (finding 14)


def _fifo(path: Path) -> None:
    os.mkfifo(path, 0o600)


def _dev_zero(path: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    path.symlink_to("/dev/zero")


def _folder(path: Path) -> None:
    path.mkdir()


def _oversized(path: Path) -> None:
    with open(path, "wb") as f:  # sparse: nothing is written to the disk
        f.truncate(MAX_STATE_BYTES + 1)


ODD = {
    "pipe": (_fifo, "is a named pipe (FIFO), not a regular file", "named pipe (FIFO) in the way"),
    "link to /dev/zero": (_dev_zero, "is a symbolic link, not a regular file", "symbolic link"),
    "folder": (_folder, "is a folder, not a state file", "folder in the way"),
    "oversized": (_oversized, "is 20 MB, larger than any state file", "oversized file"),
}


@pytest.mark.parametrize("kind", list(ODD))
def test_odd_state_file_gives_a_sentence_in_every_command(
    home: Path, wizard: Wizard, kind: str
) -> None:
    make, said, moved = ODD[kind]
    saved(home, JID, "second")  # two saves: the backup holds the first journey
    state = home / STATE_FILE
    state.unlink()
    make(state)
    for args in (
        ["status"],
        ["status", "--json"],
        ["start", "--answers", ANSWERS],
        ["resume", JID, "--answers", ANSWERS],
    ):
        sentence(wizard(*args), str(state), said)
    sentence(wizard("doctor"), str(state), said, "epoc-wizard doctor --repair")

    fixed = wizard("doctor", "--repair")
    assert fixed.returncode == 0, fixed.stdout
    assert f"Moved the {moved}" in fixed.stdout
    (aside,) = home.glob("state.damaged-*.json")
    assert stat.S_IFMT(aside.lstat().st_mode) != stat.S_IFREG or kind == "oversized"
    assert set(read_document(home)["journeys"]) == {JID}  # the backup, restored
    assert json.loads(wizard("status", "--json").stdout)["journeys"][0]["id"] == JID


def test_odd_backup_is_not_read_either(home: Path, wizard: Wizard) -> None:
    saved(home, JID)
    (home / STATE_FILE).unlink()
    os.mkfifo(home / BACKUP_FILE)
    ran = wizard("doctor")
    sentence(ran, f"{home / BACKUP_FILE} is a named pipe (FIFO)")


@pytest.mark.parametrize("where", ["drafts file", "eml pipe"])
def test_odd_drafts_give_a_sentence_in_email(
    home: Path, wizard: Wizard, context: Callable[..., Context], where: str
) -> None:
    start_ca(context)
    drafts = home / "drafts"
    if where == "drafts file":
        for eml in (drafts / CA).iterdir():
            eml.unlink()
        (drafts / CA).rmdir()
        drafts.rmdir()
        drafts.write_text("a file")
        odd = drafts
    else:
        (odd,) = (drafts / CA).glob("*.eml")
        odd.unlink()
        os.mkfifo(odd)
    sentence(wizard("email", CA), "Did not save the e-mail draft", str(odd))
    assert drafts.is_file() if where == "drafts file" else stat.S_ISFIFO(odd.lstat().st_mode)


# ------------------------------------------------- EPOC_WIZARD_HOME (finding 13, in part)


@pytest.mark.parametrize("command", [["status"], ["start", "--answers", ANSWERS], ["doctor"]])
def test_home_of_an_unknown_user_gives_a_sentence(wizard: Wizard, command: list[str]) -> None:
    home = "~epoc-wizard-no-such-user/x"
    sentence(
        wizard(*command, EPOC_WIZARD_HOME=home),
        f"EPOC_WIZARD_HOME is set to '{home}', but there is no user "
        "'epoc-wizard-no-such-user' on this computer",
        "Set EPOC_WIZARD_HOME to the full path of a folder",
    )
