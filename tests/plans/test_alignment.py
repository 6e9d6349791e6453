"""Alignment (对标) of 甲省's plan to a national plan: suggestions stored, decisions, coverage,
permissions and refusals — on short plans written for these tests."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from openpyxl import load_workbook

from kexie.audit.models import AuditLog
from kexie.plans.alignment import (
    alignment_accept_all_above,
    alignment_coverage,
    alignment_decide,
    alignment_start,
    upper_plan_choices,
)
from kexie.plans.models import AlignmentStatus, ItemAlignment, PlanAlignment
from tests.plans.ledger_world import confirmed_plan
from tests.plans.sample import KEY_TASKS_2026

NATIONAL_2026 = """中国科协2026年深化改革重点任务

一、强化学会治理
1.推进学会综合评估。开展全国学会综合评估，建立评估结果运用机制。（学会部牵头）
2.清理整顿休眠学会。对长期未开展活动的休眠学会督促整改。（学会部牵头）
二、提升科普能力
3.加强科普基地建设。命名一批全国科普教育基地。（科普部牵头）
三、深化国际交流
4.拓展国际科技组织合作。推荐科学家到国际科技组织任职。（国际部牵头）
"""


@pytest.fixture
def plans(world):
    upper = confirmed_plan(world, clerk=world.national_clerk, organization=world.cast, text=NATIONAL_2026)
    lower = confirmed_plan(world, clerk=world.provincial_clerk, organization=world.prov_a, text=KEY_TASKS_2026)
    other = confirmed_plan(world, clerk=world.other_provincial_clerk, organization=world.prov_b,
                           text=KEY_TASKS_2026.replace("甲省", "乙省"))
    return upper, lower, other


def _rows(alignment):
    return {r.item.key: r for r in ItemAlignment.objects.filter(alignment=alignment).select_related(
        "item", "upper_item")}


def test_the_upper_plans_offered_are_those_of_the_organisations_above_first(plans, world):
    upper, lower, other = plans
    county_plan = confirmed_plan(world, clerk=world.county_clerk, organization=world.county_a,
                                 text=KEY_TASKS_2026.replace("甲省", "甲县"))
    # A county clerk cannot see the province's or the nation's plans in lists, but aligns to them.
    choices = upper_plan_choices(world.county_clerk, county_plan)
    assert [p.pk for p in choices] == [lower.pk, upper.pk]
    assert other not in choices
    assert all(p.in_chain for p in choices)


def test_starting_stores_the_suggestions_and_is_audited(plans, world):
    upper, lower, _other = plans
    alignment = alignment_start(by=world.provincial_clerk, plan=lower, upper_plan=upper)
    rows = _rows(alignment)
    assert len(rows) == lower.items.count()
    # 开展学会评估 → 推进学会综合评估, 整治休眠学会 → 清理整顿休眠学会, 建设科普基地 → 加强科普基地建设
    assert (rows["2.1"].upper_item.title, rows["2.2"].upper_item.title, rows["3.1"].upper_item.title) == (
        "推进学会综合评估", "清理整顿休眠学会", "加强科普基地建设")
    first = rows["2.1"]
    assert first.status == AlignmentStatus.SUGGESTED and first.rank == 1
    suggestions = list(first.suggestions.order_by("rank"))
    assert [s.rank for s in suggestions] == list(range(1, len(suggestions) + 1))
    assert suggestions[0].upper_item_id == first.upper_item_id and suggestions[0].score == first.score
    assert all(a.score >= b.score for a, b in zip(suggestions, suggestions[1:]))
    assert AuditLog.objects.filter(action="create", object_type="plans.planalignment",
                                   object_id=str(alignment.pk)).exists()


def test_starting_again_recomputes_and_keeps_the_decisions(plans, world):
    upper, lower, _other = plans
    alignment = alignment_start(by=world.provincial_clerk, plan=lower, upper_plan=upper)
    rows = _rows(alignment)
    alignment_decide(by=world.provincial_clerk, item_alignment=rows["1.1"], upper_item=None)
    again = alignment_start(by=world.provincial_clerk, plan=lower, upper_plan=upper, threshold=0.4)
    assert again.pk == alignment.pk and PlanAlignment.objects.count() == 1
    assert again.threshold == 0.4
    assert _rows(again)["1.1"].status == AlignmentStatus.NONE
    # Without a threshold the one chosen stays; a bad one is refused naming the field.
    assert alignment_start(by=world.provincial_clerk, plan=lower, upper_plan=upper).threshold == 0.4
    with pytest.raises(ValidationError) as refused:
        alignment_start(by=world.provincial_clerk, plan=lower, upper_plan=upper, threshold="nan")
    assert "threshold" in refused.value.message_dict


def test_a_decision_is_stored_with_who_and_when(plans, world):
    upper, lower, _other = plans
    alignment = alignment_start(by=world.provincial_clerk, plan=lower, upper_plan=upper)
    rows = _rows(alignment)
    accepted = alignment_decide(by=world.provincial_clerk, item_alignment=rows["2.1"],
                                upper_item=rows["2.1"].upper_item)
    assert accepted.status == AlignmentStatus.ACCEPTED and accepted.rank == 1
    assert accepted.decided_by == world.provincial_clerk and accepted.decided_at is not None
    international = upper.items.get(title="拓展国际科技组织合作")
    changed = alignment_decide(by=world.provincial_clerk, item_alignment=rows["2.2"], upper_item=international)
    assert changed.status == AlignmentStatus.CHANGED and changed.upper_item == international
    none = alignment_decide(by=world.provincial_clerk, item_alignment=rows["3.1"], upper_item=None)
    assert none.status == AlignmentStatus.NONE and none.upper_item is None and none.score is None
    audit = AuditLog.objects.filter(object_type="plans.itemalignment", object_id=str(none.pk)).latest("id")
    assert audit.new_values == {"status": "none", "upper_item": None}


def test_an_item_of_another_plan_is_refused_and_nothing_changes(plans, world):
    upper, lower, other = plans
    alignment = alignment_start(by=world.provincial_clerk, plan=lower, upper_plan=upper)
    row = _rows(alignment)["2.1"]
    with pytest.raises(ValidationError) as refused:
        alignment_decide(by=world.provincial_clerk, item_alignment=row, upper_item=other.items.get(key="2.1"))
    assert "upper_item" in refused.value.message_dict
    assert upper.title in refused.value.messages[0]
    row.refresh_from_db()
    assert row.status == AlignmentStatus.SUGGESTED


def test_an_upper_plan_outside_the_chain_and_the_scope_is_refused(plans, world):
    upper, lower, other = plans
    with pytest.raises(ValidationError) as refused:
        alignment_start(by=world.provincial_clerk, plan=lower, upper_plan=other)
    assert "upper_plan" in refused.value.message_dict
    with pytest.raises(ValidationError):
        alignment_start(by=world.provincial_clerk, plan=lower, upper_plan=lower)
    assert not PlanAlignment.objects.exists()


def test_only_plan_change_in_scope_may_align(plans, world):
    upper, lower, other = plans
    with pytest.raises(PermissionDenied):
        alignment_start(by=world.no_role_user, plan=lower, upper_plan=upper)
    with pytest.raises(Http404):
        alignment_start(by=world.other_provincial_clerk, plan=lower, upper_plan=upper)


def test_accept_all_above_the_threshold_leaves_the_weak_ones(plans, world):
    upper, lower, _other = plans
    alignment = alignment_start(by=world.provincial_clerk, plan=lower, upper_plan=upper)
    rows = _rows(alignment)
    threshold = sorted(r.score for r in rows.values() if r.score)[len(rows) // 2]
    count = alignment_accept_all_above(by=world.provincial_clerk, alignment=alignment, threshold=threshold)
    after = _rows(alignment)
    accepted = {k for k, r in after.items() if r.status == AlignmentStatus.ACCEPTED}
    assert count == len(accepted) > 0
    assert accepted == {k for k, r in rows.items() if r.score is not None and r.score >= threshold}
    with pytest.raises(ValidationError) as refused:
        alignment_accept_all_above(by=world.provincial_clerk, alignment=alignment, threshold="1.5")
    assert "threshold" in refused.value.message_dict


def test_coverage_follows_the_decisions(plans, world):
    upper, lower, _other = plans
    alignment = alignment_start(by=world.provincial_clerk, plan=lower, upper_plan=upper)
    report = alignment_coverage(alignment)
    uncovered = [it.title for it in report.uncovered]
    assert "拓展国际科技组织合作" in uncovered and "推进学会综合评估" not in uncovered
    # Nothing is decided: what is covered is covered by strong suggestions only.
    assert report.undecided == len(_rows(alignment)) and report.tentative == report.covered
    # Decide every item: only 整治休眠学会 and 建设科普基地 answer an upper task.
    for key, row in _rows(alignment).items():
        chosen = {"2.2": "清理整顿休眠学会", "3.1": "加强科普基地建设"}.get(key)
        alignment_decide(by=world.provincial_clerk, item_alignment=row,
                         upper_item=upper.items.get(title=chosen) if chosen else None)
    report = alignment_coverage(alignment)
    assert [it.title for it in report.uncovered] == ["推进学会综合评估", "深化国际交流", "拓展国际科技组织合作"]
    assert "开展学会评估" in [it.title for it in report.unaligned]
    assert "建设科普基地" not in [it.title for it in report.unaligned]
    assert (report.undecided, report.tentative, report.covered_count) == (0, [], len(report.upper_tasks) - 3)
    assert (report.partial, report.uncovered_count) == ([], 3)
    assert report.summary() == (f"上级任务{len(report.upper_tasks)}项：已覆盖{report.covered_count}项，部分对应待确认0项，"
                                "未覆盖3项：1.1 推进学会综合评估、3 深化国际交流、3.1 拓展国际科技组织合作")


# --- pages ----------------------------------------------------------------------------------------

def test_the_plan_page_offers_alignment_when_the_levels_above_have_plans(plans, world, signed_in):
    upper, lower, _other = plans
    client = signed_in(world.provincial_clerk)
    page = client.get(reverse("plans:detail", args=[lower.pk])).content.decode()
    assert "与上级规划对标" in page and reverse("plans:alignment", args=[lower.pk]) in page
    # The national plan has nothing above it.
    page = signed_in(world.national_clerk).get(reverse("plans:detail", args=[upper.pk])).content.decode()
    assert "与上级规划对标" not in page


def test_the_screen_starts_shows_and_decides(plans, world, signed_in):
    upper, lower, _other = plans
    client = signed_in(world.provincial_clerk)
    url = reverse("plans:alignment", args=[lower.pk])
    chooser = client.get(url).content.decode()
    assert upper.title in chooser and "上级组织的规划" in chooser
    response = client.post(url, {"upper_plan": upper.pk, "threshold": "0.28"})
    assert response.status_code == 302
    alignment = PlanAlignment.objects.get(plan=lower, upper_plan=upper)
    page = client.get(response["Location"]).content.decode()
    assert "推进学会综合评估" in page and "%" in page and "无对应" in page
    row = _rows(alignment)["2.1"]
    decide = reverse("plans:alignment_decide", args=[lower.pk, row.pk])
    fragment = client.post(decide, {"none": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert f'id="row-{row.pk}"' in fragment and "无对应" in fragment
    row.refresh_from_db()
    assert row.status == AlignmentStatus.NONE
    undecided = client.get(url, {"upper": upper.pk, "show": "undecided"}).content.decode()
    assert f'id="row-{row.pk}"' not in undecided


def test_the_search_box_lists_only_the_upper_plans_items(plans, world, signed_in):
    upper, lower, _other = plans
    alignment = alignment_start(by=world.provincial_clerk, plan=lower, upper_plan=upper)
    row = _rows(alignment)["2.2"]
    client = signed_in(world.provincial_clerk)
    found = client.get(reverse("plans:alignment_search", args=[lower.pk, row.pk]), {"q": "国际"}).content.decode()
    assert "拓展国际科技组织合作" in found and "开展学会评估" not in found
    international = upper.items.get(title="拓展国际科技组织合作")
    client.post(reverse("plans:alignment_decide", args=[lower.pk, row.pk]), {"upper_item": international.pk})
    row.refresh_from_db()
    assert row.status == AlignmentStatus.CHANGED and row.upper_item == international


def test_the_page_refuses_an_item_of_another_plan_with_a_message(plans, world, signed_in):
    upper, lower, other = plans
    alignment = alignment_start(by=world.provincial_clerk, plan=lower, upper_plan=upper)
    row = _rows(alignment)["2.1"]
    client = signed_in(world.provincial_clerk)
    decide = reverse("plans:alignment_decide", args=[lower.pk, row.pk])
    fragment = client.post(decide, {"upper_item": other.items.get(key="2.1").pk},
                           HTTP_HX_REQUEST="true").content.decode()
    assert "不是上级规划" in fragment and upper.title in fragment
    followed = client.post(decide, {"upper_item": lower.items.get(key="2.1").pk}, follow=True).content.decode()
    assert "不是上级规划" in followed
    row.refresh_from_db()
    assert row.status == AlignmentStatus.SUGGESTED


def test_a_plan_outside_the_scope_is_not_found(plans, world, signed_in):
    upper, lower, _other = plans
    alignment = alignment_start(by=world.provincial_clerk, plan=lower, upper_plan=upper)
    row = _rows(alignment)["2.1"]
    client = signed_in(world.other_provincial_clerk)
    assert client.get(reverse("plans:alignment", args=[lower.pk])).status_code == 404
    assert client.get(reverse("plans:alignment_coverage", args=[lower.pk])).status_code == 404
    assert client.post(reverse("plans:alignment_decide", args=[lower.pk, row.pk]), {"none": "1"}).status_code == 404


def test_a_row_of_another_plans_alignment_is_not_found_under_this_plan(plans, world, signed_in):
    upper, lower, _other = plans
    # 甲县's plan, kept and aligned by the province on the county's behalf (a county imports no plans).
    county_plan = confirmed_plan(world, clerk=world.provincial_clerk, organization=world.county_a,
                                 text=KEY_TASKS_2026.replace("甲省", "甲县"))
    theirs = _rows(alignment_start(by=world.provincial_clerk, plan=county_plan, upper_plan=lower))["2.1"]
    alignment_start(by=world.provincial_clerk, plan=lower, upper_plan=upper)
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("plans:alignment_decide", args=[lower.pk, theirs.pk]), {"none": "1"})
    assert response.status_code == 404


def test_the_coverage_page_and_its_export(plans, world, signed_in):
    upper, lower, _other = plans
    alignment = alignment_start(by=world.provincial_clerk, plan=lower, upper_plan=upper)
    client = signed_in(world.provincial_clerk)
    page = client.get(reverse("plans:alignment_coverage", args=[lower.pk])).content.decode()
    assert "上级任务" in page and "未覆盖" in page and "拓展国际科技组织合作" in page and "%" in page
    response = client.get(reverse("plans:alignment_coverage_export", args=[lower.pk]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming
                                        else response.content))
    sheet = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert ("3.1", "拓展国际科技组织合作", "未覆盖", None, None) in sheet
    assert (alignment_coverage(alignment).summary(), None, None, None, None) in sheet
    assert len(workbook.worksheets) == 2
    assert AuditLog.objects.filter(action="export", object_type="plans.planalignment",
                                   object_id=str(alignment.pk)).exists()
