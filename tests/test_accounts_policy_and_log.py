"""The security policy page, the login-log page and the profile page."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from kexie.accounts.models import LoginLog, SecurityPolicy
from kexie.audit.models import AuditLog

POLICY = {"password_min_length": 10, "password_expiry_days": 60, "password_history": 5, "lockout_threshold": 5,
          "lockout_minutes": 20, "idle_timeout_minutes": 15, "audit_retention_days": 400}


def test_the_security_admin_edits_the_policy_and_it_is_audited(world, signed_in):
    assert not SecurityPolicy.objects.exists()
    response = signed_in(world.security_admin).post(reverse("accounts:security_policy"), POLICY)
    assert response.status_code == 302
    policy = SecurityPolicy.objects.get(pk=1)
    assert (policy.password_min_length, policy.idle_timeout_minutes, policy.audit_retention_days) == (10, 15, 400)
    row = AuditLog.objects.get(action="security", object_type="accounts.securitypolicy")
    assert row.old_values["password_min_length"] == 8 and row.new_values["password_min_length"] == 10
    assert row.user_id == world.security_admin.pk


def test_audit_retention_cannot_go_below_184_days(world, signed_in):
    response = signed_in(world.security_admin).post(reverse("accounts:security_policy"),
                                                    {**POLICY, "audit_retention_days": 183})
    assert response.status_code == 400
    body = response.content.decode()
    assert "审计日志保留天数不能少于 184 天" in body
    assert not SecurityPolicy.objects.exists()
    assert not AuditLog.objects.filter(action="security").exists()


def test_only_the_security_admin_edits_the_policy(world, signed_in):
    for persona in (world.system_admin, world.audit_admin, world.national_clerk):
        assert signed_in(persona).get(reverse("accounts:security_policy")).status_code == 403


def _log(username, success, minutes_ago=0, ip="10.0.0.1"):
    return LoginLog.objects.create(username=username, ip=ip, success=success,
                                   event="success" if success else "bad_password",
                                   time=timezone.now() - dt.timedelta(minutes=minutes_ago))


def test_the_login_log_filters_by_username_ip_result_and_date(world, signed_in):
    _log("county_clerk", True)
    _log("county_clerk", False, ip="10.0.0.2")
    _log("sysadmin", True, minutes_ago=3 * 24 * 60)
    client = signed_in(world.audit_admin)
    url = reverse("accounts:login_log")
    assert len(client.get(url).context["page_obj"]) == 3
    assert len(client.get(url, {"username": "county"}).context["page_obj"]) == 2
    assert [r.ip for r in client.get(url, {"ip": "10.0.0.2"}).context["page_obj"]] == ["10.0.0.2"]
    assert [r.success for r in client.get(url, {"success": "0"}).context["page_obj"]] == [False]
    today = timezone.localdate().isoformat()
    assert len(client.get(url, {"date_from": today}).context["page_obj"]) == 2
    body = client.get(url).content.decode()
    assert "登录成功" in body and "用户名或密码错误" in body


def test_the_login_log_is_paginated(world, signed_in):
    for n in range(25):
        _log(f"user{n}", False, ip=f"10.2.0.{n}")
    page = signed_in(world.security_admin).get(reverse("accounts:login_log"), {"page": 2}).context["page_obj"]
    assert page.number == 2 and len(page) == 5


def test_the_login_log_needs_its_permission(world, signed_in):
    assert signed_in(world.system_admin).get(reverse("accounts:login_log")).status_code == 403


def test_the_profile_shows_masked_details_and_manages_an_api_token(world, signed_in):
    client = signed_in(world.provincial_clerk)
    body = client.get(reverse("accounts:profile")).content.decode()
    assert "138****5678" in body and "13812345678" not in body
    response = client.post(reverse("accounts:profile"), {"action": "token_create"})
    token = Token.objects.get(user=world.provincial_clerk)
    assert token.key in response.content.decode()
    assert token.key not in client.get(reverse("accounts:profile")).content.decode()
    client.post(reverse("accounts:profile"), {"action": "token_revoke"})
    assert not Token.objects.filter(user=world.provincial_clerk).exists()
    assert AuditLog.objects.filter(action="security", detail__startswith="API token").count() == 2
