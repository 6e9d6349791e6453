"""Conflicts of interest: every reason named, with its code and its Chinese sentence."""

import datetime as dt

from kexie.experts_engine import Expert, Relation, Target, Work, check, conflicted_pairs

TODAY = dt.date(2026, 12, 1)
NOMINATION = Target("n1", "提名", org_path=("R", "41", "U1", "D1"), units=("郑州第1研究所",),
                    person_ids=("P1",), recommender_ids=("rec",), works=(Work("合作专著", 2024, ("nom_coauthor",)),),
                    avoid_expert_ids=("avoided",), avoid_units=("竞争对手公司",))


def codes(expert, target=NOMINATION, **kwargs):
    return [c.reason_code for c in check([expert], [target], today=TODAY, **kwargs)]


def test_the_nominee_cannot_review_themself():
    assert codes(Expert("P1")) == ["self"]


def test_same_unit_parent_and_child_units_in_the_tree():
    assert codes(Expert("a", org_path=("R", "41", "U1", "D1"))) == ["same_unit"]
    assert codes(Expert("b", org_path=("R", "41", "U1"))) == ["parent_unit"]
    assert codes(Expert("c", org_path=("R", "41", "U1", "D1", "G1"))) == ["child_unit"]
    assert codes(Expert("d", org_path=("R", "41", "U1", "D2"))) == []
    assert codes(Expert("e", org_path=("R", "42"))) == []


def test_declared_avoidance_and_outside_posts_match_names_across_widths():
    assert codes(Expert("a", avoid_units=("郑州第１研究所",))) == ["declared_avoidance"]
    assert codes(Expert("b", outside_units=(" 郑州第1研究所",))) == ["outside_unit"]
    assert codes(Expert("t", avoid_units=("鄭州第1研究所",))) == ["declared_avoidance"]  # traditional script


def test_the_applicant_may_ask_to_avoid_an_expert_or_a_unit():
    assert codes(Expert("avoided")) == ["target_avoidance"]
    assert codes(Expert("x", unit="竞争对手公司")) == ["target_avoidance"]


def test_a_declared_relation_to_the_nominee():
    conflicts = check([Expert("a", relations=(Relation("P1", "师生"),))], [NOMINATION], today=TODAY)
    assert [c.reason_code for c in conflicts] == ["relation"]
    assert conflicts[0].message() == "专家与P1存在师生关系"


def test_coauthorship_within_the_window_from_either_side():
    recent = Expert("a", works=(Work("论文甲", 2022, ("P1",)),))
    old = Expert("b", works=(Work("论文乙", 2020, ("P1",)),))
    assert codes(recent, coauthor_years=5) == ["coauthor"]
    assert codes(old, coauthor_years=5) == []
    assert codes(old, coauthor_years=6) == ["coauthor"]
    assert codes(Expert("nom_coauthor")) == ["coauthor"]


def test_the_recommender_of_the_nominee():
    conflicts = check([Expert("rec")], [NOMINATION], today=TODAY)
    assert [c.reason_code for c in conflicts] == ["recommender"]
    assert conflicts[0].message() == "专家是P1的推荐人"


def test_every_reason_of_a_pair_is_reported_once():
    e = Expert("rec", org_path=("R", "41", "U1"), avoid_units=("郑州第1研究所",),
               relations=(Relation("P1", "亲属"), Relation("P1", "师生")), works=(Work("论文", 2025, ("P1",)),))
    conflicts = check([e], [NOMINATION, Target("other")], today=TODAY)
    assert [c.reason_code for c in conflicts] == ["parent_unit", "declared_avoidance", "relation", "coauthor", "recommender"]
    assert {c.target_id for c in conflicts} == {"n1"}
    assert conflicted_pairs(conflicts) == {("rec", "n1")}
    assert all(c.to_dict()["message"] for c in conflicts)


def test_an_office_holder_of_the_unit_under_review_is_named_with_the_post():
    society = Target("s1", org_path=("R", "S"), office_holders=(("李 理事", "常务理事"), ("王芳", "理事")))
    found = check([Expert("x", name="李理事"), Expert("y", name="李力"), Expert("z", name="王芳")], [society],
                  today=TODAY)
    assert [(c.expert_id, c.reason_code) for c in found] == [("x", "office_holder"), ("z", "office_holder")]
    assert found[0].message() == "专家是被评对象单位现任理事会成员（常务理事）"


def test_an_expert_of_the_nominees_employer_is_the_same_unit_by_name():
    nominee_at_university = Target("n2", org_path=("R", "41", "S7"), units=("甲省大学",), person_ids=("P9",))
    assert codes(Expert("a", unit="甲省大學", org_path=("unit:甲省大学",)), nominee_at_university) == ["same_unit"]
    assert codes(Expert("b", unit="乙省大学"), nominee_at_university) == []
