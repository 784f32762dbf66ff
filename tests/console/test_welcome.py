"""Welcome DMs in the console: a session's `--user` joins the console's community; with welcome
on, their one welcome DM arrives in the conversation through the worker."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from adapters.console.messenger import ConsoleMessenger
from adapters.console.render import Choices
from adapters.console.session import ConsoleSession
from bot.bootstrap import App
from core.delivery.worker import DeliveryWorker
from tests.fake_messenger import clock_sleep, drain
from tests.fakes import ManualClock
from tests.processes import LiveBot, bot_env, gigguard, sqlite_url

WELCOME_TITLE = "Welcome! Keep your work out of Upwork's AI training"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return bot_env(sqlite_url(tmp_path / "bot.db"))


async def test_a_new_user_is_welcomed_once_when_welcome_is_on(app: App, clock: ManualClock) -> None:
    choices = Choices()
    out = io.StringIO()
    worker = DeliveryWorker(
        services=app.core.services,
        messengers={"console": ConsoleMessenger(out, choices=choices)},
        sleep=clock_sleep(clock),  # type: ignore[arg-type]
    )
    alice = ConsoleSession(app.core, user="alice", moderator=False, choices=choices)
    assert await alice.arrive() is False  # off by default
    mod = ConsoleSession(app.core, user="mod", moderator=True)
    assert "Welcome DMs are on" in await mod.reply_to("/optout welcome on")
    assert "moderators only" in await alice.reply_to("/optout welcome off")

    assert await alice.arrive() is True
    await drain(worker)
    printed = out.getvalue()
    assert "--- DM to alice ---" in printed and WELCOME_TITLE in printed
    assert "[1] I switched this off" in printed
    assert "Recorded: Communications Data" in await alice.reply_to("1")  # its buttons work

    assert await alice.arrive() is False  # a later session: never twice
    await drain(worker)
    assert out.getvalue().count(WELCOME_TITLE) == 1


def test_the_console_announces_its_user_and_the_worker_prints_the_welcome(
    env: dict[str, str], tmp_path: Path
) -> None:
    moderator = ["console", "--user", "mod", "--moderator"]
    gigguard(moderator, env, tmp_path, stdin="/optout welcome on\n", check=True)
    with LiveBot(["console", "--user", "alice"], env, tmp_path) as console:
        printed = console.read_until("--- DM to alice ---")
        printed += console.read_until(WELCOME_TITLE)
        assert console.finish() == 0
