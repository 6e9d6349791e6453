"""The scenario: a national task handed down to 甲省 and 乙省, one reporting cycle, review, rollup,
a deferral — with the snapshots and colours checked at each step.

The national task runs from 2026-01-01 (plan period start) to 2026-09-30: 272 days. The April cycle
closes on 2026-04-30 and its reports are due on 2026-05-05.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kexie.audit.models import AuditLog
from kexie.plans.models import ItemStatus
from kexie.tracking.models import ActualSource, ProgressReport, ReportStatus, TargetActual, TaskSnapshot
from kexie.tracking.selectors import colour_counts, filing_rates
from kexie.tracking.services import (
    deferral_approve,
    deferral_request,
    report_accept,
    report_return,
    report_submit,
)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def snapshot(item) -> TaskSnapshot:
    return TaskSnapshot.objects.get(item=item)


def test_it_walks_a_cascaded_task_through_reporting_review_rollup_and_deferral(world, national, cascaded):
    # After the cascade on 1 April: nothing reported, 90 of 272 days gone (33%): everyone is red.
    for item in (cascaded.upper, cascaded.jia, cascaded.yi):
        s = snapshot(item)
        assert (s.percent, s.expected, s.colour, s.overdue) == (0, 33, "red", False)

    # 甲省 files on time (3 May), 乙省 late (8 May, after the 5 May due date).
    jia_report = report_submit(
        by=world.provincial_clerk,
        report=ProgressReport(item=cascaded.jia, organization=world.prov_a, cycle=national.april, percent=40,
                              narrative="已新建科普教育基地25个。"),
        actuals={cascaded.jia_target: "25"}, now=at(dt.date(2026, 5, 3)))
    yi_report = report_submit(
        by=world.other_provincial_clerk,
        report=ProgressReport(item=cascaded.yi, organization=world.prov_b, cycle=national.april, percent=15,
                              narrative="正在遴选。"),
        actuals={cascaded.yi_target.pk: 10}, now=at(dt.date(2026, 5, 8)))
    assert (jia_report.late, yi_report.late) == (False, True)
    assert jia_report.status == yi_report.status == ReportStatus.SUBMITTED
    rates = filing_rates(cycles=national.april)
    by_unit = {u["organization_id"]: u for u in rates["units"]}
    assert (by_unit[world.prov_a.pk]["filed"], by_unit[world.prov_a.pk]["late"]) == (1, 0)
    assert (by_unit[world.prov_b.pk]["filed"], by_unit[world.prov_b.pk]["late"]) == (1, 1)
    # 学会部's own national task was not reported: 2 of 3 expected filings.
    assert (rates["expected"], rates["filed"], rates["late"], rates["rate"]) == (3, 2, 1, 66.7)

    # A province cannot accept its own report on a task the national office handed down.
    with pytest.raises(PermissionDenied):
        report_accept(by=world.provincial_clerk, report=jia_report, today=dt.date(2026, 5, 10))

    # The national office accepts 甲省 on 10 May: 129 days gone, 47% expected, 40% done: green.
    report_accept(by=world.national_clerk, report=jia_report, today=dt.date(2026, 5, 10))
    s = snapshot(cascaded.jia)
    assert (s.percent, s.expected, s.colour, s.actuals) == (40, 47, "green", {str(cascaded.jia_target.pk): "25.0000"})
    assert s.last_report_id == jia_report.pk
    assert TargetActual.objects.get(target=cascaded.jia_target, cycle=national.april).value == Decimal(25)
    # The upper task rolls up: mean of 40 and 0, sum of actuals so far.
    upper = snapshot(cascaded.upper)
    assert (upper.percent, upper.expected, upper.colour) == (20, 47, "red")
    assert upper.actuals == {str(national.target.pk): "25.0000"}
    national.task.refresh_from_db()
    assert national.task.status == ItemStatus.IN_PROGRESS

    # ... and returns 乙省's report with a reason.
    report_return(by=world.national_clerk, report=yi_report, reason="请补充基地名单。")
    yi_report.refresh_from_db()
    assert (yi_report.status, yi_report.return_reason) == (ReportStatus.RETURNED, "请补充基地名单。")
    assert snapshot(cascaded.yi).percent == 0  # a returned report changes nothing

    # 乙省 files again; it stays late. Accepted on 12 May: 131 days gone, 48% expected, 20% done: red.
    yi_report.percent, yi_report.narrative = 20, "已确定基地名单，新建10个。"
    yi_report = report_submit(by=world.other_provincial_clerk, report=yi_report,
                              actuals={cascaded.yi_target: "10"}, now=at(dt.date(2026, 5, 11)))
    assert (yi_report.status, yi_report.late) == (ReportStatus.SUBMITTED, True)
    assert ProgressReport.objects.filter(item=cascaded.yi).count() == 1
    report_accept(by=world.national_clerk, report=yi_report, today=dt.date(2026, 5, 12))
    s = snapshot(cascaded.yi)
    assert (s.percent, s.expected, s.colour) == (20, 48, "red")
    upper = snapshot(cascaded.upper)
    assert (upper.percent, upper.expected, upper.colour) == (30, 48, "amber")
    assert upper.actuals == {str(national.target.pk): "35.0000"}
    rolled = TargetActual.objects.get(target=national.target, cycle=national.april)
    assert (rolled.value, rolled.source) == (Decimal(35), ActualSource.ROLLUP)
    # With 学会部's own task, tracked since the plan was confirmed (amber: a quarter expected, nothing done).
    assert colour_counts(user=world.national_clerk, organization=world.cast) == {
        "green": 1, "amber": 2, "red": 1, "overdue": 0, "completed": 0, "total": 4}
    # 甲省 sees its own subtree only.
    assert colour_counts(user=world.provincial_clerk, organization=world.cast)["total"] == 1

    # 乙省 asks for two more months; the national office approves. The original deadline stays as
    # the baseline: 131 of 333 days gone, 39% expected, 20% done: amber now.
    deferral = deferral_request(by=world.other_provincial_clerk, item=cascaded.yi, organization=world.prov_b,
                                requested_due=dt.date(2026, 11, 30), reason="基地建设受施工进度影响。")
    deferral_approve(by=world.national_clerk, deferral=deferral, today=dt.date(2026, 5, 12))
    cascaded.yi.refresh_from_db()
    s = snapshot(cascaded.yi)
    assert cascaded.yi.due == dt.date(2026, 11, 30)
    assert (s.due, s.baseline_due, s.slips) == (dt.date(2026, 11, 30), dt.date(2026, 9, 30), 1)
    assert (s.expected, s.colour) == (39, "amber")

    # Every step left its audit row.
    actions = list(AuditLog.objects.filter(action__in=["cascade", "submit", "accept", "return", "approve", "create"],
                                           object_type__startswith="tracking.").values_list("action", flat=True))
    assert sorted(actions) == sorted(["submit", "submit", "submit", "accept", "accept", "return", "approve",
                                      "create"])


def test_a_deferral_past_the_plan_period_is_asked_for_and_approved(world, national, cascaded):
    # The task is due on 30 September; the plan ends on 31 December: a late task is still owed after it.
    deferral = deferral_request(by=world.provincial_clerk, item=cascaded.jia, organization=world.prov_a,
                                requested_due=dt.date(2027, 1, 31), reason="来不及。")
    deferral_approve(by=world.national_clerk, deferral=deferral, today=dt.date(2026, 12, 10))
    snapshot = TaskSnapshot.objects.get(item=cascaded.jia)
    assert (snapshot.due, snapshot.baseline_due, snapshot.overdue) == (dt.date(2027, 1, 31), dt.date(2026, 9, 30),
                                                                      False)
