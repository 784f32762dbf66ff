"""Raw Discord wire payloads the fake sends, shaped like the real API's (v10) JSON."""

from __future__ import annotations

from typing import Any

Payload = dict[str, Any]

APP_ID = 500_000_000_000_000_001
BOT_ID = APP_ID  # a bot user shares its application's id
GUILD_ID = 600_000_000_000_000_001
CHANNEL_ID = 600_000_000_000_000_002
MOD_ROLE_ID = 600_000_000_000_000_003
TIMESTAMP = "2026-11-26T09:00:00.000000+00:00"
MANAGE_GUILD = 1 << 5
PERMISSIONS_ALL_BUT_MANAGE = str(((1 << 41) - 1) & ~MANAGE_GUILD & ~(1 << 3))  # no admin either


def user(user_id: int, *, bot: bool = False, name: str | None = None) -> Payload:
    return {
        "id": str(user_id),
        "username": name or f"user{user_id % 1000}",
        "discriminator": "0",
        "global_name": None,
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def bot_user() -> Payload:
    return {
        **user(BOT_ID, bot=True, name="gigguard"),
        "verified": True,
        "mfa_enabled": False,
        "flags": 0,
        "email": None,
        "locale": "en-US",
    }


def application() -> Payload:
    return {
        "id": str(APP_ID),
        "name": "gigguard",
        "icon": None,
        "description": "",
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": user(1),
        "verify_key": "0" * 64,
        "flags": 0,
        "summary": "",
        "team": None,
        "rpc_origins": [],
        "interactions_endpoint_url": None,
    }


def role(role_id: int, name: str, permissions: str = "0") -> Payload:
    return {
        "id": str(role_id),
        "name": name,
        "permissions": permissions,
        "position": 0,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
        "icon": None,
    }


def guild_channel() -> Payload:
    return {
        "id": str(CHANNEL_ID),
        "type": 0,
        "guild_id": str(GUILD_ID),
        "name": "general",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
    }


def dm_channel(channel_id: int, user_id: int) -> Payload:
    return {
        "id": str(channel_id),
        "type": 1,
        "recipients": [user(user_id)],
        "last_message_id": None,
    }


def guild(moderator_role: str) -> Payload:
    return {
        "id": str(GUILD_ID),
        "name": "Freelancers",
        "icon": None,
        "owner_id": "1",
        "roles": [role(GUILD_ID, "@everyone"), role(MOD_ROLE_ID, moderator_role)],
        "channels": [guild_channel()],
        "threads": [],
        "members": [],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "emojis": [],
        "stickers": [],
        "features": [],
        "member_count": 3,
        "large": False,
        "unavailable": False,
        "joined_at": TIMESTAMP,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "system_channel_flags": 0,
        "afk_timeout": 300,
    }


def ready(session_id: str, resume_url: str, shard: list[int]) -> Payload:
    return {
        "v": 10,
        "user": bot_user(),
        "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
        "session_id": session_id,
        "resume_gateway_url": resume_url,
        "shard": shard,
        "application": {"id": str(APP_ID), "flags": 0},
        "private_channels": [],
    }


def member(user_id: int, *, permissions: str, roles: tuple[int, ...]) -> Payload:
    return {
        "user": user(user_id),
        "roles": [str(r) for r in roles],
        "permissions": permissions,
        "joined_at": TIMESTAMP,
        "deaf": False,
        "mute": False,
        "nick": None,
        "avatar": None,
        "flags": 0,
        "pending": False,
    }


def message(
    message_id: int, channel_id: int, author: Payload, body: Payload, *, flags: int = 0
) -> Payload:
    """A message object built from what the bot sent (content, embeds, components)."""
    return {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": author,
        "type": 0,
        "content": body.get("content") or "",
        "embeds": body.get("embeds") or [],
        "components": body.get("components") or [],
        "attachments": [],
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": False,
        "pinned": False,
        "tts": False,
        "timestamp": TIMESTAMP,
        "edited_timestamp": None,
        "flags": flags | body.get("flags", 0),
    }


def interaction(
    interaction_id: int,
    kind: int,
    data: Payload,
    *,
    user_id: int,
    dm_channel_id: int | None,
    permissions: str,
    roles: tuple[int, ...],
    clicked: Payload | None = None,
    locale: str = "en-US",
) -> Payload:
    """An INTERACTION_CREATE: in the guild channel, or in the user's DM when dm_channel_id.
    `locale` is the language the user's Discord client is set to."""
    base: Payload = {
        "id": str(interaction_id),
        "application_id": str(APP_ID),
        "type": kind,
        "data": data,
        "token": f"token-{interaction_id}",
        "version": 1,
        "locale": locale,
        "app_permissions": "0",
        "attachment_size_limit": 8_388_608,
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(GUILD_ID)},
    }
    if clicked is not None:
        base["message"] = clicked
    if dm_channel_id is None:
        return {
            **base,
            "guild_id": str(GUILD_ID),
            "guild_locale": "en-US",
            "context": 0,
            "channel_id": str(CHANNEL_ID),
            "channel": guild_channel(),
            "member": member(user_id, permissions=permissions, roles=roles),
        }
    return {
        **base,
        "context": 1,
        "channel_id": str(dm_channel_id),
        "channel": dm_channel(dm_channel_id, user_id),
        "user": user(user_id),
    }


def rate_limited(retry_after: float) -> Payload:
    return {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}


def error(code: int, message: str) -> Payload:
    return {"message": message, "code": code}


def invalid_form_body(problems: list[str]) -> Payload:
    """Discord's 400 for a body its schema refuses (the real one nests errors by field)."""
    return {"message": "Invalid Form Body", "code": 50035, "errors": {"_problems": problems}}


def guild_member_add(user_id: int, *, bot: bool = False) -> Payload:
    """GUILD_MEMBER_ADD's data: a guild member object (GuildMemberResponse in Discord's OpenAPI
    document, every required field) with the extra `guild_id`, as the gateway docs list it."""
    return {
        "guild_id": str(GUILD_ID),
        "user": user(user_id, bot=bot) | {"flags": 0, "primary_guild": None, "banner": None},
        "roles": [],
        "joined_at": TIMESTAMP,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "nick": None,
        "avatar": None,
        "banner": None,
        "communication_disabled_until": None,
        "flags": 0,
        "pending": False,
    }
