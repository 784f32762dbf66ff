"""`gigguard run` as a real process: it serves /healthz and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import queue
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

from tests.processes import bot_env, sqlite_url

ROOT = Path(__file__).resolve().parents[2]
HANG_GUARD = 300.0  # seconds; readiness is a log line awaited as it comes, this stops a hang


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=HANG_GUARD) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Lines:
    """A process's stderr read line by line on a thread, so a test can wait for a line."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[bytes]) -> None:
        for raw in stream:
            self._queue.put(raw.decode(errors="replace"))
        self._queue.put(None)

    def wait_for(self, needle: str) -> str:
        """The first line containing `needle`; fails if the stream ends first."""
        while True:
            line = self._queue.get(timeout=HANG_GUARD)
            if line is None:
                raise AssertionError(f"no line with {needle!r}:\n{''.join(self.seen)}")
            self.seen.append(line)
            if needle in line:
                return line

    def rest(self) -> str:
        self._thread.join(timeout=HANG_GUARD)
        while not self._queue.empty():
            line = self._queue.get()
            if line is not None:
                self.seen.append(line)
        return "".join(self.seen)


def test_run_serves_healthz_and_exits_cleanly_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    env = bot_env(sqlite_url(tmp_path / "bot.db"), GIGGUARD_HTTP_PORT=str(port))
    # stdin stays open and silent, as under a supervisor: the console never sees EOF.
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--platform", "console"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )
    lines = Lines(process.stderr)  # type: ignore[arg-type]
    try:
        lines.wait_for("ops: serving")  # the readiness line: /healthz is listening
        status, body = get(f"http://127.0.0.1:{port}/healthz")
        assert status == 200
        assert json.loads(body)["adapters"] == {"console": "connected"}
        status, metrics = get(f"http://127.0.0.1:{port}/metrics")
        assert status == 200 and b"# TYPE gigguard_commands_handled_total counter" in metrics

        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=HANG_GUARD)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdin.close()  # type: ignore[union-attr]  # only now, after the process is gone
    stderr = lines.rest()
    assert returncode == 0, stderr
    assert "Traceback" not in stderr and "Fatal Python error" not in stderr
    assert "received SIGTERM: shutting down" in stderr
