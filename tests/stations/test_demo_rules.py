"""The demo's stations, loaded on the demo organisations and people: a station of every type, and
every one below a threshold of its type is flagged with the facts that put it there."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kexie.accounts.models import User
from kexie.accounts.roles import ensure_builtin_roles
from kexie.audit.models import AuditLog
from kexie.core.demo import loader
from kexie.core.demo.calendar import DemoCalendar
from kexie.core.demo.data import ACCOUNTS, NATIONAL
from kexie.core.demo.people import ensure_demo_people
from kexie.core.demo.stations import ensure_demo_stations
from kexie.plans import measures
from kexie.stations import facts
from kexie.stations.models import Station, StationType
from tests.personas import sign_in

TODAY = dt.date(2026, 9, 15)

# The stations the demo puts below a threshold, with the facts that fail: {fact: (value, threshold)}.
BELOW = {
    "中国农学会原阳服务站": {"national_experts": (3, 5), "demands_collected": (6, 10)},
    "中原科技创新智库基地": {"national_experts": (1, 2)},
    "洛阳装备专家工作站": {"experts_total": (2, 3)},
    "官渡西瓜科技小院": {"experts_total": (1, 2), "activities": (None, 4)},
    "栾川中药材科技小院": {"activities": (2, 4)},
    "嵩县青少年科普教育基地": {"activities": (8, 12), "people_served": (600, 1000)},
}


@pytest.fixture
def demo(db):
    ensure_builtin_roles()
    loader._ensure_organization(NATIONAL, parent=None, region=loader.NATIONAL_REGION, position=0,
                                result=loader.DemoResult())
    for account in ACCOUNTS:
        loader._ensure_user(account, loader.DemoResult())
    options = {"organization_at": loader._organization_at, "calendar": DemoCalendar(TODAY),
               "user_named": lambda username: User.objects.get(username=username)}
    ensure_demo_people(**options)
    assert ensure_demo_stations(**options) is True
    return options


def test_every_type_is_there_and_a_second_run_changes_nothing(demo):
    assert set(Station.objects.values_list("type", flat=True)) == set(StationType.values)
    count, audited = Station.objects.count(), AuditLog.objects.count()
    assert ensure_demo_stations(**demo) is False
    assert (Station.objects.count(), AuditLog.objects.count()) == (count, audited)


def test_every_station_below_a_threshold_is_flagged_with_its_facts(demo):
    flagged = {}
    for station in Station.objects.all():
        failed = facts.failures(station)
        if failed:
            flagged[station.name] = {r.fact: (r.value, int(r.threshold)) for r in failed}
    assert flagged == BELOW


def test_the_national_clerk_sees_them_under_the_below_threshold_filter(demo, client):
    sign_in(client, User.objects.get(username="national_clerk"))
    page = client.get(reverse("stations:list"), {"below": "on"}).content.decode()
    for name in BELOW:
        assert name in page
    assert "中国电子学会郑州服务站" not in page and "中原重机院士专家工作站" not in page


def test_two_reports_are_evaluated_and_a_new_backyard_counts_for_this_year(demo):
    evaluated = Station.objects.filter(reports__status="evaluated").values_list("reports__score", flat=True)
    assert len(evaluated) == 2 and all(score > Decimal(60) for score in evaluated)
    henan = loader._organization_at(("中国科学技术协会", "河南省科学技术协会"))
    assert measures.value("stations.new.backyard", henan, dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == 1


def test_the_society_service_stations_demands_are_counted_from_the_records(demo):
    stations = Station.objects.filter(type="society_service")
    table = facts.fact_table(stations)
    collected = {s.name: table[s.pk]["demands_collected"] for s in stations}
    assert {name: fact.value for name, fact in collected.items()} == {"中国电子学会郑州服务站": 11,
                                                                       "中国农学会原阳服务站": 6}
    assert {fact.source for fact in collected.values()} == {"平台记录"}
    # 原阳 also passed on a purchase (returned) and a duplicate (merged), which do not count.
    assert sorted(stations.get(name="中国农学会原阳服务站").demands.values_list("status", flat=True)) == [
        "accepted", "accepted", "accepted", "accepted", "accepted", "merged", "returned", "submitted"]
