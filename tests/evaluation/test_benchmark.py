"""The evaluation benchmark runs in its quick form and finds the same query count for both sizes."""

from types import SimpleNamespace

from kexie.bench.evaluation import QUICK_LARGE, SMALL, bench_evaluation
from kexie.evaluation.models import Evaluation


def test_the_quick_benchmark_evaluates_both_associations_and_leaves_nothing_behind(world):
    result = bench_evaluation(SimpleNamespace(quick=True, root=world.cast))
    assert result["status"] == "ok"
    assert result["queries"] == {f"{SMALL} societies": result["queries"][f"{SMALL} societies"],
                                 f"{QUICK_LARGE} societies": result["queries"][f"{SMALL} societies"]}
    assert result["hot"]["n"] == 1 and result["baseline"]["n"] == 1
    assert not Evaluation.objects.exists()  # generated inside a transaction that was rolled back
