"""What a command handler gets: the request and the services it may use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.knowledge import Knowledge
from core.language import ENGLISH
from core.requests import Request
from core.services import Services


@dataclass(frozen=True, slots=True)
class CommandContext:
    request: Request
    services: Services
    # The language this request is answered in (core.language.choose, picked by Gigguard).
    language: str = ENGLISH

    @property
    def knowledge(self) -> Knowledge:
        """The knowledge in the member's language: every text, title and button label."""
        return self.services.knowledge.in_language(self.language)

    def now(self) -> dt.datetime:
        return self.services.clock.now()

    def msg(self, key: str, **values: object) -> str:
        return self.knowledge.message(key, **values)
