"""summarize_many throughput against a local stand-in server with fixed latency.

Side by side with a bare async HTTP client (httpx2, what openai runs on) sending
the same request bodies at the same concurrency to the same server: the
practical limit. Also the library's CPU time per letter, excluding the wait.
The stand-in (imr_llm.testing) runs in its own process on 127.0.0.1, so its
threads do not compete with the client for the GIL.

    python benchmarks/bench_llm.py [--letters 160] [--latency 0.2]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx2

import imr_llm
from imr_llm import Settings
from imr_llm.batch import prepare

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "examples" / "letters").glob("*.txt"))
SERVER = (
    "import sys, time; from imr_llm.testing import StandInServer\n"
    "s = StandInServer('cooperative', latency=float(sys.argv[1])); s.__enter__()\n"
    "print(s.base_url, flush=True)\n"
    "time.sleep(3600)\n"
)


def start_server(latency: float) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(latency)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def library_run(letters: list[Path], concurrency: int, settings: Settings) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    results = imr_llm.summarize_many(letters, concurrency=concurrency, settings=settings)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert all(isinstance(r, imr_llm.Determination) and r.method == "llm" for r in results)
    return len(letters) / wall, cpu / len(letters)


async def _bare(base_url: str, bodies: list[dict[str, Any]], concurrency: int) -> None:
    gate = asyncio.Semaphore(concurrency)
    async with httpx2.AsyncClient(base_url=base_url, timeout=30) as client:

        async def one(body: dict[str, Any]) -> None:
            async with gate:
                response = await client.post("/chat/completions", json=body)
                response.raise_for_status()
                response.json()

        await asyncio.gather(*(one(b) for b in bodies))


def bare_run(base_url: str, bodies: list[dict[str, Any]], concurrency: int) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    asyncio.run(_bare(base_url, bodies, concurrency))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return len(bodies) / wall, cpu / len(bodies)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=160)
    parser.add_argument("--latency", type=float, default=0.2)
    args = parser.parse_args()
    proc, base_url = start_server(args.latency)
    try:
        settings = Settings(base_url=base_url, model="stand-in", cache=False, timeout=30)
        imr_llm.summarize(SAMPLES[0], settings=settings)  # warm-up: imports, regexes, textstat
        print(f"stand-in latency {args.latency * 1000:.0f} ms, {base_url}")
        print(
            f"{'concurrency':>11} {'letters':>7} {'library/s':>10} {'bare/s':>8} {'ratio':>6} "
            f"{'lib CPU ms/letter':>18} {'bare CPU ms/req':>16}"
        )
        for concurrency in (1, 4, 16, 64):
            count = args.letters if concurrency > 1 else min(args.letters, 20)
            letters = [SAMPLES[i % len(SAMPLES)] for i in range(count)]
            bodies, _, _ = prepare(letters, settings)
            bodies = [b["body"] for b in bodies]
            lib_rate, lib_cpu = library_run(letters, concurrency, settings)
            bare_rate, bare_cpu = bare_run(base_url, bodies, concurrency)
            print(
                f"{concurrency:>11} {count:>7} {lib_rate:>10.1f} {bare_rate:>8.1f} "
                f"{lib_rate / bare_rate:>6.2f} {lib_cpu * 1000:>18.2f} {bare_cpu * 1000:>16.2f}"
            )
    finally:
        proc.terminate()


if __name__ == "__main__":
    main()
