"""Copy the labelled eval sets into core/faq/data/training.jsonl, the learned engine's rows.

    .venv/bin/python bench/faq_training_sync.py

`gigguard faq build` trains on the index phrasings and on this file: hand-written rows
(`src: written`, or `written-es` / `written-pt` in Spanish / Portuguese, kept as they are)
plus every row of the sets named in TRAINING, tagged with its set so bench/faq_eval.py can
leave one author's set out. Rebuild the model afterwards.
A run-once set is scored once, by the final engine of its round, and joins training in a
later round, when a new run-once set (never read here) takes its place (bench/README.md).
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRAINING_FILE = ROOT / "core/faq/data/training.jsonl"
TRAINING = {
    "faq_dev": Path("/work/shared/faq/faq_dev.jsonl"),
    "tune": ROOT / "tests/data/faq/tune.jsonl",
    "tune2": ROOT / "tests/data/faq/tune2.jsonl",
    "holdout": ROOT / "tests/data/faq/holdout.jsonl",
    "blind": ROOT / "tests/data/faq/blind.jsonl",
    "blind2": ROOT / "tests/data/faq/blind2.jsonl",
    "blind3": ROOT / "tests/data/faq/blind3.jsonl",
    "authorA": ROOT / "tests/data/faq/authorA.jsonl",
    "authorB": ROOT / "tests/data/faq/authorB.jsonl",
    "authorC": ROOT / "tests/data/faq/authorC.jsonl",
    # Written in Spanish and Portuguese by an author who never saw the engine (issue 15).
    "es_heldout": ROOT / "tests/data/faq/es_heldout.jsonl",
    "pt_heldout": ROOT / "tests/data/faq/pt_heldout.jsonl",
    # The run-once sets of rounds 6-9, each scored once at the end of its round (rounds 9, 10).
    "final_once": ROOT / "tests/data/faq/final_once.jsonl",
    **{
        f"{language}_once{suffix}": ROOT / f"tests/data/faq/{language}_once{suffix}.jsonl"
        for suffix in ("", "2", "3")
        for language in ("en", "es", "pt")
    },
    # Round 9: a new author, weighted to terse fragments and hard near-misses.
    "authorD": ROOT / "tests/data/faq/authorD.jsonl",
    "authorD_es": ROOT / "tests/data/faq/authorD_es.jsonl",
    "authorD_pt": ROOT / "tests/data/faq/authorD_pt.jsonl",
    # Round 10: a new author, weighted to long messages whose story comes before the question,
    # questions that describe a thing instead of naming it, and hard near-misses.
    "authorE": ROOT / "tests/data/faq/authorE.jsonl",
    "authorE_es": ROOT / "tests/data/faq/authorE_es.jsonl",
    "authorE_pt": ROOT / "tests/data/faq/authorE_pt.jsonl",
}
LANGUAGE = {  # every other set is in English
    **{
        name: "es"
        for name in ("es_heldout", "es_once", "es_once2", "es_once3", "authorD_es", "authorE_es")
    },
    **{
        name: "pt"
        for name in ("pt_heldout", "pt_once", "pt_once2", "pt_once3", "authorD_pt", "authorE_pt")
    },
}
WRITTEN = "written"


def _rows(path: Path) -> list[dict[str, object]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def main() -> None:
    rows = [r for r in _rows(TRAINING_FILE) if str(r.get("src", WRITTEN)).startswith(WRITTEN)]
    for row in rows:
        row.setdefault("src", WRITTEN)
    for name, path in TRAINING.items():
        rows.extend({"q": r["q"], "ok": r["ok"], "src": name} for r in _rows(path))
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    TRAINING_FILE.write_text(text, encoding="utf-8")
    print(f"{len(rows)} rows written to {TRAINING_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
