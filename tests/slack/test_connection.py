"""The adapter reports its connection: Socket Mode up and down, HTTP mode once listening."""

from __future__ import annotations

import asyncio
import contextlib

from adapters.slack.config import SlackConfig
from adapters.slack.runner import run_slack
from bot.bootstrap import App
from tests.slack.conftest import SECRET
from tests.slack.fake_slack import SOCKET_CONNECTED, FakeSlack
from tests.waiting import until


def config_for(fake: FakeSlack, seen: list[bool], *, app_token: str | None) -> SlackConfig:
    return SlackConfig(
        "xoxb-t",
        signing_secret=SECRET,
        app_token=app_token,
        api_url=fake.api_url,
        moderator_ids=frozenset(),
        on_connection=seen.append,
    )


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def test_socket_mode_reports_connect_drop_and_stop(app: App, fake_slack: FakeSlack) -> None:
    seen: list[bool] = []
    config = config_for(fake_slack, seen, app_token="xapp-1-test")
    run = run_slack(app.core, config, http=False, host="", port=0, watch_seconds=0.02)
    task = asyncio.create_task(run)
    try:
        await fake_slack.wait_for(SOCKET_CONNECTED)
        await until(lambda: seen == [True])
        fake_slack.fail_next("apps.connections.open", error="internal_error")  # no way back
        await fake_slack.stop_sockets()
        await until(lambda: seen[-1:] == [False])
    finally:
        await stop(task)
    assert seen[0] is True and seen[-1] is False


async def test_http_mode_reports_once_listening(app: App, fake_slack: FakeSlack) -> None:
    seen: list[bool] = []
    config = config_for(fake_slack, seen, app_token=None)
    task = asyncio.create_task(run_slack(app.core, config, http=True, host="127.0.0.1", port=0))
    await until(lambda: seen == [True])
    await stop(task)
    assert seen == [True, False]
