"""What the Discord adapter needs to run; built once from the settings by bot/platforms.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DiscordConfig:
    token: str
    api_url: str | None = None  # e.g. a fake Discord in tests; None: https://discord.com/api/v10
    gateway_url: str | None = None  # None: wss://gateway.discord.gg/
    guild_id: int | None = None  # sync commands to this guild only (instant) instead of globally
    moderator_role: str | None = None  # a role name or id whose holders count as moderators
    shards: int | str = 1  # a shard count, or "auto" to ask Discord (AutoShardedClient)
    # List server members for broadcasts (the privileged Server Members intent, opt-in).
    member_list: bool = False
    # Hear members join, for welcome DMs (the same privileged intent, opt-in).
    welcome: bool = False
    # Told True on READY / RESUMED and False when the gateway connection drops.
    on_connection: Callable[[bool], None] | None = None

    @property
    def auto_sharded(self) -> bool:
        return str(self.shards).lower() == "auto"

    @property
    def shard_count(self) -> int:
        """The fixed shard count; meaningless when `auto_sharded`."""
        return 1 if self.auto_sharded else int(self.shards)
