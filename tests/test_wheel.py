"""The wheel, installed in a fresh virtual environment, works without the source tree."""

from __future__ import annotations

import subprocess
import sys
import venv
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

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", str(wheel)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    # Run from an empty folder, so nothing can be found through the source tree.
    work = tmp_path / "elsewhere"
    work.mkdir()
    result = subprocess.run(
        [str(env_dir / "bin" / "epoc-wizard"), "flows", "list"],
        capture_output=True,
        text=True,
        cwd=work,
        timeout=60,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "EPOC_WIZARD_HOME": str(tmp_path / "state"),
        },
    )
    assert result.returncode == 0, result.stderr
    assert "cmsnet" in result.stdout and "CMSNet user ID" in result.stdout
