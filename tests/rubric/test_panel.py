"""A review panel's totals combined per item: plain mean, per-reviewer z-scores, extremes."""

from decimal import Decimal

import pytest

from kexie.rubric.panel import MEAN, ZSCORE, combine, ranking


def _by_item(rows):
    return {c.item: c for c in rows}


def test_the_mean_of_each_items_reviewers():
    rows = _by_item(combine({("a", 1): 80, ("a", 2): 90, ("b", 1): 70, ("b", 2): 75.5}))
    assert rows["a"].score == Decimal("85.00") and rows["a"].reviewers == 2
    assert rows["b"].score == Decimal("72.75")


def test_zscore_evens_out_a_lenient_and_a_strict_reviewer():
    # Reviewer 1 is lenient, reviewer 2 strict; each put item "a" first among the items they
    # scored. By the plain mean "b" wins because only the lenient reviewer scored it.
    totals = {("a", 1): 95, ("b", 1): 94, ("c", 1): 90,
              ("a", 2): 75, ("c", 2): 60, ("d", 2): 58}
    by_mean = [r.key for r in ranking(combine(totals, method=MEAN))]
    by_z = [r.key for r in ranking(combine(totals, method=ZSCORE))]
    assert by_mean[:2] == ["b", "a"]
    assert by_z[0] == "a"


def test_a_reviewer_who_gave_everyone_the_same_total_does_not_move_the_order():
    totals = {("a", 1): 90, ("b", 1): 80, ("a", 2): 70, ("b", 2): 70}
    rows = _by_item(combine(totals, method=ZSCORE))
    assert rows["a"].score > rows["b"].score


def test_the_highest_and_lowest_totals_are_dropped_from_three_reviewers_on():
    totals = {("a", 1): 100, ("a", 2): 80, ("a", 3): 78, ("a", 4): 20, ("b", 1): 90, ("b", 2): 60}
    rows = _by_item(combine(totals, drop_extremes=True))
    assert (rows["a"].score, rows["a"].reviewers, rows["a"].dropped) == (Decimal("79.00"), 2, 2)
    assert (rows["b"].score, rows["b"].dropped) == (Decimal("75.00"), 0)  # two reviewers: all kept


def test_equal_scores_share_a_rank_and_an_unknown_method_is_refused():
    ranked = ranking(combine({("x", 1): 80, ("y", 1): 80, ("z", 1): 70}), names={"x": "乙", "y": "甲"})
    assert sorted((r.key, r.rank) for r in ranked) == [("x", 1), ("y", 1), ("z", 3)]
    assert ranked[-1].key == "z"
    with pytest.raises(ValueError):
        combine({("x", 1): 1}, method="median")
