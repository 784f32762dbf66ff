"""Each platform's member list, registered by its adapter while the application is built."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from core.ports import MemberDirectory


class MemberDirectories(Mapping[str, MemberDirectory]):
    """The member lists broadcasts to "all"/"pending" reach beyond the members the bot knows.

    The composition root makes it empty and hands it to the core at construction; an adapter
    registers its platform's directory once its client exists. Discord's lists through the
    client, and that client is built around the core, so the directory cannot exist before the
    core: the core is never changed afterwards, only this registry gains an entry. A platform
    registers at most once, so no part of the application can replace another's list.
    """

    def __init__(self) -> None:
        self._found: dict[str, MemberDirectory] = {}

    def register(self, platform: str, directory: MemberDirectory) -> None:
        if platform in self._found:
            raise ValueError(f"a member directory for {platform!r} is already registered")
        self._found[platform] = directory

    def __getitem__(self, platform: str) -> MemberDirectory:
        return self._found[platform]

    def __iter__(self) -> Iterator[str]:
        return iter(self._found)

    def __len__(self) -> int:
        return len(self._found)
