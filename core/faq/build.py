"""Build the FAQ model artifact from the data files: `gigguard faq build`.

Trains scikit-learn's TF-IDF + multinomial LogisticRegression on every shipped topic's
title and phrasings (core/faq/data/topics_index.yaml) plus the labelled questions in
core/faq/data/training.jsonl ("ok": [] rows teach the off-topic class), and writes the
numpy arrays inference needs to core/faq/data/model.npz. scikit-learn is a build (dev)
dependency only: nothing here is imported when the bot runs.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from core.faq import embeddings, features, text
from core.faq.dataset import (
    DATA_DIR,
    INDEX_FILE,
    TRAINING_FILE,
    FaqDataError,
    ModelSettings,
    load_index,
    load_settings,
    load_training,
)
from core.faq.embeddings import load_embeddings, model_version
from core.faq.features import BLOCKS
from core.faq.model import MODEL_FILE, OFF_TOPIC, FaqModel, from_parts
from core.faq.neighbours import Neighbours
from core.knowledge import Knowledge, load_knowledge

Row = tuple[str, str]  # question, class ("" = off-topic)
NEAR_COPY = 85  # rapidfuzz token_sort_ratio from which a line counts as a copy of a question


def shipped_titles(knowledge: Knowledge) -> dict[str, str]:
    """The topics the artifact must know: every topic that is not a community one."""
    community = knowledge.community_phrasings()
    return {tid: t.title for tid, t in knowledge.topics.items() if tid not in community}


def data_hash(knowledge: Knowledge, data_dir: Path = DATA_DIR) -> str:
    """Everything the artifact depends on: data files, topic titles, settings, feature code."""
    digest = hashlib.sha256()
    for path in (data_dir / INDEX_FILE, data_dir / TRAINING_FILE):
        digest.update(path.read_bytes())
    digest.update(load_settings(data_dir).model.model_dump_json().encode())
    digest.update(json.dumps(shipped_titles(knowledge), sort_keys=True).encode())
    for module in (features, text, embeddings):
        digest.update(Path(str(module.__file__)).read_bytes())
    digest.update(model_version().encode())
    return digest.hexdigest()


def _key(question: str) -> tuple[str, ...]:
    return tuple(text.tokenize(question))


def training_rows(
    knowledge: Knowledge,
    data_dir: Path = DATA_DIR,
    *,
    without_sources: Collection[str] = (),
    without_questions: Collection[str] = (),
) -> list[Row]:
    """Titles, phrasings and labelled rows; the exclusions serve leave-one-author-out."""
    titles = shipped_titles(knowledge)
    index = load_index(data_dir).topics
    if set(index) != set(titles):
        raise FaqDataError(
            f"{data_dir / INDEX_FILE}: topics without phrasings {sorted(set(titles) - set(index))}"
            f", phrasings for unknown topics {sorted(set(index) - set(titles))}"
        )
    left_out = {_key(q) for q in without_questions}
    rows = [
        (question, topic)
        for topic, title in titles.items()
        for question in (title, *index[topic].questions)
        if _key(question) not in left_out
    ]
    for row in load_training(data_dir / TRAINING_FILE):
        unknown = set(row.ok) - set(titles)
        if unknown:
            raise FaqDataError(f"{data_dir / TRAINING_FILE}: unknown topics {sorted(unknown)}")
        if row.src not in without_sources and _key(row.q) not in left_out:
            # A question with two right answers teaches its first one.
            rows.append((row.q, row.ok[0] if row.ok else OFF_TOPIC))
    return rows


def fit_pipeline(rows: list[Row], settings: ModelSettings) -> Any:
    """scikit-learn's TF-IDF blocks (side by side) and logistic regression, fitted."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    labels = [label for _, label in rows]
    pipeline = make_pipeline(
        make_union(
            *(
                TfidfVectorizer(
                    analyzer=grams_of, sublinear_tf=True, min_df=min_df, dtype=np.float32
                )
                for grams_of, min_df in zip(BLOCKS, (1, settings.char_min_df), strict=True)
            )
        ),
        LogisticRegression(C=settings.c, max_iter=2000),
    )
    sizes = Counter(labels)
    weights = np.array([max(1.0, settings.min_class_rows / sizes[label]) for label in labels])
    pipeline.fit([q for q, _ in rows], labels, logisticregression__sample_weight=weights)
    return pipeline


