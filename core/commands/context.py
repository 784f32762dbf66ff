"""What a command handler gets: the request and the services it may use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.knowledge import Knowledge
from core.requests import Request
from core.services import Services


@dataclass(frozen=True, slots=True)
class CommandContext:
    request: Request
    services: Services

    @property
    def knowledge(self) -> Knowledge:
        return self.services.knowledge

    def now(self) -> dt.datetime:
        return self.services.clock.now()

    def msg(self, key: str, **values: object) -> str:
        return self.services.knowledge.message(key, **values)
