"""What an operator sees when `gigguard` cannot start: one line naming the fix, exit 2 for
configuration and 1 otherwise, no traceback unless --debug; one JSON line with
GIGGUARD_LOG_JSON=1. Run as real processes, with `python -O` (asserts stripped)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import bot_env, sqlite_url

HANG_GUARD = 180  # seconds; start-up on a loaded machine is slow, never asserted


def gigguard(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-O", "-c", "from bot.cli import main; main()", *args],
        env=bot_env(sqlite_url(tmp_path / "bot.db"), **env),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=HANG_GUARD,
        check=False,
    )


def only_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "env", "code", "names"),
    [
        (("run", "--platform", "slack"), {}, 2, "SLACK_BOT_TOKEN"),
        (("run", "--platform", "slack"), {"SLACK_BOT_TOKEN": "xoxb-1"}, 2, "SLACK_APP_TOKEN"),
        (("run", "--platform", "discord"), {}, 2, "DISCORD_TOKEN"),
        (("knowledge", "check", "--topics", "missing/TOPICS.md"), {}, 2, "missing/TOPICS.md"),
        (("run",), {"GIGGUARD_STALE_DAYS": "soon"}, 2, "GIGGUARD_STALE_DAYS"),
        (
            ("run", "--platform", "console"),
            {"GIGGUARD_DATABASE_URL": "postgresql+asyncpg://bot:hunter2@127.0.0.1:9/gigguard"},
            1,
            "GIGGUARD_DATABASE_URL",
        ),
    ],
    ids=["slack-no-token", "slack-no-app-token", "discord-no-token", "topics", "setting", "db"],
)
def test_one_line_names_the_fix(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str], code: int, names: str
) -> None:
    done = gigguard(tmp_path, *args, **env)
    line = only_line(done.stderr)
    assert done.returncode == code, done.stderr
    assert line.startswith("gigguard: ") and names in line
    assert "hunter2" not in done.stderr


def test_json_logging_makes_even_a_fatal_error_one_json_line(tmp_path: Path) -> None:
    done = gigguard(tmp_path, "run", "--platform", "discord", GIGGUARD_LOG_JSON="1")
    assert done.returncode == 2
    entries = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    fatal = [e for e in entries if e["level"] == "CRITICAL"]
    assert len(fatal) == 1 and "DISCORD_TOKEN" in fatal[0]["message"]
    assert "traceback" not in fatal[0]


def test_debug_adds_the_traceback(tmp_path: Path) -> None:
    done = gigguard(tmp_path, "run", "--platform", "discord", "--debug")
    assert done.returncode == 2
    assert "Traceback" in done.stderr and "ConfigurationError" in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("gigguard: discord: DISCORD_TOKEN")
