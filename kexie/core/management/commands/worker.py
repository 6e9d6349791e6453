"""``kexie worker``: run queued background jobs and fire the scheduled ones.

Django's database worker (django-tasks-db's ``db_worker``, every option of which applies) with a
thread that ticks the schedule (:mod:`kexie.core.schedule`) every ``--tick`` seconds. Several
workers may run side by side: each scheduled job still fires once a day.
"""

import logging
import os
import threading

from django.db import close_old_connections, connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from kexie.core.schedule import schedule_tick

logger = logging.getLogger(__name__)


def _tick_forever(interval: float, stop: threading.Event) -> None:
    while not stop.is_set():
        close_old_connections()
        try:
            schedule_tick()
        except Exception:  # a database hiccup must not stop the schedule: try again next tick
            logger.exception("the schedule tick failed")
        finally:
            connection.close()
        stop.wait(interval)


class Command(DatabaseWorker):
    help = "Run background jobs, and fire the daily ones (refresh, audit purge, reminders) once a day."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--no-schedule", action="store_true",
                            help="only run queued jobs; leave the daily jobs to another worker or to cron")
        parser.add_argument("--tick", type=float, default=30.0,
                            help="seconds between two looks at the schedule (default: %(default)s)")

    def handle(self, *args, no_schedule=False, tick=30.0, **options):
        # With the autoreloader the command runs in a watcher and in its child: schedule in the child.
        watcher = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if not no_schedule and not watcher:
            if options.get("batch"):
                schedule_tick()  # once, before running what is queued
            else:
                stop = threading.Event()
                threading.Thread(target=_tick_forever, args=(tick, stop), name="kexie-schedule", daemon=True).start()
        return super().handle(*args, **options)
