"""A small service world for the visits tests: experts kept by 甲省科协, a city clerk at 甲市科协
who may see visits (an owner of follow-ups and contacts), and a team with its roster."""

import datetime as dt
from dataclasses import dataclass

from kexie.people.models import Person
from kexie.visits import services
from tests.personas import make_user

TODAY = dt.date(2026, 6, 15)


@dataclass
class Service:
    team: object
    leader: Person
    expert: Person
    academician: Person
    outsider: Person
    city_clerk: object


def build(world) -> Service:
    by = world.provincial_clerk
    leader = Person.objects.create(organization=world.prov_a, name="岳明川", title="研究员", disciplines=["210"])
    expert = Person.objects.create(organization=world.city_a, name="宁知秋", title="高级农艺师")
    academician = Person.objects.create(organization=world.prov_a, name="程远山", title="院士")
    outsider = Person.objects.create(organization=world.prov_b, name="闻予安")
    city_clerk = make_user("city_clerk", world.city_a, ["city_clerk"], full_name="甲市干事")
    team = services.team_create(by=by, organization=world.prov_a, data={
        "name": "甲省农业科技服务团", "kind": "service", "mission": "小麦绿色高产技术下乡",
        "disciplines": ["210"], "industries": ["01"], "starts_on": dt.date(2026, 3, 1),
        "ends_on": dt.date(2026, 12, 31)})
    services.member_add(by=by, team=team, person=leader, role="leader")
    services.member_add(by=by, team=team, person=expert)
    return Service(team=team, leader=leader, expert=expert, academician=academician, outsider=outsider,
                   city_clerk=city_clerk)


def visit(world, s: Service, *, date=dt.date(2026, 5, 10), due=dt.date(2026, 6, 1), owner=None, **data):
    fields = {"date": date, "place": "甲县农业示范园", "county": world.county_a, "problem": "小麦条锈病多发",
              "advice": "推广抗病品种，统一防治", "followup_owner": s.city_clerk if owner is None else owner, "followup_due": due}
    fields.update(data)
    if fields["followup_owner"] is False:
        fields["followup_owner"] = fields["followup_due"] = None
    return services.visit_log(by=world.provincial_clerk, organization=None, team=s.team, data=fields,
                              persons=[s.leader, s.expert], today=TODAY)
