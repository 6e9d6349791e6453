"""Background jobs of progress tracking, run by ``kexie worker``."""

from django.tasks import task

from .services import snapshots_refresh


@task
def refresh_snapshots() -> dict:
    """The daily refresh: every task's light for today, which becomes the statistics date.
    Idempotent: a second run the same day recomputes the same values and writes nothing new."""
    return {"tasks": snapshots_refresh()}
