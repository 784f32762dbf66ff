"""Cleaning member-typed text before core looks at it or echoes any of it back."""

from __future__ import annotations

import re
import unicodedata

from core.errors import UserInputError
from core.text_fit import clip

MAX_INPUT_CHARS = 2000
_ECHO_CHARS = 60
# Markup that could ping people or change rendering on Slack or Discord if echoed back.
_MARKUP = re.compile(r"[<>@*_~`|\\#\[\]]")
_SPACES = re.compile(r"\s+")


def encodable(text: str) -> str:
    """`text` with every lone UTF-16 surrogate replaced by U+FFFD.

    A str can hold surrogates no encoder accepts (a broken client, or invalid UTF-8 decoded
    with surrogateescape as in argv); SQLite, JSON-as-UTF-8 and the platforms refuse them.
    A pair written as two code units is joined into the character it stands for."""
    if text.isascii():
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def clean_input(text: str) -> str:
    """Drop control and format characters, collapse whitespace, refuse overlong input."""
    text = encodable(text)
    if len(text) > MAX_INPUT_CHARS:
        raise UserInputError(
            f"That message is {len(text):,} characters long; the limit is {MAX_INPUT_CHARS:,}. "
            "Please shorten it and try again."
        )
    visible = "".join(
        " " if unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} else ch for ch in text
    )
    return _SPACES.sub(" ", visible).strip()


def strip_markup(text: str) -> str:
    """`text` without the characters that could ping or change rendering on a platform."""
    return _MARKUP.sub("", text)


def quote(text: str) -> str:
    """A short, inert rendering of member text, safe to echo on any platform."""
    return f"“{clip(strip_markup(text), _ECHO_CHARS)}”"
