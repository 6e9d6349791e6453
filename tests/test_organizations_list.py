"""The list page: filters, sorting, pagination and the batch status change."""

from django.urls import reverse

from kexie.audit.models import AuditLog
from kexie.organizations.models import Organization, OrganizationStatusChange
from kexie.organizations.services import organization_create


def _names(response):
    return [org.name for org in response.context["organizations"]]


def test_it_lists_only_organisations_in_scope(world, signed_in):
    response = signed_in(world.provincial_clerk).get(reverse("organizations:list"))
    assert response.status_code == 200
    assert set(_names(response)) == {"甲省科学技术协会", "甲省科协办公室", "甲市科学技术协会", "甲县科学技术协会"}
    assert "新增" in response.text and "导入" in response.text and "导出" in response.text


def test_it_filters_by_text_kind_status_region_and_parent(world, signed_in):
    client = signed_in(world.national_clerk)
    url = reverse("organizations:list")
    assert _names(client.get(url, {"q": "科普部"})) == ["科学技术普及部"]
    assert set(_names(client.get(url, {"kind": "county_association"}))) == {"甲县科学技术协会", "乙县科学技术协会"}
    assert set(_names(client.get(url, {"region": "420000"}))) == {
        "乙省科学技术协会", "乙市科学技术协会", "乙县科学技术协会"}
    assert set(_names(client.get(url, {"under": world.city_b.pk}))) == {"乙市科学技术协会", "乙县科学技术协会"}
    world.county_b.status = "dormant"
    world.county_b.save()
    assert _names(client.get(url, {"status": "dormant"})) == ["乙县科学技术协会"]


def test_the_parent_filter_only_offers_organisations_in_scope(world, signed_in):
    response = signed_in(world.provincial_clerk).get(reverse("organizations:list"), {"under": world.prov_b.pk})
    assert "under" in response.context["form"].errors
    assert world.prov_b not in response.context["form"].fields["under"].queryset


def test_it_sorts_by_a_column_both_ways(world, signed_in):
    client = signed_in(world.provincial_clerk)
    ascending = _names(client.get(reverse("organizations:list"), {"sort": "region_code"}))
    descending = _names(client.get(reverse("organizations:list"), {"sort": "-region_code"}))
    assert ascending[-1] == "甲县科学技术协会" and descending[0] == "甲县科学技术协会"


def test_it_pages_by_25(world, signed_in):
    for i in range(30):
        organization_create(by=None, parent=world.city_a, name=f"甲市第{i:02d}企业科协", kind="enterprise_association")
    client = signed_in(world.provincial_clerk)
    first = client.get(reverse("organizations:list"))
    assert len(first.context["organizations"]) == 25
    second = client.get(reverse("organizations:list"), {"page": 2})
    assert len(second.context["organizations"]) == 34 - 25


def test_a_batch_makes_the_selected_organisations_dormant(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("organizations:batch_status"), {
        "ids": [world.city_a.pk, world.county_a.pk], "status": "dormant", "reason": "年检未通过"}, follow=True)
    assert response.status_code == 200
    assert set(Organization.objects.filter(status="dormant").values_list("name", flat=True)) == {
        "甲市科学技术协会", "甲县科学技术协会"}
    assert OrganizationStatusChange.objects.filter(reason="年检未通过").count() == 2
    assert AuditLog.objects.filter(action="status").count() == 2


def test_a_batch_with_an_organisation_outside_scope_changes_nothing(world, signed_in):
    response = signed_in(world.provincial_clerk).post(reverse("organizations:batch_status"), {
        "ids": [world.city_a.pk, world.prov_b.pk], "status": "dormant"})
    assert response.status_code == 404
    assert not Organization.objects.filter(status="dormant").exists()


def test_a_refused_batch_changes_nothing_and_names_the_organisation(world, signed_in):
    # Dissolving the city alone is refused (its county is live): the county must not change either.
    response = signed_in(world.provincial_clerk).post(reverse("organizations:batch_status"), {
        "ids": [world.city_a.pk, world.prov_a_office.pk], "status": "dissolved", "reason": "撤并"}, follow=True)
    assert not Organization.objects.filter(status="dissolved").exists()
    assert not AuditLog.objects.filter(action="status").exists()
    assert "甲市科学技术协会" in response.text and "未撤销" in response.text


def test_the_batch_needs_the_deactivate_permission(world, signed_in):
    client = signed_in(world.society_secretary)
    response = client.post(reverse("organizations:batch_status"), {"ids": [world.branch.pk], "status": "dormant"})
    assert response.status_code == 403


def test_the_list_needs_the_view_permission(world, client, signed_in):
    assert client.get(reverse("organizations:list")).status_code == 302
    assert signed_in(world.no_role_user).get(reverse("organizations:list")).status_code == 403
