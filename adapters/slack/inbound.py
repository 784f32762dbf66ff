"""Translate raw Slack payloads (slash command, DM event, button click, member join) into core
requests and events."""

from __future__ import annotations

from typing import Any

from core.identity import MemberKey
from core.joins import MemberJoined
from core.requests import Actor, Origin, Place, Request

PLATFORM = "slack"
COMMAND = "/optout"


Payload = dict[str, Any]


def member_key(team: str, user: str) -> MemberKey:
    return MemberKey(platform=PLATFORM, workspace=team, user=user)


def unescape(text: str) -> str:
    """Slack sends `&`, `<`, `>` typed by a member as entities; core works on what was typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _place(channel_id: str | None) -> Place:
    # Slack DM channel ids start with "D"; the slash payload also says channel_name "directmessage".
    return Place.DM if channel_id and channel_id.startswith("D") else Place.CHANNEL


def command_member(body: Payload) -> tuple[str, str]:
    return body["team_id"], body["user_id"]


def command_request(body: Payload, actor: Actor) -> Request:
    channel = body.get("channel_id")
    return Request(
        actor=actor,
        text=unescape(body.get("text", "")),
        place=_place(channel),
        origin=Origin.COMMAND,
        channel=channel,
    )


def is_member_dm(event: Payload) -> bool:
    """A person's own new message in a DM with the bot: no bots, edits, joins or subtypes."""
    return (
        event.get("channel_type") == "im"
        and "subtype" not in event
        and "bot_id" not in event
        and bool(event.get("user"))
    )


def event_member(body: Payload, event: Payload) -> tuple[str, str]:
    return body.get("team_id") or event["team"], event["user"]


def dm_request(event: Payload, actor: Actor) -> Request:
    return Request(
        actor=actor,
        text=unescape(event.get("text", "")),
        place=Place.DM,
        origin=Origin.DM_TEXT,
        channel=event["channel"],
    )


def joined_member(body: Payload, event: Payload) -> MemberJoined:
    """A `team_join`: the new member's full user object, `is_bot` for apps' bot users."""
    user = event["user"]
    team = body.get("team_id") or user["team_id"]
    return MemberJoined(
        key=member_key(team, user["id"]), community=team, bot=bool(user.get("is_bot"))
    )


def action_member(body: Payload) -> tuple[str, str]:
    team = (body.get("team") or {}).get("id") or body["user"]["team_id"]
    return team, body["user"]["id"]


def action_channel(body: Payload) -> str | None:
    return (body.get("channel") or {}).get("id") or body.get("container", {}).get("channel_id")


def action_request(body: Payload, actor: Actor) -> Request:
    """A click runs the command line the button carries, exactly as if it had been typed."""
    action = body["actions"][0]
    in_home = body.get("container", {}).get("type") == "view"
    channel = action_channel(body)
    return Request(
        actor=actor,
        text=action.get("value", ""),
        place=Place.DM if in_home else _place(channel),
        origin=Origin.COMMAND,
        channel=channel,
    )


def is_dm_channel(channel: str | None) -> bool:
    return _place(channel) is Place.DM


def home_request(actor: Actor, command: str) -> Request:
    """The Home tab asks core like any command would, from the member's own space."""
    return Request(actor=actor, text=command, place=Place.DM, origin=Origin.COMMAND)
