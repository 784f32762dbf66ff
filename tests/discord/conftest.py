"""Fixtures: a fake Discord per test and the real gigguard client running against it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace

import discord
import pytest

from adapters.discord.client import create_client
from adapters.discord.config import DiscordConfig
from adapters.discord.endpoints import discord_endpoints
from adapters.discord.runner import serve
from bot.bootstrap import App
from core.service import Gigguard
from tests.discord.fake_discord import FakeDiscord

MEMBER = 100_000_000_000_000_011
MODERATOR = 100_000_000_000_000_012
ROLE_HOLDER = 100_000_000_000_000_013

RunBot = Callable[..., AbstractAsyncContextManager[discord.Client]]
# Tests answer without deferring unless they test deferral: whether a reply is deferred must
# not depend on how fast the machine is (the fake enforces no 3 s interaction deadline).
NEVER_DEFER = 3600.0


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord(moderator_role="Moderators")
    await server.start()
    yield server
    await server.close()
    # Every body the bot sent must be one Discord accepts (its OpenAPI schemas and rules).
    assert not server.refused_bodies, server.refused_bodies


@pytest.fixture
def config(fake: FakeDiscord) -> DiscordConfig:
    return DiscordConfig(
        token="fake-token",
        api_url=fake.api_url,
        gateway_url=fake.gateway_url,
        guild_id=None,
        moderator_role="Moderators",
        shards=1,
    )


@pytest.fixture
def core(app: App) -> Gigguard:
    return app.core


@pytest.fixture
def run_bot(fake: FakeDiscord, config: DiscordConfig, core: Gigguard) -> RunBot:
    """`async with run_bot(): ...` runs a client for the block; a second block is a restart."""

    @asynccontextmanager
    async def running(
        *, with_core: Gigguard | None = None, defer_after: float = NEVER_DEFER, **changes: object
    ) -> AsyncIterator[discord.Client]:
        chosen = replace(config, **changes)  # type: ignore[arg-type]
        connected = len(fake.sessions)
        with discord_endpoints(api_url=chosen.api_url, gateway_url=chosen.gateway_url):
            client = create_client(with_core or core, chosen, defer_after=defer_after)
            task = asyncio.create_task(serve(client, chosen.token))
            try:
                up = asyncio.ensure_future(fake.wait_until(lambda: len(fake.sessions) > connected))
                await asyncio.wait({task, up}, return_when=asyncio.FIRST_COMPLETED)
                up.cancel()
                if task.done():
                    task.result()  # start-up failed: raise its error here
                yield client
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    return running
