"""What each platform's adapter provides once its client exists, registered while the
application is built: member lists, and whether the adapter hears members join."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Generic, TypeVar

from core.joins import JoinFeed
from core.ports import MemberDirectory

T = TypeVar("T")


class PlatformRegistry(Mapping[str, T], Generic[T]):
    """One entry per platform, added by its adapter while the application is built.

    The composition root makes it empty and hands it to the core at construction; an adapter
    registers its platform's entry once its client exists. Discord's lists go through the
    client, and that client is built around the core, so the entry cannot exist before the
    core: the core is never changed afterwards, only this registry gains an entry. A platform
    registers at most once, so no part of the application can replace another's.
    """

    def __init__(self) -> None:
        self._found: dict[str, T] = {}

    def register(self, platform: str, entry: T) -> None:
        if platform in self._found:
            raise ValueError(f"{platform!r} is already registered")
        self._found[platform] = entry

    def __getitem__(self, platform: str) -> T:
        return self._found[platform]

    def __iter__(self) -> Iterator[str]:
        return iter(self._found)

    def __len__(self) -> int:
        return len(self._found)


class MemberDirectories(PlatformRegistry[MemberDirectory]):
    """The member lists broadcasts to "all"/"pending" reach beyond the members the bot knows."""


class JoinFeeds(PlatformRegistry[JoinFeed]):
    """Per platform, whether its adapter is told when members join (see `core.joins`)."""
