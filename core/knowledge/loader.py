"""Load the knowledge files and validate them, naming the file, the field and the problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from core.errors import GigguardError
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
from core.knowledge.yaml_lines import line_of, load_with_lines

DEFAULT_DIR = Path(__file__).parent / "data"

Model = TypeVar("Model", bound=BaseModel)


class KnowledgeError(GigguardError):
    """A knowledge file is missing, unreadable or invalid."""


def _read_yaml(path: Path) -> Any:
    try:
        return load_with_lines(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise KnowledgeError(f"{path}: file is missing") from exc
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: not valid YAML: {exc}") from exc


def _describe(exc: ValidationError, raw: Any = None, prefix: str = "") -> str:
    problems = []
    for err in exc.errors():
        field = ".".join(str(part) for part in (prefix, *err["loc"]) if part != "")
        line = line_of(raw, err["loc"])
        where = f"line {line}, " if line else ""
        problems.append(f"{where}field {field or '(top level)'}: {err['msg']}")
    return "; ".join(problems)


def _validate(model: type[Model], raw: Any, path: Path, prefix: str = "") -> Model:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise KnowledgeError(f"{path}: {_describe(exc, raw, prefix)}") from exc


def _validate_list(model: type[Model], path: Path) -> list[Model]:
    raw = _read_yaml(path)
    if not isinstance(raw, list):
        raise KnowledgeError(f"{path}: expected a list of entries")
    return [_validate(model, item, path, prefix=f"[{i}]") for i, item in enumerate(raw)]


def _by_id(items: list[Model], path: Path) -> dict[str, Model]:
    result: dict[str, Model] = {}
    for item in items:
        item_id = item.id  # type: ignore[attr-defined]
        if item_id in result:
            raise KnowledgeError(f"{path}: duplicate id {item_id!r}")
        result[item_id] = item
    return result


def _optional_list(model: type[Model], path: Path) -> list[Model]:
    return _validate_list(model, path) if path.exists() else []


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
        return Knowledge(
            sources=knowledge.sources | sources,
            topics=knowledge.topics | topics,
            guides=knowledge.guides,
            comparison=knowledge.comparison,
            clause=knowledge.clause,
            messages=knowledge.messages,
            notes=notes,
        )
    except ValidationError as exc:
        raise KnowledgeError(f"{overrides}: {_describe(exc)}") from exc


def load_knowledge(directory: Path = DEFAULT_DIR, overrides: Path | None = None) -> Knowledge:
    """Read every knowledge file under `directory`, then a community's `overrides` directory.

    Raises KnowledgeError naming the file, line, field and problem of the first bad entry.
    """
    shipped = _load_shipped(directory)
    return _with_overrides(shipped, overrides) if overrides else shipped


def _load_shipped(directory: Path) -> Knowledge:
    guides_dir = directory / "marketplaces"
    guide_files = sorted(guides_dir.glob("*.yaml"))
    if not guide_files:
        raise KnowledgeError(f"{guides_dir}: no marketplace guide files")
    guides = _by_id(
        [_validate(MarketplaceGuide, _read_yaml(path), path) for path in guide_files], guides_dir
    )
    messages = _read_yaml(directory / "messages.yaml")
    if not isinstance(messages, dict) or not all(
        isinstance(k, str) and isinstance(v, str | dict) for k, v in messages.items()
    ):
        raise KnowledgeError(
            f"{directory / 'messages.yaml'}: expected a mapping of key: text (or plural forms)"
        )
    sources = _by_id(_validate_list(Source, directory / "sources.yaml"), directory)
    topics = _by_id(_validate_list(Topic, directory / "topics.yaml"), directory)
    comparison = _validate(
        Comparison, _read_yaml(directory / "comparison.yaml"), directory / "comparison.yaml"
    )
    clause = _validate(Clause, _read_yaml(directory / "clause.yaml"), directory / "clause.yaml")
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
        raise KnowledgeError(f"{directory}: {_describe(exc)}") from exc
