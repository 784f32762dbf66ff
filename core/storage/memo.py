"""What one unit of work already learned, so its repositories do not ask the database twice."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.identity import MemberKey


@dataclass(slots=True)
class MemberMemo:
    # Read together with a member's toggles: the communities they used the bot in.
    communities: dict[MemberKey, list[str]] = field(default_factory=dict)
    # (platform, community) whose policy updates this unit of work changed: forgotten by the
    # policy cache once the change is committed.
    changed_policies: set[tuple[str, str]] = field(default_factory=set)
    # Members whose language this unit of work set (None: cleared, or the member deleted):
    # applied to the language cache once committed.
    changed_languages: dict[MemberKey, str | None] = field(default_factory=dict)
    # Memberships this unit of work wrote, with the membership cache's generation when each
    # was written: remembered by the cache once the change is committed.
    joined: list[tuple[MemberKey, str, int]] = field(default_factory=list)
    # Members this unit of work deleted: forgotten by the membership cache (again) on commit.
    deleted: set[MemberKey] = field(default_factory=set)
    # Platform languages this unit of work stored (or found stored), with the platform language
    # cache's generation: remembered by that cache once committed (platform_language.py).
    platform_languages: list[tuple[MemberKey, str | None, int]] = field(default_factory=list)
    # Members whose row this unit of work may have created: their platform language is written
    # again by the next request (the new row has none).
    created: set[MemberKey] = field(default_factory=set)
