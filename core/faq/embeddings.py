"""Static word embeddings: the gist of a long message, where counting its words falls short.

The classifier and the TF-IDF neighbours weigh a message's words; in a long message the
story's words outnumber the question's, and a member who tells how their agency shares one
account before asking "is any of that used?" is matched on the story. The mean of static
word embeddings places such a message near the labelled questions it means, and that vote,
for long messages only, is what lifted the author who writes them (bench/README.md, round 8).

The model is wordllama's 256-dimension "l2_supercat" table (32,000 tokens, 16 MB of float16),
which ships inside wordllama's PyPI wheel. Its two files are read here with `tokenizers` and
`safetensors`; `wordllama.WordLlama.load` is not used, because (0.4.0) it looks for the
tokenizer outside the wheel's folder and then downloads it, and nothing may be downloaded at
run time. The table stays in its file (safetensors maps it): a message reads only its own
tokens' rows, so the process does not hold the 16 MB.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from core.faq.dataset import FaqDataError

if TYPE_CHECKING:
    from safetensors import safe_open
    from tokenizers import Tokenizer

PACKAGE = "wordllama"
_TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
_WEIGHTS = "weights/l2_supercat_256.safetensors"
_TABLE = "embedding.weight"

Embedded = NDArray[np.float32]  # (texts, dimensions), each row of unit length (or zero)


@dataclass(frozen=True, slots=True)
class StaticEmbeddings:
    tokenizer: Tokenizer
    table: safe_open  # the mapped file; rows are read by slice
    dimensions: int

    def embed(self, texts: Sequence[str]) -> Embedded:
        """Each text's mean token vector, scaled to unit length; a text with no token is 0."""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        rows = self.table.get_slice(_TABLE)
        for i, text in enumerate(texts):
            # One `encode` per text, never `encode_batch`: the batch runs on tokenizers' own
            # thread pool, whose idle workers spin on the CPU the bot's event loop needs
            # (bench/load.py: 4.4 instead of 1.6 CPU ms per `ask`).
            encoding = self.tokenizer.encode(text, add_special_tokens=False)
            if encoding.ids:
                tokens, counts = np.unique(encoding.ids, return_counts=True)
                vectors = np.concatenate([rows[t : t + 1] for t in tokens.tolist()])
                mean = counts.astype(np.float32) @ vectors.astype(np.float32)
                out[i] = mean / max(float(np.linalg.norm(mean)), 1e-9)
        return out


def model_version() -> str:
    """What the artifact's row embeddings depend on: part of the data hash."""
    return f"{PACKAGE} {importlib.metadata.version(PACKAGE)} {_WEIGHTS}"


def _package_dir() -> Path:
    # find_spec locates the package without running its __init__ (which imports requests).
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FaqDataError(f"{PACKAGE} is not installed: run `make install`")
    return Path(next(iter(spec.submodule_search_locations)))


@functools.cache
def load_embeddings() -> StaticEmbeddings:
    """The tokenizer and the mapped table from the installed wheel (0.1 s, once per process)."""
    from safetensors import safe_open
    from tokenizers import Tokenizer

    root = _package_dir()
    try:
        tokenizer = Tokenizer.from_file(str(root / _TOKENIZER))
        table = safe_open(str(root / _WEIGHTS), framework="numpy")
        _, dimensions = table.get_slice(_TABLE).get_shape()
    except Exception as exc:  # safetensors raises its own Rust-side error types
        raise FaqDataError(f"{PACKAGE}'s model files in {root}: {exc}") from exc
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return StaticEmbeddings(tokenizer=tokenizer, table=table, dimensions=dimensions)
