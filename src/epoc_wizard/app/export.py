"""``epoc-wizard export``: a journey's printable record (Markdown or HTML).

With ``--output`` the record is written by ``outputs/newfile.py``: never over the state
folder's own files, never through a symbolic link, never over an existing file unless
``--force`` is given, and atomically.
"""

from __future__ import annotations

from pathlib import Path

from epoc_wizard.app.context import Context
from epoc_wizard.errors import UsageError
from epoc_wizard.outputs.newfile import checked_target, write_new


def export(
    ctx: Context,
    journey_id: str | None,
    facility: str | None,
    fmt: str,
    output: Path | None,
    blank: str | None,
    *,
    force: bool = False,
) -> str:
    """The record as text; written to ``output`` when given (the path is returned then)."""
    if fmt not in ("md", "html"):
        raise UsageError(f"--format {fmt!r}: use md (Markdown) or html.")
    # The path is checked first, so that a wrong one is said before any work is done.
    target = None if output is None else checked_target(output, ctx.store.directory, force)

    from epoc_wizard.outputs.record import build, to_html, to_markdown

    catalog = ctx.catalog
    if blank is not None:
        record = build(catalog.get(blank), None, ctx.now())
    else:
        journey = ctx.pick_journey(journey_id, facility)
        record = build(catalog.get(journey.flow), journey, ctx.now())
    text = to_markdown(record) if fmt == "md" else to_html(record)
    if output is None or target is None:
        return text
    write_new(target, output, text.encode("utf-8"), force)
    return f"Saved the record as {output}."
