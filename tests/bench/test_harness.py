"""The benchmark harness: statistics, interleaving, and a whole small run from the command line."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kexie.bench.harness import compare, percentile, summary
from kexie.bench.suite import BENCHMARKS

ROOT = Path(__file__).resolve().parents[2]


def test_percentiles_interpolate_between_ranks():
    assert percentile([1, 2, 3, 4, 5], 50) == 3
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([10, 20], 95) == pytest.approx(19.5)
    s = summary([0.001, 0.002, 0.003])
    assert (s["n"], s["p50_ms"], s["min_ms"]) == (3, 2.0, 1.0)


def test_hot_path_and_baseline_alternate_and_the_ratio_compares_them():
    calls = []

    def hot():
        calls.append("hot")
        time.sleep(0.002)

    def base():
        calls.append("base")
        sum(range(100))

    result = compare(hot, base, warmup=1, min_reps=5, max_reps=5)
    assert calls[:6] == ["hot", "base"] * 3
    assert result["hot"]["n"] == result["baseline"]["n"] == 5
    assert result["ratio_p50"] > 1  # two milliseconds of sleep against nothing


def test_repetitions_stop_at_the_time_budget():
    result = compare(lambda: time.sleep(0.01), warmup=0, min_reps=3, max_reps=1000, max_seconds=0.1, spread=0)
    assert 3 <= result["hot"]["n"] < 30


def test_generate_and_run_every_benchmark_from_the_command_line(tmp_path):
    """`kexie bench generate --scale small` then `kexie bench run --quick --json`: every benchmark
    reports, with sane fields (the harness's correctness, not its timings)."""
    env = {**os.environ, "KEXIE_DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}",
           "KEXIE_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "kexie.settings"}
    env.pop("KEXIE_ENV", None)
    kexie = [sys.executable, "-m", "kexie.cli"]
    subprocess.run([*kexie, "bench", "generate", "--scale", "small"], env=env, cwd=ROOT, check=True,
                   capture_output=True, timeout=120)
    out = tmp_path / "results.json"
    run = subprocess.run([*kexie, "bench", "run", "--quick", "--json", str(out)], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True, timeout=180)
    report = json.loads(out.read_text())
    assert set(report["results"]) == {b.name for b in BENCHMARKS}
    assert report["machine"]["database"] == "sqlite"
    for name, result in report["results"].items():
        assert result["status"] in ("ok", "skipped"), (name, result)
        if result["status"] == "skipped":
            assert result["reason"], name
            continue
        hot = result["hot"]
        assert 0 < hot["p50_ms"] <= hot["p95_ms"], name
        if "baseline" in result and name != "http":
            assert result["baseline"]["p50_ms"] > 0 and result["ratio_p95"] > 0, name
        for variant in result.get("variants", ()):
            assert 0 < variant["p50_ms"] <= variant["p95_ms"] and variant["ratio_p95"] > 0, (name, variant)
    # The dashboard is measured computed and answered from the cache; the ledger page also as a first visit.
    assert [v["label"] for v in report["results"]["dashboard_national"]["variants"]] == ["answered from the cache"]
    assert [v["label"] for v in report["results"]["ledger_page"]["variants"]] == ["first request after a change"]
    http = report["results"]["http"]
    if http["status"] == "ok":
        assert all(e["requests"] > 0 and e["errors"] == 0 for e in http["endpoints"]), http
        assert http["baseline"]["requests"] > 0
    assert "| ledger_page |" in run.stdout and "| ledger_page, first request after a change |" in run.stdout
