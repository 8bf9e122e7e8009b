"""The JSON Schema of every file a flows folder holds, for editors that check files as
they are typed (``epoc-wizard flows schema``)."""

from typing import Any

from pydantic import TypeAdapter

from epoc_wizard.flowspec.model import ContactsFile, FlowFile, OverlayFile, SourcesFile
from epoc_wizard.flowspec.triagefile import TriageFile


def json_schema() -> dict[str, Any]:
    """One schema for flow, overlay, contacts, sources and triage files."""
    files = FlowFile | OverlayFile | ContactsFile | SourcesFile | TriageFile
    schema = TypeAdapter(files).json_schema(by_alias=True)
    schema["title"] = "epoc-wizard flow file"
    return schema
