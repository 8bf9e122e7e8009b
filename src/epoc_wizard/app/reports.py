"""``export`` and ``email``: the printable record and the e-mail drafts of a journey."""

from __future__ import annotations

from pathlib import Path

from epoc_wizard import clock
from epoc_wizard.core.journey import Journey
from epoc_wizard.errors import UsageError
from epoc_wizard.flowspec.catalog import Catalog, load_catalog
from epoc_wizard.state.store import Store


def pick_journey(store: Store, journey_id: str | None, facility: str | None) -> Journey:
    """The journey named, or else the most recently active one (of that facility)."""
    if journey_id is not None:
        return store.load(journey_id)
    rows = [
        (jid, j)
        for jid, j in store.journeys().items()
        if facility is None or j.get("facility") == facility
    ]
    if not rows:
        raise UsageError(
            "There is no journey"
            + (f" for {facility}" if facility else "")
            + " yet. Start one with: epoc-wizard start"
        )
    latest, data = max(rows, key=lambda r: str(r[1].get("updated", "")))
    return store.journey(latest, data)  # a damaged entry: StateError, with a sentence


def export(
    journey_id: str | None, facility: str | None, fmt: str, output: Path | None, blank: str | None
) -> str:
    """The record as text; written to ``output`` when given (the path is returned then)."""
    from epoc_wizard.outputs.record import build, to_html, to_markdown

    if fmt not in ("md", "html"):
        raise UsageError(f"--format {fmt!r}: use md (Markdown) or html.")
    catalog = load_catalog()
    if blank is not None:
        record = build(catalog.get(blank), None, clock.now())
    else:
        journey = pick_journey(Store(), journey_id, facility)
        record = build(catalog.get(journey.flow), journey, clock.now())
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


def email(journey_id: str | None, facility: str | None, open_id: str | None) -> str:
    """List the journey's drafts, writing each as .eml again; open one on request."""
    from epoc_wizard.outputs import drafts

    store = Store()
    journey = pick_journey(store, journey_id, facility)
    catalog: Catalog = load_catalog()
    found = drafts.drafts_for(catalog.get(journey.flow), journey)
    if not found:
        return (
            f"{journey.id} ({catalog.get(journey.flow).title}) has no e-mail to send: "
            "its source documents ask for none. (California's CDPH steps, for example, "
            "do.)"
        )
    lines = [f"E-mails for {journey.id}:"]
    for d in found:
        path = drafts.save(d, drafts.drafts_dir(store.directory, journey))
        lines += [
            "",
            f"[{d.id}] {d.step_title}",
            f"  To: {d.to}",
            f"  Subject: {d.subject}",
            f"  Saved as: {path}",
            f"  Mail link: {d.mailto()}",
        ]
        if d.missing:
            lines.append("  Still to fill in: " + ", ".join(d.missing) + ".")
    if open_id is not None:
        chosen = next((d for d in found if d.id == open_id), None)
        if chosen is None:
            raise UsageError(
                f"No e-mail called '{open_id}'. Choose one of: "
                + ", ".join(d.id for d in found)
                + "."
            )
        import webbrowser

        opened = webbrowser.open(chosen.mailto())
        lines.append(
            ""
            if opened
            else "No mail program could be opened here; use the .eml file or the mail link above."
        )
    return "\n".join(lines).rstrip()
