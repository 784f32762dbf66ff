"""Database tables. Only what the product needs: ids, toggles, dates; never message text."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel


def _utc_column(nullable: bool = False) -> Column[dt.datetime]:
    return Column(DateTime(timezone=True), nullable=nullable)


class Member(SQLModel, table=True):
    __tablename__ = "member"
    __table_args__ = (
        UniqueConstraint("platform", "workspace", "user_id", name="uq_member_identity"),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    workspace: str = Field(max_length=64, index=True)
    user_id: str = Field(max_length=64)
    timezone: str | None = Field(default=None, max_length=64)
    muted: bool = False
    created_at: dt.datetime = Field(sa_column=_utc_column())


class ToggleStatus(SQLModel, table=True):
    __tablename__ = "toggle_status"

    member_id: int = Field(foreign_key="member.id", primary_key=True)
    marketplace: str = Field(primary_key=True, max_length=32)
    toggle: str = Field(primary_key=True, max_length=32)
    off: bool
    recorded_at: dt.datetime = Field(sa_column=_utc_column())


class FaqTopicCount(SQLModel, table=True):
    """How often each topic was asked per community; topic '' counts declined questions."""

    __tablename__ = "faq_topic_count"

    platform: str = Field(primary_key=True, max_length=16)
    workspace: str = Field(primary_key=True, max_length=64)
    topic: str = Field(primary_key=True, max_length=64)
    count: int = 0
