"""The detail page: properties, ancestors, children, people, status and change history."""

from django.urls import reverse

from kexie.accounts.models import Position
from kexie.organizations.services import organization_set_status, organization_update
from tests.personas import make_user


def test_it_shows_properties_children_and_ancestors(world, signed_in):
    response = signed_in(world.national_clerk).get(reverse("organizations:detail", args=[world.city_a.pk]))
    assert response.status_code == 200
    assert [a.pk for a in response.context["ancestors"]] == [world.cast.pk, world.prov_a.pk]
    assert [c.pk for c in response.context["children"]] == [world.county_a.pk]
    assert "410100" in response.text
    assert "市级科协" in response.text


def test_ancestors_outside_scope_are_left_out_of_the_breadcrumb(world, signed_in):
    response = signed_in(world.provincial_clerk).get(reverse("organizations:detail", args=[world.city_a.pk]))
    assert [a.pk for a in response.context["ancestors"]] == [world.prov_a.pk]
    assert reverse("organizations:detail", args=[world.cast.pk]) not in response.text


def test_an_organisation_outside_scope_is_not_found(world, signed_in):
    client = signed_in(world.provincial_clerk)
    assert client.get(reverse("organizations:detail", args=[world.prov_b.pk])).status_code == 404
    assert client.get(reverse("organizations:detail", args=[999999])).status_code == 404


def test_it_lists_staff_and_position_holders(world, signed_in):
    holder = make_user("holder", world.prov_b, [], full_name="兼职副主席")
    Position.objects.create(user=holder, organization=world.prov_a, title="兼职副主席")
    response = signed_in(world.provincial_clerk).get(reverse("organizations:detail", args=[world.prov_a.pk]))
    people = response.context["people"]
    assert world.provincial_clerk in people["members"]
    assert [p.user for p in people["positions"]] == [holder]
    assert "兼职副主席" in response.text


def test_status_and_change_history_are_shown_without_audit_permission(world, signed_in):
    organization_update(by=world.provincial_clerk, organization=world.city_a, data={"address": "甲市人民路1号"})
    organization_set_status(by=world.provincial_clerk, organization=world.county_a, status="dormant",
                            reason="连续两年未年检")
    client = signed_in(world.provincial_clerk)
    assert not world.provincial_clerk.has_code("audit.view")
    city = client.get(reverse("organizations:detail", args=[world.city_a.pk]))
    actions = [(row["action_code"], row["username"]) for row in city.context["history"]]
    assert actions == [("update", "provincial_clerk"), ("create", "")]
    assert city.context["history"][0]["fields"] == ["地址"]
    county = client.get(reverse("organizations:detail", args=[world.county_a.pk]))
    assert [c.reason for c in county.context["status_history"]] == ["连续两年未年检"]
    assert "连续两年未年检" in county.text and "休眠" in county.text
