"""Hostile answers files through the command line (issue 12), and the reader's
properties.

Answers files get the guards flow files have: a size cap before parsing and a cap on
each answer, no anchors or aliases (the alias bomb took 1.5 GB), a depth cap (3,000
levels was a RecursionError), no typed tags, no key given twice; dates and numbers
stay text; a mapping or a list where text is expected is refused with its key named;
JSON is read by the json module (``json.dumps`` writes an emoji as a surrogate pair);
errors name keys but never print more than a short, printable excerpt of the file.

The properties (hypothesis, derandomized, no database): any text written as an answers
file, in YAML or JSON, reads back as written; any bytes give an ``AnswersFile`` or a
``UsageError`` with a sentence, nothing else.
"""

from __future__ import annotations

import json
import string
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from epoc_wizard.errors import UsageError
from epoc_wizard.ui.scripted import AnswersFile, read_answers_file

from conftest import DATA, Wizard

EXIT_USAGE = 2
HOSPICE = (DATA / "cmsnet-hospice.yaml").read_text(encoding="utf-8")


def answers_file(tmp_path: Path, text: str | bytes, name: str = "answers.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def refused(wizard: Wizard, path: Path, *args: str) -> str:
    """``start --answers PATH`` refused with a sentence (exit 2); its stderr."""
    result = wizard("start", *args, "--answers", str(path))
    assert result.returncode == EXIT_USAGE, result.stdout + result.stderr
    assert result.stderr.strip().endswith("."), result.stderr
    return result.stderr


# --- finding 8: errors echo the file --------------------------------------------------------

HASH = "$6$Zx9aQwErTy$" + "Q" * 86


def test_errors_name_keys_with_a_short_printable_excerpt_only(
    wizard: Wizard, tmp_path: Path
) -> None:
    # What /etc/shadow looks like to YAML: each line a key (it ends in ':').
    lines = [f"root:{HASH}:19000:0:99999:7:::", "daemon:*:19000:0:99999:7:::"]
    lines += [f"user{i}:*:19000:0:99999:7:::" for i in range(10)]
    lines += ['"\\e]52;c;cHduZWQ=\\aevil\u202e": x']  # ESC, BEL, RLO in a quoted key
    err = refused(wizard, answers_file(tmp_path, "\n".join(lines) + "\n"))
    # Keys that are not words an answers file uses are counted, never repeated.
    assert "unknown key(s) 13 that are not answers-file words" in err
    said = err.split(": unknown key(s)")[1]  # (the temporary path may hold "root")
    assert HASH[:8] not in said and "root" not in said and "daemon" not in said
    assert "\x1b" not in err and "\x07" not in err and "\u202e" not in err
    # A misspelt key is named, so it can be corrected.
    typo = refused(wizard, answers_file(tmp_path, "anwsers: {a: b}\nroot:x:0:0:::\n"))
    assert "unknown key(s) anwsers and 1 more" in typo
    assert "root" not in typo.split(": unknown key(s)")[1]


# --- finding 13: crashes ----------------------------------------------------------------------

# Nine levels of nine aliases: 387 million strings once expanded, which is what
# checking the answer for facility_name did (1.5 GB, then a hang).
BOMB = "  a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"  {c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_an_alias_bomb_is_refused_at_once(wizard: Wizard, tmp_path: Path) -> None:
    text = HOSPICE.replace("  facility_name: Sunny Acres Hospice\n", BOMB + "  facility_name: *i\n")
    began = time.perf_counter()
    err = refused(wizard, answers_file(tmp_path, text))
    assert time.perf_counter() - began < 2
    assert "answers.yaml:4: YAML anchors and aliases (& and *) are not allowed" in err


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("answers: " + "[" * 3000 + "]" * 3000 + "\n", "answers.yaml:1: this is not valid"),
        ("answers:\n" + "".join(f"{' ' * i}- \n" for i in range(1, 100)), "nest more than 16"),
    ],
)
def test_deep_nesting_is_refused(wizard: Wizard, tmp_path: Path, text: str, said: str) -> None:
    assert said in refused(wizard, answers_file(tmp_path, text))


def test_deep_json_is_refused(wizard: Wizard, tmp_path: Path) -> None:
    text = '{"answers": ' + "[" * 3000 + "]" * 3000 + "}"
    err = refused(wizard, answers_file(tmp_path, text, "answers.json"))
    assert "answers.json:1: the values nest more than 16 levels deep" in err


