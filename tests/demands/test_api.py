"""The demands API: the same demands as the pages (confidential ones only for those named), a
demand with its milestones, and the funnel of an organisation with the level below and by level, as
documented."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from kexie.demands import services
from kexie.demands.models import Demand
from tests.api_conformance import assert_documented

DATA = {"enterprise_name": "甲县食品有限公司", "title": "冷链保鲜", "industry": "14", "problem": "果蔬损耗高。"}


def _demand(world, organization, by=None, **data):
    return services.demand_create(by=by or world.provincial_clerk, organization=organization,
                                  data={**DATA, **data}, milestones=[{"title": "方案", "due": dt.date(2027, 1, 31)}])


def test_the_list_is_scoped_and_hides_confidential_demands_from_those_not_named(world, signed_in):
    mine = _demand(world, world.county_a)
    _demand(world, world.county_a, confidential=True, by=world.county_clerk)
    _demand(world, world.county_b, by=world.other_provincial_clerk)
    response = signed_in(world.provincial_clerk).get(reverse("api:demand-list"))
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]
    assert response.json()["results"][0]["status_label"] == "已提交"
    assert_documented(response)

    county = signed_in(world.county_clerk).get(reverse("api:demand-list"), {"status": "submitted"})
    assert county.json()["count"] == 2


def test_a_demand_with_its_milestones_as_documented(world, signed_in):
    demand = _demand(world, world.county_a)
    response = signed_in(world.provincial_clerk).get(reverse("api:demand-detail", args=[demand.pk]))
    body = response.json()
    assert (body["title"], body["problem"], [m["title"] for m in body["milestones"]]) == (
        "冷链保鲜", "果蔬损耗高。", ["方案"])
    assert body["candidates"] == [] and body["applications"] == []
    assert_documented(response)


def test_the_funnel_of_the_users_organisation_and_one_level_down(world, signed_in):
    demand = _demand(world, world.county_a)
    services.demand_accept(by=world.provincial_clerk, demand=demand)
    Demand.objects.filter(pk=demand.pk).update(contracted_at=timezone.now(), contract_amount=Decimal("12.50"))
    _demand(world, world.city_a)
    client = signed_in(world.provincial_clerk)

    response = client.get(reverse("api:demandfunnel-own"))
    body = response.json()
    assert body["organization"] == world.prov_a.pk
    assert (body["funnel"]["received"], body["funnel"]["accepted"], body["funnel"]["contracted"],
            body["funnel"]["amount"]) == (2, 1, 1, "12.50")
    assert [(row["organization"], row["received"]) for row in body["children"]] == [(world.city_a.pk, 2)]
    # By level: the city's demand and the county's, each with its kind's name.
    assert [(row["level"], row["level_label"], row["received"], row["amount"]) for row in body["levels"]] == [
        ("city_association", "市级科协", 1, "0.00"), ("county_association", "县级科协", 1, "12.50")]
    assert_documented(response)

    county = client.get(reverse("api:demandfunnel-detail", args=[world.county_a.pk]),
                        {"since": (timezone.localdate() + dt.timedelta(days=1)).isoformat()})
    assert county.json()["funnel"]["received"] == 0
    assert client.get(reverse("api:demandfunnel-detail", args=[world.prov_b.pk])).status_code == 404
    assert client.get(reverse("api:demandfunnel-own"), {"since": "昨天"}).status_code == 400
