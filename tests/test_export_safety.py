"""``export --output`` never destroys a file it was not asked to replace (issue 12, finding 1).

Through the command line in-process: the state folder's own files (the state file, its
backup, the drafts), whatever the spelling (``..``, a relative path, a symbolic link),
are refused with a sentence and left as they were, and every journey survives; an
existing file is replaced only with ``--force``; a symbolic link is never written
through, even with ``--force``; a folder or a device is refused; a fresh path gets
exactly the record, mode 0600, with no temporary file left beside it.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from conftest import DATA, Ran, Wizard

JOURNEY = "cmsnet-056304"
STATE_FILE = "state.json"
BACKUP_FILE = "state.json.bak"


@pytest.fixture
def journey(wizard: Wizard, home: Path) -> Path:
    """One finished journey, saved twice (so that there is a backup); the state folder."""
    started = wizard("start", "--answers", str(DATA / "cmsnet-hospice.yaml"))
    assert started.returncode == 0, started.stderr
    edited = wizard("edit", JOURNEY, "facility_name", "--value", "Sunny Acres Hospice West")
    assert edited.returncode == 0, edited.stderr
    assert (home / BACKUP_FILE).exists()
    return home


def symlink(link: Path, target: Path) -> None:
    try:
        link.symlink_to(target)
    except (OSError, NotImplementedError):  # Windows without the right to make links
        pytest.skip("symbolic links cannot be made here")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in the state folder, by its path, with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def journeys(home: Path) -> set[str]:
    return set(json.loads((home / STATE_FILE).read_text(encoding="utf-8"))["journeys"])


def refused(ran: Ran, *words: str) -> str:
    """The run was refused as a usage error with a sentence containing ``words``."""
    assert ran.returncode == 2, (ran.returncode, ran.stdout, ran.stderr)
    assert "Saved the record" not in ran.stdout
    said = " ".join(ran.stderr.split())
    for word in words:
        assert word in said, (word, said)
    return said


def record(wizard: Wizard) -> str:
    """The record as printed (what --output must contain), with print's newline."""
    shown = wizard("export", JOURNEY)
    assert shown.returncode == 0, shown.stderr
    return shown.stdout


def state_paths(home: Path) -> list[str]:
    """The state folder's own files, spelled in several ways."""
    return [
        str(home / STATE_FILE),
        str(home / BACKUP_FILE),
        str(home / "state.lock"),
        str(home / "state.damaged-20261201.json"),
        str(home / "drafts" / JOURNEY / "x.eml"),
        str(home / "drafts" / ".." / STATE_FILE),
        os.path.relpath(home / STATE_FILE),
    ]


def test_the_state_folder_own_files_are_refused(wizard: Wizard, journey: Path) -> None:
    (journey / "drafts" / JOURNEY).mkdir(parents=True, exist_ok=True)
    before = snapshot(journey)
    for out in state_paths(journey):
        for force in ([], ["--force"]):
            ran = wizard("export", JOURNEY, "--output", out, *force)
            refused(ran, "state folder", "saved progress", "Choose a path outside")
    assert snapshot(journey) == before
    assert journeys(journey) == {JOURNEY}
    assert "Sunny Acres Hospice West" in wizard("status").stdout


def test_a_link_to_the_state_file_is_refused(wizard: Wizard, journey: Path, tmp_path: Path) -> None:
    before = snapshot(journey)
    link = tmp_path / "record.md"
    symlink(link, journey / STATE_FILE)
    folder_link = tmp_path / "elsewhere"
    symlink(folder_link, journey)
    hard = tmp_path / "hard.md"
    try:
        os.link(journey / STATE_FILE, hard)  # writing into it would write into the state
    except OSError:
        hard = link
    for out in (link, hard, folder_link / STATE_FILE, folder_link / BACKUP_FILE):
        for force in ([], ["--force"]):
            refused(wizard("export", JOURNEY, "--output", str(out), *force), "state folder")
    assert snapshot(journey) == before
    assert journeys(journey) == {JOURNEY}
    assert link.is_symlink()


def test_an_existing_file_is_replaced_only_with_force(
    wizard: Wizard, journey: Path, tmp_path: Path
) -> None:
    out = tmp_path / "notes.md"
    out.write_text("my own notes\n", encoding="utf-8")
    said = refused(wizard("export", JOURNEY, "--output", str(out)), "already exists", "--force")
    assert "left unchanged" in said
    assert out.read_text(encoding="utf-8") == "my own notes\n"

    done = wizard("export", JOURNEY, "--output", str(out), "--force")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Saved the record as {out}."
    assert out.read_text(encoding="utf-8") + "\n" == record(wizard)
    assert list(tmp_path.glob(".*.tmp")) == []


def test_a_link_given_as_output_is_never_followed(
    wizard: Wizard, journey: Path, tmp_path: Path
) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("precious\n", encoding="utf-8")
    link = tmp_path / "record.md"
    symlink(link, target)
    dangling = tmp_path / "dangling.md"
    symlink(dangling, tmp_path / "nothing-here.txt")
    for out in (link, dangling):
        for force in ([], ["--force"]):
            ran = wizard("export", JOURNEY, "--output", str(out), *force)
            refused(ran, "symbolic link", "even with --force")
    assert target.read_text(encoding="utf-8") == "precious\n"
    assert link.is_symlink() and dangling.is_symlink()
    assert not (tmp_path / "nothing-here.txt").exists()


def test_a_folder_or_device_is_refused(wizard: Wizard, journey: Path, tmp_path: Path) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    for out in (str(folder), str(folder) + os.sep, str(folder / "..")):
        ran = wizard("export", JOURNEY, "--output", out, "--force")
        refused(ran, "is a folder, not a file", "Give a file name")
    assert list(folder.iterdir()) == []
    if sys.platform != "win32" and os.path.exists(os.devnull):
        ran = wizard("export", JOURNEY, "--output", os.devnull, "--force")
        refused(ran, "not a regular file")


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_fresh_path_gets_the_record_privately(
    wizard: Wizard, journey: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.chdir(tmp_path)
    if hasattr(os, "umask"):
        old = os.umask(0)  # even with no umask at all, only the owner may read it
    try:
        done = wizard("export", JOURNEY, "--format", fmt, "--output", f"record.{fmt}")
    finally:
        if hasattr(os, "umask"):
            os.umask(old)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Saved the record as record.{fmt}."
    out = tmp_path / f"record.{fmt}"
    shown = wizard("export", JOURNEY, "--format", fmt)
    assert out.read_text(encoding="utf-8") + "\n" == shown.stdout
    if sys.platform != "win32":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    assert journeys(journey) == {JOURNEY}
