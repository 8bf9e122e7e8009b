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

Writing one never harms what is there (issue 12): the bytes are built first, then written
to a new temporary file beside the draft and renamed over it; no link is followed (a
linked ``drafts/``, journey folder or ``.eml`` is refused with a sentence); and the
folder's name is ``safe_name`` of the journey id, never the raw id, so no id edited into
the state file can put a draft outside the state folder. Folders are made 0700 whatever the
umask, and one that others may write in is made 0700 first if it is the person's own, or
refused if it is someone else's (``permissions.secure_folder``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import os
import re
import secrets
import stat
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import quote

from epoc_wizard.core.engine import visible_steps
from epoc_wizard.core.journey import Journey
from epoc_wizard.errors import StateError
from epoc_wizard.fileio import O_BINARY, O_NOFOLLOW, is_link, write_and_close
from epoc_wizard.flowspec.conditions import PLACEHOLDER, fill_in
from epoc_wizard.flowspec.model import Flow, Step
from epoc_wizard.state.document import DRAFTS_FOLDER
from epoc_wizard.state.permissions import secure_folder, tell
from epoc_wizard.words import printable

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
        # Built as an address object, so the name is quoted where it needs to be and can
        # never add a recipient; the flow's checks keep line breaks out of both.
        msg["To"] = Address(display_name=self.to_name, addr_spec=self.to)
        msg["Subject"] = self.subject
        msg["Date"] = format_datetime(date)
        msg["X-Unsent"] = "1"
        msg.set_content(self.body, cte=None if self.body.isascii() else "quoted-printable")
        return msg.as_bytes()

    def mailto(self) -> str:
        return f"mailto:{self.to}?subject={quote(self.subject)}&body={quote(self.body)}"


def _fill(text: str, flow: Flow, journey: Journey, missing: list[str]) -> str:
    text = fill_in(text, flow.wording(journey.answers))

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
    # Answers come from the state file: what it may hold is shown, never obeyed (issue 12);
    # the subject stays one line (a line break in a header would start another header).
    subject = printable(_fill(step.email.subject, flow, journey, missing))
    body = printable(_fill(step.email.body.strip(), flow, journey, missing), lines=True) + "\n"
    tickets = journey.tickets_for(step.id)
    if tickets:  # before the closing line: the desk finds the case it already opened
        body = _with_ticket(body, printable(", ".join(tickets)))
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


def _with_ticket(body: str, tickets: str) -> str:
    """The body with a "Ticket:" line after its last paragraph but one (the closing)."""
    paragraphs = body.rstrip("\n").split("\n\n")
    line = f"Ticket: {tickets}"
    at = len(paragraphs) - 1 if len(paragraphs) > 1 else len(paragraphs)
    paragraphs.insert(at, line)
    return "\n\n".join(paragraphs) + "\n"


def drafts_for(flow: Flow, journey: Journey) -> list[Draft]:
    """Every e-mail of the steps that apply to this journey, in step order."""
    out = []
    for step in visible_steps(flow, journey.answers):
        draft = draft_for(flow, journey, step)
        if draft is not None:
            out.append(draft)
    return out


#: The longest folder or file name made from a journey or e-mail id (before the hash).
MAX_NAME = 64
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
#: How ``safe_name`` marks a name it changed: a dash, ``h`` and 12 hex digits at the end.
_MARKED = re.compile(r"-h[0-9a-f]{12}\Z")
#: Names Windows keeps for devices, whatever the case or extension.
_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{p}{n}" for p in ("com", "lpt") for n in range(10)]
)


def safe_name(raw: str) -> str:
    """A file or folder name for ``raw`` (a journey id, an e-mail id) that cannot leave
    its folder on any system: only ``A-Z a-z 0-9 _ -``, no leading dash, at most
    ``MAX_NAME`` characters before the mark, never a device name of Windows.

    A safe id is its own name, so ``legacy-epoc-551501`` stays ``legacy-epoc-551501``.
    Anything else (``../evil``, ``a/b``, NUL or control characters, leading dots, an
    over-long id) has its other characters replaced by ``_``, is cut to ``MAX_NAME`` and
    gets ``-h`` and 12 hex digits of the id's SHA-256, so two ids that differ only in
    unsafe characters get two names. An unchanged name never ends like a mark (an id
    that does is marked too), so a changed id cannot take an unchanged one's name.
    """
    cleaned = _UNSAFE.sub("_", raw)
    if (
        cleaned == raw
        and 0 < len(raw) <= MAX_NAME
        and not raw.startswith("-")
        and not _MARKED.search(raw)
        and raw.lower() not in _RESERVED
    ):
        return raw
    digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{cleaned.lstrip('-')[:MAX_NAME] or 'x'}-h{digest}"