def saved_answers(home: Path) -> dict[str, Any]:
    (journey,) = json.loads((home / "state.json").read_text(encoding="utf-8"))["journeys"].values()
    answers: dict[str, Any] = journey["answers"]
    return answers


def test_dates_and_numbers_stay_text(wizard: Wizard, home: Path, tmp_path: Path) -> None:
    text = HOSPICE.replace("Sunny Acres Hospice", "2025-02-30").replace('"0"', "0")
    result = wizard("start", "--answers", str(answers_file(tmp_path, text)))
    assert result.returncode == 0, result.stderr
    saved = saved_answers(home)
    assert saved["facility_name"] == "2025-02-30" and saved["existing_ids"] == "0"


def test_json_with_an_escaped_emoji_is_read(wizard: Wizard, home: Path, tmp_path: Path) -> None:
    data = yaml.safe_load(HOSPICE)
    data["answers"]["facility_name"] = "Sunny Acres \U0001f3e5"
    text = json.dumps(data)  # ensure_ascii: "\ud83c\udfe5"
    assert "\\ud83c\\udfe5" in text
    result = wizard("start", "--answers", str(answers_file(tmp_path, text, "answers.json")))
    assert result.returncode == 0, result.stderr
    assert saved_answers(home)["facility_name"] == "Sunny Acres \U0001f3e5"


def test_half_an_emoji_in_json_is_a_sentence(wizard: Wizard, tmp_path: Path) -> None:
    text = '{"flow": "cmsnet",\n "answers": {"facility_name": "Sunny \\ud83c"}}'
    err = refused(wizard, answers_file(tmp_path, text, "answers.json"))
    assert "answers.json:2: this text holds an escape (\\ud800 to \\udfff)" in err


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("flow: [x]\n", "'flow' must be the id of one flow, like cmsnet, not a list"),
        ("flow: {a: 1}\n", "'flow' must be the id of one flow, like cmsnet, not a mapping"),
        ('flow: "\\e[2Jx"\n', "'flow' must be the id of one flow, like cmsnet, not '\\x1b[2Jx'"),
        ("facility: [x]\n", "'facility' must be the facility's CCN"),
    ],
)
def test_flow_and_facility_must_be_words(
    wizard: Wizard, tmp_path: Path, text: str, said: str
) -> None:
    err = refused(wizard, answers_file(tmp_path, text))
    assert said in err and "\x1b" not in err


@pytest.mark.parametrize(
    "tagged", ["!!float abc", "!!bool maybe", "!!int 12x", "!!python/object/apply:os.getcwd []"]
)
def test_typed_tags_are_refused_with_their_line(
    wizard: Wizard, tmp_path: Path, tagged: str
) -> None:
    text = f"flow: cmsnet\nanswers:\n  facility_name: {tagged}\n"
    err = refused(wizard, answers_file(tmp_path, text))
    assert "answers.yaml:3: this is not valid YAML for an answers file (the tag !!" in err


# --- finding 15: sizes, keys given twice, mappings ----------------------------------------------


def test_a_large_file_is_refused_before_it_is_read(wizard: Wizard, tmp_path: Path) -> None:
    text = "answers:\n" + "".join(f"  k{i}: {'x' * 90}\n" for i in range(25_000))
    began = time.perf_counter()
    err = refused(wizard, answers_file(tmp_path, text))
    assert time.perf_counter() - began < 2
    assert "answers.yaml:1: the file is larger than 2 MB" in err


