"""Database tables. Only what the product needs: ids, toggles, dates; never message text."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Date, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def _utc_column(nullable: bool = False) -> Column[dt.datetime]:
    return Column(DateTime(timezone=True), nullable=nullable)


def as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


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
    language: str | None = Field(default=None, max_length=8)  # set with /optout lang
    # What their platform last reported, as a language spoken here (platform_language.py).
    platform_language: str | None = Field(default=None, max_length=8)
    created_at: dt.datetime = Field(sa_column=_utc_column())


class MemberCommunity(SQLModel, table=True):
    """A community (outside the member's own workspace) where the member used the bot."""

    __tablename__ = "member_community"

    member_id: int = Field(foreign_key="member.id", primary_key=True)
    community: str = Field(primary_key=True, max_length=64, index=True)


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


class Broadcast(SQLModel, table=True):
    """A moderator's message: one-off or recurring (`schedule` is cron in `timezone`)."""

    __tablename__ = "broadcast"

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    workspace: str = Field(max_length=64, index=True)
    created_by: str = Field(max_length=64)
    target: str = Field(max_length=16)
    channel: str | None = Field(default=None, max_length=64)
    audience: str = Field(max_length=16)
    text: str = Field(sa_column=Column(Text, nullable=False))
    schedule: str | None = Field(default=None, max_length=64)
    timezone: str = Field(max_length=64)
    first_at: dt.datetime = Field(sa_column=_utc_column())
    state: str = Field(max_length=16)
    runs: int = 0
    next_run_at: dt.datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    created_at: dt.datetime = Field(sa_column=_utc_column())
    # A recurring broadcast runs no later than this; None: until cancelled.
    until_at: dt.datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    # The moderator whose confirmation scheduled it (another than the author when two
    # approvals are required).
    approved_by: str | None = Field(default=None, max_length=64)
    # "at 9am local": each member at that time in their own zone (see core/delivery/when.py).
    local_time: bool = False


class Delivery(SQLModel, table=True):
    """The outbox: every message is a row before it is sent, leased while a worker sends it.

    Reminders store no text (the member's live checklist is built at send time); broadcast
    copies point at their broadcast. Rows are addressed by platform ids, not member ids, so
    members who never used the bot can receive broadcasts too.
    """

    __tablename__ = "delivery"
    __table_args__ = (
        Index("ix_delivery_status_due", "status", "due_at"),
        Index("ix_delivery_recipient", "platform", "workspace", "user_id"),
        UniqueConstraint("broadcast_id", "run", "user_id", name="uq_delivery_run_recipient"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    platform: str = Field(max_length=16)
    workspace: str = Field(max_length=64)
    user_id: str | None = Field(default=None, max_length=64)
    channel: str | None = Field(default=None, max_length=64)
    broadcast_id: int | None = Field(default=None, foreign_key="broadcast.id", index=True)
    run: int = 0
    status: str = Field(max_length=16)
    reason: str | None = Field(default=None, max_length=32)
    due_at: dt.datetime = Field(sa_column=_utc_column())
    attempts: int = 0
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: dt.datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    late: bool = False
    created_at: dt.datetime = Field(sa_column=_utc_column())
    finished_at: dt.datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))


class PolicyUpdate(SQLModel, table=True):
    """A policy change a moderator recorded for their community; older statuses need a re-check."""

    __tablename__ = "policy_update"
    __table_args__ = (Index("ix_policy_update_scope", "platform", "workspace", "marketplace"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    workspace: str = Field(max_length=64)
    marketplace: str = Field(max_length=32)
    note: str = Field(max_length=500)
    source: str | None = Field(default=None, max_length=300)
    created_at: dt.datetime = Field(sa_column=_utc_column())


class KnowledgeGeneration(SQLModel, table=True):
    """One row: bumped by `gigguard knowledge reload`; every `gigguard run` polls it and reloads
    its knowledge files when it changes (works across hosts and containers)."""

    __tablename__ = "knowledge_generation"

    id: int = Field(default=1, primary_key=True)
    generation: int = 0
    updated_at: dt.datetime = Field(sa_column=_utc_column())


class DashboardLogin(SQLModel, table=True):
    """A one-time dashboard login link and, once used, the session it opened.

    Only SHA-256 hashes of the link token and the session token are stored, so a copy of the
    database opens no dashboard.
    """

    __tablename__ = "dashboard_login"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    session_hash: str | None = Field(default=None, max_length=64, unique=True)
    platform: str = Field(max_length=16)
    workspace: str = Field(max_length=64)
    user_id: str = Field(max_length=64)
    community: str = Field(max_length=64)  # whose figures the session shows (a Discord server)
    created_at: dt.datetime = Field(sa_column=_utc_column())
    link_expires_at: dt.datetime = Field(sa_column=_utc_column())
    used_at: dt.datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    session_expires_at: dt.datetime | None = Field(
        default=None, sa_column=_utc_column(nullable=True)
    )


class WelcomeCommunity(SQLModel, table=True):
    """A community whose moderators switched welcome DMs on (no row: off, the default)."""

    __tablename__ = "welcome_community"

    platform: str = Field(primary_key=True, max_length=16)
    community: str = Field(primary_key=True, max_length=64)
    switched_on_at: dt.datetime = Field(sa_column=_utc_column())


class WelcomedMember(SQLModel, table=True):
    """The durable marker that a member was welcomed: one row per member, ever, so a second
    join (or a second server on Discord, where identities are global) sends nothing. Written
    in the same transaction as the welcome's delivery row; forget-me deletes it."""

    __tablename__ = "welcomed_member"

    platform: str = Field(primary_key=True, max_length=16)
    workspace: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(primary_key=True, max_length=64)
    community: str = Field(max_length=64, index=True)  # where they joined: whose stats count it
    created_at: dt.datetime = Field(sa_column=_utc_column())


class InboxQuestion(SQLModel, table=True):
    """A question the bot could not answer, sent to the community's moderators by the member.

    Scrubbed of mentions, addresses, links and numbers, with the community and the day only.
    `notify_*` name the member only if they asked to be told of the answer; the answer moves
    that id into the outbox (`delivery_id`, the DM telling them) and clears it here.
    """

    __tablename__ = "inbox_question"
    __table_args__ = (Index("ix_inbox_question_scope", "platform", "workspace", "state"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    workspace: str = Field(max_length=64)  # the community (a Slack workspace, a Discord server)
    text: str = Field(sa_column=Column(Text, nullable=False))
    asked_on: dt.date = Field(sa_column=Column(Date, nullable=False))
    state: str = Field(max_length=16)
    notify_workspace: str | None = Field(default=None, max_length=64)
    notify_user: str | None = Field(default=None, max_length=64)
    topic: str | None = Field(default=None, max_length=64)  # the FAQ entry it became
    answer: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    delivery_id: int | None = Field(default=None, index=True)  # not a key: forget-me drops it


class FaqFeedbackCount(SQLModel, table=True):
    """ "Helpful" / "Not helpful" clicks under each topic's answer, per community; never who."""

    __tablename__ = "faq_feedback_count"

    platform: str = Field(primary_key=True, max_length=16)
    workspace: str = Field(primary_key=True, max_length=64)
    topic: str = Field(primary_key=True, max_length=64)
    helpful: bool = Field(primary_key=True)
    count: int = 0
