"""SQL implementation of the storage ports on an AsyncSession (SQLite or PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Self

from sqlalchemy import (
    delete,
    func,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from core.errors import StorageError
from core.identity import MemberKey
from core.status import MemberProfile, MemberTraces, ToggleCounts, ToggleRecord
from core.storage import personal_data, platform_language
from core.storage.community import in_community, is_member
from core.storage.driver_errors import is_driver_error
from core.storage.language_cache import LanguageCache
from core.storage.membership_cache import MembershipCache
from core.storage.memo import MemberMemo
from core.storage.policy_cache import PolicyCache
from core.storage.sql_dashboard import SqlDashboardLogins
from core.storage.sql_delivery import (
    SqlBroadcastRepository,
    SqlReminderRepository,
    recipient_filter,
)
from core.storage.sql_inbox import SqlFeedbackRepository, SqlInboxRepository
from core.storage.sql_outbox import SqlOutboxRepository
from core.storage.sql_policy import SqlPolicyUpdateRepository, current_off, superseded
from core.storage.sql_stats import SqlCommunityStats
from core.storage.sql_toggles import (
    JOIN_KNOWN_MEMBER,
    SET_KNOWN_MEMBERS_TOGGLE,
    TOGGLES_AND_COMMUNITIES,
    member_params,
)
from core.storage.sql_welcome import SqlWelcomeRepository
from core.storage.tables import (
    Delivery,
    FaqTopicCount,
    Member,
    MemberCommunity,
    ToggleStatus,
    as_utc,
)
from core.storage.upsert import upsert

TopicKey = tuple[str, str, str | None]  # (platform, community, topic or None for declined)

DECLINED_TOPIC = ""


def _sortable(key: TopicKey) -> tuple[str, str, str]:
    """Rows in one order in every batch, so two processes flushing at once cannot deadlock."""
    platform, workspace, topic = key
    return platform, workspace, topic or DECLINED_TOPIC


class SqlMemberRepository:
    def __init__(
        self,
        session: AsyncSession,
        memo: MemberMemo,
        languages: LanguageCache,
        adapter_tables: Sequence[personal_data.AdapterTable],
        memberships: MembershipCache,
        platform_languages: platform_language.PlatformLanguageCache,
    ) -> None:
        self._session = session
        self._memo = memo
        self._languages = languages
        self._adapter_tables = adapter_tables
        self._memberships = memberships
        self._platform_languages = platform_languages

    async def _member(self, key: MemberKey) -> Member | None:
        result = await self._session.execute(select(Member).where(is_member(key)))
        return result.scalar_one_or_none()

    async def _member_id(self, key: MemberKey, at: dt.datetime) -> int:
        """The member's id, creating the row if needed; safe against concurrent creation."""
        self._memo.created.add(key)
        # DO UPDATE (a no-op) rather than DO NOTHING so RETURNING yields the id in one trip.
        statement = upsert(self._session, Member).values(
            platform=key.platform, workspace=key.workspace, user_id=key.user, created_at=at
        )
        member_id = await self._session.scalar(
            statement.on_conflict_do_update(
                index_elements=["platform", "workspace", "user_id"],
                set_={"platform": statement.excluded.platform},
            ).returning(col(Member.id))
        )
        assert member_id is not None
        return int(member_id)

    async def remember(self, key: MemberKey, *, at: dt.datetime) -> None:
        await self._member_id(key, at)

    async def profile(self, key: MemberKey) -> MemberProfile | None:
        member = await self._member(key)
        if member is None:
            return None
        return MemberProfile(
            key=key,
            timezone=member.timezone,
            muted=member.muted,
            created_at=as_utc(member.created_at),
            language=member.language,
            platform_language=member.platform_language,
        )

    async def toggles(self, key: MemberKey) -> list[ToggleRecord]:
        """One statement for the toggles and the communities of the member: `latest_for` then
        needs no query of its own."""
        generation = self._memberships.generation()
        result = await self._session.execute(TOGGLES_AND_COMMUNITIES, member_params(key))
        records: list[ToggleRecord] = []
        joined: list[str] = []
        for marketplace, toggle, off, at, community in result.tuples():
            if community is None:
                records.append(ToggleRecord(marketplace, toggle, off, as_utc(at)))
            else:
                joined.append(community)
        self._memo.communities[key] = sorted(joined)
        if joined:
            self._memberships.remember(key, joined, generation=generation)
        return records

    async def set_toggle(
        self, key: MemberKey, *, marketplace: str, toggle: str, off: bool, at: dt.datetime
    ) -> None:
        """One statement for a known member; a new one is created first (two more)."""
        values = member_params(key) | {
            "marketplace": marketplace,
            "toggle": toggle,
            "off": off,
            "at": at,
        }
        result = await self._session.execute(SET_KNOWN_MEMBERS_TOGGLE, values)
        if getattr(result, "rowcount", 0):
            return
        await self._member_id(key, at)
        await self._session.execute(SET_KNOWN_MEMBERS_TOGGLE, values)

    async def traces(self, key: MemberKey) -> MemberTraces:
        return await personal_data.traces(self._session, key, self._adapter_tables)

    async def delete(self, key: MemberKey) -> int:
        self._memberships.forget(key)
        self._memo.deleted.add(key)
        # Claimed rows too: a worker holding one fails its fence and does not send it.
        deliveries = await self._session.execute(delete(Delivery).where(recipient_filter(key)))
        gone = int(getattr(deliveries, "rowcount", 0) or 0)
        gone += await personal_data.clear(self._session, key, self._adapter_tables)
        self._memo.changed_languages[key] = None
        member = await self._member(key)
        if member is None:
            return gone
        counted = 0
        for table in (ToggleStatus, MemberCommunity):
            result = await self._session.execute(
                delete(table).where(col(table.member_id) == member.id)
            )
            counted += int(getattr(result, "rowcount", 0) or 0)
        await self._session.delete(member)
        return gone + counted + 1

    async def join_community(self, key: MemberKey, community: str) -> None:
        """Remember that a known member used the bot in `community`; strangers stay unknown.
        No statement when this process has seen the membership lately (membership_cache.py)."""
        if self._memberships.known(key, community):
            return
        generation = self._memberships.generation()
        values = member_params(key) | {"community": community}
        result = await self._session.execute(JOIN_KNOWN_MEMBER, values)
        if result.first() is not None:
            self._memo.joined.append((key, community, generation))

    async def communities(self, key: MemberKey) -> list[str]:
        result = await self._session.scalars(
            select(col(MemberCommunity.community))
            .join(Member)
            .where(is_member(key))
            .order_by(col(MemberCommunity.community))
        )
        return list(result)

    async def set_timezone(self, key: MemberKey, timezone: str, *, at: dt.datetime) -> None:
        member_id = await self._member_id(key, at)
        await self._session.execute(
            update(Member).where(col(Member.id) == member_id).values(timezone=timezone)
        )

    async def set_muted(self, key: MemberKey, muted: bool, *, at: dt.datetime) -> None:
        member_id = await self._member_id(key, at)
        await self._session.execute(
            update(Member).where(col(Member.id) == member_id).values(muted=muted)
        )

    async def set_language(self, key: MemberKey, language: str | None, *, at: dt.datetime) -> None:
        member_id = await self._member_id(key, at)
        await self._session.execute(
            update(Member).where(col(Member.id) == member_id).values(language=language)
        )
        self._memo.changed_languages[key] = language

    async def language(self, key: MemberKey) -> str | None:
        return await self._languages.language(self._session, key)

    async def note_platform_language(self, key: MemberKey, language: str | None) -> None:
        await platform_language.note(
            self._session, self._platform_languages, self._memo, key, language
        )

    async def toggle_counts(
        self, *, platform: str, workspace: str, marketplace: str, toggles: list[str]
    ) -> ToggleCounts:
        members = await self._session.scalar(
            select(func.count()).select_from(Member).where(in_community(platform, workspace))
        )
        recorded = (
            in_community(platform, workspace),
            col(ToggleStatus.marketplace) == marketplace,
            col(ToggleStatus.toggle).in_(toggles),
        )
        off_rows = (
            select(col(ToggleStatus.member_id), col(ToggleStatus.toggle))
            .join(Member)
            .where(*recorded, current_off())
            .subquery()
        )
        rechecks = await self._session.scalar(
            select(func.count(func.distinct(col(ToggleStatus.member_id))))
            .join(Member)
            .where(*recorded, col(ToggleStatus.off).is_(True), superseded())
        )
        per_toggle_rows = await self._session.execute(
            select(off_rows.c.toggle, func.count()).group_by(off_rows.c.toggle)
        )
        per_toggle = {toggle: 0 for toggle in toggles} | dict(per_toggle_rows.tuples().all())
        finished = await self._session.scalar(
            select(func.count()).select_from(
                select(off_rows.c.member_id)
                .group_by(off_rows.c.member_id)
                .having(func.count() == len(toggles))
                .subquery()
            )
        )
        return ToggleCounts(
            members=members or 0,
            finished=finished or 0,
            per_toggle=per_toggle,
            rechecks=rechecks or 0,
        )


class SqlFaqStatsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_counts(self, counts: Mapping[TopicKey, int]) -> None:
        """Add a batch of per-topic question counts in one statement."""
        if not counts:
            return
        rows = [
            {"platform": p, "workspace": w, "topic": topic or DECLINED_TOPIC, "count": n}
            for (p, w, topic), n in sorted(counts.items(), key=lambda item: _sortable(item[0]))
        ]
        insert = upsert(self._session, FaqTopicCount).values(rows)
        await self._session.execute(
            insert.on_conflict_do_update(
                index_elements=["platform", "workspace", "topic"],
                set_={"count": col(FaqTopicCount.count) + insert.excluded.count},
            )
        )

    async def topic_counts(self, *, platform: str, workspace: str) -> dict[str | None, int]:
        result = await self._session.execute(
            select(FaqTopicCount).where(
                col(FaqTopicCount.platform) == platform, col(FaqTopicCount.workspace) == workspace
            )
        )
        return {(row.topic or None): row.count for row in result.scalars()}


class SqlUnitOfWork:
    """One session, one transaction. Driver errors surface as StorageError, rolled back.

    `policy_cache`, `language_cache`, `memberships` and `platform_languages` are shared by
    every unit of work of a process (see policy_cache.py, language_cache.py,
    membership_cache.py, platform_language.py); without them, each unit of work reads the policy
    updates and languages afresh and writes every membership and platform language it is told
    of. `adapter_tables` are the adapters' own tables that name members
    (personal_data.py), for `my-data` and `forget-me`.
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        adapter_tables: Sequence[personal_data.AdapterTable],
        policy_cache: PolicyCache | None = None,
        language_cache: LanguageCache | None = None,
        memberships: MembershipCache | None = None,
        platform_languages: platform_language.PlatformLanguageCache | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._adapter_tables = tuple(adapter_tables)
        self._policy_cache = policy_cache or PolicyCache(ttl=0)
        self._language_cache = language_cache or LanguageCache(ttl=0)
        self._memberships = memberships or MembershipCache(ttl=0)
        self._platform_languages = platform_languages or platform_language.PlatformLanguageCache(
            ttl=0
        )

    async def __aenter__(self) -> Self:
        self._session = self._session_factory()
        self._memo = MemberMemo()
        self.members = SqlMemberRepository(
            self._session,
            self._memo,
            self._language_cache,
            self._adapter_tables,
            self._memberships,
            self._platform_languages,
        )
        self.faq_stats = SqlFaqStatsRepository(self._session)
        self.policy = SqlPolicyUpdateRepository(self._session, self._policy_cache, self._memo)
        self.stats = SqlCommunityStats(self._session)
        self.reminders = SqlReminderRepository(self._session)
        self.broadcasts = SqlBroadcastRepository(self._session)
        self.outbox = SqlOutboxRepository(self._session)
        self.dashboard_logins = SqlDashboardLogins(self._session)
        self.welcome = SqlWelcomeRepository(self._session)
        self.inbox = SqlInboxRepository(self._session)
        self.feedback = SqlFeedbackRepository(self._session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self._session.close()  # rolls back what was not committed
        except BaseException as cleanup:
            if not is_driver_error(cleanup):
                raise
            # The connection is gone: drop it from the pool rather than return it.
            await self._session.invalidate()
            if exc is None or not is_driver_error(exc):
                raise StorageError("the database connection failed", cleanup) from cleanup
        if exc is not None and is_driver_error(exc):
            raise StorageError("the database could not complete the request", exc) from exc

    async def commit(self) -> None:
        if not self._session.in_transaction():
            return  # nothing was read or written (a membership already known, say)
        try:
            await self._session.commit()
        except BaseException as exc:
            if is_driver_error(exc):
                raise StorageError("the database could not save the change", exc) from exc
            raise
        self._policy_cache.forget(self._memo.changed_policies)
        self._language_cache.changed(self._memo.changed_languages)
        self._memo.changed_languages.clear()
        for key, language, generation in self._memo.platform_languages:
            self._platform_languages.remember(key, language, generation=generation)
        for key in self._memo.deleted:
            self._memberships.forget(key)
        for key in self._memo.deleted | self._memo.created:
            self._platform_languages.forget(key)
        for key, community, generation in self._memo.joined:
            self._memberships.remember(key, [community], generation=generation)
        self._memo.deleted.clear()
        self._memo.joined.clear()
        self._memo.platform_languages.clear()
        self._memo.created.clear()