def test_a_long_answer_is_refused_with_its_key(wizard: Wizard, tmp_path: Path) -> None:
    text = HOSPICE.replace("Sunny Acres Hospice", "x" * 100_000)
    err = refused(wizard, answers_file(tmp_path, text))
    assert "the answer for 'facility_name' is 100,000 characters long" in err
    assert "x" * 50 not in err


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        (
            "a.yaml",
            "flow: cmsnet\nanswers:\n  ccn: '056304'\n  ccn: '056305'\n",
            "a.yaml:4: the key 'ccn' is given twice in this mapping (first at line 3)",
        ),
        (
            "a.json",
            '{"flow": "cmsnet",\n "answers": {"ccn": "056304",\n  "ccn": "056305"}}',
            "a.json:3: the key 'ccn' is given twice in this mapping",
        ),
        ("b.yaml", "flow: a\nflow: b\n", "b.yaml:2: the key 'flow' is given twice"),
    ],
)
def test_a_key_given_twice_is_refused_with_its_line(
    wizard: Wizard, tmp_path: Path, name: str, text: str, said: str
) -> None:
    assert said in refused(wizard, answers_file(tmp_path, text, name))


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("{a: 1}", "the answer for 'facility_name' is a mapping, not text"),
        ("[[a]]", "the answer for 'facility_name' is a nested list, not text"),
    ],
)
def test_a_mapping_answer_is_refused_with_its_key(
    wizard: Wizard, tmp_path: Path, written: str, said: str
) -> None:
    text = HOSPICE.replace("Sunny Acres Hospice", written)
    assert said in refused(wizard, answers_file(tmp_path, text))


def test_a_list_answer_to_a_text_question_is_refused_with_its_key(
    wizard: Wizard, tmp_path: Path
) -> None:
    text = HOSPICE.replace("Sunny Acres Hospice", "[Sunny, Acres]")
    result = wizard("start", "--answers", str(answers_file(tmp_path, text)))
    assert result.returncode == 1
    assert "the answer for 'facility_name' is a list, but this question takes one" in (
        result.stderr
    )
    assert "['Sunny'" not in wizard("status", "--json").stdout


def test_a_facility_entry_with_a_mapping_answer_is_refused(wizard: Wizard, tmp_path: Path) -> None:
    text = "flow: cmsnet\nfacilities:\n  - facility: '056304'\n    answers: {zip: {a: 1}}\n"
    err = refused(wizard, answers_file(tmp_path, text))
    assert "the answer for 'zip' is a mapping" in err


# --- properties -------------------------------------------------------------------------------

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ids = st.builds(
    str.__add__,
    st.sampled_from(string.ascii_lowercase),
    st.text(string.ascii_lowercase + string.digits + "_", max_size=12),
)
scalars = st.text(max_size=40) | st.booleans() | st.none()
values = scalars | st.lists(st.text(max_size=12) | st.booleans(), max_size=3)


@SETTINGS
@given(
    answers=st.dictionaries(ids, values, max_size=6),
    as_json=st.booleans(),
    unicode=st.booleans(),
)
def test_any_text_written_as_an_answers_file_reads_back(
    tmp_path: Path, answers: dict[str, Any], as_json: bool, unicode: bool
) -> None:
    data = {"flow": "cmsnet", "answers": answers, "done": "all"}
    if as_json:
        text = json.dumps(data, ensure_ascii=not unicode, indent=1 if unicode else None)
    else:
        text = yaml.safe_dump(data, allow_unicode=unicode)
    path = answers_file(tmp_path, text, "prop.json" if as_json else "prop.yaml")
    read = read_answers_file(path)
    assert read.answers == answers and read.data["flow"] == "cmsnet"


FRAGMENTS = [
    "answers:", "flow:", "done:", "facilities:", "- ", "  ", "\n", ": ", "{", "}", "[", "]",
    ",", '"', "'", "&a ", "*a", "!!float ", "!!python/object:os.system ", "2025-02-30",
    "056304", "yes", "~", "<<: ", "? ", "\\ud83c", "\\x1b", "\t", "#", "|\n", "%YAML 1.1\n",
    "---\n", "...\n", "\ufeff", "\x1b", "\u202e", "\x00", "\udcff",
]  # fmt: skip
hostile = st.one_of(
    st.binary(max_size=200),
    st.lists(st.sampled_from(FRAGMENTS) | st.text(string.ascii_letters, max_size=4), max_size=40)
    .map("".join)
    .map(lambda t: t.encode("utf-8", "surrogatepass")),
)


@SETTINGS
@given(raw=hostile, json_name=st.booleans())
def test_any_bytes_give_answers_or_a_sentence(tmp_path: Path, raw: bytes, json_name: bool) -> None:
    path = answers_file(tmp_path, raw, "any.json" if json_name else "any.yaml")
    try:
        read = read_answers_file(path)
    except UsageError as exc:
        assert exc.message.endswith(".") and str(path) in exc.message
        assert "\x1b" not in exc.message and "\u202e" not in exc.message
        return
    assert isinstance(read, AnswersFile)
    for value in read.answers.values():
        assert isinstance(value, str | bool | list) or value is None
