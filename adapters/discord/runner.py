"""Run the Discord adapter until cancelled: `gigguard run --platform discord`."""

from __future__ import annotations

import discord

from adapters.discord.client import create_client
from adapters.discord.config import DiscordConfig
from adapters.discord.endpoints import discord_endpoints
from core.service import Gigguard


async def run_discord(core: Gigguard, config: DiscordConfig) -> None:
    with discord_endpoints(api_url=config.api_url, gateway_url=config.gateway_url):
        await serve(create_client(core, config), config.token)


async def serve(client: discord.Client, token: str) -> None:
    """Log in, connect and dispatch until cancelled; the client is closed on the way out."""
    async with client:
        await client.start(token)
