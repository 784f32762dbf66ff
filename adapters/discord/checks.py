"""Who counts as a moderator: a small predicate evaluated on every interaction.

Never `default_permissions`: server admins can override that hint in the integration settings,
so the gate is applied here, at run time, and core refuses moderator subcommands to others.
"""

from __future__ import annotations

import discord


def is_moderator(interaction: discord.Interaction, moderator_role: str | None) -> bool:
    """Manage Server permission, or the configured role (by name or id). Never in a DM."""
    member = interaction.user
    if interaction.guild_id is None or not isinstance(member, discord.Member):
        return False
    if interaction.permissions.manage_guild:
        return True
    return moderator_role is not None and has_role(member, moderator_role)


def has_role(member: discord.Member, role: str) -> bool:
    wanted = role.strip()
    if wanted.isdigit() and member.get_role(int(wanted)) is not None:
        return True
    # Interaction payloads carry role ids only; names resolve through the cached guild.
    return any(r.name == wanted for r in member.roles)
