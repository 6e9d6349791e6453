"""The plans API: plans and their kexie.plan/1 export, imports of a kexie.plan/1 document through
the review, and the ledger — all within the data scope."""

import json

import pytest
from django.urls import reverse

from kexie.audit.models import AuditLog
from kexie.plans.models import Assignment, ImportStatus, Plan, PlanImport
from tests.plans.ledger_world import add_departments, confirmed_plan


@pytest.fixture
def ledger(world):
    world.departments = add_departments(world)
    world.plan = confirmed_plan(world)
    return world


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_it_lists_and_filters_the_plans_in_scope(ledger, signed_in):
    other = confirmed_plan(ledger, clerk=ledger.other_provincial_clerk, organization=ledger.prov_b,
                           title="乙省科协2026年重点任务")
    client = signed_in(ledger.provincial_clerk)
    data = client.get(reverse("api:plan-list")).json()
    assert [p["title"] for p in data["results"]] == ["甲省科协2026年深化改革重点任务"]
    assert data["results"][0]["item_count"] == 8
    assert client.get(reverse("api:plan-list"), {"q": "深化改革"}).json()["count"] == 1
    assert client.get(reverse("api:plan-list"), {"under": ledger.city_a.pk}).json()["count"] == 0
    assert client.get(reverse("api:plan-detail", args=[other.pk])).status_code == 404
    national = signed_in(ledger.national_clerk)
    assert national.get(reverse("api:plan-list")).json()["count"] == 2


def test_the_ledger_api_filters_like_the_page(ledger, signed_in):
    client = signed_in(ledger.provincial_clerk)
    url = reverse("api:ledger-list")
    data = client.get(url, {"unit": ledger.departments["学会学术部"].pk, "sort": "-key"}).json()
    assert [row["title"] for row in data["results"]] == ["整治休眠学会", "开展学会评估", "推进学会党建"]
    row = client.get(url, {"q": "科普"}).json()["results"][0]
    assert row["key"] == "3.1" and row["parent_title"] == "提升科普能力"
    assert row["lead_units"][0]["organization_name"] == "甲省科协科学技术普及部"
    assert row["co_units"] == [{"name": "各市科协", "organization": None, "organization_name": None}]
    assert row["targets"][0]["label"] == "10个" and row["targets"][0]["min"] == 10
    bad = client.get(url, {"status": "lost"})
    assert bad.status_code == 400 and "status" in bad.json()
    reversed_range = client.get(url, {"due_after": "2026-12-01", "due_before": "2026-01-01"})
    assert reversed_range.status_code == 400
    assert reversed_range.json()["due_before"] == ["完成时限的结束日期早于开始日期。"]
    assert signed_in(ledger.other_provincial_clerk).get(url).json()["count"] == 0


def test_a_json_export_imported_back_through_the_api_round_trips(ledger, signed_in):
    client = signed_in(ledger.provincial_clerk)
    exported = client.get(reverse("api:plan-export", args=[ledger.plan.pk]))
    assert exported.status_code == 200
    document = exported.json()
    assert document["format"] == "kexie.plan/1" and len(document["items"]) == 8
    assert AuditLog.objects.filter(action="export", object_type="plans.plan", object_id=str(ledger.plan.pk)).exists()
    document["items"][1]["title"] = "深化理论学习（修订）"

    created = _post(client, reverse("api:planimport-list"), {"organization": ledger.prov_a.pk, "plan": document})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["item_count"] == 8
    # Every unit came mapped in the document, all to organisations in scope.
    assert body["unmapped_units"] == []
    confirmed = _post(client, reverse("api:planimport-confirm", args=[body["id"]]), {})
    assert confirmed.status_code == 201, confirmed.content
    copy = Plan.objects.get(pk=confirmed.json()["id"])
    again = client.get(reverse("api:plan-export", args=[copy.pk])).json()
    assert [(i["key"], i["kind"], i["title"], i["lead_units"], i["co_units"], i["due"], i["targets"])
            for i in again["items"]] == [
        (i["key"], i["kind"], i["title"], i["lead_units"], i["co_units"], i["due"], i["targets"])
        for i in document["items"]]
    assert again["unit_mapping"] == document["unit_mapping"]
    assert again["title"] == document["title"] and again["period"] == document["period"]


