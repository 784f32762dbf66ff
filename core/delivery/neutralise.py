"""Make moderator-typed broadcast text unable to ping anyone on Slack or Discord.

Core strips the mass-mention forms; adapters still escape for their own markup (Slack `&<>`,
Discord AllowedMentions.none()), so a form missed here still cannot notify.
"""

from __future__ import annotations

import re

# Slack specials (<!channel>, <!here>, <!everyone>, <!subteam^ID>, <!date...>), Slack user and
# channel links (<@U..>, <#C..>), Discord role/user/channel mentions (<@&1>, <@!1>, <#1>).
_ANGLE_TOKENS = re.compile(r"<[!@#][^<>\s]*>")
# Plain-text pings that both platforms expand: @everyone, @here, @channel, @all.
_AT_WORDS = re.compile(r"@(?=(everyone|here|channel|all)\b)", re.IGNORECASE)


def neutralise(text: str) -> str:
    without_tokens = _ANGLE_TOKENS.sub("", text)
    return " ".join(_AT_WORDS.sub("", without_tokens).split())


def pings(text: str) -> list[str]:
    """The mention forms `neutralise` removes from `text`, as typed, so a preview can say so."""
    tokens = [(m.start(), m.group(0)) for m in _ANGLE_TOKENS.finditer(text)]
    blanked = _ANGLE_TOKENS.sub(lambda m: " " * len(m.group(0)), text)  # same positions
    words = [(m.start(), "@" + m.group(1)) for m in _AT_WORDS.finditer(blanked)]
    return [found for _, found in sorted(tokens + words)]
