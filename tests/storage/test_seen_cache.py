"""The bookkeeping both member caches share (core/storage/seen_cache.py), on a hand-moved clock:
facts expire after `ttl`, the least recently seen member goes first, and a membership adds to
the others while a platform language replaces the one before."""

from __future__ import annotations

from core.identity import MemberKey
from core.storage.membership_cache import MembershipCache
from core.storage.platform_language import PlatformLanguageCache
from tests.fakes import Seconds

ANN = MemberKey("discord", "global", "ann")
BOB = MemberKey("discord", "global", "bob")
CAT = MemberKey("discord", "global", "cat")


def test_each_community_is_known_for_ttl_seconds_from_when_it_was_seen() -> None:
    seconds = Seconds()
    cache = MembershipCache(ttl=60, now=seconds)
    cache.remember(ANN, ["G1"], generation=cache.generation())
    seconds.now = 30
    cache.remember(ANN, ["G2"], generation=cache.generation())
    assert cache.known(ANN, "G1") and cache.known(ANN, "G2")
    seconds.now = 60
    assert not cache.known(ANN, "G1") and cache.known(ANN, "G2")


def test_a_new_platform_language_replaces_the_one_before() -> None:
    cache = PlatformLanguageCache()
    cache.remember(ANN, "es", generation=cache.generation())
    cache.remember(ANN, None, generation=cache.generation())
    assert cache.known(ANN, None) and not cache.known(ANN, "es")


def test_the_member_seen_least_recently_is_dropped_first() -> None:
    cache = MembershipCache(size=2)
    for member in (ANN, BOB):
        cache.remember(member, ["G1"], generation=cache.generation())
    cache.remember(ANN, ["G2"], generation=cache.generation())  # ann is now the most recent
    cache.remember(CAT, ["G1"], generation=cache.generation())
    assert cache.known(ANN, "G1") and cache.known(CAT, "G1") and not cache.known(BOB, "G1")
