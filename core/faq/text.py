"""Text normalisation shared by the index and the questions, so both sides see the same terms.

Case, punctuation, emoji, apostrophes and inflection must not change the answer, so all of
them are erased here before any scoring happens.
"""

from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 2000  # longer messages are pastes, not questions: decline rather than guess

_TOKEN = re.compile(r"[a-z0-9]+")
_APOSTROPHE_S = re.compile(r"['’`]s\b")
_APOSTROPHE = re.compile(r"['’`]")
_VOWELS = frozenset("aeiouy")
_NO_UNDOUBLE = frozenset("lsz")


def is_junk(text: str) -> bool:
    """True for input no FAQ answer can fit: empty, too long, binary, or not in English.

    Non-Latin script is treated as another language: the topic data is English only, and a
    confident answer to a question we cannot read would be worse than a polite decline.
    """
    if not text.strip() or len(text) > MAX_CHARS:
        return True
    letters = 0
    latin = 0
    controls = 0
    for ch in text:
        category = unicodedata.category(ch)
        if (category == "Cc" and ch not in "\t\n\r") or ch == "\ufffd":
            controls += 1
        elif category.startswith("L"):
            letters += 1
            latin += ch.isascii() or "LATIN" in unicodedata.name(ch, "")
    if controls:
        return True
    return letters > 0 and latin / letters < 0.8


def tokenize(text: str) -> list[str]:
    """Lower-case ASCII word tokens; accents folded, possessive 's dropped, emoji gone."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = _APOSTROPHE.sub("", _APOSTROPHE_S.sub("", folded))
    return _TOKEN.findall(folded)


def stem(word: str) -> str:
    """A deliberately light suffix stripper: plural, -ing, -ed and a final e.

    Heavier stemmers (Porter) conflate words this domain must keep apart; the character
    n-grams of the features cover irregular forms. Stems keep at least three letters.
    """
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if (
                len(word) >= 5
                and word[-1] == word[-2]
                and word[-1] not in _VOWELS
                and word[-1] not in _NO_UNDOUBLE
            ):
                word = word[:-1]
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word
