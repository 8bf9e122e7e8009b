"""The flow format: the pydantic models, conditions, loading YAML with file:line errors,
the parse cache, whole-flow cross-checks, the catalog (bundled and own flows, overlays)
and readable outlines. Imports only ``checks`` and the shared top-level modules."""
