"""The printable record of a journey, or a blank checklist, in Markdown or HTML.

The record holds the checklist (what is done, and when), the IDs obtained (CMSNet,
ePOC, HARP user IDs: answers whose question has ``record_as``), the waits, the
e-mails to send and the help desks. It is built from saved answers only, so no
password, key or other secret can appear in it. The HTML is made to print cleanly
on US letter paper.

Answers, the state file and flow files may hold anything, so every text is made safe for
its format (issue 12): first ``words.printable`` (one line per item, control characters
shown as escapes), then, in Markdown, a backslash before whatever could make HTML, a
link, an image, emphasis or a new block (``md``); in HTML, ``html.escape``. A line
break in an answer never starts a new block or row.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field

from epoc_wizard.core.engine import visible_steps
from epoc_wizard.core.journey import Journey
from epoc_wizard.dates import format_local
from epoc_wizard.flowspec.model import Contact, Flow
from epoc_wizard.flowspec.outline import contact_lines, describe, flow_status
from epoc_wizard.outputs.drafts import Draft, drafts_for
from epoc_wizard.words import printable


@dataclass
class Row:
    number: int
    title: str
    status: str
    detail: str
    source: str
    done: bool


@dataclass
class Record:
    title: str
    subtitle: list[str]
    rows: list[Row]
    ids: list[tuple[str, str]] = field(default_factory=list)
    waits: list[str] = field(default_factory=list)
    emails: list[Draft] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    blank: bool = False


def build(flow: Flow, journey: Journey | None, now: dt.datetime) -> Record:
    """The record of a journey; with no journey, a blank checklist of every step."""
    contacts = flow.all_contacts()
    if journey is None:
        rows = [
            Row(
                n,
                s.title,
                "",
                f"Only when {describe(s.when, flow)}." if s.when else "",
                flow.cite_step(s),
                False,
            )
            for n, s in enumerate(flow.steps, 1)
        ]
        return Record(
            f"{flow.title}: checklist",
            [
                flow.summary,
                f"Status: {flow_status(flow)}",
                "Facility: ____________________   CCN: __________   Date started: ________",
            ],
            rows,
            contacts=contacts,
            blank=True,
        )
    rows = []
    waits = []
    for n, step in enumerate(visible_steps(flow, journey.answers), 1):
        rec = journey.record(step.id)
        detail = ""
        if rec.status in ("done", "skipped") and rec.done_at:
            detail = f"{rec.status.capitalize()} {format_local(rec.done_at)}"
            if rec.wait:  # the step was done, then waited on until what it awaited came
                detail += f" (after waiting since {format_local(rec.wait.since)})"
        elif rec.status == "waiting" and rec.wait:
            w = rec.wait
            late = " (OVERDUE)" if now > w.due else ""
            detail = (
                f"Waiting for {w.wait_for} since {format_local(w.since)}; expected by "
                f"{format_local(w.due, with_time=False)}{late}"
            )
            waits.append(detail + (f". If late: {w.late.strip()}" if late else ""))
        rows.append(
            Row(
                n,
                step.title,
                rec.status,
                detail,
                flow.cite_step(step),
                rec.status == "done",
            )
        )
    obtained = [
        (q.record_as, str(journey.answers[q.id]))
        for q in flow.questions()
        if q.record_as and not q.secret and journey.answers.get(q.id)
    ]
    facility = journey.facility or "(not given)"
    label = f"{journey.label}, " if journey.label else ""
    subtitle = [
        f"Facility: {label}CCN {facility}",
        f"Journey: {journey.id}",
        f"Record printed {format_local(now)}",
    ]
    if journey.finished:
        subtitle.append(f"Finished {format_local(journey.finished)}")
    return Record(
        f"{flow.title}: access record",
        subtitle,
        rows,
        obtained,
        waits,
        drafts_for(flow, journey),
        contacts,
    )


_MARK = {"done": "[x]", "skipped": "[-]", "waiting": "[~]"}

#: What could make Markdown do something anywhere in a line: HTML and autolinks (``<``),
#: links and images (``[``, ``]``), code (`````), emphasis and strikethrough (``*``, ``~``,
#: and a run of ``_`` that could open or close emphasis), character references
#: (``&amp;``), and the backslash itself. ``_`` inside a word (``SUNR_01``) and a blank to
#: fill in (``____``) do nothing, so they are left as typed.
_MD_INLINE = re.compile(r"[\\`*\[\]<>~]|&(?=#?\w+;)|(?<!\w)_+(?=[^\s_])|(?<=[^\s_])_+(?!\w)")
#: What starts a block at the beginning of an item: a heading, quote, list, rule or table.
_MD_BLOCK = re.compile(r"^([#>+=|_-]|\d+(?=[.)]))")


def _escaped(match: re.Match[str]) -> str:
    return "".join("\\" + c for c in match.group())


def md(text: str) -> str:
    """``text`` as literal Markdown on one line: whatever it holds shows as typed, and
    nothing in it starts a block, a link, HTML or emphasis."""
    text = _MD_INLINE.sub(_escaped, printable(text).strip())
    block = _MD_BLOCK.match(text)
    if block:  # "1. " becomes "1\. ", "# " becomes "\# "
        end = block.end()
        text = text[:end] + "\\" + text[end:] if block.group()[0].isdigit() else "\\" + text
    return text


def to_markdown(record: Record) -> str:
    out = [f"# {md(record.title)}", ""] + [f"- {md(line)}" for line in record.subtitle] + [""]
    out += ["## Checklist", ""]
    for r in record.rows:
        line = f"- {_MARK.get(r.status, '[ ]')} {r.number}. {md(r.title)}"
        out.append(line + (f" — {md(r.detail)}" if r.detail else ""))
        out.append(f"  - Source: {md(r.source)}")
    if not record.blank:
        out += ["", "## IDs obtained", ""]
        out += [f"- {md(name)}: {md(value)}" for name, value in record.ids] or [
            "- None recorded yet."
        ]
        out += ["", "## Waits", ""] + ([f"- {md(w)}" for w in record.waits] or ["- None."])
        if record.emails:
            out += ["", "## E-mails to send", ""]
            for d in record.emails:
                out += [f'- To {md(d.to)}, subject "{md(d.subject)}" ({md(d.step_title)})']
    out += ["", "## Who to contact", ""]
    for c in record.contacts:
        lines = contact_lines(c)
        out.append(f"- **{md(lines[0])}**")
        # Two trailing spaces end a Markdown line: each line of a postal address keeps its own.
        out += [f"  {md(part)}  " for line in lines[1:] for part in line.splitlines()]
    out += ["", "Passwords, keys and answers to security questions are never recorded here.", ""]
    return "\n".join(out)


_CSS = """
@page { size: letter; margin: 0.7in; }
body { font-family: Georgia, 'Times New Roman', serif; font-size: 11pt; color: #000;
       max-width: 7.1in; margin: 0 auto; line-height: 1.35; }
