"""Signing in and out: the login page, lockout by username and by address, the login log."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kexie.accounts.models import LoginLog, SecurityPolicy
from kexie.audit.models import AuditLog
from tests.personas import PASSWORD

LOGIN = "/accounts/login/"


def post_login(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_the_login_page_shows_the_platform_name_and_the_sign_in_button(client, db):
    response = client.get(reverse("accounts:login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "科协工作平台" in body
    assert "登录" in body
    assert 'name="username"' in body and 'name="password"' in body


def test_it_signs_in_with_the_right_password_and_logs_it(client, world):
    response = post_login(client, "county_clerk", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    row = LoginLog.objects.get(username="county_clerk")
    assert row.event == LoginLog.Event.SUCCESS and row.success and row.ip == "10.0.0.1"
    assert row.user == world.county_clerk
    audit = AuditLog.objects.filter(action="login").get()
    assert audit.user_id == world.county_clerk.pk and audit.ip == "10.0.0.1"


def test_a_wrong_password_is_refused_with_the_attempts_left_and_logged(client, world):
    response = post_login(client, "county_clerk", "wrong-Password1")
    body = response.content.decode()
    assert "_auth_user_id" not in client.session
    assert "用户名或密码错误" in body
    assert "还可尝试 4 次" in body
    row = LoginLog.objects.get()
    assert (row.event, row.success) == (LoginLog.Event.BAD_PASSWORD, False)
    assert AuditLog.objects.filter(action="login_failed", username="county_clerk", success=False).exists()


def test_an_unknown_username_is_logged_as_a_failure_too(client, world):
    post_login(client, "nobody", "whatever-Pass1")
    assert LoginLog.objects.filter(username="nobody", event=LoginLog.Event.BAD_PASSWORD).exists()


def test_five_wrong_passwords_lock_the_username_even_with_the_right_password(client, world):
    for attempt in range(5):
        post_login(client, "county_clerk", "wrong-Password1", ip=f"10.0.1.{attempt}")
    response = post_login(client, "county_clerk", PASSWORD, ip="10.0.2.1")
    body = response.content.decode()
    assert "_auth_user_id" not in client.session
    assert "已锁定" in body and "后重试" in body
    until = timezone.localtime(LoginLog.objects.filter(event="bad_password").latest("time").time
                               + dt.timedelta(minutes=15))
    assert until.strftime("%H:%M") in body
    assert LoginLog.objects.filter(username="county_clerk", event=LoginLog.Event.LOCKED).count() == 1
    assert AuditLog.objects.filter(action="login_failed", detail="locked").count() == 1


def test_the_fifth_failure_already_says_that_sign_in_is_locked(client, world):
    for _attempt in range(4):
        post_login(client, "county_clerk", "wrong-Password1")
    body = post_login(client, "county_clerk", "wrong-Password1").content.decode()
    assert "已锁定" in body


def test_five_failures_from_one_address_lock_that_address_for_every_username(client, world):
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        post_login(client, name, "wrong-Password1", ip="10.9.9.9")
    response = post_login(client, "county_clerk", PASSWORD, ip="10.9.9.9")
    assert "_auth_user_id" not in client.session
    assert "已锁定" in response.content.decode()
    # The same user from another address is not locked.
    post_login(client, "county_clerk", PASSWORD, ip="10.9.9.10")
    assert client.session["_auth_user_id"] == str(world.county_clerk.pk)


def test_the_lock_expires_after_the_lockout_minutes(client, world):
    for _attempt in range(5):
        post_login(client, "county_clerk", "wrong-Password1")
    assert "已锁定" in post_login(client, "county_clerk", PASSWORD).content.decode()
    # Sixteen minutes later (the rows are moved back instead of waiting).
    for row in LoginLog.objects.all():
        LoginLog.objects.filter(pk=row.pk).update(time=row.time - dt.timedelta(minutes=16))
    post_login(client, "county_clerk", PASSWORD)
    assert client.session["_auth_user_id"] == str(world.county_clerk.pk)


def test_the_lockout_follows_the_configured_policy(client, world):
    SecurityPolicy.objects.create(pk=1, lockout_threshold=2, lockout_minutes=30)
    post_login(client, "county_clerk", "wrong-Password1")
    body = post_login(client, "county_clerk", "wrong-Password1").content.decode()
    assert "已锁定" in body
    for row in LoginLog.objects.all():
        LoginLog.objects.filter(pk=row.pk).update(time=row.time - dt.timedelta(minutes=20))
    assert "已锁定" in post_login(client, "county_clerk", PASSWORD).content.decode()


def test_a_success_resets_the_count_for_the_username(client, world):
    for attempt in range(4):
        post_login(client, "county_clerk", "wrong-Password1", ip=f"10.0.3.{attempt}")
    post_login(client, "county_clerk", PASSWORD, ip="10.0.4.1")
    client.post(reverse("accounts:logout"))
    body = post_login(client, "county_clerk", "wrong-Password1", ip="10.0.4.2").content.decode()
    assert "还可尝试 4 次" in body


def test_a_security_admin_can_unlock_a_locked_account(client, world, signed_in):
    for attempt in range(5):
        post_login(client, "county_clerk", "wrong-Password1", ip=f"10.0.5.{attempt}")
    admin_client = signed_in(world.security_admin)
    admin_client.post(reverse("accounts:user_action", args=[world.county_clerk.pk]), {"action": "unlock"})
    assert AuditLog.objects.filter(action="security", detail="account unlocked").exists()
    admin_client.post(reverse("accounts:logout"))
    post_login(client, "county_clerk", PASSWORD, ip="10.0.6.1")
    assert client.session["_auth_user_id"] == str(world.county_clerk.pk)


def test_a_disabled_user_is_refused(client, world):
    world.county_clerk.is_active = False
    world.county_clerk.save()
    body = post_login(client, "county_clerk", PASSWORD).content.decode()
    assert "_auth_user_id" not in client.session
    assert "已停用" in body
    assert LoginLog.objects.get().event == LoginLog.Event.INACTIVE


def test_sign_out_is_a_post_that_is_logged(client, world):
    post_login(client, "county_clerk", PASSWORD)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert LoginLog.objects.filter(event=LoginLog.Event.LOGOUT, username="county_clerk").exists()
    assert AuditLog.objects.filter(action="logout", user_id=world.county_clerk.pk).exists()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("next_url, expected", [("/organizations/", "/organizations/"),
                                                ("https://evil.example/", "/")])
def test_it_returns_to_a_local_next_page_only(client, world, next_url, expected):
    response = client.post(LOGIN + "?next=" + next_url, {"username": "county_clerk", "password": PASSWORD})
    assert response["Location"] == expected
