"""The flow loader: good files load, bad files get exact file:line messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from epoc_wizard.errors import FlowError
from epoc_wizard.flowspec.catalog import bundled_dir, check_files, load_catalog
from epoc_wizard.flowspec.load import parse_yaml, validate
from epoc_wizard.flowspec.model import FlowFile

GOOD = """\
id: demo
title: Demo
summary: A small flow for tests.
audience: [hospice]
checked: 2026-12-01
contacts: [cmsnet_help]
steps:
  - id: first
    title: First step
    do: Do the first thing.
    source: {doc: qtso-cmsnet-module1, where: QTSO Website}
    questions:
      - id: has_id
        prompt: Do you have an ID?
        kind: confirm
  - id: second
    title: Second step
    do: Only without an ID.
    when: {answer: has_id, is: false}
    source: {doc: qtso-cmsnet-module1, where: CMSNet User ID}
"""


def write(tmp_path: Path, text: str, name: str = "demo.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    return check_files([write(tmp_path, text)])


def test_good_file_has_no_problems(tmp_path: Path) -> None:
    assert problems(tmp_path, GOOD) == []


def test_bundled_flows_load_and_pass_check() -> None:
    catalog = load_catalog([bundled_dir()])
    assert "cmsnet" in catalog.flows
    assert check_files([bundled_dir()]) == []


def test_unknown_key_names_line(tmp_path: Path) -> None:
    text = GOOD.replace("    do: Do the first thing.", "    do: Do the first thing.\n    tilte: x")
    (msg,) = problems(tmp_path, text)
    assert msg.endswith(
        "demo.yaml:11: steps[0].tilte: unknown key 'tilte'; check its "
        "spelling against 'epoc-wizard flows schema'"
    )


def test_wrong_kind_names_line_and_expected(tmp_path: Path) -> None:
    (msg,) = problems(tmp_path, GOOD.replace("kind: confirm", "kind: yesno"))
    assert "demo.yaml:15: steps[0].questions[0].kind: Input should be 'text'" in msg
    assert "(found 'yesno')" in msg


def test_missing_required_key(tmp_path: Path) -> None:
    (msg,) = problems(tmp_path, GOOD.replace("title: Demo\n", ""))
    assert msg.endswith("demo.yaml:1: title: 'title' is required here but missing")


def test_duplicate_step_id(tmp_path: Path) -> None:
    (msg,) = problems(tmp_path, GOOD.replace("id: second", "id: first"))
    assert "demo.yaml:16: step id 'first' is used twice (first at" in msg


def test_condition_on_later_question(tmp_path: Path) -> None:
    text = GOOD.replace(
        "    title: First step\n", "    title: First step\n    when: {answer: has_id, is: true}\n"
    )
    msgs = problems(tmp_path, text)
    assert any(
        "demo.yaml:10: the condition reads answer 'has_id', which is not asked in an "
        "earlier step" in m
        for m in msgs
    )


def test_condition_value_outside_options(tmp_path: Path) -> None:
    (msg,) = problems(tmp_path, GOOD.replace("is: false}", "is: 'no'}"))
    assert "demo.yaml:19: 'has_id' can never be 'no'; expected one of True, False" in msg


def test_unknown_contact(tmp_path: Path) -> None:
    (msg,) = problems(tmp_path, GOOD.replace("contacts: [cmsnet_help]", "contacts: [nobody]"))
    assert "demo.yaml:6: unknown contact 'nobody'; expected one of" in msg


def test_unreachable_step(tmp_path: Path) -> None:
    text = GOOD.replace(
        "when: {answer: has_id, is: false}",
        "when: {all: [{answer: has_id, is: false}, {answer: has_id, is: true}]}",
    )
    (msg,) = problems(tmp_path, text)
    assert "demo.yaml:16: step 'second' can never be shown" in msg


def test_bad_condition_shape(tmp_path: Path) -> None:
    (msg,) = problems(tmp_path, GOOD.replace("is: false}", "is: false, in: [a]}"))
    assert "demo.yaml:19: steps[1].when: a condition on an answer needs exactly one of" in msg


def test_placeholder_must_be_an_earlier_answer(tmp_path: Path) -> None:
    (msg,) = problems(tmp_path, GOOD.replace("Only without an ID.", "Type {ccn} here."))
    assert "demo.yaml:18: '{ccn}' is not an answer asked by this step or an earlier one" in msg


def test_secret_never_in_conditions(tmp_path: Path) -> None:
    text = GOOD.replace("kind: confirm", "kind: secret").replace("is: false}", "answered: true}")
    (msg,) = problems(tmp_path, text)
    assert "a secret that is never kept" in msg


def test_unknown_source_names_line_and_the_registry(tmp_path: Path) -> None:
    (msg,) = problems(
        tmp_path,
        GOOD.replace("doc: qtso-cmsnet-module1, where: CMSNet", "doc: nosuch-doc, where: CMSNet"),
    )
    assert msg.startswith(
        f"{tmp_path / 'demo.yaml'}:20: source 'nosuch-doc' is not in the sources registry "
        "(sources.yaml); expected one of "
    )
    assert "qtso-cmsnet-module1" in msg


def test_a_file_name_is_not_a_source(tmp_path: Path) -> None:
    # The old format named the document's file; sources now name a registry id.
    text = GOOD.replace(
        "doc: qtso-cmsnet-module1, where: QTSO", "doc: 003_1d414d5a4b39874e.txt, where: QTSO"
    )
    (msg,) = problems(tmp_path, text)
    assert "demo.yaml:11: steps[0].source.doc: String should match pattern" in msg
    assert "(found '003_1d414d5a4b39874e.txt')" in msg


def test_checked_date_is_required_and_must_be_a_date(tmp_path: Path) -> None:
    (msg,) = problems(tmp_path, GOOD.replace("checked: 2026-12-01\n", ""))
    assert msg.endswith("demo.yaml:1: checked: 'checked' is required here but missing")
    (msg,) = problems(tmp_path, GOOD.replace("checked: 2026-12-01", "checked: yesterday"))
    assert "demo.yaml:5: checked: Input should be a valid date" in msg
    assert "(found 'yesterday')" in msg


RETIRED = """\
retired:
  - "on": 2025-07-14
    for: [hospice]
    what: Plans of correction (ePOC)
    replacement: iqies
    message: Moved to iQIES.
    source:
      doc: cms-iqies-epoc-2025
      where: the notice
