"""Reporting cycles are generated from a plan's period and frequency, with their filing due dates."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from kexie.audit.models import AuditLog
from kexie.tracking.models import ProgressReport, ReportingCycle, TrackingPolicy
from kexie.tracking.services import cycles_schedule, report_submit


def test_it_makes_monthly_cycles_over_the_plan_period_by_default(world, national):
    cycles = list(ReportingCycle.objects.filter(plan=national.plan))
    assert len(cycles) == 12
    assert [(c.opens_on, c.closes_on, c.due_on) for c in cycles[:2]] == [
        (dt.date(2026, 1, 1), dt.date(2026, 1, 31), dt.date(2026, 2, 5)),
        (dt.date(2026, 2, 1), dt.date(2026, 2, 28), dt.date(2026, 3, 5))]
    assert cycles[-1].closes_on == dt.date(2026, 12, 31)
    assert [c.label for c in cycles[:2]] == ["2026年1月", "2026年2月"]
    policy = TrackingPolicy.objects.get(plan=national.plan)
    assert (policy.frequency, policy.amber_gap, policy.red_gap) == ("monthly", 10, 25)
    assert AuditLog.objects.filter(action="schedule", object_id=str(national.plan.pk)).exists()


def test_it_makes_quarterly_and_weekly_cycles_clipped_to_the_period(world, national):
    cycles = cycles_schedule(by=world.national_clerk, plan=national.plan, frequency="quarterly", filing_days=10)
    assert [(c.label, c.opens_on, c.closes_on, c.due_on) for c in cycles] == [
        ("2026年第1季度", dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(2026, 4, 10)),
        ("2026年第2季度", dt.date(2026, 4, 1), dt.date(2026, 6, 30), dt.date(2026, 7, 10)),
        ("2026年第3季度", dt.date(2026, 7, 1), dt.date(2026, 9, 30), dt.date(2026, 10, 10)),
        ("2026年第4季度", dt.date(2026, 10, 1), dt.date(2026, 12, 31), dt.date(2027, 1, 10))]
    weekly = cycles_schedule(by=world.national_clerk, plan=national.plan, frequency="weekly",
                             start=dt.date(2026, 3, 4), end=dt.date(2026, 3, 20))
    # 2026-03-04 is a Wednesday: the first week is cut short, the last ends with the period.
    assert [(c.opens_on, c.closes_on) for c in weekly] == [
        (dt.date(2026, 3, 4), dt.date(2026, 3, 8)), (dt.date(2026, 3, 9), dt.date(2026, 3, 15)),
        (dt.date(2026, 3, 16), dt.date(2026, 3, 20))]
    assert ReportingCycle.objects.filter(plan=national.plan).count() == 3


def test_it_takes_custom_periods_and_checks_their_order(world, national):
    cycles = cycles_schedule(by=world.national_clerk, plan=national.plan, frequency="custom", periods=[
        (dt.date(2026, 1, 1), dt.date(2026, 6, 30), dt.date(2026, 7, 15)),
        (dt.date(2026, 7, 1), dt.date(2026, 12, 31), dt.date(2027, 1, 15))])
    assert [c.label for c in cycles] == ["第1期", "第2期"]
    with pytest.raises(ValidationError) as error:
        cycles_schedule(by=world.national_clerk, plan=national.plan, frequency="custom", periods=[
            (dt.date(2026, 1, 1), dt.date(2026, 6, 30), dt.date(2026, 6, 1))])
    assert "第1期" in error.value.message_dict["periods"][0]
    assert ReportingCycle.objects.filter(plan=national.plan).count() == 2


def test_thresholds_must_be_ordered(world, national):
    with pytest.raises(ValidationError) as error:
        cycles_schedule(by=world.national_clerk, plan=national.plan, amber_gap=30, red_gap=20)
    assert "黄色阈值" in error.value.message_dict["amber_gap"][0]
    assert TrackingPolicy.objects.get(plan=national.plan).amber_gap == 10


def test_the_schedule_is_fixed_once_a_report_is_filed(world, national, cascaded):
    report_submit(by=world.provincial_clerk, report=ProgressReport(
        item=cascaded.jia, organization=world.prov_a, cycle=national.april, percent=10))
    with pytest.raises(ValidationError) as error:
        cycles_schedule(by=world.national_clerk, plan=national.plan, frequency="quarterly")
    assert "已有填报" in error.value.message_dict["frequency"][0]
    assert ReportingCycle.objects.filter(plan=national.plan).count() == 12


def test_cascaded_ledgers_have_no_cycles_of_their_own(world, national, cascaded):
    with pytest.raises(ValidationError):
        cycles_schedule(by=world.provincial_clerk, plan=cascaded.jia.plan)


def test_a_province_cannot_schedule_the_national_plan(world, national):
    with pytest.raises(Http404):
        cycles_schedule(by=world.provincial_clerk, plan=national.plan, frequency="weekly")


def test_a_report_in_a_cycle_of_another_plan_is_refused(world, national, cascaded):
    from tests.plans.ledger_world import confirmed_plan

    other = confirmed_plan(world)  # 甲省's own 2026 key tasks
    cycle = cycles_schedule(by=world.provincial_clerk, plan=other, start=dt.date(2026, 1, 1),
                            end=dt.date(2026, 12, 31))[3]
    with pytest.raises(ValidationError) as error:
        report_submit(by=world.provincial_clerk, report=ProgressReport(
            item=cascaded.jia, organization=world.prov_a, cycle=cycle, percent=10))
    assert "不是该任务所属规划的填报周期" in error.value.message_dict["cycle"][0]
