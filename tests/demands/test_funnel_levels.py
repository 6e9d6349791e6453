"""The demand funnel by level: over a province with two cities, their counties and a park, one row
for the demands the province holds itself (本级) and one per kind of association holding the rest,
each with exact figures that add up to the total (a merged duplicate counted nowhere); the page's
table, the workbook's second sheet and the API's ``levels`` say the same, row by row; the period
filters it; another province's funnel is a 404."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from kexie.demands import selectors, services
from kexie.demands.models import Application, Demand
from kexie.organizations.services import organization_create
from tests.api_conformance import assert_documented

DATA = {"enterprise_name": "甲地精工有限公司", "title": "主轴热变形补偿", "industry": "34", "problem": "精度不稳定。"}
FIGURES = ["received", "accepted", "routed", "applied", "contracted", "completed", "amount",
           "median_days_to_candidate"]


def _demand(world, organization, *, days_ago, accepted=False, route="", wait=None, applied=False, amount=None,
            completed=False, by=None):
    """A demand received ``days_ago`` at ``organization``, taken as far as the arguments say:
    accepted, matched (route "match") or published ("open_call"), its first candidate ``wait``
    days after receipt, a team applying, contracted for ``amount``, completed."""
    demand = services.demand_create(by=by or world.provincial_clerk, organization=organization, data=DATA)
    received = timezone.now() - dt.timedelta(days=days_ago)
    changes = {"received_at": received, "route": route}
    if accepted:
        changes["accepted_at"] = received + dt.timedelta(hours=1)
    if wait is not None:
        changes["first_candidate_at"] = received + dt.timedelta(days=wait)
    if amount is not None:
        changes.update(contracted_at=received + dt.timedelta(days=20), contract_amount=Decimal(amount))
    if completed:
        changes["completed_at"] = received + dt.timedelta(days=60)
    Demand.objects.filter(pk=demand.pk).update(**changes)
    if applied:
        Application.objects.create(demand=demand, team_name="攻关团队", lead_name="郭工")
    return demand


@pytest.fixture
def tree(world):
    """甲省 → 甲市 (→ 甲县, 甲市高新园区) and 甲二市 (→ 甲二县), with demands at every level; one
    in 乙省 that 甲省's funnel never counts."""
    city_2 = organization_create(by=None, parent=world.prov_a, name="甲二市科学技术协会", kind="city_association")
    county_2 = organization_create(by=None, parent=city_2, name="甲二县科学技术协会", kind="county_association")
    park = organization_create(by=None, parent=world.city_a, name="甲市高新区科学技术协会", kind="park_association")
    # The province itself: one long ago, one contracted.
    _demand(world, world.prov_a, days_ago=400)
    _demand(world, world.prov_a, days_ago=10, accepted=True, route="match", wait=2, amount="30")
    # The cities: an open call applied to, a returned one, one matched; a duplicate merged away.
    kept = _demand(world, world.city_a, days_ago=20, accepted=True, route="open_call", wait=4, applied=True)
    _demand(world, city_2, days_ago=15)
    _demand(world, city_2, days_ago=30, accepted=True, route="match", wait=8)
    services.demand_merge(by=world.provincial_clerk, demand=_demand(world, city_2, days_ago=5), into=kept)
    # The counties: one completed, one received long ago.
    _demand(world, world.county_a, days_ago=200, accepted=True, route="match", wait=6, amount="50", completed=True)
    _demand(world, county_2, days_ago=500)
    # The park: an open call applied to and contracted.
    _demand(world, park, days_ago=40, accepted=True, route="open_call", wait=1, applied=True, amount="20.5")
    _demand(world, world.county_b, days_ago=3, accepted=True, by=world.other_provincial_clerk)
    return world


EXPECTED = {
    "self": ("本级", [2, 1, 1, 0, 1, 0, Decimal("30"), 2.0]),
    "city_association": ("市级科协", [3, 2, 2, 1, 0, 0, Decimal("0"), 6.0]),
    "county_association": ("县级科协", [2, 1, 1, 0, 1, 1, Decimal("50"), 6.0]),
    "park_association": ("园区科协", [1, 1, 1, 1, 1, 0, Decimal("20.5"), 1.0]),
}


