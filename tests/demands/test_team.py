"""The chosen team and the milestones from the services: the team's own account reports (no one
else's external account does; nothing is reported twice or after acceptance), who is told of a
report and of a decision, the staff named on a confidential demand changed by a manager, and the
station that collected a demand."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kexie.audit.models import AuditLog
from kexie.demands import services
from kexie.demands.models import Demand, DemandStatus
from kexie.notifications.models import Notification
from kexie.stations.models import Station
from tests.personas import make_external, make_user

DATA = {"enterprise_name": "甲县精密机械厂", "title": "主轴热变形补偿", "industry": "34", "field": "数控机床",
        "problem": "主轴升温后加工精度下降。", "goal": "热漂移小于5微米"}
TEAM = {"team_name": "精机团队", "lead_name": "钟工", "proposal": "温度场建模补偿"}


def contracted(world, *, milestones=("样机", "中试")):
    """A demand of 甲县 published and contracted to a team of its own external account; the
    team's account, another team's account (applied, not chosen) and the demand."""
    by = world.provincial_clerk
    demand = services.demand_create(by=world.county_clerk, organization=world.county_a, data=DATA,
                                    milestones=[{"title": t, "due": dt.date(2027, 5, n)} for n, t in
                                                enumerate(milestones, 1)])
    services.demand_accept(by=by, demand=demand)
    services.demand_publish(by=by, demand=demand, apply_until=timezone.localdate())
    team, other = make_external("team@example.cn", full_name="钟工"), make_external("other@example.cn")
    chosen = services.application_submit(by=team, demand=demand, data=TEAM)
    services.application_submit(by=other, demand=demand, data={**TEAM, "team_name": "二队"})
    services.application_check(by=by, application=chosen, eligible=True)
    services.application_choose(by=by, application=chosen, amount=30)
    return team, other, Demand.objects.get(pk=demand.pk)


def told(user) -> list[Notification]:
    """What ``user`` was told about milestones (not the choice of the team)."""
    return list(Notification.objects.filter(recipient=user, dedupe_key__contains="milestone").order_by("pk"))


def test_the_chosen_team_reports_its_own_milestone(world):
    team, other, demand = contracted(world)
    first = demand.milestones.order_by("position").first()
    with pytest.raises(PermissionDenied):  # a team that was not chosen
        services.milestone_report(by=other, milestone=first, report="冒名报告")
    with pytest.raises(PermissionDenied):  # staff without demand.submit
        services.milestone_report(by=world.no_role_user, milestone=first, report="报告")
    with pytest.raises(ValidationError) as refused:
        services.milestone_report(by=team, milestone=first, report="  ")
    assert "report" in refused.value.message_dict

    services.milestone_report(by=team, milestone=first, report="样机完成，热漂移4微米")
    first.refresh_from_db()
    assert (first.status, first.report) == ("reported", "样机完成，热漂移4微米")
    row = AuditLog.objects.get(action="submit", object_type="demands.demandmilestone", object_id=str(first.pk))
    assert (row.user_id, row.detail, row.new_values["status"]) == (team.pk, "team", "reported")
    with pytest.raises(ValidationError) as refused:
        services.milestone_report(by=team, milestone=first, report="再报一次")
    assert refused.value.message_dict["report"] == ["该里程碑已报告。"]

    services.milestone_accept(by=world.provincial_clerk, milestone=first, accept=True)
    with pytest.raises(ValidationError) as refused:
        services.milestone_report(by=team, milestone=first, report="验收后再报")
    assert refused.value.message_dict["report"] == ["该里程碑已验收，不能再次报告。"]
    first.refresh_from_db()
    assert (first.status, first.report) == ("accepted", "样机完成，热漂移4微米")


def test_the_team_cannot_report_before_the_contract_or_on_another_call(world):
    team, _other, demand = contracted(world)
    services.demand_create(by=world.county_clerk, organization=world.county_a, data=DATA,
                           milestones=[{"title": "别的需求的节点"}])
    elsewhere = Demand.objects.exclude(pk=demand.pk).get().milestones.get()
    with pytest.raises(PermissionDenied):
        services.milestone_report(by=team, milestone=elsewhere, report="不是我们的")
    Demand.objects.filter(pk=demand.pk).update(status=DemandStatus.COMPLETED)
    with pytest.raises(ValidationError):
        services.milestone_report(by=team, milestone=demand.milestones.first(), report="已结束")


def test_a_report_tells_the_holders_demand_staff_and_a_decision_tells_the_team_and_the_reporter(world):
    colleague = make_user("county_colleague", world.county_a, ["county_clerk"], full_name="甲县同事")
    team, other, demand = contracted(world)
    first, second = demand.milestones.order_by("position")

    services.milestone_report(by=team, milestone=first, report="样机完成")
    assert [n.title for n in told(world.county_clerk)] == ["里程碑已报告：样机"]
    assert len(told(colleague)) == 1 and told(colleague)[0].url.endswith(f"/demands/{demand.pk}/")
    assert told(team) == told(other) == told(world.provincial_clerk) == []  # not the province: 甲县 holds it

    services.milestone_accept(by=world.provincial_clerk, milestone=first, accept=False, note="缺少测试数据")
    returned = told(team)
    assert [n.title for n in returned] == ["里程碑被退回：样机"] and "缺少测试数据" in returned[0].body
    assert returned[0].url.endswith("/demands/applications/mine/") and returned[0].kind == "demand"
    assert told(world.provincial_clerk) == [] and told(other) == []

    # Reported by the county's clerk: the colleague hears of it, the clerk does not hear of its own
    # report; the acceptance goes to the team and to the clerk who reported it.
    services.milestone_report(by=world.county_clerk, milestone=second, report="中试完成")
    assert len(told(colleague)) == 2 and len(told(world.county_clerk)) == 1
    services.milestone_accept(by=world.provincial_clerk, milestone=second, accept=True)
    assert [n.title for n in told(world.county_clerk)][-1] == "里程碑已验收：中试"
    assert [n.title for n in told(team)][-1] == "里程碑已验收：中试"
    assert len(told(colleague)) == 2 and told(world.provincial_clerk) == []


def test_a_report_on_a_confidential_demand_tells_the_named_staff_only(world):
    colleague = make_user("county_colleague", world.county_a, ["county_clerk"], full_name="甲县同事")
    demand = services.demand_create(by=world.county_clerk, organization=world.county_a,
                                    data={**DATA, "confidential": True, "named_staff": [world.provincial_clerk]},
                                    milestones=[{"title": "样机"}])
    Demand.objects.filter(pk=demand.pk).update(status=DemandStatus.CONTRACTED)
    services.milestone_report(by=world.county_clerk, milestone=demand.milestones.get(), report="样机完成")
    assert [n.title for n in told(world.provincial_clerk)] == ["里程碑已报告：样机"]
    assert told(colleague) == []


def test_the_receivers_are_read_in_two_queries(world, django_assert_num_queries):
    for n in range(4):
        make_user(f"county_staff_{n}", world.county_a, ["county_clerk"])
    make_user("county_no_role", world.county_a, [])
    make_external("county_outsider@example.cn")
    with django_assert_num_queries(2):
        found = services._receivers(world.county_a)
    assert [u.username for u in found] == ["county_clerk", *[f"county_staff_{n}" for n in range(4)]]


def _confidential(world):
    """A confidential demand of 甲县 its clerk recorded, naming the provincial clerk (who manages)."""
    return services.demand_create(by=world.county_clerk, organization=world.county_a,
                                  data={**DATA, "confidential": True, "named_staff": [world.provincial_clerk]})


def test_a_manager_changes_the_staff_named_on_a_confidential_demand(world):
    demand = _confidential(world)
    colleague = make_user("county_colleague", world.county_a, ["county_clerk"], full_name="甲县同事")
    services.demand_set_staff(by=world.provincial_clerk, demand=demand, users=[world.provincial_clerk, colleague])
    assert set(demand.named_staff.all()) == {world.provincial_clerk, colleague}
    row = AuditLog.objects.get(action="update", detail="named_staff", object_id=str(demand.pk))
    assert row.old_values == {"named_staff": [world.provincial_clerk.pk]}
    assert row.new_values == {"named_staff": sorted([world.provincial_clerk.pk, colleague.pk])}


@pytest.mark.parametrize("who", ["nobody", "no_view", "above", "other_province", "external"])
def test_naming_staff_refuses_anyone_outside_the_holders_subtree_or_without_the_view(world, who):
    """Only the holder's subtree (and the manager acting, who already sees it): not the city above."""
    demand = _confidential(world)
    users = {"nobody": [], "no_view": [make_user("county_no_role", world.county_a, [])],
             "above": [make_user("city_staff", world.city_a, ["city_clerk"])],
             "other_province": [world.other_provincial_clerk],
             "external": [make_external("outsider@example.cn")]}[who]
    with pytest.raises(ValidationError) as refused:
        services.demand_set_staff(by=world.provincial_clerk, demand=demand, users=users)
    assert list(refused.value.message_dict) == ["named_staff"]
    assert "工作人员" in refused.value.message_dict["named_staff"][0]
    assert list(demand.named_staff.all()) == [world.provincial_clerk]
    assert not AuditLog.objects.filter(detail="named_staff").exists()


