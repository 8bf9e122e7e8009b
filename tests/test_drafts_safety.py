"""E-mail drafts never harm what is there (issue 12, findings 2, 3 and 5).

* A draft is built first, then written to a new temporary file beside it and renamed into
  place: a crash while building or writing leaves the previous ``.eml`` as it was.
* No link is followed: a linked ``drafts/``, ``drafts/<journey>/`` or ``.eml`` is refused
  with a sentence (never a traceback), and the link's target is left unchanged; so is a
  plain file where a folder should be, or a folder where the ``.eml`` should be.
* Folder names come from ``safe_name`` of the journey id, never the raw id: an id edited
  into the state file (``../../evil``, an absolute path) writes nothing outside the state
  folder, and two ids that differ only in unsafe characters get two folders.

Each runs the public command (``epoc-wizard email``) in-process, or the session that
shows a draft; the writes are checked both ways the module walks folders (through open
folder descriptors, as on POSIX, and by checked paths, as on Windows).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from epoc_wizard.app.context import Context
from epoc_wizard.app.email import email as email_drafts
from epoc_wizard.app.journeys import run_journey_command
from epoc_wizard.errors import StateError
from epoc_wizard.outputs import drafts
from epoc_wizard.outputs.drafts import MAX_NAME, safe_name

from conftest import CA_HOSPICE, Person, Ran, Wizard, shown

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="POSIX links")

JOURNEY = "legacy-epoc-551501"
EML = "cdph_training_request.eml"  # the one the session saves first
REFUSED = "nothing was written through it"


@pytest.fixture(params=["descriptors", "paths"])
def walk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Both ways of walking the folders: open descriptors (POSIX) and checked paths."""
    monkeypatch.setattr(drafts, "_AT", request.param == "descriptors")
    yield request.param


def start_ca(context: Callable[..., Context]) -> None:
    """A California journey with e-mails (the session already saves its first draft)."""
    ctx = context(
        {
            "flow": "legacy-epoc",
            "answers": CA_HOSPICE,
            "done": ["about_facility", "web_epoc_retired"],
        }
    )
    run_journey_command(ctx, "start", None, None)


def refused(ran: Ran, path: Path) -> None:
    """Exit 1, the sentence naming ``path``, and no traceback (``wizard`` checks that)."""
    code, out, err = ran.returncode, ran.stdout, ran.stderr
    assert code == 1, (code, out, err)
    said = " ".join((out + err).split())
    assert "Did not save the e-mail draft" in said and REFUSED in said, said
    assert str(path) in (out + err).replace("\n", "")


