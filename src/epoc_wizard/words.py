"""Small helpers for the sentences the wizard prints."""

from __future__ import annotations


def plural(n: int, one: str, many: str) -> str:
    """``1 step``, ``2 steps``."""
    return f"{n} {one if n == 1 else many}"
