"""Idle sessions end after the configured minutes; API token calls are not sessions."""

import time

from django.urls import reverse
from rest_framework.authtoken.models import Token

from kexie.accounts.models import LoginLog, SecurityPolicy
from kexie.accounts.sessionkeys import LAST_SEEN
from kexie.audit.models import AuditLog
from tests.personas import PASSWORD


def _age_session(client, seconds):
    session = client.session
    session[LAST_SEEN] = time.time() - seconds
    session.save()


def test_a_session_idle_for_more_than_30_minutes_is_signed_out(world, signed_in):
    client = signed_in(world.county_clerk)
    _age_session(client, 31 * 60)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "因长时间未操作已自动退出" in page.content.decode()
    row = LoginLog.objects.get(event=LoginLog.Event.IDLE_TIMEOUT)
    assert row.user == world.county_clerk
    assert AuditLog.objects.filter(action="logout", detail="idle timeout", user_id=world.county_clerk.pk).exists()


def test_a_session_used_within_the_timeout_stays_and_is_refreshed(world, signed_in):
    client = signed_in(world.county_clerk)
    _age_session(client, 29 * 60)
    assert client.get(reverse("home")).status_code == 200
    assert time.time() - client.session[LAST_SEEN] < 5


def test_the_idle_timeout_follows_the_policy(world, signed_in):
    SecurityPolicy.objects.create(pk=1, idle_timeout_minutes=5)
    client = signed_in(world.county_clerk)
    _age_session(client, 6 * 60)
    assert client.get(reverse("home")).status_code == 302


def test_an_idle_api_session_gets_a_401_json(world, signed_in):
    client = signed_in(world.county_clerk)
    _age_session(client, 31 * 60)
    response = client.get("/api/schema/")
    assert response.status_code == 401
    assert "自动退出" in response.json()["detail"]


def test_an_htmx_request_is_told_to_navigate_to_the_login_page(world, signed_in):
    client = signed_in(world.county_clerk)
    _age_session(client, 31 * 60)
    response = client.get(reverse("home"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))


def test_token_authenticated_api_calls_are_not_affected(client, world):
    # An administrator who has no second factor in a session still uses a token.
    token = Token.objects.create(user=world.system_admin)
    response = client.get("/api/schema/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_a_session_used_again_within_half_a_minute_is_not_written_again(world, signed_in):
    """The idle clock moves in steps of half a minute: a burst of requests saves the session once."""
    client = signed_in(world.county_clerk)
    _age_session(client, 10)
    before = client.session[LAST_SEEN]
    assert client.get(reverse("home")).status_code == 200
    assert client.session[LAST_SEEN] == before
    _age_session(client, 40)
    assert client.get(reverse("home")).status_code == 200
    assert time.time() - client.session[LAST_SEEN] < 5


def test_sign_out_everywhere_ends_every_session_and_the_token(world):
    from django.test import Client

    from kexie.accounts.services import api_token_create
    from tests.personas import sign_in

    here, elsewhere = Client(), Client()
    sign_in(here, world.provincial_clerk)
    sign_in(elsewhere, world.provincial_clerk)
    api_token_create(user=world.provincial_clerk)
    assert elsewhere.get(reverse("home")).status_code == 200
    here.post(reverse("accounts:profile"), {"action": "sign_out_everywhere"})
    for client in (here, elsewhere):
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert not Token.objects.filter(user=world.provincial_clerk).exists()
    assert AuditLog.objects.filter(detail="signed out of all sessions", object_id=str(world.provincial_clerk.pk)).exists()
    # Signing in again afterwards works as always.
    again = Client()
    again.post(reverse("accounts:login"), {"username": world.provincial_clerk.username, "password": PASSWORD})
    assert again.get(reverse("home")).status_code == 200


def test_the_security_administrator_may_end_someone_elses_sessions_a_clerk_may_not(world, signed_in):
    from django.test import Client

    from tests.personas import sign_in

    victim = Client()
    sign_in(victim, world.county_clerk)
    url = reverse("accounts:user_action", args=[world.county_clerk.pk])
    assert Client().get(reverse("home")).status_code == 302
    clerk = Client()
    sign_in(clerk, world.provincial_clerk)
    assert clerk.post(url, {"action": "sign_out"}).status_code in (403, 404)
    assert victim.get(reverse("home")).status_code == 200
    signed_in(world.security_admin).post(url, {"action": "sign_out"})
    assert victim.get(reverse("home")).status_code == 302
