"""`gigguard run --platform slack --http` as a real process, against the fake Slack."""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.processes import bot_env, sqlite_url
from tests.slack.conftest import SECRET
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_sim import SlackSim
from tests.slack.test_commands import my_data

READY_LINE = "slack: serving HTTP"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_env(fake: FakeSlack, tmp_path: Path) -> dict[str, str]:
    return bot_env(
        sqlite_url(tmp_path / "e2e.db"),
        SLACK_BOT_TOKEN="xoxb-end-to-end",
        SLACK_SIGNING_SECRET=SECRET,
        GIGGUARD_SLACK_API_URL=fake.api_url,
        GIGGUARD_LOG_LEVEL="INFO",
    )


@pytest.fixture
async def running(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[SlackSim]:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--platform",
        "slack",
        "--http",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        cwd=tmp_path,  # no stray .env
        env=clean_env(fake_slack, tmp_path),
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    log: list[str] = []
    drain: asyncio.Task[bytes] | None = None

    async def read_until_ready() -> None:
        assert process.stderr is not None
        while line := (await process.stderr.readline()).decode():
            log.append(line)
            if READY_LINE in line:
                return
        raise AssertionError("gigguard exited:\n" + "".join(log))

    try:
        await asyncio.wait_for(read_until_ready(), 20)
        drain = asyncio.create_task(process.stderr.read())  # keep the pipe from filling
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{port}/slack/events"
            yield SlackSim(session, url, SECRET, fake_slack)
    finally:
        if process.returncode is None:
            process.terminate()
        await process.wait()
        if drain is not None:
            await drain


async def test_the_bot_runs_on_slack_end_to_end(running: SlackSim) -> None:
    slack = running
    (status,) = await slack.run("status")
    assert status.blocks[0]["type"] == "header"
    (done,) = await slack.run("done work-product")
    assert "Recorded: Work Product Data switched off" in done.text
    (answer,) = await slack.run("ask does my opt-out protect my client?")
    assert answer.blocks[-1]["type"] == "context"
    await slack.dm("can Upwork still use my old data?")
    (dm,) = await slack.fake.wait_for("chat.postMessage")
    assert dm.params["channel"] == "D0MEMBER" and dm.text
    (data,) = await slack.run("my-data")
    assert my_data(data)["toggles"]["work-product"]["off"] is True
    forged, _ = await slack.post(
        slack.command_body("done all"), "application/x-www-form-urlencoded", secret="forged"
    )
    assert forged == 401
