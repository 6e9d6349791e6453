"""The ledger pages: tracked items of the plans a user may see, filtered, sorted and paginated."""

import datetime as dt

import pytest
from django.urls import reverse

from kexie.plans.models import PlanItem
from tests.plans.ledger_world import add_departments, confirmed_plan

MANY_TASKS = "甲省科协2026年专项任务清单\n\n一、专项任务\n" + "".join(
    f"{n}.专项任务第{n}项。完成相关工作。（办公室牵头）\n" for n in range(1, 31))


@pytest.fixture
def ledger(world):
    world.departments = add_departments(world)
    world.plan = confirmed_plan(world)
    return world


def _titles(response):
    return [row["item"].title for row in response.context["rows"]]


def test_it_lists_the_tracked_items_with_units_deadlines_targets_and_status_in_chinese(ledger, signed_in):
    response = signed_in(ledger.provincial_clerk).get(reverse("ledger:plan", args=[ledger.plan.pk]))
    assert response.status_code == 200
    assert _titles(response) == ["深化理论学习", "推进学会党建", "开展学会评估", "整治休眠学会", "建设科普基地"]
    html = response.content.decode()
    for text in ("序号", "牵头单位", "配合单位", "完成时限", "≥20家", "10个", "≥3期", "学会学术部", "组织人事部",
                 "2026-06-30", "未开始", "导出", "导入修正"):
        assert text in html, text
    assert "各市科协<small class=\"muted\">（未指定）</small>" in html
    assert "加强党的政治建设" in html  # the parent is shown with its task


def test_the_unit_filter_matches_assignments_anywhere_in_the_units_subtree(ledger, signed_in):
    client = signed_in(ledger.provincial_clerk)
    url = reverse("ledger:all")
    society_dept = ledger.departments["学会学术部"]
    assert _titles(client.get(url, {"unit": society_dept.pk})) == ["推进学会党建", "开展学会评估", "整治休眠学会"]
    # The province itself: every item assigned to one of its departments.
    assert len(_titles(client.get(url, {"unit": ledger.prov_a.pk}))) == 5
    assert _titles(client.get(url, {"unit": ledger.city_a.pk})) == []


def test_kind_status_deadline_and_text_filters_narrow_the_ledger(ledger, signed_in):
    client = signed_in(ledger.provincial_clerk)
    url = reverse("ledger:all")
    PlanItem.objects.filter(plan=ledger.plan, title="开展学会评估").update(status="completed")
    assert _titles(client.get(url, {"status": "completed"})) == ["开展学会评估"]
    assert _titles(client.get(url, {"due_before": "2026-07-01"})) == ["推进学会党建"]
    assert "推进学会党建" not in _titles(client.get(url, {"due_after": "2026-07-01"}))
    assert _titles(client.get(url, {"q": "科普"})) == ["建设科普基地"]
    assert _titles(client.get(url, {"kind": "goal"})) == []
    response = client.get(url, {"due_after": "2026-12-01", "due_before": "2026-01-01"})
    assert "完成时限的结束日期早于开始日期" in response.content.decode()


def test_columns_sort_both_ways(ledger, signed_in):
    client = signed_in(ledger.provincial_clerk)
    url = reverse("ledger:plan", args=[ledger.plan.pk])
    assert _titles(client.get(url, {"sort": "due"}))[0] == "推进学会党建"
    assert _titles(client.get(url, {"sort": "-due"}))[-1] == "推进学会党建"
    assert _titles(client.get(url, {"sort": "-key"}))[0] == "建设科普基地"
    leads = _titles(client.get(url, {"sort": "lead"}))
    assert leads[0] == "深化理论学习"  # 办公室 before 学会部 and 科普部
    assert _titles(client.get(url, {"sort": "nonsense"}))[0] == "深化理论学习"


def test_it_pages_by_25(ledger, signed_in):
    plan = confirmed_plan(ledger, text=MANY_TASKS)
    client = signed_in(ledger.provincial_clerk)
    url = reverse("ledger:plan", args=[plan.pk])
    first, second = client.get(url), client.get(url, {"page": 2})
    assert len(first.context["rows"]) == 25 and len(second.context["rows"]) == 5
    assert _titles(second)[-1] == "专项任务第30项"


def test_another_provinces_plan_is_not_found_and_not_listed(ledger, signed_in):
    client = signed_in(ledger.other_provincial_clerk)
    assert client.get(reverse("ledger:plan", args=[ledger.plan.pk])).status_code == 404
    assert _titles(client.get(reverse("ledger:all"))) == []
    # Nor can a plan outside the scope be chosen in the filter.
    response = client.get(reverse("ledger:all"), {"plan": ledger.plan.pk})
    assert response.context["form"].errors.get("plan")


def test_a_county_clerk_sees_only_plans_of_the_county(ledger, signed_in):
    county_plan = confirmed_plan(ledger, clerk=ledger.county_clerk, organization=ledger.county_a,
                                 title="甲县科协2026年重点任务")
    response = signed_in(ledger.county_clerk).get(reverse("ledger:all"))
    assert {row["item"].plan_id for row in response.context["rows"]} == {county_plan.pk}


def test_an_overdue_task_is_marked(ledger, signed_in, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: dt.date(2026, 7, 1))
    response = signed_in(ledger.provincial_clerk).get(reverse("ledger:plan", args=[ledger.plan.pk]))
    overdue = [row["item"].title for row in response.context["rows"] if row["overdue"]]
    assert overdue == ["推进学会党建"]
    assert "已逾期" in response.content.decode()


def test_across_plans_only_plans_in_force_are_listed_but_a_superseded_plan_keeps_its_page(ledger, signed_in):
    from kexie.plans.models import Plan

    Plan.objects.filter(pk=ledger.plan.pk).update(status="superseded")
    client = signed_in(ledger.provincial_clerk)
    assert _titles(client.get(reverse("ledger:all"))) == []
    assert len(_titles(client.get(reverse("ledger:plan", args=[ledger.plan.pk])))) == 5
