"""The organisations API: scoped lists, filters, search, and writes through the services."""

import pytest
from django.urls import reverse

from kexie.audit.models import AuditLog
from kexie.core.validators import credit_code_check_char
from kexie.organizations.models import Organization, OrganizationStatusChange
from kexie.organizations.services import organization_create

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def valid_credit_code(first17="51100000MJ0000001"):
    return first17 + credit_code_check_char(first17)


def names(response):
    return {row["name"] for row in response.json()["results"]}


def list_url(**params):
    url = reverse("api:organization-list")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_it_lists_only_the_organisations_in_scope(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.get(list_url())
    assert response.status_code == 200
    assert names(response) == {"甲省科学技术协会", "甲省科协办公室", "甲市科学技术协会", "甲县科学技术协会"}
    assert response.json()["count"] == 4


def test_it_filters_by_kind_status_parent_and_subtree(world, signed_in):
    organization_create(by=None, parent=world.city_a, name="甲市科技园区科协", kind="park_association")
    world.county_a.status = "dormant"
    world.county_a.save()
    client = signed_in(world.national_clerk)
    assert names(client.get(list_url(kind="park_association"))) == {"甲市科技园区科协"}
    assert names(client.get(list_url(status="dormant"))) == {"甲县科学技术协会"}
    assert names(client.get(list_url(parent=world.prov_b.pk))) == {"乙市科学技术协会"}
    assert names(client.get(list_url(under=world.city_b.pk))) == {"乙市科学技术协会", "乙县科学技术协会"}
    assert names(client.get(list_url(region_code="420000"))) == {
        "乙省科学技术协会", "乙市科学技术协会", "乙县科学技术协会"}


def test_the_subtree_filter_does_not_reach_outside_the_scope(world, signed_in):
    client = signed_in(world.provincial_clerk)
    assert names(client.get(list_url(under=world.cast.pk))) == {
        "甲省科学技术协会", "甲省科协办公室", "甲市科学技术协会", "甲县科学技术协会"}
    assert names(client.get(list_url(under=world.prov_b.pk))) == set()


@pytest.mark.parametrize("text", ["学会部", "xhxsb", "kepu", "科普部"])
def test_it_searches_names_aliases_and_pinyin(world, signed_in, text):
    client = signed_in(world.national_clerk)
    found = names(client.get(list_url(q=text)))
    assert found & {"学会学术部", "科学技术普及部"}
    assert len(found) <= 3


def test_an_organisation_outside_the_scope_is_not_found(world, signed_in):
    client = signed_in(world.provincial_clerk)
    assert client.get(reverse("api:organization-detail", args=[world.prov_b.pk])).status_code == 404
    assert client.get(reverse("api:organization-detail", args=[world.city_a.pk])).json()["name"] == "甲市科学技术协会"


def test_lists_are_paginated(world, signed_in):
    client = signed_in(world.national_clerk)
    body = client.get(list_url(page_size=5)).json()
    assert body["count"] == Organization.objects.count()
    assert len(body["results"]) == 5
    assert body["next"]


def test_contact_phone_is_masked_in_lists(world, signed_in):
    world.city_a.contact_phone = "13912345678"
    world.city_a.save()
    client = signed_in(world.provincial_clerk)
    row = next(r for r in client.get(list_url()).json()["results"] if r["id"] == world.city_a.pk)
    assert row["contact_phone"] == "139****5678"
    assert "13912345678" not in client.get(list_url()).content.decode()


def test_it_creates_an_organisation_with_its_audit_row(world, signed_in):
    client = signed_in(world.provincial_clerk)
    code = valid_credit_code()
    response = client.post(reverse("api:organization-list"), {
        "parent": world.city_a.pk, "name": "甲市大学科协", "kind": "university_association",
        "credit_code": code.lower(), "aliases": ["甲大科协"]}, content_type="application/json")
    assert response.status_code == 201, response.content
    org = Organization.objects.get(pk=response.json()["id"])
    assert (org.parent, org.credit_code, org.aliases, org.created_by) == (
        world.city_a, code, ["甲大科协"], world.provincial_clerk)
    assert AuditLog.objects.filter(action="create", object_id=str(org.pk), username="provincial_clerk").exists()


def test_a_bad_credit_code_is_a_400_naming_the_field_in_chinese(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("api:organization-list"), {
        "parent": world.city_a.pk, "name": "甲市大学科协", "kind": "university_association",
        "credit_code": "51100000MJ000000X"}, content_type="application/json", **ZH)
    assert response.status_code == 400
    assert "统一社会信用代码" in response.json()["credit_code"][0]
    assert response.json()["detail"].startswith("统一社会信用代码：")
    assert not Organization.objects.filter(name="甲市大学科协").exists()


def test_a_kind_that_cannot_sit_under_the_parent_is_a_400_on_parent(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("api:organization-list"), {
        "parent": world.county_a.pk, "name": "甲县学会", "kind": "national_society"},
        content_type="application/json", **ZH)
    assert response.status_code == 400
    assert "parent" in response.json()
    assert response.json()["detail"].startswith("上级组织：")
    assert not Organization.objects.filter(name="甲县学会").exists()


def test_a_parent_outside_the_scope_is_refused(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("api:organization-list"), {
        "parent": world.city_b.pk, "name": "乙市大学科协", "kind": "university_association"},
        content_type="application/json", **ZH)
    assert response.status_code == 400
    assert "parent" in response.json()
    response = client.post(reverse("api:organization-list"), {
        "parent": None, "name": "新根", "kind": "national_association"}, content_type="application/json", **ZH)
    assert response.status_code == 400
    assert response.json()["parent"] == ["请选择上级组织。"]
    assert not Organization.objects.filter(name__in=["乙市大学科协", "新根"]).exists()


def test_a_duplicate_name_under_the_same_parent_is_a_400(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("api:organization-list"), {
        "parent": world.prov_a.pk, "name": "甲市科学技术协会", "kind": "city_association"},
        content_type="application/json", **ZH)
    assert response.status_code == 400
    assert Organization.objects.filter(name="甲市科学技术协会").count() == 1


def test_it_edits_fields_and_audits_the_change(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.patch(reverse("api:organization-detail", args=[world.city_a.pk]),
                            {"short_name": "甲市科协（新）", "region_code": "410102"}, content_type="application/json")
    assert response.status_code == 200, response.content
    world.city_a.refresh_from_db()
    assert world.city_a.short_name == "甲市科协（新）"
    row = AuditLog.objects.get(action="update", object_id=str(world.city_a.pk))
    assert row.new_values == {"short_name": "甲市科协（新）", "region_code": "410102"}


def test_a_bad_region_code_in_an_edit_is_a_400_and_nothing_changes(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.patch(reverse("api:organization-detail", args=[world.city_a.pk]),
                            {"short_name": "改", "region_code": "99"}, content_type="application/json", **ZH)
    assert response.status_code == 400
    assert "region_code" in response.json()
    world.city_a.refresh_from_db()
    assert world.city_a.short_name == "甲市科协"


def test_a_move_that_would_make_a_cycle_is_a_400(world, signed_in):
    client = signed_in(world.national_clerk)
    response = client.post(reverse("api:organization-move", args=[world.prov_a.pk]),
                           {"parent": world.county_a.pk}, content_type="application/json", **ZH)
    assert response.status_code == 400
    assert "甲省科学技术协会" in response.json()["parent"][0]
    world.prov_a.refresh_from_db()
    assert world.prov_a.parent == world.cast


def test_it_moves_an_organisation_with_its_subtree(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("api:organization-move", args=[world.county_a.pk]),
                           {"parent": world.prov_a.pk}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["parent"] == world.prov_a.pk
    assert response.json()["depth"] == 2
    assert AuditLog.objects.filter(action="move", object_id=str(world.county_a.pk)).exists()


def test_it_cannot_move_an_organisation_out_of_the_scope(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("api:organization-move", args=[world.county_a.pk]),
                           {"parent": world.city_b.pk}, content_type="application/json")
    assert response.status_code == 400
    world.county_a.refresh_from_db()
    assert world.county_a.parent == world.city_a


def test_it_changes_the_status_with_a_reason(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("api:organization-status", args=[world.county_a.pk]),
                           {"status": "dormant", "reason": "连续两年未年检"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "dormant"
    change = OrganizationStatusChange.objects.get(organization=world.county_a)
    assert (change.reason, change.changed_by) == ("连续两年未年检", world.provincial_clerk)


def test_dissolving_with_live_children_is_a_400_on_status(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("api:organization-status", args=[world.city_a.pk]),
                           {"status": "dissolved"}, content_type="application/json", **ZH)
    assert response.status_code == 400
    assert "status" in response.json()
    bad = client.post(reverse("api:organization-status", args=[world.city_a.pk]),
                      {"status": "gone"}, content_type="application/json", **ZH)
    assert bad.status_code == 400 and "status" in bad.json()


def test_children_and_ancestors_stay_within_the_scope(world, signed_in):
    client = signed_in(world.provincial_clerk)
    children = client.get(reverse("api:organization-children", args=[world.prov_a.pk])).json()["results"]
    assert {c["name"] for c in children} == {"甲省科协办公室", "甲市科学技术协会"}
    ancestors = client.get(reverse("api:organization-ancestors", args=[world.county_a.pk])).json()
    assert [a["name"] for a in ancestors] == ["甲省科学技术协会", "甲市科学技术协会"]
    assert client.get(reverse("api:organization-children", args=[world.prov_b.pk])).status_code == 404


def test_writing_needs_the_permission_code(world, signed_in):
    from tests.personas import make_user

    viewer = make_user("viewer_a", world.prov_a, ["viewer"])
    client = signed_in(viewer)
    assert client.get(reverse("api:organization-detail", args=[world.prov_a.pk])).status_code == 200
    response = client.patch(reverse("api:organization-detail", args=[world.prov_a.pk]), {"short_name": "x"},
                            content_type="application/json")
    assert response.status_code == 403


def test_a_bad_filter_is_a_400_naming_the_filter(world, signed_in):
    response = signed_in(world.provincial_clerk).get(list_url(under="abc"), **ZH)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("所属组织及其下级")


def test_an_edit_refuses_fields_that_belong_to_other_actions(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.patch(reverse("api:organization-detail", args=[world.county_a.pk]),
                            {"status": "dissolved", "parent": world.prov_a.pk, "depth": 0, "name": "新名"},
                            content_type="application/json", **ZH)
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == ["修改状态请使用“变更状态”操作。"]
    assert body["parent"] == ["修改上级组织请使用“移动”操作。"]
    assert "depth" in body
    world.county_a.refresh_from_db()
    assert (world.county_a.name, world.county_a.status, world.county_a.parent) == (
        "甲县科学技术协会", "active", world.city_a)
