"""Stand-ins for core when a test needs a reply or failure that no real command produces."""

from __future__ import annotations

import asyncio

from core.faq.engine import FaqMatch
from core.replies import Reply, Section
from core.requests import Request


class ExplodingFaq:
    """An FAQ engine with a bug: the kind of failure core does not turn into a reply."""

    def match(self, question: str) -> FaqMatch:
        raise RuntimeError("faq index corrupted")


class FixedCore:
    """Records each request and answers with the same reply, once `release` is set."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        self.release = asyncio.Event()
        self.release.set()
        self.requests: list[Request] = []
        self._arrived = asyncio.Condition()

    async def handle(self, request: Request) -> Reply:
        async with self._arrived:
            self.requests.append(request)
            self._arrived.notify_all()
        await self.release.wait()
        return self.reply

    async def wait_for_requests(self, count: int) -> None:
        async with self._arrived:
            await asyncio.wait_for(self._arrived.wait_for(lambda: len(self.requests) >= count), 60)

    def apology(self) -> Reply:
        return Reply(blocks=(Section("Sorry, something went wrong."),))
