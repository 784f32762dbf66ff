"""Welcome DMs in the console: a session's `--user` joins the console's community; with welcome
on, their one welcome DM arrives in the conversation through the worker."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
from pathlib import Path

from adapters.console.messenger import ConsoleMessenger
from adapters.console.render import Choices
from adapters.console.session import ConsoleSession
from bot.bootstrap import App
from core.delivery.worker import DeliveryWorker

# `env`: the same clean environment (no tokens, a database in tmp_path) as the product tests.
from tests.console.test_console_product import HANG_GUARD, _read_until, env  # noqa: F401
from tests.fake_messenger import clock_sleep, drain
from tests.fakes import ManualClock

WELCOME_TITLE = "Welcome! Keep your work out of Upwork's AI training"


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
    env: dict[str, str],  # noqa: F811
    tmp_path: Path,
) -> None:
    subprocess.run(
        [sys.executable, "-m", "bot", "console", "--user", "mod", "--moderator"],
        input="/optout welcome on\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=HANG_GUARD,
        check=True,
    )
    console = subprocess.Popen(
        [sys.executable, "-m", "bot", "console", "--user", "alice"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    guard = threading.Timer(HANG_GUARD, console.kill)  # a hang ends the reads with EOF
    guard.start()
    try:
        printed = _read_until(console, "--- DM to alice ---")
        printed += _read_until(console, WELCOME_TITLE)
        assert console.stdin is not None
        console.stdin.close()
        assert console.wait(timeout=HANG_GUARD) == 0
    finally:
        guard.cancel()
        console.kill()