h1 { font-size: 17pt; margin: 0 0 4pt; } h2 { font-size: 13pt; margin: 16pt 0 6pt;
     border-bottom: 1px solid #000; }
.meta { margin: 0 0 8pt; padding: 0; list-style: none; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 1px solid #444; padding: 4pt 5pt; vertical-align: top; text-align: left; }
th { background: #e8e8e8; } tr { page-break-inside: avoid; }
td.box { width: 0.35in; text-align: center; font-size: 13pt; } td.n { width: 0.3in; }
.src { font-size: 8.5pt; color: #333; } .contact { page-break-inside: avoid; margin: 0 0 6pt; }
.foot { margin-top: 14pt; font-size: 9pt; }
@media print { a { color: #000; text-decoration: none; } }
"""


def _e(text: str) -> str:
    """``text`` as HTML text: control characters shown as escapes, then escaped."""
    return html.escape(printable(text))


def to_html(record: Record) -> str:
    e = _e
    box = {"done": "&#9745;", "skipped": "&#8212;", "waiting": "&#8987;"}
    parts = [
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{e(record.title)}</title><style>{_CSS}</style></head><body>",
        f'<h1>{e(record.title)}</h1><ul class="meta">'
        + "".join(f"<li>{e(line)}</li>" for line in record.subtitle)
        + "</ul>",
        "<h2>Checklist</h2><table><tr><th></th><th>#</th><th>Step</th><th>Done / notes</th></tr>",
    ]
    for r in record.rows:
        parts.append(
            f'<tr><td class="box">{box.get(r.status, "&#9744;")}</td>'
            f'<td class="n">{r.number}</td><td>{e(r.title)}<div class="src">'
            f"{e(r.source)}</div></td><td>{e(r.detail)}</td></tr>"
        )
    parts.append("</table>")
    if not record.blank:
        parts.append(
            "<h2>IDs obtained</h2><table><tr><th>ID</th><th>Value</th></tr>"
            + (
                "".join(f"<tr><td>{e(n)}</td><td>{e(v)}</td></tr>" for n, v in record.ids)
                or '<tr><td colspan="2">None recorded yet.</td></tr>'
            )
            + "</table>"
        )
        parts.append(
            "<h2>Waits</h2><ul>"
            + ("".join(f"<li>{e(w)}</li>" for w in record.waits) or "<li>None.</li>")
            + "</ul>"
        )
        if record.emails:
            parts.append(
                "<h2>E-mails to send</h2><ul>"
                + "".join(
                    f"<li>To {e(d.to)}, subject &ldquo;{e(d.subject)}&rdquo; ({e(d.step_title)})"
                    "</li>"
                    for d in record.emails
                )
                + "</ul>"
            )
    parts.append("<h2>Who to contact</h2>")
    for c in record.contacts:
        lines = contact_lines(c)
        parts.append(
            f'<div class="contact"><strong>{e(lines[0])}</strong><br>'
            + "<br>".join(
                html.escape(printable(line.strip(), lines=True)).replace("\n", "<br>")
                for line in lines[1:]
            )
            + "</div>"
        )
    parts.append(
        '<p class="foot">Passwords, keys and answers to security questions are '
        "never recorded here.</p></body></html>\n"
    )
    return "\n".join(parts)
