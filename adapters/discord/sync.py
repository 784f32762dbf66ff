"""Register the app commands only when their definitions changed.

Syncing rewrites the commands for every client and counts against a tight rate limit, so at
start-up we fetch what Discord has and compare it with what we would send; only a difference
triggers the bulk overwrite. Both sides are reduced to the fields we define, because Discord
adds ids, versions and defaults to what it stores: a field we leave out (or send as null)
compares equal to the value Discord fills in for it.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

log = logging.getLogger(__name__)

CommandPayload = dict[str, Any]  # a raw application command, as on the wire

_COMPARED = (
    "name",
    "description",
    "type",
    "options",
    "required",
    "choices",
    "autocomplete",
    "nsfw",
    "default_member_permissions",
    "contexts",
    "integration_types",
    "channel_types",
    "min_value",
    "max_value",
    "min_length",
    "max_length",
)


# What Discord stores for a top-level command field sent as null or left out
# (ApplicationCommand object, discord/discord-api-spec): installable to servers only.
# `contexts` stays null, `nsfw` false, `default_member_permissions` null: dropped below.
_SERVER_DEFAULTS: CommandPayload = {"integration_types": [0]}  # GUILD_INSTALL


def canonical(command: CommandPayload, *, top_level: bool = True) -> CommandPayload:
    """The fields that define a command, with Discord's defaults and empty values dropped."""
    out: CommandPayload = {}
    for key in _COMPARED:
        value = command.get(key)
        if value is None and top_level:
            value = _SERVER_DEFAULTS.get(key)
        if value is None or value is False or value == [] or value == {}:
            continue
        if key == "options":
            value = [canonical(option, top_level=False) for option in value]
        elif key == "choices":
            value = [{"name": c["name"], "value": c["value"]} for c in value]
        elif key in ("contexts", "integration_types"):
            value = sorted(value)
        elif key == "default_member_permissions":
            value = str(value)
        out[key] = value
    return out


def unchanged(local: list[CommandPayload], remote: list[CommandPayload]) -> bool:
    def by_name(commands: list[CommandPayload]) -> dict[str, CommandPayload]:
        return {c["name"]: canonical(c) for c in commands}

    return by_name(local) == by_name(remote)


async def sync_if_changed(
    client: discord.Client, tree: app_commands.CommandTree[Any], guild: discord.Object | None
) -> bool:
    """Overwrite the registered commands if they differ from ours; True if a sync happened."""
    application_id = client.application_id
    assert application_id is not None, "sync runs after login, when the application id is known"
    local = [command.to_dict(tree) for command in tree.get_commands(guild=guild)]
    if guild is None:
        fetched = await client.http.get_global_commands(application_id)
    else:
        fetched = await client.http.get_guild_commands(application_id, guild.id)
    remote: list[CommandPayload] = [dict(command) for command in fetched]
    if unchanged(local, remote):
        log.info("app commands unchanged, not syncing (%s)", _scope(guild))
        return False
    await tree.sync(guild=guild)
    log.info("app commands synced (%s): %s", _scope(guild), ", ".join(c["name"] for c in local))
    return True


def _scope(guild: discord.Object | None) -> str:
    return "globally" if guild is None else f"to guild {guild.id}"
