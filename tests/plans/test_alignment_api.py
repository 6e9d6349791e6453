"""The alignment API: start, read with suggestions, decide, accept above a threshold, coverage."""

import pytest
from django.urls import reverse

from kexie.plans.models import AlignmentStatus, ItemAlignment, PlanAlignment
from tests.plans.ledger_world import confirmed_plan
from tests.plans.sample import KEY_TASKS_2026
from tests.plans.test_alignment import NATIONAL_2026


@pytest.fixture
def plans(world):
    upper = confirmed_plan(world, clerk=world.national_clerk, organization=world.cast, text=NATIONAL_2026)
    lower = confirmed_plan(world, clerk=world.provincial_clerk, organization=world.prov_a, text=KEY_TASKS_2026)
    other = confirmed_plan(world, clerk=world.other_provincial_clerk, organization=world.prov_b,
                           text=KEY_TASKS_2026.replace("甲省", "乙省"))
    return upper, lower, other


def _post(client, url, data):
    return client.post(url, data, content_type="application/json", HTTP_ACCEPT="application/json")


def _start(client, lower, upper):
    return _post(client, reverse("api:planalignment-list"), {"plan": lower.pk, "upper_plan": upper.pk})


def test_starting_answers_the_items_with_their_suggestions(plans, world, signed_in):
    upper, lower, _other = plans
    response = _start(signed_in(world.provincial_clerk), lower, upper)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["plan"] == lower.pk and data["upper_plan"] == upper.pk and data["threshold"] == 0.28
    assert data["item_count"] == lower.items.count() == len(data["items"])
    assert data["undecided_count"] == data["item_count"]
    row = next(i for i in data["items"] if i["key"] == "2.1")
    assert row["status"] == "suggested" and row["upper_title"] == "推进学会综合评估"
    assert [s["rank"] for s in row["suggestions"]] == list(range(1, len(row["suggestions"]) + 1))
    assert row["suggestions"][0]["upper_item"] == row["upper_item"] and 0 < row["score"] <= 1


def test_list_retrieve_and_scope(plans, world, signed_in):
    upper, lower, _other = plans
    client = signed_in(world.provincial_clerk)
    pk = _start(client, lower, upper).json()["id"]
    listed = client.get(reverse("api:planalignment-list"), HTTP_ACCEPT="application/json").json()
    assert [a["id"] for a in listed["results"]] == [pk]
    assert "items" in client.get(reverse("api:planalignment-detail", args=[pk])).json()
    # The national office sees the provinces' alignments; another province does not.
    assert signed_in(world.national_clerk).get(reverse("api:planalignment-detail", args=[pk])).status_code == 200
    other = signed_in(world.other_provincial_clerk)
    assert other.get(reverse("api:planalignment-detail", args=[pk])).status_code == 404
    assert other.get(reverse("api:planalignment-list")).json()["results"] == []


def test_an_upper_plan_out_of_reach_is_a_400_naming_the_field(plans, world, signed_in):
    upper, lower, other = plans
    response = _start(signed_in(world.provincial_clerk), lower, other)
    assert response.status_code == 400
    assert "upper_plan" in response.json() and "上级规划" in response.json()["detail"]
    assert not PlanAlignment.objects.exists()
    # The lower plan itself must be one the user may change.
    assert _start(signed_in(world.provincial_clerk), other, upper).status_code == 400


def test_deciding_through_the_api(plans, world, signed_in):
    upper, lower, other = plans
    client = signed_in(world.provincial_clerk)
    items = {i["key"]: i for i in _start(client, lower, upper).json()["items"]}
    url = reverse("api:itemalignment-decide", args=[items["2.1"]["id"]])
    accepted = _post(client, url, {"upper_item": items["2.1"]["upper_item"]})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    none = _post(client, url, {"no_counterpart": True}).json()
    assert none["status"] == "none" and none["upper_item"] is None
    refused = _post(client, url, {"upper_item": other.items.get(key="2.1").pk})
    assert refused.status_code == 400
    assert "不是上级规划" in refused.json()["detail"] and upper.title in refused.json()["detail"]
    both = _post(client, url, {"upper_item": items["2.1"]["upper_item"], "no_counterpart": True})
    assert both.status_code == 400 and "upper_item" in both.json()
    assert ItemAlignment.objects.get(pk=items["2.1"]["id"]).status == AlignmentStatus.NONE
    assert _post(signed_in(world.other_provincial_clerk), url, {"no_counterpart": True}).status_code == 404


def test_accept_above_and_coverage(plans, world, signed_in):
    upper, lower, _other = plans
    client = signed_in(world.provincial_clerk)
    pk = _start(client, lower, upper).json()["id"]
    data = _post(client, reverse("api:planalignment-accept-above", args=[pk]), {"threshold": 0.0}).json()
    with_suggestion = [i for i in data["items"] if i["suggestions"]]
    assert all(i["status"] == "accepted" for i in with_suggestion) and data["undecided_count"] == (
        len(data["items"]) - len(with_suggestion))
    report = client.get(reverse("api:planalignment-coverage", args=[pk])).json()
    assert report["upper_task_count"] == report["covered_count"] + report["partial_count"] + report["uncovered_count"]
    assert report["uncovered_count"] == len(report["uncovered_upper"]) and report["partial_count"] == 0
    assert report["summary"].startswith(f"上级任务{report['upper_task_count']}项：已覆盖{report['covered_count']}项")
    assert 0 <= report["rate"] <= 1
    bad = _post(client, reverse("api:planalignment-accept-above", args=[pk]), {"threshold": 3})
    assert bad.status_code == 400 and "threshold" in bad.json()


def test_the_schema_describes_the_alignment_endpoints(client, db):
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert "/api/v1/plan-alignments/" in paths and "/api/v1/item-alignments/{id}/decide/" in paths
    assert "/api/v1/plan-alignments/{id}/coverage/" in paths
