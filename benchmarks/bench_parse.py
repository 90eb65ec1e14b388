"""Letters per second of ``imr_llm.parse`` in-process, and CLI start-up over bare Python.

Prints ratios against the targets rather than asserting: run it, read it.
    python benchmarks/bench_parse.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

import imr_llm

ROOT = Path(__file__).resolve().parent.parent
LETTERS = sorted((ROOT / "examples" / "letters").glob("*.txt"))
# The samples have no header block and one layout; these have both, and the other layouts.
REAL_AND_LAYOUTS = [
    *sorted((ROOT / "tests" / "data" / "letters" / "txt").glob("*.txt")),
    *sorted((ROOT / "tests" / "data" / "layouts").glob("*.txt")),
]
TARGET_LETTERS_PER_SECOND = 5000
TARGET_STARTUP_OVERHEAD_S = 0.35


def letters_per_second(letters: list[Path] = LETTERS, rounds: int = 100, repeats: int = 7) -> float:
    """Best of several timed runs, as timeit does: virtual CPUs here vary by a third."""
    texts = [p.read_text(encoding="utf-8") for p in letters]
    for text in texts:  # warm up: compile regexes, import lazily loaded modules
        imr_llm.parse(text)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(rounds):
            for text in texts:
                imr_llm.parse(text)
        best = min(best, time.perf_counter() - start)
    return rounds * len(texts) / best


def stages(rounds: int = 60, repeats: int = 7) -> dict[str, float]:
    """Microseconds per letter in each stage of ``parse``, timed inside the pipeline.

    Where the time goes, so the next speed-up starts in the right place. Stages timed
    one at a time run faster than this (their code and data stay in the CPU's caches),
    so they are timed in turn for each letter, as ``parse`` runs them.
    """
    from imr_llm.explain import explain_draft
    from imr_llm.normalize import normalize
    from imr_llm.pipeline import load
    from imr_llm.rules import draft_normalized
    from imr_llm.schema import Determination

    texts = [p.read_text(encoding="utf-8") for p in LETTERS]
    names = ("read + normalize", "rules", "facts, reasons, explanations", "validation")
    best = dict.fromkeys(names, float("inf"))
    for r in range(repeats):
        spent = dict.fromkeys(names, 0.0)
        for text in [t + " " * (r % 2) for _ in range(rounds) for t in texts]:
            t0 = time.perf_counter()
            raw = load(text)
            normalized = normalize(raw.text)
            t1 = time.perf_counter()
            draft = draft_normalized(normalized.text, sha256=raw.sha256)
            t2 = time.perf_counter()
            explain_draft(draft)
            t3 = time.perf_counter()
            Determination.model_validate(draft)
            t4 = time.perf_counter()
            for name, seconds in zip(names, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                spent[name] += seconds
        best = {name: min(best[name], spent[name]) for name in names}
    return {name: seconds / (rounds * len(texts)) * 1e6 for name, seconds in best.items()}


def machine_seconds(repeats: int = 5) -> float:
    """Seconds this machine takes for ten million iterations of a plain Python loop: read
    the letters-per-second figure against it when comparing machines."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.perf_counter() - start)
    return best


def scaling() -> tuple[float, float]:
    """Seconds for one input of 100 and of 400 concatenated 21-item letters (linear: ~4x)."""
    letter = (ROOT / "tests" / "data" / "letters" / "txt" / "CM16-0248698.txt").read_text()
    times = []
    for copies in (100, 400):
        start = time.perf_counter()
        imr_llm.parse(letter * copies)
        times.append(time.perf_counter() - start)
    return times[0], times[1]


def hostile_scaling() -> tuple[float, float]:
    """Seconds for 0.5 and 2 MB of outcome markers that no item headings follow (linear: ~4x).

    Text built to make a parser look at the rest of the letter once per marker.
    """
    times = []
    for copies in (20_000, 80_000):
        text = "IMR ISSUES, DECISIONS AND RATIONALES\n" + "Physical therapy: Upheld x\n" * copies
        start = time.perf_counter()
        imr_llm.parse(text)
        times.append(time.perf_counter() - start)
    return times[0], times[1]


def _timed(cmd: list[str], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def startup_overhead() -> float:
    bare = _timed([sys.executable, "-c", "pass"])
    cli = _timed([sys.executable, "-m", "imr_llm.cli", "parse", str(LETTERS[0])])
    return cli - bare


def main() -> None:
    rate = letters_per_second()
    print(
        f"parse: {rate:,.0f} letters/s on one core "
        f"({rate / TARGET_LETTERS_PER_SECOND:.2f}x the {TARGET_LETTERS_PER_SECOND:,}/s target)"
    )
    real = letters_per_second(REAL_AND_LAYOUTS, rounds=10)
    print(f"  the 49 real letters and 3 other layouts: {real:,.0f} letters/s (no target)")
    loop = machine_seconds()
    print(f"  this machine runs 10 million iterations of a Python loop in {loop:.2f} s")
    for stage, micros in stages().items():
        print(f"  {stage}: {micros:,.0f} us a letter")
    small, large = scaling()
    print(
        f"one huge input: 2,100 items in {small:.2f} s, 8,400 items in {large:.2f} s "
        f"({large / small:.1f}x for 4x the text)"
    )
    small, large = hostile_scaling()
    print(
        f"outcome markers with no items: 0.5 MB in {small:.2f} s, 2 MB in {large:.2f} s "
        f"({large / small:.1f}x for 4x the text)"
    )
    overhead = startup_overhead()
    print(
        f"imr-llm parse start-up: {overhead:.3f} s over bare python "
        f"({overhead / TARGET_STARTUP_OVERHEAD_S:.2f}x the {TARGET_STARTUP_OVERHEAD_S} s budget)"
    )


if __name__ == "__main__":
    main()
