"""Build the bolt app: a Web API client with retries and the listeners around one core."""

from __future__ import annotations

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
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
from adapters.slack.replays import ReplayGuard


def retry_handlers(*, wait_on_429: bool = True) -> list[AsyncRetryHandler]:
    """429s wait Retry-After; dropped connections and 500/503s back off and try again.

    Without `wait_on_429` a 429 is raised to the caller: the delivery worker paces every
    send, so it must hear about a 429 rather than have the SDK sleep it away.
    """
    backoff = BackoffRetryIntervalCalculator(backoff_factor=0.5)
    handlers: list[AsyncRetryHandler] = [
        AsyncConnectionErrorRetryHandler(max_retry_count=2, interval_calculator=backoff),
        AsyncServerErrorRetryHandler(max_retry_count=2, interval_calculator=backoff),
    ]
    if wait_on_429:
        handlers.insert(0, AsyncRateLimitErrorRetryHandler(max_retry_count=2))
    return handlers


def web_client(config: SlackConfig, handlers: list[AsyncRetryHandler]) -> AsyncWebClient:
    return AsyncWebClient(
        token=config.bot_token,
        base_url=config.api_url.rstrip("/") + "/" if config.api_url else AsyncWebClient.BASE_URL,
        retry_handlers=handlers,
    )


def build_bolt_app(
    core: Core, config: SlackConfig, *, oauth: AsyncOAuthSettings | None = None
) -> AsyncApp:
    """With `oauth`, each request is authorized with its workspace's stored bot token."""
    handlers = retry_handlers()
    bolt = AsyncApp(
        name="gigguard",
        client=web_client(config, handlers),  # bolt copies base_url and handlers per request
        # Unused in Socket Mode, where the socket itself is authenticated; HTTP mode requires it.
        signing_secret=config.signing_secret or "",
        oauth_settings=oauth,
    )
    # After bolt's own signature check and before any listener: each request runs once.
    bolt.use(ReplayGuard().middleware)
    Listeners(core, ModeratorDirectory(config.moderator_ids), handlers).attach(bolt)
    return bolt
