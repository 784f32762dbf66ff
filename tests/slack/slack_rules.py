"""What real Slack enforces, for the fake: method scopes, rate-limit tiers, Block Kit validity.

Sources:
- scopes and tiers: each method's reference page on docs.slack.dev ("Required scopes",
  "Rate limits") and /work/shared/PLATFORMS.md. Tier 1 is 1+/min, Tier 2 20+/min, Tier 3
  50+/min, Tier 4 100+/min, per method, per app, per workspace; chat.postMessage is about one
  message a second per channel, short bursts tolerated.
- conversations.history for apps distributed outside the Slack Marketplace (every install
  through our own OAuth flow): 1 request a minute, `limit` capped at 15 (changelog 2025-05-29).
- an error for a missing scope names what was `needed` and what the token `provided`
  ("Web API errors"); every answer carries the token's scopes in `x-oauth-scopes`.
- Block Kit: slack_sdk's own models (`Block.parse(...).validate_json()`,
  `View(...).validate_json()`), plus what Slack rejects that the models let through: a text
  object with no visible text, a message with neither text nor blocks.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MANIFEST = Path(__file__).parents[2] / "deploy" / "slack" / "manifest.yml"


def manifest_bot_scopes() -> frozenset[str]:
    """The scopes an install of our manifest grants the bot token: what the fake allows."""
    manifest = yaml.safe_load(MANIFEST.read_text())
    return frozenset(manifest["oauth_config"]["scopes"]["bot"])


# Any one of the listed scopes lets the call through; () = no scope needed.
METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "auth.test": (),
    "chat.postMessage": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
    "conversations.open": ("im:write", "mpim:write", "channels:manage", "groups:write"),
    "users.info": ("users:read",),
    "users.list": ("users:read",),
    "views.publish": (),
    "files.getUploadURLExternal": ("files:write",),
    "files.completeUploadExternal": ("files:write",),
}
# conversations.history needs the scope of the kind of conversation it reads.
HISTORY_SCOPES = {"C": "channels:history", "G": "groups:history", "D": "im:history"}


def needed_scopes(method: str, params: dict[str, Any]) -> tuple[str, ...]:
    if method == "conversations.history":
        channel = str(params.get("channel", ""))
        return (HISTORY_SCOPES.get(channel[:1], "channels:history"),)
    return METHOD_SCOPES.get(method, ())


PER_MINUTE = {1: 1, 2: 20, 3: 50, 4: 100}
METHOD_TIERS: dict[str, int] = {
    "auth.test": 4,
    "chat.update": 3,
    "chat.postEphemeral": 4,
    "conversations.open": 3,
    "conversations.history": 1,  # non-Marketplace apps since 2025 (Tier 3 for Marketplace apps)
    "users.info": 4,
    "users.list": 2,
    "views.publish": 4,
    "files.getUploadURLExternal": 4,
    "files.completeUploadExternal": 4,
    "apps.connections.open": 1,
}
HISTORY_MAX_LIMIT = 15  # non-Marketplace apps
POSTS_PER_SECOND_PER_CHANNEL = 1.0
POST_BURST = 5  # "short bursts tolerated": no figure published, a small margin


@dataclass
class _Bucket:
    tokens: float
    at: float


class TierLimiter:
    """Token buckets per (token, method[, channel]): a tier's minute budget may be spent at
    once and refills evenly. Tests make a handful of calls, so how fast the machine runs
    never decides whether one is limited; only the count does."""

    def __init__(self, *, now: Callable[[], float]) -> None:
        self._now = now
        self._buckets: dict[tuple[str, ...], _Bucket] = {}
        self.limited = 0

    def wait(self, token: str, method: str, params: dict[str, Any]) -> float:
        """0 if the call may go now (and spend a token), else seconds until it may."""
        if method == "chat.postMessage":
            key: tuple[str, ...] = (token, method, str(params.get("channel")))
            capacity, rate = float(POST_BURST), POSTS_PER_SECOND_PER_CHANNEL
        elif method in METHOD_TIERS:
            key = (token, method)
            per_minute = PER_MINUTE[METHOD_TIERS[method]]
            capacity, rate = float(per_minute), per_minute / 60.0
        else:
            return 0.0
        now = self._now()
        bucket = self._buckets.setdefault(key, _Bucket(capacity, now))
        bucket.tokens = min(capacity, bucket.tokens + (now - bucket.at) * rate)
        bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        self.limited += 1
        return (1.0 - bucket.tokens) / rate


class InvalidBody(ValueError):
    """A body Slack would refuse; the message is Slack's error code."""


def _texts(value: Any) -> list[str]:
    """Every `text` of a text object (plain_text / mrkdwn) anywhere inside `value`."""
    found: list[str] = []
    if isinstance(value, dict):
        if value.get("type") in ("plain_text", "mrkdwn") and "text" in value:
            found.append(str(value["text"]))
        for inner in value.values():
            found += _texts(inner)
    elif isinstance(value, list):
        for inner in value:
            found += _texts(inner)
    return found


def _check_blocks(blocks: list[Any], *, most: int) -> None:
    if len(blocks) > most:
        raise InvalidBody("invalid_blocks")
    for raw in blocks:
        block = Block.parse(raw) if isinstance(raw, dict) else None
        if block is None:
            raise InvalidBody("invalid_blocks")
        try:
            block.validate_json()
        except SlackObjectFormationError as exc:
            raise InvalidBody("invalid_blocks") from exc
        if any(not text.strip() for text in _texts(raw)):
            raise InvalidBody("invalid_blocks")  # "must be more than 0 characters"


def check_message(params: dict[str, Any]) -> None:
    """A chat.postMessage / chat.update / response_url body, as Slack checks it."""
    blocks = params.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if blocks:
        _check_blocks(blocks, most=50)
    elif not str(params.get("text") or "").strip():
        raise InvalidBody("no_text")


def check_view(view: Any) -> None:
    if isinstance(view, str):
        view = json.loads(view)
    try:
        View(**view).validate_json()
    except (SlackObjectFormationError, TypeError) as exc:
        raise InvalidBody("invalid_arguments") from exc
    _check_blocks(view.get("blocks") or [], most=100)
