"""Batch runs: ``--quiet`` prints one line per facility instead of every step panel
(issue 15, item 13: ten facilities printed about 2,500 lines). Before: no ``--quiet``
(an unknown option), and no summary per facility.
"""

from __future__ import annotations

from pathlib import Path

from conftest import Wizard

BATCH = (
    "flow: cmsnet\n"
    "answers: {provider_type: hospice, state: CA, existing_ids: '0'}\n"
    "done: [about_facility, open_qtso]\n"
    "facilities:\n"
    "  - {facility: '551501', answers: {facility_name: One, zip: '95814'}}\n"
    "  - {facility: '051502', answers: {facility_name: Two, zip: '90001'}}\n"
    "  - {facility: '451503', answers: {facility_name: Three, zip: '75201'}}\n"
)


def test_quiet_batch_prints_one_line_per_facility(wizard: Wizard, tmp_path: Path) -> None:
    path = tmp_path / "corp.yaml"
    path.write_text(BATCH, encoding="utf-8")
    ran = wizard("start", "--answers", str(path), "--quiet")
    assert ran.returncode == 1  # the Texas CCN does not belong to CA
    lines = ran.stdout.strip().splitlines()
    assert len(lines) == 4, ran.stdout
    assert lines[0].startswith("551501  cmsnet-551501  2/")
    assert "next: Go to the CMSNet Information page" in lines[0]
    assert lines[1].startswith("051502  cmsnet-051502  2/")
    assert lines[2].startswith("451503  NOT DONE: ") and "Texas" in lines[2]
    assert lines[3] == "Started or continued 2 of 3 facilities. Not done: 451503."
    assert "╭" not in ran.stdout and "Step " not in ran.stdout  # no step panel
    # One journey: one line too; and --quiet needs a file (the steps are what one answers).
    single = tmp_path / "one.yaml"
    single.write_text(BATCH.split("facilities:")[0] + "facility: '551501'\n", encoding="utf-8")
    ran = wizard("resume", "cmsnet-551501", "--answers", str(single), "--quiet")
    assert ran.returncode == 0 and ran.stdout.strip().startswith("551501  cmsnet-551501  2/")
    assert len(ran.stdout.strip().splitlines()) == 1, ran.stdout
    refused = wizard("start", "cmsnet", "--quiet")
    assert refused.returncode == 2 and "--quiet works with --answers" in refused.stderr
