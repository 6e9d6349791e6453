"""Stations built through the services for the tests: a society service station of 甲省 with its
experts, an annual report and the demands it collected."""

import datetime as dt

from django.utils import timezone

from kexie.demands import services as demand_services
from kexie.demands.models import Demand
from kexie.people.models import Person
from kexie.stations import services

TODAY = dt.date(2026, 6, 30)


def station(world, *, type="society_service", org=None, name="甲省电子学会服务站", established_on=dt.date(2026, 3, 1),
            status="operating", by=None, **data):
    org = org or world.prov_a
    return services.station_create(by=by or world.provincial_clerk, organization=org, data={
        "type": type, "name": name, "host_unit": "甲市高新区管委会", "status": status,
        "established_on": established_on, **data})


def experts(world, st, *, national=0, other=0, by=None):
    """Add ``national`` national-level and ``other`` city-level experts to ``st``."""
    by = by or world.provincial_clerk
    added = []
    for i in range(national + other):
        person = Person.objects.create(organization=st.organization, name=f"专家{st.pk}-{i}")
        level = "national" if i < national else "city"
        added.append(services.expert_add(by=by, station=st, person=person, level=level, role="进站专家"))
    return added


def report(world, st, *, year=2025, demands=0, activities=0, served=0, by=None):
    return services.report_submit(by=by or world.provincial_clerk, station=st, year=year, data={
        "demands_collected": demands, "activities": activities, "people_served": served,
        "achievements": "开展技术对接与培训。"})


def collected(world, st, count, *, year=2025, by=None) -> list[Demand]:
    """``count`` enterprise demands received in ``year`` and collected by ``st`` (held by its
    organisation, recorded by its clerk)."""
    made = []
    for i in range(count):
        demand = demand_services.demand_create(by=by or world.provincial_clerk, organization=st.organization, data={
            "title": f"{st.name}收集的技术需求{i + 1}", "enterprise_name": f"甲市精密制造企业{i + 1}",
            "problem": "关键工序良品率偏低，需要专家诊断工艺参数。", "station": st})
        received = timezone.make_aware(dt.datetime(year, 5, 1 + i % 28, 10, 0))
        Demand.objects.filter(pk=demand.pk).update(received_at=received)
        made.append(Demand.objects.get(pk=demand.pk))
    return made
