"""The /optout app-command group, built from core's command registry.

One subcommand per core subcommand, with typed options: fixed choices where core lists them
(toggles, marketplaces, contract answers), autocomplete over the FAQ topics for `ask` (free
text still allowed). Every callback just turns the options back into core's command line.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import locale_str

from core.commands.registry import Argument, CommandSpec
from core.knowledge import Knowledge
from core.service import Gigguard
from core.text_fit import clip

GROUP_NAME = "optout"
MAX_DESCRIPTION = 100
MAX_CHOICES = 25
ASK = "ask"

RunCommand = Callable[[discord.Interaction, str], Awaitable[None]]
Callback = Callable[..., Coroutine[Any, Any, None]]
Completer = Callable[
    [discord.Interaction, str], Coroutine[Any, Any, list[app_commands.Choice[str]]]
]


def build_group(core: Gigguard, run: RunCommand) -> app_commands.Group:
    # Descriptions and option names as locale_str: KnowledgeTranslator localises them
    # (translator.py); the strings themselves are the English ones, clipped as before.
    group = app_commands.Group(
        name=GROUP_NAME,
        description=locale_str(clip(core.knowledge.message("help_title"), MAX_DESCRIPTION)),
    )
    for spec in (s for s in core.registry if not s.button_only):
        group.add_command(_subcommand(spec, run, core.knowledge))
    return group


def _subcommand(
    spec: CommandSpec, run: RunCommand, knowledge: Knowledge
) -> app_commands.Command[Any, ..., None]:
    argument = spec.argument
    callback = _callback(spec.name, run, argument)
    if argument is not None:
        callback = app_commands.rename(value=locale_str(argument.name))(callback)
        callback = app_commands.describe(
            value=locale_str(clip(argument.description, MAX_DESCRIPTION))
        )(callback)
        if spec.name == ASK:
            callback = app_commands.autocomplete(value=_topic_completer(knowledge))(callback)
        elif argument.choices:
            callback = _with_choices(callback, argument.choices)
    return app_commands.Command(
        name=spec.name,
        description=locale_str(clip(spec.summary, MAX_DESCRIPTION)),
        callback=callback,
    )


def _callback(name: str, run: RunCommand, argument: Argument | None) -> Callback:
    if argument is None:

        async def bare(interaction: discord.Interaction) -> None:
            await run(interaction, name)

        return bare
    if argument.required:

        async def required(interaction: discord.Interaction, value: str) -> None:
            await run(interaction, f"{name} {value}")

        return required

    async def optional(interaction: discord.Interaction, value: str | None = None) -> None:
        await run(interaction, f"{name} {value or ''}".strip())

    return optional


def _with_choices(callback: Callback, choices: tuple[str, ...]) -> Callback:
    if len(choices) > MAX_CHOICES:  # Discord's limit: offer them as suggestions instead

        async def suggest(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=c, value=c) for c in choices if current.lower() in c][
                :MAX_CHOICES
            ]

        return app_commands.autocomplete(value=suggest)(callback)
    return app_commands.choices(value=[app_commands.Choice(name=c, value=c) for c in choices])(
        callback
    )


def _topic_completer(knowledge: Knowledge) -> Completer:
    """FAQ topics whose title or id contains what was typed; picking one asks about it."""

    async def topics(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        typed = current.strip().lower()
        return [
            app_commands.Choice(name=clip(topic.title, MAX_DESCRIPTION), value=topic.id)
            for topic in knowledge.topics.values()
            if typed in topic.title.lower() or typed in topic.id
        ][:MAX_CHOICES]

    return topics
