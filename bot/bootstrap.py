"""Wire settings, storage, knowledge and the FAQ engine into one Gigguard core."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.database import create_engine, session_factory
from bot.settings import Settings
from core.clock import Clock, SystemClock
from core.commands.context import Services
from core.delivery.rules import BroadcastRules
from core.faq.engine import FaqEngine
from core.faq.factory import build_faq_engine
from core.knowledge import load_knowledge
from core.metrics import Metrics, NoMetrics
from core.ports import MemberDirectory
from core.service import Gigguard
from core.storage.sql import SqlUnitOfWork


@dataclass(frozen=True, slots=True)
class App:
    core: Gigguard
    engine: AsyncEngine

    async def close(self) -> None:
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
    when one trained for the same knowledge already exists (training takes about a second)."""
    knowledge = load_knowledge(overrides=settings.knowledge_dir)
    engine = engine or create_engine(settings.database_url)
    services = Services(
        knowledge=knowledge,
        uow=partial(SqlUnitOfWork, session_factory(engine)),
        faq=faq or build_faq_engine(knowledge),
        clock=clock or SystemClock(),
        metrics=metrics or NoMetrics(),
        directories=dict(directories or {}),
        broadcast_rules=BroadcastRules(
            min_repeat=settings.min_repeat,
            weekly_cap=settings.broadcast_weekly_cap,
            approvers=settings.broadcast_approvers,
            default_timezone=settings.default_timezone,
        ),
    )
    return App(core=Gigguard(services), engine=engine)
