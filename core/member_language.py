"""Remember, from a member's requests, the language their platform reports, for the DMs sent
later (reminders, broadcasts, welcomes), which have no request to read it from.

Only the language is kept (en/es/pt, or none for a locale not spoken here), never the raw
locale; a request whose platform says nothing (the console, a Discord DM typed as text) changes
nothing. The storage writes only when the value differs from what this process knows
(core/storage/platform_language.py), so a command usually costs no statement for it.
"""

from __future__ import annotations

import logging

from core.errors import StorageError
from core.language import from_locale
from core.ports import UnitOfWorkFactory
from core.requests import Actor

log = logging.getLogger(__name__)


async def note_platform_language(uow: UnitOfWorkFactory, actor: Actor) -> None:
    """After a command: keep the platform's language for the member (never fails the command)."""
    if actor.locale is None:
        return
    try:
        async with uow() as work:
            await work.members.note_platform_language(actor.key, from_locale(actor.locale))
            await work.commit()
    except StorageError:  # the command itself succeeded; the next request tries again
        log.exception("could not record the member's platform language")
