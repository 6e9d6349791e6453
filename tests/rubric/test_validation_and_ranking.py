"""Rubric validation, ranking with ties and peer groups, movement; properties over random input."""

import random
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from kexie.rubric import (
    CAPPED_COUNT,
    DEDUCTION,
    JUDGED,
    TIERS,
    YES_NO,
    Dimension,
    Entry,
    Grade,
    Indicator,
    Rubric,
    band_label,
    movement,
    peer_group,
    rank,
    rank_by_group,
    score,
    validate,
)

EVENTS = Indicator("events", "学术活动", CAPPED_COUNT, D(5), "report.academic_events", {"per_unit": 1})


def codes(problems):
    return sorted(p.code for p in problems)


def test_weights_that_do_not_add_up_to_100_are_named_with_their_sum():
    rubric = Rubric(dimensions=(Dimension("a", "内部治理", D(30), (EVENTS,)),
                                Dimension("b", "业务工作", D(60),
                                          (Indicator("x", "x", YES_NO, D(1), "registry.journals"),))))
    problems = validate(rubric)
    assert codes(problems) == ["weights_sum"]
    assert problems[0].params == {"weights": [("内部治理", D(30)), ("业务工作", D(60))], "sum": D(90)}


def test_a_valid_rubric_has_no_problems():
    rubric = Rubric(dimensions=(Dimension("a", "a", D(100), (EVENTS,)),))
    assert validate(rubric, known_sources={"report.academic_events"}) == []


def test_each_bad_indicator_is_named():
    bad = (
        Indicator("t1", "无档位", TIERS, D(3), "report.awards", {}),
        Indicator("t2", "档位超分", TIERS, D(3), "report.awards", {"tiers": [[1, 4]]}),
        Indicator("c", "无单位分", CAPPED_COUNT, D(3), "report.awards", {"per_unit": 0}),
        Indicator("d", "未知来源", DEDUCTION, D(3), "report.nothing", {"per_unit": 1}),
        Indicator("j", "评审来源错", JUDGED, D(3), "report.awards"),
        Indicator("y", "评审非判", YES_NO, D(3), "reviewer"),
        Indicator("z", "零分", YES_NO, D(0), "registry.journals"),
    )
    problems = validate(Rubric(dimensions=(Dimension("a", "a", D(100), bad),)),
                        known_sources={"report.awards", "registry.journals"})
    assert {(p.where, p.code) for p in problems} == {
        ("无档位", "tiers_missing"), ("档位超分", "tier_points_out_of_range"), ("无单位分", "per_unit_invalid"),
        ("未知来源", "unknown_source"), ("评审来源错", "judged_needs_reviewer"), ("评审非判", "reviewer_needs_judged"),
        ("零分", "max_not_positive")}


def test_grades_must_descend_to_a_floor_of_zero():
    dims = (Dimension("a", "a", D(100), (EVENTS,)),)
    assert codes(validate(Rubric(dims, (Grade("A", D(60)), Grade("B", D(80)), Grade("C", D(0)))))) == ["grades_order"]
    assert codes(validate(Rubric(dims, (Grade("A", D(60)),)))) == ["grades_floor"]


def test_ties_share_a_rank_and_the_next_rank_skips():
    table = rank([Entry(1, D("80"), "b"), Entry(2, D("91"), "d"), Entry(3, D("80"), "a"), Entry(4, D("70"), "c")])
    assert [(r.key, r.rank) for r in table] == [(2, 1), (3, 2), (1, 2), (4, 4)]


def test_a_tie_is_ordered_by_name_then_key():
    table = rank([Entry(9, D(50), "same"), Entry(3, D(50), "same"), Entry(5, D(50), "early")])
    assert [r.key for r in table] == [5, 3, 9]
    assert {r.rank for r in table} == {1}


def test_peer_groups_rank_each_group_on_its_own():
    bands = [0, 500, 2000]
    members = {1: ("science", 100), 2: ("science", 300), 3: ("science", 2500), 4: ("engineering", 100)}
    entries = [Entry(1, D(60), "a"), Entry(2, D(70), "b"), Entry(3, D(10), "c"), Entry(4, D(99), "d")]
    groups = rank_by_group(entries, lambda e: peer_group(*members[e.key], bands))
    assert {g: [(r.key, r.rank) for r in rows] for g, rows in groups.items()} == {
        "science:0–499": [(2, 1), (1, 2)], "science:≥2000": [(3, 1)], "engineering:0–499": [(4, 1)]}
    assert band_label(1, bands) == "500–1999"


def test_movement_against_last_year():
    assert str(movement(2, 5)) == "↑3"
    assert str(movement(4, 3)) == "↓1"
    assert str(movement(4, 4)) == "—"
    assert str(movement(1, None)) == "new"


# --- properties ------------------------------------------------------------------------------------

RULE_INDICATORS = [
    Indicator("t", "t", TIERS, D(3), "report.a", {"tiers": [[600, 3], [200, 2], [50, 1]]}),
    Indicator("c", "c", CAPPED_COUNT, D(5), "report.b", {"per_unit": "0.7"}),
    Indicator("d", "d", DEDUCTION, D(4), "report.c", {"per_unit": "1.5"}),
    Indicator("y", "y", YES_NO, D(2), "registry.d"),
    Indicator("j", "j", JUDGED, D(10), "reviewer"),
]
PROPERTY_RUBRIC = Rubric(dimensions=(Dimension("x", "x", D(37), tuple(RULE_INDICATORS[:3])),
                                     Dimension("y", "y", D(63), tuple(RULE_INDICATORS[3:]))))
numbers = st.one_of(st.none(), st.integers(min_value=-5, max_value=5000),
                    st.decimals(min_value=0, max_value=5000, places=3, allow_nan=False))


@settings(max_examples=200, deadline=None)
@given(a=numbers, b=numbers, c=numbers, d=st.one_of(st.none(), st.booleans()),
       j=st.decimals(min_value=0, max_value=10, places=2))
def test_no_score_exceeds_its_maximum_and_the_total_never_exceeds_the_weights(a, b, c, d, j):
    result = score(PROPERTY_RUBRIC, {"report.a": a, "report.b": b, "report.c": c, "registry.d": d}, {"j": j})
    assert all(D(0) <= i.points <= i.max_points for i in result.indicators)
    assert all(D(0) <= dim.subtotal <= dim.weight for dim in result.dimensions)
    assert D(0) <= result.total <= D(100)
    assert result.total == sum(dim.subtotal for dim in result.dimensions)


entries = st.lists(st.tuples(st.integers(0, 20), st.sampled_from(["甲", "乙", "丙"])), min_size=0, max_size=25)


@settings(max_examples=200, deadline=None)
@given(rows=entries, seed=st.integers(0, 10_000))
def test_ranking_is_the_same_whatever_the_input_order(rows, seed):
    items = [Entry(key, D(total), name) for key, (total, name) in enumerate(rows)]
    shuffled = items[:]
    random.Random(seed).shuffle(shuffled)
    assert rank(items) == rank(shuffled)
    table = rank(items)
    for row in table:  # competition ranking: 1 + how many scored strictly more
        assert row.rank == 1 + sum(1 for other in items if other.total > row.total)


def test_the_package_imports_without_django():
    import subprocess
    import sys

    code = "import sys, kexie.rubric; print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() \
        == "False"
