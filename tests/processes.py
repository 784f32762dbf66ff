"""Running `gigguard` as its own process in a test: a clean environment and one way to call it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HANG_GUARD = 300.0  # seconds: start-up on a loaded 2-core machine is slow; only stops a hang
MACHINE_SETTINGS = ("SLACK_", "DISCORD_", "GIGGUARD_")


def bot_env(database_url: str, **settings: str) -> dict[str, str]:
    """This machine's environment without its tokens and gigguard settings, plus `settings`.

    PYTHONPATH points at this checkout, so the child imports the code under test even where
    the virtualenv's editable install points at another one.
    """
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(MACHINE_SETTINGS)}
    return inherited | {"GIGGUARD_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)} | settings


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def gigguard(
    args: list[str],
    env: dict[str, str],
    cwd: Path,
    *,
    stdin: str | None = None,
    check: bool = False,
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` to its end, output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=HANG_GUARD,
        check=check,
    )


class LiveBot:
    """`gigguard ARGS` left running, written to and read line by line as a person would.

    A hang guard kills the process after HANG_GUARD seconds, which ends every read with EOF:
    a hung bot fails the test instead of hanging it.
    """

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bot", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=cwd,
        )
        self._guard = threading.Timer(HANG_GUARD, self._process.kill)
        self._guard.start()

    def __enter__(self) -> LiveBot:
        return self

    def __exit__(self, *_: object) -> None:
        self._guard.cancel()
        self._process.kill()
        self._process.wait()

    def type(self, lines: str) -> None:
        assert self._process.stdin is not None
        self._process.stdin.write(lines)
        self._process.stdin.flush()

    def read_until(self, wanted: str) -> str:
        """Lines of stdout until one contains `wanted` (the bot keeps running meanwhile)."""
        assert self._process.stdout is not None
        seen = []
        while True:
            line = self._process.stdout.readline()
            assert line, f"gigguard ended before printing {wanted!r}:\n" + "".join(seen)
            seen.append(line)
            if wanted in line:
                return "".join(seen)

    def finish(self) -> int:
        """End of input, as a person closing the terminal; the exit code."""
        assert self._process.stdin is not None
        self._process.stdin.close()
        return self._process.wait(timeout=HANG_GUARD)
