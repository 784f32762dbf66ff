"""The statements behind every `status`, `done` and `undo` (and a Discord member's first
command in a server), built once.

Building a statement and its cache key on every call cost more CPU than SQLite took to run
it, so these are module constants with bound parameters (`platform`, `workspace`, `user`
name the member). The upsert is SQL text: SQLAlchemy never caches the compiled form of an
INSERT ... ON CONFLICT (its dialects' Insert sets `inherit_cache = False`), so it compiled
that statement afresh on every `done`; text is cached like any Core statement, and SQLite
and PostgreSQL speak the same clause.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    DateTime,
    String,
    and_,
    bindparam,
    cast,
    inspect,
    null,
    select,
    text,
    union_all,
)

from core.identity import MemberKey
from core.storage.tables import Member, MemberCommunity, ToggleStatus

_member = inspect(Member).local_table
_toggle = inspect(ToggleStatus).local_table
_community = inspect(MemberCommunity).local_table


def member_params(key: MemberKey) -> dict[str, Any]:
    """The bound values that name a member in these statements."""
    return {"platform": key.platform, "workspace": key.workspace, "user": key.user}


def names_the_member() -> ColumnElement[bool]:
    """The member named by the bound `member_params`."""
    return and_(
        _member.c.platform == bindparam("platform"),
        _member.c.workspace == bindparam("workspace"),
        _member.c.user_id == bindparam("user"),
    )


# A member's toggle rows and, in the same round trip, the communities they used the bot in
# (rows with `community` set and the toggle columns null).
TOGGLES_AND_COMMUNITIES = union_all(
    select(
        _toggle.c.marketplace,
        _toggle.c.toggle,
        _toggle.c.off,
        _toggle.c.recorded_at,
        cast(null(), String).label("community"),
    )
    .select_from(_toggle.join(_member))
    .where(names_the_member()),
    select(
        cast(null(), String),
        cast(null(), String),
        cast(null(), Boolean),
        cast(null(), DateTime(timezone=True)),
        _community.c.community,
    )
    .select_from(_community.join(_member))
    .where(names_the_member()),
)

# Record one toggle of a known member; no row (rowcount 0) when the member is not known yet.
# SQLite needs the WHERE for the upsert to parse after a SELECT.
SET_KNOWN_MEMBERS_TOGGLE = text(
    "INSERT INTO toggle_status (member_id, marketplace, toggle, off, recorded_at) "
    "SELECT id, :marketplace, :toggle, :off, :at FROM member "
    "WHERE platform = :platform AND workspace = :workspace AND user_id = :user "
    "ON CONFLICT (member_id, marketplace, toggle) "
    "DO UPDATE SET off = excluded.off, recorded_at = excluded.recorded_at"
).bindparams(
    bindparam("marketplace", type_=String),
    bindparam("toggle", type_=String),
    bindparam("off", type_=Boolean),
    bindparam("at", type_=DateTime(timezone=True)),
)

# Record that a known member used the bot in `community`; a row comes back when the member is
# known (whether the membership is new or not), none for a stranger, who stays unknown. The
# no-op update, not DO NOTHING, is what makes the row come back for an existing membership.
JOIN_KNOWN_MEMBER = text(
    "INSERT INTO member_community (member_id, community) "
    "SELECT id, :community FROM member "
    "WHERE platform = :platform AND workspace = :workspace AND user_id = :user "
    "ON CONFLICT (member_id, community) DO UPDATE SET community = excluded.community "
    "RETURNING member_id"
).bindparams(bindparam("community", type_=String))
