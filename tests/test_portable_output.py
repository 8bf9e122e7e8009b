"""Output that works wherever people work: consoles that are not UTF-8, systems without
a time-zone database, and ``.eml`` drafts that every mail program reads.

Windows is simulated on Linux: a cp1252 stdout (``PYTHONIOENCODING=cp1252``, or a cp1252
``TextIOWrapper`` in-process), and no time-zone database (``PYTHONTZPATH`` empty for a
new process, ``zoneinfo.ZoneInfo`` refusing every key in-process).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from epoc_wizard import dates
from epoc_wizard.app.context import Context
from epoc_wizard.app.email import email as email_drafts
from epoc_wizard.app.journeys import run_journey_command
from epoc_wizard.cli import entry
from epoc_wizard.dates import USEastern, cms_timezone, due_after
from epoc_wizard.outputs.drafts import Draft

from conftest import CA_HOSPICE as SHARED_CA_HOSPICE
from conftest import NOW, wizard_env, wizard_path

NAME = "Đông Hospice"  # "Đ" is not in cp1252; "ô" is
REPLACED = "?ông Hospice"
NY = zoneinfo.ZoneInfo("America/New_York")

CMSNET = {
    "flow": "cmsnet",
    "answers": {
        "provider_type": "hospice",
        "facility_name": NAME,
        "state": "CA",
        "ccn": "056304",
        "zip": "95814",
        "existing_ids": "0",
        "cmsnet_user_id": "SACRES01",
    },
    "done": "all",
}


@pytest.fixture
def dong(home: Path, context: Callable[..., Context]) -> Path:
    """A finished journey for a facility whose name cp1252 cannot write."""
    run_journey_command(context(CMSNET), "start", None, None)
    return home


# --------------------------------------------------------------------------- encodings


def run_cp1252(home: Path, *args: str, **env: str) -> tuple[int, str, str]:
    """The installed program with a cp1252 stdout and stderr, as a redirect on Windows."""
    done = subprocess.run(
        [wizard_path(), *args],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env=wizard_env(home, PYTHONIOENCODING="cp1252", **env),
        timeout=60,
    )
    return done.returncode, done.stdout.decode("cp1252"), done.stderr.decode("cp1252")


@pytest.mark.parametrize("args", [["status"], ["export", "--format", "md"]])
def test_cp1252_output_replaces_what_it_cannot_write(dong: Path, args: list[str]) -> None:
    code, out, err = run_cp1252(dong, *args)
    assert code == 0, err
    assert REPLACED in out
    assert "Traceback" not in err and "Something went wrong" not in err


@contextmanager
def cp1252_stdout(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], str]]:
    """sys.stdout and sys.stderr as a Windows redirect: cp1252, strict errors. Gives
    what was written to stdout so far (read it inside the ``with``)."""
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="cp1252", errors="strict", write_through=True)
    err = io.TextIOWrapper(io.BytesIO(), encoding="cp1252", errors="strict")

    def written() -> str:
        out.flush()
        return raw.getvalue().decode("cp1252")

    with monkeypatch.context() as mp:
        mp.setattr(sys, "stdout", out)
        mp.setattr(sys, "stderr", err)
        yield written


def run_main_cp1252(monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    with cp1252_stdout(monkeypatch) as written:
        monkeypatch.setattr(sys, "argv", ["epoc-wizard", *args])
        try:
            entry.main()
            code: Any = 0
        except SystemExit as exc:
            code = exc.code
        assert sys.stdout.errors == "replace" and sys.stderr.errors == "replace"
        return int(code or 0), written()


@pytest.mark.parametrize(
    "args", [["status"], ["status", "--json"], ["export", "--format", "html"], ["contacts"]]
)
def test_every_command_survives_a_cp1252_stdout(
    dong: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    code, out = run_main_cp1252(monkeypatch, *args)
    assert code == 0
    if args[0] != "contacts":
        assert REPLACED in out


def test_utf8_output_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    monkeypatch.setattr(sys, "stdout", out)
    entry.tolerant_output()
    assert out.errors == "strict"


def test_rich_panels_fall_back_to_ascii_on_cp1252(monkeypatch: pytest.MonkeyPatch) -> None:
    from epoc_wizard.ui.show import View

    with cp1252_stdout(monkeypatch) as written:
        entry.tolerant_output()
        View(plain=False).notice("Facility", f"Welcome, {NAME}")
        View(plain=True).notice("Facility", f"Welcome, {NAME}")
        text = written()
    assert text.count(f"Welcome, {REPLACED}") == 2
    assert "+-" in text and "╭" not in text


# --------------------------------------------------------------------------- time zones


@contextmanager
def no_tz_database() -> Iterator[None]:
    """zoneinfo finds no zone at all, as on Windows without tzdata."""

    def refuse(key: str) -> Any:
        raise zoneinfo.ZoneInfoNotFoundError(f"No time zone found with key {key}")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(zoneinfo, "ZoneInfo", refuse)
        cms_timezone.cache_clear()
        try:
            yield
        finally:
            cms_timezone.cache_clear()


def test_without_a_database_the_fixed_rule_is_used() -> None:
    with no_tz_database():
        assert isinstance(cms_timezone(), USEastern)
    assert isinstance(cms_timezone(), zoneinfo.ZoneInfo)  # and back once it is there


# Every change between 2007 and 2040, and around them; plus any moment in those years.
CHANGES = [
    moment
    for year in range(2007, 2041)
    for moment in dates._us_dst_range(year)  # naive Eastern wall-clock times
]


def _around_changes() -> st.SearchStrategy[datetime]:
    return st.builds(
        lambda change, minutes: change.replace(tzinfo=NY) + timedelta(minutes=minutes),
        st.sampled_from(CHANGES),
        st.integers(min_value=-26 * 60, max_value=26 * 60),
    ).map(lambda t: t.astimezone(UTC))


INSTANTS = st.one_of(
    _around_changes(),
    st.datetimes(min_value=datetime(2007, 1, 2), max_value=datetime(2040, 12, 30)).map(
        lambda t: t.replace(tzinfo=UTC)
    ),
)


@settings(max_examples=150, deadline=None)
@given(INSTANTS)
def test_fixed_rule_agrees_with_the_database_on_instants(instant: datetime) -> None:
    ours, real = instant.astimezone(USEastern()), instant.astimezone(NY)
    assert ours.replace(tzinfo=None) == real.replace(tzinfo=None)
    assert (ours.utcoffset(), ours.dst(), ours.tzname()) == (
        real.utcoffset(),
        real.dst(),
        real.tzname(),
    )
    assert ours.fold == real.fold
    assert ours.astimezone(UTC) == instant


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(CHANGES),
    st.integers(min_value=-180, max_value=180),
    st.sampled_from([0, 1]),
)
def test_fixed_rule_agrees_with_the_database_on_wall_clock_times(
    change: datetime, minutes: int, fold: int
) -> None:
    # Including the skipped hour in March and the repeated one in November (PEP 495).
    wall = (change + timedelta(minutes=minutes)).replace(fold=fold)
    assert wall.replace(tzinfo=USEastern()).utcoffset() == wall.replace(tzinfo=NY).utcoffset()


# Starts around the changes, by day and time; the due dates cross them.
DUE_TABLE = [
    (datetime(2026, 3, 6, 16, 0, tzinfo=NY), 2),  # Friday before the March change
    (datetime(2026, 3, 8, 1, 30, tzinfo=NY), 1),  # just before 2 a.m. on the change
    (datetime(2026, 3, 8, 7, 30, tzinfo=UTC), 0),  # 3:30 EDT: just after
    (datetime(2026, 10, 30, 23, 30, tzinfo=NY), 2),  # Friday before the November change
    (datetime(2026, 11, 1, 5, 30, tzinfo=UTC), 2),  # 1:30 EDT, the first 1:30
    (datetime(2026, 11, 1, 6, 30, tzinfo=UTC), 2),  # 1:30 EST, the second 1:30
    (datetime(2026, 11, 2, 4, 30, tzinfo=UTC), 1),  # Sunday 23:30 EST is Monday in UTC
    (datetime(2025, 11, 3, 22, 30, tzinfo=zoneinfo.ZoneInfo("America/Los_Angeles")), 2),
    (datetime(2027, 3, 12, 23, 59, tzinfo=NY), 5),
    (datetime(2027, 11, 5, 12, 0, tzinfo=NY), 10),
    (datetime(2026, 12, 24, 12, 0, tzinfo=NY), 3),  # over Christmas and New Year
]


@pytest.mark.parametrize(("start", "business_days"), DUE_TABLE)
def test_due_dates_are_the_same_without_a_database(start: datetime, business_days: int) -> None:
    real = due_after(start, business_days=business_days)
    with no_tz_database():
        ours = due_after(start, business_days=business_days)
        assert isinstance(ours.tzinfo, USEastern)
    assert ours == real
    assert ours.utcoffset() == real.utcoffset()
    assert (ours.date(), ours.hour, ours.minute, ours.second) == (real.date(), 23, 59, 59)


@settings(max_examples=150, deadline=None)
@given(INSTANTS, st.integers(min_value=0, max_value=12))
def test_due_dates_are_the_same_without_a_database_anywhere(
    start: datetime, business_days: int
) -> None:
    real = due_after(start, business_days=business_days)
    with no_tz_database():
        ours = due_after(start, business_days=business_days)
    assert (ours, ours.utcoffset()) == (real, real.utcoffset())


def test_status_and_waits_without_a_database(home: Path, tmp_path: Path) -> None:
    """A new process that finds no zone at all (``PYTHONTZPATH`` empty, no tzdata):
    importing works, the wait's due date is the one the database gives, and status
    shows it."""
    answers = tmp_path / "answers.json"
    done = ["about_facility", "two_ids_in_use", "open_qtso", "cmsnet_information"]
    done += ["hospice_instructions", "other_request_form", "portal_validate", "request_form"]
    answers.write_text(json.dumps({**CMSNET, "done": done, "waiting": ["submit_request"]}))
    env = wizard_env(home, PYTHONTZPATH="")
    probe = "from zoneinfo import ZoneInfo; ZoneInfo('America/New_York')"
    found = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True)
    if found.returncode == 0:
        pytest.skip("the tzdata package is installed here, so the database cannot be hidden")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [wizard_path(), *args], capture_output=True, text=True, env=env, timeout=60
        )

    assert run("start", "--answers", str(answers)).returncode == 0
    status = run("status", "--json")
    assert status.returncode == 0, status.stderr
    (row,) = json.loads(status.stdout)["journeys"]
    expected = due_after(NOW, business_days=2)
    assert row["waiting"]["due"] == expected.isoformat() == "2026-11-25T23:59:59-05:00"
    text = run("status")
    assert text.returncode == 0 and "expected by" in text.stdout


# --------------------------------------------------------------------------- .eml drafts

CA_HOSPICE = {**SHARED_CA_HOSPICE, "facility_name": NAME}


def check_eml(raw: bytes) -> Any:
    """The checks every draft passes; the parsed message."""
    head, sep, _ = raw.partition(b"\r\n\r\n")
    assert sep, "no blank line (CRLF CRLF) between headers and body"
    assert raw.isascii(), "the file is not 7-bit"
    assert raw.count(b"\n") == raw.count(b"\r\n"), "a line does not end in CRLF"
    assert b"\r\nX-Unsent: 1\r\n" in b"\r\n" + head + b"\r\n"
    msg = message_from_bytes(raw, policy=policy.default)
    assert not msg.defects
    assert msg["X-Unsent"] == "1"
    assert msg["Date"] is not None
    return msg


def test_drafts_are_eml_any_mail_program_opens(home: Path, context: Callable[..., Context]) -> None:
    run_journey_command(
        context({"flow": "legacy-epoc", "answers": CA_HOSPICE, "done": ["about_facility"]}),
        "start",
        None,
        None,
    )
    email_drafts(context(), None, None, None)
    paths = sorted((home / "drafts" / "legacy-epoc-551501").glob("*.eml"))
    assert paths
    for path in paths:
        msg = check_eml(path.read_bytes())
        assert msg["Date"].datetime == NOW  # the context's clock, not the wall clock
        assert NAME in msg.get_content()
        assert msg["To"].addresses[0].addr_spec == "CDPH-ASPEN-HELP@cdph.ca.gov"


def test_non_ascii_headers_are_encoded_words_and_round_trip() -> None:
    draft = Draft(
        id="x",
        step_id="s",
        step_title="A step",
        to="help@example.gov",
        to_name="Trung tâm Hỗ trợ",
        subject=f"ePOC access for {NAME} (CCN 551501)",
        body=f"Facility: {NAME}\n" + "A long line, " * 12 + "\nThanks.\n",
        why="",
        missing=(),
    )
    when = datetime(2026, 3, 8, 3, 15, tzinfo=NY)
    raw = draft.eml(when)
    msg = check_eml(raw)
    assert b"=?utf-8?" in raw.partition(b"\r\n\r\n")[0]  # RFC 2047
    assert msg["Subject"] == draft.subject
    assert msg["To"].addresses[0].display_name == draft.to_name
    assert msg["Date"].datetime == when
    assert msg.get_content().replace("\r\n", "\n") == draft.body


def test_drafts_keep_their_date(tmp_path: Path) -> None:
    from epoc_wizard.outputs.drafts import save

    draft = Draft("d", "s", "t", "a@example.gov", "", "Subject", "Body\n", "", ())
    path = save(draft, tmp_path / "drafts" / "j", datetime(2026, 12, 1, 14, 0, tzinfo=UTC))
    assert check_eml(path.read_bytes())["Date"].datetime == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
