"""FAQ question counts: kept in memory, written in one batch per flush, never lost to a failed
flush, written once more when the bot stops."""

from __future__ import annotations

import asyncio
from functools import partial

from core.question_counts import QuestionCounts
from tests.fakes import InMemoryStore, InMemoryUnitOfWork


async def test_a_failed_flush_keeps_its_counts_for_the_next() -> None:
    store = InMemoryStore()
    uow = partial(InMemoryUnitOfWork, store)
    counts = QuestionCounts()
    counts.add(platform="slack", workspace="T1", topic="what-changed")
    counts.add(platform="slack", workspace="T1", topic=None)
    store.fail_on_commit = True
    assert await counts.flush(uow) == 0
    assert counts.pending(platform="slack", workspace="T1") == {"what-changed": 1, None: 1}
    counts.add(platform="slack", workspace="T1", topic="what-changed")
    store.fail_on_commit = False
    assert await counts.flush(uow) == 3
    assert store.topic_counts == {("slack", "T1", "what-changed"): 2, ("slack", "T1", None): 1}
    assert counts.pending(platform="slack", workspace="T1") == {}
    assert await counts.flush(uow) == 0  # nothing pending: no write at all


async def test_stopping_flushes_what_is_pending() -> None:
    store = InMemoryStore()
    counts = QuestionCounts()
    stop = asyncio.Event()
    flusher = asyncio.create_task(
        counts.flush_every(partial(InMemoryUnitOfWork, store), stop, seconds=3600)
    )
    counts.add(platform="discord", workspace="G1", topic="older-data")
    stop.set()
    await asyncio.wait_for(flusher, 60)
    assert store.topic_counts == {("discord", "G1", "older-data"): 1}
