"""Rate limits per address and per account on sign-in, the second factor and the API's token
endpoint (sign-up, codes and password reset: tests/test_accounts_signup.py; anonymous forms:
tests/test_security_anonymous_forms.py). Over a limit: 429 with a Chinese message naming when to
try again, the form not processed, one audit row per limit and window (read-only, itself capped);
the limit holds when the requests come at once."""

import re
import threading

import pyotp
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from kexie.accounts.models import LoginLog
from kexie.audit.models import AuditChainHead, AuditLog
from kexie.core import crypto, ratelimit
from tests.personas import PASSWORD, make_user, sign_in

LOGIN = reverse("accounts:login")


@pytest.fixture
def rates(monkeypatch):
    """rates("login", ip="100/h", account="3/10m"): this test's limits for a group."""

    def set_rates(group, **limits):
        monkeypatch.setitem(ratelimit.RATES, group, {"ip": "1000/h", "account": "1000/h", **limits})

    return set_rates


def wrong_password(client, username="county_clerk", **extra):
    return client.post(LOGIN, {"username": username, "password": "wrong-Pass-1"}, **extra)


def test_sign_in_is_limited_per_account_with_a_chinese_message_and_nothing_processed(world, client, rates):
    rates("login", account="3/10m")

    answers = [wrong_password(client).status_code for _ in range(3)]
    limited = wrong_password(client)

    assert answers == [200, 200, 200]
    assert limited.status_code == 429
    page = limited.content.decode()
    assert "请求过于频繁" in page and re.search(r"请在 \d\d:\d\d 之后（约 \d+ 分钟后）再试", page)
    assert 0 < int(limited["Retry-After"]) <= 600
    # The fourth attempt was not processed: no login-log row, no failed-login audit row for it.
    assert LoginLog.objects.filter(username="county_clerk").count() == 3
    assert AuditLog.objects.filter(action="login_failed").count() == 3
    # Another account from the same address is still let through.
    assert wrong_password(client, "provincial_clerk").status_code == 200


def test_sign_in_is_limited_per_address_whatever_the_username(world, client, rates):
    rates("login", ip="3/10m")

    answers = [wrong_password(client, f"nobody{i}").status_code for i in range(4)]

    assert answers == [200, 200, 200, 429]


def test_the_limit_follows_the_client_address_not_a_header_the_client_sends(world, client, rates, settings):
    rates("login", ip="2/10m")
    settings.TRUSTED_PROXIES = ["10.9.9.9"]

    forged = [wrong_password(client, f"x{i}", REMOTE_ADDR="203.0.113.5", HTTP_X_REAL_IP=f"198.51.100.{i}").status_code
              for i in range(3)]
    # Behind the trusted proxy each client's own address counts apart.
    proxied = [wrong_password(client, f"y{i}", REMOTE_ADDR="10.9.9.9", HTTP_X_REAL_IP=f"198.51.100.{i}").status_code
               for i in range(3)]

    assert forged == [200, 200, 429]
    assert proxied == [200, 200, 200]


def test_one_audit_row_per_limit_and_window_and_it_moves_no_data_generation(world, client, rates):
    rates("login", account="1/10m")
    wrong_password(client)
    before = AuditChainHead.objects.get(pk=1).change_hash

    for _ in range(5):
        assert wrong_password(client).status_code == 429

    rows = AuditLog.objects.filter(action="rate_limited")
    assert rows.count() == 1
    row = rows.get()
    assert not row.success and row.username == "county_clerk" and row.ip == "127.0.0.1"
    assert row.detail.startswith("login: account over 1/10m")
    assert AuditChainHead.objects.get(pk=1).change_hash == before


def test_a_flood_of_limited_requests_cannot_fill_the_audit_table(world, client, rates, monkeypatch):
    rates("login", account="0/10m")
    monkeypatch.setattr(ratelimit, "AUDIT_PER_MINUTE", 3)

    for i in range(8):  # eight accounts, each over its own limit
        assert wrong_password(client, f"flood{i}").status_code == 429

    assert AuditLog.objects.filter(action="rate_limited").count() == 3


