"""Cold start and memory of the CLI: `gigguard --help`, `gigguard ask`, console ready.

    .venv/bin/python bench/startup.py [--runs 5]

Each figure is the median of fresh processes: wall time (the target; it includes waiting for
a busy CPU) and CPU time (user + system, steadier on a shared machine), and the peak RSS of
`ask`, with a short question and with a long one (which also reads static embeddings).
Console ready = from launch until it answers a first "hi" on a piped stdin. Every console run
uses one SQLite database: the first run creates and migrates it, so the median is a start on
a database already at the schema head (what a restart does).

The project's own modules are byte-compiled first, as `pip install .` does for the image and
the systemd install (deploy/). Without that, an editable checkout run with
PYTHONDONTWRITEBYTECODE=1 (as deploy/ and some shells set it) compiles its ~130 modules from
source at every start, which no deployment does (measured: about 0.2 s of the console's CPU,
little of `ask`'s). `--from-source` measures that case (it deletes the project's __pycache__
folders first).
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GIGGUARD = Path(sys.executable).parent / "gigguard"
ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "core", "adapters")
TARGETS = {"--help": 0.5, "ask": 1.0, "ask, long": 1.0, "console ready": 1.5}  # idle 2 cores
# A long message also reads static embeddings (core/faq/embeddings.py): the larger process.
LONG_QUESTION = (
    "so i have been on upwork for six years and my clients send me their files through the "
    "message threads, is any of that going to be used for their ai now"
)
RSS_TARGET_MB = 120


def _run(args: list[str], env: dict[str, str], stdin: str = "") -> tuple[float, float, float]:
    """Wall seconds until the first output line, CPU seconds and peak RSS (MB) of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(GIGGUARD), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(stdin)
    proc.stdin.flush()
    proc.stdout.readline()
    ready = time.perf_counter() - start
    proc.stdin.close()
    proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.exit(f"gigguard {' '.join(args)} exited {proc.returncode}")
    return ready, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def measure(runs: int) -> dict[str, tuple[float, float, float]]:
    figures: dict[str, tuple[float, float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = os.environ | {"GIGGUARD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/bench.db"}
        cases = {
            "--help": (["--help"], ""),
            "ask": (["ask", "how do i opt out of upwork ai training"], ""),
            "ask, long": (["ask", LONG_QUESTION], ""),
            "console ready": (["console"], "hi\n"),
        }
        for name, (args, stdin) in cases.items():
            samples = [_run(args, env, stdin) for _ in range(runs)]
            figures[name] = tuple(statistics.median(s[i] for s in samples) for i in range(3))  # type: ignore[assignment]
    return figures


def prepare_bytecode(*, compiled: bool) -> None:
    """Write the bytecode of the project's packages (stale files are rewritten), or delete it."""
    for package in PACKAGES:
        if compiled:
            compileall.compile_dir(ROOT / package, quiet=1)
        else:
            for cache in (ROOT / package).rglob("__pycache__"):
                shutil.rmtree(cache)


def report(runs: int = 5, *, compiled: bool = True) -> None:
    prepare_bytecode(compiled=compiled)
    before = os.getloadavg()[0]
    figures = measure(runs)
    after = os.getloadavg()[0]
    bytecode = "compiled first" if compiled else "deleted first"
    print(
        f"cold start, median of {runs} (load average {before:.1f} before, {after:.1f} after, "
        f"on {os.cpu_count()} CPUs; project bytecode {bytecode}):"
    )
    for name, (wall, cpu, rss) in figures.items():
        verdict = "met" if wall <= TARGETS[name] else "NOT met"
        print(
            f"  {name:<14} {wall:5.2f} s wall ({verdict}, target {TARGETS[name]} s), "
            f"{cpu:5.2f} s CPU, {rss:4.0f} MB RSS"
        )
    rss = max(figures["ask"][2], figures["ask, long"][2])
    print(
        f"  RSS of ask (the larger of the two): {rss:.0f} MB "
        f"({'met' if rss <= RSS_TARGET_MB else 'NOT met'}, target {RSS_TARGET_MB} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--from-source", action="store_true", help="delete the project's bytecode first"
    )
    args = parser.parse_args()
    report(args.runs, compiled=not args.from_source)


if __name__ == "__main__":
    main()
