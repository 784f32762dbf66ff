"""Translate a console line into a core request and the reply into plain text."""

from __future__ import annotations

import logging
from pathlib import Path

from adapters.console.render import Choices
from core.errors import StorageError
from core.identity import MemberKey
from core.joins import MemberJoined
from core.replies import Attachment
from core.requests import Actor, Origin, Place, Request
from core.service import Gigguard

PLATFORM = "console"
WORKSPACE = "local"
COMMAND_PREFIX = "/optout"
EXPORTS = Path("data/exports")  # beside the console's database and log file

log = logging.getLogger(__name__)


class ConsoleSession:
    """One person at the terminal. `choices` is shared with the console's Messenger, so a
    number typed after a delivery (a reminder's snooze buttons) means that delivery's button.
    Attachments are written to `save_to` (overwritten by name) and their path printed.
    Without it, a file the member asked for (a CSV or JSON export) is written to `exports`
    all the same, and an image (the stats chart) is only described: an everyday `stats`
    leaves no file behind."""

    def __init__(
        self,
        core: Gigguard,
        *,
        user: str,
        moderator: bool,
        save_to: Path | None = None,
        exports: Path = EXPORTS,
        choices: Choices | None = None,
        width: int | None = None,
    ) -> None:
        self._core = core
        self._actor = Actor(MemberKey(PLATFORM, WORKSPACE, user), is_moderator=moderator)
        self._save_to = save_to
        self._exports = exports
        self.choices = choices or Choices()
        self._width = width

    async def arrive(self) -> bool:
        """The person at the terminal joins the console's community, as a new Slack or Discord
        member would: with welcome on there, their one welcome DM arrives in the conversation
        (the first time only). True if one was queued."""
        joined = MemberJoined(key=self._actor.key, community=WORKSPACE, bot=False)
        try:
            return await self._core.member_joined(joined)
        except StorageError:  # the conversation works without it; the next start tries again
            log.exception("console: could not announce %s joining", self._actor.key.user)
            return False

    def to_request(self, line: str) -> Request:
        """`/optout <subcommand> ...` or a choice's number is a command; anything else is a
        DM to the bot."""
        chosen = self.choices.command(line)
        if chosen is not None:
            return Request(actor=self._actor, text=chosen, place=Place.DM, origin=Origin.COMMAND)
        head, _, rest = line.strip().partition(" ")
        if head.lower() == COMMAND_PREFIX:
            return Request(actor=self._actor, text=rest, place=Place.DM, origin=Origin.COMMAND)
        return Request(actor=self._actor, text=line, place=Place.DM, origin=Origin.DM_TEXT)

    async def reply_to(self, line: str) -> str:
        reply = await self._core.handle(self.to_request(line))
        shown = [self.choices.render(reply, width=self._width)]
        shown += [self._attachment(a) for a in reply.attachments]
        return "\n\n".join(shown)

    def _attachment(self, attachment: Attachment) -> str:
        size = len(attachment.content)
        folder = self._save_to
        if folder is None and not attachment.mime.startswith("image/"):
            folder = self._exports
        if folder is None:
            return f"[{attachment.filename}: {attachment.alt_text}, {size} bytes; not saved]"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / Path(attachment.filename).name
        path.write_bytes(attachment.content)
        return f"[{attachment.filename}: {attachment.alt_text}, {size} bytes, saved to {path}]"
