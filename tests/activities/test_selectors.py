"""The rollups and measures on a small tree: held activities only, the whole subtree, the period
and the campaign; one row per child organisation; the same figures on SQLite and PostgreSQL."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kexie.activities import selectors
from kexie.plans import measures
from tests.activities.helpers import activity, campaign

SINCE, UNTIL = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def _tree(world):
    """甲省: 2 held at the province (conference 500, popsci 100 in 科普日), 1 held at the city
    (lecture 80), 2 held at the county (popsci 300 in 科普日, training 40), 1 planned at the county,
    1 held at the county in 2025; 乙省: 1 held (popsci 70 in 科普日)."""
    day = campaign(world)
    activity(world, org=world.prov_a, kind="conference", audience=500)
    activity(world, org=world.prov_a, kind="popsci", campaign=day, audience=100)
    activity(world, org=world.city_a, kind="lecture", audience=80)
    activity(world, org=world.county_a, kind="popsci", campaign=day, audience=300)
    activity(world, org=world.county_a, kind="training", audience=40)
    activity(world, org=world.county_a, kind="popsci", held=False, audience=9000)
    activity(world, org=world.county_a, kind="popsci", starts_on=dt.date(2025, 9, 20), audience=700)
    activity(world, org=world.prov_b, kind="popsci", campaign=day, audience=70)
    return day


def _kinds(figures):
    return {value: n for value, _label, n in figures["by_kind"] if n}


def test_the_rollup_counts_held_activities_of_the_subtree_in_the_period(world):
    day = _tree(world)
    province = selectors.rollup(world.prov_a, SINCE, UNTIL)
    assert (province["total"], province["audience"]) == (5, 1020)
    assert _kinds(province) == {"conference": 1, "popsci": 2, "lecture": 1, "training": 1}
    assert selectors.rollup(world.prov_a)["total"] == 6  # no period: the 2025 activity too
    national = selectors.rollup(world.cast, SINCE, UNTIL, campaign=day)
    assert (national["total"], national["audience"]) == (3, 470)
    county = selectors.rollup(world.county_a, SINCE, UNTIL)
    assert (county["total"], county["audience"], _kinds(county)) == (2, 340, {"popsci": 1, "training": 1})


def test_the_rollup_is_one_query(world):
    _tree(world)
    with CaptureQueriesContext(connection) as queries:
        selectors.rollup(world.cast, SINCE, UNTIL)
    assert len(queries) == 1


def test_the_rollup_by_child_gives_one_row_per_child_and_the_own_activities(world):
    _tree(world)
    with CaptureQueriesContext(connection) as queries:
        children, own = selectors.rollup_by_child(world.prov_a, SINCE, UNTIL)
    assert len(queries) == 3
    rows = {child.name: (f["total"], f["audience"]) for child, f in children}
    assert rows == {"甲市科学技术协会": (3, 420), "甲省科协办公室": (0, 0)}
    assert (own["total"], own["audience"]) == (2, 600)
    national, own = selectors.rollup_by_child(world.cast, SINCE, UNTIL)
    rows = {child.name: f["total"] for child, f in national}
    assert rows["甲省科学技术协会"] == 5 and rows["乙省科学技术协会"] == 1 and own["total"] == 0


def test_the_measures_count_held_activities_by_kind_and_campaign_kind(world):
    _tree(world)
    codes = dict(measures.choices())
    assert codes["activities.held.conference"] == "已举办活动：学术会议"
    assert measures.value("activities.held", world.prov_a, SINCE, UNTIL) == 5
    assert measures.value("activities.held.popsci", world.prov_a, SINCE, UNTIL) == 2
    assert measures.value("activities.held.science_day", world.cast, SINCE, UNTIL) == 3
    assert measures.value("activities.held.lecture", world.county_a, SINCE, UNTIL) == 0


def test_a_county_sees_its_own_and_a_co_hosted_activity_once(world):
    _tree(world)
    shared = activity(world, org=world.prov_b, title="联合科普", co_hosts=[world.county_a, world.city_a])
    county = selectors.activities_for(world.county_clerk)
    assert county.count() == 5 and county.filter(pk=shared.pk).count() == 1
    province = selectors.activities_for(world.provincial_clerk)
    assert province.count() == 8
    assert selectors.activities_filtered(province, organization=world.city_a, status="held").count() == 4
