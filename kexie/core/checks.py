"""System checks of the platform's own settings (``kexie check --deploy``)."""

from django.conf import settings
from django.core import checks

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """Production counts the rate limits in a cache every worker shares: with the local-memory one
    each gunicorn worker keeps its own counters and a limit lets through that many per worker."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if getattr(settings, "PRODUCTION", False) and backend in PER_PROCESS_CACHES:
        return [checks.Warning(
            "The cache is per process: rate limits are counted by each worker apart.",
            hint="Set KEXIE_REDIS_URL (e.g. redis://127.0.0.1:6379/0) to the Redis server every worker shares.",
            id="kexie.W001")]
    return []
