"""The FAQ engine's data files, validated at load: vocabulary, topic phrasings, calibration."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from core.errors import GigguardError

DATA_DIR = Path(__file__).parent / "data"

# libyaml's loader when PyYAML was built with it: the pure-Python one took 0.4 s at start-up.
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class FaqDataError(GigguardError):
    """An FAQ data file is missing or invalid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Concept(_Strict):
    """Phrasings that mean one thing here; `anchor` concepts show a question is in scope.

    `weak` phrasings mean the same but are everyday words ("add", "old", "safe"): they put
    a question in scope only together with another anchor concept.
    """

    anchor: bool = False
    phrases: list[Phrase] = Field(min_length=1)
    weak: list[Phrase] = Field(default_factory=list)


class OffTopicIntent(_Strict):
    """Vocabulary of questions we do not answer, unless the question also shows one of `unless`.

    Each `unless` entry is a concept ("train") or concepts joined by "+" that must all be
    present ("ai+optout"). Without its own list an intent uses the lexicon's
    `training_evidence`: "opt out of marketing emails" names an opt-out but no AI training.
    """

    name: str
    unless: list[str] | None = None
    phrases: list[Phrase] = Field(min_length=1)


class Lexicon(_Strict):
    stopwords: list[Phrase]
    small_talk: list[Phrase]
    concepts: dict[str, Concept]
    training_evidence: list[Phrase] = Field(min_length=1)
    off_topic: list[OffTopicIntent]
    other_platforms: list[Phrase]
    home_concepts: list[str]


class TopicPhrasing(_Strict):
    questions: list[Phrase] = Field(min_length=5)


class TopicIndex(_Strict):
    topics: dict[str, TopicPhrasing]


class ClassifierSettings(_Strict):
    """The learned engine's regularisation and answer bands (chosen in bench/README.md)."""

    c: float = Field(gt=0)  # inverse L2 penalty, as scikit-learn's LogisticRegression(C=...)
    min_class_rows: float = Field(ge=1)  # a topic with fewer rows is up-weighted to this many
    decline_below: float = Field(ge=0, le=1)
    sure_above: float = Field(ge=0, le=1)
    alternative_ratio: float = Field(gt=0, le=1)


class Calibration(_Strict):
    """Thresholds and the confidence curve, fitted on the tune split only."""

    concept_weight: float = Field(gt=0)
    decline_below: float = Field(ge=0, le=1)
    sure_above: float = Field(ge=0, le=1)
    alternative_ratio: float = Field(gt=0, le=1)
    slope: float
    midpoint: float
    margin_weight: float
    classifier: ClassifierSettings


class TrainingRow(_Strict):
    """A labelled question: `ok` empty means decline; `src` names the set it came from."""

    q: Phrase
    ok: list[str]
    src: str


class FaqData(_Strict):
    lexicon: Lexicon
    index: TopicIndex
    calibration: Calibration
    training: list[TrainingRow]


Model = TypeVar("Model", bound=_Strict)


def evidence_concepts(entry: str) -> frozenset[str]:
    """ "ai+optout" -> {"ai", "optout"}: concepts that together override an intent."""
    return frozenset(part.strip() for part in entry.split("+"))


def _load(model: type[Model], path: Path) -> Model:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YamlLoader)
        return model.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise FaqDataError(f"{path}: {exc}") from exc


def load_training(path: Path) -> list[TrainingRow]:
    """JSON lines of labelled questions; a bad line is an error at start-up."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        return [TrainingRow.model_validate_json(line) for line in lines if line.strip()]
    except (OSError, ValidationError) as exc:
        raise FaqDataError(f"{path}: {exc}") from exc


def load_faq_data(data_dir: Path = DATA_DIR) -> FaqData:
    """Read and cross-check the data files: intents may only name concepts that exist."""
    lexicon = _load(Lexicon, data_dir / "lexicon.yaml")
    index = _load(TopicIndex, data_dir / "topics_index.yaml")
    calibration = _load(Calibration, data_dir / "calibration.yaml")
    named = {
        c
        for entries in (lexicon.training_evidence, *(i.unless or () for i in lexicon.off_topic))
        for entry in entries
        for c in evidence_concepts(entry)
    } | set(lexicon.home_concepts)
    unknown = named - set(lexicon.concepts)
    if unknown:
        raise FaqDataError(f"{data_dir / 'lexicon.yaml'}: unknown concepts {sorted(unknown)}")
    training = load_training(data_dir / "training.jsonl")
    return FaqData(lexicon=lexicon, index=index, calibration=calibration, training=training)
