"""Load the knowledge files and validate them, naming the file, the field and the problem."""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import ValidationError

from core.knowledge.files import KnowledgeError, Model, describe, read_yaml, validate, validate_list
from core.knowledge.models import (
    Clause,
    CommunityNote,
    CommunityTopic,
    Comparison,
    Knowledge,
    MarketplaceGuide,
    Source,
    Topic,
)
from core.knowledge.translations import translate_all

DEFAULT_DIR = Path(__file__).parent / "data"

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_DIR", "KnowledgeError", "load_knowledge", "load_knowledge_and_gaps"]


def _by_id(items: list[Model], path: Path) -> dict[str, Model]:
    result: dict[str, Model] = {}
    for item in items:
        item_id = item.id  # type: ignore[attr-defined]
        if item_id in result:
            raise KnowledgeError(f"{path}: duplicate id {item_id!r}")
        result[item_id] = item
    return result


def _optional_list(model: type[Model], path: Path) -> list[Model]:
    return validate_list(model, path) if path.exists() else []


def _with_overrides(knowledge: Knowledge, overrides: Path) -> Knowledge:
    """Add a community's own sources, FAQ entries and notes; they may not replace shipped ones."""
    if not overrides.is_dir():
        raise KnowledgeError(f"{overrides}: not a directory")
    sources = _by_id(_optional_list(Source, overrides / "sources.yaml"), overrides)
    topics = _by_id(_optional_list(CommunityTopic, overrides / "faq.yaml"), overrides)
    notes = _optional_list(CommunityNote, overrides / "notes.yaml")
    for kind, added, shipped in (
        ("source", sources, knowledge.sources),
        ("topic", topics, knowledge.topics),
    ):
        clash = sorted(set(added) & set(shipped))
        if clash:
            raise KnowledgeError(
                f"{overrides}: these {kind} ids already exist in the shipped knowledge: {clash}"
            )
    try:
        return _overridden(knowledge, sources, topics, notes)
    except ValidationError as exc:
        raise KnowledgeError(f"{overrides}: {describe(exc)}") from exc


def _overridden(
    knowledge: Knowledge,
    sources: dict[str, Source],
    topics: dict[str, CommunityTopic],
    notes: list[CommunityNote],
) -> Knowledge:
    """`knowledge` and each of its translations with a community's additions, which are in the
    community's own words in every language."""
    return Knowledge(
        sources=knowledge.sources | sources,
        topics=knowledge.topics | topics,
        guides=knowledge.guides,
        comparison=knowledge.comparison,
        clause=knowledge.clause,
        messages=knowledge.messages,
        notes=notes,
        language=knowledge.language,
        translations={
            language: _overridden(translated, sources, topics, notes)
            for language, translated in knowledge.translations.items()
        },
    )


def load_knowledge(directory: Path = DEFAULT_DIR, overrides: Path | None = None) -> Knowledge:
    """Read every knowledge file under `directory`, its translations (`locales/`), then a
    community's `overrides` directory.

    Raises KnowledgeError naming the file, line, field and problem of the first bad entry.
    Translation gaps (see core.knowledge.translations) are logged, and English used for them.
    """
    knowledge, gaps = load_knowledge_and_gaps(directory, overrides)
    if gaps:
        log.warning("knowledge translations incomplete, English used for: %s", "; ".join(gaps))
    return knowledge


def load_knowledge_and_gaps(
    directory: Path = DEFAULT_DIR, overrides: Path | None = None
) -> tuple[Knowledge, list[str]]:
    """The knowledge and every translation gap found, as `where: what` lines."""
    english = _load_shipped(directory)
    translations, gaps = translate_all(english, directory / "locales")
    shipped = english.model_copy(update={"translations": translations})
    return (_with_overrides(shipped, overrides) if overrides else shipped), gaps


def _load_shipped(directory: Path) -> Knowledge:
    guides_dir = directory / "marketplaces"
    guide_files = sorted(guides_dir.glob("*.yaml"))
    if not guide_files:
        raise KnowledgeError(f"{guides_dir}: no marketplace guide files")
    guides = _by_id(
        [validate(MarketplaceGuide, read_yaml(path), path) for path in guide_files], guides_dir
    )
    messages = read_yaml(directory / "messages.yaml")
    if not isinstance(messages, dict) or not all(
        isinstance(k, str) and isinstance(v, str | dict) for k, v in messages.items()
    ):
        raise KnowledgeError(
            f"{directory / 'messages.yaml'}: expected a mapping of key: text (or plural forms)"
        )
    sources = _by_id(validate_list(Source, directory / "sources.yaml"), directory)
    topics = _by_id(validate_list(Topic, directory / "topics.yaml"), directory)
    comparison = validate(
        Comparison, read_yaml(directory / "comparison.yaml"), directory / "comparison.yaml"
    )
    clause = validate(Clause, read_yaml(directory / "clause.yaml"), directory / "clause.yaml")
    try:
        return Knowledge(
            sources=sources,
            topics=topics,
            guides=guides,
            comparison=comparison,
            clause=clause,
            messages=messages,
        )
    except ValidationError as exc:
        raise KnowledgeError(f"{directory}: {describe(exc)}") from exc
