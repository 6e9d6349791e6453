"""Handing an upper task down (下达): each subordinate gets a linked task with its share of the targets."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from kexie.audit.models import AuditLog
from kexie.plans.models import Assignment, Plan, PlanItem
from kexie.tracking.models import Cascade, CascadeLedger, TargetCascade
from kexie.tracking.services import task_cascade


def test_each_province_gets_a_linked_task_in_its_own_ledger_with_its_share(world, national, cascaded):
    assert cascaded.jia.plan.organization == world.prov_a
    assert cascaded.yi.plan.organization == world.prov_b
    assert cascaded.jia.plan.title == "中国科协2026年深化改革重点任务（下达任务）"
    assert (cascaded.jia.plan.period_start, cascaded.jia.plan.period_end) == (
        national.plan.period_start, national.plan.period_end)
    assert (cascaded.jia.title, cascaded.jia.due, cascaded.jia.kind) == ("建设科普基地", national.task.due, "task")
    assert list(Assignment.objects.filter(item=cascaded.jia).values_list("role", "organization_id")) == [
        ("lead", world.prov_a.pk)]
    assert (cascaded.jia_target.min_value, cascaded.jia_target.max_value) == (Decimal(60), None)
    assert (cascaded.yi_target.min_value, cascaded.yi_target.unit) == (Decimal(40), "个")
    assert TargetCascade.objects.get(target=cascaded.jia_target).cascaded_from == national.target
    assert Cascade.objects.get(child=cascaded.yi).source == national.task
    assert AuditLog.objects.filter(action="cascade", object_id=str(national.task.pk)).count() == 1


def test_a_second_task_reuses_the_provinces_ledger(world, national, cascaded):
    [cascade] = task_cascade(by=world.national_clerk, item=national.other_task, organizations=[world.prov_a])
    assert cascade.child.plan == cascaded.jia.plan
    assert cascade.child.key == "2"
    assert CascadeLedger.objects.filter(organization=world.prov_a).count() == 1
    # Without a share, the organisations split the target equally: here one takes all 20.
    assert cascade.child.targets.get().min_value == Decimal(20)


def test_without_shares_the_target_is_split_equally(world, national):
    cascades = task_cascade(by=world.national_clerk, item=national.task,
                            organizations=[world.prov_a, world.prov_b, world.society])
    values = [c.child.targets.get().min_value for c in cascades]
    assert values == [Decimal("33.3333")] * 3


def test_a_province_can_hand_its_cascaded_task_down_again(world, national, cascaded):
    [to_city] = task_cascade(by=world.provincial_clerk, item=cascaded.jia, organizations=[world.city_a],
                             shares={world.city_a.pk: {cascaded.jia_target.pk: "12"}})
    ledger = CascadeLedger.objects.get(plan=to_city.child.plan)
    assert (ledger.source_plan, ledger.root_plan) == (cascaded.jia.plan, national.plan)
    assert to_city.child.targets.get().min_value == Decimal(12)
    # Named after the plan the task came from, not "…（下达任务）（下达任务）".
    assert to_city.child.plan.title == "中国科协2026年深化改革重点任务（下达任务）"


def test_it_refuses_organisations_that_are_not_below_the_issuer_or_outside_scope(world, national, cascaded):
    plans_before, items_before = Plan.objects.count(), PlanItem.objects.count()
    with pytest.raises(ValidationError) as error:
        task_cascade(by=world.provincial_clerk, item=cascaded.jia, organizations=[world.city_a, world.prov_b])
    assert "乙省科学技术协会不是您权限范围内甲省科学技术协会的下级组织" in error.value.message_dict["organizations"][0]
    with pytest.raises(ValidationError) as error:
        task_cascade(by=world.national_clerk, item=national.task, organizations=[world.prov_a])
    assert "该任务已下达给甲省科学技术协会" in error.value.message_dict["organizations"][0]
    with pytest.raises(Http404):
        task_cascade(by=world.provincial_clerk, item=national.other_task, organizations=[world.city_a])
    assert (Plan.objects.count(), PlanItem.objects.count()) == (plans_before, items_before)


def test_a_share_that_is_not_a_number_is_refused_naming_the_organisation(world, national):
    with pytest.raises(ValidationError) as error:
        task_cascade(by=world.national_clerk, item=national.task, organizations=[world.prov_a, world.prov_b],
                     shares={world.prov_a: {national.target: "六十"}})
    assert error.value.message_dict["shares"] == [
        "甲省科学技术协会：指标“新建全国科普教育基地100个”的分解值必须是数字，不能是“六十”。"]
    assert not Cascade.objects.exists() and not CascadeLedger.objects.exists()


def test_sections_are_not_handed_down(world, national):
    section = national.plan.items.get(key="1")
    with pytest.raises(ValidationError):
        task_cascade(by=world.national_clerk, item=section, organizations=[world.prov_a])
