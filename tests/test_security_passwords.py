"""Password policy: length, three character classes, no reuse of the last five, first-login
change and expiry."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kexie.accounts.models import PasswordHistory, SecurityPolicy
from kexie.accounts.services import user_set_password
from kexie.audit.models import AuditLog
from tests.personas import PASSWORD


@pytest.mark.parametrize("raw, reason", [
    ("Ab1@xyz", "不能少于 8 位"),
    ("abcdefgh12", "至少三类"),
    ("ABCDEFGH!!", "至少三类"),
    ("abcdef12中文中文", "至少三类"),  # Chinese characters are no symbols
    ("abcdef１２中文", "至少三类"),  # nor are full-width digits digits
])
def test_a_weak_password_is_refused_with_the_reason(world, raw, reason):
    with pytest.raises(ValidationError) as exc:
        user_set_password(user=world.county_clerk, by=world.county_clerk, raw=raw)
    assert any(reason in message for message in exc.value.messages)


def test_a_full_width_symbol_counts_as_a_symbol(world):
    user_set_password(user=world.county_clerk, by=world.county_clerk, raw="abcdef12！中文")


def test_three_classes_of_eight_characters_are_enough(world):
    user_set_password(user=world.county_clerk, by=world.county_clerk, raw="abcdEF12")
    world.county_clerk.refresh_from_db()
    assert world.county_clerk.check_password("abcdEF12")


def test_setting_a_password_records_history_time_and_audit_and_clears_the_obligation(world):
    user = world.county_clerk
    user.must_change_password = True
    user.save()
    before = timezone.now()
    user_set_password(user=user, by=user, raw="Another#Pass1")
    user.refresh_from_db()
    assert not user.must_change_password
    assert user.password_changed_at >= before
    assert PasswordHistory.objects.filter(user=user).count() == 2
    assert AuditLog.objects.filter(action="password", object_id=str(user.pk)).exists()


def test_the_last_five_passwords_cannot_be_reused_but_the_sixth_can(world):
    user = world.county_clerk  # current password: PASSWORD (history 1)
    for n in range(1, 5):
        user_set_password(user=user, by=user, raw=f"Rotate#{n}pass")
    # History now holds PASSWORD and Rotate#1..4: all five are refused.
    for old in [PASSWORD, "Rotate#1pass", "Rotate#4pass"]:
        with pytest.raises(ValidationError) as exc:
            user_set_password(user=user, by=user, raw=old)
        assert "最近 5 次" in " ".join(exc.value.messages)
    user_set_password(user=user, by=user, raw="Rotate#5pass")
    # PASSWORD is now the sixth most recent and may be used again.
    user_set_password(user=user, by=user, raw=PASSWORD)


def test_a_new_user_must_change_the_password_at_first_sign_in(client, world, signed_in):
    admin = signed_in(world.system_admin)
    admin.post(reverse("accounts:user_create"), {
        "username": "newbie", "full_name": "新同事", "organization": world.county_a.pk})
    temporary = admin.session.get("kexie_temporary_password") or {}
    detail = admin.get(reverse("accounts:user_detail", args=[temporary.get("user", 0)]))
    raw = detail.context["temporary_password"]
    admin.post(reverse("accounts:logout"))

    client.post(reverse("accounts:login"), {"username": "newbie", "password": raw})
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:password_change"))
    page = client.get(response["Location"])
    assert "首次登录" in page.content.decode()

    response = client.post(reverse("accounts:password_change"), {
        "old_password": raw, "new_password1": "Newbie#2026", "new_password2": "Newbie#2026"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_the_new_password_must_meet_the_policy_on_the_change_page(client, world):
    client.post(reverse("accounts:login"), {"username": "county_clerk", "password": PASSWORD})
    response = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "short", "new_password2": "short"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "新密码" in body and "不能少于 8 位" in body


def test_an_expired_password_must_be_changed(client, world):
    user = world.county_clerk
    user.password_changed_at = timezone.now() - dt.timedelta(days=91)
    user.save()
    client.post(reverse("accounts:login"), {"username": "county_clerk", "password": PASSWORD})
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("accounts:password_change"))
    assert "已过期" in client.get(response["Location"]).content.decode()


def test_the_expiry_follows_the_policy(client, world):
    SecurityPolicy.objects.create(pk=1, password_expiry_days=200)
    user = world.county_clerk
    user.password_changed_at = timezone.now() - dt.timedelta(days=91)
    user.save()
    client.post(reverse("accounts:login"), {"username": "county_clerk", "password": PASSWORD})
    assert client.get(reverse("home")).status_code == 200


def test_a_forced_user_may_still_sign_out(client, world):
    user = world.county_clerk
    user.must_change_password = True
    user.save()
    client.post(reverse("accounts:login"), {"username": "county_clerk", "password": PASSWORD})
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_the_api_answers_403_json_while_a_password_change_is_due(client, world):
    user = world.county_clerk
    user.must_change_password = True
    user.save()
    client.post(reverse("accounts:login"), {"username": "county_clerk", "password": PASSWORD})
    response = client.get("/api/schema/")
    assert response.status_code == 403
    assert "修改密码" in response.json()["detail"]


def test_sign_in_warns_when_the_password_expires_within_a_week(client, world):
    user = world.county_clerk
    user.password_changed_at = timezone.now() - dt.timedelta(days=85, hours=1)
    user.save()
    client.post(reverse("accounts:login"), {"username": "county_clerk", "password": PASSWORD})
    body = client.get(reverse("home")).content.decode()
    assert "密码将于 4 天后过期" in body


def test_no_warning_when_the_password_is_fresh(client, world):
    client.post(reverse("accounts:login"), {"username": "county_clerk", "password": PASSWORD})
    assert "过期" not in client.get(reverse("home")).content.decode()
