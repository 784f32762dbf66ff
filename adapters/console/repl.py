"""The console loop: interactive with readline history, or line by line from a pipe."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import sys
from pathlib import Path

from adapters.console.session import ConsoleSession

HISTORY_FILE = Path.home() / ".gigguard_history"
PROMPT = "you> "


def _enable_history() -> None:
    import readline  # only for a person at a terminal

    with contextlib.suppress(OSError):  # no history yet
        readline.read_history_file(HISTORY_FILE)
    readline.set_history_length(500)
    atexit.register(readline.write_history_file, HISTORY_FILE)


async def run_console(session: ConsoleSession, *, banner: str) -> None:
    interactive = sys.stdin.isatty()
    if interactive:
        _enable_history()
        print(banner)
    while True:
        try:
            line = await asyncio.to_thread(input, PROMPT if interactive else "")
        except EOFError:
            break
        if not line.strip():
            continue
        if interactive and line.strip().lower() in {"quit", "exit"}:
            break
        print(await session.reply_to(line), end="\n\n", flush=True)
