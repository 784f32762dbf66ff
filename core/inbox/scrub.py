"""Take out of a member's question what could identify anyone: mentions, e-mail addresses,
links and phone numbers. What is left is stored for the moderators, with no member id."""

from __future__ import annotations

import re

from core.text_fit import clip

MAX_QUESTION = 500

_URL = re.compile(r"(?:https?://|www\.)\S+|<https?://[^>]*>", re.IGNORECASE)
_EMAIL = re.compile(r"<mailto:[^>]*>|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
# Slack <@U1>, <!channel>, <#C1|name>, <!subteam^S1>; Discord <@1>, <@!1>, <@&1>, <#1>.
_ANGLE_MENTION = re.compile(r"<[!@#][^<>]*>")
# @everyone, @here, and @handles typed as plain text.
_AT_NAME = re.compile(r"(?<![\w@])@[\w.-]+")
# Seven or more digits with the usual separators (+49 30 1234567, (555) 123-4567); a date
# (2026-01-05) has separators in fixed places and is kept.
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().-]{5,}\d(?!\w)")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}")
_MIN_PHONE_DIGITS = 7


def _phone(match: re.Match[str]) -> str:
    found = match.group(0)
    digits = sum(ch.isdigit() for ch in found)
    if digits < _MIN_PHONE_DIGITS or _DATE.fullmatch(found.strip()):
        return found
    return "[phone]"


def scrub(text: str) -> str:
    text = _URL.sub("[link]", text)
    text = _EMAIL.sub("[e-mail]", text)
    text = _ANGLE_MENTION.sub("[mention]", text)
    text = _AT_NAME.sub("[mention]", text)
    text = _PHONE.sub(_phone, text)
    return clip(" ".join(text.split()), MAX_QUESTION)
