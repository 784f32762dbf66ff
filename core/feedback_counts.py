""" "Helpful" / "Not helpful" clicks under FAQ answers, counted per topic and written in
batches like the question counts. Nobody's click is tied to them."""

from __future__ import annotations

from core.batched_counts import BatchedCounts
from core.ports import UnitOfWork

FeedbackKey = tuple[str, str, str, bool]  # (platform, community, topic, helpful)


async def _write(work: UnitOfWork, batch: dict[FeedbackKey, int]) -> None:
    await work.feedback.add_counts(batch)


class FeedbackCounts(BatchedCounts[FeedbackKey]):
    def __init__(self) -> None:
        super().__init__(_write, what="answer feedback counts")

    def add(self, *, platform: str, workspace: str, topic: str, helpful: bool) -> None:
        self.count((platform, workspace, topic, helpful))

    def pending(self, *, platform: str, workspace: str) -> dict[tuple[str, bool], int]:
        return {
            (t, h): n
            for (p, w, t, h), n in self.unwritten().items()
            if (p, w) == (platform, workspace)
        }
