"""The worker's daily schedule: each job fires once a day from its time on, whichever worker is up."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from kexie.core.models import ScheduledRun
from kexie.core.schedule import SCHEDULE, schedule_tick
from kexie.tracking.models import StatisticsDay, TaskSnapshot
from kexie.tracking.statistics import statistics_date


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


DAY = dt.date(2026, 12, 7)


def test_nothing_fires_before_its_time_and_each_job_once_after(db):
    assert schedule_tick(local(DAY, 0, 5)) == []
    assert schedule_tick(local(DAY, 0, 15)) == ["tracking_refresh"]
    assert schedule_tick(local(DAY, 0, 16)) == []
    # A worker started in the afternoon catches up with what it missed, once.
    assert schedule_tick(local(DAY, 14)) == ["audit_purge", "send_reminders", "panel_reminders",
                                              "visit_reminders"]
    assert schedule_tick(local(DAY, 15)) == []
    assert schedule_tick(local(DAY + dt.timedelta(days=1), 9)) == [job.name for job in SCHEDULE]
    assert ScheduledRun.objects.count() == 2 * len(SCHEDULE)


def test_the_refresh_job_moves_the_statistics_date(world):
    from tests.tracking.conftest import NATIONAL_TASKS_2026
    from tests.plans.ledger_world import confirmed_plan

    confirmed_plan(world, clerk=world.national_clerk, organization=world.cast, text=NATIONAL_TASKS_2026)
    # The refresh is due at 00:10: before then today (as in a run just after midnight) it is not.
    today = timezone.localdate()
    schedule_tick(max(timezone.now(), local(today, 0, 15)))  # the test backend runs a job at once
    assert statistics_date() == today
    assert StatisticsDay.objects.get(day=today).tasks == TaskSnapshot.objects.count() > 0
    assert set(TaskSnapshot.objects.values_list("as_of", flat=True)) == {today}


@pytest.mark.django_db(transaction=True)
def test_two_workers_ticking_at_once_fire_a_job_once():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises the two writers; the unique row is what is tested on PostgreSQL")
    moment = local(DAY, 1)
    fired: list[list[str]] = []

    def tick():
        fired.append(schedule_tick(moment, schedule=SCHEDULE[:1]))
        connection.close()

    workers = [threading.Thread(target=tick) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(fired, key=len) == [[], [], [], ["tracking_refresh"]]
    assert ScheduledRun.objects.filter(job="tracking_refresh").count() == 1
