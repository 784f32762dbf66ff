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

    async def handle(self, request: Request) -> Reply:
        self.requests.append(request)
        await self.release.wait()
        return self.reply

    def apology(self) -> Reply:
        return Reply(blocks=(Section("Sorry, something went wrong."),))
