"""What a command handler gets: the request and the services it may use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from core.clock import Clock
from core.delivery.pacing import PaceBook, Pacing, load_pacing
from core.delivery.rules import BroadcastRules
from core.faq.engine import FaqEngine
from core.knowledge import Knowledge
from core.metrics import Metrics, NoMetrics
from core.ports import MemberDirectory, UnitOfWorkFactory
from core.question_counts import QuestionCounts
from core.requests import Request


@dataclass(frozen=True, slots=True)
class Services:
    knowledge: Knowledge
    uow: UnitOfWorkFactory
    faq: FaqEngine
    clock: Clock
    pacing: Pacing = field(default_factory=load_pacing)
    # Per platform; a broadcast to "all" reaches members who never used the bot only with one.
    directories: Mapping[str, MemberDirectory] = field(default_factory=dict)
    metrics: Metrics = field(default_factory=NoMetrics)
    # What the delivery worker learned of each workspace's rate limit; the preview's ETA.
    paces: PaceBook = field(default_factory=PaceBook.published_figures)
    question_counts: QuestionCounts = field(default_factory=QuestionCounts)
    # GIGGUARD_PUBLIC_URL: where `/optout dashboard` links point; None: no dashboard served.
    public_url: str | None = None
    broadcast_rules: BroadcastRules = field(default_factory=BroadcastRules)


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
