"""Build the bolt app: a Web API client with retries and the listeners around one core."""

from __future__ import annotations

from slack_bolt.app.async_app import AsyncApp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.config import SlackConfig
from adapters.slack.listeners import Core, Listeners
from adapters.slack.moderators import ModeratorDirectory


def retry_handlers() -> list[AsyncRetryHandler]:
    """429s wait Retry-After; dropped connections and 500/503s back off and try again."""
    backoff = BackoffRetryIntervalCalculator(backoff_factor=0.5)
    return [
        AsyncRateLimitErrorRetryHandler(max_retry_count=2),
        AsyncConnectionErrorRetryHandler(max_retry_count=2, interval_calculator=backoff),
        AsyncServerErrorRetryHandler(max_retry_count=2, interval_calculator=backoff),
    ]


def build_bolt_app(core: Core, config: SlackConfig) -> AsyncApp:
    handlers = retry_handlers()
    client = AsyncWebClient(
        token=config.bot_token,
        base_url=config.api_url.rstrip("/") + "/" if config.api_url else AsyncWebClient.BASE_URL,
        retry_handlers=handlers,  # bolt copies these into each request's client
    )
    bolt = AsyncApp(
        name="gigguard",
        client=client,
        # Unused in Socket Mode, where the socket itself is authenticated; HTTP mode requires it.
        signing_secret=config.signing_secret or "",
    )
    Listeners(core, ModeratorDirectory(config.moderator_ids), handlers).attach(bolt)
    return bolt