#: The folder, inside the state folder, that holds one folder of drafts per journey.
DRAFTS = DRAFTS_FOLDER


def drafts_dir(state: Path, journey: Journey) -> Path:
    """``<state>/drafts/<safe form of the journey id>``; the name never comes from the
    raw id, and the path is checked to be inside the state folder."""
    path = state / DRAFTS / safe_name(journey.id)
    base = os.path.normpath(os.path.abspath(state))
    if os.path.dirname(os.path.dirname(os.path.normpath(os.path.abspath(path)))) != base:
        raise StateError(  # safe_name makes this impossible; kept as the last guard
            f"Did not save the e-mail drafts: the journey id '{journey.id}' would put them "
            f"outside {state}."
        )
    return path


#: Whether folders can be walked through open descriptors (``mkdirat``, ``openat``,
#: ``renameat``: POSIX), so that no link can be swapped in between a check and a write.
#: Where they cannot (Windows), every name is checked with ``lstat`` just before use.
_AT: bool = {os.open, os.mkdir, os.stat, os.unlink} <= os.supports_dir_fd
_DIRECTORY: int = getattr(os, "O_DIRECTORY", 0)


def _refused(path: Path, what: str) -> StateError:
    return StateError(
        f"Did not save the e-mail draft: {path} is {what}, so it was left as it is and "
        "nothing was written through it.",
        "Move it away (the wizard makes it again as it should be) and run the same "
        "command again; the e-mail is also shown as text and as a mail link.",
    )


