"""The words members use for toggles: ids, names and the synonyms in data/toggle_words.yaml.

`done comms`, `undo work product` and "I switched off the messages toggle" all name a toggle
through this vocabulary; a near miss ("comunications") still matches, a far one gets a
suggestion. Each other language adds its words in data/toggle_words_<language>.yaml: commands
take them all (`done archivos`), a language's request grammar its own and the English ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rapidfuzz import fuzz, process

from core import phrases
from core.errors import GigguardError
from core.knowledge import Knowledge
from core.per_knowledge import PerKnowledge
from core.progress import toggle_ref
from core.yaml_load import load_yaml

DEFAULT_FILE = Path(__file__).parent / "data" / "toggle_words.yaml"
# Words that may sit between toggle names in a command: `done comms and work product`.
_JOINERS = frozenset(phrases.stems("and the toggle toggles data setting settings plus also"))
SUGGEST_FROM = 70  # rapidfuzz ratio (0-100) from which a typed toggle gets a "did you mean"

Phrase = tuple[str, ...]


class ToggleWordsError(GigguardError):
    """The synonyms file is malformed or names toggles that do not exist."""


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    all: list[str] = Field(min_length=1)
    all_loose: list[str] = Field(default_factory=list)
    ordinals: list[list[str]] = Field(default_factory=list)
    ordinal_nouns: list[str] = Field(default_factory=list)
    ordinals_alone: list[list[str]] = Field(default_factory=list)  # "el primero", by place
    joiners: list[str] = Field(default_factory=list)  # more words like _JOINERS ("y", "e")
    toggles: dict[str, list[str]]


@cache
def _read(path: Path) -> _File:
    try:
        return _File.model_validate(load_yaml(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise ToggleWordsError(f"{path}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class ToggleWords:
    refs: tuple[str, ...]  # every toggle as `done` names it, in checklist order
    named: tuple[tuple[Phrase, str], ...]  # (stemmed phrase, ref), longest phrase first
    everything: tuple[Phrase, ...]  # "all three", "the lot", ...
    loosely_everything: tuple[Phrase, ...]  # "all", "everything": only beside a record verb
    spelled: dict[str, str]  # each phrase as written -> ref, for suggestions
    joiners: frozenset[str] = _JOINERS

    @classmethod
    def from_knowledge(
        cls,
        knowledge: Knowledge,
        path: Path = DEFAULT_FILE,
        *,
        also: Sequence[Path] = (),
        stem: Callable[[str], str] = phrases.stem,
    ) -> ToggleWords:
        """`also`: another language's words, added to `path`'s; `stem`: that language's
        stems (the router reading its messages stems them alike)."""
        files = {source: _read(source) for source in (path, *also)}

        def stems(text: str) -> Phrase:
            return tuple(map(stem, phrases.words(text)))

        pairs = [(g, t) for g in knowledge.toggle_marketplaces() for t in g.toggles]
        refs = tuple(dict.fromkeys(toggle_ref(knowledge, g, t) for g, t in pairs))
        owners: dict[str, set[str]] = {}  # a phrase -> every toggle it may name
        listed: dict[str, str] = {}  # a synonym -> the key the file lists it under

        def claim(text: str, *names: str) -> None:
            owners.setdefault(text.lower(), set()).update(names)

        for guide, toggle in pairs:
            ref = toggle_ref(knowledge, guide, toggle)
            for text in (toggle.id, toggle.name, f"{guide.id}:{toggle.id}"):
                claim(text, ref)
            for text in (toggle.id, toggle.name):
                if len(parts := re.split(r"[-\s]+", text)) > 1:
                    claim("".join(p[0] for p in parts).lower(), ref)
        for source, data in files.items():
            for place, ordinal in enumerate(data.ordinals[: len(refs)]):
                for text in ordinal:
                    for noun in data.ordinal_nouns:  # each file's ordinals with its own nouns
                        claim(f"{text} {noun}", refs[place])
            for place, texts in enumerate(data.ordinals_alone[: len(refs)]):
                for text in texts:
                    claim(text, refs[place])
            for key, synonyms in data.toggles.items():
                marketplace, _, toggle_id = key.rpartition(":")
                named_by_key = {
                    toggle_ref(knowledge, g, t)
                    for g, t in pairs
                    if t.id == toggle_id and marketplace in ("", g.id)
                }
                if not named_by_key:
                    raise ToggleWordsError(f"{source}: {key!r} is not a toggle of any marketplace")
                for text in synonyms:
                    if (other := listed.setdefault(text.lower(), key)) != key:
                        raise ToggleWordsError(f"{source}: {text!r} names both {other} and {key}")
                    claim(text, *named_by_key)
        # A phrase that several marketplaces' toggles share ("communications" once another
        # marketplace has one too) names none: the member picks with `marketplace:toggle`.
        spelled = {text: next(iter(refs)) for text, refs in owners.items() if len(refs) == 1}
        named = sorted(
            ((stems(text), ref) for text, ref in spelled.items()),
            key=lambda item: -len(item[0]),
        )

        def longest_first(texts: list[str]) -> tuple[Phrase, ...]:
            return tuple(sorted((stems(t) for t in texts), key=len, reverse=True))

        return cls(
            refs,
            tuple(p for p in named if p[0]),
            longest_first([t for data in files.values() for t in data.all]),
            longest_first([t for data in files.values() for t in data.all_loose]),
            spelled,
            _JOINERS | {s for data in files.values() for t in data.joiners for s in stems(t)},
        )

    def mentioned(self, stems: Sequence[str], *, loosely: bool = True) -> tuple[str, ...]:
        """The toggles a piece of text names, in checklist order; all of them for "all three"
        (and, when `loosely`, for "all" and "everything")."""
        return self._cover(stems, loosely=loosely)[0]

    def read(self, text: str) -> tuple[str, ...]:
        """The toggles a command argument names, if it names toggles and nothing else."""
        found, rest = self._cover(phrases.stems(text), loosely=True)
        return found if found and all(s in self.joiners for s in rest) else ()

    def closest(self, text: str) -> str | None:
        """The toggle whose id, name or synonym is nearest a mistyped one, if any is near."""
        match = process.extractOne(text.lower(), list(self.spelled), scorer=fuzz.ratio)
        return self.spelled[match[0]] if match and match[1] >= SUGGEST_FROM else None

    def _cover(self, stems: Sequence[str], *, loosely: bool) -> tuple[tuple[str, ...], list[str]]:
        """The toggles named (longest phrases first, each word used once) and the words left."""
        left: list[str | None] = list(stems)
        found: set[str] = set()
        for phrase in (*self.everything, *(self.loosely_everything if loosely else ())):
            if _take(phrase, left):
                found.update(self.refs)
        for phrase, ref in self.named:
            while _take(phrase, left):
                found.add(ref)
        rest = [s for s in left if s is not None]
        return tuple(r for r in self.refs if r in found), rest


def _take(phrase: Phrase, left: list[str | None]) -> bool:
    """Find `phrase` among the words not yet used and mark them used."""
    span = phrases.find(phrase, [s or "" for s in left], typos=True)
    if span is None:
        return False
    left[span[0] : span[1]] = [None] * (span[1] - span[0])
    return True


def _every_language(knowledge: Knowledge) -> ToggleWords:
    """Commands take the toggles' words in every language: `done archivos`."""
    others = sorted(DEFAULT_FILE.parent.glob("toggle_words_*.yaml"))
    return ToggleWords.from_knowledge(knowledge, also=others)


toggle_words_for = PerKnowledge(_every_language)
