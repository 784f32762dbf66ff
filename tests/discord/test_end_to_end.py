"""`gigguard run --platform discord` as a real process, against the fake Discord."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.discord.conftest import MEMBER
from tests.discord.fake_discord import FakeDiscord

GIGGUARD = Path(sys.executable).with_name("gigguard")
HANG_GUARD = 300.0  # seconds: start-up is awaited as an event, this only stops a hang


@pytest.fixture
async def bot_process(
    fake: FakeDiscord, tmp_path: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "DISCORD_TOKEN": "fake-token",
        "GIGGUARD_DISCORD_API_URL": fake.api_url,
        "GIGGUARD_DISCORD_GATEWAY_URL": fake.gateway_url,
        "GIGGUARD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'gigguard.db'}",
    }
    process = await asyncio.create_subprocess_exec(
        str(GIGGUARD),
        "run",
        "--platform",
        "discord",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=(tmp_path / "stderr.log").open("wb"),
    )
    try:
        # Ready = connected to the gateway, which follows the command sync (setup_hook).
        up = asyncio.ensure_future(fake.wait_until(lambda: fake.sessions, timeout=HANG_GUARD))
        exited = asyncio.ensure_future(process.wait())
        await asyncio.wait({up, exited}, return_when=asyncio.FIRST_COMPLETED)
        if not up.done() or up.exception() is not None:
            up.cancel()
            pytest.fail(
                "the bot did not connect:\n" + (tmp_path / "stderr.log").read_text()[-3000:]
            )
        exited.cancel()
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(process.wait(), HANG_GUARD)
            except TimeoutError:
                process.kill()
                await process.wait()


async def test_the_bot_runs_as_a_process(
    bot_process: asyncio.subprocess.Process, fake: FakeDiscord
) -> None:
    (optout,) = fake.commands[None]
    assert optout["name"] == "optout"

    (status,) = await fake.replies(await fake.slash("status", user_id=MEMBER))
    assert "0 of 3 switched off" in status.text
    (done,) = await fake.replies(await fake.slash("done", "all", user_id=MEMBER))
    assert "Recorded:" in done.text
    (ask,) = await fake.replies(
        await fake.slash("ask", "does my opt-out protect my client?", user_id=MEMBER)
    )
    assert "Last checked" in ask.text
    await fake.direct_message(MEMBER, "what did upwork change in january?")
    (dm,) = await fake.dm_replies(MEMBER)
    assert dm.text
    (my_data,) = await fake.replies(await fake.slash("my-data", user_id=MEMBER))
    toggles = json.loads(my_data.text.split("```")[1])["toggles"]
    assert toggles and all(toggle["off"] for toggle in toggles.values())
    (stats,) = await fake.replies(await fake.slash("stats", user_id=MEMBER))
    assert "for moderators only" in stats.text
    assert all(
        s.body["allowed_mentions"] == {"parse": []} for s in fake.sent if s.kind != "autocomplete"
    )
