"""Static word embeddings: read from wordllama's wheel, and voting for long messages only."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from core.faq.classifier import ClassifierFaqEngine
from core.faq.dataset import FaqDataError, FaqSettings, load_settings
from core.faq.embeddings import load_embeddings, open_token_table
from tests.faq.engines import engine_with

LONG = (
    "so my agency has three people on one upwork account and last spring we pushed an entire "
    "client codebase through the message threads, is any of that going to end up in their model"
)
SHORT = "how do i opt out"


def test_texts_embed_to_unit_rows_and_a_paraphrase_is_nearer_than_another_subject() -> None:
    rows = load_embeddings().embed(
        [
            "how do I turn off AI training on upwork",
            "where do i disable the setting that lets upwork use my data for models",
            "what is the weather like in lisbon today",
        ]
    )
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    assert rows[0] @ rows[1] > rows[0] @ rows[2] + 0.2


def test_a_text_with_no_token_embeds_to_zero() -> None:
    assert not load_embeddings().embed([""]).any()


def test_the_model_is_read_from_the_wheel_without_running_wordllama() -> None:
    # wordllama's loader would download a tokenizer when it misses its own file; its package
    # (and requests, which it imports) must never be loaded.
    probe = (
        "import sys; from core.faq.embeddings import load_embeddings; "
        "load_embeddings().embed(['hello']); "
        "print(sorted({'wordllama', 'requests'} & {m.split('.')[0] for m in sys.modules}))"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def engines() -> tuple[ClassifierFaqEngine, ClassifierFaqEngine]:
    """Without and with the embedding vote, the rest as shipped."""
    return engine_with(embedding_vote_weight=0.0), engine_with(embedding_vote_weight=0.3)


def test_a_long_message_gets_the_embedding_vote(
    engines: tuple[ClassifierFaqEngine, ClassifierFaqEngine],
) -> None:
    without, with_vote = (engine.probabilities(LONG)[0] for engine in engines)
    assert np.isclose(with_vote.sum(), 1.0)
    assert not np.allclose(without, with_vote)


def test_a_short_message_is_scored_without_it(
    engines: tuple[ClassifierFaqEngine, ClassifierFaqEngine],
) -> None:
    without, with_vote = (engine.probabilities(SHORT)[0] for engine in engines)
    assert np.allclose(without, with_vote)


def test_votes_that_leave_the_classifier_nothing_are_refused() -> None:
    raw = load_settings().model_dump() | {"vote_weight": 0.5, "embedding_vote_weight": 0.5}
    with pytest.raises(ValidationError, match="must stay below 1"):
        FaqSettings.model_validate(raw)


def test_the_table_is_read_not_mapped() -> None:
    # A mapped table's pages, touched by each message's rows, stay counted in the process's
    # memory (7 MB after one long message); rows read with pread are not.
    probe = (
        "from core.faq.embeddings import load_embeddings; "
        f"load_embeddings().embed([{LONG!r}]); "
        "print(sum('.safetensors' in line for line in open('/proc/self/maps')))"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "0"


def test_a_table_that_is_not_float16_vectors_is_refused(tmp_path: Path) -> None:
    header = json.dumps(
        {"embedding.weight": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}
    )
    path = tmp_path / "table.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header.encode() + bytes(16))
    with pytest.raises(FaqDataError, match="not a float16 matrix"):
        open_token_table(path, "embedding.weight")
