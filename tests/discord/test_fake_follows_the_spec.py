"""The fake refuses what Discord refuses: bodies checked against the vendored OpenAPI subset
(tests/discord/spec/) and the documented rules it cannot express. These show the checks can
fail, so a passing adapter test means Discord would have taken every body."""

from __future__ import annotations

from tests.discord.fake_discord import _body_problems
from tests.discord.spec_check import request_problems, response_problems

MESSAGES = "/channels/123/messages"
CALLBACK = "/interactions/1/token-1/callback"


def test_a_valid_message_passes() -> None:
    body = {"embeds": [{"description": "hi", "color": 1}], "allowed_mentions": {"parse": []}}
    assert _body_problems("POST", MESSAGES, body) == []


def test_schema_limits_are_enforced() -> None:
    too_long = {"embeds": [{"title": "T" * 257, "description": "x"}]}
    assert any("embeds/0/title" in p for p in request_problems("POST", MESSAGES, too_long) or [])
    bad_command = [{"name": "optout", "description": "d" * 101, "type": 1}]
    assert request_problems("PUT", "/applications/1/commands", bad_command)


def test_a_colour_only_embed_and_an_empty_message_are_refused() -> None:
    assert _body_problems("POST", MESSAGES, {"embeds": [{"color": 3050327}]})
    assert _body_problems("POST", MESSAGES, {"allowed_mentions": {"parse": []}})
    callback = {"type": 4, "data": {"embeds": [{"color": 1, "type": "rich"}]}}
    assert _body_problems("POST", CALLBACK, callback)


def test_a_callback_of_the_wrong_shape_names_the_field() -> None:
    problems = request_problems("POST", CALLBACK, {"type": 4, "data": {"flags": "ephemeral"}})
    assert problems and any("flags" in p for p in problems)


def test_command_responses_need_the_server_filled_fields() -> None:
    # What a naive fake answered: no version, no default_member_permissions.
    naive = {"id": "1", "application_id": "2", "type": 1, "name": "optout", "description": "d"}
    assert response_problems("ApplicationCommandResponse", naive)
