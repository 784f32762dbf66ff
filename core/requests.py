"""The platform-neutral request every adapter turns an event into."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.identity import MemberKey


class Place(StrEnum):
    """Where the request was made: answers in a channel are ephemeral, DMs are private anyway."""

    CHANNEL = "channel"
    DM = "dm"


class Origin(StrEnum):
    """How the text reached the bot."""

    COMMAND = "command"  # `/optout <text>` or a button whose action carries a command line
    DM_TEXT = "dm_text"  # free text typed in a direct message


@dataclass(frozen=True, slots=True)
class Actor:
    key: MemberKey
    is_moderator: bool = False
    # The community (e.g. a Discord server) the request came from, when it is not the member's
    # own workspace: Discord identities are global, communities are per server.
    community: str | None = None
    # The member's locale as the platform reports it ("es-ES", "pt-BR"), when it does.
    locale: str | None = None

    @property
    def scope(self) -> str:
        """The community whose figures, counts and audiences this request works on."""
        return self.community or self.key.workspace


@dataclass(frozen=True, slots=True)
class Request:
    """One incoming event. `text` is what follows `/optout`, a button's command line or DM text."""

    actor: Actor
    text: str
    place: Place = Place.CHANNEL
    origin: Origin = Origin.COMMAND
    channel: str | None = None
