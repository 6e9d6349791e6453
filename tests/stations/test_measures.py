"""Plan targets counted from the registry: "新建科技小院10家" reads the stations registry through the
measure each station type registers, and the list page shows the same count for the same filters."""

import datetime as dt
import re

from django.urls import reverse

from kexie.plans import measures
from kexie.plans.models import Plan, PlanItem, Target
from tests.stations.helpers import station

SINCE, UNTIL = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def _backyards(world):
    station(world, type="backyard", name="甲县小麦科技小院", org=world.county_a, established_on=dt.date(2026, 4, 1))
    station(world, type="backyard", name="甲市蔬菜科技小院", org=world.city_a, established_on=dt.date(2026, 9, 1),
            status="preparing")
    station(world, type="backyard", name="甲省花生科技小院", established_on=dt.date(2025, 5, 1))  # before the period
    station(world, type="popsci", name="甲市科普教育基地", org=world.city_a, established_on=dt.date(2026, 5, 1))
    station(world, type="backyard", name="乙县茶叶科技小院", org=world.county_b, by=world.other_provincial_clerk,
            established_on=dt.date(2026, 6, 1))


def test_each_type_has_a_new_stations_measure_and_one_for_those_in_operation(world):
    codes = dict(measures.choices())
    assert "stations.new.backyard" in codes and "stations.new.society_service" in codes
    assert "stations.operating" in codes and codes["stations.new.backyard"] == "新建科技小院"


def test_the_measure_counts_the_subtree_over_the_period(world):
    _backyards(world)
    assert measures.value("stations.new.backyard", world.prov_a, SINCE, UNTIL) == 2
    assert measures.value("stations.new.backyard", world.city_a, SINCE, UNTIL) == 2
    assert measures.value("stations.new.backyard", world.county_a, SINCE, UNTIL) == 1
    assert measures.value("stations.new.backyard", world.cast, SINCE, UNTIL) == 3
    assert measures.value("stations.new.backyard", world.prov_a, None, None) == 3
    assert measures.value("stations.operating", world.prov_a, None, UNTIL) == 3


def test_the_list_page_shows_the_measures_count_for_the_same_filters(world, signed_in):
    _backyards(world)
    page = signed_in(world.provincial_clerk).get(reverse("stations:list"), {
        "type": "backyard", "organization": world.prov_a.pk, "since": SINCE, "until": UNTIL}).content.decode()
    row = re.search(r'<tr data-type="backyard"><td>[^<]*</td><td class="count">(\d+)</td>', page)
    assert int(row.group(1)) == measures.value("stations.new.backyard", world.prov_a, SINCE, UNTIL) == 2
    assert "甲县小麦科技小院" in page and "甲省花生科技小院" not in page and "乙县茶叶科技小院" not in page


def test_a_plan_target_linked_to_the_measure_shows_the_registrys_progress(world):
    _backyards(world)
    plan = Plan.objects.create(organization=world.prov_a, title="甲省科协2026年工作要点", period_start=SINCE,
                               period_end=UNTIL)
    item = PlanItem.objects.create(plan=plan, key="1", position=1, depth=0, kind="task", title="建设科技小院")
    target = Target.objects.create(item=item, text="新建科技小院10家", metric="科技小院", min_value=10, unit="家",
                                   measure="stations.new.backyard")
    assert measures.target_value(target) == 2
