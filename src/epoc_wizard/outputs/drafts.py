"""E-mail drafts: the e-mails the sources tell people to send, filled in from the answers.

Each draft comes from a step's ``email`` block: the recipient is the contact's
address, the subject is the exact one the source requires, and the body names the
facility with the saved answers (facility name, facility ID, CCN). A value not given
yet is left as a visible bracket to fill in, never as a ``{placeholder}``. Only saved
answers can fill a draft, and secrets are never saved, so no secret can reach one.

Drafts are written as standard ``.eml`` files (``X-Unsent: 1``, so mail programs open
them as drafts to send) in the state folder, and offered as ``mailto:`` links. The file
is what every mail program reads, on every system: built with the standard library's
``email`` package under the SMTP policy, so lines end in CRLF; 7-bit throughout (headers
with anything beyond ASCII, a facility name like "Đông", are encoded words of RFC 2047,
and such a body is quoted-printable UTF-8); and a ``Date`` header from the command's
clock (``Context.now``), never the wall clock, so a fixed clock gives the same file.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import quote

from epoc_wizard.core.engine import visible_steps
from epoc_wizard.core.journey import Journey
from epoc_wizard.flowspec.conditions import PLACEHOLDER, fill_in
from epoc_wizard.flowspec.model import Flow, Step

#: How drafts are written: CRLF line ends, and nothing but 7-bit ASCII in the file.
_EML_POLICY = policy.SMTP.clone(cte_type="7bit")


@dataclass(frozen=True)
class Draft:
    id: str
    step_id: str
    step_title: str
    to: str
    to_name: str
    subject: str
    body: str
    why: str
    missing: tuple[str, ...]

    def eml(self, date: dt.datetime) -> bytes:
        """The draft as an ``.eml`` file dated ``date`` (timezone-aware): CRLF line ends,
        7-bit, non-ASCII header text as RFC 2047 encoded words, ``X-Unsent: 1``."""
        msg = EmailMessage(policy=_EML_POLICY)
        msg["To"] = f"{self.to_name} <{self.to}>" if self.to_name else self.to
        msg["Subject"] = self.subject
        msg["Date"] = format_datetime(date)
        msg["X-Unsent"] = "1"
        msg.set_content(self.body, cte=None if self.body.isascii() else "quoted-printable")
        return msg.as_bytes()

    def mailto(self) -> str:
        return f"mailto:{self.to}?subject={quote(self.subject)}&body={quote(self.body)}"


def _fill(text: str, flow: Flow, journey: Journey, missing: list[str]) -> str:
    text = fill_in(text, journey.answers)

    def blank(m: object) -> str:
        qid = m.group(1)  # type: ignore[attr-defined]
        q = flow.question(qid)
        label = q.prompt.split("(")[0].strip() if q else qid.replace("_", " ")
        if label not in missing:
            missing.append(label)
        return f"[{label}: please fill in]"

    return PLACEHOLDER.sub(blank, text)


def draft_for(flow: Flow, journey: Journey, step: Step) -> Draft | None:
    if step.email is None:
        return None
    contact = flow.contact_book.get(step.email.to)
    if contact is None or not contact.email:
        return None
    missing: list[str] = []
    subject = _fill(step.email.subject, flow, journey, missing)
    body = _fill(step.email.body.strip(), flow, journey, missing) + "\n"
    return Draft(
        id=step.email.id,
        step_id=step.id,
        step_title=step.title,
        to=contact.email,
        to_name=contact.name,
        subject=subject,
        body=body,
        why=step.email.why,
        missing=tuple(missing),
    )


def drafts_for(flow: Flow, journey: Journey) -> list[Draft]:
    """Every e-mail of the steps that apply to this journey, in step order."""
    out = []
    for step in visible_steps(flow, journey.answers):
        draft = draft_for(flow, journey, step)
        if draft is not None:
            out.append(draft)
    return out


def drafts_dir(state: Path, journey: Journey) -> Path:
    return state / "drafts" / journey.id


def save(draft: Draft, directory: Path, date: dt.datetime) -> Path:
    """Write the draft as ``<id>.eml`` (mode 0600), dated ``date`` (the command's clock),
    and return its path."""
    for folder in (directory.parent, directory):  # drafts name facilities: keep them private
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / f"{draft.id}.eml"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(draft.eml(date))
    return path
