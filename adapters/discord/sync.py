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
from discord.http import Route

log = logging.getLogger(__name__)

CommandPayload = dict[str, Any]  # a raw application command, as on the wire

_COMPARED = (
    "name",
    "name_localizations",
    "description",
    "description_localizations",
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
    local = [await _payload(command, tree) for command in tree.get_commands(guild=guild)]
    fetched = await _registered(client, application_id, guild)
    remote: list[CommandPayload] = [dict(command) for command in fetched]
    if unchanged(local, remote):
        log.info("app commands unchanged, not syncing (%s)", _scope(guild))
        return False
    await tree.sync(guild=guild)
    log.info("app commands synced (%s): %s", _scope(guild), ", ".join(c["name"] for c in local))
    return True


async def _payload(command: Any, tree: app_commands.CommandTree[Any]) -> CommandPayload:
    """What `tree.sync` sends for `command`: with its localisations when a translator is set."""
    if tree.translator is None:
        return dict(command.to_dict(tree))
    return dict(await command.get_translated_payload(tree, tree.translator))


async def _registered(
    client: discord.Client, application_id: int, guild: discord.Object | None
) -> Any:
    """The registered commands with their full localisation dictionaries: without
    `with_localizations` Discord lists only the strings of the caller's own locale."""
    if guild is None:
        route = Route(
            "GET", "/applications/{application_id}/commands", application_id=application_id
        )
    else:
        route = Route(
            "GET",
            "/applications/{application_id}/guilds/{guild_id}/commands",
            application_id=application_id,
            guild_id=guild.id,
        )
    return await client.http.request(route, params={"with_localizations": "true"})


def _scope(guild: discord.Object | None) -> str:
    return "globally" if guild is None else f"to guild {guild.id}"
