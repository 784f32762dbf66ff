"""What the Slack adapter needs to start, as read once by bot/ from the settings."""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import GigguardError


class SlackConfigError(GigguardError):
    """The Slack settings cannot run the requested mode."""


@dataclass(frozen=True)
class SlackConfig:
    bot_token: str
    signing_secret: str | None
    app_token: str | None
    api_url: str | None  # Web API base URL; tests point the real client at a fake server
    moderator_ids: frozenset[str]
