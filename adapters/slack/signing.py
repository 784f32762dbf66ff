"""HTTP mode's first gate: a request's Slack signature is checked before its body is parsed.

Bolt verifies signatures too, but only after parsing the body, so unsigned garbage (a
timestamp of `abc`, a `payload` that is not JSON, JSON nested 100,000 deep) raised inside the
parser and answered 500 with a traceback. Here anything unsigned is a 401 and anything signed
that does not parse a 400, each with one log line that never quotes the body.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

MAX_TIMESTAMP_DIGITS = 12  # seconds since 1970 have 10 digits until the year 2286


class RequestRejected(Exception):
    """Not a request from Slack, or not one gigguard can read. `status` is the HTTP answer."""

    def __init__(self, status: int, why: str) -> None:
        super().__init__(why)
        self.status = status


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    return value if isinstance(value, str) else None


def verify(verifier: SignatureVerifier, body: bytes, headers: Mapping[str, str]) -> None:
    """Raise RequestRejected(401) unless `body` carries a valid, recent Slack signature."""
    timestamp = _header(headers, "X-Slack-Request-Timestamp")
    signature = _header(headers, "X-Slack-Signature")
    if timestamp is None or signature is None:
        raise RequestRejected(401, "no Slack signature")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= MAX_TIMESTAMP_DIGITS):
        raise RequestRejected(401, "a malformed signature timestamp")
    if not verifier.is_valid(body=body, timestamp=timestamp, signature=signature):
        raise RequestRejected(401, "a bad or expired Slack signature")


def parse(body: bytes, query: str, headers: Any) -> AsyncBoltRequest:
    """Bolt's request from a verified body; RequestRejected(400) if it is not a Slack payload."""
    try:
        request = AsyncBoltRequest(body=body.decode("utf-8"), query=query, headers=headers)
    except (ValueError, RecursionError, AttributeError, TypeError, KeyError) as exc:
        # JSONDecodeError, UnicodeDecodeError; bolt's field lookups on a JSON array or scalar.
        why = f"a signed body that does not parse ({type(exc).__name__})"
        raise RequestRejected(400, why) from None
    if not isinstance(request.body, dict):
        raise RequestRejected(400, "a signed body that is not a JSON object")
    return request


def log_rejection(rejected: RequestRejected, remote: str | None) -> None:
    log.warning("slack: refused %s from %s (HTTP %d)", rejected, remote or "?", rejected.status)
