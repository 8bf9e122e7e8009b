"""``epoc-wizard sources``: every document the guidance comes from, with its date,
address, and the paths that cite it, so a person can judge how current it is."""

from __future__ import annotations

from epoc_wizard.flowspec.catalog import Catalog
from epoc_wizard.words import long_date


def listing(catalog: Catalog) -> str:
    lines = []
    checked = catalog.checked()
    if checked:
        lines += [
            f"The wizard's guidance was last checked against these on {long_date(checked)}.",
            "",
        ]
    for kind, heading in (
        ("original", "The documents the paths were first written from"),
        ("outside", "Later notices and pages that update them"),
    ):
        docs = [d for d in catalog.sources.values() if d.kind == kind]
        if not docs:
            continue
        lines += [f"{heading}:", ""]
        for d in sorted(docs, key=lambda d: (d.date is None, d.date or d.id), reverse=False):
            lines.append(f"  {d.publisher}: {d.title}")
            lines.append(f"    Date: {d.when}")
            if d.url:
                lines.append(f"    Address: {d.url}")
            if d.read_at:
                lines.append(f"    Read at: {d.read_at}")
            users = catalog.cited_by(d.id)
            lines.append(f"    Cited by: {', '.join(users) if users else '(nothing yet)'}")
            lines.append(f"    Id: {d.id}")
            lines.append("")
    return "\n".join(lines).rstrip()
