"""Turn a question into index terms: typo repair, stemming, concept phrases, stopwords.

Index documents and questions go through the same analyzer, so "opt-out", "optout",
"switch off" and "turning off" all become the one term the index knows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from core.faq.lexicon import FaqDataError, Lexicon, evidence_concepts
from core.faq.text import stem, tokenize

# Concept sets of which any one, present in full, overrides an off-topic intent.
Unless = tuple[frozenset[str], ...]
CONCEPT_PREFIX = "@"  # concept terms cannot collide with word stems (tokens are [a-z0-9])
# Particles of phrasal verbs: "turn off" also matches "turn it all off", "take back" also
# "take my data back", with up to _MAX_GAP other words between the verb and its particles.
_PARTICLES = frozenset({"off", "out", "back", "on"})
_MAX_GAP = 3


@dataclass(frozen=True, slots=True)
class Analysis:
    terms: tuple[str, ...]  # stems and @concepts, stopwords removed: what the index scores
    concepts: frozenset[str]  # concept names found (without the prefix)
    strong: frozenset[str]  # the concepts found through at least one non-weak phrase
    platforms: frozenset[str]  # other platforms named (LinkedIn, Meta...)
    intents: tuple[tuple[str, Unless], ...]  # off-topic intents: (name, unless)
    small_talk_only: bool  # every token is a greeting, thanks or filler


def _max_edits(word: str) -> int:
    return 1 if len(word) <= 7 else 2


class Analyzer:
    def __init__(self, lexicon: Lexicon, corpus: Iterable[str]) -> None:
        self._stopwords = frozenset(stem(w) for p in lexicon.stopwords for w in tokenize(p))
        self._small_talk = frozenset(w for p in lexicon.small_talk for w in tokenize(p))
        # One phrase table: (stemmed phrase) -> label; labels are "concept:x", "intent:i",
        # "platform:p". Longest match wins, so "ai preferences" beats "ai".
        self._phrases: dict[tuple[str, ...], str] = {}
        self._intent_unless: dict[str, Unless] = {}
        for name, concept in lexicon.concepts.items():
            self._add(concept.phrases, f"concept:{name}")
            self._add(concept.weak, f"weak:{name}")
        for intent in lexicon.off_topic:
            unless = lexicon.training_evidence if intent.unless is None else intent.unless
            self._intent_unless[intent.name] = tuple(map(evidence_concepts, unless))
            self._add(intent.phrases, f"intent:{intent.name}")
        for platform in lexicon.other_platforms:
            self._add([platform], f"platform:{platform}")
        self._longest = max(len(k) for k in self._phrases)
        # verb stem -> [(particle stems, label)], longest first
        self._phrasal: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        for key, label in self._phrases.items():
            verb, tail = key[0], key[1:]
            if tail and set(tail) <= _PARTICLES and verb not in _PARTICLES | self._stopwords:
                self._phrasal[verb].append((tail, label))
        for tails in self._phrasal.values():
            tails.sort(key=lambda item: -len(item[0]))
        self.anchors = frozenset(n for n, c in lexicon.concepts.items() if c.anchor)
        vocabulary: set[str] = set(self._small_talk)
        for phrase in (
            *lexicon.stopwords,
            *(p for c in lexicon.concepts.values() for p in (*c.phrases, *c.weak)),
            *(p for i in lexicon.off_topic for p in i.phrases),
            *lexicon.other_platforms,
            *corpus,
        ):
            vocabulary.update(tokenize(phrase))
        self._vocabulary = frozenset(vocabulary)
        self._known_stems = frozenset(stem(w) for w in vocabulary)
        # Typos rarely hit the first letter; keeping it stops "gmail" becoming "email".
        self._choices: dict[str, list[str]] = defaultdict(list)
        for word in sorted(w for w in vocabulary if len(w) >= 3 and w.isalpha()):
            self._choices[word[0]].append(word)
        self._correct = lru_cache(maxsize=4096)(self._nearest)

    def _add(self, phrases: Iterable[str], label: str) -> None:
        """A phrase that stems like one with another meaning ("dated"/"date") is a data bug."""
        for phrase in phrases:
            key = tuple(stem(w) for w in tokenize(phrase))
            if not key:
                continue
            if self._phrases.setdefault(key, label) != label:
                raise FaqDataError(
                    f"lexicon: {phrase!r} is {label} but stems like a {self._phrases[key]} phrase"
                )

    def _nearest(self, word: str) -> str:
        """The vocabulary word one (two, if long) edits away: "upwrok" -> "upwork"."""
        found = process.extractOne(
            word,
            self._choices.get(word[0], []),
            scorer=DamerauLevenshtein.distance,
            score_cutoff=_max_edits(word),
        )
        return found[0] if found else word

    def _repair(self, word: str) -> str:
        """Known words and inflections of known words ("changing") are left alone."""
        if word in self._vocabulary or len(word) < 4 or not word.isalpha():
            return word
        if stem(word) in self._known_stems:
            return word
        return self._correct(word)

    def _phrasal_match(self, stems: list[str], i: int) -> tuple[str, range] | None:
        """A phrasal verb split by its object: its label and where its particles are."""
        for tail, label in self._phrasal.get(stems[i], ()):
            for gap in range(1, _MAX_GAP + 1):
                start = i + 1 + gap
                between = stems[i + 1 : start]
                if len(between) < gap or tail[0] in between:
                    break
                if tuple(stems[start : start + len(tail)]) == tail:
                    return label, range(start, start + len(tail))
        return None

    def analyze(self, text: str) -> Analysis:
        tokens = tokenize(text)
        small_talk_only = bool(tokens) and all(t in self._small_talk for t in tokens)
        stems = [stem(self._repair(t)) for t in tokens]
        terms: list[str] = []
        concepts: set[str] = set()
        strong: set[str] = set()
        platforms: set[str] = set()
        intents: list[tuple[str, Unless]] = []
        consumed: set[int] = set()  # particles already matched with their verb
        i = 0
        while i < len(stems):
            if i in consumed:
                i += 1
                continue
            for size in range(min(self._longest, len(stems) - i), 0, -1):
                label = self._phrases.get(tuple(stems[i : i + size]))
                if label is not None:
                    break
            else:
                size, label = 1, None
            if size == 1 and (phrasal := self._phrasal_match(stems, i)) is not None:
                label, particles = phrasal
                consumed.update(particles)
            if label is None:
                if stems[i] not in self._stopwords:
                    terms.append(stems[i])
            else:
                kind, _, name = label.partition(":")
                if kind in ("concept", "weak"):
                    concepts.add(name)
                    terms.append(CONCEPT_PREFIX + name)
                    if kind == "concept":
                        strong.add(name)
                elif kind == "intent":
                    intents.append((name, self._intent_unless[name]))
                    terms.extend(s for s in stems[i : i + size] if s not in self._stopwords)
                else:
                    platforms.add(name)
            i += size
        return Analysis(
            terms=tuple(terms),
            concepts=frozenset(concepts),
            strong=frozenset(strong),
            platforms=frozenset(platforms),
            intents=tuple(intents),
            small_talk_only=small_talk_only,
        )
