"""The FAQ engine over the shipped model with some of its settings changed."""

from __future__ import annotations

from core.faq.classifier import ClassifierFaqEngine
from core.faq.dataset import load_settings
from core.faq.embeddings import load_embeddings
from core.faq.model import load_model


def engine_with(**settings: float) -> ClassifierFaqEngine:
    return ClassifierFaqEngine(
        model=load_model(),
        settings=load_settings().model_copy(update=settings),
        embeddings=load_embeddings(),
    )
