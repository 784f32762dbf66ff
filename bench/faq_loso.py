"""Leave-one-set-out: the honest estimate of the learned engine on questions it never saw.

    .venv/bin/python bench/faq_loso.py

For each labelled set, the classifier is trained without that set and without every index
line or training row that nearly duplicates one of its questions, then scored on it. The
lexical engine is scored on the same set with the same index lines left out ("unseen").
Its lexicon was tuned on faq_dev, tune, tune2 and blind, so only holdout and blind2 are fair
for it; the classifier inherits that lexicon as features, so the same caveat applies to it.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz import fuzz, process

from bench.faq_eval import NEAR_DUPLICATE, Example, evaluate, load_set, row
from bench.faq_training_sync import TRAINING
from core.faq.factory import build_faq_engine, build_lexical_engine
from core.faq.lexicon import load_faq_data
from core.knowledge import load_knowledge


def near_copies(texts: list[str], examples: list[Example]) -> list[str]:
    """Texts that nearly duplicate a question of the set (the set's own rows included)."""
    questions = [ex.question for ex in examples]
    scores = process.cdist(texts, questions, scorer=fuzz.token_sort_ratio, workers=1)
    return [text for text, s in zip(texts, scores, strict=True) if s.max() >= NEAR_DUPLICATE]


def main() -> None:
    knowledge = load_knowledge()
    data = load_faq_data()
    texts = [q for t in data.index.topics.values() for q in t.questions]
    texts += [r.q for r in data.training]
    print(f"{'held-out set':<16} {'top-1':>13} {'declined':>15} {'p50 ms':>7} {'p99 ms':>7}")
    for name, path in TRAINING.items():
        examples = load_set(path)
        left_out = near_copies(texts, examples)
        lexical = build_lexical_engine(knowledge, exclude=left_out)
        print(row(f"{name} lexical", evaluate(lexical, examples, repeats=1)))
        learned = build_faq_engine(knowledge, exclude=[*left_out, *(e.question for e in examples)])
        print(row(f"{name} learned", evaluate(learned, examples, repeats=1)))


if __name__ == "__main__":
    main()
