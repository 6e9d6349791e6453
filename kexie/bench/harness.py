"""Timing a hot path against its baseline, interleaved, until the spread is small.

``compare(hot, baseline)`` warms both up, then alternates them (hot, baseline, hot, …) so that
whatever else the machine is doing falls on both alike. After each round it looks at the
interquartile range of each side relative to its median; it stops when both are within
``spread`` (and at least ``min_reps`` pairs ran), or at ``max_reps`` or ``max_seconds``.
"""

import statistics
import time
import tracemalloc
from collections.abc import Callable


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation between closest ranks."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(samples_s: list[float]) -> dict:
    """p50, p95, mean, min and the relative interquartile spread of timings in seconds, as ms."""
    ms = [s * 1000 for s in samples_s]
    p50 = percentile(ms, 50)
    return {"n": len(ms), "p50_ms": round(p50, 4), "p95_ms": round(percentile(ms, 95), 4),
            "mean_ms": round(statistics.fmean(ms), 4), "min_ms": round(min(ms), 4),
            "spread": round((percentile(ms, 75) - percentile(ms, 25)) / p50, 3) if p50 else 0.0}


def _settled(samples: list[float], spread: float) -> bool:
    p50 = percentile(samples, 50)
    return bool(p50) and (percentile(samples, 75) - percentile(samples, 25)) / p50 <= spread


def _time(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def compare(hot: Callable[[], object], baseline: Callable[[], object] | None = None, *, warmup: int = 3,
            min_reps: int = 20, max_reps: int = 200, max_seconds: float = 30.0, spread: float = 0.10) -> dict:
    """Measure ``hot`` (and ``baseline``, interleaved) and return their summaries and the ratios."""
    for _ in range(warmup):
        hot()
        if baseline is not None:
            baseline()
    hot_s: list[float] = []
    base_s: list[float] = []
    started = time.perf_counter()
    while len(hot_s) < max_reps:
        hot_s.append(_time(hot))
        if baseline is not None:
            base_s.append(_time(baseline))
        if len(hot_s) >= min_reps and _settled(hot_s, spread) and (baseline is None or _settled(base_s, spread)):
            break
        if time.perf_counter() - started > max_seconds and len(hot_s) >= min(min_reps, 3):
            break
    result = {"hot": summary(hot_s)}
    if baseline is not None:
        result["baseline"] = summary(base_s)
        result["ratio_p50"] = _ratio(result["hot"]["p50_ms"], result["baseline"]["p50_ms"])
        result["ratio_p95"] = _ratio(result["hot"]["p95_ms"], result["baseline"]["p95_ms"])
    return result


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b else None


def peak_memory_mb(fn: Callable[[], object]) -> float:
    """Peak Python heap allocated while ``fn`` runs (tracemalloc), in MB: an untimed run."""
    tracemalloc.start()
    try:
        fn()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return round(peak / 2**20, 1)
