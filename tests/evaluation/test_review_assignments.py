"""Review work goes to experts (评审分配): the association assigns each submitted evaluation to an
expert with no conflict of interest; only that expert sees it among their reviews and scores it,
even without the society in their data scope; the clerk sees who has what and how far they are."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from kexie.accounts.models import Position
from kexie.audit.models import AuditLog
from kexie.evaluation.models import Evaluation, EvaluationStatus, ReviewAssignment
from kexie.evaluation.selectors import reviews_to_do
from kexie.evaluation.services import evaluate_all, evaluation_review, evaluations_finalise, reviewer_assign
from kexie.societies.models import BodyMember, GoverningBody
from tests.personas import make_user

from .evaluation_world import accept_report, assign


@pytest.fixture
def submitted(world, societies, rubric_2025):
    """The three societies' 2025 evaluations, submitted for review."""
    accept_report(societies.testing, societies.round_2025, council_meetings=1, academic_events=7)
    accept_report(societies.physics, societies.round_2025, council_meetings=3, academic_events=20)
    evaluate_all(by=world.national_clerk, rubric=rubric_2025)
    Evaluation.objects.filter(rubric=rubric_2025).update(status=EvaluationStatus.SUBMITTED)
    return {e.society_id: e for e in Evaluation.objects.filter(rubric=rubric_2025)}


@pytest.fixture
def qian(world):
    """An expert of the information centre: no society is in their data scope."""
    return make_user("qian_expert", world.info_center, ["evaluation_expert"], full_name="钱专家")


def _scores(evaluation, points="8"):
    reform = evaluation.rubric.indicators.get(code="reform")
    return {reform.pk: {"points": points, "comment": "改革举措具体"}}


def test_only_the_assigned_expert_reviews_even_without_the_society_in_their_scope(
        world, societies, submitted, qian, expert):
    evaluation = submitted[societies.testing.pk]
    assign(world, qian, evaluation)
    # The national clerk holds the scoring code over every society, and so does the other
    # expert: neither was assigned, so for them the review does not exist.
    for other in (world.national_clerk, expert):
        with pytest.raises(Http404):
            evaluation_review(by=other, evaluation=evaluation, scores=_scores(evaluation))
    reviewed = evaluation_review(by=qian, evaluation=evaluation, scores=_scores(evaluation))
    assert reviewed.status == EvaluationStatus.REVIEWED and reviewed.reviewed_by == qian


def test_reviews_to_do_is_the_reviewers_own_list(world, societies, submitted, qian, expert):
    testing, physics, crops = (submitted[s.pk] for s in (societies.testing, societies.physics, societies.crops))
    assign(world, qian, testing, physics)
    assign(world, expert, crops)
    assert set(reviews_to_do(qian)) == {testing, physics}
    assert list(reviews_to_do(expert)) == [crops]
    # The clerk manages the assignments; the reviews are not theirs to do.
    assert not reviews_to_do(world.national_clerk).exists()
    evaluation_review(by=qian, evaluation=testing, scores=_scores(testing))
    assert list(reviews_to_do(qian)) == [physics]
    # A self-score not yet submitted is not waiting for review, even when assigned in advance.
    Evaluation.objects.filter(pk=physics.pk).update(status=EvaluationStatus.SELF_SCORING)
    assert not reviews_to_do(qian).exists()


def test_an_expert_in_conflict_with_a_society_is_not_assigned_to_it_and_nothing_is_assigned(
        world, societies, submitted, qian):
    Position.objects.create(user=qian, organization=societies.physics.organization, title="副理事长")
    council = GoverningBody.objects.get(society=societies.testing, kind="council")
    BodyMember.objects.create(body=council, name="钱专家", post="理事")
    with pytest.raises(ValidationError) as refused:
        assign(world, qian, *submitted.values())
    messages = refused.value.message_dict["reviewer"]
    assert any("中国甲物理学会" in m and "副理事长" in m for m in messages)
    assert any("中国测试学会" in m and "理事" in m for m in messages)
    assert not ReviewAssignment.objects.exists()
    assert assign(world, qian, submitted[societies.crops.pk]) == 1


def test_a_conflict_arising_after_the_assignment_stops_the_review(world, societies, submitted, qian):
    evaluation = submitted[societies.testing.pk]
    assign(world, qian, evaluation)
    Position.objects.create(user=qian, organization=world.branch, title="委员")  # the society's branch
    with pytest.raises(ValidationError) as refused:
        evaluation_review(by=qian, evaluation=evaluation, scores=_scores(evaluation))
    assert "须回避中国测试学会的评审" in " ".join(refused.value.messages)
    assert Evaluation.objects.get(pk=evaluation.pk).status == EvaluationStatus.SUBMITTED


