"""Audit log, login log, roles and the current user through the API."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from kexie.accounts.models import LoginLog
from kexie.audit.models import AuditLog
from kexie.organizations.services import organization_update


def test_the_audit_log_is_read_only_and_filterable(world, signed_in):
    organization_update(by=world.provincial_clerk, organization=world.city_a, data={"short_name": "甲市"})
    client = signed_in(world.audit_admin)
    url = reverse("api:auditlog-list")
    rows = client.get(url + f"?action=update&object_id={world.city_a.pk}").json()["results"]
    assert [(r["action"], r["username"], r["new_values"]) for r in rows] == [
        ("update", "provincial_clerk", {"short_name": "甲市"})]
    assert client.get(url + f"?user={world.provincial_clerk.pk}").json()["count"] == 1
    creates = AuditLog.objects.filter(object_type="organizations.organization", action="create").count()
    assert creates >= 15
    assert client.get(url + "?object_type=organizations.organization&action=create").json()["count"] == creates
    today = timezone.localdate()
    total = AuditLog.objects.count()
    assert client.get(url + f"?since={today}&until={today}").json()["count"] == total
    assert client.get(url + f"?until={today - dt.timedelta(days=1)}").json()["count"] == 0
    detail = reverse("api:auditlog-detail", args=[rows[0]["id"]])
    assert client.get(detail).status_code == 200
    assert client.delete(detail).status_code == 405
    assert client.patch(detail, {"detail": "x"}, content_type="application/json").status_code == 405
    assert AuditLog.objects.count() == total


def test_a_system_administrator_cannot_read_the_audit_log(world, signed_in):
    client = signed_in(world.system_admin)
    assert client.get(reverse("api:auditlog-list")).status_code == 403


def test_the_login_log_is_for_the_security_and_audit_administrators(world, signed_in):
    LoginLog.objects.create(username="county_clerk", user=world.county_clerk, ip="10.0.0.1",
                            event="bad_password", success=False)
    LoginLog.objects.create(username="county_clerk", user=world.county_clerk, ip="10.0.0.1",
                            event="success", success=True)
    client = signed_in(world.security_admin)
    url = reverse("api:loginlog-list")
    assert client.get(url).json()["count"] == 2
    assert [r["event"] for r in client.get(url + "?success=false").json()["results"]] == ["bad_password"]
    assert client.get(url + "?event=success&username=county_clerk").json()["count"] == 1
    assert signed_in(world.provincial_clerk).get(url).status_code == 403


def test_roles_are_listed_for_role_managers_only(world, signed_in):
    client = signed_in(world.system_admin)
    codes = {r["code"] for r in client.get(reverse("api:role-list") + "?page_size=100").json()["results"]}
    assert {"provincial_clerk", "system_admin", "audit_admin"} <= codes
    assert signed_in(world.provincial_clerk).get(reverse("api:role-list")).status_code == 403


def test_me_shows_the_permission_codes_and_data_scopes(world, signed_in):
    body = signed_in(world.provincial_clerk).get(reverse("api:me")).json()
    assert body["username"] == "provincial_clerk"
    assert body["organization"]["name"] == "甲省科学技术协会"
    assert "org.view" in body["permissions"] and "audit.view" not in body["permissions"]
    assert [(r["code"], r["data_scope"]) for r in body["roles"]] == [("provincial_clerk", "org_and_below")]


def test_me_for_a_user_without_roles_is_empty_but_allowed(world, signed_in):
    body = signed_in(world.no_role_user).get(reverse("api:me")).json()
    assert body["permissions"] == [] and body["roles"] == []


def test_personal_data_inside_audit_rows_is_masked(world, signed_in):
    from kexie.audit.services import audit_record

    audit_record(action="update", by=world.system_admin, obj=world.county_clerk,
                 old={"mobile": "13900001111"}, new={"mobile": "13812345678", "emails": ["li.si@example.cn"]},
                 detail="手机 13812345678")
    client = signed_in(world.audit_admin)
    body = client.get(reverse("api:auditlog-list") + "?object_type=accounts.user").content.decode()
    assert "13812345678" not in body and "13900001111" not in body and "li.si@" not in body
    row = client.get(reverse("api:auditlog-list") + "?object_type=accounts.user").json()["results"][0]
    assert row["new_values"] == {"mobile": "138****5678", "emails": ["l***@example.cn"]}
    assert row["detail"] == "手机 138****5678"
    stored = AuditLog.objects.get(pk=row["id"])
    assert stored.new_values["mobile"] == "13812345678"  # the row itself is untouched
