"""Background jobs of the review panels, run by ``kexie worker``."""

import datetime as dt

from django.tasks import task

from .reminders import panel_reminders_send


@task
def send_panel_reminders(today: str | None = None) -> dict:
    """The daily reminders to experts (``today`` as YYYY-MM-DD, default the current day);
    idempotent, so a retry or a second run the same day sends nothing twice."""
    return panel_reminders_send(today=dt.date.fromisoformat(today) if today else None)
