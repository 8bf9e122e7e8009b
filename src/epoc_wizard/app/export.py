"""``epoc-wizard export``: a journey's printable record (Markdown or HTML)."""

from __future__ import annotations

from pathlib import Path

from epoc_wizard.app.context import Context
from epoc_wizard.errors import UsageError


def export(
    ctx: Context,
    journey_id: str | None,
    facility: str | None,
    fmt: str,
    output: Path | None,
    blank: str | None,
) -> str:
    """The record as text; written to ``output`` when given (the path is returned then)."""
    from epoc_wizard.outputs.record import build, to_html, to_markdown

    if fmt not in ("md", "html"):
        raise UsageError(f"--format {fmt!r}: use md (Markdown) or html.")
    catalog = ctx.catalog
    if blank is not None:
        record = build(catalog.get(blank), None, ctx.now())
    else:
        journey = ctx.pick_journey(journey_id, facility)
        record = build(catalog.get(journey.flow), journey, ctx.now())
    text = to_markdown(record) if fmt == "md" else to_html(record)
    if output is None:
        return text
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(
            f"Cannot write {output} ({exc.strerror}). Choose another --output path."
        ) from None
    return f"Saved the record as {output}."