def test_reassigning_moves_the_review_and_is_audited_and_a_final_one_stays(
        world, societies, submitted, qian, expert, rubric_2025):
    evaluation = submitted[societies.testing.pk]
    assign(world, qian, evaluation)
    assert assign(world, qian, evaluation) == 0  # already theirs: nothing changes
    assert assign(world, expert, evaluation) == 1
    with pytest.raises(Http404):
        evaluation_review(by=qian, evaluation=evaluation, scores=_scores(evaluation))
    rows = AuditLog.objects.filter(action="assign", object_id=str(evaluation.pk)).order_by("id")
    assert [(r.old_values, r.new_values["reviewer"]) for r in rows] == [
        (None, qian.pk), ({"reviewer": qian.pk}, expert.pk)]
    evaluations_finalise(by=world.national_clerk, rubric=rubric_2025)
    with pytest.raises(ValidationError) as refused:
        assign(world, qian, evaluation)
    assert "已定级" in " ".join(refused.value.messages)


def test_assigning_needs_the_management_code_and_a_reviewer_who_may_score(world, societies, submitted):
    evaluation = submitted[societies.testing.pk]
    with pytest.raises(PermissionDenied):
        reviewer_assign(by=world.society_secretary, evaluations=[evaluation], reviewer=world.national_clerk)
    viewer = make_user("viewer_only", world.info_center, ["viewer"])
    with pytest.raises(ValidationError):
        assign(world, viewer, evaluation)
    with pytest.raises(Http404):  # an evaluation outside the clerk's scope
        reviewer_assign(by=world.other_provincial_clerk, evaluations=[evaluation], reviewer=viewer)


# --- pages and API ---------------------------------------------------------------------------------

def test_the_assigned_expert_finds_the_evaluation_on_the_index_and_scores_it(world, societies, submitted, qian,
                                                                             signed_in):
    evaluation = submitted[societies.testing.pk]
    assign(world, qian, evaluation)
    client = signed_in(qian)
    index = client.get(reverse("evaluation:index"))
    assert [e.pk for e in index.context["to_review"]] == [evaluation.pk]
    detail = client.get(reverse("evaluation:evaluation", args=[evaluation.pk]))
    assert detail.status_code == 200 and 'id="go-review"' in detail.text
    reform = evaluation.rubric.indicators.get(code="reform")
    done = client.post(reverse("evaluation:review", args=[evaluation.pk]),
                       {f"points_{reform.pk}": "9", f"comment_{reform.pk}": "成效明显"})
    assert done.status_code == 302
    assert Evaluation.objects.get(pk=evaluation.pk).status == EvaluationStatus.REVIEWED
    # Not assigned: not found, for the expert and for the clerk alike.
    other = submitted[societies.physics.pk]
    assert client.get(reverse("evaluation:review", args=[other.pk])).status_code == 404
    assert client.get(reverse("evaluation:evaluation", args=[other.pk])).status_code == 404
    clerk = signed_in(world.national_clerk)
    assert clerk.get(reverse("evaluation:review", args=[other.pk])).status_code == 404


def test_the_clerk_assigns_on_the_page_and_sees_the_progress_not_a_list_to_score(
        world, societies, submitted, qian, signed_in, rubric_2025):
    Position.objects.create(user=qian, organization=societies.physics.organization, title="副理事长")
    client = signed_in(world.national_clerk)
    index = client.get(reverse("evaluation:index"))
    assert index.context["to_review"] == []
    assert [(row["rubric"].pk, row["unassigned"]) for row in index.context["review_work"]] == [(rubric_2025.pk, 3)]

    url = reverse("evaluation:reviewers", args=[rubric_2025.pk])
    testing, physics = submitted[societies.testing.pk], submitted[societies.physics.pk]
    refused = client.post(url, {"evaluation": [testing.pk, physics.pk], "reviewer": qian.pk, "year": 2025})
    assert refused.status_code == 400 and "钱专家 须回避中国甲物理学会的评审" in refused.text
    assert not ReviewAssignment.objects.exists()
    done = client.post(url, {"evaluation": [testing.pk], "reviewer": qian.pk, "year": 2025}, follow=True)
    assert "已将1份评价分配给" in done.text
    page = client.get(url, {"year": 2025})
    assert page.context["progress"]["unassigned"] == 2
    assert page.context["workload"] == [{"reviewer": "钱专家", "assigned": 1, "reviewed": 0, "to_do": 1}]
    detail = client.get(reverse("evaluation:evaluation", args=[testing.pk]))
    assert 'id="assigned-reviewer"' in detail.text and "钱专家" in detail.text


def test_the_api_gives_the_review_to_the_assigned_expert_only(world, societies, submitted, qian, signed_in):
    evaluation = submitted[societies.testing.pk]
    assign(world, qian, evaluation)
    reform = evaluation.rubric.indicators.get(code="reform")
    body = {"scores": [{"indicator": reform.pk, "points": "7", "comment": ""}]}
    clerk = signed_in(world.national_clerk)
    refused = clerk.post(reverse("api:evaluation-review", args=[evaluation.pk]), body,
                         content_type="application/json", HTTP_ACCEPT="application/json")
    assert refused.status_code == 404
    client = signed_in(qian)
    listed = client.get(reverse("api:evaluation-list"), HTTP_ACCEPT="application/json").json()["results"]
    assert [row["id"] for row in listed] == [evaluation.pk]
    done = client.post(reverse("api:evaluation-review", args=[evaluation.pk]), body,
                       content_type="application/json", HTTP_ACCEPT="application/json")
    assert done.status_code == 200 and done.json()["status"] == "reviewed"
