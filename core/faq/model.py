"""The trained FAQ model as plain numpy arrays: load in milliseconds, score without scikit-learn.

The artifact (core/faq/data/model.npz, written by `gigguard faq build`) holds, per feature
block, its vocabulary and idf; the logistic regression's coefficients and intercepts; the
class names ("" is off-topic); the training questions' vectors with their classes, and
their static embeddings (core/faq/embeddings.py), for the neighbours' votes; and the hash
of the data it was built from. Scoring repeats
what scikit-learn's TfidfVectorizer(sublinear_tf=True) and LogisticRegression do, and a
test checks both give the same probabilities.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from core.faq.dataset import DATA_DIR, FaqDataError
from core.faq.features import BLOCKS
from core.faq.neighbours import Neighbours, Sparse

MODEL_FILE = DATA_DIR / "model.npz"
OFF_TOPIC = ""  # the class of questions to decline; topic ids are never empty
FORMAT = 3
_NEIGHBOUR_ARRAYS = ("starts", "rows", "data", "labels")

Vector = NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Block:
    """One TF-IDF block: its n-grams in sorted order (a gram's column is its position, as in
    scikit-learn's vocabulary) and their idf weights.

    The grams are ASCII (text.tokenize keeps [a-z0-9]), so they are held as one numpy bytes
    array (1 MB) and found by binary search: a dict of the 50,000 str keys of round 9 cost 11
    MB of the process's memory (bench/README.md, round 10)."""

    grams: NDArray[np.bytes_]
    idf: Vector
    offset: int  # where its columns start in the coefficient matrix

    def counted(self, grams: Sequence[str]) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
        """The columns of the text's grams that are in the vocabulary, and how often each is."""
        counts = Counter(grams)
        if not counts or not len(self.grams):
            return np.zeros(0, np.intp), np.zeros(0)
        keys = np.array([gram.encode() for gram in counts])
        found = np.searchsorted(self.grams, keys).clip(max=len(self.grams) - 1)
        known = self.grams[found] == keys
        return found[known], np.fromiter(counts.values(), np.float64, len(counts))[known]


@dataclass(frozen=True, slots=True)
class FaqModel:
    classes: tuple[str, ...]
    blocks: tuple[Block, ...]
    coef: NDArray[np.float32]  # (features, classes)
    intercept: Vector  # (classes,)
    neighbours: Neighbours  # the training questions
    # (training questions, dimensions), unit rows: float16 on disk, float32 here, where
    # numpy's matrix product is fifteen times faster (2.5 vs 0.17 ms for 8,000 rows)
    embeddings: NDArray[np.float32]
    data_hash: str

    @property
    def size(self) -> int:
        return int(self.coef.shape[0])

    def vectorize(self, text: str) -> Sparse:
        """Each block's sublinear tf * idf, L2-normalised within the block."""
        columns: list[NDArray[np.intp]] = []
        values: list[NDArray[np.floating[Any]]] = []
        for block, grams_of in zip(self.blocks, BLOCKS, strict=True):
            found, counts = block.counted(grams_of(text))
            weights = (1 + np.log(counts)) * block.idf[found]
            norm = float(np.sqrt(weights @ weights))
            if norm:
                columns.append(block.offset + found)
                values.append(weights / norm)
        if not columns:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        joined = np.concatenate(columns).astype(np.int64, copy=False)
        return joined, np.concatenate(values).astype(np.float32)

    def probabilities(self, vector: Sparse) -> NDArray[np.float64]:
        columns, values = vector
        z = values @ self.coef[columns] + self.intercept
        z = z.astype(np.float64) - z.max()
        e = np.exp(z)
        out: NDArray[np.float64] = e / e.sum()
        return out

    def save(self, path: Path) -> None:
        meta = {
            "format": FORMAT,
            "classes": list(self.classes),
            "data_hash": self.data_hash,
            "blocks": len(self.blocks),
        }
        arrays: dict[str, Any] = {
            "meta": np.array(json.dumps(meta)),
            "coef": self.coef,
            "intercept": self.intercept,
            "embeddings": self.embeddings.astype(np.float16),
        }
        for name in _NEIGHBOUR_ARRAYS:
            arrays[f"neighbours_{name}"] = getattr(self.neighbours, name)
        for i, block in enumerate(self.blocks):
            arrays[f"vocab{i}"] = np.array("\n".join(g.decode() for g in block.grams))
            arrays[f"idf{i}"] = block.idf
        with path.open("wb") as out:
            np.savez_compressed(out, **arrays)


def from_parts(
    *,
    classes: Sequence[str],
    vocabularies: Sequence[Sequence[str]],
    idfs: Sequence[Vector],
    coef: NDArray[np.float32],
    intercept: Vector,
    neighbours: Neighbours,
    embeddings: NDArray[np.floating[Any]],
    data_hash: str,
) -> FaqModel:
    blocks: list[Block] = []
    offset = 0
    for vocabulary, idf in zip(vocabularies, idfs, strict=True):
        grams = np.array([gram.encode("ascii") for gram in vocabulary], dtype=np.bytes_)
        if len(grams) > 1 and not (grams[:-1] < grams[1:]).all():
            raise FaqDataError("model: a vocabulary is not in sorted order")
        blocks.append(Block(grams=grams, idf=idf.astype(np.float32), offset=offset))
        offset += len(vocabulary)
    if offset != coef.shape[0] or len(classes) != coef.shape[1]:
        raise FaqDataError(f"model: {coef.shape} coefficients for {offset} features")
    if embeddings.shape[0] != len(neighbours.labels):
        raise FaqDataError(
            f"model: {embeddings.shape[0]} embeddings for {len(neighbours.labels)} rows"
        )
    return FaqModel(
        classes=tuple(classes),
        blocks=tuple(blocks),
        coef=coef.astype(np.float32),
        intercept=intercept.astype(np.float32),
        neighbours=neighbours,
        embeddings=embeddings.astype(np.float32, copy=False),
        data_hash=data_hash,
    )


def load_model(path: Path = MODEL_FILE) -> FaqModel:
    """The committed artifact; a missing or foreign file says how to rebuild it.

    Loaded once per process while the file is unchanged: a knowledge reload builds a new
    engine around the same model instead of holding a second copy (tens of MB) beside the
    one still serving. The model is never modified after loading.
    """
    try:
        modified = path.stat().st_mtime_ns
    except OSError as exc:
        raise FaqDataError(f"{path}: {exc}; run `gigguard faq build`") from exc
    return _load_model(path, modified)


@functools.lru_cache(maxsize=1)
def _load_model(path: Path, modified: int) -> FaqModel:
    try:
        with np.load(path, allow_pickle=False) as npz:
            meta = json.loads(str(npz["meta"]))
            if meta.get("format") != FORMAT or meta.get("blocks") != len(BLOCKS):
                raise FaqDataError(f"{path}: unknown model format; run `gigguard faq build`")
            vocabularies = [str(npz[f"vocab{i}"]).split("\n") for i in range(len(BLOCKS))]
            return from_parts(
                classes=meta["classes"],
                vocabularies=vocabularies,
                idfs=[npz[f"idf{i}"] for i in range(len(BLOCKS))],
                coef=npz["coef"],
                intercept=npz["intercept"],
                neighbours=Neighbours(
                    **{name: npz[f"neighbours_{name}"] for name in _NEIGHBOUR_ARRAYS},
                    blocks=len(BLOCKS),
                ),
                embeddings=npz["embeddings"],
                data_hash=meta["data_hash"],
            )
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise FaqDataError(f"{path}: {exc}; run `gigguard faq build`") from exc
