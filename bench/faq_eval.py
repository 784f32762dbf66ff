"""Measure the FAQ engine: leave-one-author-out accuracy, latency, cold start and memory.

    .venv/bin/python bench/faq_eval.py                 # every fold, latency, cold start
    .venv/bin/python bench/faq_eval.py --sets blind2   # some folds only
    .venv/bin/python bench/faq_eval.py --no-startup    # skip the cold-start runs

Each labelled set was written by one author who never saw the engine or the other sets;
es_heldout and pt_heldout are in Spanish and Portuguese, the others in English, and each
language is also summed up against its own targets.
Its fold is scored by a model trained on everything else: its own rows leave the training
data, and so does every phrasing or row that nearly duplicates one of its questions
(core/faq/build.py held_out_model). Misses are reported as kinds only (answerable declined,
wrong topic, off-topic answered; by expected topic), never as questions, so what is learnt
from a fold is a kind of failure, not a phrase to add.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.faq_training_sync import LANGUAGE, TRAINING
from core.faq.build import held_out_model
from core.faq.engine import FaqEngine
from core.faq.factory import build_faq_engine, faq_engine_for
from core.knowledge import load_knowledge

TARGET_P99_MS = 5.0
TARGETS = {"en": (0.95, 0.90), "es": (0.90, 0.85), "pt": (0.90, 0.85)}  # top-1, declined
# Spanish and Portuguese questions written by this engine's own author (not in training, but
# in the same hand as the training rows): a check while editing, not a held-out figure.
# Written by an author who never saw the engine, kept out of training, and scored once at the
# end of round 10 before it was copied in (bench/README.md): printed by the shipped engine.
RUN_ONCE = {
    f"{language}_once4": Path(__file__).resolve().parent.parent
    / f"tests/data/faq/{language}_once4.jsonl"
    for language in ("en", "es", "pt")
}
DEV_SETS = {
    "es_dev": Path(__file__).resolve().parent.parent / "tests/data/faq/es_dev.jsonl",
    "pt_dev": Path(__file__).resolve().parent.parent / "tests/data/faq/pt_dev.jsonl",
}


@dataclass
class Score:
    answerable: int = 0
    right: int = 0
    off_topic: int = 0
    declined: int = 0
    kinds: Counter[str] = field(default_factory=Counter)

    @property
    def top1(self) -> float:
        return self.right / max(self.answerable, 1)

    @property
    def decline_rate(self) -> float:
        return self.declined / max(self.off_topic, 1)

    def add(self, other: Score) -> None:
        self.answerable += other.answerable
        self.right += other.right
        self.off_topic += other.off_topic
        self.declined += other.declined
        self.kinds.update(other.kinds)


def load_set(path: Path) -> list[tuple[str, list[str]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(row["q"], row["ok"]) for row in map(json.loads, filter(None, lines))]


def score(engine: FaqEngine, cases: list[tuple[str, list[str]]]) -> Score:
    s = Score()
    for question, ok in cases:
        topic = engine.match(question).topic
        if ok:
            s.answerable += 1
            s.right += topic in ok
            if topic is None:
                s.kinds[f"declined: {ok[0]}"] += 1
            elif topic not in ok:
                s.kinds[f"wrong topic: {ok[0]} -> {topic}"] += 1
        else:
            s.off_topic += 1
            s.declined += topic is None
            if topic is not None:
                s.kinds[f"off-topic answered as {topic}"] += 1
    return s


def row(name: str, s: Score) -> str:
    return (
        f"{name:<10} {s.top1:>7.1%} ({s.answerable:>4}) {s.decline_rate:>9.1%} ({s.off_topic:>3})"
    )


def latency(engine: FaqEngine, questions: list[str]) -> tuple[float, float]:
    for q in questions:  # warm: caches and the allocator
        engine.match(q)
    timings = []
    for q in questions:
        start = time.perf_counter()
        engine.match(q)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.99)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", choices=TRAINING, default=list(TRAINING))
    parser.add_argument("--no-startup", action="store_true")
    parser.add_argument("--kinds", type=int, default=8, help="failure kinds shown per fold")
    args = parser.parse_args()

    knowledge = load_knowledge()
    print("leave-one-author-out: each set scored by a model that never saw it")
    print(f"{'set':<10} {'top-1':>14} {'declined':>15}   most frequent failure kinds")
    totals: dict[str, Score] = {}
    every: list[str] = []
    for name in args.sets:
        cases = load_set(TRAINING[name])
        every.extend(q for q, _ in cases)
        model = held_out_model(knowledge, [q for q, _ in cases], source=name)
        s = score(faq_engine_for(knowledge, model), cases)
        totals.setdefault(LANGUAGE.get(name, "en"), Score()).add(s)
        kinds = "; ".join(f"{k} x{n}" for k, n in s.kinds.most_common(args.kinds))
        print(f"{row(name, s)}   {kinds}")
    print("per language (all its folds):")
    for language, total in totals.items():
        top1, declined = TARGETS[language]
        met = total.top1 >= top1 and total.decline_rate >= declined
        verdict = f"targets {top1:.0%} / {declined:.0%} {'met' if met else 'NOT met'}"
        print(f"{row(language, total)}   {verdict}")
    print("failure kinds over all folds:")
    kinds = [k for total in totals.values() for k in total.kinds.elements()]
    for kind, n in Counter(k.split(":")[0].split(" ->")[0] for k in kinds).most_common():
        print(f"  {kind}: {n}")

    shipped = build_faq_engine(knowledge)
    print("run-once sets, shipped engine (never in training; scored once in round 10):")
    for name, path in RUN_ONCE.items():
        top1, declined = TARGETS[name[:2]]
        s = score(shipped, load_set(path))
        met = s.top1 >= top1 and s.decline_rate >= declined
        print(f"{row(name, s)}   targets {top1:.0%} / {declined:.0%} {'met' if met else 'NOT met'}")
    print("own dev sets, shipped engine (same author as the training rows; not held out):")
    for name, path in DEV_SETS.items():
        print(row(name, score(shipped, load_set(path))))
    p50, p99 = latency(shipped, every)
    verdict = "met" if p99 <= TARGET_P99_MS else "NOT met"
    print(
        f"warm latency of the shipped engine: p50 {p50:.3f} ms, p99 {p99:.3f} ms "
        f"({verdict}, target {TARGET_P99_MS} ms)"
    )
    if not args.no_startup:
        # In a fresh interpreter: a child forked from this process (hundreds of MB after the
        # folds' training) would report this process's pages as its own peak RSS.
        subprocess.run([sys.executable, str(Path(__file__).with_name("startup.py"))], check=True)


if __name__ == "__main__":
    main()
