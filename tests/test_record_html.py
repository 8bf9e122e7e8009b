"""The HTML record (issue 15, item 12), as headless Chromium printed it to PDF: real links
(``href`` to the flow's pages, ``mailto:`` for help desks), a heading on every column, the
answers given, no waiting mark U+231B (common fonts lack it: it printed as an empty box),
and every time with its zone. Before: no ``href`` at all, an empty first header cell, no
answers, ``&#8987;``, and times in the computer's zone without saying which.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

from epoc_wizard.app.export import export
from epoc_wizard.app.journeys import run_journey_command

CMSNET = {
    "flow": "cmsnet",
    "answers": {
        "provider_type": "hospice",
        "facility_name": "Sunny <Acres> & Co",
        "state": "CA",
        "ccn": "056304",
        "zip": "95814",
        "existing_ids": "0",
    },
    "done": [
        *("about_facility", "open_qtso", "cmsnet_information", "hospice_instructions"),
        *("portal_validate", "request_form"),
    ],
    "waiting": ["submit_request"],
}


class Page(HTMLParser):
    """The links and the header cells of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.headers: list[str] = []
        self._in_th = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [v or "" for k, v in attrs if k == "href"]
        if tag == "th":
            self._in_th = True
            self.headers.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "th":
            self._in_th = False

    def handle_data(self, data: str) -> None:
        if self._in_th:
            self.headers[-1] += data


def test_the_html_record_has_links_answers_headers_and_zones(
    context: Callable[..., Any],
) -> None:
    run_journey_command(context(CMSNET), "start", None, None)
    page = export(context(), None, None, "html", None, None)
    parsed = Page()
    parsed.feed(page)
    assert "https://qtso.cms.gov" in parsed.hrefs  # the step's link
    assert "mailto:mdcn.mco@palmettogba.com" in parsed.hrefs  # the help desk's e-mail
    assert all(h.startswith(("https://", "mailto:")) for h in parsed.hrefs), parsed.hrefs
    assert parsed.headers[:4] == ["Status", "#", "Step", "Done / notes"]
    assert all(h.strip() for h in parsed.headers)
    assert "<h2>Answers given</h2>" in page
    assert "<td>Facility name</td><td>Sunny &lt;Acres&gt; &amp; Co</td>" in page
    assert "<td>ZIP Code of the facility</td><td>95814</td>" in page
    assert "\u231b" not in page and "&#8987;" not in page and ">Waiting</td>" in page
    times = re.findall(r"\d\d:\d\d(?: [A-Z]{3})?", page)
    assert times and all(t.endswith((" EST", " EDT")) for t in times), times
    assert "times are US Eastern" in page
    md = export(context(), None, None, "md", None, None)
    assert "[QTSO website](<https://qtso.cms.gov>)" in md
    assert "- Facility name: Sunny \\<Acres\\> & Co" in md
