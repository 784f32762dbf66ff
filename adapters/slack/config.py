"""What the Slack adapter needs to start, as read once by bot/ from the settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from adapters.slack.oauth import SlackOAuth
from core.errors import GigguardError


class SlackConfigError(GigguardError):
    """The Slack settings cannot run the requested mode."""


@dataclass(frozen=True)
class SlackConfig:
    bot_token: str | None  # None when installs come through OAuth (one token per workspace)
    signing_secret: str | None
    app_token: str | None
    api_url: str | None  # Web API base URL; tests point the real client at a fake server
    moderator_ids: frozenset[str]
    # Told True when the adapter can receive from Slack and False when it no longer can.
    on_connection: Callable[[bool], None] | None = None
    # Set for installs to many workspaces (adapters/slack/oauth.py); needs HTTP mode.
    oauth: SlackOAuth | None = None
