"""An expert's scoring work in a selection round: the list of what is theirs to score, and an
application that did not pass the eligibility check is not offered for scoring (the page shows
why, and the service refuses with the same reason)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kexie.selection import selectors, services
from kexie.selection.models import ExpertScore
from tests.selection.rounds_world import refreshed


@pytest.fixture
def in_review(round_world, world):
    services.round_start_review(by=world.national_clerk, selection_round=round_world.round)
    return round_world


def test_an_ineligible_application_is_refused_by_the_service_naming_the_missed_criterion(in_review):
    w = in_review
    assert not refreshed(w.weak).eligible
    with pytest.raises(ValidationError) as refused:
        services.score_submit(by=w.wang, application=w.weak, score=90)
    message = refused.value.message_dict["score"][0]
    assert "中国丙弱学会 未通过资格审查，不参加专家评分" in message and "2024" in message  # the inspection year
    assert not ExpertScore.objects.filter(application=w.weak).exists()


def test_an_ineligible_application_is_not_offered_for_scoring_on_the_pages(in_review, signed_in):
    w = in_review
    client = signed_in(w.wang)
    reviews = client.get(reverse("selection:my_reviews")).content.decode()
    row = reviews.split(f'id="review-{w.weak.pk}"')[1].split("</tr>")[0]
    assert "不参加评分（未通过资格审查）" in row and "btn-primary" not in row

    page = client.get(reverse("selection:score", args=[w.weak.pk])).content.decode()
    assert 'id="score-form"' not in page and 'id="not-scored"' in page
    assert "未通过资格审查，不参加专家评分" in page

    refused = client.post(reverse("selection:score", args=[w.weak.pk]), {"score": "90"})
    assert refused.status_code == 400 and "未通过资格审查，不参加专家评分" in refused.content.decode()
    assert not ExpertScore.objects.filter(application=w.weak).exists()


def test_reviews_to_do_are_the_experts_own_eligible_unscored_applications_not_recused(in_review, world):
    w = in_review
    # 王专家 has no tie: every eligible application; 中国丙弱学会 is not eligible.
    assert [a.society.organization.name for a in selectors.reviews_to_do(w.wang)] == [
        "中国测试学会", "中国甲物理学会", "中国乙作物学会"]
    # 张专家 works for 中国测试学会's branch: recused from it.
    assert "中国测试学会" not in {a.society.organization.name for a in selectors.reviews_to_do(w.zhang)}
    services.score_submit(by=w.wang, application=w.testing, score=90)
    assert selectors.reviews_to_do(w.wang).count() == 2
    # The clerk who runs the round scores nothing: they are not on the panel.
    assert not selectors.reviews_to_do(world.national_clerk).exists()
    assert not selectors.reviews_to_do(world.society_secretary).exists()


def test_the_expert_page_counts_what_is_left_to_score(in_review, signed_in):
    w = in_review
    services.score_submit(by=w.wang, application=w.testing, score=90)
    page = signed_in(w.wang).get(reverse("selection:my_reviews")).content.decode()
    assert "待评分申报2份。" in page
