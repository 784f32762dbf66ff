"""What a member asks for in plain words: "forget me", "done with all three", "remind me
tomorrow at 9" -> the command to run, or the FAQ when the text is a question.

A small intent grammar kept as data (core/data/dm_requests.yaml, read that file's header
first): frames of phrase groups, a mood (question, request, statement) and blockers such as
negation, so "how do I switch off communications?" and "I haven't switched off comms yet"
never record anything. Pure: no storage, no clock.

Spanish and Portuguese have a grammar file each in the same shape (dm_requests_es.yaml,
dm_requests_pt.yaml) with their own suffixes to stem by, and time words translated into the
English that `remind` reads ("mañana a las 9" -> "tomorrow at 9"). Which grammars read a
message, and how their readings combine, is `Routers` (bench/dm_routing.py --strategies
measures the choice).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from core import phrases
from core.dm_grammar import HEDGES, LANGUAGE_FILES, FrameSpec, GrammarFile, Stemmer, load_grammar
from core.knowledge import Knowledge
from core.language import ENGLISH, detect
from core.per_knowledge import PerKnowledge
from core.phrases import Clause
from core.toggle_words import ToggleWords, toggle_words_for

_TIME_LISTS = ("anchors", "joiners", "dropped_first", "dropped_last")
FAQ = "faq"
ALL = "all"
_CLOCK = re.compile(r"^\d{1,2}(?::\d{2})?(?:am|pm)$|^\d{1,2}:\d{2}$")
_NUMBER = re.compile(r"^\d+(?::\d+)?$")


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


def _stemmed(texts: Sequence[str], stem: Callable[[str], str] = phrases.stem) -> Phrases:
    return tuple(s for s in (tuple(map(stem, phrases.words(t))) for t in texts) if s)


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
        """`guides`: a marketplace guide's id -> its name (either may name it); `toggles`
        stemmed as the grammar stems (`Stemmer(grammar.suffixes, grammar.whole)`)."""
        self._grammar = grammar
        self._toggles = toggles
        self._stem = Stemmer(grammar.suffixes, grammar.whole)
        # Each clause is asked about its toggles by several frames: read it once.
        self._mentioned = functools.lru_cache(maxsize=1024)(toggles.mentioned)
        stem = self._stem
        self._classes = {name: _stemmed(words, stem) for name, words in grammar.classes.items()}
        self._light = frozenset(s for p in self._classes["light"] for s in p)
        self._guides = {
            stems: guide_id
            for guide_id, name in guides.items()
            for stems in _stemmed([guide_id, name], stem)
        }
        self._frames = tuple(self._frame(spec) for spec in grammar.frames)
        # Text is read without accents (core.phrases.fold), so are the words it is read by.
        self._spellings = {phrases.fold(k).lower(): v for k, v in grammar.spellings.items()}
        self._spelling = re.compile(
            r"\b(" + "|".join(map(re.escape, self._spellings)) + r")\b", re.IGNORECASE
        )
        self._patterns = [(re.compile(p, re.IGNORECASE), r) for p, r in grammar.patterns.items()]
        time = grammar.time
        self._time_words = time.model_copy(
            update={f: [phrases.fold(w) for w in getattr(time, f)] for f in _TIME_LISTS}
        )
        self._english = sorted(
            ((list(phrases.words(w)), e.split()) for w, e in time.english.items()),
            key=lambda pair: -len(pair[0]),
        )

    @classmethod
    def for_knowledge(cls, knowledge: Knowledge, language: str = ENGLISH) -> RequestRouter:
        guides = {guide_id: guide.name for guide_id, guide in knowledge.guides.items()}
        grammar_file, toggle_files = LANGUAGE_FILES[language]
        grammar = load_grammar(grammar_file)
        if not toggle_files:
            return cls(grammar, toggle_words_for(knowledge), guides)
        toggles = ToggleWords.from_knowledge(
            knowledge, also=toggle_files, stem=Stemmer(grammar.suffixes, grammar.whole)
        )
        return cls(grammar, toggles, guides)

    def _frame(self, spec: FrameSpec) -> _Frame:
        def group(items: list[str]) -> Phrases:
            found: list[tuple[str, ...]] = []
            for item in items:
                is_class = item.startswith("<") and item.endswith(">")
                stemmed = _stemmed([item], self._stem)
                found.extend(self._classes[item[1:-1]] if is_class else stemmed)
            return tuple(found)

        return _Frame(
            spec,
            tuple(group(g) for g in spec.all_of),
            tuple(self._classes[b] for b in spec.blockers),
            tuple(self._classes[e] for e in spec.exclude),
        )

    def route(self, text: str) -> Routed:
        found = self._clauses(text)
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

    def hedges(self, text: str) -> list[tuple[str, ...]]:
        """The words of the text this grammar reads as a negation, condition, intention or
        question ("not", "if", "want to", "what is ..."); a "?" is no word of any language."""
        found: list[tuple[str, ...]] = []
        for clause in self._clauses(text):
            start = self._start(clause.stems)
            end = self._at(self._classes["opener"], clause.stems, start)
            if end is not None:
                found.append(clause.words[start:end])
            for name in HEDGES:
                span = self._first(self._classes[name], clause.stems)
                if span is not None:
                    found.append(clause.words[span[0] : span[1]])
        return found

    def reads_as_hedge(self, words: tuple[str, ...]) -> bool:
        """Whether this grammar has `words` among its own hedges (then it weighed them)."""
        stems = tuple(map(self._stem, words))
        return any(
            self._at(self._classes[name], stems, 0) == len(stems) for name in (*HEDGES, "opener")
        )

    def _clauses(self, text: str) -> list[Clause]:
        for symbol, word in self._grammar.symbols.items():
            text = text.replace(symbol, word)
        text = phrases.fold(text)
        for pattern, replacement in self._patterns:
            text = pattern.sub(replacement, text)
        spelled = self._spelling.sub(lambda m: self._spellings[m[1].lower()], text)
        found = phrases.clauses(spelled)
        if not self._grammar.suffixes:  # English: core.phrases stemmed them already
            return found
        stem = self._stem
        return [dataclasses.replace(c, stems=tuple(map(stem, c.words))) for c in found]

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
        # A phrase whose first word is absent is skipped before any call: this runs for
        # every frame, clause and language of every message (1.9 -> 1.3 ms for the three).
        gap, present = self._grammar.gap, set(stems)
        for phrase in group:
            if phrase[0] in present:
                span = phrases.find(phrase, stems, gap=gap if len(phrase) > 1 else 0)
                if span:
                    return span
        return None

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
        time = self._time_words
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
        return " ".join(self._in_english(best))

    def _in_english(self, words: list[str]) -> list[str]:
        """The time words as `remind` reads them: "manana a las 9" -> "tomorrow at 9"."""
        out: list[str] = []
        position = 0
        while position < len(words):
            for phrase, english in self._english:
                if words[position : position + len(phrase)] == phrase:
                    out += english
                    position += len(phrase)
                    break
            else:
                out.append(words[position])
                position += 1
        return out


class Routers:
    """Every language's router. A message core.language recognises as Spanish or Portuguese
    is read by that grammar, then English ("ya desactivé comms"); any other by all three,
    English first (a Spanish message naming Upwork's English toggle names, "desactivé Work
    Product Data", reads as English). A grammar's reading stands only if no other grammar
    hedges the text with words it does not know itself ("work product is NOT done, take it
    off my list" is no Spanish record; Spanish "intenté apagar ..." is no Portuguese
    "apagar", delete; "como" asks in both), and the readings that stand must agree:
    Portuguese "apaga todos os meus dados" (delete) is Spanish "switch everything off", so a
    message two grammars read differently is a question for the FAQ."""

    def __init__(self, routers: dict[str, RequestRouter]) -> None:
        self.by_language = routers

    @classmethod
    def for_knowledge(cls, knowledge: Knowledge) -> Routers:
        return cls({lang: RequestRouter.for_knowledge(knowledge, lang) for lang in LANGUAGE_FILES})

    def route(self, text: str, languages: Sequence[str] | None = None) -> Routed:
        """`languages`: the grammars to read by, in turn (default: by the text's language)."""
        order = list(languages or self.choose(text))
        routes = [(language, self.by_language[language].route(text)) for language in order]
        if all(routed.route == FAQ for _, routed in routes):
            return Routed(FAQ)  # a question in every grammar: no hedges to weigh (most asks)
        hedges = {language: self.by_language[language].hedges(text) for language in order}
        readings: set[Routed] = set()
        for place, (language, routed) in enumerate(routes):
            router = self.by_language[language]
            # English comes first when the language is unknown: the little words of the
            # grammars after it ("no", "que") are English words too, so they do not bear on it.
            judges = order[:place] + (order[place + 1 :] if language != ENGLISH else [])
            heard = (words for judge in judges for words in hedges[judge])
            if routed.route != FAQ and all(router.reads_as_hedge(w) for w in heard):
                readings.add(routed)
        return readings.pop() if len(readings) == 1 else Routed(FAQ)

    def choose(self, text: str) -> tuple[str, ...]:
        """The grammars to read `text` by."""
        language = detect(text)
        if language is None or language == ENGLISH or language not in self.by_language:
            return tuple(self.by_language)
        return (language, ENGLISH)


router_for = PerKnowledge(Routers.for_knowledge)
