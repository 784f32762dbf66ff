"""`gigguard --help` and `gigguard ask` start without the chat clients, the database stack
or the charts: checked in a fresh interpreter, on the modules it actually loaded."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("slack_bolt", "slack_sdk", "discord", "alembic", "matplotlib", "sqlalchemy", "sklearn")

PROBE = """
import json, sys
from bot.cli import app
try:
    app(sys.argv[1:], prog_name="gigguard")
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


@pytest.mark.parametrize("args", [["--help"], ["ask", "how do i opt out"], ["ask", "--json", "hi"]])
def test_light_commands_do_not_import_heavy_libraries(args: list[str]) -> None:
    run = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    loaded = set(json.loads(run.stdout.splitlines()[-1]))
    assert "typer" in loaded  # the probe really ran the CLI
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