def to_model(pipeline: Any, rows: list[Row], data_hash: str = "") -> FaqModel:
    """Keep only the arrays inference needs; `rows` become the neighbours (both kinds)."""
    union, classifier = pipeline[0], pipeline[-1]
    vectorizers = [vectorizer for _, vectorizer in union.transformer_list]
    by_column = union.transform([q for q, _ in rows]).tocsc()
    by_column.sort_indices()
    classes = [str(c) for c in classifier.classes_]
    neighbours = Neighbours.compact(
        starts=by_column.indptr,
        rows=by_column.indices,
        data=by_column.data,
        labels=[classes.index(label) for _, label in rows],
        blocks=len(BLOCKS),
    )
    return from_parts(
        classes=classes,
        vocabularies=[list(v.get_feature_names_out()) for v in vectorizers],
        idfs=[v.idf_ for v in vectorizers],
        coef=classifier.coef_.T,
        intercept=classifier.intercept_,
        neighbours=neighbours,
        embeddings=load_embeddings().embed([q for q, _ in rows]),
        data_hash=data_hash,
    )


def with_small_talk(rows: list[Row], settings: ModelSettings) -> list[Row]:
    """Every third row again, wrapped in a greeting and a thank-you (cycled, deterministic)."""
    wrapped = [
        (
            settings.greet_before[i % len(settings.greet_before)]
            + question
            + settings.thank_after[i % len(settings.thank_after)],
            label,
        )
        for i, (question, label) in enumerate(rows[::3])
    ]
    return rows + wrapped


def train(rows: list[Row], settings: ModelSettings, data_hash: str = "") -> FaqModel:
    taught = with_small_talk(rows, settings)
    return to_model(fit_pipeline(taught, settings), taught, data_hash)


def near_copies(texts: Sequence[str], questions: Sequence[str]) -> list[str]:
    """Texts within token_sort_ratio >= NEAR_COPY of one of `questions` (the set's own too)."""
    from rapidfuzz import fuzz, process

    if not texts or not questions:
        return []
    scores = process.cdist(texts, questions, scorer=fuzz.token_sort_ratio, workers=1)
    return [text for text, row in zip(texts, scores, strict=True) if row.max() >= NEAR_COPY]


def held_out_model(
    knowledge: Knowledge,
    questions: Sequence[str],
    *,
    source: str | None = None,
    data_dir: Path = DATA_DIR,
) -> FaqModel:
    """A model that never saw these questions: for scoring a set by an unseen author.

    Leaves out the set's own training rows (`source`) and every phrasing or row that nearly
    duplicates one of its questions, so a generic "how do i opt out" line that happens to
    match is not scored as understanding.
    """
    every = [q for q, _ in training_rows(knowledge, data_dir)]
    rows = training_rows(
        knowledge,
        data_dir,
        without_sources=() if source is None else (source,),
        without_questions=[*questions, *near_copies(every, questions)],
    )
    return train(rows, load_settings(data_dir).model)


def build(data_dir: Path = DATA_DIR, out: Path = MODEL_FILE) -> FaqModel:
    knowledge = load_knowledge()
    settings = load_settings(data_dir).model
    model = train(training_rows(knowledge, data_dir), settings, data_hash(knowledge, data_dir))
    model.save(out)
    return model


def main() -> None:
    model = build()
    print(f"{MODEL_FILE}: {len(model.classes)} classes, {model.size} features")


if __name__ == "__main__":
    main()
