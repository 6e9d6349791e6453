"""The statistics date (统计日期): the one day every light is computed for.

The daily refresh (``snapshots_refresh``, run by the worker's schedule) recomputes every task for
the current day and records that day. Until the next refresh, every change — an accepted report, a
deferral, a cascade, a ledger correction — recomputes its tasks for the same recorded day, so that
no two lights on any page, export or document were computed for different days; and every page
shows the day. When the refresh has not run (no worker), the date stays put and the pages say so.
"""

import datetime as dt

from django.utils import timezone

from .models import StatisticsDay


def statistics_date() -> dt.date:
    """The day of the latest daily refresh; today when none has run yet."""
    day = StatisticsDay.objects.order_by("-day").values_list("day", flat=True).first()
    return day or timezone.localdate()


def statistics_day_record(day: dt.date, *, tasks: int) -> None:
    """Record that every task's light was computed for ``day`` (by the daily refresh)."""
    StatisticsDay.objects.update_or_create(day=day, defaults={"tasks": tasks})


def is_stale(day: dt.date) -> bool:
    """Whether the statistics date lags behind today: the daily refresh has not run today."""
    return day < timezone.localdate()