def test_the_audit_log_labels_the_rate_limited_row_in_chinese(world, client, rates, signed_in):
    rates("login", account="0/10m")
    wrong_password(client)

    page = signed_in(world.audit_admin).get(reverse("audit:list")).content.decode()

    assert "请求过于频繁被拒绝" in page


def test_second_factor_codes_are_limited_per_account(world, client, rates):
    rates("totp", account="2/10m")
    admin = world.system_admin
    admin.totp_secret_encrypted = crypto.encrypt(pyotp.random_base32())
    admin.totp_confirmed = True
    admin.save()
    client.force_login(admin)

    answers = [client.post(reverse("accounts:otp"), {"code": "000000"}).status_code for _ in range(3)]

    assert answers == [400, 400, 429]
    assert LoginLog.objects.filter(username=admin.username, event=LoginLog.Event.BAD_OTP).count() == 2


def test_the_api_token_endpoint_has_the_sign_in_limits_and_answers_json(world, client, rates):
    rates("login", account="2/10m")
    body = {"username": "county_clerk", "password": "wrong-Pass-1"}

    answers = [client.post(reverse("api:token"), body, content_type="application/json") for _ in range(3)]

    assert [a.status_code for a in answers] == [400, 400, 429]
    assert "请求过于频繁" in answers[-1].json()["detail"]


@pytest.mark.django_db(transaction=True)
def test_the_limit_holds_when_the_requests_come_at_once(rates, monkeypatch):
    """Twelve clients send a wrong password for one account at the same moment, each in its own
    thread through the whole request stack: exactly the limit's four are processed, the other
    eight answered 429, and one audit row says so. The counters' add and increment are atomic.

    On SQLite (one writer at a time, and the in-memory test database refuses a second writer
    outright) the database writes after the limiter are taken one at a time; the limiter itself is
    still hit by all twelve at once. On PostgreSQL nothing is serialised."""
    rates("login", account="4/10m")
    make_user("racer", None)
    if connection.vendor == "sqlite":
        writes = threading.Lock()
        for name in ("login_attempt",):
            original = getattr(__import__("kexie.accounts.services", fromlist=[name]), name)
            monkeypatch.setattr(f"kexie.accounts.services.{name}",
                                lambda *a, _f=original, **k: _locked(writes, _f, *a, **k))
        audit = ratelimit._audit
        monkeypatch.setattr(ratelimit, "_audit", lambda *a, **k: _locked(writes, audit, *a, **k))

    barrier, statuses = threading.Barrier(12), []

    def attempt():
        client = Client()
        try:
            barrier.wait(timeout=30)
            statuses.append(wrong_password(client, "racer").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [200] * 4 + [429] * 8
    assert LoginLog.objects.filter(username="racer").count() == 4
    assert AuditLog.objects.filter(action="rate_limited").count() == 1


def _locked(lock, function, *args, **kwargs):
    with lock:
        return function(*args, **kwargs)


def test_every_view_an_anonymous_visitor_can_post_to_is_rate_limited():
    """Sign-in, sign-up, codes, password reset, invitations: each public form is behind a limit."""
    from django.urls import resolve

    from tests.test_permission_matrix import PUBLIC

    unguarded = []
    for name, public in PUBLIC.items():
        if name in ("set_language", "api:token"):
            continue  # no form of a person's; the token endpoint checks its limits itself
        url = reverse(name, kwargs=public.kwargs) if public.kwargs else reverse(name)
        view = resolve(url).func
        while not hasattr(view, "rate_limit_group") and hasattr(view, "__wrapped__"):
            view = view.__wrapped__
        if public.method == "post" or name.startswith("accounts:"):
            if not hasattr(view, "rate_limit_group"):
                unguarded.append(name)
    assert unguarded == []
