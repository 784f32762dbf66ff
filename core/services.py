"""What core's services share: knowledge, storage, the FAQ engine, the clock, pacing.

Built once by the composition root (`bot/bootstrap.py`) and passed down, so commands and the
delivery engine use the same objects; nothing here builds infrastructure itself. It sits
below both `core.commands` and `core.delivery`, so either can import it without a cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core.broadcast_rules import BroadcastRules
from core.clock import Clock
from core.faq.engine import FaqEngine
from core.knowledge import Knowledge
from core.language import ENGLISH
from core.metrics import Metrics, NoMetrics
from core.pacing import PaceBook, Pacing
from core.ports import MemberDirectory, UnitOfWorkFactory
from core.question_counts import QuestionCounts


@dataclass(frozen=True, slots=True, kw_only=True)
class Services:
    knowledge: Knowledge
    uow: UnitOfWorkFactory
    faq: FaqEngine
    clock: Clock
    pacing: Pacing
    # What the delivery worker learned of each workspace's rate limit; the preview's ETA.
    paces: PaceBook
    # Per platform; a broadcast to "all" reaches members who never used the bot only with one.
    directories: Mapping[str, MemberDirectory] = field(default_factory=dict)
    metrics: Metrics = field(default_factory=NoMetrics)
    # Questions per topic, added up in memory and flushed in batches by a background task.
    question_counts: QuestionCounts = field(default_factory=QuestionCounts)
    # GIGGUARD_PUBLIC_URL: where `/optout dashboard` links point; None: no dashboard served.
    public_url: str | None = None
    # Limits that keep broadcasts from becoming spam (GIGGUARD_MIN_REPEAT, ...).
    broadcast_rules: BroadcastRules = field(default_factory=BroadcastRules)
    # GIGGUARD_DEFAULT_LANGUAGE: the community's language for members whose language is unknown.
    default_language: str = ENGLISH
