"""The package's shape: folders are layers (checked by import-linter in .ci/run), no
import cycle anywhere (imports inside functions included), and a small top level."""

from __future__ import annotations

from pathlib import Path

import grimp

import epoc_wizard

PACKAGE = Path(epoc_wizard.__file__).parent


def test_no_import_cycle_even_through_imports_inside_functions() -> None:
    graph = grimp.build_graph("epoc_wizard")
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back is not None and imported != module:
                cycles.append(" -> ".join((module, *back)))
    assert cycles == []


def test_the_top_level_holds_at_most_ten_modules() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 10, top


def test_every_layer_folder_says_what_it_is() -> None:
    for folder in ("checks", "flowspec", "core", "state", "ui", "outputs", "app", "cli"):
        doc = (PACKAGE / folder / "__init__.py").read_text(encoding="utf-8")
        assert doc.startswith('"""'), folder
