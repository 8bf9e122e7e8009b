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
from epoc_wizard.dates import format_due, format_local
from epoc_wizard.flowspec.model import Contact, Flow, Step
from epoc_wizard.flowspec.outline import contact_lines, describe, flow_status, what_next
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
    #: The step's links: (title, address).
    links: list[tuple[str, str]] = field(default_factory=list)


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
    #: The answers given (none is a secret: secrets are never saved): (question, answer).
    answers: list[tuple[str, str]] = field(default_factory=list)
    #: What the flow says comes next, once the journey is finished.
    next: list[str] = field(default_factory=list)


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
                _links(s),
            )
            for n, s in enumerate(flow.steps, 1)
        ]
        who = (
            "Organization: ____________________"
            if flow.identifying("organization_name")
            else "Facility: ____________________   CCN: __________"
        )
        return Record(
            f"{flow.title}: checklist",
            [
                flow.summary,
                f"Status: {flow_status(flow)}",
                f"{who}   Date started: ________",
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
                f"{format_due(w.since, w.due)}{late}"
            )
            waits.append(detail + (f". If late: {w.late.strip()}" if late else ""))
        tickets = journey.tickets_for(step.id)
        if tickets:
            noted = f"Help-desk ticket{'s' if len(tickets) > 1 else ''}: {', '.join(tickets)}"
            detail = f"{detail}; {noted}" if detail else noted
        rows.append(
            Row(
                n,
                step.title,
                rec.status,
                detail,
                flow.cite_step(step),
                rec.status == "done",
                _links(step),
            )
        )
    obtained = [
        (q.record_as, str(journey.answers[q.id]))
        for q in flow.questions()
        if q.record_as and not q.secret and journey.answers.get(q.id)
    ]
    subtitle = [_whose(flow, journey), f"Journey: {journey.id}"]
    subtitle.append(f"Record printed {format_local(now)} ({TIMES})")
    if journey.finished:
        subtitle.append(f"Finished {format_local(journey.finished)}")
    if journey.deadline is not None and not journey.finished:
        from epoc_wizard.core.deadline import lines, plan

        p = plan(journey.model_dump(mode="json"), now)
        subtitle += lines(p, journey.id) if p else []
    given = [
        (q.short_label, q.display(journey.answers[q.id]))
        for step in visible_steps(flow, journey.answers)
        for q in step.questions
        if q.id in journey.answers and not q.secret and not q.record_as
    ]
    return Record(
        f"{flow.title}: access record",
        subtitle,
        rows,
        obtained,
        waits,
        drafts_for(flow, journey),
        contacts,
        answers=given,
        next=what_next(flow, journey.answers) if journey.finished else [],
    )


#: Which zone the record's times are in (``dates.format_local``).
TIMES = "times are US Eastern, the business calendar CMS's help desks keep"


def _whose(flow: Flow, journey: Journey) -> str:
    """Whom the journey is for: the facility (name and CCN), or an assister's organization."""
    if flow.identifying("organization_name") and not journey.facility:
        return f"Organization: {journey.label or '(not given)'}"
    label = f"{journey.label}, " if journey.label else ""
    return f"Facility: {label}CCN {journey.facility or '(not given)'}"


def _links(step: Step) -> list[tuple[str, str]]:
    return [(link.title, link.url) for link in step.links]


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


#: An address that can be a link as it is: web or e-mail, no space, angle bracket or quote.
_LINK = re.compile(r"(https?://|mailto:)[!#-;=?-~]+", re.IGNORECASE)


def md_link(title: str, url: str) -> str:
    """A link in Markdown (``[title](<url>)``) when the address is safe to be one, else
    the title and the address as text."""
    if _LINK.fullmatch(url):
        return f"[{md(title)}](<{url}>)"
    return f"{md(title)}: {md(url)}"


def to_markdown(record: Record) -> str:
    out = [f"# {md(record.title)}", ""] + [f"- {md(line)}" for line in record.subtitle] + [""]
    out += ["## Checklist", ""]
    for r in record.rows:
        line = f"- {_MARK.get(r.status, '[ ]')} {r.number}. {md(r.title)}"
        out.append(line + (f" — {md(r.detail)}" if r.detail else ""))
        out += [f"  - Link: {md_link(title, url)}" for title, url in r.links]
        out.append(f"  - Source: {md(r.source)}")
    if not record.blank:
        out += ["", "## Answers given", ""]
        out += [f"- {md(q)}: {md(a)}" for q, a in record.answers] or ["- None yet."]
        out += ["", "## IDs obtained", ""]
        out += [f"- {md(name)}: {md(value)}" for name, value in record.ids] or [
            "- None recorded yet."
        ]
        out += ["", "## Waits", ""] + ([f"- {md(w)}" for w in record.waits] or ["- None."])
        if record.emails:
            out += ["", "## E-mails to send", ""]
            for d in record.emails:
                out += [f'- To {md(d.to)}, subject "{md(d.subject)}" ({md(d.step_title)})']
        if record.next:
            out += ["", "## What comes next", ""] + [f"- {md(n)}" for n in record.next]
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
td.box { width: 0.7in; text-align: center; } td.n { width: 0.3in; }
.tick { display: inline-block; width: 10pt; height: 10pt; border: 1px solid #000; }
.links { font-size: 9.5pt; margin-top: 2pt; } a { color: #1a4f8b; }
.src { font-size: 8.5pt; color: #333; } .contact { page-break-inside: avoid; margin: 0 0 6pt; }
.foot { margin-top: 14pt; font-size: 9pt; }
@media print { a { color: #000; text-decoration: none; } }
"""


def _e(text: str) -> str:
    """``text`` as HTML text: control characters shown as escapes, then escaped."""
    return html.escape(printable(text))


def _a(url: str, text: str | None = None) -> str:
    """A link (``href`` escaped) when ``url`` is a web or e-mail address that can be one;
    else the text. The text shown is the address unless ``text`` is given."""
    shown = _e(url if text is None else text)
    if not _LINK.fullmatch(url):
        return shown
    return f'<a href="{html.escape(url, quote=True)}">{shown}</a>'


#: The status column: words, which every font has (a symbol such as U+231B, the
#: hourglass, printed as an empty box), and an empty box drawn by CSS to tick by hand.
_STATUS = {"done": "Done", "skipped": "Skipped", "waiting": "Waiting"}
_TICK = '<span class="tick" title="to do"></span>'


def _contact_html(c: Contact) -> str:
    lines = contact_lines(c)
    out = []
    for line in lines[1:]:
        text = line.strip()
        label, _, value = text.partition(": ")
        if label == "E-mail" and c.email and value == c.email:
            out.append(f"E-mail: {_a('mailto:' + c.email, c.email)}")
        elif label == "Web" and c.web and value == c.web:
            out.append(f"Web: {_a(c.web)}")
        else:
            out.append(html.escape(printable(text, lines=True)).replace("\n", "<br>"))
    return f'<div class="contact"><strong>{_e(lines[0])}</strong><br>' + "<br>".join(out) + "</div>"


def to_html(record: Record) -> str:
    e = _e
    parts = [
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{e(record.title)}</title><style>{_CSS}</style></head><body>",
        f'<h1>{e(record.title)}</h1><ul class="meta">'
        + "".join(f"<li>{e(line)}</li>" for line in record.subtitle)
        + "</ul>",
        "<h2>Checklist</h2><table><tr><th>Status</th><th>#</th><th>Step</th>"
        "<th>Done / notes</th></tr>",
    ]
    for r in record.rows:
        links = "".join(f'<div class="links">{e(title)}: {_a(url)}</div>' for title, url in r.links)
        parts.append(
            f'<tr><td class="box">{_STATUS.get(r.status, _TICK)}</td>'
            f'<td class="n">{r.number}</td><td>{e(r.title)}{links}<div class="src">'
            f"{e(r.source)}</div></td><td>{e(r.detail)}</td></tr>"
        )
    parts.append("</table>")
    if not record.blank:
        parts.append(
            "<h2>Answers given</h2><table><tr><th>Question</th><th>Answer</th></tr>"
            + (
                "".join(f"<tr><td>{e(q)}</td><td>{e(a)}</td></tr>" for q, a in record.answers)
                or '<tr><td colspan="2">None yet.</td></tr>'
            )
            + "</table>"
        )
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
                    f"<li>To {_a('mailto:' + d.to, d.to)}, subject &ldquo;{e(d.subject)}&rdquo; "
                    f"({e(d.step_title)}): {_a(d.mailto(), 'open it in your mail program')}</li>"
                    for d in record.emails
                )
                + "</ul>"
            )
        if record.next:
            parts.append(
                "<h2>What comes next</h2><ul>"
                + "".join(f"<li>{e(n)}</li>" for n in record.next)
                + "</ul>"
            )
    parts.append("<h2>Who to contact</h2>")
    parts += [_contact_html(c) for c in record.contacts]
    parts.append(
        '<p class="foot">Passwords, keys and answers to security questions are '
        "never recorded here.</p></body></html>\n"
    )
    return "\n".join(parts)
