"""The console loop: interactive with readline history, or line by line from a pipe."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import sys
import threading
from collections.abc import Callable
from functools import partial
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


class _PipeLines:
    """Lines from a piped stdin through os.read. A daemon thread blocked inside
    sys.stdin.readline() holds the stdin buffer's lock, and the interpreter aborts at exit
    ("could not acquire lock for <stdin>"); os.read holds no lock."""

    def __init__(self, fd: int, encoding: str) -> None:
        self._fd, self._encoding, self._pending = fd, encoding, b""

    def readline(self) -> str:
        while b"\n" not in self._pending:
            chunk = os.read(self._fd, 65536)
            if not chunk:
                if not self._pending:
                    raise EOFError
                chunk = b"\n"
            self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        return line.decode(self._encoding, errors="replace").removesuffix("\r")


async def _in_daemon_thread(read: Callable[[], str]) -> str:
    """Wait for a blocking read on a daemon thread: an asyncio.to_thread worker stuck on a
    silent stdin would keep the process alive after SIGTERM, a daemon thread does not."""
    loop = asyncio.get_running_loop()
    line: asyncio.Future[str] = loop.create_future()

    def settle(text: str, error: BaseException | None) -> None:
        if line.done():  # the console was cancelled meanwhile
            return
        if error is None:
            line.set_result(text)
        else:
            line.set_exception(error)

    def run() -> None:
        try:
            outcome: tuple[str, BaseException | None] = (read(), None)
        except (EOFError, OSError) as exc:
            outcome = ("", exc)
        with contextlib.suppress(RuntimeError):  # the loop has closed
            loop.call_soon_threadsafe(settle, *outcome)

    threading.Thread(target=run, name="console-input", daemon=True).start()
    return await line


async def run_console(session: ConsoleSession, *, banner: str) -> None:
    interactive = sys.stdin.isatty()
    if interactive:
        _enable_history()
        print(banner)
    await session.arrive()
    read_line = (
        partial(input, PROMPT)
        if interactive
        else _PipeLines(sys.stdin.fileno(), sys.stdin.encoding).readline
    )
    while True:
        try:
            line = await _in_daemon_thread(read_line)
        except EOFError:
            break
        if not line.strip():
            continue
        if interactive and line.strip().lower() in {"quit", "exit"}:
            break
        print(await session.reply_to(line), end="\n\n", flush=True)
