"""Counting the SQL a core runs on a real engine (SQLAlchemy events): deterministic, unlike
times. The statement budget (tests/load) and the per-process caches' tests (tests/storage) count
with it, on cores built alike, so a count shows what the caches save."""

from __future__ import annotations

from functools import partial

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.bootstrap import ADAPTER_TABLES
from bot.database import session_factory
from core.clock import Clock
from core.knowledge import load_knowledge
from core.service import Gigguard
from core.storage.language_cache import LanguageCache
from core.storage.membership_cache import MembershipCache
from core.storage.platform_language import PlatformLanguageCache
from core.storage.policy_cache import PolicyCache
from core.storage.sql import SqlUnitOfWork
from tests.fakes import FixedFaq, ManualClock
from tests.services import make_services

CACHED_FOR = 3600.0  # seconds: longer than any test, so what a cache holds stays held


class StatementCounter:
    """The statements run and the commits made on `engine` from now on."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.statements = 0
        self.commits = 0
        self._texts: list[str] = []
        event.listen(engine.sync_engine, "before_cursor_execute", self._statement)
        event.listen(engine.sync_engine, "commit", self._commit)

    def starting(self, prefix: str) -> int:
        """How many of the statements began with `prefix` (the writes to one table, say)."""
        return sum(text.startswith(prefix) for text in self._texts)

    def _statement(self, _conn: object, _cursor: object, statement: str, *_: object) -> None:
        self.statements += 1
        self._texts.append(statement)

    def _commit(self, *_: object) -> None:
        self.commits += 1


def cached_core(
    engine: AsyncEngine,
    *,
    clock: Clock | None = None,
    memberships: MembershipCache | None = None,
    platform_languages: PlatformLanguageCache | None = None,
) -> Gigguard:
    """One process's core over the shared database, with its own caches, as the bot keeps them;
    those a test does not give hold for CACHED_FOR."""
    uow = partial(
        SqlUnitOfWork,
        session_factory(engine),
        adapter_tables=ADAPTER_TABLES,
        policy_cache=PolicyCache(ttl=CACHED_FOR),
        language_cache=LanguageCache(ttl=CACHED_FOR),
        memberships=memberships or MembershipCache(ttl=CACHED_FOR),
        platform_languages=platform_languages or PlatformLanguageCache(ttl=CACHED_FOR),
    )
    return Gigguard(
        make_services(
            knowledge=load_knowledge(), uow=uow, faq=FixedFaq(), clock=clock or ManualClock()
        )
    )
