"""An S&T worker with records in several services, each made through that service: a seat on a
review panel (invited), a nomination naming their person, a proposal, a demand they filed, an
open-call application and an expert library entry; and another worker with records of their own."""

import dataclasses
import datetime as dt

from django.utils import timezone

from kexie.awards import services as awards
from kexie.demands import services as demands
from kexie.panels import services as panels
from kexie.people import services as people
from kexie.proposals import services as proposals
from tests.panels.helpers import build
from tests.personas import make_external

DEMAND = {"enterprise_name": "中牟县绿野农机合作社", "contact_name": "韩磊", "contact_phone": "13900000031",
          "title": "大蒜播种机漏播检测", "industry": "03", "field": "农业机械",
          "problem": "播种机漏播率高，人工补种成本大。", "goal": "漏播率降到百分之二以下。", "budget": 40}
CALL = {"enterprise_name": "甲县金穗面业有限公司", "contact_name": "吕晴", "contact_phone": "13900000032",
        "title": "小麦粉低温研磨工艺", "industry": "13", "field": "粮食加工",
        "problem": "研磨温度高，面筋受损。", "goal": "研磨温升不超过十度。", "budget": 80}
TEAM = {"team_name": "郑州粮食学院研磨团队", "lead_name": "冯自由1", "lead_unit": "庚大学1",
        "members": "", "proposal": "冷风循环分段研磨。", "quoted_amount": "60"}


@dataclasses.dataclass
class Records:
    worker: object
    other: object
    round: object
    nomination: object
    proposal: object
    demand: object
    application: object
    other_proposal: object
    other_demand: object
    other_nomination: object


def _campaign(world):
    by = world.provincial_clerk
    campaign = proposals.campaign_create(by=by, organization=world.prov_a, data={
        "title": "2026年度县域科技创新建言征集", "kind": "soft_topic", "theme": "县域科技服务",
        "opens_on": dt.date(2026, 1, 1), "closes_on": timezone.localdate() + dt.timedelta(days=30)})
    return proposals.campaign_open(by=by, campaign=campaign)


def _call(world):
    by = world.national_clerk
    call = awards.call_create(by=by, organization=world.cast, data={
        "title": "2026年青年科技人才推荐", "kind": "lift", "year": 2026, "rules": []})
    awards.channel_set(by=by, call=call, organization=world.prov_a, quota=3, kind="省级科协")
    return awards.call_open(by=by, call=call)


def build_records(world) -> Records:
    """Two external workers linked to person records: 冯自由1 (the worker) and 冯自由2 (the other)."""
    by = world.provincial_clerk
    round, _a, _b, x = build(world)
    worker = make_external("feng1@example.cn", full_name="冯自由1")
    other = make_external("feng2@example.cn", full_name="冯自由2")
    people.person_link_account(by=by, person=x["free1"].person, address="feng1@example.cn")
    people.person_link_account(by=by, person=x["free2"].person, address="feng2@example.cn")
    panels.seat_add(by=by, round=round, entry=x["free1"])
    panels.seats_invite(by=by, round=round)

    call = _call(world)
    nomination = awards.nominate(by=by, call=call, organization=world.prov_a, nominee=x["free1"].person)
    other_nomination = awards.nominate(by=by, call=call, organization=world.prov_a, nominee=x["free2"].person)

    campaign = _campaign(world)
    proposal = proposals.submission_submit_mine(by=worker, campaign=campaign, data={
        "title": "关于设立乡镇农技服务驿站的建议", "text": "一、现状\n农技服务到村难。\n二、建议\n每个乡镇设驿站。"})
    other_proposal = proposals.submission_submit_mine(by=other, campaign=campaign, data={
        "title": "关于县域科普大篷车常态化的建议", "text": "建议按月巡回。"})

    demand = demands.demand_create(by=worker, organization=world.county_a, data=DEMAND, milestones=[])
    other_demand = demands.demand_create(by=other, organization=world.county_a,
                                         data={**DEMAND, "title": "温室卷帘机远程控制"}, milestones=[])

    published = demands.demand_create(by=world.county_clerk, organization=world.county_a, data=CALL,
                                      milestones=[{"title": "中试", "due": dt.date(2027, 6, 1)}])
    demands.demand_accept(by=by, demand=published)
    demands.demand_publish(by=by, demand=published, apply_until=timezone.localdate() + dt.timedelta(days=30))
    application = demands.application_submit(by=worker, demand=published, data=TEAM)
    return Records(worker=worker, other=other, round=round, nomination=nomination, proposal=proposal, demand=demand,
                   application=application, other_proposal=other_proposal, other_demand=other_demand,
                   other_nomination=other_nomination)
