"""Optimal assignment: k per item, caps, conflicts as hard constraints, even load, infeasibility."""

import random
import time

import numpy as np
import pytest

from kexie.experts_engine import Infeasible, assign


def test_each_item_gets_k_distinct_reviewers_with_the_most_relevance():
    rel = [[0.9, 0.8, 0.1], [0.2, 0.7, 0.6]]
    a = assign(["x", "y"], ["r1", "r2", "r3"], rel, k=1, cap=1)
    assert a.reviewers == {"x": ["r1"], "y": ["r2"]}
    assert a.total == pytest.approx(1.6)


def test_conflicts_are_never_assigned_even_when_most_relevant():
    rel = np.array([[1.0, 0.1, 0.2]])
    a = assign(["x"], ["r1", "r2", "r3"], rel, k=2, cap=1, conflicts={("r1", "x")})
    assert a.reviewers == {"x": ["r3", "r2"]}


def test_caps_hold_and_the_load_is_spread_within_one():
    rng = np.random.default_rng(1)
    rel = rng.random((12, 10))
    rel[:, 0] += 1  # everyone wants the first reviewer
    a = assign(range(12), range(10), rel, k=3, cap=5)
    assert all(len(set(r)) == 3 for r in a.reviewers.values())
    assert max(a.loads.values()) <= 5
    assert a.even and a.spread <= 1


def test_per_reviewer_caps():
    a = assign(["x", "y"], ["r1", "r2", "r3"], [[1, 0.5, 0.1], [1, 0.5, 0.1]], k=1, cap={"r1": 1, "r2": 1},
               even=False)
    assert sorted(a.loads.items()) == [("r1", 1), ("r2", 1)]


def test_an_item_without_enough_conflict_free_reviewers_is_named():
    with pytest.raises(Infeasible) as caught:
        assign(["x", "y"], ["r1", "r2"], np.ones((2, 2)), k=2, cap=2, conflicts={("r1", "y")})
    assert [(s.code, s.item_id, s.available, s.needed) for s in caught.value.shortages] == [("short", "y", 1, 2)]
    assert str(caught.value) == "y无回避的可选专家1人，少于所需2人"


def test_too_little_capacity_in_total_is_said():
    with pytest.raises(Infeasible) as caught:
        assign(["x", "y", "z"], ["r1", "r2"], np.ones((3, 2)), k=2, cap=2)
    assert caught.value.shortages[-1].code == "capacity"
    assert "专家总评审容量4份，少于所需6份" in str(caught.value)


def test_a_combination_that_cannot_be_met_is_refused():
    # x may only have r1 and r2, who can take one item each; y then has only r3 left
    conflicts = {("r3", "x"), ("r4", "x"), ("r4", "y")}
    with pytest.raises(Infeasible) as caught:
        assign(["x", "y"], ["r1", "r2", "r3", "r4"], np.ones((2, 4)), k=2,
               cap={"r1": 1, "r2": 1, "r3": 5, "r4": 5}, conflicts=conflicts)
    assert [s.code for s in caught.value.shortages] == ["solver"]
    assert str(caught.value) == "在回避和工作量上限约束下无可行分配"


def test_even_load_is_among_the_reviewers_used():
    # r2 is better for item 3, but using it would leave loads 3 and 1: r1 takes all four
    rel = np.array([[1, 0], [1, 0], [1, 0], [0.5, 1]])
    conflicts = {("r2", 0), ("r2", 1), ("r2", 2)}
    a = assign([0, 1, 2, 3], ["r1", "r2"], rel, k=1, cap=4, conflicts=conflicts)
    assert a.loads == {"r1": 4} and a.even and a.spread == 0


def test_when_an_even_load_is_impossible_the_best_uneven_one_is_returned_and_said():
    # r1 alone may review items 1-3, r2 alone item 0: loads 3 and 1
    conflicts = {("r1", 0), ("r2", 1), ("r2", 2), ("r2", 3)}
    a = assign([0, 1, 2, 3], ["r1", "r2"], np.ones((4, 2)), k=1, cap=4, conflicts=conflicts)
    assert a.loads == {"r1": 3, "r2": 1} and not a.even and a.spread == 2


def test_sixty_items_by_five_from_two_thousand_within_five_seconds():
    rng = random.Random(5)
    rel = np.array([[rng.random() for _ in range(2000)] for _ in range(60)])
    conflicts = {(rng.randrange(2000), rng.randrange(60)) for _ in range(3000)}
    started = time.perf_counter()
    a = assign(range(60), range(2000), rel, k=5, cap=3, conflicts=conflicts)
    assert time.perf_counter() - started <= 5
    assert not a.pairs() & conflicts
    assert a.even and a.spread <= 1


def test_the_smallest_least_load_that_works_is_used():
    # a large pool: loads of 1 and 2 only, although the cap would allow 5
    rng = np.random.default_rng(2)
    a = assign(range(10), range(30), rng.random((10, 30)), k=3, cap=5)
    assert set(a.loads.values()) <= {1, 2} and a.even
    # a single reviewer for three items: loads of 1–2 are impossible, a load of 3 is even
    b = assign([0, 1, 2], ["r1"], np.ones((3, 1)), k=1, cap=3)
    assert b.loads == {"r1": 3} and b.even
