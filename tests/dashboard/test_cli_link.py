"""`gigguard dashboard link`: prints the URL and nothing else; refuses without a public URL."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from typer.testing import CliRunner

from bot.bootstrap import build_app
from bot.cli import app as cli
from bot.settings import Settings
from core.dashboard_access import open_session
from core.identity import MemberKey

ARGS = ["dashboard", "link", "--platform", "discord", "--workspace", "6001", "--user", "42"]


def test_prints_only_a_link_bound_to_that_moderator_and_server(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'gigguard.db'}"
    env = {"GIGGUARD_DATABASE_URL": url, "GIGGUARD_PUBLIC_URL": "https://dash.example.org/"}
    result = CliRunner().invoke(cli, ARGS, env=env)
    assert result.exit_code == 0, result.output
    [line] = result.stdout.splitlines()
    assert re.fullmatch(r"https://dash\.example\.org/dashboard/login\?token=[\w-]{40,}", line)

    async def redeem() -> object:
        built = build_app(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
        try:
            return await open_session(built.core.services, line.split("token=")[1])
        finally:
            await built.close()

    opened = asyncio.run(redeem())
    assert opened is not None
    _, moderator = opened  # type: ignore[misc]
    assert moderator.key == MemberKey("discord", "global", "42")  # Discord ids are global
    assert moderator.community == "6001"


def test_refuses_in_one_line_without_a_public_url(tmp_path: Path) -> None:
    env = {"GIGGUARD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'g.db'}"}
    result = CliRunner().invoke(cli, ARGS, env={**env, "GIGGUARD_PUBLIC_URL": ""})
    assert result.exit_code == 2
    assert "GIGGUARD_PUBLIC_URL" in result.stderr and result.stdout == ""
