"""Nothing printed obeys what it holds (issue 12, findings 9, 11 and 12).

Every text the wizard prints or exports passes one sanitizer, ``words.printable``:
terminal control sequences, bidi and zero-width characters are shown as escapes, never
sent raw; flow text and answers are never read as rich markup; the Markdown record
escapes HTML, links and blocks. Through the command line (in-process):

* a flow whose texts hold ESC ] 52 (clipboard), ESC [ 2 J (clear screen), an 8-bit CSI,
  a bidi override, a zero-width space and a CR, printed by ``flows list``, ``flows
  show``, ``start``, ``status``, ``resume`` and ``export`` (finding 11). The loader now
  refuses such flow files (``flows check``); this test puts the texts into the loaded
  flow, as if one had got past it, to prove the printing side on its own;
* answers-file keys, the ``flow:`` value and command-line words echoed in errors;
  values edited into the state file shown by ``status`` (and ``--json``, where they
  stay exact but escaped) and ``export``; a CR in an ID and bytes that are not UTF-8
  given to ``edit`` (finding 11);
* ``[link=file:///etc/passwd]`` and ``[/]`` in a flow's texts, in a forced terminal and
  in plain mode: shown as typed, no hyperlink, no crash, the journey resumes (finding 12);
* HTML, links, images and line breaks in answers and flow text, in the Markdown and
  HTML records (finding 9).

And hypothesis properties of ``printable`` and of the record's Markdown escaping.
"""

from __future__ import annotations

import json
import re
import string
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from epoc_wizard.words import printable

from conftest import CA_HOSPICE, DATA, Wizard

#: What must never reach a terminal or an output, whatever the sanitizer's own list
#: says: every control, format and surrogate code point, and line and paragraph
#: separators, but line feed and tab.
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def hidden(text: str, *, lines: bool = True) -> list[str]:
    allowed = "\n\t" if lines else ""
    return [c for c in text if unicodedata.category(c) in _HIDDEN_CATEGORIES and c not in allowed]


def assert_clean(*texts: str) -> None:
    for text in texts:
        found = hidden(text)
        assert not found, (sorted(set(found)), text[:2000])


#: The attack: write the clipboard (OSC 52, ended by BEL), clear the screen (CSI 2 J),
#: the same with the 8-bit CSI, a right-to-left override, a zero-width space, a CR.
EVIL = "\x1b]52;c;ZXZpbA==\x07\x1b[2J\x9b2J\u202egnp.exe\u200b\rOVER"
#: How it is shown instead.
SHOWN = "\\x1b]52;c;ZXZpbA==\\x07\\x1b[2J\\x9b2J\\u202egnp.exe\\u200b\\x0dOVER"
LINK = "[link=file:///etc/passwd]Click[/link]"

HOSTILE_FLOW = """
id: hostile
title: "TITLE [/] [link=file:///etc/passwd]Click[/link] <img src=x onerror=alert(1)>"
summary: "SUMMARY [bold]not bold[/bold] [/] [x](javascript:alert(1))"
audience: [hospice]
checked: 2026-12-01
steps:
  - id: first
    title: "STEP [/] [link=file:///etc/passwd]Click[/link] <b>x</b>"
    do: "DO [link=file:///etc/passwd]Click[/link] [/] and **bold**"
    note: "NOTE [red]red[/red] [/]"
    source: {doc: qtso-iqies-faq, where: here}
    questions:
      - id: navigator_id
        prompt: "PROMPT [/] the ID"
        kind: cac_or_navigator_id
        record_as: "Navigator ID [/] [x](javascript:alert(1))"
  - id: second
    title: Second step
    do: Then this.
    source: {doc: qtso-iqies-faq, where: here}
"""


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sanitize-cache") / "flows.json"


@pytest.fixture(autouse=True)
def _one_cache(home: Path, monkeypatch: pytest.MonkeyPatch, shared_cache: Path) -> None:
    """One parse cache for this module's commands, so that the flows are parsed once."""
    monkeypatch.setenv("EPOC_WIZARD_CACHE", str(shared_cache))


@pytest.fixture
def own_flows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The person's own flows folder, holding the hostile flow."""
    folder = tmp_path / "own-flows"
    folder.mkdir()
    (folder / "hostile.yaml").write_text(HOSTILE_FLOW)
    monkeypatch.setenv("EPOC_WIZARD_FLOWS", str(folder))
    return folder


