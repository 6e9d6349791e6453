"""A county's report accepted on a task handed down national → 甲省 → 甲市 → 甲县: every level of
the chain moves at once, and the snapshots, history and tallies it leaves are the ones a full
recomputation gives. Also: a roll-up that completes an upper task is audited, and approving a
deferral writes the task's snapshot once.

The national task runs from 2026-01-01 to 2026-09-30 (272 days); on 20 April 109 days are gone
(40% expected). Its 100 bases are shared 60 (甲省) / 40 (乙省); 甲省 hands 12 to 甲市, which hands
them all to 甲县.
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kexie.audit.models import AuditLog
from kexie.dashboard.history import tallies_rebuild
from kexie.dashboard.models import CycleTally, OrgTally, SnapshotHistory
from kexie.plans.models import ItemStatus, PlanItem, Target
from kexie.tracking.bulk import snapshots_rebuild
from kexie.tracking.models import ProgressReport, TaskSnapshot
from kexie.tracking.services import (
    deferral_approve,
    deferral_request,
    report_accept,
    report_submit,
    snapshots_refresh,
    task_cascade,
)
from tests.tracking.pages_world import docx_upload

APRIL_20 = dt.date(2026, 4, 20)
SNAPSHOT_FIELDS = ("item_id", "plan_id", "organization_id", "lead_organization_id", "percent", "expected", "colour",
                   "completed", "overdue", "due", "actuals")


class _Rollback(Exception):
    pass


@dataclass
class Chain:
    national: PlanItem
    jia: PlanItem
    city: PlanItem
    county: PlanItem
    county_target: Target


@pytest.fixture
def chain(world, national, cascaded) -> Chain:
    [to_city] = task_cascade(by=world.provincial_clerk, item=cascaded.jia, organizations=[world.city_a],
                             shares={world.city_a: {cascaded.jia_target: "12"}}, today=dt.date(2026, 4, 1))
    [to_county] = task_cascade(by=world.provincial_clerk, item=to_city.child, organizations=[world.county_a],
                               today=dt.date(2026, 4, 1))
    return Chain(national=national.task, jia=cascaded.jia, city=to_city.child, county=to_county.child,
                 county_target=to_county.child.targets.get())


def county_files(world, national, chain, *, percent=60, progress="in_progress", evidence=()) -> ProgressReport:
    return report_submit(by=world.county_clerk, report=ProgressReport(
        item=chain.county, organization=world.county_a, cycle=national.april, progress=progress, percent=percent,
        narrative="已建成科普基地5个。"), actuals={chain.county_target: "5"}, evidence=evidence,
        now=timezone.make_aware(dt.datetime(2026, 4, 15, 10)))


def state(cycle) -> tuple:
    """Everything the dashboards read: snapshots, the cycle's history rows and tallies, the owners' tallies."""
    return ({s.item_id: [getattr(s, f) for f in SNAPSHOT_FIELDS] for s in TaskSnapshot.objects.all()},
            sorted(SnapshotHistory.objects.filter(cycle=cycle).values_list(
                "item_id", "organization_id", "colour", "percent", "completed", "overdue", "expected_reports",
                "filed_reports", "late_reports")),
            sorted(CycleTally.objects.filter(cycle=cycle).exclude(tasks=0).values_list(
                "organization_id", "tasks", "green", "amber", "red", "completed", "overdue", "percent_sum",
                "expected_reports", "filed_reports", "late_reports")),
            sorted(row for row in OrgTally.objects.values_list(
                "organization_id", "tasks", "green", "amber", "red", "completed", "overdue", "percent_sum")
                   if any(row[1:])))


def recomputed(cycle, recompute) -> tuple:
    try:
        with transaction.atomic():
            recompute()
            found = state(cycle)
            raise _Rollback
    except _Rollback:
        return found


def test_a_county_report_accepted_moves_every_level_up_to_the_national_task(world, national, cascaded, chain):
    snapshots_refresh(today=APRIL_20)  # the morning's daily refresh: every task's expected progress is today's
    report = county_files(world, national, chain)
    report_accept(by=world.provincial_clerk, report=report, today=APRIL_20)

    snapshots = {s.item_id: s for s in TaskSnapshot.objects.all()}
    county, city, jia = snapshots[chain.county.pk], snapshots[chain.city.pk], snapshots[chain.jia.pk]
    upper = snapshots[chain.national.pk]
    assert [(s.percent, s.expected, s.colour) for s in (county, city, jia)] == [(60, 40, "green")] * 3
    assert (upper.percent, upper.expected, upper.colour) == (30, 40, "green")  # mean of 甲省 60 and 乙省 0
    assert county.actuals == {str(chain.county_target.pk): "5.0000"}
    assert upper.actuals == {str(national.target.pk): "5.0000"}
    assert county.last_report_id == report.pk
    assert PlanItem.objects.get(pk=chain.national.pk).status == ItemStatus.IN_PROGRESS
    history = dict(SnapshotHistory.objects.filter(cycle=national.april).values_list("item_id", "percent"))
    assert [history[i.pk] for i in (chain.county, chain.city, chain.jia, chain.national)] == [60, 60, 60, 30]

    kept = state(national.april)
    # One task at a time through the daily refresh, and all at once as a bulk load does: the same numbers.
    assert recomputed(national.april, lambda: snapshots_refresh(today=APRIL_20)) == kept
    assert recomputed(national.april, lambda: snapshots_rebuild(today=APRIL_20))[0] == kept[0]
    assert recomputed(national.april, tallies_rebuild)[2:] == kept[2:]


def test_accepting_a_county_report_takes_a_bounded_number_of_queries(world, national, chain):
    report = county_files(world, national, chain)
    with CaptureQueriesContext(connection) as queries:
        report_accept(by=world.provincial_clerk, report=report, today=APRIL_20)
    # Four levels read and written in batches, not some twenty queries per level (106 in all before).
    assert len(queries) <= 32


def test_a_roll_up_that_completes_the_tasks_above_writes_their_audit_rows(world, national, chain):
    report = county_files(world, national, chain, percent=100, progress="completed", evidence=[docx_upload()])
    report_accept(by=world.provincial_clerk, report=report, today=APRIL_20)

    statuses = dict(PlanItem.objects.filter(pk__in=[chain.county.pk, chain.city.pk, chain.jia.pk, chain.national.pk])
                    .values_list("pk", "status"))
    assert [statuses[i.pk] for i in (chain.county, chain.city, chain.jia)] == [ItemStatus.COMPLETED] * 3
    assert statuses[chain.national.pk] == ItemStatus.IN_PROGRESS  # 乙省 has not finished
    rows = AuditLog.objects.filter(action="status", object_type="plans.planitem")
    assert sorted((int(r.object_id), r.old_values, r.new_values, r.username) for r in rows) == sorted(
        (item.pk, {"status": "not_started"}, {"status": "completed"}, "provincial_clerk")
        for item in (chain.city, chain.jia))
    assert {r.detail for r in rows} == {"下达的任务均已办结，本任务随之完成。"}


def test_approving_a_deferral_writes_the_snapshot_once(world, national, cascaded):
    deferral = deferral_request(by=world.provincial_clerk, item=cascaded.jia, organization=world.prov_a,
                                requested_due=dt.date(2026, 10, 31), reason="场地改造推迟。")
    with CaptureQueriesContext(connection) as queries:
        deferral_approve(by=world.national_clerk, deferral=deferral, today=dt.date(2026, 5, 12))
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].startswith(("UPDATE", "INSERT")) and '"tracking_tasksnapshot"' in q["sql"].split(" SET ")[0]]
    assert len(writes) == 1
    snapshot = TaskSnapshot.objects.get(item=cascaded.jia)
    assert (snapshot.due, snapshot.baseline_due, snapshot.slips) == (dt.date(2026, 10, 31), dt.date(2026, 9, 30), 1)


def test_the_daily_refresh_rolls_up_children_that_had_no_snapshot_yet(world, national, cascaded, chain):
    report = county_files(world, national, chain)
    report_accept(by=world.provincial_clerk, report=report, today=APRIL_20)
    snapshots_refresh(today=APRIL_20)
    kept = state(national.april)
    # Snapshots lost (a load without them, a repair by hand): one refresh, children and sources in the
    # same batch, gives them all back as they were.
    TaskSnapshot.objects.all().delete()
    tallies_rebuild()
    snapshots_refresh(today=APRIL_20)
    assert state(national.april)[0] == kept[0]


def test_handing_a_task_down_keeps_its_progress_in_one_snapshot_write(world, national, cascaded):
    report = report_submit(by=world.provincial_clerk, report=ProgressReport(
        item=cascaded.jia, organization=world.prov_a, cycle=national.april, progress="in_progress", percent=60,
        narrative="已建成科普基地5个。"), now=timezone.make_aware(dt.datetime(2026, 4, 15, 10)))
    report_accept(by=world.national_clerk, report=report, today=APRIL_20)
    assert TaskSnapshot.objects.get(item=national.task).percent == 30
    with CaptureQueriesContext(connection) as queries:
        [handed] = task_cascade(by=world.provincial_clerk, item=cascaded.jia, organizations=[world.city_a],
                                today=APRIL_20)
    # 甲省's progress now comes from its city, which starts from 甲省's 60%: nothing above moves.
    assert handed.carried_percent == 60
    assert TaskSnapshot.objects.get(item=handed.child).percent == 60
    assert TaskSnapshot.objects.get(item=cascaded.jia).percent == 60
    assert TaskSnapshot.objects.get(item=national.task).percent == 30
    assert len([q for q in queries.captured_queries if '"tracking_tasksnapshot"' in q["sql"]
                and q["sql"].startswith("INSERT")]) == 1
