"""``epoc-wizard doctor [--repair]``: is the saved progress healthy, and what to do.

The reading of the state folder is ``state/health.py``; the repair, ``state/repair.py``.
This adds what needs the flows (do they load, does every journey's flow exist) and
prints the report. Imported only by the ``doctor`` command.
"""

from __future__ import annotations

import sys

from epoc_wizard.state.finding import Finding
from epoc_wizard.state.health import Reading, diagnose
from epoc_wizard.state.repair import repair
from epoc_wizard.words import fitted, plural, printable, screen_width, wrapped


def flow_findings(reading: Reading) -> list[Finding]:
    from epoc_wizard.errors import FlowError
    from epoc_wizard.flowspec.catalog import flow_dirs, load_catalog

    extra = [str(d) for d in flow_dirs()[1:]]
    where = f" (with your own flows from {', '.join(extra)})" if extra else ""
    try:
        catalog = load_catalog()
    except FlowError as exc:
        return [
            Finding(
                "problem",
                f"The flow files{where} have "
                f"{plural(len(exc.problems), 'problem', 'problems')}:\n"
                + "\n".join(f"  {p}" for p in exc.problems),
                "Correct each line named above (file:line), or move that file out "
                "of the flows folder; 'epoc-wizard flows check FILE' checks it "
                "again.",
            )
        ]
    out = [
        Finding(
            "ok",
            f"Flows: {plural(len(catalog.flows), 'flow loads', 'flows load')} "
            f"without problems{where}.",
        )
    ]
    for jid, data in reading.good.items():
        flow = data.get("flow")
        if flow not in catalog.flows:
            out.append(
                Finding(
                    "problem",
                    f"The journey '{jid}' follows the flow '{flow}', "
                    "which is not installed, so it cannot be resumed.",
                    "Put that flow file back in your flows folder, or delete the "
                    f"journey with: epoc-wizard reset {jid}",
                )
            )
    return out


_LABEL = {"ok": "OK", "note": "NOTE", "problem": "PROBLEM"}


def render(findings: list[Finding], width: int | None = None) -> str:
    """The report; with a terminal's ``width``, a finding's first line is broken under
    its text, not under its label (the other lines are wrapped when printed)."""
    lines = []
    for f in findings:
        label = f"{_LABEL[f.level]:<8} "
        first, *rest = f.text.split("\n")
        lines.append(wrapped(printable(label + first), width, hang=" " * 9))
        lines += [" " * 9 + r for r in rest]
        if f.fix:
            lines.append(" " * 9 + "What to do: " + f.fix)
    problems = sum(f.level == "problem" for f in findings)
    lines.append("")
    lines.append(
        "Everything looks healthy."
        if not problems
        else f"{plural(problems, 'problem', 'problems')} found; see 'What to do' above."
    )
    return "\n".join(lines)


def main(*, repair_it: bool) -> int:
    """``epoc-wizard doctor [--repair]``: the report (after repairing); the exit code."""
    if repair_it:
        said = repair()
        print("Repair:" if said else "Repair: nothing needed repairing.")
        for line in said:
            print(fitted(printable(f"  {line}", lines=True)))
        print()
    findings = diagnose(flows=flow_findings)
    # Journey ids, flow names and file names come from the state folder: shown, not obeyed.
    print(fitted(printable(render(findings, screen_width()), lines=True)))
    sys.stdout.flush()
    return 1 if any(f.level == "problem" for f in findings) else 0
