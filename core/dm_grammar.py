"""The request grammars' files: their shape (validated on load) and each language's stemmer.

core/data/dm_requests.yaml's header explains the fields; core/dm_requests.py reads by them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core import phrases
from core.errors import GigguardError
from core.language import ENGLISH
from core.yaml_load import load_yaml

DATA = Path(__file__).parent / "data"
DEFAULT_FILE = DATA / "dm_requests.yaml"
# Each language's grammar and the toggle words it adds to the English ones; English first.
LANGUAGE_FILES: dict[str, tuple[Path, tuple[Path, ...]]] = {
    ENGLISH: (DEFAULT_FILE, ()),
    **{
        language: (DATA / f"dm_requests_{language}.yaml", (DATA / f"toggle_words_{language}.yaml",))
        for language in ("es", "pt")
    },
}
MIN_STEM = 4  # letters a suffix leaves at least: "como" stays apart from "com"
# Word classes by which another grammar keeps a reading from standing (core/dm_requests.Routers).
HEDGES = ("negation", "condition", "intention", "asking")


class GrammarError(GigguardError):
    """The request grammar file is malformed."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FrameSpec(_Strict):
    route: str
    all_of: list[list[str]] = Field(min_length=1)
    questions: bool | Literal["wh"] = False  # "wh": "what is the clause?", not "does it ...?"
    alone: bool = False
    blockers: list[str] = Field(default_factory=lambda: ["negation", "condition"])
    exclude: list[str] = Field(default_factory=list)
    unless_toggles: bool = False  # not when the clause names a toggle ("remove wp from my record")
    slot: Literal["toggles", "named_toggles", "time", "marketplace"] | None = None


class TimeWords(_Strict):
    anchors: list[str]
    joiners: list[str]
    dropped_first: list[str]
    dropped_last: list[str]
    english: dict[str, str] = Field(default_factory=dict)  # what `remind` reads, longest first


class Stemmer:
    """English stems (core.phrases), or the longest of a language's suffixes cut off; words
    in `whole` keep their ending (in "¿puedo ...?" / "¿puedes ...?" the person matters)."""

    def __init__(self, suffixes: Sequence[str], whole: Sequence[str] = ()) -> None:
        self._suffixes = sorted(suffixes, key=len, reverse=True)
        self._whole = frozenset(map(phrases.fold, whole))

    def __call__(self, word: str) -> str:
        if not self._suffixes:
            return phrases.stem(word)
        if not word.isalpha() or word in self._whole:
            return word
        for suffix in self._suffixes:
            if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
                return word[: -len(suffix)]
        return word


class GrammarFile(_Strict):
    suffixes: list[str] = Field(default_factory=list)  # none: English stems
    whole: list[str] = Field(default_factory=list)  # words no suffix is cut from
    patterns: dict[str, str] = Field(default_factory=dict)  # regex -> replacement, on folded text
    gap: int = Field(ge=0, le=5)
    max_words: int = Field(ge=1)
    max_clauses: int = Field(ge=1)
    symbols: dict[str, str] = Field(default_factory=dict)
    spellings: dict[str, str]
    classes: dict[str, list[str]]
    time: TimeWords
    frames: list[FrameSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def classes_exist(self) -> GrammarFile:
        needed = {
            *HEDGES,
            "filler",
            "opener",
            "wh",
            "polite",
            "asking",
            "light",
            "condition_opener",
            "do",
            "pronoun",
        }
        for frame in self.frames:
            needed.update(frame.blockers, frame.exclude)
            needed.update(p[1:-1] for g in frame.all_of for p in g if p.startswith("<"))
        missing = sorted(needed - set(self.classes))
        if missing:
            raise ValueError(f"unknown word classes {missing}")
        return self


@cache
def load_grammar(path: Path = DEFAULT_FILE) -> GrammarFile:
    try:
        return GrammarFile.model_validate(load_yaml(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise GrammarError(f"{path}: {exc}") from exc