def tree(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` (links not followed): a file's bytes, else None."""
    out: dict[str, bytes | None] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            out[str(p)] = p.read_bytes() if p.is_file() and not p.is_symlink() else None
    return out


# --------------------------------------------------------------------- links (finding 3)


def test_linked_drafts_folder_is_refused(
    home: Path, tmp_path: Path, context: Callable[..., Context], wizard: Wizard, walk: str
) -> None:
    start_ca(context)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "mine.txt").write_text("mine")
    _remove_tree(home / "drafts")
    (home / "drafts").symlink_to(elsewhere)
    before = tree(elsewhere)

    refused(wizard("email", JOURNEY), home / "drafts")
    assert tree(elsewhere) == before
    assert (home / "drafts").is_symlink()


def test_linked_journey_folder_is_refused(
    home: Path, tmp_path: Path, context: Callable[..., Context], wizard: Wizard, walk: str
) -> None:
    start_ca(context)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _remove_tree(home / "drafts" / JOURNEY)
    (home / "drafts" / JOURNEY).symlink_to(elsewhere, target_is_directory=True)

    refused(wizard("email", JOURNEY), home / "drafts" / JOURNEY)
    assert list(elsewhere.iterdir()) == []


def test_linked_eml_is_refused(
    home: Path, tmp_path: Path, context: Callable[..., Context], wizard: Wizard, walk: str
) -> None:
    start_ca(context)
    notes = tmp_path / "notes.txt"
    notes.write_text("my own notes\n")
    eml = home / "drafts" / JOURNEY / EML
    eml.unlink()
    eml.symlink_to(notes)

    refused(wizard("email", JOURNEY), eml)
    assert notes.read_text() == "my own notes\n"
    assert eml.is_symlink() and os.readlink(eml) == str(notes)


def test_dangling_link_is_refused(
    home: Path, tmp_path: Path, context: Callable[..., Context], wizard: Wizard
) -> None:
    """A link to a file that does not exist yet is not created through either."""
    start_ca(context)
    eml = home / "drafts" / JOURNEY / EML
    eml.unlink()
    eml.symlink_to(tmp_path / "planted.eml")

    refused(wizard("email", JOURNEY), eml)
    assert not (tmp_path / "planted.eml").exists()


@pytest.mark.parametrize("where", ["drafts", "journey", "eml"])
def test_wrong_kind_is_refused_with_a_sentence(
    home: Path, context: Callable[..., Context], wizard: Wizard, where: str
) -> None:
    """A plain file where a folder should be, a folder where the .eml should be."""
    start_ca(context)
    if where == "drafts":
        _remove_tree(home / "drafts")
        (home / "drafts").write_text("a file")
        path = home / "drafts"
    elif where == "journey":
        _remove_tree(home / "drafts" / JOURNEY)
        (home / "drafts" / JOURNEY).write_text("a file")
        path = home / "drafts" / JOURNEY
    else:
        path = home / "drafts" / JOURNEY / EML
        path.unlink()
        path.mkdir()
        (path / "inside").write_text("kept")

    ran = wizard("email", JOURNEY)
    assert ran.returncode == 1 and "Did not save the e-mail draft" in " ".join(ran.stderr.split())
    if where == "eml":
        assert (path / "inside").read_text() == "kept"
    else:
        assert path.read_text() == "a file"


def test_session_says_a_draft_was_refused_and_goes_on(
    home: Path, tmp_path: Path, context: Callable[..., Context]
) -> None:
    start_ca(context)
    notes = tmp_path / "notes.txt"
    notes.write_text("my own notes\n")
    folder = home / "drafts" / JOURNEY
    for eml in folder.glob("*.eml"):
        eml.unlink()
        eml.symlink_to(notes)

    person = Person("later")
    ctx = context(asker=person, plain=True)
    run_journey_command(ctx, "resume", JOURNEY, None)
    said = " ".join(shown(ctx).split())
    assert "E-mail to send" in said and REFUSED in said
    assert "Saved. To continue, run: epoc-wizard resume" in said  # the session went on
    assert notes.read_text() == "my own notes\n"


# ------------------------------------------------------------- no half drafts (finding 2)


def test_crash_while_building_keeps_the_previous_draft(
    home: Path, context: Callable[..., Context], monkeypatch: pytest.MonkeyPatch, walk: str
) -> None:
    start_ca(context)
    eml = home / "drafts" / JOURNEY / EML
    eml.write_bytes(b"the previous draft\r\n")

    def crash(self: drafts.Draft, date: object) -> bytes:
        raise RuntimeError("crashed while building")

    monkeypatch.setattr(drafts.Draft, "eml", crash)
    with pytest.raises(RuntimeError):
        email_drafts(context(), JOURNEY, None, None)
    assert eml.read_bytes() == b"the previous draft\r\n"
    assert sorted(p.name for p in eml.parent.iterdir() if p.name.endswith(".tmp")) == []


def test_failed_write_keeps_the_previous_draft(
    home: Path, context: Callable[..., Context], monkeypatch: pytest.MonkeyPatch, walk: str
) -> None:
    """The new file cannot be put in place: the old one stays, no temporary is left
    behind, and the person reads a sentence (not a traceback)."""
    start_ca(context)
    folder = home / "drafts" / JOURNEY
    for eml in folder.glob("*.eml"):
        eml.write_bytes(b"the previous draft\r\n")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(drafts.os, "replace", full)
    with pytest.raises(StateError, match="No space left on device"):
        email_drafts(context(), JOURNEY, None, None)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {
        p.name: b"the previous draft\r\n" for p in folder.glob("*.eml")
    }


# ------------------------------------------------------------ names from ids (finding 5)


def _rename_journey(home: Path, new_id: str) -> None:
    """Edit the state file as a person (or an attacker) could: the journey's id."""
    path = home / "state.json"
    doc = json.loads(path.read_text())
    entry = doc["journeys"].pop(JOURNEY)
    entry["id"] = new_id
    doc["journeys"][new_id] = entry
    path.write_text(json.dumps(doc))


@pytest.mark.parametrize("hostile", ["../../evil", "../../../evil", "ABSOLUTE"])
def test_journey_id_cannot_put_drafts_outside_the_state_folder(
    home: Path, tmp_path: Path, context: Callable[..., Context], wizard: Wizard, hostile: str
) -> None:
    start_ca(context)
    if hostile == "ABSOLUTE":
        hostile = str(tmp_path / "elsewhere" / "evil")
    _rename_journey(home, hostile)
    outside = {p: b for p, b in tree(tmp_path).items() if not p.startswith(str(home) + os.sep)}

    ran = wizard("email")
    assert ran.returncode == 0, ran.stderr
    after = {p: b for p, b in tree(tmp_path).items() if not p.startswith(str(home) + os.sep)}
    assert after == outside
    assert not (tmp_path.parent / "evil").exists()
    (folder,) = [p for p in (home / "drafts").iterdir() if p.name != JOURNEY]
    assert re.fullmatch(r"[A-Za-z0-9_-]+", folder.name)
    assert (folder / EML).is_file() and (folder / "cdph_question.eml").is_file()
    assert f"Saved as: {folder / EML}" in ran.stdout.replace("\n  ", " ")


def test_ids_differing_only_in_unsafe_characters_get_two_folders(
    home: Path, context: Callable[..., Context], wizard: Wizard
) -> None:
    start_ca(context)
    first, second = f"{JOURNEY}/x", f"{JOURNEY}\\x"
    _rename_journey(home, first)
    doc = json.loads((home / "state.json").read_text())
    doc["journeys"][second] = {**doc["journeys"][first], "id": second}
    (home / "state.json").write_text(json.dumps(doc))
    _remove_tree(home / "drafts")

    for jid in (first, second):
        assert wizard("email", jid).returncode == 0
    folders = sorted((home / "drafts").iterdir())
    assert len(folders) == 2
    for folder in folders:
        assert re.fullmatch(r"[A-Za-z0-9_-]+", folder.name) and folder.is_dir()
        assert folder.stat().st_mode & 0o777 == 0o700  # drafts name facilities: private
        assert (folder / EML).stat().st_mode & 0o777 == 0o600
    assert (home / "drafts").stat().st_mode & 0o777 == 0o700


def test_safe_names() -> None:
    assert safe_name(JOURNEY) == JOURNEY  # the ids the wizard makes keep their folders
    assert safe_name("cdph_question") == "cdph_question"
    for hostile in [
        "../evil",
        "..",
        ".",
        ".hidden",
        "a/b",
        "a\\b",
        "a\x00b",
        "a\nb",
        "",
        "-rf",
        "NUL",
    ]:
        name = safe_name(hostile)
        assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_-]*", name), (hostile, name)
        assert name != hostile
    assert safe_name("a/b") != safe_name("a\\b") != safe_name("a_b")
    long = "x" * 500
    assert len(safe_name(long)) <= MAX_NAME + 14 and safe_name(long) != safe_name(long + "y")
    # An unchanged id never looks like a changed one.
    marked = safe_name("a/b")
    assert safe_name(marked) != marked


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=120), st.text(max_size=120))
def test_safe_name_is_safe_and_keeps_ids_apart(a: str, b: str) -> None:
    for raw in (a, b):
        name = safe_name(raw)
        assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_-]*", name)
        assert len(name) <= MAX_NAME + 14
        assert name.lower() not in {"con", "prn", "aux", "nul"}
    if a != b:
        assert safe_name(a) != safe_name(b)


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path)
