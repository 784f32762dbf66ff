"""Static word embeddings: the gist of a long message, where counting its words falls short.

The classifier and the TF-IDF neighbours weigh a message's words; in a long message the
story's words outnumber the question's, and a member who tells how their agency shares one
account before asking "is any of that used?" is matched on the story. The mean of static
word embeddings places such a message near the labelled questions it means, and that vote,
for long messages only, is what lifted the author who writes them (bench/README.md, round 8).

The model is wordllama's 256-dimension "l2_supercat" table (32,000 tokens, 16 MB of float16),
which ships inside wordllama's PyPI wheel. Its tokenizer is read here with `tokenizers`, its
table as below; `wordllama.WordLlama.load` is not used, because (0.4.0) it looks for the
tokenizer outside the wheel's folder and then downloads it, and nothing may be downloaded at
run time. The table stays in its file: a message reads only its own tokens' rows (512 bytes
each, one `pread` per token), so the process does not hold the 16 MB. Mapping the file
instead (safetensors' `safe_open`) cost 7 MB of RSS at the first long message, the pages the
kernel maps around each row read, and the mapped pages stay counted for the process's life.
The file's layout is safetensors' documented one (github.com/huggingface/safetensors,
"Format"): an 8-byte little-endian header length, a JSON header giving each tensor's dtype,
shape and byte offsets, then the data.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import json
import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np
from numpy.typing import NDArray

from core.faq.dataset import FaqDataError

if TYPE_CHECKING:
    from tokenizers import Tokenizer

PACKAGE = "wordllama"
_TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
_WEIGHTS = "weights/l2_supercat_256.safetensors"
_TABLE = "embedding.weight"

Embedded = NDArray[np.float32]  # (texts, dimensions), each row of unit length (or zero)


@dataclass(frozen=True, slots=True)
class TokenTable:
    """The float16 token vectors of a safetensors file, read row by row from the open file."""

    file: BinaryIO
    start: int  # file offset of row 0
    rows: int
    dimensions: int

    def read(self, tokens: Sequence[int]) -> NDArray[np.float16]:
        width = 2 * self.dimensions
        fd = self.file.fileno()
        data = b"".join(os.pread(fd, width, self.start + t * width) for t in tokens)
        return np.frombuffer(data, dtype="<f2").reshape(len(tokens), self.dimensions)


def open_token_table(path: Path, name: str) -> TokenTable:
    try:
        file = path.open("rb")
    except OSError as exc:
        raise FaqDataError(f"{path}: {exc}") from exc
    try:
        (length,) = struct.unpack("<Q", file.read(8))
        entry = json.loads(file.read(length))[name]
        rows, dimensions = entry["shape"]
        begin, end = entry["data_offsets"]
        if entry["dtype"] != "F16" or end - begin != 2 * rows * dimensions:
            raise ValueError(f"{name} is not a float16 matrix")
    except (struct.error, ValueError, KeyError, TypeError) as exc:
        file.close()
        raise FaqDataError(f"{path}: {exc}") from exc
    return TokenTable(file=file, start=8 + length + begin, rows=rows, dimensions=dimensions)


@dataclass(frozen=True, slots=True)
class StaticEmbeddings:
    tokenizer: Tokenizer
    table: TokenTable

    def embed(self, texts: Sequence[str]) -> Embedded:
        """Each text's mean token vector, scaled to unit length; a text with no token is 0."""
        out = np.zeros((len(texts), self.table.dimensions), dtype=np.float32)
        for i, text in enumerate(texts):
            # One `encode` per text, never `encode_batch`: the batch runs on tokenizers' own
            # thread pool, whose idle workers spin on the CPU the bot's event loop needs
            # (bench/load.py: 4.4 instead of 1.6 CPU ms per `ask`).
            encoding = self.tokenizer.encode(text, add_special_tokens=False)
            if encoding.ids:
                tokens, counts = np.unique(encoding.ids, return_counts=True)
                vectors = self.table.read(tokens.tolist())
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
    """The tokenizer and the open table from the installed wheel (0.1 s, once per process)."""
    from tokenizers import Tokenizer

    root = _package_dir()
    try:
        tokenizer = Tokenizer.from_file(str(root / _TOKENIZER))
    except Exception as exc:  # tokenizers raises its own Rust-side error type
        raise FaqDataError(f"{PACKAGE}'s tokenizer in {root}: {exc}") from exc
    table = open_token_table(root / _WEIGHTS, _TABLE)
    if tokenizer.get_vocab_size() > table.rows:
        raise FaqDataError(f"{PACKAGE}: {tokenizer.get_vocab_size()} tokens, {table.rows} rows")
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return StaticEmbeddings(tokenizer=tokenizer, table=table)
