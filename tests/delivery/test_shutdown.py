"""SIGTERM to `gigguard run`: the worker finishes its send in flight, records it, releases the rest.

No delivery is left leased by the stopped process or marked as tried when it never was, so the
next worker takes the rest at once instead of waiting for leases to run out.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import insert, text

from bot.bootstrap import build_app
from bot.settings import Settings
from core.identity import MemberKey
from core.storage.tables import Member
from tests.fake_messenger import say
from tests.processes import bot_env
from tests.waiting import until

MOD = MemberKey("console", "local", "mod")
AUDIENCE = 2000  # 40 s at the console's 50 DMs/s: SIGTERM lands mid-broadcast however fast
HANG_GUARD = 300.0  # seconds; only against a hang, never the thing asserted


async def test_sigterm_finishes_in_flight_and_releases_the_rest(
    database_url: str, tmp_path: Path
) -> None:
    app = build_app(Settings(_env_file=None, database_url=database_url))  # type: ignore[call-arg]

    async def count(where: str) -> int:
        async with app.engine.connect() as conn:
            sql = f"SELECT count(*) FROM delivery WHERE kind = 'dm' AND {where}"
            return int((await conn.execute(text(sql))).scalar_one())

    now = app.core.services.clock.now()
    rows = [
        {"platform": "console", "workspace": "local", "user_id": f"u{i:03}", "muted": False}
        for i in range(AUDIENCE)
    ]
    async with app.engine.begin() as conn:
        await conn.execute(insert(Member).values(created_at=now), rows)
    await say(app.core, MOD, "broadcast dm all: Toggles check", moderator=True)
    await say(app.core, MOD, "broadcast confirm 1", moderator=True)

    env = bot_env(database_url)
    out = (tmp_path / "stdout.txt").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--platform", "console"],
        stdin=subprocess.PIPE,  # open and silent, as under a supervisor
        stdout=out,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )
    try:

        async def under_way() -> bool:
            assert process.poll() is None, "gigguard run exited early"
            return await count("status = 'sent'") >= 50

        await until(under_way, what="the worker to send 50 DMs", timeout=HANG_GUARD, every=0.05)
        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=HANG_GUARD)
    finally:
        if process.poll() is None:
            process.kill()
        _, err = process.communicate()
        out.close()
    stderr = err.decode()
    assert returncode == 0, stderr
    assert "released" in stderr and "Traceback" not in stderr

    printed = (tmp_path / "stdout.txt").read_text().count("--- DM to ")
    sent, pending = await count("status = 'sent'"), await count("status = 'pending'")
    assert 50 <= sent < AUDIENCE
    assert sent == printed  # everything sent was recorded, nothing recorded was not sent
    assert sent + pending == AUDIENCE
    assert await count("lease_owner IS NOT NULL OR lease_until IS NOT NULL") == 0
    assert await count("status = 'pending' AND attempts > 0") == 0  # released, not tried
    await app.close()