@dataclass(frozen=True)
class _Folder:
    """A folder being written in: its path, and an open descriptor where ``_AT``."""

    path: Path
    fd: int | None

    def at(self, name: str) -> str:
        """What to give ``os`` functions (with ``dir_fd=self.fd``) for ``name`` here."""
        return name if self.fd is not None else str(self.path / name)

    def lstat(self, name: str) -> os.stat_result | None:
        try:
            return os.stat(self.at(name), dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None


def _enter(parent: _Folder, name: str) -> _Folder:
    """The folder ``name`` in ``parent``, made (0700) when missing; refused when it is a
    link or not a folder."""
    path = parent.path / name
    with contextlib.suppress(FileExistsError):
        os.mkdir(parent.at(name), 0o700, dir_fd=parent.fd)
    st = parent.lstat(name)
    if st is not None and is_link(st):
        raise _refused(path, "a link (drafts are never written through a link)")
    if st is None or not stat.S_ISDIR(st.st_mode):
        raise _refused(path, "not a folder")
    if parent.fd is None:
        tell(secure_folder(path, follow=False))
        return _Folder(path, None)
    try:  # OO_NOFOLLOW: a link swapped in since the check is refused, not followed
        fd = os.open(name, os.O_RDONLY | _DIRECTORY | O_NOFOLLOW, dir_fd=parent.fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            raise _refused(path, "a link or not a folder") from None
        raise
    try:
        tell(secure_folder(path, fd))
    except BaseException:
        os.close(fd)
        raise
    return _Folder(path, fd)


def _write_new(folder: _Folder, name: str, payload: bytes) -> None:
    """Write ``payload`` to a new file ``name`` (0600): never an existing file, never
    through a link; fsynced and closed."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_NOFOLLOW | O_BINARY
    fd = os.open(folder.at(name), flags, 0o600, dir_fd=folder.fd)
    try:
        write_and_close(fd, payload)
    except OSError:  # a full disk, a size limit: leave no half-written file behind
        with contextlib.suppress(OSError):
            os.unlink(folder.at(name), dir_fd=folder.fd)
        raise


def save(draft: Draft, directory: Path, date: dt.datetime) -> Path:
    """Write the draft as ``<id>.eml`` (mode 0600) in ``directory`` (``drafts_dir``),
    dated ``date`` (the command's clock), and return its path.

    The file is built first, then written to a new temporary file in the same folder
    (``O_CREAT | O_EXCL | OO_NOFOLLOW``), fsynced, closed and renamed over the old draft:
    a failure at any moment leaves the previous draft as it was. ``drafts/``, the
    journey's folder and the ``.eml`` itself are never followed when they are links, and
    are refused (``StateError``) when they are links or not the kind expected. Folders
    are made 0700: drafts name facilities.
    """
    payload = draft.eml(date)
    name = f"{safe_name(draft.id)}.eml"
    root = directory.parent.parent
    opened: list[int] = []
    try:
        folder = _Folder(root, None)
        if _AT:  # the state folder itself is the person's choice: it may be a link
            fd = os.open(root, os.O_RDONLY | _DIRECTORY)
            opened.append(fd)
            folder = _Folder(root, fd)
        tell(secure_folder(root, folder.fd))
        for part in (directory.parent.name, directory.name):
            folder = _enter(folder, part)
            if folder.fd is not None:
                opened.append(folder.fd)
        path = folder.path / name
        st = folder.lstat(name)
        if st is not None and is_link(st):
            raise _refused(path, "a link (drafts are never written through a link)")
        if st is not None and not stat.S_ISREG(st.st_mode):
            raise _refused(path, "not a file")
        tmp = f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        _write_new(folder, tmp, payload)
        try:
            if folder.fd is not None:
                os.replace(tmp, name, src_dir_fd=folder.fd, dst_dir_fd=folder.fd)
            else:
                os.replace(folder.at(tmp), folder.at(name))
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(folder.at(tmp), dir_fd=folder.fd)
            raise
        if folder.fd is not None:
            with contextlib.suppress(OSError):
                os.fsync(folder.fd)
        return path
    finally:
        for fd in opened:
            os.close(fd)


@dataclass(frozen=True)
class Removed:
    """What ``remove_drafts`` did: how many drafts it deleted, and why it left any."""

    count: int
    left: str = ""


def _draft_file(name: str) -> bool:
    """A draft the wizard writes, or the temporary file of a save that was cut short."""
    return (name.endswith(".eml") and not name.startswith(".")) or (
        name.startswith(".") and name.endswith(".tmp") and ".eml." in name
    )


def remove_drafts(state: Path, journey_id: str) -> Removed:
    """Delete a journey's e-mail drafts (``reset``): the ``.eml`` files in
    ``<state>/drafts/<safe form of the id>`` and any temporary file of a save cut short,
    then the folder when nothing else is in it. The drafts name the facility, so they go
    with the journey.

    Nothing is followed: ``drafts/`` or the journey's folder being a link (or not a
    folder) leaves everything as it is, said in ``left``; a link, folder or other file
    inside is left too. On POSIX the folders are walked through descriptors opened with
    ``O_NOFOLLOW``, so no link swapped in meanwhile is followed; elsewhere each name is
    checked with ``lstat`` just before it is deleted.
    """
    path = state / DRAFTS / safe_name(journey_id)
    opened: list[int] = []
    try:
        folder = _Folder(state, None)
        if _AT:  # the state folder itself is the person's choice: it may be a link
            try:
                fd = os.open(state, os.O_RDONLY | _DIRECTORY)
            except FileNotFoundError:
                return Removed(0)
            opened.append(fd)
            folder = _Folder(state, fd)
        for part in (DRAFTS, path.name):
            st = folder.lstat(part)
            if st is None:
                return Removed(0)
            if is_link(st) or not stat.S_ISDIR(st.st_mode):
                what = "a link" if is_link(st) else "not a folder"
                return Removed(0, f"{folder.path / part} is {what}, so it was left as it is.")
            if folder.fd is None:
                folder = _Folder(folder.path / part, None)
                continue
            try:
                fd = os.open(part, os.O_RDONLY | _DIRECTORY | O_NOFOLLOW, dir_fd=folder.fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                    return Removed(0, f"{folder.path / part} is a link or not a folder.")
                raise
            opened.append(fd)
            folder = _Folder(folder.path / part, fd)
        names = os.listdir(folder.fd if folder.fd is not None else folder.path)
        count = 0
        kept = False
        for name in sorted(names):
            st = folder.lstat(name)
            if st is None:
                continue
            if not (_draft_file(name) and stat.S_ISREG(st.st_mode) and not is_link(st)):
                kept = True
                continue
            os.unlink(folder.at(name), dir_fd=folder.fd)
            count += name.endswith(".eml")
        if not kept:
            at_fd = folder.fd is not None and os.rmdir in os.supports_dir_fd
            parent = opened[-2] if at_fd else None
            with contextlib.suppress(OSError):  # something appeared meanwhile: it stays
                if parent is not None:
                    os.rmdir(path.name, dir_fd=parent)
                else:
                    os.rmdir(folder.path)
        return Removed(count, f"{path} holds other files, which were left." if kept else "")
    finally:
        for fd in opened:
            os.close(fd)
