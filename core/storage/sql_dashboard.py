"""SQL side of dashboard logins: link tokens and sessions, stored as hashes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from core.dashboard.models import DashboardModerator, DashboardSession
from core.identity import MemberKey
from core.storage.tables import DashboardLogin, as_utc


def _moderator(row: DashboardLogin) -> DashboardModerator:
    return DashboardModerator(
        key=MemberKey(row.platform, row.workspace, row.user_id), community=row.community
    )


class SqlDashboardLogins:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_link(
        self,
        moderator: DashboardModerator,
        *,
        token_hash: str,
        expires_at: dt.datetime,
        at: dt.datetime,
    ) -> None:
        self._session.add(
            DashboardLogin(
                token_hash=token_hash,
                platform=moderator.key.platform,
                workspace=moderator.key.workspace,
                user_id=moderator.key.user,
                community=moderator.community,
                created_at=at,
                link_expires_at=expires_at,
            )
        )
        await self._session.flush()

    async def redeem(
        self,
        token_hash: str,
        *,
        session_hash: str,
        session_expires_at: dt.datetime,
        at: dt.datetime,
    ) -> DashboardModerator | None:
        used = await self._session.execute(
            update(DashboardLogin)
            .where(
                col(DashboardLogin.token_hash) == token_hash,
                col(DashboardLogin.used_at).is_(None),
                col(DashboardLogin.link_expires_at) > at,
            )
            .values(used_at=at, session_hash=session_hash, session_expires_at=session_expires_at)
        )
        if used.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = await self._session.scalar(
            select(DashboardLogin).where(col(DashboardLogin.token_hash) == token_hash)
        )
        return _moderator(row) if row is not None else None

    async def session(self, session_hash: str, *, at: dt.datetime) -> DashboardSession | None:
        row = await self._session.scalar(
            select(DashboardLogin).where(
                col(DashboardLogin.session_hash) == session_hash,
                col(DashboardLogin.session_expires_at) > at,
            )
        )
        if row is None or row.session_expires_at is None:
            return None
        return DashboardSession(_moderator(row), as_utc(row.session_expires_at))

    async def end_session(self, session_hash: str, *, at: dt.datetime) -> None:
        await self._session.execute(
            update(DashboardLogin)
            .where(col(DashboardLogin.session_hash) == session_hash)
            .values(session_expires_at=at)
        )
