"""Long replies over the wire, the error boundary, sharding and endpoint overrides."""

from __future__ import annotations

import asyncio
import contextlib

import discord
import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.render import render
from adapters.discord.runner import run_discord
from core.replies import Button, Reply, Section
from core.requests import Request
from core.service import Gigguard
from tests.discord.conftest import MEMBER, RunBot
from tests.discord.fake_discord import FakeDiscord

LONG = Reply(
    blocks=tuple(Section("word " * 1_500, title=f"part {n}") for n in range(3)),
    buttons=tuple(Button(f"b{n}", f"ask topic-{n}") for n in range(30)),
)


class LongCore(Gigguard):
    """Core whose every answer is far over Discord's limits for one message."""

    async def handle(self, request: Request) -> Reply:
        return LONG


class BrokenCore(Gigguard):
    async def handle(self, request: Request) -> Reply:
        raise RuntimeError("a bug in core")


async def test_an_over_long_answer_becomes_several_messages(
    run_bot: RunBot, fake: FakeDiscord, core: Gigguard
) -> None:
    async with run_bot(with_core=LongCore(core.services)):
        token = await fake.slash("status", user_id=MEMBER)
        answers = await fake.replies(token, count=len(render(LONG)))
        await fake.direct_message(MEMBER, "tell me everything")
        dms = await fake.dm_replies(MEMBER, count=len(render(LONG)))
    assert len(answers) == len(dms) == len(render(LONG)) > 1
    assert [a.kind for a in answers[:2]] == ["callback", "followup"]
    assert all(a.ephemeral for a in answers)
    for message in [*answers, *dms]:
        embeds = message.body.get("embeds") or []
        assert len(embeds) <= 10
        assert sum(len(e.get("title", "")) + len(e.get("description", "")) for e in embeds) <= 6000
        assert len(message.custom_ids) <= 25
    words = sum(a.text.count("word") for a in answers)
    assert words == 3 * 1_500
    assert sum(len(a.custom_ids) for a in answers) == 30


async def test_a_failure_is_logged_and_answered_politely(
    run_bot: RunBot, fake: FakeDiscord, core: Gigguard, caplog: pytest.LogCaptureFixture
) -> None:
    async with run_bot(with_core=BrokenCore(core.services)):
        (answer,) = await fake.replies(await fake.slash("status", user_id=MEMBER))
        await fake.direct_message(MEMBER, "hello")
        (dm,) = await fake.dm_replies(MEMBER)
    sorry = core.knowledge.message("unexpected_error")
    assert answer.message["content"] == sorry and answer.ephemeral
    assert dm.message["content"] == sorry
    assert "a bug in core" in caplog.text  # the traceback is logged
    assert answer.body["allowed_mentions"] == {"parse": []}


async def test_auto_shards_ask_discord_how_many(run_bot: RunBot, fake: FakeDiscord) -> None:
    async with run_bot(shards="auto") as client:
        assert isinstance(client, discord.AutoShardedClient)
        (answer,) = await fake.replies(await fake.slash("status", user_id=MEMBER))
    assert fake.requests_to("GET", "/gateway/bot")
    assert fake.sessions[0].identify["shard"] == [0, 1]
    assert "switched off" in answer.text


async def test_run_discord_restores_the_endpoints(
    fake: FakeDiscord, config, core: Gigguard
) -> None:
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    task = asyncio.create_task(run_discord(core, config))
    await fake.wait_until(lambda: fake.sessions)
    assert fake.api_url == Route.BASE
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert (base, gateway) == (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    assert all(s.ws.closed for s in fake.sessions)  # the client closed cleanly
