"""Rubrics, self-scoring, reviewer scoring, finalising and publishing, through the services."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from kexie.audit.models import AuditLog
from kexie.evaluation.models import (
    Dimension,
    Evaluation,
    EvaluationStatus,
    FrozenRubricError,
    IndicatorScore,
    Leaderboard,
    Rubric,
    RubricStatus,
)
from kexie.evaluation.services import (
    dimension_add,
    dimension_update,
    evaluate_all,
    evaluation_review,
    evaluations_finalise,
    indicator_add,
    indicator_update,
    leaderboard_publish,
    rubric_freeze,
    rubric_new_version,
    self_score_save,
)
from kexie.evaluation.selectors import final_results, next_grade

from .evaluation_world import accept_report, assign, build_rubric


def messages(error: ValidationError) -> list[str]:
    return [m for messages in error.message_dict.values() for m in messages]


@pytest.fixture
def reported(world, societies):
    accept_report(societies.testing, societies.round_2025, council_meetings=1, academic_events=7,
                  supervisory_meetings=1)
    accept_report(societies.physics, societies.round_2025, council_meetings=3, academic_events=20)
    return societies


def evaluation_of(society, rubric):
    return Evaluation.objects.get(society=society, rubric=rubric, year=rubric.year)


def test_evaluate_all_scores_every_society_by_hand(world, reported, rubric_2025):
    assert evaluate_all(by=world.national_clerk, rubric=rubric_2025) == 3
    # 测试学会: members 3 + party 0 + council 1 = 4/7 of 40 → 22.86; events 3.5 + breaches 2.5 = 6/10 of 40 → 24
    testing = evaluation_of(reported.testing, rubric_2025)
    assert testing.self_total == D("46.86")
    assert testing.self_breakdown["dimensions"] == {
        "governance": {"points": "4.00", "subtotal": "22.86"}, "work": {"points": "6.00", "subtotal": "24.00"},
        "reform": {"points": "0.00", "subtotal": "0.00"}}
    assert testing.status == EvaluationStatus.SELF_SCORING
    # 甲物理学会: 5/7 of 40 → 28.57, events capped at 5 and no breach → 40
    assert evaluation_of(reported.physics, rubric_2025).self_total == D("68.57")
    # 乙作物学会 has no accepted report: only its registry counts (120 members → 1 point)
    assert evaluation_of(reported.crops, rubric_2025).self_total == D("5.71")


def test_weights_that_do_not_add_up_are_refused_naming_them_and_nothing_changes(world, societies):
    rubric = build_rubric(world.national_clerk, world.cast, freeze=False)
    dimension_update(by=world.national_clerk, dimension=rubric.dimensions.get(code="reform"), name="改革创新",
                     weight=25)
    with pytest.raises(ValidationError) as caught:
        rubric_freeze(by=world.national_clerk, rubric=rubric)
    assert messages(caught.value) == ["维度权重之和必须为100：内部治理 40、业务工作 40、改革创新 25 合计 105。"]
    assert Rubric.objects.get(pk=rubric.pk).status == RubricStatus.DRAFT


def test_a_frozen_rubric_cannot_change(world, rubric_2025):
    governance = rubric_2025.dimensions.get(code="governance")
    with pytest.raises(ValidationError) as caught:
        dimension_add(by=world.national_clerk, rubric=rubric_2025, code="extra", name="社会评价", weight=10)
    assert "已冻结" in messages(caught.value)[0]
    with pytest.raises(ValidationError):
        indicator_update(by=world.national_clerk, indicator=rubric_2025.indicators.get(code="members"), name="会员",
                         rule="yes_no", params={}, max_points=3, source="registry.individual_members")
    # Code that bypasses the services is stopped by the model.
    governance.weight = 50
    with pytest.raises(FrozenRubricError):
        governance.save()
    assert Dimension.objects.get(pk=governance.pk).weight == 40
    assert rubric_2025.indicators.get(code="members").rule == "tiers"


def test_a_new_version_is_a_draft_copy_for_the_next_year(world, rubric_2025):
    clone = rubric_new_version(by=world.national_clerk, rubric=rubric_2025, year=2026)
    assert (clone.year, clone.version, clone.status, clone.previous_id) == (2026, 1, RubricStatus.DRAFT, rubric_2025.pk)
    assert list(clone.indicators.values_list("code", "rule", "params")) == list(
        rubric_2025.indicators.values_list("code", "rule", "params"))
    again = rubric_new_version(by=world.national_clerk, rubric=rubric_2025, year=2026)
    assert again.version == 2
    indicator_add(by=world.national_clerk, dimension=clone.dimensions.get(code="work"), code="popsci", name="科普",
                  rule="tiers", params={"tiers": [[10, 2]]}, max_points=2, source="report.popsci_events")
    assert rubric_2025.indicators.count() == 6


def test_a_bad_rule_parameter_names_the_indicator(world, societies):
    rubric = build_rubric(world.national_clerk, world.cast, freeze=False)
    with pytest.raises(ValidationError) as caught:
        indicator_add(by=world.national_clerk, dimension=rubric.dimensions.get(code="work"), code="awards",
                      name="获奖", rule="tiers", params={"tiers": [[5, 8]]}, max_points=4, source="report.awards")
    assert messages(caught.value) == ["指标“获奖”：档位分值须在0到满分4之间。"]
    assert not rubric.indicators.filter(code="awards").exists()


def test_the_society_claims_its_judged_points_and_submits_with_evidence(world, reported, rubric_2025):
    evaluate_all(by=world.national_clerk, rubric=rubric_2025)
    evaluation = evaluation_of(reported.testing, rubric_2025)
    reform = rubric_2025.indicators.get(code="reform")
    secretary = world.society_secretary
    with pytest.raises(ValidationError) as caught:
        self_score_save(by=secretary, evaluation=evaluation, claims={reform.pk: "12"})
    assert messages(caught.value) == ["指标“改革成效”：12分超出0至满分10的范围。"]
    assert not IndicatorScore.objects.filter(evaluation=evaluation).exists()

    with pytest.raises(ValidationError) as caught:
        self_score_save(by=secretary, evaluation=evaluation, claims={reform.pk: "8"}, submit=True)
    assert messages(caught.value) == ["指标“改革成效”须附证明材料：请先上传文件再提交。"]
    assert evaluation_of(reported.testing, rubric_2025).status == EvaluationStatus.SELF_SCORING
    assert not IndicatorScore.objects.filter(evaluation=evaluation).exists()

    proof = SimpleUploadedFile("改革成效说明.txt", "本年度完成章程修订和秘书处改革。".encode())
    evaluation = self_score_save(by=secretary, evaluation=evaluation, claims={reform.pk: "8"},
                                 evidence={reform.pk: proof}, submit=True)
    assert evaluation.status == EvaluationStatus.SUBMITTED
    assert evaluation.self_total == D("62.86")  # 22.86 + 24 + 8/10 of 20
    score = IndicatorScore.objects.get(evaluation=evaluation, indicator=reform)
    assert (score.self_points, score.evidence_name) == (D(8), "改革成效说明.txt")
    assert IndicatorScore.objects.get(evaluation=evaluation, indicator__code="events").self_points == D("3.5")
    assert AuditLog.objects.filter(action="submit", object_id=str(evaluation.pk)).exists()
    with pytest.raises(ValidationError):
        self_score_save(by=secretary, evaluation=evaluation, claims={reform.pk: "9"})


def test_a_secretary_cannot_score_another_society(world, reported, rubric_2025):
    evaluate_all(by=world.national_clerk, rubric=rubric_2025)
    with pytest.raises(Http404):
        self_score_save(by=world.society_secretary, evaluation=evaluation_of(reported.physics, rubric_2025),
                        claims={})


def submitted(society, rubric, claim="8"):
    """The society's claim on the judged indicator, with evidence, and its self-score submitted."""
    reform = rubric.indicators.get(code="reform")
    evaluation = evaluation_of(society, rubric)
    proof = SimpleUploadedFile("说明.txt", "改革成效。".encode())
    IndicatorScore.objects.create(evaluation=evaluation, indicator=reform, self_points=D(claim), evidence=proof,
                                  evidence_name="说明.txt")
    Evaluation.objects.filter(pk=evaluation.pk).update(status=EvaluationStatus.SUBMITTED)
    return evaluation


