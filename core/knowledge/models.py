"""Schemas of the knowledge files. Every fact names its sources and when it was last checked."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    field_validator,
    model_validator,
)

from core.knowledge import plurals
from core.language import ENGLISH, format_day, localise_numbers

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    id: Id
    title: Text
    url: HttpUrl


class Sourced(Strict):
    """A fact: where it comes from, when it was last checked, since when the policy applies."""

    sources: list[Id] = Field(min_length=1)
    last_checked: dt.date
    effective: dt.date | None = None
    updated: dt.date | None = None  # when the facts last changed; answers then say so


# A "...Words" model is what a translation gives (locales/<lang>/*.yaml, with the same ids);
# the English model adds the facts (sources, dates), which every language shares.


class TopicWords(Strict):
    id: Id
    title: Text
    answer: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=600)]
    details: Text | None = None


class Topic(Sourced, TopicWords):
    pass


class Step(Strict):
    title: Text
    text: Text


class ToggleWords(Strict):
    id: Id
    name: Text
    covers: Text
    controlled_by: Text


class ToggleInfo(ToggleWords):
    double_opt_in: bool


class GuideWords(Strict):
    """A guide's words: the same steps, toggles and notes as the English one, in its order."""

    id: Id
    name: Text | None = None  # a marketplace's name is usually the same in every language
    summary: Text
    steps: list[Step] = Field(min_length=1)
    toggles: list[ToggleWords] = Field(default_factory=list)
    notes: list[Text] = Field(default_factory=list)


class MarketplaceGuide(Sourced):
    id: Id
    name: Text
    summary: Text
    steps: list[Step] = Field(min_length=1)
    toggles: list[ToggleInfo] = Field(default_factory=list)
    notes: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def toggle_ids_unique(self) -> MarketplaceGuide:
        ids = [t.id for t in self.toggles]
        if len(ids) != len(set(ids)):
            raise ValueError(f"duplicate toggle ids in {self.id}: {ids}")
        return self


class RowWords(Strict):
    feature: Text
    values: dict[Id, Text]


class ComparisonRow(Sourced, RowWords):
    pass


class ComparisonWords(Strict):
    title: Text
    rows: list[RowWords] = Field(min_length=1)
    verdict: Text


class Comparison(Strict):
    title: Text
    marketplaces: list[Id] = Field(min_length=2)
    rows: list[ComparisonRow] = Field(min_length=1)
    verdict: Text

    @model_validator(mode="after")
    def every_row_covers_every_marketplace(self) -> Comparison:
        for row in self.rows:
            if set(row.values) != set(self.marketplaces):
                raise ValueError(
                    f"row {row.feature!r} has values for {sorted(row.values)}, "
                    f"expected {sorted(self.marketplaces)}"
                )
        return self


class ClauseVoice(Strict):
    """The clause as one party writes it: who pastes it where, and the text."""

    usage: Text
    text: Text


class ClauseWords(Strict):
    """The no-AI clause in each party's voice, the seller's first (most members sell)."""

    title: Text
    seller: ClauseVoice
    buyer: ClauseVoice

    def voices(self) -> dict[str, ClauseVoice]:
        return {"seller": self.seller, "buyer": self.buyer}


class Clause(Sourced, ClauseWords):
    pass


class CommunityTopic(Topic):
    """A community's own FAQ entry, with the ways members ask it (for retrieval)."""

    questions: list[Text] = Field(min_length=3)


class CommunityNote(Strict):
    """A moderator's note shown under a topic's answer, in one community or in all."""

    topic: Id
    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    community: Annotated[str, StringConstraints(pattern=r"^[a-z]+/[\w.-]+$")] | None = None


