"""`gigguard --help`, `gigguard ask` and the console start without what they do not need:
checked in a fresh interpreter, on the modules it actually loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Never at start-up: the chat clients, migrations, charts, training; the time parser (the
# first time a member types loads it), the locale data and the language model (their first use).
# wordllama's own package (its __init__ imports requests) is never run: its files are read.
NEVER = ("slack_bolt", "slack_sdk", "discord", "alembic", "matplotlib", "sklearn", "wordllama")
FIRST_USE = ("dateparser", "babel", "py3langid")
# `ask` answers from the FAQ: no database stack, no schedules.
DATABASE = ("sqlalchemy", "sqlmodel", "aiosqlite", "asyncpg", "croniter")
# `--help` reads no settings, loads no model and runs no event loop.
SETTINGS_AND_MODEL = ("pydantic", "pydantic_settings", "numpy", "yaml", "asyncio", "tokenizers")

PROBE = """
import json, sys
from bot.cli import app
try:
    app(sys.argv[1:], prog_name="gigguard")
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def loaded_by(args: list[str], *, stdin: str = "", env: dict[str, str] | None = None) -> set[str]:
    run = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert run.returncode == 0, run.stderr
    loaded = set(json.loads(run.stdout.splitlines()[-1]))
    assert "typer" in loaded  # the probe really ran the CLI
    return loaded


def test_help_loads_only_the_command_line() -> None:
    loaded = loaded_by(["--help"])
    unwanted = {*NEVER, *FIRST_USE, *DATABASE, *SETTINGS_AND_MODEL}
    assert not loaded & unwanted, sorted(loaded & unwanted)


@pytest.mark.parametrize("args", [["ask", "how do i opt out"], ["ask", "--json", "hi"]])
def test_ask_loads_no_database_and_nothing_for_later(args: list[str]) -> None:
    loaded = loaded_by(args)
    assert "numpy" in loaded  # it answered with the model
    unwanted = {*NEVER, *FIRST_USE, *DATABASE}
    assert not loaded & unwanted, sorted(loaded & unwanted)


def test_console_on_a_current_database_loads_nothing_for_later(tmp_path: Path) -> None:
    env = os.environ | {"GIGGUARD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/console.db"}
    upgrade = [sys.executable, "-m", "bot", "db", "upgrade"]
    subprocess.run(upgrade, check=True, capture_output=True, env=env, timeout=120)
    loaded = loaded_by(["console"], stdin="hi\n", env=env)
    assert "aiosqlite" in loaded  # the console ran on its database
    unwanted = {*NEVER, *FIRST_USE}
    assert not loaded & unwanted, sorted(loaded & unwanted)
