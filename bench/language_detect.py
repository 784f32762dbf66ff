"""Compare offline language detectors on short chat messages: accuracy, import + load time, RSS.

    .venv/bin/pip install lingua-language-detector   # only for this comparison; not a dependency
    .venv/bin/python bench/language_detect.py

Each detector runs in a fresh interpreter (so import time and memory are its own), restricted to
English, Spanish and Portuguese, on tests/data/language/short_messages.jsonl. py3langid is
measured through core.language.detect, as the bot uses it (threshold included).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import json, resource, sys, time
rows = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
start = time.perf_counter()
if sys.argv[1] == "py3langid":
    from core.language import detect
    detect("warm up the model once")
else:
    from lingua import Language, LanguageDetectorBuilder
    names = {Language.ENGLISH: "en", Language.SPANISH: "es", Language.PORTUGUESE: "pt"}
    built = LanguageDetectorBuilder.from_languages(*names).build()
    def detect(text):
        found = built.detect_language_of(text)
        return names.get(found) if found else None
    detect("warm up the model once")
loaded = time.perf_counter() - start
start = time.perf_counter()
found = [(r["lang"], detect(r["text"])) for r in rows]
each = (time.perf_counter() - start) / len(rows)
print(json.dumps({
    "load_s": loaded, "per_message_ms": each * 1000,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "right": {l: sum(w == g == l for w, g in found) for l in ("en", "es", "pt")},
    "wrong": [[w, g] for w, g in found if g is not None and g != w],
    "undecided": sum(g is None for _, g in found),
}))
"""


def main() -> None:
    data = ROOT / "tests" / "data" / "language" / "short_messages.jsonl"
    for name in ("py3langid", "lingua"):
        run = subprocess.run(
            [sys.executable, "-c", PROBE, name, str(data)], capture_output=True, text=True, cwd=ROOT
        )
        if run.returncode:
            print(f"{name}: not measured ({run.stderr.strip().splitlines()[-1]})")
            continue
        print(name, json.loads(run.stdout))


if __name__ == "__main__":
    main()
