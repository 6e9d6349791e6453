"""``kexie worker``: run queued background jobs, fire the scheduled ones, take back dead ones.

Django's database worker (django-tasks-db's ``db_worker``, every option of which applies) with a
thread that ticks every ``--tick`` seconds. Each tick expires the leases run out
(:mod:`kexie.core.leases`: a job left running by a worker that was killed is queued again, or
given up after its last attempt; an e-mail left half-sent is sent again) and, unless
``--no-schedule``, fires the daily jobs due (:mod:`kexie.core.schedule`) and checkpoints the audit
chain when due (:mod:`kexie.audit.checkpoints`). A worker also expires
leases once when it starts, before it takes its first job. Several workers may run side by side:
each scheduled job still fires once a day, and each dead job is taken back once.
"""

import logging
import os
import threading

from django.db import close_old_connections, connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from kexie.audit.checkpoints import checkpoint_if_due
from kexie.core.leases import leases_expire
from kexie.core.schedule import schedule_tick

logger = logging.getLogger(__name__)


def _tick(schedule: bool) -> None:
    """One look at the leases and (``schedule``) at the schedule; a database hiccup in either is
    logged and tried again next tick, it must not stop the worker."""
    try:
        leases_expire()
    except Exception:
        logger.exception("expiring the leases failed")
    if schedule:
        try:
            schedule_tick()
        except Exception:
            logger.exception("the schedule tick failed")
        try:
            checkpoint_if_due()  # the audit chain's length and head, outside the database
        except Exception:
            logger.exception("the audit checkpoint failed")


def _tick_forever(interval: float, stop: threading.Event, schedule: bool) -> None:
    while not stop.wait(interval):  # the first tick was the worker's own, at start
        close_old_connections()
        try:
            _tick(schedule)
        finally:
            connection.close()


class Command(DatabaseWorker):
    help = ("Run background jobs, fire the daily ones (refresh, audit purge, reminders) once a day, and queue "
            "again the jobs a killed worker left running.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--no-schedule", action="store_true",
                            help="only run queued jobs (and take back dead ones); leave the daily jobs to another "
                                 "worker or to cron")
        parser.add_argument("--tick", type=float, default=30.0,
                            help="seconds between two looks at the leases and the schedule (default: %(default)s)")

    def handle(self, *args, no_schedule=False, tick=30.0, **options):
        # With the autoreloader the command runs in a watcher and in its child: tick in the child.
        watcher = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if not watcher:
            # Once before the first job: what a worker killed earlier left running is queued again.
            _tick(schedule=not no_schedule)
            if not options.get("batch"):
                stop = threading.Event()
                threading.Thread(target=_tick_forever, args=(tick, stop, not no_schedule), name="kexie-schedule",
                                 daemon=True).start()
        return super().handle(*args, **options)
