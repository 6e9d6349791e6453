"""The second factor (TOTP): required for the three administrators and for roles that ask for it."""

import time

import pyotp
import pytest
from django.urls import reverse

from kexie.accounts.models import LoginLog, Role
from kexie.core import crypto
from kexie.accounts.sessionkeys import OTP_VERIFIED
from kexie.audit.models import AuditLog
from tests.personas import PASSWORD


def _sign_in_with_password(client, username):
    client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})


@pytest.mark.parametrize("persona", ["system_admin", "security_admin", "audit_admin"])
def test_each_administrator_must_enrol_a_second_factor(client, world, persona):
    user = getattr(world, persona)
    _sign_in_with_password(client, user.username)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp"))
    page = client.get(reverse("accounts:otp"))
    body = page.content.decode()
    user.refresh_from_db()
    secret = user.totp_secret
    assert secret and secret in body
    assert "otpauth://totp/" in body and "data:image/svg+xml;base64," in body
    assert secret not in user.totp_secret_encrypted  # stored encrypted

    response = client.post(reverse("accounts:otp"), {"code": "000000" if pyotp.TOTP(secret).now() != "000000"
                                                     else "111111"})
    assert response.status_code == 400
    assert "验证码错误" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302
    assert LoginLog.objects.filter(username=user.username, event=LoginLog.Event.BAD_OTP).exists()

    response = client.post(reverse("accounts:otp"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert client.session[OTP_VERIFIED] is True
    assert client.get(reverse("home")).status_code == 200
    user.refresh_from_db()
    assert user.totp_confirmed
    assert AuditLog.objects.filter(action="security", detail="second factor enrolled", user_id=user.pk).exists()


def test_an_enrolled_administrator_gives_the_code_at_every_sign_in(client, world):
    admin = world.audit_admin
    _sign_in_with_password(client, admin.username)
    client.get(reverse("accounts:otp"))
    admin.refresh_from_db()
    totp = pyotp.TOTP(admin.totp_secret)
    used = totp.now()
    client.post(reverse("accounts:otp"), {"code": used})
    client.post(reverse("accounts:logout"))

    _sign_in_with_password(client, admin.username)
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:otp"))
    page = client.get(reverse("accounts:otp")).content.decode()
    assert admin.totp_secret not in page  # the key is shown only while enrolling
    # The code already used cannot be replayed; the next one is accepted.
    assert client.post(reverse("accounts:otp"), {"code": used}).status_code == 400
    next_code = totp.at(time.time() + totp.interval)
    assert client.post(reverse("accounts:otp"), {"code": next_code}).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_business_user_needs_no_second_factor_unless_the_role_asks(client, world):
    _sign_in_with_password(client, "county_clerk")
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("accounts:logout"))
    Role.objects.filter(code="county_clerk").update(require_totp=True)
    _sign_in_with_password(client, "county_clerk")
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:otp"))


def test_wrong_codes_count_towards_the_lockout(client, world):
    _sign_in_with_password(client, world.audit_admin.username)
    client.get(reverse("accounts:otp"))
    for _attempt in range(4):
        client.post(reverse("accounts:otp"), {"code": "abcdef"})
    response = client.post(reverse("accounts:otp"), {"code": "abcdef"})
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("accounts:login"), {"username": world.audit_admin.username,
                                                       "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert "已锁定" in response.content.decode()


def test_the_security_admin_can_reset_a_second_factor(world, signed_in):
    admin = world.audit_admin
    admin.totp_secret_encrypted = "sm4gcm:placeholder"
    admin.totp_confirmed = True
    admin.save()
    client = signed_in(world.security_admin)
    client.post(reverse("accounts:user_action", args=[admin.pk]), {"action": "reset_totp"})
    admin.refresh_from_db()
    assert not admin.totp_confirmed and not admin.totp_secret_encrypted
    assert AuditLog.objects.filter(action="security", detail="second factor reset").exists()


def test_a_system_admin_cannot_reset_a_second_factor(world, signed_in):
    client = signed_in(world.system_admin)
    response = client.post(reverse("accounts:user_action", args=[world.audit_admin.pk]), {"action": "reset_totp"})
    assert response.status_code == 403


def test_a_business_user_who_enrolled_voluntarily_is_asked_for_the_code(client, world):
    _sign_in_with_password(client, "county_clerk")
    client.get(reverse("accounts:otp"))
    world.county_clerk.refresh_from_db()
    client.post(reverse("accounts:otp"), {"code": pyotp.TOTP(world.county_clerk.totp_secret).now()})
    client.post(reverse("accounts:logout"))
    _sign_in_with_password(client, "county_clerk")
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:otp"))


def _otp_request(user):
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    request = RequestFactory().post(reverse("accounts:otp"))
    request.session = SessionStore()
    request.user = user
    return request


def test_two_sessions_that_read_the_account_before_either_checks_get_in_once(world):
    """Both sessions hold the account as it was before the code was used (what two requests
    racing each other see); the code's step is claimed in the database, not in their copies."""
    from kexie.accounts.models import User
    from kexie.accounts.services import totp_verify

    admin = world.system_admin
    secret = pyotp.random_base32()
    admin.totp_secret_encrypted = crypto.encrypt(secret)
    admin.save()
    first, second = User.objects.get(pk=admin.pk), User.objects.get(pk=admin.pk)
    code = pyotp.TOTP(secret).now()
    results = [totp_verify(request=_otp_request(first), user=first, code=code),
               totp_verify(request=_otp_request(second), user=second, code=code)]
    assert sorted(results) == [False, True]
    assert LoginLog.objects.filter(username=admin.username, event=LoginLog.Event.BAD_OTP).count() == 1


@pytest.mark.django_db(transaction=True)
def test_eight_sessions_sending_the_same_code_at_once_get_in_once():
    import threading

    from django.db import connection

    from kexie.accounts.models import User
    from kexie.accounts.roles import ensure_builtin_roles
    from kexie.accounts.services import totp_verify
    from tests.personas import build_world

    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time; the race itself is run on PostgreSQL")
    ensure_builtin_roles()
    admin = build_world().system_admin
    secret = pyotp.random_base32()
    admin.totp_secret_encrypted = crypto.encrypt(secret)
    admin.save()
    code = pyotp.TOTP(secret).now()
    barrier, results = threading.Barrier(8), []

    def attempt():
        user = User.objects.get(pk=admin.pk)
        barrier.wait()
        results.append(totp_verify(request=_otp_request(user), user=user, code=code))
        connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]