def test_mappings_to_organisations_outside_the_scope_are_dropped_and_must_be_mapped_again(ledger, signed_in):
    client = signed_in(ledger.provincial_clerk)
    document = client.get(reverse("api:plan-export", args=[ledger.plan.pk])).json()
    document["unit_mapping"]["学会部"] = {"organization": ledger.prov_b.pk}
    body = _post(client, reverse("api:planimport-list"), {"organization": ledger.prov_a.pk, "plan": document}).json()
    assert body["unmapped_units"] == ["学会部"]
    detail = client.get(reverse("api:planimport-detail", args=[body["id"]])).json()
    assert detail["unmapped_units"] == ["学会部"]
    refused = _post(client, reverse("api:planimport-confirm", args=[body["id"]]), {})
    assert refused.status_code == 400 and "学会部" in refused.json()["detail"]
    assert PlanImport.objects.get(pk=body["id"]).status == ImportStatus.DRAFT
    outside = _post(client, reverse("api:planimport-map-unit", args=[body["id"]]),
                    {"unit": "学会部", "organization": ledger.prov_b.pk})
    assert outside.status_code == 400
    mapped = _post(client, reverse("api:planimport-map-unit", args=[body["id"]]),
                   {"unit": "学会部", "organization": ledger.departments["学会学术部"].pk})
    assert mapped.status_code == 200 and mapped.json()["unmapped_units"] == []
    plan = Plan.objects.get(pk=_post(client, reverse("api:planimport-confirm", args=[body["id"]]), {}).json()["id"])
    assert set(Assignment.objects.filter(item__plan=plan, unit_name="学会部").values_list("organization", flat=True)) \
        == {ledger.departments["学会学术部"].pk}


def test_a_bad_document_or_an_organisation_outside_the_scope_is_refused_in_chinese(ledger, signed_in):
    client = signed_in(ledger.provincial_clerk)
    url = reverse("api:planimport-list")
    before = PlanImport.objects.count()
    no_items = _post(client, url, {"organization": ledger.prov_a.pk, "plan": {"format": "kexie.plan/1", "items": []}})
    assert no_items.status_code == 400 and no_items.json()["detail"] == "规划文档：规划没有任何条目。"
    wrong = _post(client, url, {"organization": ledger.prov_a.pk, "plan": {"format": "other"}})
    assert wrong.status_code == 400 and "kexie.plan/1" in wrong.json()["plan"][0]
    document = client.get(reverse("api:plan-export", args=[ledger.plan.pk])).json()
    foreign = _post(client, url, {"organization": ledger.prov_b.pk, "plan": document})
    assert foreign.status_code == 400 and foreign.json()["detail"].startswith("组织：")
    assert PlanImport.objects.count() == before
    both = _post(client, reverse("api:planimport-map-unit", args=[999999]), {"unit": "x", "unassigned": True})
    assert both.status_code == 404


def test_another_provinces_import_is_not_found(ledger, signed_in):
    document = signed_in(ledger.provincial_clerk).get(reverse("api:plan-export", args=[ledger.plan.pk])).json()
    body = _post(signed_in(ledger.provincial_clerk), reverse("api:planimport-list"),
                 {"organization": ledger.prov_a.pk, "plan": document}).json()
    client = signed_in(ledger.other_provincial_clerk)
    assert client.get(reverse("api:planimport-detail", args=[body["id"]])).status_code == 404
    assert _post(client, reverse("api:planimport-confirm", args=[body["id"]]), {}).status_code == 404
