"""一流学会 selection rounds: eligibility with reasons, recusal, ranking and quota, public notice
with objections, the decision, and who sees which application."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import translation

from kexie.audit.models import AuditLog
from kexie.selection import selectors, services
from kexie.selection.models import ApplicationStatus, ExpertScore, RoundStatus
from tests.selection.rounds_world import refreshed

REVIEW_DAY = dt.date(2026, 3, 30)


def criteria(application) -> dict[str, bool]:
    return {row["criterion"]: row["passed"] for row in refreshed(application).eligibility}


def reasons(application) -> dict[str, str]:
    return {row["criterion"]: row["reason"] for row in refreshed(application).eligibility}


def start_review(w):
    services.round_start_review(by=_clerk(w), selection_round=w.round)


def _clerk(w):
    from kexie.accounts.models import User

    return User.objects.get(username="national_clerk")


def score_all(w):
    """Every expert scores every application they may; the conflicted ones are refused."""
    table = {"testing": {"li": 80, "wang": 90, "zhao": 85},
             "physics": {"zhang": 95, "wang": 85, "zhao": 90},
             "crops": {"zhang": 70, "li": 80, "wang": 60}}
    for key, scores in table.items():
        for name, value in scores.items():
            services.score_submit(by=getattr(w, name), application=getattr(w, key), score=value, today=REVIEW_DAY)


# --- eligibility ----------------------------------------------------------------------------------

def test_eligibility_is_checked_per_criterion_with_its_reason(round_world):
    w = round_world
    assert criteria(w.testing) == {"evaluation": True, "inspection": True, "flags": True, "report": True}
    assert refreshed(w.testing).eligible
    assert criteria(w.weak) == {"evaluation": False, "inspection": False, "flags": True, "report": True}
    assert not refreshed(w.weak).eligible
    with translation.override("en"):
        services.application_set_evaluation(by=_clerk(w), application=w.weak, score="70", grade="C")
    assert reasons(w.weak)["evaluation"] == ("Final evaluation for 2025: 70 (C); score 70 is below the minimum "
                                             "of 80.")
    assert "2024" in reasons(w.weak)["inspection"] and "2025" not in reasons(w.weak)["inspection"]


def test_a_society_without_an_evaluation_result_or_report_is_not_eligible(round_world, world):
    from kexie.societies.models import AnnualReport

    w = round_world
    AnnualReport.objects.filter(society_id=w.crops.society_id, year=2025).update(status="submitted")
    with translation.override("en"):
        services.application_set_evaluation(by=_clerk(w), application=w.crops, score="", grade="")
    assert criteria(w.crops)["evaluation"] is False and criteria(w.crops)["report"] is False
    assert reasons(w.crops)["evaluation"] == "No final evaluation result for 2025."
    assert reasons(w.crops)["report"] == "No accepted annual report for 2025."


def test_an_open_dormant_flag_makes_a_society_ineligible(round_world):
    from kexie.selection.models import FlagRule, SocietyFlag

    w = round_world
    SocietyFlag.objects.create(society_id=w.physics.society_id, rule=FlagRule.objects.get(code="council_overdue"),
                               year=2025, facts={}, computed_at="2026-03-01T00:00:00Z")
    services.eligibility_refresh(by=_clerk(w), selection_round=w.round)
    assert criteria(w.physics)["flags"] is False
    assert "理事会任期届满未按期换届" in reasons(w.physics)["flags"]


def test_an_application_is_refused_outside_the_open_period_and_twice(round_world, world):
    w = round_world
    with pytest.raises(ValidationError) as error:
        services.application_submit(by=world.society_secretary, selection_round=w.round,
                                    society=w.testing.society, statement="再次申报")
    assert "society" in error.value.message_dict
    start_review(w)
    with pytest.raises(ValidationError) as error:
        services.application_submit(by=w.secretaries["physics"], selection_round=w.round,
                                    society=w.physics.society, statement="迟到的申报")
    assert "status" in error.value.message_dict


def test_an_attachment_that_fails_the_upload_checks_saves_nothing(round_world, world):
    from kexie.selection.models import Application
    from tests.societies.conftest import make_society

    w = round_world
    other = make_society(world.cast, "中国丁学会")
    from tests.personas import make_user

    secretary = make_user("ding_secretary", other.organization, ["society_secretary"])
    fake = SimpleUploadedFile("申报书.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        services.application_submit(by=secretary, selection_round=w.round, society=other, statement="申报",
                                    attachments=[fake])
    assert "attachments" in error.value.message_dict
    assert not Application.objects.filter(society=other).exists()
    good = SimpleUploadedFile("申报书.txt", "学会工作情况".encode(), content_type="text/plain")
    application = services.application_submit(by=secretary, selection_round=w.round, society=other,
                                              statement="申报", attachments=[good])
    assert [a.name for a in application.attachments.all()] == ["申报书.txt"]


def test_a_secretary_cannot_apply_for_another_society(round_world, world):
    w = round_world
    with pytest.raises(Http404):
        services.application_submit(by=world.society_secretary, selection_round=w.round,
                                    society=w.physics.society, statement="代报")


# --- recusal --------------------------------------------------------------------------------------

def test_a_conflicted_expert_is_refused_with_the_reason(round_world):
    w = round_world
    start_review(w)
    cases = [(w.zhang, w.testing, "branches"), (w.li, w.physics, "current council (常务理事)"),
             (w.zhao, w.crops, "position in the society (学术顾问)")]
    for expert, application, why in cases:
        with translation.override("en"), pytest.raises(ValidationError) as error:
            services.score_submit(by=expert, application=application, score=90, today=REVIEW_DAY)
        assert why in error.value.message_dict["score"][0]
        assert not ExpertScore.objects.filter(expert=expert, application=application).exists()
    # A past council term is no conflict: 李理事 may score 中国乙作物学会.
    services.score_submit(by=w.li, application=w.crops, score=80, today=REVIEW_DAY)


def test_a_declared_conflict_excludes_an_earlier_score_from_the_average(round_world):
    w = round_world
    start_review(w)
    score_all(w)
    row = next(r for r in selectors.ranking(w.round, today=REVIEW_DAY) if r.application.pk == w.crops.pk)
    assert row.average == Decimal("70.00") and row.counted == 3

    services.conflict_declare(by=w.wang, application=w.crops, reason="曾在该学会兼职")

    row = next(r for r in selectors.ranking(w.round, today=REVIEW_DAY) if r.application.pk == w.crops.pk)
    assert row.average == Decimal("75.00") and row.counted == 2
    recused = {str(s["expert"]): s["recused"] for s in row.scores if s["recused"]}
    assert set(recused) == {"赵专家", "王专家"}
    with pytest.raises(ValidationError):
        services.score_submit(by=w.wang, application=w.crops, score=99, today=REVIEW_DAY)


def test_only_a_panel_expert_may_score_and_only_during_the_review(round_world, world):
    w = round_world
    with pytest.raises(ValidationError):
        services.score_submit(by=w.wang, application=w.testing, score=90, today=REVIEW_DAY)  # still open
    start_review(w)
    with pytest.raises(PermissionDenied):
        services.score_submit(by=world.society_secretary, application=w.testing, score=90)
    from tests.selection.world import expert

    outsider = expert(world, "outsider_expert")
    with pytest.raises(Http404):
        services.score_submit(by=outsider, application=w.testing, score=90)
    with pytest.raises(ValidationError) as error:
        services.score_submit(by=w.wang, application=w.testing, score="101", today=REVIEW_DAY)
    assert "score" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.score_submit(by=w.wang, application=w.weak, score="90", today=REVIEW_DAY)  # not eligible


# --- ranking, notice, objections, decision -------------------------------------------------------

def test_the_ranking_orders_by_average_and_the_quota_goes_on_notice(round_world):
    w = round_world
    start_review(w)
    score_all(w)
    rows = selectors.ranking(w.round, today=REVIEW_DAY)
    assert [(r.application.pk, r.average, r.rank) for r in rows] == [
        (w.physics.pk, Decimal("90.00"), 1), (w.testing.pk, Decimal("85.00"), 2), (w.crops.pk, Decimal("70.00"), 3),
        (w.weak.pk, None, None)]

    services.round_start_notice(by=_clerk(w), selection_round=w.round, starts_on=dt.date(2026, 4, 1),
                                ends_on=dt.date(2026, 4, 10), today=REVIEW_DAY)

    assert [a.pk for a in w.round.applications.filter(on_notice=True).order_by("pk")] == sorted(
        [w.physics.pk, w.testing.pk])
    assert refreshed(w.testing).round.status == RoundStatus.NOTICE


def test_equal_averages_share_a_rank(round_world):
    w = round_world
    start_review(w)
    for expert, application in ((w.wang, w.testing), (w.wang, w.physics)):
        services.score_submit(by=expert, application=application, score=88, today=REVIEW_DAY)
    rows = selectors.ranking(w.round, today=REVIEW_DAY)
    assert [(r.application.pk, r.rank) for r in rows[:2]] == [(w.testing.pk, 1), (w.physics.pk, 1)]


def _on_notice(w):
    start_review(w)
    score_all(w)
    services.round_start_notice(by=_clerk(w), selection_round=w.round, starts_on=dt.date(2026, 4, 1),
                                ends_on=dt.date(2026, 4, 10), today=REVIEW_DAY)


def test_objections_are_taken_only_during_the_notice_and_only_on_candidates(round_world):
    w = round_world
    _on_notice(w)
    clerk = _clerk(w)
    with pytest.raises(ValidationError) as error:
        services.objection_record(by=clerk, application=w.testing, text="数据不实", received_on=dt.date(2026, 4, 11))
    assert "received_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.objection_record(by=clerk, application=w.crops, text="数据不实", received_on=dt.date(2026, 4, 2))
    assert "application" in error.value.message_dict
    objection = services.objection_record(by=clerk, application=w.testing, text="年报活动数据不实",
                                          received_on=dt.date(2026, 4, 3))
    with pytest.raises(ValidationError) as error:
        services.round_decide(by=clerk, selection_round=w.round, today=dt.date(2026, 4, 11))
    assert "objections" in error.value.message_dict  # not handled yet
    services.objection_handle(by=clerk, objection=objection, handling="经核查，情况属实。", upheld=True)
    with pytest.raises(ValidationError) as error:
        services.round_decide(by=clerk, selection_round=w.round, today=dt.date(2026, 4, 10))
    assert "status" in error.value.message_dict  # the notice is still running

    services.round_decide(by=clerk, selection_round=w.round, today=dt.date(2026, 4, 11))

    assert refreshed(w.physics).status == ApplicationStatus.SELECTED
    assert refreshed(w.testing).status == ApplicationStatus.NOT_SELECTED  # upheld objection
    assert refreshed(w.crops).status == ApplicationStatus.NOT_SELECTED
    assert refreshed(w.physics).round.status == RoundStatus.DECIDED


def test_a_rejected_objection_keeps_the_candidate(round_world):
    w = round_world
    _on_notice(w)
    clerk = _clerk(w)
    objection = services.objection_record(by=clerk, application=w.testing, text="匿名来信",
                                          received_on=dt.date(2026, 4, 1))
    services.objection_handle(by=clerk, objection=objection, handling="经核查，反映不实。", upheld=False)
    services.round_decide(by=clerk, selection_round=w.round, today=dt.date(2026, 4, 11))
    assert {a.society_id for a in w.round.applications.filter(status=ApplicationStatus.SELECTED)} == {
        w.testing.society_id, w.physics.society_id}


def test_every_step_is_audited(round_world):
    w = round_world
    _on_notice(w)
    actions = set(AuditLog.objects.filter(object_type__startswith="selection.").values_list("action", flat=True))
    assert {"create", "panel_add", "status", "apply", "evaluation", "score"} <= actions


def test_another_provinces_clerk_cannot_move_the_round(round_world, world):
    with pytest.raises(Http404):
        services.round_start_review(by=world.other_provincial_clerk, selection_round=round_world.round)
    with pytest.raises(PermissionDenied):
        services.round_start_review(by=world.society_secretary, selection_round=round_world.round)


# --- who sees what --------------------------------------------------------------------------------

def test_a_society_secretary_sees_only_their_own_application(round_world, world):
    w = round_world
    visible = selectors.applications_visible(world.society_secretary)
    assert list(visible.values_list("pk", flat=True)) == [w.testing.pk]
    assert selectors.rounds_visible(world.society_secretary).filter(pk=w.round.pk).exists()
    assert set(selectors.applications_visible(w.wang).values_list("pk", flat=True)) == {
        w.testing.pk, w.physics.pk, w.crops.pk, w.weak.pk}
    assert selectors.applications_visible(world.other_provincial_clerk).count() == 0
    assert selectors.applications_visible(world.national_clerk).count() == 4


def test_a_draft_round_is_seen_by_its_staff_only(world):
    draft = services.round_create(by=world.national_clerk, organization=world.cast, year=2027, title="2027年度遴选",
                                  quota=3)
    assert selectors.rounds_visible(world.national_clerk).filter(pk=draft.pk).exists()
    assert not selectors.rounds_visible(world.society_secretary).filter(pk=draft.pk).exists()


def test_a_round_needs_a_title_and_a_quota(world):
    with pytest.raises(ValidationError) as error:
        services.round_create(by=world.national_clerk, organization=world.cast, year=2026, title=" ", quota=0)
    assert set(error.value.message_dict) == {"title", "quota"}



def test_the_ranking_and_the_eligibility_check_take_a_fixed_number_of_queries(round_world, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kexie.selection.models import Application
    from tests.selection.rounds_world import secretary_of
    from tests.selection.world import GOOD, report_years, society

    w = round_world

    def count() -> tuple[int, int]:
        applications = list(Application.objects.filter(round=w.round).order_by("id"))
        with CaptureQueriesContext(connection) as ranking:
            selectors.ranking(w.round, applications=applications, today=REVIEW_DAY)
        with CaptureQueriesContext(connection) as eligibility:
            selectors.check_eligibility(w.round, applications)
        return len(ranking.captured_queries), len(eligibility.captured_queries)

    before = count()
    rounds = report_years(world)
    for index in range(5):
        profile = society(world, f"中国追加学会{index}", rounds, {2024: GOOD, 2025: GOOD})
        services.application_submit(by=secretary_of(profile, f"extra_secretary_{index}"), selection_round=w.round,
                                    society=profile, statement="申报")
    assert count() == before


def test_a_finalised_evaluation_on_the_platform_is_the_result_the_round_reads(round_world, world):
    from django.utils import timezone

    from kexie.evaluation.models import Evaluation, Rubric

    w = round_world
    rubric = Rubric.objects.create(organization=world.cast, name="2025年度学会评价指标体系", year=2025,
                                   status="frozen", frozen_at=timezone.now())
    Evaluation.objects.create(society_id=w.weak.society_id, rubric=rubric, year=2025, status="final",
                              final_total=Decimal("83.50"), grade="B", finalised_at=timezone.now())
    other = Rubric.objects.create(organization=world.prov_a, name="甲省指标体系", year=2025, status="frozen",
                                  frozen_at=timezone.now())
    Evaluation.objects.create(society_id=w.testing.society_id, rubric=other, year=2025, status="final",
                              final_total=Decimal("50"), grade="D", finalised_at=timezone.now())

    services.eligibility_refresh(by=_clerk(w), selection_round=w.round)

    weak = refreshed(w.weak)
    assert (weak.evaluation_score, weak.evaluation_grade) == (Decimal("83.50"), "B")
    assert criteria(w.weak)["evaluation"] is True
    assert refreshed(w.testing).evaluation_score == Decimal("90")  # another association's rubric: not read
    with pytest.raises(ValidationError) as error:
        services.application_set_evaluation(by=_clerk(w), application=w.weak, score="99", grade="A")
    assert "evaluation_score" in error.value.message_dict
