"""Hostile flow files through the command line (issue 12): every problem a sentence
with ``file:line``, never a crash.

* Impossible dates (``checked: 2025-02-30``, a registry date) and typed tags that do not
  fit their value (``!!float abc``, ``!!bool maybe``, ``!!int 12x``) are problems with
  their line in ``flows check``, ``start`` and ``doctor`` (they used to end in exit 70).
* A key given twice in one mapping is refused with both lines (YAML kept the last).
* Control characters, bidi overrides and zero-width characters in any text of a flow
  file are refused with their line: flow text reaches the terminal and e-mail drafts.
* A contact's e-mail address must be a plain address: ``?bcc=...&`` reached the To:
  header and the mailto: link.
"""

from __future__ import annotations

from pathlib import Path

from epoc_wizard.flowspec.catalog import bundled_dir

from conftest import Wizard

FLOW = """\
id: demo
title: Demo
summary: A small flow for tests.
audience: [hospice]
checked: 2026-11-01
contacts: [cmsnet_help]
steps:
  - id: first
    title: First step
    do: Do the first thing.
    source: {doc: qtso-cmsnet-module1, where: QTSO Website}
"""
EXIT_INTERNAL = 70


def own_flows(tmp_path: Path, **files: str) -> Path:
    """A folder of the person's own flows: ``name=text`` for each file (``demo`` is
    ``demo.yaml``)."""
    folder = tmp_path / "myflows"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


def check(wizard: Wizard, folder: Path) -> str:
    result = wizard("flows", "check", str(folder))
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stdout


# --- impossible dates ------------------------------------------------------------------


def test_an_impossible_date_is_a_problem_with_its_line_in_check_start_and_doctor(
    wizard: Wizard, tmp_path: Path
) -> None:
    folder = own_flows(tmp_path, demo=FLOW.replace("checked: 2026-11-01", "checked: 2025-02-30"))
    where = f"{folder / 'demo.yaml'}:5: checked:"
    assert where in check(wizard, folder)
    started = wizard("start", "demo", EPOC_WIZARD_FLOWS=str(folder))
    assert started.returncode not in (0, EXIT_INTERNAL) and where in started.stderr
    doctor = wizard("doctor", EPOC_WIZARD_FLOWS=str(folder))
    assert doctor.returncode == 1 and where in doctor.stdout


def test_an_impossible_date_in_the_sources_registry_names_its_line(
    wizard: Wizard, tmp_path: Path
) -> None:
    registry = (bundled_dir() / "sources.yaml").read_text(encoding="utf-8")
    line = next(n for n, text in enumerate(registry.splitlines(), 1) if "    date: " in text)
    old = registry.splitlines()[line - 1]
    folder = own_flows(tmp_path, sources=registry.replace(old, "    date: 2025-02-30", 1))
    out = check(wizard, folder)
    assert f"{folder / 'sources.yaml'}:{line}: sources[" in out and "date" in out
    doctor = wizard("doctor", EPOC_WIZARD_FLOWS=str(folder))
    assert doctor.returncode == 1 and f"sources.yaml:{line}:" in doctor.stdout


def test_a_date_like_text_stays_text(wizard: Wizard, tmp_path: Path) -> None:
    folder = own_flows(tmp_path, demo=FLOW.replace("title: Demo", "title: 2025-02-30"))
    result = wizard("flows", "check", str(folder))
    assert result.returncode == 0, result.stdout


# --- typed tags and keys given twice --------------------------------------------------------


TAGGED = ["!!float abc", "!!bool maybe", "!!int 12x", "!!binary eA==", "!!python/name:os.system x"]


def test_typed_tags_are_problems_with_their_line(wizard: Wizard, tmp_path: Path) -> None:
    folder = own_flows(
        tmp_path,
        **{
            f"demo{i}": FLOW.replace("id: demo", f"id: demo{i}").replace(
                "title: Demo", f"title: {tagged}"
            )
            for i, tagged in enumerate(TAGGED)
        },
    )
    out = check(wizard, folder)
    for i, tagged in enumerate(TAGGED):
        tag = tagged.split()[0].split(":")[0]
        assert (
            f"{folder / f'demo{i}.yaml'}:2: this is not valid YAML for a flow file (the tag {tag}"
        ) in out
    listed = wizard("flows", "list", EPOC_WIZARD_FLOWS=str(folder))
    assert listed.returncode == 1 and "demo0.yaml:2: this is not valid YAML" in listed.stderr


def test_a_key_given_twice_is_refused_with_both_lines(wizard: Wizard, tmp_path: Path) -> None:
    text = FLOW.replace("    do: Do the first thing.\n", "    do: One.\n    title: Two\n")
    folder = own_flows(tmp_path, demo=text)
    out = check(wizard, folder)
    assert (
        f"{folder / 'demo.yaml'}:11: the key 'title' is given twice in this mapping "
        "(first at line 9); keep one of them"
    ) in out


# --- control characters ---------------------------------------------------------------------