"""


def test_retired_moves_name_a_flow_and_a_registry_source(tmp_path: Path) -> None:
    text = GOOD.replace("contacts: [", RETIRED + "contacts: [")
    assert problems(tmp_path, text) == []
    bad = text.replace("replacement: iqies", "replacement: nowhere").replace(
        "doc: cms-iqies-epoc-2025", "doc: gone-doc"
    )
    msgs = problems(tmp_path, bad)
    assert len(msgs) == 2, msgs
    assert msgs[0].endswith("demo.yaml:10: the replacement flow 'nowhere' does not exist")
    assert "demo.yaml:13: source 'gone-doc' is not in the sources registry" in msgs[1]
    (msg,) = problems(tmp_path, text.replace("    what: Plans of correction (ePOC)\n", ""))
    assert msg.endswith("demo.yaml:7: retired[0].what: 'what' is required here but missing")


def test_a_folder_without_a_registry_says_so_with_lines(tmp_path: Path) -> None:
    own = tmp_path / "own"
    own.mkdir()
    write(own, GOOD)
    with pytest.raises(FlowError) as err:
        load_catalog([own])
    unknown = [p for p in err.value.problems if "sources registry" in p]
    assert unknown == [
        f"{own / 'demo.yaml'}:{line}: source 'qtso-cmsnet-module1' is not in the sources "
        "registry (sources.yaml); expected one of (none: sources.yaml is missing)"
        for line in (11, 20)
    ]
    # With the bundled registry and contacts, the same folder loads.
    for name in ("sources.yaml", "contacts.yaml"):
        (own / name).write_text((bundled_dir() / name).read_text())
    catalog = load_catalog([own])
    assert catalog.flows["demo"].checked.isoformat() == "2026-12-01"
    assert catalog.sources["qtso-cmsnet-module1"].kind == "original"


def test_unknown_source_of_a_contact_names_file_and_line(tmp_path: Path) -> None:
    contacts = write(
        tmp_path,
        "contacts:\n  - id: demo_help\n    name: Demo desk\n"
        "    source:\n      doc: gone-doc\n      where: here\n",
        "contacts.yaml",
    )
    (msg,) = check_files([contacts])
    assert msg.startswith(f"{contacts}:5: source 'gone-doc' is not in the sources registry")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "demo.yaml:1: the file is empty"),
        ("id: [unclosed\n", "demo.yaml:2: this is not valid YAML"),
        ("- just\n- a list\n", "demo.yaml:1: expected a mapping of keys"),
        ("a: &x [1]\nb: *x\n", "demo.yaml:1: YAML anchors and aliases (& and *) are not allowed"),
        ("!!python/object:os.system {}\n", "demo.yaml:1: this is not valid YAML"),
        ("id: x\ntitle: !!float abc\n", "demo.yaml:2: this is not valid YAML for a flow file"),
        ("id: x\nid: y\n", "demo.yaml:2: the key 'id' is given twice in this mapping"),
        ('id: x\ntitle: "a\\e[2Jb"\n', "demo.yaml:2: this text holds an invisible"),
        ("id: x\nchecked: 2025-02-30\n", "demo.yaml:2: checked: Input should be a valid date"),
        ("a:\n" + "".join(f"{' ' * i}- \n" for i in range(1, 60)), "nest more than 40 levels"),
    ],
)
def test_unsafe_or_broken_yaml(text: str, expected: str) -> None:
    with pytest.raises(FlowError) as err:
        validate(parse_yaml(text, "demo.yaml"), FlowFile)
    assert expected in str(err.value)


def test_alias_bomb_is_refused_quickly() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    with pytest.raises(FlowError, match="anchors and aliases"):
        parse_yaml(bomb, "bomb.yaml")


def test_check_command_reports_each_problem(tmp_path: Path) -> None:
    bad = GOOD.replace("kind: confirm", "kind: yesno").replace("id: second", "id: first")
    msgs = problems(tmp_path, bad)
    assert len(msgs) >= 1
    assert all(m.startswith(str(tmp_path / "demo.yaml") + ":") for m in msgs)
