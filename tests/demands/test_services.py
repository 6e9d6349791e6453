"""The demand services one by one: who may record and triage, the refusals with their reasons and
nothing half-saved, confidential demands seen only by those named, the board, the funnel's
periods and levels."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from kexie.audit.models import AuditLog
from kexie.demands import selectors, services
from kexie.demands.models import Application, Demand, DemandMilestone
from kexie.people.services import library_of
from tests.panels.helpers import expert
from tests.personas import make_external, make_user

DATA = {"enterprise_name": "甲县精密机械厂", "title": "主轴热变形补偿", "industry": "34", "field": "数控机床",
        "problem": "主轴升温后加工精度下降。", "goal": "热漂移小于5微米"}


def _demand(world, *, by=None, organization=None, **data):
    return services.demand_create(by=by or world.county_clerk, organization=organization or world.county_a,
                                  data={**DATA, **data})


def test_recording_checks_the_fields_and_saves_nothing_on_refusal(world):
    with pytest.raises(ValidationError) as refused:
        services.demand_create(by=world.county_clerk, organization=world.county_a, data={
            **DATA, "title": "", "industry": "99", "enterprise_credit_code": "123", "budget": "很多"},
            milestones=[{"title": ""}])
    assert set(refused.value.message_dict) == {"title", "industry", "enterprise_credit_code", "milestones"}
    with pytest.raises(ValidationError) as refused:
        _demand(world, budget="很多")
    assert "万元" in str(refused.value)
    assert not Demand.objects.exists() and not DemandMilestone.objects.exists()

    demand = _demand(world, budget="35.5", milestones=None)
    assert (demand.organization, demand.status, demand.budget, demand.submitted_by) == (
        world.county_a, "submitted", Decimal("35.50"), world.county_clerk)
    assert AuditLog.objects.filter(action="create", object_id=str(demand.pk)).exists()


def test_a_county_records_for_its_own_scope_only_and_cannot_triage(world):
    with pytest.raises(Http404):
        _demand(world, organization=world.county_b)
    demand = _demand(world)
    with pytest.raises(PermissionDenied):
        services.demand_accept(by=world.county_clerk, demand=demand)
    with pytest.raises(Http404):  # another province's staff do not find it
        services.demand_accept(by=world.other_provincial_clerk, demand=demand)


def test_an_enterprise_files_with_an_association_of_the_intake_list(world):
    account = make_external("boss@example.cn", full_name="钱厂长")
    with pytest.raises(ValidationError) as refused:
        _demand(world, by=account, organization=world.prov_a)
    assert "organization" in refused.value.message_dict
    demand = _demand(world, by=account)
    assert list(selectors.demands_visible(account)) == [demand]
    assert demand in selectors.demands_visible(world.provincial_clerk)
    assert not selectors.demands_visible(make_external("other@example.cn")).exists()


def test_a_confidential_demand_is_seen_by_its_recorder_and_the_staff_named_only(world):
    named = make_user("named_clerk", world.prov_a, ["provincial_clerk"], full_name="指定干事")
    demand = _demand(world, confidential=True, named_staff=[named])
    assert demand in selectors.demands_visible(world.county_clerk)
    assert demand in selectors.demands_visible(named)
    assert demand not in selectors.demands_visible(world.provincial_clerk)
    assert demand not in selectors.demands_visible(world.national_clerk)
    with pytest.raises(Http404):
        services.demand_accept(by=world.provincial_clerk, demand=demand)
    services.demand_accept(by=named, demand=demand)
    with pytest.raises(ValidationError) as refused:
        services.demand_publish(by=named, demand=demand, apply_until=timezone.localdate())
    assert "保密需求不能发榜" in str(refused.value)
    assert selectors.funnel(world.prov_a)["received"] == 1  # counted, though not shown


def test_triage_refusals_say_why(world):
    by = world.provincial_clerk
    demand, other = _demand(world), _demand(world, title="另一项需求")
    with pytest.raises(ValidationError) as refused:
        services.demand_return(by=by, demand=demand, reason=" ")
    assert refused.value.message_dict == {"reason": ["请填写退回理由。"]}
    with pytest.raises(ValidationError):
        services.demand_merge(by=by, demand=demand, into=demand)
    services.demand_return(by=by, demand=other, reason="不属于本地区企业")
    with pytest.raises(ValidationError):
        services.demand_merge(by=by, demand=demand, into=other)
    with pytest.raises(ValidationError) as refused:
        services.demand_accept(by=by, demand=other)
    assert "已退回" in str(refused.value)
    services.demand_accept(by=by, demand=demand)
    with pytest.raises(ValidationError):  # the day is past
        services.demand_publish(by=by, demand=demand, apply_until=timezone.localdate() - dt.timedelta(days=1))
    assert Demand.objects.get(pk=demand.pk).status == "accepted"
    assert AuditLog.objects.filter(action="return", object_id=str(other.pk)).exists()


def test_matching_again_keeps_the_released_experts(world):
    by = world.provincial_clerk
    first = expert(world, "方正", unit="甲省机械研究院", keywords="数控机床", industries=["34"])
    expert(world, "白雪", unit="甲省工业大学", keywords="数控机床", industries=["34"])
    expert(world, "蓝天", unit="甲省工业大学", keywords="数控机床", industries=["13"])  # another industry
    demand = _demand(world)
    services.demand_accept(by=by, demand=demand)
    shortlist = services.demand_match(by=by, demand=demand, library=library_of(world.prov_a))
    assert sorted(c.person.name for c in shortlist) == ["方正", "白雪"]
    released = next(c for c in shortlist if c.person_id == first.person_id)
    services.candidates_release(by=by, demand=demand, candidate_ids=[released])
    demand.refresh_from_db()
    assert demand.first_candidate_at is not None
    again = services.demand_match(by=by, demand=demand, library=library_of(world.prov_a))
    assert len(again) == 2 and released.pk in {c.pk for c in again}


def _open_call(world):
    by = world.provincial_clerk
    demand = _demand(world, milestones=None)
    services.demand_accept(by=by, demand=demand)
    services.demand_publish(by=by, demand=demand, apply_until=timezone.localdate() + dt.timedelta(days=10))
    return demand


def test_applications_while_the_call_is_on_the_board_and_the_direct_choice(world):
    by = world.provincial_clerk
    demand = _open_call(world)
    team = make_external("team@example.cn")
    with pytest.raises(ValidationError) as refused:
        services.application_submit(by=team, demand=demand, data={"team_name": "精机团队"})
    assert set(refused.value.message_dict) == {"lead_name", "proposal"}
    a = services.application_submit(by=team, demand=demand, data={
        "team_name": "精机团队", "lead_name": "钟工", "proposal": "温度场建模补偿"})
    b = services.application_submit(by=team, demand=demand, data={
        "team_name": "二队", "lead_name": "罗工", "proposal": "冷却改造"})
    with pytest.raises(ValidationError) as refused:
        services.application_check(by=by, application=b, eligible=False)
    assert "reason" in refused.value.message_dict
    services.application_check(by=by, application=b, eligible=False, reason="缺少单位证明")
    with pytest.raises(ValidationError):
        services.application_choose(by=by, application=b, amount=30)
    services.application_check(by=by, application=a, eligible=True)
    with pytest.raises(ValidationError):
        services.application_choose(by=by, application=a, amount="")
    services.application_choose(by=by, application=a, amount="30")  # no panel: staff choose directly
    demand.refresh_from_db()
    assert (demand.status, demand.contract_amount) == ("contracted", Decimal("30.00"))
    assert not selectors.board(team).exists()
    with pytest.raises(ValidationError):
        services.application_submit(by=team, demand=demand, data={
            "team_name": "迟到团队", "lead_name": "晚工", "proposal": "方案"})
    assert Application.objects.filter(demand=demand).count() == 2


def test_the_board_shows_open_calls_until_their_last_day(world):
    demand = _open_call(world)
    viewer = make_external("viewer@example.cn")
    assert list(selectors.board(viewer)) == [demand]
    Demand.objects.filter(pk=demand.pk).update(apply_until=timezone.localdate() - dt.timedelta(days=1))
    assert not selectors.board(viewer).exists()


def test_a_returned_milestone_is_reported_again_before_completion(world):
    by = world.provincial_clerk
    demand = services.demand_create(by=world.county_clerk, organization=world.county_a, data=DATA,
                                    milestones=[{"title": "样机", "due": dt.date(2027, 5, 1)}])
    services.demand_accept(by=by, demand=demand)
    services.demand_publish(by=by, demand=demand, apply_until=timezone.localdate())
    team = make_external("t@example.cn")
    a = services.application_submit(by=team, demand=demand, data={"team_name": "甲", "lead_name": "乙",
                                                                  "proposal": "丙"})
    services.application_check(by=by, application=a, eligible=True)
    services.application_choose(by=by, application=a, amount=10)
    milestone = demand.milestones.get()
    services.milestone_report(by=world.county_clerk, milestone=milestone, report="样机完成")
    with pytest.raises(ValidationError):
        services.milestone_accept(by=by, milestone=milestone, accept=False)
    services.milestone_accept(by=by, milestone=milestone, accept=False, note="缺少测试数据")
    demand.refresh_from_db()
    assert demand.status == "contracted"
    services.milestone_report(by=world.county_clerk, milestone=milestone, report="补充测试数据")
    services.milestone_accept(by=by, milestone=milestone, accept=True)
    demand.refresh_from_db()
    assert demand.status == "completed" and demand.completed_at is not None


def test_the_funnel_over_a_period_and_one_level_down(world):
    old, new = _demand(world), _demand(world, organization=world.city_a, by=world.provincial_clerk)
    Demand.objects.filter(pk=old.pk).update(received_at=timezone.now() - dt.timedelta(days=400))
    since = timezone.localdate() - dt.timedelta(days=30)
    assert selectors.funnel(world.prov_a)["received"] == 2
    assert selectors.funnel(world.prov_a, since=since)["received"] == 1
    assert selectors.funnel(world.county_a, since=since)["received"] == 0
    rows = [(org.pk, figures["received"]) for org, figures in selectors.funnel_by_child(world.city_a)]
    assert rows == [(world.city_a.pk, 1), (world.county_a.pk, 1)]
    assert new.pk != old.pk
    empty = selectors.funnel(world.prov_b)
    assert (empty["received"], empty["amount"], empty["median_days_to_candidate"]) == (0, 0, None)


def test_the_enterprise_is_told_of_a_return_and_of_experts_released(world):
    from kexie.notifications.models import Notification

    account = make_external("factory@example.cn", full_name="厂方联系人")
    by = world.provincial_clerk
    returned = _demand(world, by=account, title="描述过简的需求")
    services.demand_return(by=by, demand=returned, reason="请补充技术指标")
    expert(world, "方正", unit="甲省机械研究院", keywords="数控机床", industries=["34"])
    demand = _demand(world, by=account)
    services.demand_accept(by=by, demand=demand)
    shortlist = services.demand_match(by=by, demand=demand, library=library_of(world.prov_a))
    services.candidates_release(by=by, demand=demand, candidate_ids=[c.pk for c in shortlist])
    told = Notification.objects.filter(recipient=account).order_by("pk")
    assert [n.kind for n in told] == ["demand", "demand"]
    assert "请补充技术指标" in told[0].body and "1位专家" in told[1].body
    assert told[1].url.endswith(f"/{demand.pk}/")


def test_only_staff_can_be_named_on_a_confidential_demand(world):
    outsider = make_external("outsider@example.cn")
    with pytest.raises(ValidationError) as refused:
        _demand(world, confidential=True, named_staff=[outsider])
    assert "named_staff" in refused.value.message_dict
    assert not Demand.objects.exists()
