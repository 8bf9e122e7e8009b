"""``status --json`` has a documented schema (issue 15, item 11): the JSON Schema shipped
with the package (``status --json-schema``), described field by field in
docs/status-json.md, and real output checked against it here with a small validator (no
dependency). Each journey now says its state and the e-mail address CMS writes to.
Before: no state, no e-mail, no schema.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from epoc_wizard.core.engine import summarize
from epoc_wizard.core.journey import Journey
from epoc_wizard.state.store import Store

from conftest import CA_HOSPICE, NOW, Wizard

DOC = Path(__file__).parent.parent / "docs" / "status-json.md"
_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "boolean": bool,
    "null": type(None),
}


def problems(value: Any, schema: dict[str, Any], root: dict[str, Any], at: str = "$") -> list[str]:
    """What in ``value`` does not fit ``schema``: the few JSON Schema words the status
    schema uses ($ref, type, const, enum, pattern, minimum, required, properties, items,
    oneOf)."""
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return problems(value, target, root, at)
    if "oneOf" in schema:
        fits = [s for s in schema["oneOf"] if not problems(value, s, root, at)]
        return [] if len(fits) == 1 else [f"{at}: fits {len(fits)} of oneOf, not exactly 1"]
    out = []
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        ok = any(
            isinstance(value, _TYPES[k]) and not (k == "integer" and isinstance(value, bool))
            for k in kinds
        )
        if not ok:
            return [f"{at}: {value!r} is not {kinds}"]
    if "const" in schema and value != schema["const"]:
        out.append(f"{at}: not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{at}: {value!r} not in {schema['enum']}")
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        out.append(f"{at}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, int) and "minimum" in schema and value < schema["minimum"]:
        out.append(f"{at}: {value} < {schema['minimum']}")
    if isinstance(value, dict):
        out += [f"{at}: no '{k}'" for k in schema.get("required", []) if k not in value]
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                out += problems(value[key], sub, root, f"{at}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            out += problems(item, schema["items"], root, f"{at}[{i}]")
    return out


def properties(schema: Any) -> set[str]:
    """Every property name the schema describes."""
    if isinstance(schema, dict):
        names = set(schema.get("properties", {}))
        return names.union(*(properties(v) for v in schema.values()))
    if isinstance(schema, list):
        return set().union(*(properties(v) for v in schema))
    return set()


def test_real_output_fits_the_documented_schema(
    home: Path, context: Callable[..., Any], wizard: Wizard
) -> None:
    # A California hospice on the legacy path with every answer given, saved as a session
    # saves it (the engine's summary); and, written as the state file holds them, a
    # journey waiting on a wait, with a plan-of-correction due date and access that lapses.
    flow = context().catalog.get("legacy-epoc")
    new = Journey(
        id="legacy-epoc-551501",
        flow=flow.id,
        facility="551501",
        created=NOW,
        updated=NOW,
        answers=CA_HOSPICE,
    )
    Store(home).create(lambda taken: summarize(flow, new, NOW))
    Store(home).write({"iqies-245001": ONE_MORE})
    schema_text = wizard("status", "--json-schema").stdout
    schema = json.loads(schema_text)
    ran = wizard("status", "--json")
    assert ran.returncode == 0, ran.stderr
    data = json.loads(ran.stdout)
    assert problems(data, schema, schema) == []
    rows = {r["id"]: r for r in data["journeys"]}
    ca = rows["legacy-epoc-551501"]
    assert (ca["state"], ca["contact_email"]) == ("CA", "admin@sunrise.example")
    other = rows["iqies-245001"]
    assert other["access"] and other["deadline"] and other["waiting"]
    assert (other["state"], other["contact_email"]) == ("MN", None)
    # The validator would see a mistake: it is not a rubber stamp.
    ca["state"] = "California"
    del other["progress"]
    found = problems(data, schema, schema)
    assert any("state" in p for p in found) and any("no 'progress'" in p for p in found)
    # Every field of the schema is described in docs/status-json.md.
    doc = DOC.read_text(encoding="utf-8")
    assert not {p for p in properties(schema) if f"`{p}`" not in doc}


ONE_MORE: dict[str, Any] = {
    "id": "iqies-245001",
    "flow": "iqies",
    "facility": "245001",
    "label": "Lakeside",
    "created": "2026-11-20T09:00:00-05:00",
    "updated": "2026-11-23T09:00:00-05:00",
    "deadline": {"received": "2026-11-20"},
    "answers": {"state": "MN"},
    "steps": {
        "role_status": {
            "status": "waiting",
            "wait": {
                "wait_for": "the approval e-mail",
                "since": "2026-11-16T09:00:00-05:00",
                "due": "2026-11-20T23:59:59-05:00",
                "late": "Call the iQIES Service Center.",
                "contact": "iQIES Service Center",
                "phone": "(800) 339-9313",
            },
        }
    },
    "summary": {
        "flow_title": "HARP account + the iQIES role for your task",
        "step_id": "role_status",
        "step_title": "Read the approval e-mail",
        "done": 20,
        "total": 30,
        "state": "MN",
        "access": {"what": "your iQIES role(s)", "days": 60, "renew": "", "since": "2026-10-01"},
        "ahead": [{"step_id": "role_status", "title": "approval", "business_days": 5}],
    },
}
