"""Persistent buttons: a click on any gigguard button runs the command line it carries.

The custom_id is core's `Button.action_id` (`gigguard:done communications`), so buttons need
no stored state: the DynamicItem class is registered at start-up and matches custom_ids from
messages sent before a restart, too.
"""

from __future__ import annotations

import re
from typing import Any, Protocol, runtime_checkable

import discord

from core.replies import Button, ButtonStyle, command_of

MAX_LABEL = 80
_STYLES = {
    ButtonStyle.DEFAULT: discord.ButtonStyle.secondary,
    ButtonStyle.PRIMARY: discord.ButtonStyle.primary,
    ButtonStyle.DANGER: discord.ButtonStyle.danger,
}


@runtime_checkable
class CommandRunner(Protocol):
    """What a click needs from the client: run a command line for this interaction."""

    async def run_command(self, interaction: discord.Interaction, command: str) -> None: ...


class CommandButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"gigguard:(?P<cmd>.+)"
):
    def __init__(self, button: Button) -> None:
        super().__init__(
            discord.ui.Button(
                label=button.label[:MAX_LABEL],
                custom_id=button.action_id,
                style=_STYLES[button.style],
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CommandButton:
        label = getattr(item, "label", None) or match["cmd"]
        return cls(Button(label=label, command=command_of(match.group(0))))

    async def callback(self, interaction: discord.Interaction) -> None:
        runner = interaction.client
        assert isinstance(runner, CommandRunner), "buttons are only registered on a gigguard client"
        await runner.run_command(interaction, command_of(self.custom_id))


def view_for(buttons: tuple[Button, ...]) -> discord.ui.View:
    """A view that never times out; every item is a CommandButton, so nothing is stored."""
    view = discord.ui.View(timeout=None)
    for button in buttons:
        view.add_item(CommandButton(button))
    return view
