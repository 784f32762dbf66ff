"""Which Member rows a request means: one member by key, or everyone in a community (its own
workspace's members, plus members who used the bot there)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, select
from sqlmodel import col

from core.identity import MemberKey
from core.storage.tables import Member, MemberCommunity


def is_member(key: MemberKey) -> ColumnElement[bool]:
    """A filter on Member: the one row of this platform, workspace and user."""
    return and_(
        col(Member.platform) == key.platform,
        col(Member.workspace) == key.workspace,
        col(Member.user_id) == key.user,
    )


def in_community(platform: str, community: str) -> ColumnElement[bool]:
    """A filter on Member: Slack members live in their team; Discord members join per server."""
    joined = select(col(MemberCommunity.member_id)).where(
        col(MemberCommunity.community) == community
    )
    return and_(
        col(Member.platform) == platform,
        or_(col(Member.workspace) == community, col(Member.id).in_(joined)),
    )
