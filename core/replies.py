"""The platform-neutral reply model; each adapter renders it (Block Kit, embeds, plain text).

Text in a reply is plain text: user-supplied fragments have already been cleaned by core, and
each adapter escapes for its own markup. Buttons carry a command line as their action, so a
click is dispatched exactly like the typed command.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ButtonStyle(StrEnum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


ACTION_PREFIX = "gigguard:"
MAX_ACTION_ID = 100  # Discord's custom_id limit (Slack allows 255)


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    command: str  # the command line a click runs, e.g. "done communications"
    style: ButtonStyle = ButtonStyle.DEFAULT

    def __post_init__(self) -> None:
        if len(self.action_id) > MAX_ACTION_ID:
            raise ValueError(f"button command too long for an action id: {self.command!r}")

    @property
    def action_id(self) -> str:
        """The command itself behind a prefix: stable across restarts, and reversible."""
        return ACTION_PREFIX + self.command


def command_of(action_id: str) -> str:
    """The command line a button's action id carries (the inverse of `Button.action_id`)."""
    return action_id.removeprefix(ACTION_PREFIX)


@dataclass(frozen=True, slots=True)
class Section:
    text: str
    title: str | None = None


@dataclass(frozen=True, slots=True)
class CodeBlock:
    """Text meant to be copied verbatim (the no-AI clause, JSON exports)."""

    text: str
    title: str | None = None


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    label: str
    done: bool
    detail: str = ""
    button: Button | None = None


@dataclass(frozen=True, slots=True)
class Checklist:
    title: str
    items: tuple[ChecklistItem, ...]
    summary: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    title: str | None = None


Block = Section | CodeBlock | Checklist | Table


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with the reply (a chart). `alt_text` says what it shows, for screen readers
    and for adapters that cannot upload; the reply's blocks must make sense without it."""

    filename: str
    content: bytes = field(repr=False)
    mime: str
    alt_text: str


@dataclass(frozen=True, slots=True)
class Reply:
    blocks: tuple[Block, ...]
    buttons: tuple[Button, ...] = ()
    context: str | None = None  # a footnote line: source and last-checked date
    ephemeral: bool = True
    data: dict[str, object] | None = field(default=None, compare=False)  # machine-readable payload
    attachments: tuple[Attachment, ...] = ()
