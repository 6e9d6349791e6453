"""The client's address is the socket's unless the request comes through a trusted proxy: a
client that sends its own X-Real-IP cannot escape the per-address lockout or forge the address in
the login log and the audit trail."""

from django.test import override_settings
from django.urls import reverse

from kexie.accounts.models import LoginLog, SecurityPolicy
from kexie.audit.models import AuditLog

OUTSIDE = "203.0.113.9"


def _wrong_password(client, username, **headers):
    return client.post(reverse("accounts:login"), {"username": username, "password": "wrong-Password-1"},
                       **headers)


def test_a_header_from_an_outside_address_is_ignored(client, world):
    _wrong_password(client, "nobody", REMOTE_ADDR=OUTSIDE, HTTP_X_REAL_IP="198.51.100.1")
    assert LoginLog.objects.get(username="nobody").ip == OUTSIDE
    assert AuditLog.objects.filter(username="nobody").latest("pk").ip == OUTSIDE


def test_the_proxy_on_this_machine_names_the_client(client, world):
    _wrong_password(client, "nobody", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.1")
    assert LoginLog.objects.get(username="nobody").ip == "198.51.100.1"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_the_configured_proxies_are_trusted_and_nothing_else(client, world):
    _wrong_password(client, "via-proxy", REMOTE_ADDR="10.1.2.3", HTTP_X_REAL_IP="198.51.100.2")
    _wrong_password(client, "direct", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.3")
    _wrong_password(client, "garbage", REMOTE_ADDR="10.1.2.3", HTTP_X_REAL_IP="not-an-address")
    assert dict(LoginLog.objects.values_list("username", "ip")) == {
        "via-proxy": "198.51.100.2", "direct": "127.0.0.1", "garbage": "10.1.2.3"}


def test_rotating_the_header_does_not_escape_the_per_address_lockout(client, world):
    threshold = SecurityPolicy.current().lockout_threshold
    for n in range(threshold):
        _wrong_password(client, f"guess{n}", REMOTE_ADDR=OUTSIDE, HTTP_X_REAL_IP=f"198.51.100.{n + 10}")
    response = client.post(reverse("accounts:login"), {"username": world.county_clerk.username,
                                                       "password": "wrong-Password-1"},
                           REMOTE_ADDR=OUTSIDE, HTTP_X_REAL_IP="198.51.100.200")
    assert LoginLog.objects.filter(username=world.county_clerk.username).get().event == LoginLog.Event.LOCKED
    assert "锁定" in response.content.decode()
