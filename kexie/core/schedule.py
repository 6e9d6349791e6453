"""Jobs the worker fires on a schedule, each once a day whichever worker is up.

``kexie worker`` ticks :func:`schedule_tick` every half minute besides running queued jobs. A job
is due from its time of day on; the first worker to record the day's run (a unique row, so two
workers cannot both record it) enqueues it in the same transaction. A worker started late in the
day catches up at once. The jobs themselves are idempotent, so a retried or repeated run changes
nothing twice.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ScheduledRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scheduled:
    """A daily job: its name, the task's dotted path, and the local time from which it is due."""

    name: str
    task: str
    at: dt.time


SCHEDULE = [
    # Every light computed for the new day first: the statistics date moves with it.
    Scheduled("tracking_refresh", "kexie.tracking.tasks.refresh_snapshots", dt.time(0, 10)),
    Scheduled("audit_purge", "kexie.audit.tasks.purge_audit_log", dt.time(2, 0)),
    # Reminders and urging notices during office hours, after the refresh.
    Scheduled("send_reminders", "kexie.notifications.tasks.send_reminders", dt.time(8, 0)),
    # Experts who have not answered an invitation or have items left to score.
    Scheduled("panel_reminders", "kexie.panels.tasks.send_panel_reminders", dt.time(8, 5)),
    # Overdue visit follow-ups and regular contacts with academicians and experts.
    Scheduled("visit_reminders", "kexie.visits.tasks.send_visit_reminders", dt.time(8, 10)),
]


def due_jobs(now: dt.datetime, schedule=SCHEDULE) -> list[Scheduled]:
    """The jobs due at ``now`` (local time) that have not fired today."""
    local = timezone.localtime(now)
    fired = set(ScheduledRun.objects.filter(day=local.date()).values_list("job", flat=True))
    return [job for job in schedule if local.time() >= job.at and job.name not in fired]


def schedule_tick(now: dt.datetime | None = None, schedule=SCHEDULE) -> list[str]:
    """Enqueue each job due at ``now`` that no worker has fired today; the names enqueued."""
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    fired = []
    for job in due_jobs(now, schedule):
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=job.name, day=day)
                import_string(job.task).enqueue()
        except IntegrityError:
            continue  # another worker fired it a moment ago
        logger.info("scheduled job %s enqueued for %s", job.name, day)
        fired.append(job.name)
    return fired
