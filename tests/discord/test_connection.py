"""The adapter reports its gateway connection: up on READY and RESUMED, down on a drop."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace

from adapters.discord.runner import run_discord
from core.service import Gigguard
from tests.discord.conftest import RunBot
from tests.discord.fake_discord import FakeDiscord
from tests.waiting import until


async def test_ready_drop_and_resume_are_reported(run_bot: RunBot, fake: FakeDiscord) -> None:
    seen: list[bool] = []
    async with run_bot(on_connection=seen.append):
        await until(lambda: seen == [True])
        await fake.drop_connections()
        await until(lambda: seen[-2:] == [False, True])  # disconnected, resumed
    assert fake.gateway_received[-1]["op"] == 6  # it resumed rather than identifying again


async def test_stopping_reports_disconnected(fake: FakeDiscord, config, core: Gigguard) -> None:
    seen: list[bool] = []
    task = asyncio.create_task(run_discord(core, replace(config, on_connection=seen.append)))
    await until(lambda: seen == [True])
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert seen[-1] is False
