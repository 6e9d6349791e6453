"""A demand from a county to its acceptance: recorded by the county, matched by the province (the
expert who works at the enterprise kept off with the reason), published as an open call, two
teams apply, the panel chooses one, two milestones are accepted; the funnel at county, province
and national level counts exactly what happened, merged duplicates once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kexie.demands import selectors, services
from kexie.demands.models import Application, Demand
from kexie.panels import services as panels
from kexie.people.services import library_of
from tests.panels.helpers import expert
from tests.personas import make_external

DEMAND = {"enterprise_name": "甲县新材料有限公司", "contact_name": "陈经理", "contact_phone": "0371-5550123",
          "title": "陶瓷基复合材料烧结开裂", "industry": "30", "field": "陶瓷烧结",
          "problem": "大尺寸陶瓷基复合材料构件烧结后开裂，成品率不足六成。",
          "goal": "成品率提高到九成以上", "budget": "120"}


def _experts(world):
    """Four experts on ceramic sintering, one of them employed by the enterprise; one unrelated."""
    kept = [expert(world, name, unit=unit, keywords="陶瓷烧结", industries=["30"])
            for name, unit in [("高明远", "甲省材料研究院"), ("孔令文", "甲省理工大学"), ("严慧", "乙省硅酸盐研究所"),
                               ("田守业", "甲县新材料有限公司")]]
    expert(world, "林果", unit="甲省农科院", keywords="果树栽培", industries=["01"])
    return kept


def _at(demand, days_ago):
    Demand.objects.filter(pk=demand.pk).update(received_at=timezone.now() - dt.timedelta(days=days_ago))


def test_a_county_demand_from_intake_to_acceptance_and_the_funnel_at_every_level(world):
    county, province = world.county_clerk, world.provincial_clerk
    experts = _experts(world)
    library = library_of(world.prov_a)

    demand = services.demand_create(by=county, organization=world.county_a, data=DEMAND, milestones=[
        {"title": "烧结工艺优化方案", "due": dt.date(2027, 3, 31)}, {"title": "中试验证", "due": dt.date(2027, 9, 30)}])
    _at(demand, 4)
    # A duplicate of it, merged; another demand returned; one at the city, one in the other province.
    duplicate = services.demand_create(by=county, organization=world.county_a, data=DEMAND)
    vague = services.demand_create(by=county, organization=world.county_a, data={**DEMAND, "title": "想要新技术"})
    city = services.demand_create(by=province, organization=world.city_a, data={**DEMAND, "title": "窑炉节能改造"})
    other = services.demand_create(by=world.other_provincial_clerk, organization=world.prov_b,
                                   data={**DEMAND, "title": "乙省需求"})

    services.demand_accept(by=province, demand=demand)
    services.demand_merge(by=province, demand=duplicate, into=demand)
    services.demand_return(by=province, demand=vague, reason="需求描述不具体，请补充技术指标")
    services.demand_accept(by=province, demand=city)

    candidates = services.demand_match(by=province, demand=demand, library=library)
    assert {c.person.name for c in candidates} == {e.person.name for e in experts}
    excluded = [c for c in candidates if c.excluded]
    assert [(c.person.name, c.exclusion_reason) for c in excluded] == [("田守业", "专家与被评对象同一单位")]
    assert all(c.reasons for c in candidates)
    kept = [c for c in candidates if not c.excluded]
    with pytest.raises(ValidationError):
        services.candidates_release(by=province, demand=demand, candidate_ids=[excluded[0].pk])
    services.candidates_release(by=province, demand=demand, candidate_ids=[c.pk for c in kept])

    services.demand_publish(by=province, demand=demand, apply_until=timezone.localdate() + dt.timedelta(days=30),
                            reward="研发经费120万元")
    team_a = make_external("team.a@example.cn", full_name="郭工")
    team_b = make_external("team.b@example.cn", full_name="宋工")
    assert list(selectors.board(team_a)) == [demand]
    a = services.application_submit(by=team_a, demand=demand, data={
        "team_name": "先进陶瓷课题组", "lead_name": "郭工", "lead_unit": "甲省理工大学材料学院",
        "proposal": "梯度升温与热等静压结合", "quoted_amount": "90"})
    b = services.application_submit(by=team_b, demand=demand, data={
        "team_name": "窑炉工艺团队", "lead_name": "宋工", "lead_unit": "乙省硅酸盐研究所", "proposal": "改进装窑方式"})
    for application in (a, b):
        services.application_check(by=province, application=application, eligible=True)

    round = services.review_start(by=province, demand=demand, library=library)
    assert round.kind == "open_call" and round.items.count() == 2
    outsider = expert(world, "韩立", unit="丙大学")
    seats = [panels.seat_add(by=province, round=round, entry=e) for e in (experts[0], experts[1], outsider)]
    panels.assignment_run(by=province, round=round)
    a_item, b_item = (Application.objects.get(pk=x.pk).review_item for x in (a, b))
    with pytest.raises(ValidationError):  # the panel has not decided yet
        services.application_choose(by=province, application=a, amount="90")
    for item, points in [(a_item, 35), (b_item, 25)]:
        for seat in seats:
            panels.score_submit(by=province, item=item, entry=seat.entry,
                                values={"plan": points, "team": 25, "cost": 25})
    panels.scoring_close(by=province, round=round)
    today = timezone.localdate()
    panels.notice_publish(by=province, round=round, start=today, end=today + dt.timedelta(days=5))
    panels.decisions_record(by=province, round=round, approved=[a_item])
    with pytest.raises(ValidationError):  # the panel did not approve it
        services.application_choose(by=province, application=b, amount="60")
    services.application_choose(by=province, application=a, amount="90")
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == ("chosen", "not_chosen")

    first, second = demand.milestones.all()
    with pytest.raises(ValidationError):
        services.milestone_accept(by=province, milestone=first, accept=True)
    for milestone in (first, second):
        services.milestone_report(by=county, milestone=milestone, report="完成并提交报告")
        services.milestone_accept(by=province, milestone=milestone, accept=True, note="通过验收")
    demand.refresh_from_db()
    assert demand.status == "completed"
    assert other.status == "submitted"

    county_figures = selectors.funnel(world.county_a)
    assert county_figures == {"received": 2, "accepted": 1, "routed": 1, "applied": 1, "contracted": 1,
                              "completed": 1, "amount": Decimal("90.00"),
                              "median_days_to_candidate": 4.0}
    assert selectors.funnel(world.prov_a) == county_figures | {"received": 3, "accepted": 2}
    assert selectors.funnel(world.cast) == county_figures | {"received": 4, "accepted": 2}
    rows = {org.pk: figures["received"] for org, figures in selectors.funnel_by_child(world.prov_a)}
    assert rows == {world.city_a.pk: 3}
