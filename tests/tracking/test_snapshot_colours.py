"""Snapshots: expected progress by elapsed time (序时进度), colours from the gap with per-plan thresholds,
overdue past the deadline, and the daily refresh."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kexie.plans.models import Target
from kexie.tracking.models import ProgressReport, TaskSnapshot, TrackingPolicy
from kexie.tracking.rules import colour_for, expected_progress
from kexie.tracking.services import (
    cycles_schedule,
    report_accept,
    report_submit,
    snapshots_refresh,
    target_attainment,
)

JAN_1, SEP_30 = dt.date(2026, 1, 1), dt.date(2026, 9, 30)


@pytest.mark.parametrize(("today", "expected"), [
    (dt.date(2025, 12, 1), 0), (JAN_1, 0), (dt.date(2026, 4, 1), 33), (dt.date(2026, 5, 10), 47),
    (SEP_30, 100), (dt.date(2026, 11, 1), 100)])
def test_expected_progress_is_the_elapsed_share_of_the_task_period(today, expected):
    assert expected_progress(start=JAN_1, due=SEP_30, today=today) == expected


def test_expected_progress_is_unknown_without_a_deadline():
    assert expected_progress(start=JAN_1, due=None, today=SEP_30) is None


@pytest.mark.parametrize(("percent", "expected", "completed", "overdue", "colour"), [
    (40, 50, False, False, "green"),  # 10 points behind: not more than the amber threshold
    (39, 50, False, False, "amber"),
    (25, 50, False, False, "amber"),  # 25 points: not more than the red threshold
    (24, 50, False, False, "red"),
    (90, 100, False, True, "red"),  # overdue is red whatever the gap
    (100, 100, True, False, "green"),
    (0, None, False, False, "green"),  # no schedule, nothing to compare
])
def test_the_colour_follows_the_gap(percent, expected, completed, overdue, colour):
    policy = TrackingPolicy()  # the defaults: amber beyond 10 points, red beyond 25
    assert colour_for(percent=percent, expected=expected, completed=completed, overdue=overdue,
                      amber_gap=policy.amber_gap, red_gap=policy.red_gap) == colour


def test_thresholds_set_on_the_upper_plan_apply_to_the_cascaded_tasks(world, national, cascaded):
    cycles = cycles_schedule(by=world.national_clerk, plan=national.plan, amber_gap=5, red_gap=8)
    report = report_submit(by=world.provincial_clerk, report=ProgressReport(
        item=cascaded.jia, organization=world.prov_a, cycle=cycles[3], percent=40))
    report_accept(by=world.national_clerk, report=report, today=dt.date(2026, 5, 10))
    # 47% expected, 40% done: a 7-point gap, amber under these thresholds (green under the defaults).
    assert TaskSnapshot.objects.get(item=cascaded.jia).colour == "amber"


def test_the_daily_refresh_moves_expected_progress_and_marks_overdue_tasks(world, national, cascaded):
    assert snapshots_refresh(today=dt.date(2026, 10, 8), plans=[national.plan, cascaded.jia.plan,
                                                                  cascaded.yi.plan]) == 4
    for item in (cascaded.jia, cascaded.yi, cascaded.upper):
        snapshot = TaskSnapshot.objects.get(item=item)
        assert (snapshot.expected, snapshot.overdue, snapshot.colour, snapshot.as_of) == (
            100, True, "red", dt.date(2026, 10, 8))
    # 学会评估 is due at the end of the year: 280 of 364 days gone (77%), nothing reported: red, not overdue.
    other = TaskSnapshot.objects.get(item=national.other_task)
    assert (other.expected, other.overdue, other.colour, other.lead_organization) == (77, False, "red",
                                                                                      world.society_dept)
    assert other.organization == world.cast


def test_attainment_depends_on_the_direction_of_the_target():
    more = Target(min_value=Decimal(60), direction="increase")
    assert target_attainment(more, Decimal(15)) == Decimal("25.0")
    assert target_attainment(more, Decimal(90)) == Decimal(100)
    assert target_attainment(more, None) is None
    less = Target(max_value=Decimal(5), direction="decrease")
    assert target_attainment(less, Decimal(4)) == Decimal(100)
    assert target_attainment(less, Decimal(10)) == Decimal("50.0")


def test_the_refresh_command_covers_every_plan_in_force_and_drops_superseded_ones(world, national, cascaded):
    from io import StringIO

    from django.core.management import call_command

    from kexie.plans.models import PlanStatus

    out = StringIO()
    call_command("tracking_refresh", "--date", "2026-10-08", stdout=out)
    assert "refreshed 4 task snapshot(s)" in out.getvalue()
    assert set(TaskSnapshot.objects.values_list("as_of", flat=True)) == {dt.date(2026, 10, 8)}
    national.plan.status = PlanStatus.SUPERSEDED
    national.plan.save(update_fields=["status"])
    call_command("tracking_refresh", "--date", "2026-10-09", stdout=out)
    assert set(TaskSnapshot.objects.values_list("item__plan__organization", flat=True)) == {
        world.prov_a.pk, world.prov_b.pk}


def test_changing_the_thresholds_after_reports_recolours_the_tasks_at_once(world, national, cascaded):
    from kexie.audit.models import AuditLog
    from kexie.tracking.services import policy_update

    report = report_submit(by=world.provincial_clerk, report=ProgressReport(
        item=cascaded.jia, organization=world.prov_a, cycle=national.april, percent=40))
    report_accept(by=world.national_clerk, report=report, today=dt.date(2026, 5, 10))
    assert TaskSnapshot.objects.get(item=cascaded.jia).colour == "green"  # 7 points behind
    policy_update(by=world.national_clerk, plan=national.plan, amber_gap=5, red_gap=20, today=dt.date(2026, 5, 10))
    assert TaskSnapshot.objects.get(item=cascaded.jia).colour == "amber"
    assert AuditLog.objects.filter(action="update", object_type="tracking.trackingpolicy").exists()
    with pytest.raises(ValidationError):
        policy_update(by=world.provincial_clerk, plan=cascaded.jia.plan, amber_gap=1, red_gap=2)
