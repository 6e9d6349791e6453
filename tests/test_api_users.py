"""The users API: personal data is masked in lists and details; unmasking is permitted and audited."""

from django.urls import reverse

from kexie.accounts.models import DataScope, Role
from kexie.audit.models import AuditLog
from tests.personas import make_user

ID_NUMBER = "11010519491231002X"


def _with_pii(world):
    clerk = world.provincial_clerk
    clerk.set_id_number(ID_NUMBER)
    clerk.save()
    return clerk


def _unmasker(world):
    Role.objects.create(code="pii_a", name="甲省个人信息查看", permissions=["user.view", "pii.unmask"],
                        data_scope=DataScope.ORG_AND_BELOW)
    return make_user("pii_viewer", world.prov_a, ["pii_a"])


def test_lists_show_masked_personal_data_only(world, signed_in):
    _with_pii(world)
    client = signed_in(world.national_clerk)
    response = client.get(reverse("api:user-list") + "?q=provincial_clerk")
    row = next(r for r in response.json()["results"] if r["username"] == "provincial_clerk")
    assert (row["mobile"], row["email"], row["id_number"]) == ("138****5678", "j***@example.cn", "110105********002X")
    body = response.content.decode()
    assert "13812345678" not in body and "jia.clerk" not in body and ID_NUMBER not in body
    detail = client.get(reverse("api:user-detail", args=[world.provincial_clerk.pk])).content.decode()
    assert "13812345678" not in detail and ID_NUMBER not in detail


def test_users_are_limited_to_the_data_scope(world, signed_in):
    client = signed_in(_unmasker(world))
    usernames = {r["username"] for r in client.get(reverse("api:user-list")).json()["results"]}
    assert usernames == {"provincial_clerk", "county_clerk", "no_role_user", "pii_viewer"}
    assert client.get(reverse("api:user-detail", args=[world.other_provincial_clerk.pk])).status_code == 404


def test_unmasking_needs_the_permission(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("api:user-unmask", args=[world.county_clerk.pk]), {"field": "mobile"},
                           content_type="application/json")
    assert response.status_code == 403
    assert not AuditLog.objects.filter(action="unmask").exists()


def test_unmasking_returns_the_value_and_writes_an_audit_row(world, signed_in):
    _with_pii(world)
    viewer = _unmasker(world)
    client = signed_in(viewer)
    url = reverse("api:user-unmask", args=[world.provincial_clerk.pk])
    response = client.post(url, {"field": "id_number"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"field": "id_number", "value": ID_NUMBER}
    row = AuditLog.objects.get(action="unmask")
    assert (row.username, row.object_id) == ("pii_viewer", str(world.provincial_clerk.pk))
    assert ID_NUMBER not in str(row.new_values) + row.detail


def test_unmasking_a_user_outside_the_scope_is_not_found_and_not_audited(world, signed_in):
    client = signed_in(_unmasker(world))
    response = client.post(reverse("api:user-unmask", args=[world.other_provincial_clerk.pk]),
                           {"field": "mobile"}, content_type="application/json")
    assert response.status_code == 404
    assert not AuditLog.objects.filter(action="unmask").exists()


def test_unmasking_an_unknown_field_is_a_400_naming_it(world, signed_in):
    client = signed_in(_unmasker(world))
    response = client.post(reverse("api:user-unmask", args=[world.county_clerk.pk]), {"field": "password"},
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "field" in response.json()
    assert not AuditLog.objects.filter(action="unmask").exists()
