"""The port every FAQ retrieval engine implements, so one method can replace another."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class MatchKind(StrEnum):
    ANSWER = "answer"  # a topic was found
    GREETING = "greeting"  # hello / thanks / bye: a short friendly reply, no topic
    DECLINE = "decline"  # off-topic or unsure: say what the bot can answer


@dataclass(frozen=True, slots=True)
class FaqMatch:
    kind: MatchKind
    topic: str | None  # None unless kind is ANSWER
    confidence: float  # 0..1
    alternatives: tuple[str, ...] = ()  # other plausible topic ids, best first ("Did you mean")


class FaqEngine(Protocol):
    def match(self, question: str) -> FaqMatch: ...
