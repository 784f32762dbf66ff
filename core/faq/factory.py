"""Load the production FAQ engine: the committed model plus the knowledge's community topics."""

from __future__ import annotations

import functools
from pathlib import Path

from core.faq.classifier import ClassifierFaqEngine
from core.faq.dataset import DATA_DIR, FaqDataError, load_settings
from core.faq.embeddings import load_embeddings
from core.faq.model import MODEL_FILE, OFF_TOPIC, FaqModel, load_model
from core.knowledge import Knowledge


def faq_engine_for(
    knowledge: Knowledge, model: FaqModel, data_dir: Path = DATA_DIR
) -> ClassifierFaqEngine:
    """The engine for `model`; every topic of `knowledge` must be answerable by one side.

    A shipped topic the model was not built with is an error (rebuild), not a topic that
    silently can never be found; community topics are found through their phrasings.
    """
    community = knowledge.community_phrasings()
    missing = set(knowledge.topics) - set(community) - set(model.classes)
    if missing:
        raise FaqDataError(
            f"the FAQ model lacks topics {sorted(missing)}: run `gigguard faq build`"
        )
    phrasings = {
        tid: [knowledge.topics[tid].title, *questions] for tid, questions in community.items()
    }
    return ClassifierFaqEngine(
        model=model,
        settings=load_settings(data_dir),
        embeddings=load_embeddings(),
        community=phrasings,
    )


@functools.cache
def _one_blas_thread() -> None:
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def build_faq_engine(knowledge: Knowledge, model_path: Path = MODEL_FILE) -> ClassifierFaqEngine:
    """Load the artifact (milliseconds; no training at start-up) and add community topics.

    Also keeps numpy's BLAS to one thread in this process: its one matrix product (the
    embedding vote, 0.2 ms) gains nothing from a second thread, whose workers then spin
    on the CPU the event loop needs (bench/load.py: 4.1 instead of 1.9 CPU ms per `ask`).
    """
    _one_blas_thread()
    model = load_model(model_path)
    if OFF_TOPIC not in model.classes:
        raise FaqDataError(f"{model_path}: no off-topic class; run `gigguard faq build`")
    return faq_engine_for(knowledge, model)
