"""Background jobs of the service teams, run by ``kexie worker``."""

import datetime as dt

from django.tasks import task

from .reminders import visit_reminders_send


@task
def send_visit_reminders(today: str | None = None) -> dict:
    """The daily reminders of overdue follow-ups and contacts (``today`` as YYYY-MM-DD, default
    the current day); idempotent, so a retry or a second run the same day sends nothing twice."""
    return visit_reminders_send(today=dt.date.fromisoformat(today) if today else None)
