"""Translate a console line into a core request and the reply into plain text."""

from __future__ import annotations

from core.identity import MemberKey
from core.render_text import render_plain
from core.requests import Actor, Origin, Place, Request
from core.service import Gigguard

PLATFORM = "console"
WORKSPACE = "local"
COMMAND_PREFIX = "/optout"


class ConsoleSession:
    def __init__(self, core: Gigguard, *, user: str, moderator: bool) -> None:
        self._core = core
        self._actor = Actor(MemberKey(PLATFORM, WORKSPACE, user), is_moderator=moderator)

    def to_request(self, line: str) -> Request:
        """`/optout <subcommand> ...` is a command; anything else is a DM to the bot."""
        head, _, rest = line.strip().partition(" ")
        if head.lower() == COMMAND_PREFIX:
            return Request(actor=self._actor, text=rest, place=Place.DM, origin=Origin.COMMAND)
        return Request(actor=self._actor, text=line, place=Place.DM, origin=Origin.DM_TEXT)

    async def reply_to(self, line: str) -> str:
        return render_plain(await self._core.handle(self.to_request(line)))
