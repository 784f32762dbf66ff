"""Wire settings, storage, knowledge and the FAQ engine into one Gigguard core."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.database import session_factory, settings_engine
from bot.settings import Settings
from core.admission import Admission
from core.broadcast_rules import BroadcastRules
from core.clock import Clock, SystemClock
from core.faq.engine import FaqEngine
from core.faq.factory import build_faq_engine
from core.knowledge import load_knowledge
from core.metrics import Metrics, NoMetrics
from core.pacing import PaceBook, load_pacing
from core.ports import MemberDirectory
from core.question_counts import QuestionCounts
from core.service import Gigguard
from core.services import Services
from core.storage.membership_cache import MembershipCache
from core.storage.policy_cache import PolicyCache
from core.storage.sql import SqlUnitOfWork


@dataclass(frozen=True, slots=True)
class App:
    core: Gigguard
    engine: AsyncEngine

    async def close(self) -> None:
        """Write the question counts still in memory, then close the database connections."""
        await self.core.services.question_counts.flush(self.core.services.uow)
        await self.engine.dispose()


def build_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    metrics: Metrics | None = None,
    directories: Mapping[str, MemberDirectory] | None = None,
    engine: AsyncEngine | None = None,
    faq: FaqEngine | None = None,
) -> App:
    """Build everything; nothing connects until the first request uses the database.

    `engine` is given when something else must share it (Slack's installation store); `faq`
    when one built for the same knowledge already exists."""
    knowledge = load_knowledge(overrides=settings.knowledge_dir)
    pacing = load_pacing()
    engine = engine or settings_engine(settings)
    policies = PolicyCache(ttl=settings.policy_cache_seconds)
    services = Services(
        knowledge=knowledge,
        uow=partial(
            SqlUnitOfWork,
            session_factory(engine),
            policy_cache=policies,
            memberships=MembershipCache(),
        ),
        faq=faq or build_faq_engine(knowledge),
        clock=clock or SystemClock(),
        pacing=pacing,
        metrics=metrics or NoMetrics(),
        directories=dict(directories or {}),
        paces=PaceBook(pacing, ceiling=settings.max_send_rate),
        question_counts=QuestionCounts(),
        public_url=settings.public_url,
        broadcast_rules=BroadcastRules(
            min_repeat=settings.min_repeat,
            weekly_cap=settings.broadcast_weekly_cap,
            approvers=settings.broadcast_approvers,
            default_timezone=settings.default_timezone,
        ),
    )
    admission = Admission(
        limit=settings.command_slots,
        queue=settings.command_queue,
        max_wait=settings.busy_after_seconds,
    )
    return App(core=Gigguard(services, admission=admission), engine=engine)
