"""The metrics port: what core may count, without knowing who collects it (bot/metrics.py)."""

from __future__ import annotations

from typing import Protocol

# Counter names, with the labels each one takes.
COMMANDS_HANDLED = "commands_handled"  # command, platform
COMMANDS_BUSY = "commands_busy"  # command, platform: refused by admission control
FAQ_DECLINES = "faq_declines"  # platform
DELIVERIES = "deliveries"  # platform, outcome
RATE_LIMIT_WAITS = "rate_limit_waits"  # platform


class Metrics(Protocol):
    def count(self, name: str, **labels: str) -> None:
        """Add one to the counter `name` for these label values."""
        ...


class NoMetrics:
    """For tests and tools that collect nothing (`gigguard ask`)."""

    def count(self, name: str, **labels: str) -> None:
        return None
