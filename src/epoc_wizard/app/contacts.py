"""``epoc-wizard contacts [FLOW]``: the help desks, each with its numbers and their dated
sources, its hours where a source gives them, and whether it is open now (by the
command's clock, so ``EPOC_WIZARD_NOW`` fixes it).

A desk for which two numbers appear on current pages (the iQIES Service Center) shows
both, each with the document and date it comes from, until one is confirmed. A desk
whose hours no source gives says so, and names what to do instead: e-mail at any time.
"""

from __future__ import annotations

import datetime as dt

from epoc_wizard.flowspec.catalog import Catalog
from epoc_wizard.flowspec.deskhours import sentence
from epoc_wizard.flowspec.model import Contact, Source
from epoc_wizard.flowspec.outline import contact_lines


def desk_lines(catalog: Catalog, contact: Contact, now: dt.datetime) -> list[str]:
    """What the listing adds to ``contact_lines``: where each number comes from, and
    whether the desk is open now."""
    lines: list[str] = []
    if contact.phone and contact.other_phones:
        given = "; also ".join(_dated(catalog, s) for s in [contact.source, *contact.also])
        lines.append(f"  {contact.phone} comes from {given}.")
        for other in contact.other_phones:
            option = f", {other.option}," if other.option else ""
            lines.append(f"  {other.phone}{option} comes from {_dated(catalog, other.source)}.")
        lines.append(
            f"  Until one number is confirmed, call {contact.phone} first and the other "
            "if it does not get through (the wizard's suggestion)."
        )
    if contact.open is not None:
        lines.append(f"  {sentence(contact.open.as_data(), now)}")
        lines.append(f"  Hours from: {catalog.cite(contact.open.source)}")
    elif contact.phone:
        reach = " E-mail reaches it at any time." if contact.email else ""
        lines.append(f"  Open now? Not known: no page we could check gives its hours.{reach}")
    return lines


def _dated(catalog: Catalog, source: Source) -> str:
    """A document as people name it: publisher, title, date."""
    doc = catalog.sources.get(source.doc)
    return doc.label if doc else catalog.cite(source)


def listing(catalog: Catalog, flow: str | None, now: dt.datetime) -> str:
    """Every help desk (or a flow's), as text."""
    chosen = (
        catalog.get(flow).all_contacts()
        if flow
        else sorted(catalog.contacts.values(), key=lambda c: c.name)
    )
    blocks = []
    for c in chosen:
        lines = contact_lines(c) + desk_lines(catalog, c, now)
        lines.append(f"  (Source: {catalog.cite(*(s for s, _ in c.cited()))})")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
