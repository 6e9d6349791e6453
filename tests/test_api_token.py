"""Tokens: obtained with username, password (and the second factor when required), under the
same lockout and login log as the sign-in page."""

import datetime as dt

import pyotp
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from kexie.accounts.models import LoginLog
from kexie.accounts.services import totp_begin_enrolment
from kexie.audit.models import AuditLog
from tests.personas import PASSWORD

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def obtain(client, username, password=PASSWORD, **extra):
    return client.post(reverse("api:token"), {"username": username, "password": password, **extra},
                       content_type="application/json", **ZH)


def test_a_token_opens_the_api(world, client):
    response = obtain(client, "provincial_clerk")
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    me = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200
    assert me.json()["username"] == "provincial_clerk"
    assert LoginLog.objects.filter(username="provincial_clerk", event="success").count() == 1
    assert AuditLog.objects.filter(action="login", username="provincial_clerk").exists()


def test_anonymous_calls_are_401(world, client):
    response = client.get(reverse("api:organization-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_new_token_replaces_the_old_one(world, client):
    first = obtain(client, "provincial_clerk").json()["token"]
    second = obtain(client, "provincial_clerk").json()["token"]
    assert first != second
    assert client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {first}").status_code == 401


def test_an_expired_token_is_refused(world, client):
    key = obtain(client, "provincial_clerk").json()["token"]
    Token.objects.filter(key=key).update(created=timezone.now() - dt.timedelta(hours=13))
    assert client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_a_wrong_password_is_a_400_and_is_logged(world, client):
    response = obtain(client, "provincial_clerk", "wrong-password")
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["用户名或密码错误。"]
    assert LoginLog.objects.filter(username="provincial_clerk", event="bad_password").count() == 1
    assert AuditLog.objects.filter(action="login_failed", username="provincial_clerk").exists()
    assert not Token.objects.exists()


def test_five_wrong_passwords_lock_the_account_for_the_api_too(world, client):
    for _ in range(5):
        obtain(client, "provincial_clerk", "wrong-password")
    response = obtain(client, "provincial_clerk")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert LoginLog.objects.filter(username="provincial_clerk", event="locked").exists()
    assert not Token.objects.exists()


def test_missing_fields_are_a_400_naming_them(world, client):
    response = client.post(reverse("api:token"), {"username": "provincial_clerk"},
                           content_type="application/json", **ZH)
    assert response.status_code == 400
    assert "password" in response.json()


def test_an_administrator_needs_the_second_factor(world, client):
    admin = world.system_admin
    assert obtain(client, admin.username).status_code == 403  # not enrolled yet
    secret = totp_begin_enrolment(user=admin)
    admin.totp_confirmed = True
    admin.save(update_fields=["totp_confirmed"])
    missing = obtain(client, admin.username)
    assert missing.status_code == 400 and "otp" in missing.json()
    wrong = obtain(client, admin.username, otp="000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    assert wrong.status_code == 400 and "otp" in wrong.json()
    assert LoginLog.objects.filter(username=admin.username, event="bad_otp").exists()
    right = obtain(client, admin.username, otp=pyotp.TOTP(secret).now())
    assert right.status_code == 200, right.content
    assert Token.objects.filter(user=admin).exists()


def test_an_enrolled_second_factor_is_asked_for_even_when_not_required(world, client):
    clerk = world.county_clerk
    assert not clerk.needs_totp
    secret = totp_begin_enrolment(user=clerk)
    clerk.totp_confirmed = True
    clerk.save(update_fields=["totp_confirmed"])
    assert obtain(client, "county_clerk").status_code == 400
    assert obtain(client, "county_clerk", otp=pyotp.TOTP(secret).now()).status_code == 200


def test_a_password_that_must_be_changed_gets_no_token(world, client):
    world.county_clerk.must_change_password = True
    world.county_clerk.save()
    response = obtain(client, "county_clerk")
    assert response.status_code == 403
    assert not Token.objects.exists()


def test_a_token_stops_working_when_the_password_must_be_changed(world, client):
    key = obtain(client, "county_clerk").json()["token"]
    world.county_clerk.must_change_password = True
    world.county_clerk.save()
    assert client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_a_missing_second_factor_names_the_field(world, client):
    admin = world.system_admin
    totp_begin_enrolment(user=admin)
    admin.totp_confirmed = True
    admin.save(update_fields=["totp_confirmed"])
    response = obtain(client, admin.username)
    assert response.json()["detail"].startswith("动态验证码：")


def test_a_disabled_account_gets_no_token(world, client):
    world.county_clerk.is_active = False
    world.county_clerk.save()
    assert obtain(client, "county_clerk").status_code == 403
    assert LoginLog.objects.filter(username="county_clerk", event="inactive").exists()


def _me(client, key):
    return client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {key}", **ZH)


def test_a_password_change_revokes_the_token(world, client):
    from kexie.accounts.services import user_set_password

    key = obtain(client, "provincial_clerk").json()["token"]
    user_set_password(user=world.provincial_clerk, by=world.provincial_clerk, raw="Another-Pass-2026")
    assert _me(client, key).status_code == 401
    assert AuditLog.objects.filter(detail="API token revoked: password changed").exists()


def test_disabling_the_account_revokes_the_token(world, client):
    from kexie.accounts.services import user_set_active

    key = obtain(client, "provincial_clerk").json()["token"]
    user_set_active(by=world.system_admin, user=world.provincial_clerk, active=False)
    assert not Token.objects.filter(key=key).exists()
    assert _me(client, key).status_code == 401


def test_locking_the_account_revokes_the_token(world, client):
    from kexie.accounts.models import SecurityPolicy

    key = obtain(client, "provincial_clerk").json()["token"]
    for _n in range(SecurityPolicy.current().lockout_threshold):
        client.post(reverse("accounts:login"), {"username": "provincial_clerk", "password": "wrong-Pass-1"},
                    REMOTE_ADDR=f"203.0.113.{_n + 1}")
    assert _me(client, key).status_code == 401
    assert AuditLog.objects.filter(detail="API token revoked: account locked").exists()


def test_a_token_unused_for_the_idle_time_is_refused_and_use_keeps_it_alive(world, client):
    from kexie.accounts.models import SecurityPolicy, TokenUse

    idle = SecurityPolicy.current().idle_timeout_minutes
    key = obtain(client, "provincial_clerk").json()["token"]
    assert _me(client, key).status_code == 200
    # Used a while ago, within the idle time: still good, and the use is recorded again.
    TokenUse.objects.filter(token_id=key).update(last_used_at=timezone.now() - dt.timedelta(minutes=idle - 1))
    assert _me(client, key).status_code == 200
    assert TokenUse.objects.get(token_id=key).last_used_at > timezone.now() - dt.timedelta(minutes=1)
    TokenUse.objects.filter(token_id=key).update(last_used_at=timezone.now() - dt.timedelta(minutes=idle + 1))
    refused = _me(client, key)
    assert refused.status_code == 401 and f"令牌已{idle}分钟未使用" in refused.content.decode()


def test_a_body_in_a_media_type_the_api_does_not_read_is_a_documented_415(client, db):
    from tests.api_conformance import openapi

    response = client.post(reverse("api:token"), "username=a&password=b", content_type="text/plain")
    assert response.status_code == 415
    assert "detail" in response.json()
    assert "415" in openapi()["paths"]["/api/v1/auth/token/"]["post"]["responses"]
