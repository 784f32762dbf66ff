"""Render a core reply as Block Kit messages: pure functions, every member-visible text escaped.

Slack limits (Block Kit reference): 50 blocks per message, 100 in a Home tab, 3,000 characters
of section text, 150 of header text, 25 elements per actions block, 75 per button label.
A reply that does not fit is split over several messages rather than rejected by Slack.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.render_text import render_table
from core.replies import Block, Button, ButtonStyle, Checklist, CodeBlock, Reply, Section, Table
from core.text_fit import clip, split_text

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_ACTIONS = 25
MAX_BUTTON_TEXT = 75
MAX_FALLBACK_TEXT = 40_000
_FENCE = "```"

SlackBlock = dict[str, Any]


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """One chat message: Block Kit blocks plus the notification / fallback `text`."""

    text: str
    blocks: list[SlackBlock]


@dataclass(frozen=True, slots=True)
class _Piece:
    block: SlackBlock
    fallback: str  # this block's share of the message's plain `text`


def escape(text: str) -> str:
    """Slack's three control characters; escaping `<` and `>` defeats `<!channel>`, `<@U…>`."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def chunks(text: str, budget: int) -> list[str]:
    """Escape `text` and cut it into parts of at most `budget` characters (at least one part)."""
    return split_text(text, budget, escape=escape) or [""]


def _mrkdwn(text: str) -> _Piece:
    return _Piece({"type": "section", "text": {"type": "mrkdwn", "text": text}}, text)


def _titled_sections(title: str | None, text: str) -> list[_Piece]:
    heading = f"*{clip(escape(title), MAX_HEADER_TEXT)}*\n" if _visible(title) else ""
    parts = chunks(text, MAX_SECTION_TEXT - len(heading))
    parts[0] = heading + parts[0]
    return [_mrkdwn(part) for part in parts if part.strip()]


def _preformatted(title: str | None, text: str) -> list[_Piece]:
    pieces = [_mrkdwn(f"*{clip(escape(title), MAX_HEADER_TEXT)}*")] if _visible(title) else []
    budget = MAX_SECTION_TEXT - 2 * len(_FENCE) - 2
    pieces += [_mrkdwn(f"{_FENCE}\n{part}\n{_FENCE}") for part in chunks(text, budget)]
    return pieces


def _visible(text: str | None) -> bool:
    """Slack refuses a text object with nothing visible in it (the whole message, not the block)."""
    return bool(text and text.strip())


def button(spec: Button) -> SlackBlock:
    label = spec.label if _visible(spec.label) else spec.command
    element: SlackBlock = {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(label, MAX_BUTTON_TEXT), "emoji": True},
        "action_id": spec.action_id,
        "value": spec.command,
    }
    if spec.style is not ButtonStyle.DEFAULT:
        element["style"] = spec.style.value
    return element


def _checklist(block: Checklist) -> list[_Piece]:
    header = clip(block.title, MAX_HEADER_TEXT)
    pieces = (
        [_Piece({"type": "header", "text": {"type": "plain_text", "text": header}}, escape(header))]
        if _visible(header)
        else []
    )
    for item in block.items:
        mark = ":white_check_mark:" if item.done else ":white_large_square:"
        detail = f"\n{escape(item.detail)}" if item.detail else ""
        text = clip(f"{mark} *{escape(item.label)}*{detail}", MAX_SECTION_TEXT)
        section: SlackBlock = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
        if item.button is not None:
            section["accessory"] = button(item.button)
        tick = "[x]" if item.done else "[ ]"
        pieces.append(_Piece(section, escape(f"{tick} {item.label}")))
    if block.summary:
        pieces += _titled_sections(None, block.summary)
    return pieces


def _pieces(block: Block) -> list[_Piece]:
    match block:
        case Section(text=text, title=title):
            return _titled_sections(title, text)
        case CodeBlock(text=text, title=title):
            return _preformatted(title, text)
        case Checklist():
            return _checklist(block)
        case Table(headers=headers, rows=rows, title=title):
            return _preformatted(title, render_table(headers, rows))
    raise TypeError(f"unknown reply block {block!r}")


def _actions(buttons: tuple[Button, ...]) -> list[_Piece]:
    return [
        _Piece(
            {"type": "actions", "elements": [button(b) for b in group]},
            escape("  ".join(f"[{b.label}]" for b in group)),
        )
        for group in (buttons[i : i + MAX_ACTIONS] for i in range(0, len(buttons), MAX_ACTIONS))
    ]


def _all_pieces(reply: Reply) -> list[_Piece]:
    pieces = [piece for block in reply.blocks for piece in _pieces(block)]
    pieces += _actions(reply.buttons)
    if reply.context and _visible(reply.context):
        text = clip(escape(reply.context), MAX_SECTION_TEXT)
        pieces.append(
            _Piece({"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}, text)
        )
    return pieces


def render_messages(reply: Reply) -> list[SlackMessage]:
    """The reply as one message, or several in order when it exceeds 50 blocks; none at all
    when it has nothing visible to say (Slack would refuse an empty message)."""
    pieces = _all_pieces(reply)
    groups = [pieces[i : i + MAX_MESSAGE_BLOCKS] for i in range(0, len(pieces), MAX_MESSAGE_BLOCKS)]
    return [
        SlackMessage(
            text=clip("\n".join(p.fallback for p in group if p.fallback), MAX_FALLBACK_TEXT),
            blocks=[p.block for p in group],
        )
        for group in groups
    ]


def render_view_blocks(reply: Reply) -> list[SlackBlock]:
    """Blocks for a Home tab; a view cannot be split, so it ends at Slack's 100-block limit."""
    return [piece.block for piece in _all_pieces(reply)][:MAX_VIEW_BLOCKS]