@pytest.fixture
def poisoned(own_flows: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The hostile flow with EVIL in its title, summary, step texts and prompt, as if
    a flow with control characters had got past the loader (which now refuses one)."""
    from epoc_wizard.flowspec import catalog as catalog_module

    real = catalog_module.load_catalog

    def put(text: str, marker: str) -> str:
        return text.replace(marker, f"{marker} {EVIL}")

    def load(dirs: list[Path] | None = None) -> Any:
        found = real(dirs)
        flow = found.flows["hostile"]
        steps = [
            s.model_copy(
                update={
                    "title": put(s.title, "STEP"),
                    "do": put(s.do, "DO"),
                    "note": put(s.note or "", "NOTE") or None,
                    "questions": [
                        q.model_copy(update={"prompt": put(q.prompt, "PROMPT")})
                        for q in s.questions
                    ],
                }
            )
            for s in flow.steps
        ]
        found.flows["hostile"] = flow.model_copy(
            update={
                "title": put(flow.title, "TITLE"),
                "summary": put(flow.summary, "SUMMARY"),
                "steps": steps,
            }
        )
        return found

    monkeypatch.setattr(catalog_module, "load_catalog", load)
    yield


def answers(tmp_path: Path, done: Any, name: str = "answers.json", **extra: Any) -> str:
    path = tmp_path / name
    data = {"flow": "hostile", "answers": {"navigator_id": "NAV 12345"}, "done": done}
    path.write_text(json.dumps({**data, **extra}))
    return str(path)


def state_file(home: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((home / "state.json").read_text())
    return data


def edit_state(home: Path, journey: str, change: Any) -> None:
    """Change the state file by hand, as anyone who can write it could."""
    data = state_file(home)
    change(data["journeys"][journey])
    (home / "state.json").write_text(json.dumps(data))


# --- finding 11: control sequences -------------------------------------------------------


def test_escape_sequences_in_a_flow_never_reach_the_terminal(
    poisoned: None, home: Path, tmp_path: Path, wizard: Wizard
) -> None:
    outputs: list[str] = []

    def run(*args: str) -> str:
        result = wizard(*args)
        assert result.returncode == 0, (args, result.stderr)
        outputs.extend([result.stdout, result.stderr])
        return result.stdout

    listed = run("flows", "list")
    assert f"TITLE {SHOWN}" in listed and f"SUMMARY {SHOWN}" in listed
    assert f"STEP {SHOWN}" in run("flows", "show", "hostile")
    started = run("start", "hostile", "--answers", answers(tmp_path, []))
    assert f"TITLE {SHOWN}" in started
    status = run("status")
    assert f"TITLE {SHOWN}" in status and f"STEP {SHOWN}" in status
    as_json = run("status", "--json")
    row = json.loads(as_json)["journeys"][0]
    assert row["flow_title"].startswith(f"TITLE {EVIL}")  # exact, only escaped
    run("resume", "hostile", "--plain", "--answers", answers(tmp_path, "all"))
    run("export", "hostile")
    run("export", "hostile", "--format", "html")
    run("export", "--blank", "hostile")
    assert_clean(*outputs)


def test_errors_never_echo_control_sequences(
    own_flows: Path, home: Path, tmp_path: Path, wizard: Wizard
) -> None:
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps({"flow": "hostile", EVIL: 1, "answers": {}, "done": []}))
    flow_file = tmp_path / "flow.json"
    flow_file.write_text(json.dumps({"flow": EVIL, "answers": {}, "done": []}))
    errors = []
    for args in (
        ["start", "--answers", str(key_file)],
        ["start", "--answers", str(flow_file)],
        ["start", EVIL],
        ["resume", EVIL],
        ["export", EVIL],
        ["edit", EVIL, "navigator_id", "--value", "x"],
        ["flows", "show", EVIL],
        ["check", "ccn", EVIL],
        ["status", "--facility", EVIL],
    ):
        result = wizard(*args)
        assert result.returncode != 0, args
        assert result.stderr.strip() or result.stdout.strip(), args
        assert "Something went wrong" not in result.stderr, (args, result.stderr)
        errors += [result.stdout, result.stderr]
    assert_clean(*errors)


def test_values_edited_into_the_state_file_are_shown_not_obeyed(
    home: Path, tmp_path: Path, wizard: Wizard
) -> None:
    partial = tmp_path / "partial.yaml"
    partial.write_text((DATA / "cmsnet-hospice.yaml").read_text().replace("done: all", "done: []"))
    assert wizard("start", "--answers", str(partial)).returncode == 0
    (journey,) = state_file(home)["journeys"]

    def change(j: dict[str, Any]) -> None:
        j["label"] = f"Label {EVIL}"
        j["summary"]["flow_title"] = f"Flow {EVIL}"
        j["summary"]["step_title"] = f"Step {EVIL}"
        j["answers"]["facility_name"] = f"Name {EVIL}"
        j["answers"]["cmsnet_user_id"] = f"ID{EVIL}"

    edit_state(home, journey, change)
    outputs = []
    status = wizard("status")
    assert status.returncode == 0, status.stderr
    for part in ("Label", "Flow", "Step"):
        assert f"{part} {SHOWN}" in status.stdout
    as_json = wizard("status", "--json")
    assert json.loads(as_json.stdout)["journeys"][0]["label"] == f"Label {EVIL}"
    outputs += [status.stdout, status.stderr, as_json.stdout, as_json.stderr]
    for args in (
        ["export", journey],
        ["export", journey, "--format", "html"],
        ["edit", journey, "cmsnet_user_id", "--value", "SACRES02"],
        ["resume", journey, "--answers", str(partial)],
        ["email", journey],
    ):
        result = wizard(*args)
        assert result.returncode == 0, (args, result.stderr)
        outputs += [result.stdout, result.stderr]
    assert any(f"ID{SHOWN}" in text for text in outputs)
    assert_clean(*outputs)


def test_drafts_show_what_the_state_file_holds_and_obey_none_of_it(
    home: Path, tmp_path: Path, wizard: Wizard
) -> None:
    from email import message_from_bytes, policy

    start = tmp_path / "ca.json"
    start.write_text(
        json.dumps(
            {
                "flow": "legacy-epoc",
                "answers": CA_HOSPICE,
                "done": ["about_facility", "web_epoc_retired"],
            }
        )
    )
    assert wizard("start", "--answers", str(start)).returncode == 0
    (journey,) = state_file(home)["journeys"]
    edit_state(
        home,
        journey,
        lambda j: j["answers"].update(facility_name=f"Sunrise {EVIL}\r\nBcc: spy@evil.example"),
    )
    listed = wizard("email", journey)
    assert listed.returncode == 0, listed.stderr
    assert_clean(listed.stdout, listed.stderr)
    emls = sorted((home / "drafts").rglob("*.eml"))
    assert emls
    for path in emls:
        msg = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert "Bcc" not in msg
        body = msg.get_body().get_content()  # type: ignore[union-attr]
        assert f"Sunrise {SHOWN}" in body
        assert_clean(str(msg["Subject"]), body.replace("\r\n", "\n"))


def test_edit_shows_no_carriage_return_and_refuses_bytes_that_are_not_text(
    home: Path, wizard: Wizard
) -> None:
    assert wizard("start", "--answers", str(DATA / "cmsnet-hospice.yaml")).returncode == 0
    (journey,) = state_file(home)["journeys"]
    outputs = []
    for value in ("SAC\rEVIL", "SAC\r\x1b[2KEVIL", "SAC\u202eEVIL"):
        result = wizard("edit", journey, "cmsnet_user_id", "--value", value)
        outputs += [result.stdout, result.stderr]
        assert "Something went wrong" not in result.stderr
    cr_id = wizard("edit", f"{journey}\r\x1b[2Kfake", "cmsnet_user_id", "--value", "X")
    assert cr_id.returncode != 0
    outputs += [cr_id.stdout, cr_id.stderr]
    # ``edit ... --value $'caf\xe9'``: a byte that is not UTF-8 arrives as a lone surrogate.
    before = (home / "state.json").read_bytes()
    latin = wizard("edit", journey, "facility_name", "--value", "Caf\udce9 Hospice")
    assert latin.returncode == 1, latin.stderr
    assert "not UTF-8" in latin.stderr and "Caf\\udce9 Hospice" in latin.stderr
    assert (home / "state.json").read_bytes() == before
    outputs += [latin.stdout, latin.stderr]
    assert_clean(*outputs)


# --- finding 12: markup ------------------------------------------------------------------

_SGR = re.compile(r"\x1b\[[0-9;]*m")


def test_markup_in_flow_text_is_shown_as_typed_and_never_links(
    own_flows: Path, home: Path, tmp_path: Path, wizard: Wizard
) -> None:
    # A forced terminal: colours, and hyperlinks where rich makes them.
    started = wizard("start", "hostile", "--answers", answers(tmp_path, []), FORCE_COLOR="1")
    assert started.returncode == 0, started.stderr
    assert "\x1b[" in started.stdout  # it really was styled as for a terminal
    assert "\x1b]8;" not in started.stdout  # no OSC 8 hyperlink
    text = _SGR.sub("", started.stdout)
    for typed in (f"STEP [/] {LINK}", f"DO {LINK} [/]", "NOTE [red]red[/red] [/]"):
        assert typed in text, typed
    # [/] in the title: the journey resumes, in plain mode too, and finishes.
    again = wizard("resume", "hostile", "--plain", "--answers", answers(tmp_path, ["first"]))
    assert again.returncode == 0, again.stderr
    assert f"== Step 1 of 2: STEP [/] {LINK} <b>x</b> ==" in again.stdout
    done = wizard("resume", "hostile", "--answers", answers(tmp_path, "all"), FORCE_COLOR="1")
    assert done.returncode == 0, done.stderr
    assert "\x1b]8;" not in done.stdout
    assert "[/]" in _SGR.sub("", done.stdout)
    assert state_file(home)["journeys"]["hostile"]["finished"]


# --- finding 9: the Markdown record ------------------------------------------------------

INJECTED = (
    "<img src=x onerror=alert(1)>\n\n# Injected heading\n\n"
    "[click](javascript:alert(1)) ![i](x) <https://evil.example>\n"
    "<script>alert(2)</script>\n- injected item\n| a | b |\n|---|---|"
)


def test_markdown_record_escapes_html_links_and_blocks(
    own_flows: Path, home: Path, tmp_path: Path, wizard: Wizard
) -> None:
    from markdown_it import MarkdownIt

    assert wizard("start", "hostile", "--answers", answers(tmp_path, ["first"])).returncode == 0
    edit_state(
        home,
        "hostile",
        lambda j: j["answers"].update(navigator_id=INJECTED),
    )
    record = wizard("export", "hostile")
    assert record.returncode == 0, record.stderr
    tokens = MarkdownIt("commonmark").enable("table").parse(record.stdout)
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
    for bad in ("html_block", "html_inline", "link_open", "image", "table_open", "hr"):
        assert bad not in kinds, bad
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[0].startswith("TITLE") and "Injected heading" not in headings
    # The value is on one line, and reads as typed once rendered.
    html_text = MarkdownIt("commonmark").render(record.stdout)
    assert "&lt;img src=x onerror=alert(1)&gt;  # Injected heading" in html_text
    assert "[click](javascript:alert(1))" in html_text
    as_html = wizard("export", "hostile", "--format", "html")
    assert as_html.returncode == 0, as_html.stderr
    for raw in ("<img", "<script", "<b>x", "<https"):
        assert raw not in as_html.stdout, raw
    assert "&lt;img src=x onerror=alert(1)&gt;" in as_html.stdout


# --- properties --------------------------------------------------------------------------

PROPERTIES = settings(max_examples=100, deadline=None, derandomize=True, database=None)
#: Text with the characters that matter over-represented, lone surrogates included.
SPECIAL = st.sampled_from(
    list("\x00\x07\x08\t\n\x0b\x0c\r\x1b\x7f\x85\x9b\xad\u061c\u200b\u200d\u200e\u2028")
    + list("\u2029\u202a\u202e\u2060\u2066\u2069\ufeff\ud800\udce9\U000e0041 [/]<>*_`&#")
)
texts = st.text(st.one_of(st.characters(), SPECIAL), max_size=40)


@PROPERTIES
@given(texts, st.booleans())
def test_printable_shows_nothing_hidden_and_is_idempotent(text: str, lines: bool) -> None:
    shown = printable(text, lines=lines)
    assert not hidden(shown, lines=lines)
    assert "\r" not in shown
    assert printable(shown, lines=lines) == shown
    shown.encode("utf-8")  # never fails, whatever came in
    # What was visible stays.
    assert {c for c in text if not c.isspace() and not hidden(c, lines=False)} <= set(shown)


@PROPERTIES
@given(st.text(string.printable.strip() + " ", max_size=60), st.booleans())
def test_printable_ascii_is_unchanged(text: str, lines: bool) -> None:
    assert printable(text, lines=lines) == text


@PROPERTIES
@given(texts)
def test_markdown_escaping_makes_one_plain_item(text: str) -> None:
    from markdown_it import MarkdownIt

    from epoc_wizard.outputs.record import md

    escaped = md(text)
    tokens = MarkdownIt("commonmark").parse(f"- {escaped}\n")
    types = [t.type for t in tokens]
    if escaped:
        assert types == [
            "bullet_list_open",
            "list_item_open",
            "paragraph_open",
            "inline",
            "paragraph_close",
            "list_item_close",
            "bullet_list_close",
        ], (escaped, types)
        children = {c.type for c in tokens[3].children or []}
        assert children == {"text"}, (escaped, children)
    assert not hidden(escaped, lines=False)