HIDDEN = [
    ('"Demo\\e]52;c;ZWNobyBoaQ==\\a"', "U+001B"),  # writes the clipboard
    ('"Demo\\e[2J"', "U+001B"),  # clears the screen
    ('"Demo\\x07"', "U+0007"),
    ('"Demo\\rOther"', "U+000D"),
    ('"Demo\\x9b2J"', "U+009B"),  # C1 CSI
    ('"Demo\\u202eolleh"', "U+202E"),  # right-to-left override, escaped
    ("Demo\u2066x\u2069", "U+2066"),  # an isolate, written as it is
    ("De\u200bmo", "U+200B"),  # zero-width space
    ("De\u200dmo", "U+200D"),
    ("De\ufeffmo", "U+FEFF"),
]


def test_control_characters_in_flow_text_are_refused_with_their_line(
    wizard: Wizard, tmp_path: Path
) -> None:
    folder = own_flows(
        tmp_path,
        **{
            f"demo{i}": FLOW.replace("id: demo", f"id: demo{i}").replace(
                "title: Demo", f"title: {written}"
            )
            for i, (written, _) in enumerate(HIDDEN)
        },
    )
    out = check(wizard, folder)
    for i, (_, code) in enumerate(HIDDEN):
        assert (
            f"{folder / f'demo{i}.yaml'}:2: this text holds an invisible or control "
            f"character ({code})"
        ) in out
    assert "\x1b" not in out and "\u202e" not in out


def test_control_characters_in_keys_and_contacts_are_refused(
    wizard: Wizard, tmp_path: Path
) -> None:
    contacts = (bundled_dir() / "contacts.yaml").read_text(encoding="utf-8")
    line = next(n for n, text in enumerate(contacts.splitlines(), 1) if "name: " in text)
    name = contacts.splitlines()[line - 1]
    folder = own_flows(
        tmp_path,
        contacts=contacts.replace(name, name + " \u202e", 1),
        demo=FLOW.replace("title: Demo", 'title: Demo\n"ti\\x1btle": x'),
    )
    out = check(wizard, folder)
    assert f"{folder / 'contacts.yaml'}:{line}: this text holds an invisible" in out
    assert f"{folder / 'demo.yaml'}:3: this text holds an invisible" in out


def test_tabs_and_line_breaks_stay_allowed(wizard: Wizard, tmp_path: Path) -> None:
    text = FLOW.replace("do: Do the first thing.", 'do: "Do this:\\n\\tfirst\\n\\tsecond"')
    result = wizard("flows", "check", str(own_flows(tmp_path, demo=text)))
    assert result.returncode == 0, result.stdout


# --- contact e-mail addresses ---------------------------------------------------------------


ADDRESSES = [
    "x@cdph.ca.gov?bcc=spy@evil.example&",
    "x@cdph.ca.gov&cc=spy@evil.example",
    "mailto:x@cdph.ca.gov",
    "x @cdph.ca.gov",
    "x@cdph.ca.gov\\nBcc: spy@evil.example",
    "Help Desk <x@cdph.ca.gov>",
    "x@cdph",
    "x@cdph.ca.gov,spy@evil.example",
]
CONTACT = """\
contacts:
  - id: {id}
    name: A help desk
    email: "{address}"
    source: {{doc: qtso-cmsnet-module1, where: QTSO Website}}
"""


def test_contact_addresses_must_be_plain(wizard: Wizard, tmp_path: Path) -> None:
    folder = own_flows(
        tmp_path,
        **{
            f"contacts{i}": CONTACT.format(id=f"desk{i}", address=address)
            for i, address in enumerate(ADDRESSES)
        },
    )
    out = check(wizard, folder)
    for i in range(len(ADDRESSES)):
        assert (
            f"{folder / f'contacts{i}.yaml'}:4: contacts[0].email: an e-mail address must be "
            "a plain address like help@agency.gov"
        ) in out
    # A contact a flow sends e-mail to is refused too: nothing reaches a draft or a link.
    contacts = (bundled_dir() / "contacts.yaml").read_text(encoding="utf-8")
    line = next(n for n, text in enumerate(contacts.splitlines(), 1) if "email: " in text)
    old = contacts.splitlines()[line - 1]
    own_flows(tmp_path, contacts=contacts.replace(old, f'    email: "{ADDRESSES[0]}"', 1))
    started = wizard("start", "legacy-epoc", EPOC_WIZARD_FLOWS=str(folder))
    assert started.returncode == 1
    assert f"contacts.yaml:{line}: contacts[" in started.stderr
    assert "must be a plain address" in started.stderr


def test_a_mailto_link_must_be_a_plain_address(wizard: Wizard, tmp_path: Path) -> None:
    link = "    links:\n      - {title: Write, url: 'mailto:x@cdph.ca.gov?bcc=spy@evil.example'}\n"
    folder = own_flows(tmp_path, demo=FLOW.replace("    do: Do", link + "    do: Do"))
    assert f"{folder / 'demo.yaml'}:11: steps[0].links[0].url" in check(wizard, folder)
