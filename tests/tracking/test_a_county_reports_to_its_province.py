"""The same workflow one level down: 甲省 hands a task of its own plan to 甲县; the county files,
the province reviews; the national office, above the issuer, may review too."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kexie.tracking.models import ProgressReport, ReportStatus, TaskSnapshot
from kexie.tracking.services import cycles_schedule, report_accept, report_submit, task_cascade
from tests.plans.ledger_world import confirmed_plan


@pytest.fixture
def county_task(world):
    plan = confirmed_plan(world)  # 甲省科协2026年深化改革重点任务
    cycles = cycles_schedule(by=world.provincial_clerk, plan=plan, start=dt.date(2026, 1, 1),
                             end=dt.date(2026, 12, 31), frequency="quarterly")
    item = plan.items.get(title="建设科普基地")
    [cascade] = task_cascade(by=world.provincial_clerk, item=item, organizations=[world.county_a],
                             today=dt.date(2026, 4, 1))
    return cascade.child, cycles[0]


def test_the_county_files_and_the_province_accepts(world, county_task):
    task, q1 = county_task
    report = report_submit(by=world.county_clerk, report=ProgressReport(
        item=task, organization=world.county_a, cycle=q1, percent=30, narrative="已建成3个。"),
        actuals={task.targets.get(): 3})
    # The county cannot accept its own report, and 乙省 does not see it.
    with pytest.raises(PermissionDenied):
        report_accept(by=world.county_clerk, report=report, today=dt.date(2026, 4, 8))
    with pytest.raises(Http404):
        report_accept(by=world.other_provincial_clerk, report=report, today=dt.date(2026, 4, 8))
    report_accept(by=world.provincial_clerk, report=report, today=dt.date(2026, 4, 8))
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.ACCEPTED
    upper = TaskSnapshot.objects.get(item=task.cascaded_from.source)
    assert (upper.percent, upper.organization) == (30, world.prov_a)


def test_a_level_above_the_issuer_may_review(world, county_task):
    task, q1 = county_task
    report = report_submit(by=world.county_clerk, report=ProgressReport(
        item=task, organization=world.county_a, cycle=q1, percent=30))
    report_accept(by=world.national_clerk, report=report, today=dt.date(2026, 4, 8))
    assert TaskSnapshot.objects.get(item=task).percent == 30
