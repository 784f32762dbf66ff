"""Discord's own schemas (a vendored subset of its OpenAPI document) as validators.

The fake answers a body that breaks them as Discord does (400, 50035 Invalid Form Body), so a
bot body Discord would refuse fails the test that sent it, and checks its own responses
against the response schemas so it cannot drift from the real API's shapes.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

SUBSET = Path(__file__).parent / "spec" / "openapi_subset.json"


@cache
def _spec() -> dict[str, Any]:
    return json.loads(SUBSET.read_text())


@cache
def _validator(schema_json: str, *, lenient_snowflakes: bool) -> Draft202012Validator:
    # Refs are "#/components/schemas/...": resolve them against a root holding the components.
    schemas = dict(_spec()["components"]["schemas"])
    if lenient_snowflakes:
        # Discord answers ids as strings but takes integers too (discord.py sends attachment
        # ids as 0, 1, ...); the document only describes the string form.
        snowflake = schemas["SnowflakeType"]
        schemas["SnowflakeType"] = {"anyOf": [snowflake, {"type": "integer", "minimum": 0}]}
    root = {**json.loads(schema_json), "components": {"schemas": schemas}}
    return Draft202012Validator(root)


def _pattern(operation: str) -> re.Pattern[str]:
    """ "POST /channels/{channel_id}/messages" -> a regex matching the concrete paths."""
    path = operation.split(" ", 1)[1]
    return re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)))


def request_problems(method: str, path: str, body: Any) -> list[str] | None:
    """Why Discord would refuse this body, [] if it would not, None if no schema covers it."""
    for operation, schema in _spec()["requests"].items():
        if operation.split(" ", 1)[0] == method and _pattern(operation).fullmatch(path):
            return _problems(schema, body, lenient_snowflakes=True)
    return None


def response_problems(name: str, body: Any) -> list[str]:
    return _problems(_spec()["responses"][name], body, lenient_snowflakes=False)


def _problems(schema: dict[str, Any], body: Any, *, lenient_snowflakes: bool) -> list[str]:
    key = json.dumps(schema, sort_keys=True)
    validator = _validator(key, lenient_snowflakes=lenient_snowflakes)
    return [_describe(cause) for error in validator.iter_errors(body) for cause in _causes(error)]


def _causes(error: ValidationError) -> list[ValidationError]:
    """For a union (anyOf/oneOf), the errors of the alternative the body meant: the one whose
    `type` discriminator matched; errors elsewhere are reported as they are."""
    if not error.context:
        return [error]
    by_alternative: dict[object, list[ValidationError]] = {}
    for cause in error.context:
        by_alternative.setdefault(cause.schema_path[0], []).append(cause)
    meant = [
        causes
        for causes in by_alternative.values()
        if not any(list(c.relative_path)[-1:] == ["type"] for c in causes)
    ]
    if len(meant) == 1:
        return [c for cause in meant[0] for c in _causes(cause)]
    return [best_match(error.context) or error]


def _describe(error: ValidationError) -> str:
    where = "/".join(map(str, error.absolute_path)) or "<body>"
    return f"{where}: {error.validator} {error.validator_value!r:.200}: {error.message[-200:]}"
