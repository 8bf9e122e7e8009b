"""A line of the ``doctor`` report, and the names every part of it shares."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from epoc_wizard.state.document import STATE_FILE

Level = Literal["ok", "note", "problem"]
DAMAGED_GLOB = "state.damaged-*.json"
TEMP_GLOB = f".{STATE_FILE}.*.tmp"
REPAIR = "epoc-wizard doctor --repair"


@dataclass
class Finding:
    """One line of the report; a problem says what to do about it."""

    level: Level
    text: str
    fix: str = ""


def quoted(path: Path) -> str:
    return shlex.quote(str(path))
