"""Builders for the volunteer tests: a team, an opportunity with roles, a volunteer with an
external account linked to their person record."""

import datetime as dt

from django.utils import timezone

from kexie.people.models import Person
from kexie.volunteers import services
from tests.personas import make_external

START = timezone.make_aware(dt.datetime(2026, 9, 20, 9, 0))


def team(world, *, org=None, by=None, name="甲省科技志愿服务支队", level="detachment", parent=None):
    return services.team_create(by=by or world.provincial_clerk, organization=org or world.prov_a,
                                data={"name": name, "level": level, "parent": parent})


def opportunity(world, *, org=None, by=None, title="科普日科技馆讲解服务", starts=START, hours=8, roles=(("讲解员", 2),),
                team=None, activity=None):
    return services.opportunity_create(by=by or world.provincial_clerk, organization=org or world.prov_a, data={
        "title": title, "place": "甲省科技馆", "starts_at": starts, "ends_at": starts + dt.timedelta(hours=hours),
        "team": team, "activity": activity}, roles=roles)


def volunteer(world, *, name="李志愿", address="li.zhiyuan@example.cn", org=None):
    """An external account with its person record (kept by ``org``, default 甲省)."""
    user = make_external(address, full_name=name)
    person = Person.objects.create(organization=org or world.prov_a, name=name, account=user)
    return user, person
