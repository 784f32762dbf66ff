"""`gigguard broadcast` / `broadcasts --json` as processes, and the console adapter end to end."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from alembic import command

from adapters.console.messenger import ConsoleMessenger
from adapters.console.render import Choices
from adapters.console.session import ConsoleSession
from bot.bootstrap import App
from bot.database import alembic_config
from core.delivery.worker import DeliveryWorker
from tests.fake_messenger import clock_sleep, drain
from tests.fakes import ManualClock
from tests.processes import bot_env, gigguard, sqlite_url


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return bot_env(sqlite_url(tmp_path / "bot.db"))


def test_cli_enqueues_and_reports(env: dict[str, str], tmp_path: Path) -> None:
    env = env | {"DISCORD_TOKEN": "not-used-to-enqueue"}  # a configured platform
    base = ["broadcast", "--platform", "discord", "--workspace", "G1", "--to", "dm"]
    queued = gigguard(
        [
            *base,
            "--audience",
            "pending",
            "--every",
            "monday 09:00",
            "--message",
            "Hi @here",
            "--yes",
            "--json",
        ],
        env,
        tmp_path,
    )
    assert queued.returncode == 0, queued.stderr
    assert json.loads(queued.stdout)["state"] == "scheduled"
    draft = gigguard([*base, "--message", "preview me"], env, tmp_path)
    assert "re-run with --yes" in draft.stderr
    refused = gigguard([*base, "--message", "@everyone"], env, tmp_path)
    assert refused.returncode == 0  # "everyone" survives as a word, without the ping
    empty = gigguard([*base, "--message", "<!channel>"], env, tmp_path)
    assert empty.returncode == 2 and "has no text" in empty.stderr
    too_long = gigguard([*base, "--message", "x" * 1999 + " y"], env, tmp_path)
    assert too_long.returncode == 2 and "limit" in too_long.stderr

    report = gigguard(["broadcasts", "--json"], env, tmp_path)
    assert report.returncode == 0, report.stderr
    found = {b["id"]: b for b in json.loads(report.stdout)}
    assert found[1]["schedule"] == "0 9 * * 1" and found[1]["audience"] == "pending"
    assert found[1]["state"] == "scheduled" and found[1]["next_run_at"]
    assert found[2]["state"] == "draft"
    assert "Hi here" not in report.stdout  # the report carries no message text
    assert len(found) == 3


def test_migrations_match_the_tables(database_url: str) -> None:
    command.check(alembic_config(database_url))  # raises if autogenerate would find a change


async def test_console_remind_then_the_worker_delivers(app: App, clock: ManualClock) -> None:
    choices = Choices()  # shared: a delivery's buttons are the choices on screen
    session = ConsoleSession(app.core, user="alice", moderator=False, choices=choices)
    assert "Reminder #1 set for Thu 2026-11-26 10:00 (UTC)" in await session.reply_to(
        "/optout remind in 1 hour"
    )
    out = io.StringIO()
    worker = DeliveryWorker(
        services=app.core.services,
        messengers={"console": ConsoleMessenger(out, choices=choices)},
        sleep=clock_sleep(clock),  # type: ignore[arg-type]
    )
    await drain(worker)
    assert out.getvalue() == ""
    clock.advance(dt.timedelta(hours=1))
    await drain(worker)
    printed = out.getvalue()
    assert printed.startswith("--- DM to alice ---")
    assert "[ ] Communications Data" in printed
    assert "[4] Snooze 1 hour" in printed
    assert "no upcoming reminders" in await session.reply_to("/optout reminders")
    assert "Reminder #1 snoozed until" in await session.reply_to("4")  # the delivery's button
