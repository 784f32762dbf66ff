"""`gigguard broadcast` previews in words and refuses undeliverable targets; `broadcasts`
prints times and reasons a person can read."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.broadcast_target import workspace_refusal
from bot.settings import Settings
from tests.processes import bot_env, gigguard, sqlite_url
from tests.slack.fake_slack import TEAM, FakeSlack


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return bot_env(sqlite_url(tmp_path / "bot.db"))


def test_slack_broadcast_without_slack_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    done = gigguard(
        ["broadcast", "--platform", "slack", "--workspace", "T1", "--message", "hi", "--yes"],
        env,
        tmp_path,
    )
    assert done.returncode == 2
    assert "Slack is not configured" in done.stderr and "nothing was queued" in done.stderr
    console = gigguard(
        ["broadcast", "--platform", "console", "--workspace", "T1", "--message", "hi"],
        env,
        tmp_path,
    )
    assert console.returncode == 2 and "'local'" in console.stderr
    assert "no broadcasts yet" in gigguard(["broadcasts"], env, tmp_path).stdout


async def test_an_unknown_slack_workspace_is_refused(fake_slack: FakeSlack) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        slack_bot_token="xoxb-test-token",
        slack_app_token="xapp-test",
        slack_api_url=fake_slack.api_url,
    )
    assert await workspace_refusal(settings, "slack", TEAM) is None
    refusal = await workspace_refusal(settings, "slack", "T0OTHER")
    assert refusal == "the bot is not installed in Slack workspace 'T0OTHER'"
    assert [c.method for c in fake_slack.calls] == ["auth.test", "auth.test"]


def test_preview_shows_the_text_and_what_was_removed(env: dict[str, str], tmp_path: Path) -> None:
    message = "CLI test <!channel> @everyone"
    draft = gigguard(
        ["broadcast", "--platform", "console", "--workspace", "local", "--message", message],
        env,
        tmp_path,
    )
    assert draft.returncode == 0, draft.stderr
    assert not draft.stdout.lstrip().startswith("{")  # words, not bare JSON
    assert "Broadcast #1: preview" in draft.stdout
    assert "CLI test everyone" in draft.stdout  # exactly what will be sent
    assert "took out 2 mention" in draft.stdout and "“!channel”, “everyone”" in draft.stdout
    assert "re-run with --yes" in draft.stderr


def test_broadcasts_table_reads_like_text(env: dict[str, str], tmp_path: Path) -> None:
    queued = gigguard(
        [
            *["broadcast", "--platform", "console", "--workspace", "local"],
            *["--every", "monday 9am", "--message", "weekly nudge", "--yes"],
        ],
        env,
        tmp_path,
    )
    assert queued.returncode == 0, queued.stderr
    table = gigguard(["broadcasts"], env, tmp_path).stdout
    assert "(UTC)" in table and "T09:00:00" not in table  # describe(), not isoformat
    assert "{" not in table and "}" not in table  # no Python dict in a cell
