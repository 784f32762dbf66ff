"""Core reply -> Discord messages (embeds plus the buttons to attach). Pure: no I/O.

Discord refuses a message over its limits instead of truncating it, so long replies are split
over several embeds and messages rather than failing. It also refuses an embed with nothing but
a colour and a message with nothing in it, so blank sections are left out and a reply with
nothing to show renders no message at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import discord

from core.render_text import render_table
from core.replies import Attachment, Block, Button, Checklist, CodeBlock, Reply, Section, Table
from core.text_fit import clip, split_text

MAX_EMBEDS = 10
MAX_MESSAGE_EMBED_CHARS = 6000
MAX_TITLE = 256
MAX_DESCRIPTION = 4096
MAX_FIELDS = 25
MAX_FIELD_NAME = 256
MAX_FIELD_VALUE = 1024
MAX_FOOTER = 2048
MAX_BUTTONS = 25  # 5 action rows of 5 buttons
COLOUR = discord.Colour(0x2E8B57)
FENCE = "```"


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One Discord message: embeds and the buttons to attach as a persistent view."""

    embeds: tuple[discord.Embed, ...] = ()
    buttons: tuple[Button, ...] = ()
    attachments: tuple[Attachment, ...] = ()  # uploaded as files with the last message


def render(reply: Reply) -> list[Outgoing]:
    embeds = [embed for block in reply.blocks for embed in _block_embeds(block)]
    if reply.context:
        _add_footer(embeds, _inert(reply.context))
    messages = [Outgoing(embeds=group) for group in _pack(embeds)]
    button_groups = list(_chunked(reply_buttons(reply), MAX_BUTTONS))
    if button_groups and messages:
        messages[-1] = Outgoing(embeds=messages[-1].embeds, buttons=button_groups.pop(0))
    messages += [Outgoing(buttons=group) for group in button_groups]
    if reply.attachments:
        last = messages.pop() if messages else Outgoing()
        messages.append(replace(last, attachments=reply.attachments))
    return messages


def reply_buttons(reply: Reply) -> tuple[Button, ...]:
    """Every button in the reply, once each: Discord refuses a custom_id twice in a message.

    A checklist button sits below the embed, not beside its item, so its label names the item.
    """
    found = [
        replace(item.button, label=f"{item.button.label}: {item.label}")
        for block in reply.blocks
        if isinstance(block, Checklist)
        for item in block.items
        if item.button is not None
    ]
    unique = {button.action_id: button for button in [*found, *reply.buttons]}
    return tuple(unique.values())


def _block_embeds(block: Block) -> list[discord.Embed]:
    match block:
        case Section(text=text, title=title):
            if not text.strip() and not (title or "").strip():
                return []
            return _text_embeds(title, split_text(_inert(text.strip()), MAX_DESCRIPTION))
        case CodeBlock(text=text, title=title):
            return _text_embeds(title, _fenced_chunks(text))
        case Table(headers=headers, rows=rows, title=title):
            return _text_embeds(title, _fenced_chunks(render_table(headers, rows)))
        case Checklist():
            return _checklist_embeds(block)
    raise TypeError(f"unknown block {block!r}")


def _text_embeds(title: str | None, chunks: list[str]) -> list[discord.Embed]:
    embeds = [discord.Embed(description=chunk or None, colour=COLOUR) for chunk in chunks or [""]]
    if title and title.strip():
        embeds[0].title = clip(_inert(title), MAX_TITLE)
    return embeds


def _checklist_embeds(checklist: Checklist) -> list[discord.Embed]:
    title = clip(_inert(checklist.title), MAX_TITLE)
    first = discord.Embed(title=title, colour=COLOUR)
    if checklist.summary:
        first.description = clip(_inert(checklist.summary), MAX_DESCRIPTION)
    embeds = [first]
    for item in checklist.items:
        mark = "✅" if item.done else "⬜"
        name = clip(f"{mark} {_inert(item.label)}", MAX_FIELD_NAME)
        value = clip(_inert(item.detail), MAX_FIELD_VALUE) if item.detail else "\u2014"
        current = embeds[-1]
        if (
            len(current.fields) >= MAX_FIELDS
            or len(current) + len(name) + len(value) > MAX_MESSAGE_EMBED_CHARS
        ):
            current = discord.Embed(colour=COLOUR)
            embeds.append(current)
        current.add_field(name=name, value=value, inline=False)
    return embeds


def _add_footer(embeds: list[discord.Embed], text: str) -> None:
    footer = clip(text, MAX_FOOTER)
    if not embeds or len(embeds[-1]) + len(footer) > MAX_MESSAGE_EMBED_CHARS:
        embeds.append(discord.Embed(colour=COLOUR))
    embeds[-1].set_footer(text=footer)


def _pack(embeds: list[discord.Embed]) -> Iterator[tuple[discord.Embed, ...]]:
    """Group embeds into messages of at most 10 embeds and 6,000 characters."""
    group: list[discord.Embed] = []
    size = 0
    for embed in embeds:
        if group and (len(group) == MAX_EMBEDS or size + len(embed) > MAX_MESSAGE_EMBED_CHARS):
            yield tuple(group)
            group, size = [], 0
        group.append(embed)
        size += len(embed)
    if group:
        yield tuple(group)


def _fenced_chunks(text: str) -> list[str]:
    # A fence inside the text would close the code block early.
    safe = text.replace(FENCE, "`\u200b`\u200b`")
    room = MAX_DESCRIPTION - len(FENCE) * 2 - 2
    return [f"{FENCE}\n{chunk}\n{FENCE}" for chunk in split_text(safe, room)]


def _chunked(buttons: tuple[Button, ...], size: int) -> Iterator[tuple[Button, ...]]:
    for start in range(0, len(buttons), size):
        yield buttons[start : start + size]


def _inert(text: str) -> str:
    """Defuse @everyone, @here and raw mentions (AllowedMentions.none() also stops pings)."""
    return discord.utils.escape_mentions(text)
