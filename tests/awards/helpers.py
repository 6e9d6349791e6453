"""A national call with two provincial channels, nominees kept by the provinces and a national
expert library holding one nominee's recommender."""

import datetime as dt

from kexie.awards import services
from kexie.people import services as people

TODAY = dt.date(2026, 12, 1)
FORM = [{"code": "merit", "name": "学术水平", "max": 60}, {"code": "promise", "name": "发展潜力", "max": 40}]
AGE_RULE = {"rule": "max_age", "age": 40, "on": "2025-12-31"}


def person(by, organization, name, born="1990-05-01", unit="某研究院"):
    return people.person_create(by=by, organization=organization, data={"name": name, "birth_date": born},
                                positions=[{"unit_name": unit}])


def open_call(world, *, kind="lift", quota_a=2, quota_b=1, rules=(AGE_RULE,)):
    by = world.national_clerk
    call = services.call_create(by=by, organization=world.cast, data={
        "title": "2026年青年人才托举工程", "kind": kind, "year": 2026, "rules": list(rules)})
    services.channel_set(by=by, call=call, organization=world.prov_a, quota=quota_a, kind="省级科协")
    services.channel_set(by=by, call=call, organization=world.prov_b, quota=quota_b, kind="省级科协")
    services.call_open(by=by, call=call)
    return call


def expert(world, name, p=None):
    by = world.national_clerk
    p = p or person(by, world.cast, name, unit=f"{name}大学")
    return people.entry_add(by=by, organization=world.cast, person=p, data={"keywords": "材料"})