def test_only_a_manager_who_sees_it_names_staff_and_only_on_a_confidential_demand(world):
    demand = _confidential(world)
    with pytest.raises(PermissionDenied):  # a county clerk does not manage demands
        services.demand_set_staff(by=world.county_clerk, demand=demand, users=[world.county_clerk])
    open_demand = services.demand_create(by=world.county_clerk, organization=world.county_a, data=DATA)
    with pytest.raises(ValidationError) as refused:
        services.demand_set_staff(by=world.provincial_clerk, demand=open_demand, users=[world.county_clerk])
    assert refused.value.message_dict["named_staff"] == ["只有保密需求才需要指定工作人员。"]


def _station(org, name):
    return Station.objects.create(type="society_service", name=name, organization=org, host_unit="甲县高新区")


def test_the_station_that_collected_a_demand_is_one_under_the_holding_association(world):
    own = _station(world.county_a, "甲县学会服务站")
    for outside in (_station(world.prov_a, "甲省学会服务站"), _station(world.county_b, "乙县学会服务站")):
        with pytest.raises(ValidationError) as refused:
            services.demand_create(by=world.county_clerk, organization=world.county_a,
                                   data={**DATA, "station": outside})
        assert refused.value.message_dict["station"] == ["请选择在受理科协或其下级科协登记的服务站。"]
    assert not Demand.objects.exists()
    demand = services.demand_create(by=world.county_clerk, organization=world.county_a,
                                    data={**DATA, "station": own.pk})
    assert demand.station == own and list(own.demands.all()) == [demand]
    row = AuditLog.objects.get(action="create", object_type="demands.demand", object_id=str(demand.pk))
    assert row.new_values["station_id"] == own.pk
    held_above = services.demand_create(by=world.provincial_clerk, organization=world.prov_a,
                                        data={**DATA, "station": own})
    assert held_above.station == own  # the province's subtree holds the county's station
