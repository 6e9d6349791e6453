"""One statistics date (统计日期) for every light: the day of the latest daily refresh.

Changes made before the next refresh are computed for that day; the dashboard and the task page
show it (and say when the refresh has not run today); the trend has one point per cycle up to it,
a cycle with nothing recorded being a gap rather than skipped.
"""

import datetime as dt

from django.urls import reverse

from kexie.dashboard.selectors import dashboard_for
from kexie.tracking.models import ProgressReport, StatisticsDay, TaskSnapshot
from kexie.tracking.services import report_accept, report_submit, snapshots_refresh
from kexie.tracking.statistics import statistics_date
from tests.dashboard.conftest import MAY_31, at


def test_the_daily_refresh_sets_the_statistics_date_and_changes_are_computed_for_it(world, reported, cascaded):
    assert statistics_date() == MAY_31 and StatisticsDay.objects.get(day=MAY_31).tasks == 4
    # 甲省 files May on 2 June; the national office accepts it with no day given (as a page does),
    # before the refresh of any later day: the light is computed for 31 May like every other.
    report = report_submit(by=world.provincial_clerk, report=ProgressReport(
        item=cascaded.jia, organization=world.prov_a, cycle=reported.may, percent=60), now=at(dt.date(2026, 6, 2)))
    report_accept(by=world.national_clerk, report=report)
    assert set(TaskSnapshot.objects.values_list("as_of", flat=True)) == {MAY_31}
    dashboard = dashboard_for(user=world.national_clerk, organization=world.cast)
    assert dashboard.as_of == MAY_31


def test_the_pages_show_the_statistics_date_and_a_refresh_that_did_not_run(world, reported, cascaded, signed_in):
    client = signed_in(world.national_clerk)
    page = client.get(reverse("dashboard:home")).content.decode()
    assert '<time datetime="2026-05-31">2026-05-31</time>' in page and "统计日期" in page
    assert "今日尚未完成每日刷新" in page  # 31 May 2026 is not today
    task = client.get(reverse("tracking:task", args=[cascaded.jia.pk])).content.decode()
    assert 'id="task-as-of">2026-05-31' in task


def test_the_trend_keeps_a_cycle_with_nothing_recorded_as_a_gap(world, reported):
    # Nothing ran in June; on 10 July the refresh runs again.
    snapshots_refresh(today=dt.date(2026, 7, 10))
    dashboard = dashboard_for(user=world.national_clerk, organization=world.cast)
    labels = [(point.label, point.recorded) for point in dashboard.trend]
    assert labels == [("2026年4月", True), ("2026年5月", True), ("2026年6月", False), ("2026年7月", True)]
    gap = dashboard.trend[2]
    assert gap.average_percent is None and gap.filing_rate is None