def test_a_reviewer_score_above_the_maximum_is_refused_naming_the_indicator_and_nothing_is_saved(
        world, reported, rubric_2025, expert):
    evaluate_all(by=world.national_clerk, rubric=rubric_2025)
    evaluation = submitted(reported.testing, rubric_2025)
    assign(world, expert, evaluation)
    reform, events = rubric_2025.indicators.get(code="reform"), rubric_2025.indicators.get(code="events")
    with pytest.raises(ValidationError) as caught:
        evaluation_review(by=expert, evaluation=evaluation, scores={
            events.pk: {"points": "4", "comment": "活动材料齐全"}, reform.pk: {"points": "10.5", "comment": ""}})
    assert messages(caught.value) == ["指标“改革成效”：10.5分超出0至满分10的范围。"]
    assert IndicatorScore.objects.filter(evaluation=evaluation, reviewer_points__isnull=False).count() == 0
    assert evaluation_of(reported.testing, rubric_2025).status == EvaluationStatus.SUBMITTED

    evaluation = evaluation_review(by=expert, evaluation=evaluation, scores={
        events.pk: {"points": "4", "comment": "活动材料齐全"}, reform.pk: {"points": "6", "comment": "成效一般"}})
    # governance 22.86; work (4 + 2.5)/10 of 40 = 26; reform 6/10 of 20 = 12
    assert (evaluation.status, evaluation.reviewer_total) == (EvaluationStatus.REVIEWED, D("60.86"))
    assert evaluation.self_total == D("62.86")
    assert IndicatorScore.objects.get(evaluation=evaluation, indicator=events).reviewer_comment == "活动材料齐全"
    assert next_grade(evaluation) == {"points": D("14.14"), "grade": "良好"}


