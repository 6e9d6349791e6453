"""Time the parser on documents: ``python -m kexie.docparse.bench FILE [FILE ...] [--runs N]``.

Prints size, p50 and p95 per file after a warm-up. A measurement tool, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import time

from kexie.docparse.readers import read_file
from kexie.docparse.parser import parse_text


def measure(text: str, runs: int) -> tuple[float, float]:
    for _ in range(3):
        parse_text(text)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        parse_text(text)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(0.95 * len(samples)) - 1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)
    print(f"{'file':40} {'bytes':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for path in args.files:
        text = read_file(path)
        p50, p95 = measure(text, args.runs)
        print(f"{path.rsplit('/', 1)[-1]:40} {len(text.encode('utf-8')):8d} {p50:8.1f} {p95:8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
