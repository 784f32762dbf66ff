"""Run the Discord adapter until cancelled: `gigguard run --platform discord`."""

from __future__ import annotations

import discord

from adapters.discord.client import create_client
from adapters.discord.config import DiscordConfig
from adapters.discord.endpoints import discord_endpoints
from core.service import Gigguard


async def run_discord(
    core: Gigguard, config: DiscordConfig, client: discord.Client | None = None
) -> None:
    """Serve with `client` (made by create_client; shared with a DiscordMessenger) or a new one."""
    with discord_endpoints(api_url=config.api_url, gateway_url=config.gateway_url):
        try:
            await serve(client or create_client(core, config), config.token)
        finally:
            if config.on_connection is not None:
                config.on_connection(False)


async def serve(client: discord.Client, token: str) -> None:
    """Log in, connect and dispatch until cancelled; the client is closed on the way out."""
    async with client:
        await client.start(token)
