"""Translations of the knowledge: locales/<lang>/ holds the same files, same ids, words only.

A translation gives words; the facts (sources, last-checked dates, which toggles need both
parties) are the English entry's, so a translation cannot change them. What a locale lacks,
adds or words with other placeholders is a *gap*: the English entry is used in its place, the
gap is logged once per load, and `gigguard knowledge check` fails on it. Gaps never stop the
bot, so English ids added after a translation only show up in English until translated. A
locale file that is not valid YAML or does not fit its schema is a gap too: that file's part
(the messages, the topics, one guide, the comparison, the clause) stays English. Only a
language folder gigguard does not speak stops the load, since that is a layout mistake.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from core.knowledge.files import KnowledgeError, read_yaml, validate, validate_list
from core.knowledge.models import (
    Clause,
    ClauseWords,
    Comparison,
    ComparisonWords,
    GuideWords,
    Knowledge,
    MarketplaceGuide,
    Topic,
    TopicWords,
)
from core.language import ENGLISH, LANGUAGES

CODE_SPAN = re.compile(r"`[^`]+`")
Part = TypeVar("Part")


@dataclass
class Gaps:
    """What one locale lacks or adds, as `where: what` lines."""

    locale: Path
    found: list[str] = field(default_factory=list)

    def add(self, name: str, what: str) -> None:
        self.found.append(f"{self.locale / name}: {what} (English is used)")

    def unreadable(self, error: KnowledgeError) -> None:
        """A file that is not valid YAML or does not fit its schema (the error names it), on one
        line: YAML's own messages span several."""
        self.found.append(f"{' '.join(str(error).split())} (English is used)")


def _or_english(gaps: Gaps, english: Part, build: Callable[[], Part]) -> Part:
    """What `build` makes of a locale's file, or `english` when the file cannot be read."""
    try:
        return build()
    except KnowledgeError as exc:
        gaps.unreadable(exc)
        return english


def placeholders(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}


def _ids(
    gaps: Gaps, name: str, kind: str, english: Iterable[str], translated: Iterable[str]
) -> None:
    english, translated = set(english), set(translated)
    for missing in sorted(english - translated):
        gaps.add(name, f"{kind} {missing!r} is missing")
    for extra in sorted(translated - english):
        gaps.add(name, f"{kind} {extra!r} is not in the English knowledge")


Message = str | dict[str, str]  # one text, or plural forms by CLDR category


def message_placeholders(text: Message) -> set[str]:
    """A message's placeholders; for plural forms, those of every form together."""
    forms = [text] if isinstance(text, str) else list(text.values())
    return {name for form in forms for name in placeholders(form)}


def _is_message(value: object) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    )


def _messages(english: Knowledge, directory: Path, gaps: Gaps) -> dict[str, Message]:
    path = directory / "messages.yaml"
    if not path.exists():
        gaps.add("messages.yaml", "file is missing")
        return dict(english.messages)
    raw = read_yaml(path) or {}
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and _is_message(v) for k, v in raw.items()
    ):
        raise KnowledgeError(f"{path}: expected a mapping of key: text (or plural forms)")
    _ids(gaps, "messages.yaml", "message", english.messages, raw)
    result: dict[str, Message] = dict(english.messages)
    for key, text in raw.items():
        if key not in english.messages:
            continue
        want, got = message_placeholders(english.messages[key]), message_placeholders(text)
        if want != got:
            gaps.add(
                "messages.yaml",
                f"message {key!r} has placeholders {sorted(got)}, English has {sorted(want)}",
            )
        else:
            result[key] = text
    return result


def _same_code(english: str | None, translated: str | None) -> bool:
    """Commands in backticks (`/optout guide`) are the same in every language."""
    return sorted(CODE_SPAN.findall(english or "")) == sorted(CODE_SPAN.findall(translated or ""))


def _topics(english: Knowledge, directory: Path, gaps: Gaps) -> dict[str, Topic]:
    path = directory / "topics.yaml"
    result = dict(english.topics)
    if not path.exists():
        gaps.add("topics.yaml", "file is missing")
        return result
    words = {w.id: w for w in validate_list(TopicWords, path)}
    _ids(gaps, "topics.yaml", "topic", english.topics, words)
    for topic_id, word in words.items():
        topic = english.topics.get(topic_id)
        if topic is None:
            continue
        if (topic.details is None) != (word.details is None):
            gaps.add("topics.yaml", f"topic {topic_id!r}: details given in only one language")
        elif not all(
            _same_code(a, b)
            for a, b in ((topic.answer, word.answer), (topic.details, word.details))
        ):
            gaps.add("topics.yaml", f"topic {topic_id!r}: commands in `backticks` differ")
        else:
            result[topic_id] = topic.model_copy(update=word.model_dump(exclude_none=True))
    return result


