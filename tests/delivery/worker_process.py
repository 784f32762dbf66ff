"""One delivery worker as its own OS process, for the tests with several processes.

    python -m tests.delivery.worker_process URL SENT_LOG OWNER LEASE_SECONDS [FREEZE_AFTER]

It sends Slack deliveries into SENT_LOG, one "OWNER KEY" line per send (a single O_APPEND write,
so lines from several processes never interleave). With FREEZE_AFTER it hangs in its next send
once it has sent that many, as a wedged process would, still holding its leases, until it is
killed; it first writes "OWNER FROZEN" so a test can wait for that state instead of guessing
when it comes. One send at a time, so every earlier send is recorded by then. SIGTERM stops it
the way `gigguard run` stops: in-flight send done, the rest released.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sys
from dataclasses import replace

from bot.bootstrap import build_app
from bot.settings import Settings
from core.delivery.worker import DeliveryWorker
from core.pacing import load_pacing
from core.ports import Sent
from core.replies import Reply

# Fast enough that the database, not the pacer, sets the speed.
PACE = {"slack": 5000.0}


class LogMessenger:
    platform = "slack"

    def __init__(self, path: str, owner: str, freeze_after: int | None) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._owner = owner
        self._freeze_after = freeze_after
        self.count = 0

    async def _send(self, key: str) -> Sent:
        if self._freeze_after is not None and self.count >= self._freeze_after:
            os.write(self._fd, f"{self._owner} FROZEN\n".encode())
            await asyncio.Event().wait()
        os.write(self._fd, f"{self._owner} {key}\n".encode())
        self.count += 1
        return Sent(message_id=key)

    async def send_dm(
        self, workspace: str, user: str, reply: Reply, *, idempotency_key: str, resend: bool = False
    ) -> Sent:
        return await self._send(idempotency_key)

    async def send_to_channel(
        self,
        workspace: str,
        channel: str,
        reply: Reply,
        *,
        idempotency_key: str,
        resend: bool = False,
    ) -> Sent:
        return await self._send(idempotency_key)


async def main(url: str, log: str, owner: str, lease: float, freeze_after: int | None) -> None:
    app = build_app(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    worker = DeliveryWorker(
        services=replace(app.core.services, pacing=load_pacing().overridden(PACE)),
        messengers={"slack": LogMessenger(log, owner, freeze_after)},
        sleep=asyncio.sleep,
        owner=owner,
        lease=dt.timedelta(seconds=lease),
        poll_seconds=0.05,
        concurrency=1,
    )
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await worker.run_forever(stop)
    finally:
        await app.close()


if __name__ == "__main__":
    url, log, owner, lease = sys.argv[1:5]
    freeze = int(sys.argv[5]) if len(sys.argv) > 5 else None
    asyncio.run(main(url, log, owner, float(lease), freeze))
