"""Values derived from the knowledge (vocabularies, routers), built once per knowledge object.

A knowledge reload swaps in a new object, so its derived values are built afresh; the few
most recent are kept (an entry holds its knowledge, so no other object can reuse its id).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from core.knowledge import Knowledge

T = TypeVar("T")


class PerKnowledge(Generic[T]):
    def __init__(self, build: Callable[[Knowledge], T], *, keep: int = 4) -> None:
        self._build = build
        self._keep = keep
        self._built: dict[int, tuple[Knowledge, T]] = {}

    def __call__(self, knowledge: Knowledge) -> T:
        entry = self._built.get(id(knowledge))
        if entry is None:
            if len(self._built) >= self._keep:
                self._built.pop(next(iter(self._built)))
            entry = self._built[id(knowledge)] = (knowledge, self._build(knowledge))
        return entry[1]
