"""Prometheus counters behind the core `Metrics` port, in a registry of their own per app."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, generate_latest

from core.metrics import COMMANDS_BUSY, COMMANDS_HANDLED, DELIVERIES, FAQ_DECLINES, RATE_LIMIT_WAITS

PREFIX = "gigguard_"

COUNTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    COMMANDS_HANDLED: ("Commands handled, by subcommand and platform.", ("command", "platform")),
    COMMANDS_BUSY: ("Commands refused as busy (admission control).", ("command", "platform")),
    FAQ_DECLINES: ("Questions the FAQ declined to answer.", ("platform",)),
    DELIVERIES: ("Outgoing messages, by outcome (sent, failed, ...).", ("platform", "outcome")),
    RATE_LIMIT_WAITS: ("Times a platform rate limit made us wait.", ("platform",)),
}


class PrometheusMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        # A private registry, not the process-global one: two apps in one process (tests)
        # must not share counts or collide on registration.
        self.registry = registry if registry is not None else CollectorRegistry()
        self._counters = {
            name: Counter(PREFIX + name, help_text, labels, registry=self.registry)
            for name, (help_text, labels) in COUNTERS.items()
        }

    def count(self, name: str, **labels: str) -> None:
        counter = self._counters.get(name)
        if counter is None:
            raise ValueError(f"unknown metric {name!r}; known: {', '.join(sorted(COUNTERS))}")
        counter.labels(**labels).inc()

    def exposition(self) -> bytes:
        """The Prometheus text format, for GET /metrics."""
        return generate_latest(self.registry)
