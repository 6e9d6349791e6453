"""The funnel benchmark's data: the funnel of its national root counts exactly what was planted
(so the timing in docs/performance.md is of a right answer), its rows by level add up to it, and
the quick run reports both, the funnel by level timed as a variant."""

from kexie.bench.demands import bench_demand_funnel, generate_demands, levels_add_up
from kexie.bench.suite import table
from kexie.demands.selectors import funnel, funnel_by_level


def test_the_funnel_counts_what_the_generator_planted(db):
    root, planted = generate_demands(1_500, seed=3, provinces=2)
    figures = funnel(root)
    assert {k: figures[k] for k in planted} == planted
    assert planted["received"] < 1_500 and planted["applied"] > 0 and planted["completed"] > 0
    assert figures["median_days_to_candidate"] is not None
    levels = funnel_by_level(root)
    # The network's demands are held by its cities and counties, none by the root itself.
    assert [level.code for level in levels] == ["city_association", "county_association"]
    assert levels_add_up(levels, figures)
    assert not levels_add_up(levels[:1], figures)


def test_the_quick_benchmark_runs_and_leaves_nothing_behind(db):
    from kexie.demands.models import Demand

    class Quick:
        quick = True
        reps = {"warmup": 0, "min_reps": 1, "max_reps": 1}

    result = bench_demand_funnel(Quick())
    assert result["status"] == "ok" and result["figures_match"] is True and result["met"] is None
    assert result["levels_sum_to_total"] is True
    (by_level,) = result["variants"]
    assert by_level["label"] == "by level (rows add up to the total: yes)"
    assert 0 < by_level["p50_ms"] <= by_level["p95_ms"]
    assert "| demand_funnel, by level (rows add up to the total: yes) |" in table({"demand_funnel": result})
    assert not Demand.objects.exists()
