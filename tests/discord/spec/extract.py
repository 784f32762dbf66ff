"""Regenerate openapi_subset.json from Discord's official OpenAPI document.

    python tests/discord/spec/extract.py path/to/discord-api-spec/specs/openapi.json

Keeps the request bodies of the operations gigguard calls, the ApplicationCommand response
schema, and every component schema they reference (nothing else), so the fake Discord can
validate what the bot sends against Discord's own word.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
ORIGIN = {
    "source": "https://github.com/discord/discord-api-spec/blob/main/specs/openapi.json",
    "commit": "74fda0fad044407ea280043a03ffc9bc64c4e49e",
    "license": "MIT (discord/discord-api-spec)",
    "note": "subset: request bodies gigguard sends + ApplicationCommandResponse and "
    "GuildMemberResponse (the member in GUILD_MEMBER_ADD); "
    "regenerate with tests/discord/spec/extract.py",
}
# (method, path) of every operation whose request body the bot sends.
OPERATIONS = [
    ("put", "/applications/{application_id}/commands"),
    ("put", "/applications/{application_id}/guilds/{guild_id}/commands"),
    ("post", "/interactions/{interaction_id}/{interaction_token}/callback"),
    ("post", "/channels/{channel_id}/messages"),
    ("post", "/users/@me/channels"),
    ("post", "/webhooks/{webhook_id}/{webhook_token}"),
    ("patch", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"),
]
RESPONSES = ["ApplicationCommandResponse", "GuildMemberResponse"]
PREFIX = "#/components/schemas/"


def _references(node: Any, schemas: dict[str, Any], found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(PREFIX):
            name = ref.removeprefix(PREFIX)
            if name not in found:
                found.add(name)
                _references(schemas[name], schemas, found)
        for value in node.values():
            _references(value, schemas, found)
    elif isinstance(node, list):
        for value in node:
            _references(value, schemas, found)


def extract(spec: dict[str, Any]) -> dict[str, Any]:
    schemas = spec["components"]["schemas"]
    requests = {
        f"{method.upper()} {path}": spec["paths"][path][method]["requestBody"]["content"][
            "application/json"
        ]["schema"]
        for method, path in OPERATIONS
    }
    found: set[str] = set(RESPONSES)
    for name in RESPONSES:
        _references(schemas[name], schemas, found)
    _references(requests, schemas, found)
    return {
        "x-origin": ORIGIN,
        "requests": requests,
        "responses": {name: {"$ref": PREFIX + name} for name in RESPONSES},
        "components": {"schemas": {name: schemas[name] for name in sorted(found)}},
    }


if __name__ == "__main__":
    source = json.loads(Path(sys.argv[1]).read_text())
    subset = extract(source)
    (HERE / "openapi_subset.json").write_text(json.dumps(subset, indent=1, sort_keys=True) + "\n")
