"""Back-off and logging for a background task while the database is away.

A loop that polls the database (the delivery worker, the knowledge-generation watcher) keeps
running through an outage: it logs once when the outage starts and once when it ends, not on
every attempt, and waits longer between attempts while it lasts.
"""

from __future__ import annotations

import logging

MAX_BACKOFF_SECONDS = 60.0


class Outage:
    """The state of one task's outage; `failed` returns how long to wait before retrying."""

    def __init__(
        self, task: str, log: logging.Logger, *, base: float, ceiling: float = MAX_BACKOFF_SECONDS
    ) -> None:
        self._task = task
        self._log = log
        self._base = base
        self._ceiling = max(ceiling, base)
        self.failures = 0

    def failed(self, exc: BaseException) -> float:
        self.failures += 1
        if self.failures == 1:
            self._log.warning(
                "%s: database unavailable (%s), retrying with back-off until it returns",
                self._task,
                _reason(exc),
            )
        return min(self._base * 2 ** (self.failures - 1), self._ceiling)

    def succeeded(self) -> None:
        if self.failures:
            self._log.warning(
                "%s: database is back (failed attempts: %d)", self._task, self.failures
            )
        self.failures = 0


def _reason(exc: BaseException) -> str:
    cause = getattr(exc, "original", None) or exc.__cause__ or exc
    message = " ".join(str(cause).split())[:200]
    return f"{type(cause).__name__}: {message}" if message else type(cause).__name__
