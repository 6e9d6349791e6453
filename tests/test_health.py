"""The probes a load balancer sends to every application server: /healthz answers while the
process serves; /readyz answers 200 only when the database, the cache and the migrations are in
order, and 503 naming the failing check otherwise — to anyone, without signing in, never cached."""

import pytest
from django.db.migrations.executor import MigrationExecutor

from kexie.core import health


def test_health_answers_without_signing_in_and_is_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_ready_when_the_database_the_cache_and_the_migrations_are_in_order(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "migrations": "ok"}}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_pending_migration_makes_the_server_unready(client, monkeypatch):
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("a migration", False)])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "migrations": "1 migration(s) not applied"}


@pytest.mark.django_db
def test_a_cache_that_loses_values_or_a_failing_database_makes_it_unready_and_names_only_the_kind(client, monkeypatch):
    monkeypatch.setattr(health.cache, "get", lambda key, default=None: None)
    body = client.get("/readyz").json()
    assert body["status"] == "unavailable" and body["checks"]["cache"] == "the cache did not return what was stored"

    def broken():
        raise ConnectionError("could not connect to server at 10.0.0.7 with password …")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error: ConnectionError"
    assert "10.0.0.7" not in response.content.decode()


def test_only_get_is_answered(client):
    assert client.post("/healthz").status_code == 405
