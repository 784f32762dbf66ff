"""A reply as the console prints it: buttons become numbered choices the user can type.

`[1] I switched off Communications`: typing `1` runs the button's command line, as a click
would on Slack or Discord. The numbers belong to the latest message printed with buttons (a
reply or a delivery), since that is the one on screen.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable

from core.render_text import render_block
from core.replies import Button, Checklist, Reply


def terminal_width() -> int | None:
    """The terminal's width (or $COLUMNS); None when printing into a pipe or a file."""
    columns = shutil.get_terminal_size(fallback=(0, 0)).columns
    return columns or None


class Choices:
    """The numbered buttons of the latest message printed with buttons."""

    def __init__(self) -> None:
        self._commands: dict[str, str] = {}

    def command(self, typed: str) -> str | None:
        """The command line behind a typed number, if it is one of the choices shown."""
        return self._commands.get(typed.strip().removeprefix("[").removesuffix("]"))

    def render(self, reply: Reply, *, width: int | None) -> str:
        numbered: list[Button] = []

        def choice(button: Button) -> str:
            numbered.append(button)
            return f"[{len(numbered)}] {button.label}"

        parts = []
        for block in reply.blocks:
            if isinstance(block, Checklist):
                parts.append(_checklist(block, choice))
            else:
                parts.append(render_block(block, width=width))
        if reply.buttons:
            parts.append("  ".join(choice(b) for b in reply.buttons))
        if reply.context:
            parts.append(reply.context)
        if numbered:  # a message without buttons leaves the previous choices usable
            self._commands = {str(n): b.command for n, b in enumerate(numbered, start=1)}
        return "\n\n".join(part for part in parts if part)


def _checklist(block: Checklist, choice: Callable[[Button], str]) -> str:
    lines = [block.title.upper()]
    for item in block.items:
        mark = "[x]" if item.done else "[ ]"
        detail = f" ({item.detail})" if item.detail else ""
        button = f"   {choice(item.button)}" if item.button else ""
        lines.append(f"{mark} {item.label}{detail}{button}")
    if block.summary:
        lines.append(block.summary)
    return "\n".join(lines)
