"""The committed FAQ model: current with its data, scored by numpy exactly as scikit-learn does."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core.faq.build import data_hash, fit_pipeline, to_model, training_rows
from core.faq.dataset import DATA_DIR, FaqDataError, load_settings
from core.faq.factory import build_faq_engine
from core.faq.model import load_model
from core.knowledge import load_knowledge

QUESTIONS = [
    "how do I opt out of upwork ai training",
    "is teh opt out retroactiv",
    "what is upwork's fee",
    "NDA & AI-training?",
    "zzz",
]


def test_the_committed_model_is_built_from_the_current_data() -> None:
    assert load_model().data_hash == data_hash(load_knowledge()), (
        "core/faq/data changed since model.npz was built: run `gigguard faq build` and commit it"
    )


def test_editing_a_phrasing_makes_the_model_stale(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    index = data / "topics_index.yaml"
    index.write_text(index.read_text().replace("tldr of the", "tl;dr of the"))
    assert data_hash(load_knowledge(), data) != load_model().data_hash


def _rows() -> list[tuple[str, str]]:
    # Titles and index phrasings plus every 4th labelled row: quicker to fit, every class.
    rows = training_rows(load_knowledge())
    return rows[:700] + rows[700::4]


@pytest.fixture(scope="module")
def pipeline() -> Any:
    return fit_pipeline(_rows(), load_settings().model)


def test_numpy_scoring_matches_scikit_learn(pipeline: Any) -> None:
    model = to_model(pipeline, _rows())
    assert list(model.classes) == list(pipeline.classes_)
    expected = pipeline.predict_proba(QUESTIONS)
    found = np.array([model.probabilities(model.vectorize(q)) for q in QUESTIONS])
    np.testing.assert_allclose(found, expected, atol=1e-4)


def test_a_saved_model_loads_back_the_same(pipeline: Any, tmp_path: Path) -> None:
    model = to_model(pipeline, _rows(), data_hash="abc")
    model.save(tmp_path / "m.npz")
    loaded = load_model(tmp_path / "m.npz")
    assert loaded.data_hash == "abc" and loaded.classes == model.classes
    for q in QUESTIONS:
        np.testing.assert_allclose(
            loaded.probabilities(loaded.vectorize(q)), model.probabilities(model.vectorize(q))
        )


def test_a_missing_model_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(FaqDataError, match="gigguard faq build"):
        build_faq_engine(load_knowledge(), tmp_path / "nothing.npz")


def test_engines_share_one_loaded_model_until_the_file_changes(
    pipeline: Any, tmp_path: Path
) -> None:
    path = tmp_path / "m.npz"
    to_model(pipeline, _rows(), data_hash="first").save(path)
    first = load_model(path)
    assert load_model(path) is first  # a knowledge reload holds no second copy
    to_model(pipeline, _rows(), data_hash="second").save(path)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert load_model(path).data_hash == "second"
