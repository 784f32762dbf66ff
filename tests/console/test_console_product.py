"""The console shows the whole product: a delivery worker, --user/--moderator on `console` and
`run`, buttons as numbered choices, logs outside the conversation, tables that fit."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.console.session import ConsoleSession
from bot.bootstrap import App
from core.render_text import render_table
from tests.processes import HANG_GUARD, LiveBot, bot_env, gigguard, sqlite_url


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return bot_env(sqlite_url(tmp_path / "bot.db"))


async def test_buttons_are_numbered_choices_the_user_can_type(app: App) -> None:
    session = ConsoleSession(app.core, user="alice", moderator=False)
    shown = await session.reply_to("/optout status")
    assert "[ ] Communications Data" in shown and "[1] I switched this off" in shown
    assert ": /optout" not in shown
    recorded = await session.reply_to("1")
    assert "Recorded: Communications Data switched off" in recorded
    assert "[1] Undo" in recorded
    assert "Work Product Data switched off" in await session.reply_to("2")
    # A number that is not on screen is an ordinary message, not a command.
    assert "Recorded" not in await session.reply_to("9")


def test_console_runs_a_worker_so_a_broadcast_arrives(env: dict[str, str], tmp_path: Path) -> None:
    with LiveBot(["console", "--user", "alice", "--moderator"], env, tmp_path) as console:
        console.type(
            "/optout done communications\n"
            "/optout broadcast dm all: Team meeting on Friday\n"
            "/optout broadcast confirm 1\n"
        )
        printed = console.read_until("--- DM to alice ---")
        printed += console.read_until("Team meeting on Friday")
        assert console.finish() == 0
    assert "Broadcast #1 confirmed" in printed or "#1" in printed
    assert "INFO" not in printed  # the worker's log lines are on stderr


def test_run_in_console_mode_takes_user_and_moderator(env: dict[str, str], tmp_path: Path) -> None:
    run = ["run", "--platform", "console", "--user", "mod", "--moderator"]
    done = gigguard(run, env, tmp_path, stdin="/optout stats\n", check=True)
    assert "Community overview" in done.stdout
    assert "moderators only" not in done.stdout


def test_log_lines_stay_out_of_the_chat_at_a_terminal(env: dict[str, str], tmp_path: Path) -> None:
    """At a terminal stderr shares the screen: the refusal's WARNING goes to the log file."""
    main, side = pty.openpty()
    console = subprocess.Popen(
        [sys.executable, "-m", "bot", "console", "--user", "bob"],
        stdin=side,
        stdout=side,
        stderr=side,
        env=env | {"COLUMNS": "80"},
        cwd=tmp_path,
    )
    os.close(side)
    screen = b""
    try:
        os.write(main, b"/optout stats\n")
        while b"moderators only" not in screen:
            ready, _, _ = select.select([main], [], [], HANG_GUARD)
            assert ready, screen.decode(errors="replace")
            screen += os.read(main, 65536)
        os.write(main, b"quit\n")
        assert console.wait(timeout=HANG_GUARD) == 0
    finally:
        console.kill()
        os.close(main)
    assert b"WARNING" not in screen and b"moderator command refused" not in screen
    log = (tmp_path / "data" / "gigguard-console.log").read_text()
    assert "moderator command refused: command=stats" in log


def test_tables_fit_the_width_without_breaking_words() -> None:
    headers = ("id", "state", "to", "next run", "progress", "sent", "skipped", "failed")
    row = (
        "12",
        "scheduled",
        "members who still have toggles left",
        "Mon 2026-11-30 09:00 (Europe/Berlin)",
        "12 of 40 delivered",
        "12",
        "muted 1, finished 3",
        "0",
    )
    text = render_table(headers, (row,), width=100)
    assert max(len(line) for line in text.splitlines()) <= 100
    words = set(text.replace("|", " ").split())
    assert {"(Europe/Berlin)", "delivered", "finished", "toggles"} <= words
    assert render_table(headers, (row,)).count("\n") == 2  # no width: one line per row
