"""The national task handed down to 甲省 and 乙省 (tests/tracking/conftest.py), taken through the
April cycle and into May, the way the dashboards see it.

    15 Apr  daily refresh: every task red (nothing reported, a third of the year gone)
     3 May  甲省 files April: 40%, 25 bases          (on time)
     8 May  乙省 files April: 15%, 10 bases          (late: due 5 May)
    10 May  the national office accepts both
    31 May  daily refresh
学会部's national task (开展学会评估) is never reported on.
"""

import datetime as dt

import pytest
from django.utils import timezone

from kexie.tracking.models import ProgressReport
from kexie.tracking.services import report_accept, report_submit, snapshots_refresh
from tests.tracking.conftest import cascaded, national  # noqa: F401  (fixtures)

APRIL_15, MAY_10, MAY_31 = dt.date(2026, 4, 15), dt.date(2026, 5, 10), dt.date(2026, 5, 31)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def reported(world, national, cascaded):  # noqa: F811
    snapshots_refresh(today=APRIL_15)
    jia = report_submit(by=world.provincial_clerk, report=ProgressReport(
        item=cascaded.jia, organization=world.prov_a, cycle=national.april, percent=40), actuals={
        cascaded.jia_target: "25"}, now=at(dt.date(2026, 5, 3)))
    yi = report_submit(by=world.other_provincial_clerk, report=ProgressReport(
        item=cascaded.yi, organization=world.prov_b, cycle=national.april, percent=15), actuals={
        cascaded.yi_target: "10"}, now=at(dt.date(2026, 5, 8)))
    report_accept(by=world.national_clerk, report=jia, today=MAY_10)
    report_accept(by=world.national_clerk, report=yi, today=MAY_10)
    snapshots_refresh(today=MAY_31)
    return national
