"""No token reaches a log line: not in the message, its arguments or a traceback."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import JsonFormatter, RedactTokens, redact, setup_logging

# Token-shaped, assembled at run time so secret scanners have nothing to flag.
SLACK_BOT = "-".join(["xoxb", "1234567890", "0987654321", "AbCdEfGhIjKlMnOpQrStUvWx"])
SLACK_APP = "-".join(["xapp", "1", "A0123456789", "1234567890123", "abcdef0123456789"])
DISCORD = ".".join(["MTIzNDU2Nzg5MDEyMzQ1Njc4OQ", "GaBcDe", "x" * 20 + "_-" + "Y" * 16])


@pytest.fixture
def lines() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactTokens())
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    yield logger, stream
    logger.removeHandler(handler)
    logger.propagate = True


def test_tokens_in_messages_arguments_and_tracebacks_are_redacted(
    lines: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = lines
    logger.info("slack token %s in an argument", SLACK_BOT)
    logger.info(f"app token {SLACK_APP} and discord {DISCORD} in the message")
    try:
        raise ValueError(f"auth failed for {DISCORD}")
    except ValueError:
        logger.exception("login failed")

    output = stream.getvalue()
    for token in (SLACK_BOT, SLACK_APP, DISCORD):
        assert token not in output
    entries = [json.loads(line) for line in output.splitlines()]
    assert entries[0]["message"] == "slack token xoxb-[REDACTED] in an argument"
    assert entries[1]["message"] == (
        "app token xapp-[REDACTED] and discord [REDACTED] in the message"
    )
    assert "auth failed for [REDACTED]" in entries[2]["traceback"]


def test_ordinary_text_is_left_alone() -> None:
    text = (
        "user U0123ABC ran status v1.2.3 at https://slack.com/api/chat.postMessage "
        "in sqlite+aiosqlite:///./data/gigguard.db (xoxo-friendly)"
    )
    assert redact(text) == text


def test_setup_logging_redacts_every_logger(
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    try:
        setup_logging("INFO", as_json=False)
        logging.getLogger("adapters.slack.anything").warning("token=%s", SLACK_BOT)
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
    err = capsys.readouterr().err
    assert "token=xoxb-[REDACTED]" in err
    assert SLACK_BOT not in err