def test_the_reviewer_needs_the_code(world, reported, rubric_2025):
    evaluate_all(by=world.national_clerk, rubric=rubric_2025)
    with pytest.raises(PermissionDenied):
        evaluation_review(by=world.society_secretary, evaluation=evaluation_of(reported.testing, rubric_2025),
                          scores={})


def test_finalising_ranks_grades_and_publishes(world, reported, rubric_2025, expert):
    evaluate_all(by=world.national_clerk, rubric=rubric_2025)
    evaluation = submitted(reported.testing, rubric_2025)
    assign(world, expert, evaluation)
    reform = rubric_2025.indicators.get(code="reform")
    evaluation_review(by=expert, evaluation=evaluation, scores={reform.pk: {"points": "10", "comment": ""}})
    assert evaluations_finalise(by=world.national_clerk, rubric=rubric_2025) == 3
    rows = {e.society_id: e for e in Evaluation.objects.filter(rubric=rubric_2025)}
    testing, physics, crops = (rows[s.pk] for s in (reported.testing, reported.physics, reported.crops))
    # 测试学会 22.86 + 24 + 20 = 66.86 (reviewer's 10 on the judged indicator); 甲物理 68.57; 乙作物 5.71
    assert [(e.final_total, e.rank, e.grade) for e in (physics, testing, crops)] == [
        (D("68.57"), 1, "合格"), (D("66.86"), 2, "合格"), (D("5.71"), 3, "不合格")]
    assert {e.peer_group: e.peer_rank for e in (physics, testing, crops)} == {
        "science:2000–9999": 1, "engineering:500–1999": 1, "agriculture:0–499": 1}
    assert all(e.status == EvaluationStatus.FINAL for e in rows.values())
    assert final_results(2025, organization=world.cast) == {
        reported.physics.pk: (D("68.57"), "合格"), reported.testing.pk: (D("66.86"), "合格"),
        reported.crops.pk: (D("5.71"), "不合格")}
    assert final_results(2024) == {}

    board = leaderboard_publish(by=world.national_clerk, rubric=rubric_2025)
    assert [(r["name"], r["rank"], r["movement"]) for r in board.rows] == [
        ("中国甲物理学会", 1, "new"), ("中国测试学会", 2, "new"), ("中国乙作物学会", 3, "new")]
    with pytest.raises(ValidationError):
        evaluations_finalise(by=world.national_clerk, rubric=rubric_2025)
    assert Leaderboard.objects.count() == 1


def test_ties_share_a_rank_and_movement_follows_last_year(world, societies):
    from kexie.societies.models import ReportYear

    from .evaluation_world import accept_report as report

    clerk = world.national_clerk
    round_2024 = ReportYear.objects.create(organization=world.cast, year=2024, due_on="2025-03-31")
    rubric_2024 = build_rubric(clerk, world.cast, year=2024)
    report(societies.physics, round_2024, academic_events=20, council_meetings=2)
    report(societies.crops, round_2024, academic_events=20, council_meetings=2)
    evaluations_finalise(by=clerk, rubric=rubric_2024)
    leaderboard_publish(by=clerk, rubric=rubric_2024)

    rubric_2025 = rubric_new_version(by=clerk, rubric=rubric_2024, year=2025)
    rubric_freeze(by=clerk, rubric=rubric_2025)
    # 2024: 甲物理 68.57 (1st), 乙作物 57.14 (2nd), 测试学会 without a report 17.14 (3rd).
    # 2025: 测试学会 and 甲物理学会 tie on the same facts; 乙作物学会 reports nothing.
    report(societies.testing, societies.round_2025, academic_events=10, council_meetings=2)
    report(societies.physics, societies.round_2025, academic_events=10, council_meetings=2)
    evaluations_finalise(by=clerk, rubric=rubric_2025)
    rows = leaderboard_publish(by=clerk, rubric=rubric_2025).rows
    assert [(r["name"], r["total"], r["rank"], r["movement"]) for r in rows] == [
        ("中国测试学会", "68.57", 1, "↑2"), ("中国甲物理学会", "68.57", 1, "—"), ("中国乙作物学会", "5.71", 3, "↓1")]
