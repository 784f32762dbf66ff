"""Choices the CLI offers, apart from the settings: `--help` must not load pydantic-settings."""

from __future__ import annotations

from enum import StrEnum


class Platform(StrEnum):
    """Where gigguard can run: the CLI's `--platform` choices."""

    CONSOLE = "console"
    SLACK = "slack"
    DISCORD = "discord"