class Knowledge(Strict):
    """Everything the bot knows, cross-checked: every source id referenced exists.

    The English knowledge holds one translated copy per other language in `translations`
    (same ids, same facts, the words of locales/<lang>/); `in_language` picks one.
    """

    sources: dict[Id, Source]
    topics: dict[Id, Topic]
    guides: dict[Id, MarketplaceGuide]
    comparison: Comparison
    clause: Clause
    # One text, or plural forms by CLDR category (see core/knowledge/plurals.py).
    messages: dict[str, str | dict[str, str]]
    notes: list[CommunityNote] = Field(default_factory=list)
    language: str = ENGLISH  # picks the plural rule, number and date formats
    translations: dict[str, Knowledge] = Field(default_factory=dict, repr=False)

    @field_validator("messages")
    @classmethod
    def plural_forms_complete(
        cls, messages: dict[str, str | dict[str, str]]
    ) -> dict[str, str | dict[str, str]]:
        for key, text in messages.items():
            if isinstance(text, str):
                continue
            unknown = sorted(set(text) - set(plurals.CATEGORIES))
            if unknown:
                raise ValueError(f"message {key}: unknown plural categories {unknown}")
            if "other" not in text:
                raise ValueError(f"message {key}: plural forms need 'other'")
        return messages

    @model_validator(mode="after")
    def references_resolve(self) -> Knowledge:
        facts: list[tuple[str, Sourced]] = [
            *((f"topic {t.id}", t) for t in self.topics.values()),
            *((f"guide {g.id}", g) for g in self.guides.values()),
            *((f"comparison row {r.feature!r}", r) for r in self.comparison.rows),
            ("clause", self.clause),
        ]
        for where, fact in facts:
            missing = [s for s in fact.sources if s not in self.sources]
            if missing:
                raise ValueError(f"{where} cites unknown sources: {missing}")
        unknown = [m for m in self.comparison.marketplaces if m not in self.guides]
        if unknown:
            raise ValueError(f"comparison names marketplaces without a guide: {unknown}")
        orphans = [n.topic for n in self.notes if n.topic not in self.topics]
        if orphans:
            raise ValueError(f"notes for unknown topics: {orphans}")
        return self

    def community_phrasings(self) -> dict[str, list[str]]:
        """How members ask each community-specific topic, for the FAQ index."""
        return {t.id: t.questions for t in self.topics.values() if isinstance(t, CommunityTopic)}

    def notes_for(self, topic: str, community: str | None) -> list[str]:
        """Notes on `topic` for `community` ("platform/workspace"); None: notes for everyone."""
        return [n.note for n in self.notes if n.topic == topic and n.community in (None, community)]

    @property
    def languages(self) -> tuple[str, ...]:
        """English and every language translated."""
        return (ENGLISH, *self.translations)

    def in_language(self, language: str) -> Knowledge:
        """This knowledge in `language`; English when it has no translation."""
        if language == self.language:
            return self
        return self.translations.get(language, self)

    def message(self, key: str, **values: object) -> str:
        """A UI string from messages.yaml (or its translation), formatted with `values`; a
        message with plural forms takes the one for `count`."""
        template = self.messages[key]
        if not isinstance(template, str):
            count = values[plurals.COUNT]
            assert isinstance(count, int), f"{key}: count must be an int, not {count!r}"
            template = plurals.choose(template, self.language, count)
        if self.language != ENGLISH:
            template, values = localise_numbers(template, values, self.language)
        return template.format(**values)

    def day(self, value: dt.date) -> str:
        """A date as this language writes it (English: ISO, 2026-11-25)."""
        return format_day(value, self.language)

    def toggle_marketplaces(self) -> list[MarketplaceGuide]:
        """Marketplaces whose members have account toggles to switch off."""
        return [g for g in self.guides.values() if g.toggles]

    def cite(self, *facts: Sourced) -> str:
        """`Sources: <title> (<url>); <title> (<url>). Last checked <date>.`: every source the
        facts cite, in order, once each; the oldest check date and the latest update."""
        cited = list(dict.fromkeys(s for fact in facts for s in fact.sources))
        items = [
            self.message("source_item", title=self.sources[s].title, url=self.sources[s].url)
            for s in cited
        ]
        checked = min(fact.last_checked for fact in facts)
        line = self.message(
            "source_line", count=len(items), sources="; ".join(items), checked=self.day(checked)
        )
        updated = max((fact.updated for fact in facts if fact.updated), default=None)
        if updated:
            line = self.message("updated_on", date=self.day(updated)) + " " + line
        return line
