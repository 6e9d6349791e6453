"""Each rule type scores hand-computed cases exactly; dimensions weigh in; grades and the gap to the next."""

from decimal import Decimal as D

import pytest

from kexie.rubric import (
    CAPPED_COUNT,
    DEDUCTION,
    DEFAULT_GRADES,
    JUDGED,
    TIERS,
    YES_NO,
    Dimension,
    Indicator,
    Rubric,
    ScoreOutOfRange,
    grade_for,
    points_to_next_grade,
    rule_points,
    score,
)

MEMBERS = Indicator("members", "会员规模", TIERS, D(3), "registry.individual_members",
                    {"tiers": [[600, 3], [200, 2], [50, 1]]})
EVENTS = Indicator("events", "学术活动", CAPPED_COUNT, D(5), "report.academic_events", {"per_unit": "0.5"})
BREACHES = Indicator("breaches", "违规事项", DEDUCTION, D(4), "report.supervisory_meetings", {"per_unit": 1.5})
PARTY = Indicator("party", "党组织", YES_NO, D(2), "registry.has_party_organization")
REFORM = Indicator("reform", "改革成效", JUDGED, D(10), "reviewer")


@pytest.mark.parametrize(("value", "points"), [
    (None, "0"), (0, "0"), (49, "0"), (50, "1"), (199, "1"), (200, "2"), (599, "2"), (600, "3"), (10_000, "3")])
def test_tiers_give_the_highest_tier_the_value_reaches(value, points):
    assert rule_points(MEMBERS, value) == D(points)


def test_tiers_listed_in_any_order_give_the_same_points():
    shuffled = Indicator("m", "m", TIERS, D(3), "registry.individual_members", {"tiers": [[50, 1], [600, 3], [200, 2]]})
    assert [rule_points(shuffled, v) for v in (10, 60, 300, 700)] == [D(0), D(1), D(2), D(3)]


@pytest.mark.parametrize(("value", "points"), [(None, "0"), (0, "0"), (1, "0.5"), (7, "3.5"), (10, "5"), (11, "5"),
                                               (400, "5")])
def test_capped_count_gives_points_per_unit_up_to_the_maximum(value, points):
    assert rule_points(EVENTS, value) == D(points)


@pytest.mark.parametrize(("value", "points"), [(None, "0"), (0, "4"), (1, "2.5"), (2, "1.0"), (3, "0"), (9, "0")])
def test_deduction_starts_from_the_maximum_and_stops_at_zero(value, points):
    assert rule_points(BREACHES, value) == D(points)


@pytest.mark.parametrize(("value", "points"), [(True, "2"), (False, "0"), (None, "0"), (1, "2"), (0, "0")])
def test_yes_no_gives_the_maximum_when_true(value, points):
    assert rule_points(PARTY, value) == D(points)


def _rubric():
    return Rubric(dimensions=(
        Dimension("governance", "内部治理", D(40), (MEMBERS, PARTY, BREACHES)),   # max 9
        Dimension("work", "业务工作", D(40), (EVENTS,)),                          # max 5
        Dimension("reform", "改革创新", D(20), (REFORM,)),                        # max 10
    ))


def test_a_society_is_scored_by_hand():
    facts = {"registry.individual_members": 250, "registry.has_party_organization": True,
             "report.supervisory_meetings": 1, "report.academic_events": 7}
    result = score(_rubric(), facts, {"reform": "6.5"})
    assert result.points() == {"members": D(2), "party": D(2), "breaches": D("2.50"), "events": D("3.50"),
                               "reform": D("6.50")}
    # 内部治理 6.5 of 9 → 40 × 6.5 / 9 = 28.888… → 28.89; 业务工作 40 × 3.5 / 5 = 28; 改革创新 20 × 6.5 / 10 = 13
    assert [d.subtotal for d in result.dimensions] == [D("28.89"), D("28.00"), D("13.00")]
    assert result.total == D("69.89")
    governance = {i.code: i.contribution for i in result.indicators if i.dimension == "governance"}
    assert governance == {"members": D("8.89"), "party": D("8.89"), "breaches": D("11.11")}


def test_points_are_rounded_half_up_to_the_cent():
    third = Indicator("t", "t", CAPPED_COUNT, D(5), "report.awards", {"per_unit": "0.125"})
    rubric = Rubric(dimensions=(Dimension("d", "d", D(100), (third,)),))
    assert score(rubric, {"report.awards": 1}).indicators[0].points == D("0.13")  # 0.125 → 0.13


def test_a_reviewer_override_replaces_the_rule_and_is_marked():
    result = score(_rubric(), {"report.academic_events": 2}, overrides={"events": 4})
    events = next(i for i in result.indicators if i.code == "events")
    assert (events.points, events.overridden, events.raw) == (D(4), True, 2)


@pytest.mark.parametrize("points", ["10.01", -1, "NaN"])
def test_points_outside_zero_to_the_maximum_are_refused_naming_the_indicator(points):
    with pytest.raises(ScoreOutOfRange) as caught:
        score(_rubric(), {}, {"reform": points})
    assert caught.value.indicator.code == "reform"


def test_a_society_with_no_facts_scores_zero():
    assert score(_rubric(), {}).total == D(0)


@pytest.mark.parametrize(("total", "grade", "gap"), [
    (D("95"), "优秀", None), (D("90"), "优秀", None), (D("89.99"), "良好", (D("0.01"), "优秀")),
    (D("75"), "良好", (D(15), "优秀")), (D("60"), "合格", (D(15), "良好")), (D("41.5"), "不合格", (D("18.5"), "合格"))])
def test_grades_and_the_points_to_the_next_grade(total, grade, gap):
    assert grade_for(total, DEFAULT_GRADES) == grade
    assert points_to_next_grade(total, DEFAULT_GRADES) == gap
