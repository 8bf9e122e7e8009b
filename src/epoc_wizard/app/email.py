"""``epoc-wizard email``: the e-mails a journey asks for, saved as .eml drafts."""

from __future__ import annotations

from epoc_wizard.app.context import Context
from epoc_wizard.errors import StateError, UsageError


def email(ctx: Context, journey_id: str | None, facility: str | None, open_id: str | None) -> str:
    """List the journey's drafts, writing each as .eml again; open one on request."""
    from epoc_wizard.outputs import drafts

    store = ctx.store
    journey = ctx.pick_journey(journey_id, facility)
    catalog = ctx.catalog
    found = drafts.drafts_for(catalog.get(journey.flow), journey)
    if not found:
        return (
            f"{journey.id} ({catalog.get(journey.flow).title}) has no e-mail to send: "
            "its source documents ask for none. (California's CDPH steps, for example, "
            "do.)"
        )
    lines = [f"E-mails for {journey.id}:"]
    now = ctx.now()
    folder = drafts.drafts_dir(store.directory, journey)
    for d in found:
        try:  # a refused link or odd file is a StateError with its sentence already
            path = drafts.save(d, folder, now)
        except OSError as exc:
            raise StateError(
                f"Could not save the e-mail draft '{d.id}' in {folder}: {exc.strerror or exc}.",
                "Any draft saved there before is unchanged; fix this and run the same "
                "command again.",
            ) from None
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