def _guide(guide: MarketplaceGuide, words: GuideWords, gaps: Gaps, name: str) -> MarketplaceGuide:
    shape = (len(guide.steps), [t.id for t in guide.toggles], len(guide.notes))
    given = (len(words.steps), [t.id for t in words.toggles], len(words.notes))
    if shape != given:
        gaps.add(
            name,
            f"steps, toggle ids and notes are {given}, English has {shape} (same order expected)",
        )
        return guide
    toggles = [
        t.model_copy(update=w.model_dump())
        for t, w in zip(guide.toggles, words.toggles, strict=True)
    ]
    update: dict[str, Any] = {
        "summary": words.summary,
        "steps": words.steps,
        "toggles": toggles,
        "notes": words.notes,
    }
    if words.name:
        update["name"] = words.name
    return guide.model_copy(update=update)


def _guide_words(path: Path) -> GuideWords:
    return validate(GuideWords, read_yaml(path), path)


def _guides(english: Knowledge, directory: Path, gaps: Gaps) -> dict[str, MarketplaceGuide]:
    result = dict(english.guides)
    files = sorted((directory / "marketplaces").glob("*.yaml"))
    words = {}
    for path in files:
        word: GuideWords | None = _or_english(gaps, None, partial(_guide_words, path))
        if word is not None:
            words[word.id] = (word, path.relative_to(directory).as_posix())
    _ids(gaps, "marketplaces", "guide", english.guides, words)
    for guide_id, (word, name) in words.items():
        if guide_id in english.guides:
            result[guide_id] = _guide(english.guides[guide_id], word, gaps, name)
    return result


def _comparison(english: Comparison, directory: Path, gaps: Gaps) -> Comparison:
    path = directory / "comparison.yaml"
    if not path.exists():
        gaps.add("comparison.yaml", "file is missing")
        return english
    words = validate(ComparisonWords, read_yaml(path), path)
    if [sorted(r.values) for r in words.rows] != [sorted(r.values) for r in english.rows]:
        gaps.add(
            "comparison.yaml",
            f"{len(words.rows)} rows, English has {len(english.rows)}, "
            "each with the same marketplaces and in the same order",
        )
        return english
    rows = [
        row.model_copy(update=word.model_dump())
        for row, word in zip(english.rows, words.rows, strict=True)
    ]
    return english.model_copy(update={"title": words.title, "verdict": words.verdict, "rows": rows})


def _clause(english: Clause, directory: Path, gaps: Gaps) -> Clause:
    path = directory / "clause.yaml"
    if not path.exists():
        gaps.add("clause.yaml", "file is missing")
        return english
    words = validate(ClauseWords, read_yaml(path), path)
    # The validated voices themselves: a model_dump would leave them plain dicts.
    return english.model_copy(
        update={"title": words.title, "seller": words.seller, "buyer": words.buyer}
    )


def translate(english: Knowledge, directory: Path, language: str) -> tuple[Knowledge, list[str]]:
    """`english` in `language`, from `directory` (locales/<language>), and the gaps found."""
    gaps = Gaps(directory)
    translated = english.model_copy(
        update={
            "language": language,
            "messages": _or_english(
                gaps, dict(english.messages), partial(_messages, english, directory, gaps)
            ),
            "topics": _or_english(
                gaps, dict(english.topics), partial(_topics, english, directory, gaps)
            ),
            "guides": _guides(english, directory, gaps),
            "comparison": _or_english(
                gaps,
                english.comparison,
                partial(_comparison, english.comparison, directory, gaps),
            ),
            "clause": _or_english(
                gaps, english.clause, partial(_clause, english.clause, directory, gaps)
            ),
            "translations": {},
        }
    )
    return translated, gaps.found


def translate_all(english: Knowledge, locales: Path) -> tuple[dict[str, Knowledge], list[str]]:
    """Every language spoken here, from `locales`; a language without a folder is a gap."""
    if locales.is_dir():
        unknown = sorted(
            p.name for p in locales.iterdir() if p.is_dir() and p.name not in LANGUAGES
        )
        if unknown:
            raise KnowledgeError(f"{locales}: not a language gigguard speaks: {unknown}")
    translations: dict[str, Knowledge] = {}
    problems: list[str] = []
    for language in LANGUAGES:
        if language == ENGLISH:
            continue
        directory = locales / language
        if not directory.is_dir():
            problems.append(f"{directory}: no translation (English is used)")
            continue
        translations[language], gaps = translate(english, directory, language)
        problems += gaps
    return translations, problems
