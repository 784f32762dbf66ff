"""Who belongs to a community: its own workspace's members, plus members who used the bot there."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, select
from sqlmodel import col

from core.storage.tables import Member, MemberCommunity


def in_community(platform: str, community: str) -> ColumnElement[bool]:
    """A filter on Member: Slack members live in their team; Discord members join per server."""
    joined = select(col(MemberCommunity.member_id)).where(
        col(MemberCommunity.community) == community
    )
    return and_(
        col(Member.platform) == platform,
        or_(col(Member.workspace) == community, col(Member.id).in_(joined)),
    )
