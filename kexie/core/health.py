"""Health (``/healthz``: the process answers) and readiness (``/readyz``: the database, the cache
and the migrations) for a load balancer or an orchestrator in front of several application
servers. Both are anonymous, never cached, and say nothing about the data."""

import secrets

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    """The process is up and serving requests."""
    return JsonResponse({"status": "ok"})


def _database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _cache() -> str:
    key, value = f"kexie:readyz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, 10)
    try:
        return "ok" if cache.get(key) == value else "the cache did not return what was stored"
    finally:
        cache.delete(key)


def _migrations() -> str:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return "ok" if not pending else f"{len(pending)} migration(s) not applied"


CHECKS = {"database": _database, "cache": _cache, "migrations": _migrations}


@never_cache
@require_GET
def readyz(request):
    """Ready to take traffic: the database answers, the cache stores and returns a value, and every
    migration is applied. 503 with the failing check otherwise (the error's kind only)."""
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:  # noqa: BLE001 — any failure means not ready; its kind is reported
            results[name] = f"error: {type(error).__name__}"
    ready = all(value == "ok" for value in results.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": results}, status=200 if ready else 503)