def test_one_row_per_level_with_exact_figures_adding_up_to_the_total(tree, django_assert_num_queries):
    # One grouped aggregate query (elsewhere than on PostgreSQL, the waits read for the medians).
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        levels = selectors.funnel_by_level(tree.prov_a)
    assert [level.code for level in levels] == list(EXPECTED)
    for level in levels:
        label, figures = EXPECTED[level.code]
        assert (level.label, [level.figures[key] for key in FIGURES]) == (label, figures), level.code
    total = selectors.funnel(tree.prov_a)
    assert total["received"] == 8  # the merged duplicate and 乙省's demand left out
    for key in FIGURES[:-1]:
        assert sum(level.figures[key] for level in levels) == total[key], key
    # A county holds its demands itself: one row, the county's funnel.
    (own,) = selectors.funnel_by_level(tree.county_a)
    assert (own.code, own.figures) == ("self", selectors.funnel(tree.county_a))


def test_the_period_applies_to_every_level(tree):
    today = timezone.localdate()
    levels = selectors.funnel_by_level(tree.prov_a, since=today - dt.timedelta(days=100))
    assert {level.code: level.figures["received"] for level in levels} == {
        "self": 1, "city_association": 3, "park_association": 1}
    assert selectors.funnel_by_level(tree.prov_a, since=today + dt.timedelta(days=1)) == []
    old = selectors.funnel_by_level(tree.prov_a, until=today - dt.timedelta(days=100))
    assert {level.code: level.figures["received"] for level in old} == {"self": 1, "county_association": 2}


def _number(value):
    if value in (None, "—"):
        return None
    return float(value)


def _page_rows(page: str) -> list[list]:
    body = page.split('id="funnel-levels"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = [[cell.split("</td>", 1)[0] for cell in tr.split("<td>")[1:]] for tr in body.split("<tr")[1:]]
    return [[label, *map(_number, values)] for label, *values in rows]


def test_the_page_the_workbook_and_the_api_say_the_same_row_by_row(tree, signed_in):
    client = signed_in(tree.provincial_clerk)
    page = client.get(reverse("demands:funnel")).content.decode()
    assert "按层级" in page
    shown = _page_rows(page)
    assert shown == [[label, *map(_number, figures)] for label, figures in EXPECTED.values()]

    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("demands:funnel_export")).content))
    sheet = book["按层级"]
    rows = list(sheet.values)
    assert rows[0][:2] == ("层级", "收到需求")
    assert [[row[0], *map(_number, row[1:])] for row in rows[1:]] == shown
    assert book.worksheets[0].title == "需求漏斗"  # the funnel by association stays the first sheet

    response = client.get(reverse("api:demandfunnel-own"))
    assert_documented(response)
    body = response.json()
    assert [[row["level_label"], *(_number(row[key]) for key in FIGURES)] for row in body["levels"]] == shown
    assert [row["level"] for row in body["levels"]] == list(EXPECTED)
    assert body["funnel"]["received"] == 8 and body["children"]  # the existing fields unchanged


def test_the_period_and_the_organisation_apply_on_the_page_and_in_the_api(tree, signed_in):
    since = (timezone.localdate() - dt.timedelta(days=100)).isoformat()
    client = signed_in(tree.provincial_clerk)
    page = client.get(reverse("demands:funnel"), {"since": since}).content.decode()
    assert [row[:2] for row in _page_rows(page)] == [["本级", 1], ["市级科协", 3], ["园区科协", 1]]
    city = client.get(reverse("api:demandfunnel-detail", args=[tree.city_a.pk]), {"since": since}).json()
    assert [(row["level"], row["received"]) for row in city["levels"]] == [
        ("self", 1), ("park_association", 1)]
    book = openpyxl.load_workbook(io.BytesIO(client.get(
        reverse("demands:funnel_export"), {"org": tree.city_a.pk, "since": since}).content))
    assert [row[:2] for row in book["按层级"].values][1:] == [("本级", 1), ("园区科协", 1)]


def test_another_provinces_funnel_by_level_is_not_found(tree, signed_in):
    client = signed_in(tree.other_provincial_clerk)
    assert client.get(reverse("demands:funnel"), {"org": tree.prov_a.pk}).status_code == 404
    assert client.get(reverse("demands:funnel_export"), {"org": tree.prov_a.pk}).status_code == 404
    assert client.get(reverse("api:demandfunnel-detail", args=[tree.prov_a.pk])).status_code == 404
    own = client.get(reverse("api:demandfunnel-own")).json()
    assert [(row["level"], row["received"]) for row in own["levels"]] == [("county_association", 1)]
