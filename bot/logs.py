"""Logging set-up: plain lines for people, JSON lines for log shippers."""

from __future__ import annotations

import json
import logging
import re
import sys
from pathlib import Path

# Slack tokens (xoxb-, xoxp-, xoxa-, xoxr-, xapp-) and Discord bot tokens, which are three
# base64url parts: the bot's id, a timestamp and an HMAC.
SLACK_TOKEN = re.compile(r"\b(xox[abpr]|xapp)-[0-9A-Za-z-]+")
DISCORD_TOKEN = re.compile(r"\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}")
REDACTED = "[REDACTED]"


def redact(text: str) -> str:
    return DISCORD_TOKEN.sub(REDACTED, SLACK_TOKEN.sub(rf"\1-{REDACTED}", text))


class RedactTokens(logging.Filter):
    """Scrub token-shaped strings from every record, its arguments and its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = redact(
                record.exc_text or logging.Formatter().formatException(record.exc_info)
            )
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["traceback"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(entry)


def setup_logging(level: str, *, as_json: bool, file: Path | None = None) -> None:
    """Log lines to stderr, or appended to `file` (its folder is created)."""
    handler: logging.Handler
    if file is None:
        handler = logging.StreamHandler(sys.stderr)
    else:
        file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(file, encoding="utf-8")
    handler.setFormatter(
        JsonFormatter()
        if as_json
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    # On the handler, not a logger: handler filters see records from every logger.
    handler.addFilter(RedactTokens())
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    # Alembic narrates every migration step at INFO; only its problems matter at start-up.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLogger().level))
