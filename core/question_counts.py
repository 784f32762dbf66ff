"""Per-topic question counts, added up in memory and written in batches (core/batched_counts).

`ask` is the one command that would otherwise write on every call just to bump a counter.
Counts stay anonymous: a topic, never who asked.
"""

from __future__ import annotations

from core.batched_counts import BatchedCounts
from core.ports import UnitOfWork

TopicKey = tuple[str, str, str | None]  # (platform, community, topic; None: declined)


async def _write(work: UnitOfWork, batch: dict[TopicKey, int]) -> None:
    await work.faq_stats.add_counts(batch)


class QuestionCounts(BatchedCounts[TopicKey]):
    def __init__(self) -> None:
        super().__init__(_write, what="question counts")

    def add(self, *, platform: str, workspace: str, topic: str | None) -> None:
        self.count((platform, workspace, topic))

    def pending(self, *, platform: str, workspace: str) -> dict[str | None, int]:
        """Counts of this community not yet written (moderators' stats add them in)."""
        return {
            t: n for (p, w, t), n in self.unwritten().items() if (p, w) == (platform, workspace)
        }
