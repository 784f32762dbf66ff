"""`gigguard run` outlives a PostgreSQL outage: a TCP proxy in front of the real server is cut
(connections refused, as when the server restarts) and restored. Meanwhile commands answer
the storage message, every background task logs the outage once and backs off, and
afterwards everything recovers by itself; the process never exits.

Every wait is for a line the process prints (a readiness signal), never for wall-clock time;
HANG_GUARD only stops a test that hangs.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests import postgres
from tests.processes import bot_env
from tests.tcp_proxy import TcpProxy

HANG_GUARD = 300.0
STORAGE_MESSAGE = "Sorry, I couldn't save or read that just now"
POLLERS = ("knowledge reload", "delivery worker")


class Lines:
    """A stream's lines as they come, so a test can wait for the next line saying something."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self.seen: list[str] = []
        self._stream = stream
        self._read = 0

    async def wait_for(self, *needles: str) -> None:
        """Until each needle (a regex) has matched a line, in any order, after those already
        waited for."""
        missing = set(needles)
        async with asyncio.timeout(HANG_GUARD):
            while True:
                while self._read < len(self.seen):
                    line = self.seen[self._read]
                    self._read += 1
                    missing -= {needle for needle in missing if re.search(needle, line)}
                    if not missing:
                        return
                raw = await self._stream.readline()
                if not raw:
                    raise AssertionError(f"stream ended before {missing}:\n{''.join(self.seen)}")
                self.seen.append(raw.decode(errors="replace"))


@pytest.fixture
async def proxy() -> AsyncIterator[TcpProxy]:
    server = TcpProxy(postgres.PG_HOST, postgres.PG_PORT)
    await server.start()
    yield server
    with contextlib.suppress(AssertionError):
        await server.cut()


async def test_run_survives_a_database_outage_and_recovers(
    postgres_server_url: str, proxy: TcpProxy, tmp_path: Path
) -> None:
    await postgres.reset_schema(postgres_server_url)
    through_proxy = postgres_server_url.replace(f":{postgres.PG_PORT}/", f":{proxy.port}/")
    env = bot_env(through_proxy)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--platform",
        "console",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )
    assert process.stdin and process.stdout and process.stderr
    out, log = Lines(process.stdout), Lines(process.stderr)

    async def say(line: str) -> None:
        process.stdin.write(line.encode() + b"\n")  # type: ignore[union-attr]
        await process.stdin.drain()  # type: ignore[union-attr]

    try:
        await log.wait_for("delivery worker")  # started: every task is running
        await say("status")
        await out.wait_for("switched off")

        await proxy.cut()
        await say("done communications")
        await out.wait_for(STORAGE_MESSAGE)
        # Each poller meets the outage (the watcher reads every ~10 s) and says so once.
        await log.wait_for(*(f"{task}.*: database unavailable" for task in POLLERS))
        await proxy.start()

        await log.wait_for(*(f"{task}.*: database is back" for task in POLLERS))
        await say("done communications")
        await out.wait_for("Recorded: Communications Data switched off")
        assert process.returncode is None, "gigguard run exited during the outage"
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(HANG_GUARD):
            returncode = await process.wait()
        rest = await process.stderr.read()
        log.seen.append(rest.decode(errors="replace"))
    stderr = "".join(log.seen)
    assert returncode == 0, stderr
    for task in POLLERS:  # once per outage, not per attempt
        outage = [line for line in stderr.splitlines() if task in line and "unavailable" in line]
        assert len(outage) == 1, stderr
