"""The wheel, installed in a fresh virtual environment, works without the source tree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_and_finds_its_flows(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = dist.glob("epoc_wizard-*.whl")
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert "epoc_wizard/bundled_flows/cmsnet.yaml" in names
    assert "epoc_wizard/bundled_flows/contacts.yaml" in names

    # Installed on its own into an empty folder (its dependencies come from this
    # environment, which is faster than a fresh one and tests the same thing: that the
    # package finds its flows without the source tree).
    target = tmp_path / "installed"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    # Run from an empty folder, so nothing can be found through the source tree.
    work = tmp_path / "elsewhere"
    work.mkdir()
    probe = (
        "import epoc_wizard, sys; from pathlib import Path; "
        f"assert Path(epoc_wizard.__file__).is_relative_to({str(target)!r}), epoc_wizard.__file__; "
        "from epoc_wizard.cli.entry import main; "
        "sys.argv = ['epoc-wizard', 'flows', 'list']; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=work,
        timeout=60,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "PYTHONPATH": str(target),
            "EPOC_WIZARD_HOME": str(tmp_path / "state"),
        },
    )
    assert result.returncode == 0, result.stderr
    assert "cmsnet" in result.stdout and "CMSNet user ID" in result.stdout
    assert (target / "epoc_wizard" / "bundled_flows" / "sources.yaml").is_file()
