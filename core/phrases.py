"""Typed text against lists of phrases: clauses, word stems, phrase search with small gaps.

Members write "I've switched off comms", "turned them all off", "no more DMs pls". Matching
works on crude stems ("switched", "switching" -> "switch"; "messages", "messaging" ->
"messag"), computed the same way for the text and for the phrases in the data files, so a
phrase list names each idea once rather than every form of it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import DamerauLevenshtein

# Spelled-out forms first: "won't" and "can't" do not split as "wo"/"ca" + "not".
_CONTRACTIONS = (
    (re.compile(r"\bwon'?t\b"), "will not"),
    (re.compile(r"\bcan'?t\b|\bcannot\b"), "can not"),
    (
        re.compile(
            r"\b(do|does|did|is|are|was|were|have|has|had|should|would|could|must|need)n'?t\b"
        ),
        r"\1 not",
    ),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"\bi'?m\b"), "i am"),
    (re.compile(r"\bi'?ve\b"), "i have"),
    (re.compile(r"\b(what|that|it|where|how|who|there|here)'?s\b"), r"\1 is"),
    (re.compile(r"\blet's\b"), "let us"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"'s\b"), ""),  # possessive
)
# A comma before a question word starts a new clause: "switched off comms, what next?"
_CLAUSE_END = re.compile(
    r"([.!?;\n]+)|\bbut\b|,(?=\s*(?:what|how|why|when|where|which|who|is|are|do|does|did|can"
    r"|could|should|will|would|am)\b)"
)
# "9 am" is one token; "work-product" and "no_ai" are two words.
_TOKEN = re.compile(r"\d{1,2}(?::\d{2})?(?:am|pm)|\d+(?::\d+)?|[a-z]+")
_SPACED_MERIDIEM = re.compile(r"\b(\d{1,2}(?::\d{2})?)\s+([ap])\.?m\b\.?")


@dataclass(frozen=True, slots=True)
class Clause:
    """One sentence-like piece of a message: its words, their stems, which comma-separated
    part each word is in, and whether the clause ended with '?'."""

    words: tuple[str, ...]
    stems: tuple[str, ...]
    parts: tuple[int, ...]
    asked: bool


def fold(text: str) -> str:
    """The text without accents: "desactivé" and "comunicações" are typed both ways."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFKC", bare)


def normalise(text: str) -> str:
    """Lower case, no accents, straight apostrophes, contractions spelled out, separators as
    spaces."""
    text = fold(text).lower().replace("’", "'").replace("‘", "'")
    for pattern, spelled in _CONTRACTIONS:
        text = pattern.sub(spelled, text)
    text = _SPACED_MERIDIEM.sub(r"\1\2m", text)
    return re.sub(r"[-_/+&]", " ", text)


def stem(word: str) -> str:
    """A crude English stem: plural -s, -ies, -ly, -ing, -ed and a final -e go; enough to match
    a phrase against the forms people type, since both sides are stemmed alike."""
    if len(word) < 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]  # dms -> dm, messages -> message
    if len(word) < 4:
        return word
    if word.endswith("ly") and len(word) >= 6:
        word = word[:-2]  # legally -> legal
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "sl":
                word = word[:-1]  # stopped -> stop
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def words(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(normalise(text)))


def stems(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in words(text))


def clauses(text: str) -> list[Clause]:
    """The message cut at sentence ends, "but" and a comma before a question; no empty ones."""
    found: list[Clause] = []
    pieces = _CLAUSE_END.split(normalise(text))
    # split() with one group alternates text, delimiter (None for "but"), text, ...
    for index in range(0, len(pieces), 2):
        piece_words: list[str] = []
        parts: list[int] = []
        for part, text in enumerate(pieces[index].split(",")):
            part_words = _TOKEN.findall(text)
            piece_words += part_words
            parts += [part] * len(part_words)
        if not piece_words:
            continue
        delimiter = pieces[index + 1] if index + 1 < len(pieces) else None
        asked = bool(delimiter and "?" in delimiter)
        stems_ = tuple(stem(w) for w in piece_words)
        found.append(Clause(tuple(piece_words), stems_, tuple(parts), asked))
    return found


def same_word(typed: str, known: str, *, typos: bool) -> bool:
    """Equal stems, or with `typos` one slip in a word of 5+ letters (two in 10+)."""
    if typed == known:
        return True
    if not typos or len(known) < 5 or not typed.isalpha():
        return False
    limit = 2 if len(known) >= 10 else 1
    if abs(len(typed) - len(known)) > limit:
        return False
    return DamerauLevenshtein.distance(typed, known, score_cutoff=limit) <= limit


def find(
    phrase: Sequence[str], text: Sequence[str], *, gap: int = 0, typos: bool = False
) -> tuple[int, int] | None:
    """Where the stemmed `phrase` occurs in the stemmed `text`, each word at most `gap`
    words after the previous one: (start, end) of the first occurrence, or None."""
    if not phrase:
        return None
    if not typos and phrase[0] not in text:  # the common case, without a call per word
        return None
    for start, word in enumerate(text):
        if not same_word(word, phrase[0], typos=typos):
            continue
        position = start
        for wanted in phrase[1:]:
            window = range(position + 1, min(len(text), position + gap + 2))
            position = next((i for i in window if same_word(text[i], wanted, typos=typos)), -1)
            if position < 0:
                break
        if position >= 0:
            return start, position + 1
    return None
