"""Fitting text into a platform's length limits: clip one string, or split a long one.

Every adapter has limits (a Slack section holds 3,000 characters, a Discord embed description
4,096); these two functions are how any of them makes text fit.
"""

from __future__ import annotations

from collections.abc import Callable

ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, the last one an ellipsis when anything was cut."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def _unchanged(char: str) -> str:
    return char


def split_text(text: str, limit: int, *, escape: Callable[[str], str] = _unchanged) -> list[str]:
    """Escape `text` and cut it into parts of at most `limit` characters.

    Each cut falls at the last line break that fits, else the last space, else anywhere, but
    never inside one character's escape (such as `&amp;`). Line breaks and spaces at a cut are
    dropped; every other character of `text` is in the parts, in order. Empty text: no parts.
    """
    units = [escape(char) for char in text]
    parts: list[str] = []
    start = 0
    while start < len(units):
        end, size = start, 0
        while end < len(units) and size + len(units[end]) <= limit:
            size += len(units[end])
            end += 1
        end = max(end, start + 1)  # one escape longer than the limit still goes, alone
        cut = end
        if end < len(units):
            for separator in ("\n", " "):
                found = text.rfind(separator, start + 1, end + 1)
                if found > 0:
                    cut = found
                    break
        parts.append("".join(units[start:cut]))
        start = cut
        while start < len(text) and text[start] in "\n ":
            start += 1
    return parts
