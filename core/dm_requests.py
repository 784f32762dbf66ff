"""What a member asks for in plain words: "forget me", "done with all three", "remind me
tomorrow at 9" -> the command to run, or the FAQ when the text is a question.

A small intent grammar kept as data (core/data/dm_requests.yaml, read that file's header
first): frames of phrase groups, a mood (question, request, statement) and blockers such as
negation, so "how do I switch off communications?" and "I haven't switched off comms yet"
never record anything. Pure: no storage, no clock.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core import phrases
from core.errors import GigguardError
from core.knowledge import Knowledge
from core.per_knowledge import PerKnowledge
from core.phrases import Clause
from core.toggle_words import ToggleWords, toggle_words_for
from core.yaml_load import load_yaml

DEFAULT_FILE = Path(__file__).parent / "data" / "dm_requests.yaml"
FAQ = "faq"
ALL = "all"
_CLOCK = re.compile(r"^\d{1,2}(?::\d{2})?(?:am|pm)$|^\d{1,2}:\d{2}$")
_NUMBER = re.compile(r"^\d+(?::\d+)?$")


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


class GrammarFile(_Strict):
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


@dataclass(frozen=True, slots=True)
class Routed:
    """A command name and its argument text, or FAQ (`arg` is then empty)."""

    route: str
    arg: str = ""


class Mood(Enum):
    STATEMENT = "statement"
    REQUEST = "request"
    WH_QUESTION = "wh-question"  # what, which, how ...
    QUESTION = "question"  # any other: "does it ...?", "how do I ...", "... ?"


Phrases = tuple[tuple[str, ...], ...]


def _stemmed(texts: Sequence[str]) -> Phrases:
    return tuple(s for s in (phrases.stems(t) for t in texts) if s)


@dataclass(frozen=True, slots=True)
class _Frame:
    spec: FrameSpec
    groups: tuple[Phrases, ...]
    blockers: tuple[Phrases, ...]
    exclude: tuple[Phrases, ...]


class RequestRouter:
    """Reads one message against the grammar; build one per knowledge (its toggles and
    guides are part of the vocabulary)."""

    def __init__(self, grammar: GrammarFile, toggles: ToggleWords, guides: dict[str, str]):
        """`guides`: a marketplace guide's id -> its name (either may name it)."""
        self._grammar = grammar
        self._toggles = toggles
        # Each clause is asked about its toggles by several frames: read it once.
        self._mentioned = functools.lru_cache(maxsize=1024)(toggles.mentioned)
        self._classes = {name: _stemmed(words) for name, words in grammar.classes.items()}
        self._light = frozenset(s for p in self._classes["light"] for s in p)
        self._guides = {
            stems: guide_id
            for guide_id, name in guides.items()
            for stems in _stemmed([guide_id, name])
        }
        self._frames = tuple(self._frame(spec) for spec in grammar.frames)
        self._spelling = re.compile(
            r"\b(" + "|".join(map(re.escape, grammar.spellings)) + r")\b", re.IGNORECASE
        )

    @classmethod
    def for_knowledge(cls, knowledge: Knowledge) -> RequestRouter:
        guides = {guide_id: guide.name for guide_id, guide in knowledge.guides.items()}
        return cls(load_grammar(), toggle_words_for(knowledge), guides)

    def _frame(self, spec: FrameSpec) -> _Frame:
        def group(items: list[str]) -> Phrases:
            found: list[tuple[str, ...]] = []
            for item in items:
                is_class = item.startswith("<") and item.endswith(">")
                found.extend(self._classes[item[1:-1]] if is_class else _stemmed([item]))
            return tuple(found)

        return _Frame(
            spec,
            tuple(group(g) for g in spec.all_of),
            tuple(self._classes[b] for b in spec.blockers),
            tuple(self._classes[e] for e in spec.exclude),
        )

    def route(self, text: str) -> Routed:
        for symbol, word in self._grammar.symbols.items():
            text = text.replace(symbol, word)
        spelled = self._spelling.sub(lambda m: self._grammar.spellings[m[1].lower()], text)
        found = phrases.clauses(spelled)
        words = sum(len(clause.words) for clause in found)
        if words > self._grammar.max_words or len(found) > self._grammar.max_clauses:
            return Routed(FAQ)
        for frame in self._frames:
            fits: list[Routed] = []
            before: tuple[str, ...] = ()  # toggles named by the clause before, for "undo it"
            for clause in found:
                routed = self._fit(frame, clause, before)
                if routed is not None:
                    fits.append(routed)
                    if frame.spec.slot not in ("toggles", "named_toggles"):
                        break
                before = self._mentioned(clause.stems, loosely=False)
            if len(fits) > 1:
                return self._joined(fits)
            if fits:
                return fits[0]
        return Routed(FAQ)

    def _joined(self, fits: list[Routed]) -> Routed:
        """One record for toggles named clause by clause: "messages: done. files: done."."""
        named = {ref for routed in fits for ref in routed.arg.split()}
        if ALL in named or named >= set(self._toggles.refs):
            return Routed(fits[0].route, ALL)
        return Routed(fits[0].route, " ".join(r for r in self._toggles.refs if r in named))

    def _fit(self, frame: _Frame, clause: Clause, before: tuple[str, ...]) -> Routed | None:
        stems = clause.stems
        spans: list[tuple[int, int]] = []
        for group in frame.groups:
            span = self._first(group, stems)
            if span is None:
                return None
            spans.append(span)
        spec = frame.spec
        alone = spec.alone and self._only(stems, spans)
        if spec.alone and not alone:
            return None
        if not alone and not self._mood_fits(spec, self._mood(clause)):
            return None
        # A negation or an "if" reaches as far as the comma: in "take back the messages one,
        # I didn't save it" the "didn't" does not bear on "take back".
        part = clause.parts[spans[0][0]]
        own = [s if p == part else "" for s, p in zip(stems, clause.parts, strict=True)]
        if any(self._first(b, own) for b in frame.blockers):
            return None
        if "condition" in spec.blockers and self._opens_with_condition(own):
            return None
        if any(self._first(e, stems) for e in frame.exclude):
            return None
        if spec.unless_toggles and self._mentioned(stems, loosely=False):
            return None
        return self._slot(spec, clause, before, spans[0][0])

    def _slot(
        self, spec: FrameSpec, clause: Clause, before: tuple[str, ...], verb: int
    ) -> Routed | None:
        if spec.slot in ("toggles", "named_toggles"):
            loosely = spec.slot == "toggles"
            named = self._mentioned(clause.stems, loosely=loosely)
            # "undo it": a pronoun after the verb is its object, the toggles named just
            # before; "it keeps turning back on" reports, it does not ask.
            if not named and self._first(self._classes["pronoun"], clause.stems[verb:]):
                named = before
            if not named:
                return None
            everything = set(named) == set(self._toggles.refs)
            return Routed(spec.route, ALL if everything else " ".join(named))
        if spec.slot == "time":
            when = self._time(clause.words)
            return Routed(spec.route, when) if when else None
        if spec.slot == "marketplace":
            guides = {g for p, g in self._guides.items() if phrases.find(p, clause.stems)}
            return Routed(spec.route, guides.pop() if len(guides) == 1 else "")
        return Routed(spec.route)

    def _first(self, group: Phrases, stems: Sequence[str]) -> tuple[int, int] | None:
        gap = self._grammar.gap
        return next(
            (s for s in (phrases.find(p, stems, gap=gap if len(p) > 1 else 0) for p in group) if s),
            None,
        )

    def _start(self, stems: Sequence[str]) -> int:
        """Index of the first word that is not a filler ("ok", "hey", "so")."""
        position = 0
        while position < len(stems):
            span = self._at(self._classes["filler"], stems, position)
            if span is None:
                break
            position = span
        return position

    def _at(self, group: Phrases, stems: Sequence[str], position: int) -> int | None:
        """The end of a phrase of `group` that starts exactly at `position`, if one does."""
        for phrase in group:
            if tuple(stems[position : position + len(phrase)]) == phrase:
                return position + len(phrase)
        return None

    @staticmethod
    def _mood_fits(spec: FrameSpec, mood: Mood) -> bool:
        if mood is Mood.QUESTION:
            return spec.questions is True
        if mood is Mood.WH_QUESTION:
            return bool(spec.questions)
        return True

    def _mood(self, clause: Clause) -> Mood:
        stems = clause.stems
        start = self._start(stems)
        if self._first(self._classes["asking"], stems):
            return Mood.QUESTION
        if self._at(self._classes["wh"], stems, start) is not None:
            return Mood.WH_QUESTION
        if self._at(self._classes["polite"], stems, start) is not None:
            return Mood.REQUEST
        if clause.asked:
            return Mood.QUESTION
        opener = self._at(self._classes["opener"], stems, start)
        if opener is None:
            return Mood.STATEMENT
        # "did the lot", "did all three": `did` as the verb, its object right after it; a
        # question puts the subject there ("did I ...").
        doing = self._at(self._classes["do"], stems, start) is not None
        return (
            Mood.STATEMENT
            if doing and self._mentioned(stems[opener : opener + 3])
            else (Mood.QUESTION)
        )

    def _opens_with_condition(self, stems: Sequence[str]) -> bool:
        words = [s for s in stems if s]
        return self._at(self._classes["condition_opener"], words, self._start(words)) is not None

    def _only(self, stems: Sequence[str], spans: list[tuple[int, int]]) -> bool:
        """Whether the clause holds nothing but the frame's phrases and light words."""
        covered = {i for start, end in spans for i in range(start, end)}
        fillers = {s for p in self._classes["filler"] for s in p}
        return all(i in covered or s in self._light or s in fillers for i, s in enumerate(stems))

    def _time(self, words: Sequence[str]) -> str:
        """The longest run of time words holding an anchor: "tomorrow at 9", "in 3 days"."""
        time = self._grammar.time
        anchors, joiners = set(time.anchors), set(time.joiners)
        best: list[str] = []
        run: list[str] = []
        for word in [*words, ""]:
            if word in anchors or word in joiners or _NUMBER.match(word) or _CLOCK.match(word):
                run.append(word)
                continue
            while run and run[0] in time.dropped_first:
                run.pop(0)
            while run and run[-1] in time.dropped_last:
                run.pop()
            anchored = any(w in anchors or _CLOCK.match(w) for w in run)
            if anchored and len(run) > len(best):
                best = run
            run = []
        return " ".join(best)


router_for = PerKnowledge(RequestRouter.for_knowledge)
