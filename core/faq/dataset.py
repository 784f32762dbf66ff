"""The FAQ engine's data files, validated at load: topic phrasings, labelled rows, settings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from core.errors import GigguardError

DATA_DIR = Path(__file__).parent / "data"
INDEX_FILE = "topics_index.yaml"
TRAINING_FILE = "training.jsonl"
SETTINGS_FILE = "settings.yaml"

# libyaml's loader when PyYAML was built with it: the pure-Python one took 0.4 s at start-up.
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class FaqDataError(GigguardError):
    """An FAQ data file or the model artifact is missing or invalid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TopicPhrasing(_Strict):
    questions: list[Phrase] = Field(min_length=5)


class TopicIndex(_Strict):
    topics: dict[str, TopicPhrasing]


class ModelSettings(_Strict):
    """What the build trains with; part of the artifact's data hash."""

    c: float = Field(gt=0)
    min_class_rows: float = Field(ge=1)
    char_min_df: int = Field(ge=1)
    greet_before: list[str] = Field(min_length=1)
    thank_after: list[str] = Field(min_length=1)


class FaqSettings(_Strict):
    model: ModelSettings
    decline_below: float = Field(ge=0, le=1)
    sure_above: float = Field(ge=0, le=1)
    alternative_ratio: float = Field(gt=0, le=1)
    vote_weight: float = Field(ge=0, le=1)
    vote_k: int = Field(ge=1)
    vote_temperature: float = Field(gt=0)
    vote_common_share: float = Field(gt=0, le=1)
    embedding_vote_weight: float = Field(ge=0, le=1)
    embedding_min_words: int = Field(ge=1)
    community_similarity: float = Field(gt=0, le=1)
    small_talk: list[Phrase]

    @model_validator(mode="after")
    def _votes_leave_the_classifier_a_share(self) -> FaqSettings:
        if self.vote_weight + self.embedding_vote_weight >= 1:
            raise ValueError("vote_weight + embedding_vote_weight must stay below 1")
        return self


class TrainingRow(_Strict):
    """A labelled question: `ok` empty means decline; `src` names the set it came from."""

    q: Phrase
    ok: list[str]
    src: str


Model = TypeVar("Model", bound=_Strict)


def _load(model: type[Model], path: Path) -> Model:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YamlLoader)
        return model.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise FaqDataError(f"{path}: {exc}") from exc


def load_settings(data_dir: Path = DATA_DIR) -> FaqSettings:
    return _load(FaqSettings, data_dir / SETTINGS_FILE)


def load_index(data_dir: Path = DATA_DIR) -> TopicIndex:
    return _load(TopicIndex, data_dir / INDEX_FILE)


def load_training(path: Path = DATA_DIR / TRAINING_FILE) -> list[TrainingRow]:
    """JSON lines of labelled questions; a bad line is an error."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        return [TrainingRow.model_validate_json(line) for line in lines if line.strip()]
    except (OSError, ValidationError) as exc:
        raise FaqDataError(f"{path}: {exc}") from exc
