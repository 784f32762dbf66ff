"""`gigguard run` as a real process: it serves /healthz and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_for(url: str, process: subprocess.Popen[bytes], deadline: float) -> tuple[int, bytes]:
    while time.monotonic() < deadline:
        assert process.poll() is None, "gigguard run exited before serving"
        try:
            return get(url)
        except (ConnectionError, urllib.error.URLError):
            time.sleep(0.1)
    raise AssertionError(f"nothing answered on {url}")


def test_run_serves_healthz_and_exits_cleanly_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "GIGGUARD_"))
    } | {
        "GIGGUARD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "GIGGUARD_HTTP_PORT": str(port),
    }
    # stdin stays open and silent, as under a supervisor: the console never sees EOF.
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--platform", "console"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )
    try:
        status, body = wait_for(f"http://127.0.0.1:{port}/healthz", process, time.monotonic() + 30)
        assert status == 200
        assert json.loads(body)["adapters"] == {"console": "connected"}
        status, metrics = get(f"http://127.0.0.1:{port}/metrics")
        assert status == 200 and b"# TYPE gigguard_commands_handled_total counter" in metrics

        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
        _, err = process.communicate()  # closes stdin only now, after the process is gone
    stderr = err.decode()
    assert returncode == 0, stderr
    assert "Traceback" not in stderr and "Fatal Python error" not in stderr
    assert "received SIGTERM: shutting down" in stderr
