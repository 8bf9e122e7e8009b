"""A due date is a date of the business calendar (US Eastern), whatever zone the computer
is in (issue 15, item 1): no date in ``status``'s text, or in the record, differs from a
date in ``status --json``, in six zones, across both daylight-saving changes, and with
the clock saved in UTC (as the real clock gives it).

Before: on a computer set to Guam, Puerto Rico or UTC, a wait due at 23:59:59 Eastern on a
Monday showed "expected by Tue ..." while the JSON said Monday.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from epoc_wizard.app.status import journey_rows, render_json, render_text
from epoc_wizard.core.engine import mark, summarize
from epoc_wizard.core.journey import Journey
from epoc_wizard.dates import business_date
from epoc_wizard.flowspec.catalog import Catalog
from epoc_wizard.outputs.record import build
from epoc_wizard.state.store import Store

ZONES = (
    "America/Los_Angeles",
    "America/New_York",
    "America/Puerto_Rico",
    "Pacific/Guam",
    "UTC",
    "Pacific/Honolulu",
)
#: When the wait (two business days, CMSNet's request) starts: late in the evening,
#: Eastern, so that its end, 23:59:59 Eastern, is already the next day in Guam or in UTC.
CLOCKS = {
    "december": "2026-12-10T22:30:00-05:00",  # Thu; due Mon 14 Dec
    "into daylight time": "2026-03-05T23:30:00-05:00",  # Thu; due Mon 9 Mar, EDT
    "out of daylight time": "2026-10-29T23:30:00-04:00",  # Thu; due Mon 2 Nov, EST
    "saved in UTC": "2026-12-11T03:30:00+00:00",  # the real clock: Thu 10 Dec 22:30 EST
}
ANSWERS = {
    "provider_type": "hospice",
    "facility_name": "Sunny Acres Hospice",
    "state": "CA",
    "ccn": "056304",
    "zip": "95814",
    "existing_ids": "0",
}
DONE = ["about_facility", "open_qtso", "cmsnet_information", "hospice_instructions"]
DONE += ["portal_validate", "request_form"]
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
#: A date as the text writes it: "Mon 14 Dec 2026", "Mon 14 December 2026", "14 December 2026".
_SHOWN = re.compile(
    r"\b(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* (\d{4})\b"
)


def shown_dates(text: str) -> set[str]:
    return {
        dt.date(int(y), _MONTHS.index(m) + 1, int(d)).isoformat()
        for d, m, y in _SHOWN.findall(text)
    }


def json_dates(text: str) -> set[str]:
    return set(re.findall(r"\d{4}-\d{2}-\d{2}", text))


@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is not available on this platform")

    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("clock", CLOCKS)
def test_no_date_in_the_text_differs_from_the_json(
    home: Path, bundled: Catalog, zone: Callable[[str], None], clock: str
) -> None:
    # The journey as a session saves it at that moment (the engine's rules, no screen).
    start = dt.datetime.fromisoformat(CLOCKS[clock])
    flow = bundled.get("cmsnet")
    new = Journey(
        id="cmsnet-056304",
        flow="cmsnet",
        facility="056304",
        created=start,
        updated=start,
        answers=ANSWERS,
    )
    for step in DONE:
        new = mark(flow, new, step, "done", start)
    new = summarize(flow, mark(flow, new, "submit_request", "waiting", start), start)
    Store(home).create(lambda taken: new)
    journeys = json.loads((home / "state.json").read_text())["journeys"]
    saved = Store(home).load("cmsnet-056304")
    due = journeys["cmsnet-056304"]["steps"]["submit_request"]["wait"]["due"]
    monday = business_date(start) + dt.timedelta(days=4)
    assert due.startswith(f"{monday}T23:59:59")
    if start.utcoffset() == dt.timedelta(0):  # saved as the real clock gives it, in UTC ...
        assert journeys["cmsnet-056304"]["updated"].endswith("Z")
        (row,) = json.loads(render_json(journey_rows(journeys, start)))["journeys"]
        # ... and given by status --json on the business calendar, as the text shows it.
        assert row["updated"] == row["waiting"]["since"] == "2026-12-10T22:30:00-05:00"
        assert row["waiting"]["due"] == "2026-12-14T23:59:59-05:00"
    for name in ZONES:
        zone(name)
        for now in (start, start + dt.timedelta(days=5)):  # waiting, then overdue
            rows = journey_rows(journeys, now)
            record = build(flow, saved, now)  # its times: not the sources' own dates
            text = "\n".join(
                [render_text(rows, now), *record.waits]
                + [line for line in record.subtitle if not line.startswith("Record printed")]
                + [r.detail for r in record.rows]
            )
            data = render_json(rows)
            assert "expected by" in text or "overdue since" in text
            differ = shown_dates(text) - json_dates(data)
            assert not differ, (clock, name, now, differ, text)
            assert re.search(r"\d\d:\d\d E[SD]T\b", text), "a time shown without its zone"
