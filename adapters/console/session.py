"""Translate a console line into a core request and the reply into plain text."""

from __future__ import annotations

import tempfile

from core.identity import MemberKey
from core.render_text import render_plain
from core.replies import Attachment
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
        reply = await self._core.handle(self.to_request(line))
        return "\n\n".join([render_plain(reply), *(_save(a) for a in reply.attachments)])


def _save(attachment: Attachment) -> str:
    """A terminal cannot show a chart: save it to a temporary file and say where."""
    with tempfile.NamedTemporaryFile(
        prefix="gigguard-", suffix="-" + attachment.filename, delete=False
    ) as out:
        out.write(attachment.content)
    size = len(attachment.content)
    return f"[chart: {attachment.alt_text} ({size} bytes), saved to {out.name}]"
