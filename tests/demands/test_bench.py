"""The funnel benchmark's data: the funnel of its national root counts exactly what was planted
(so the timing in docs/performance.md is of a right answer), and the quick run reports it."""

from kexie.bench.demands import bench_demand_funnel, generate_demands
from kexie.demands.selectors import funnel


def test_the_funnel_counts_what_the_generator_planted(db):
    root, planted = generate_demands(1_500, seed=3, provinces=2)
    figures = funnel(root)
    assert {k: figures[k] for k in planted} == planted
    assert planted["received"] < 1_500 and planted["applied"] > 0 and planted["completed"] > 0
    assert figures["median_days_to_candidate"] is not None


def test_the_quick_benchmark_runs_and_leaves_nothing_behind(db):
    from kexie.demands.models import Demand

    class Quick:
        quick = True
        reps = {"warmup": 0, "min_reps": 1, "max_reps": 1}

    result = bench_demand_funnel(Quick())
    assert result["status"] == "ok" and result["figures_match"] is True and result["met"] is None
    assert not Demand.objects.exists()
