"""A review round of two items and an expert library with one planted conflict of each kind."""

import datetime as dt

from kexie.panels import services
from kexie.people import services as people
from kexie.people.models import Person

TODAY = dt.date(2026, 12, 1)
FORM = [{"code": "innovation", "name": "创新性", "max": 60}, {"code": "benefit", "name": "效益", "max": 40}]


def person(world, name, *, unit="", organization=None, email="", **data):
    by = world.provincial_clerk
    positions = [{"organization": organization, "role": "研究员"}] if organization else [{"unit_name": unit}]
    return people.person_create(by=by, organization=world.prov_a, data={"name": name, "email": email, **data},
                                positions=positions)


def expert(world, name, *, avoidances="", keywords="储能", **kwargs):
    p = person(world, name, **kwargs)
    return people.entry_add(by=world.provincial_clerk, organization=world.prov_a, person=p,
                            data={"keywords": keywords, "avoidances": avoidances})


def build(world, **round_data):
    """The round, its items A (of 甲市科协) and B (of 乙大学) and the experts by role."""
    by = world.provincial_clerk
    nominee_a = person(world, "赵一鸣", unit="甲市电力公司")
    nominee_b = person(world, "钱二林", unit="乙大学")
    x = {
        "same": expert(world, "孙同单", organization=world.city_a),
        "parent": expert(world, "李上级", organization=world.prov_a),
        "avoid": expert(world, "周回避", unit="丙研究院", avoidances="乙大学"),
        "relation": expert(world, "吴亲属", unit="丁研究院"),
        "coauthor": expert(world, "郑合作", unit="戊大学"),
        "recommender": expert(world, "王推荐", unit="己大学"),
    }
    for n in range(1, 5):
        x[f"free{n}"] = expert(world, f"冯自由{n}", unit=f"庚大学{n}", email=f"free{n}@example.cn")
    people.relation_add(by=by, person=x["relation"].person, other=nominee_b, kind="kin")
    people.works_add(by=by, entry=x["coauthor"], works=[{"title": "储能电站调度", "year": 2024,
                                                        "authors": ["郑合作", "赵一鸣"]}])
    round = services.round_create(by=by, organization=world.prov_a, data={
        "title": "2026年度甲省科技奖初评", "kind": "award", "form": FORM, "reviewers_per_item": 2, "load_cap": 2,
        **round_data})
    a, b = services.items_add(by=by, round=round, items=[
        {"title": "电网储能调度技术", "text": "储能", "organization": world.city_a, "persons": [nominee_a],
         "recommenders": [x["recommender"].person], "source": "提名"},
        {"title": "作物育种新方法", "text": "育种", "units": ["乙大学"], "persons": [nominee_b]},
    ])
    return round, a, b, x


def names(rows) -> set:
    return {Person.objects.get(pk=r).name for r in rows}
