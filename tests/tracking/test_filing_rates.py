"""Filing rate per reporting unit and per cycle, and actuals over time on a task that is not cascaded."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from kexie.tracking.models import ProgressReport, TargetActual, TaskSnapshot
from kexie.tracking.selectors import filing_rates, reports_for
from kexie.tracking.services import report_accept, report_submit


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


def file(world, clerk, item, organization, cycle, percent, day, actuals=None):
    return report_submit(by=clerk, now=at(day), actuals=actuals, report=ProgressReport(
        item=item, organization=organization, cycle=cycle, percent=percent))


def test_filing_rates_per_unit_and_over_several_cycles(world, national, cascaded):
    file(world, world.provincial_clerk, cascaded.jia, world.prov_a, national.april, 30, dt.date(2026, 5, 2))
    file(world, world.provincial_clerk, cascaded.jia, world.prov_a, national.may, 45, dt.date(2026, 6, 9))
    file(world, world.other_provincial_clerk, cascaded.yi, world.prov_b, national.may, 20, dt.date(2026, 6, 1))
    file(world, world.national_clerk, national.other_task, world.society_dept, national.april, 10,
         dt.date(2026, 5, 5))

    may = {u["organization"]: (u["expected"], u["filed"], u["late"], u["rate"])
           for u in filing_rates(cycles=national.may)["units"]}
    assert may == {"甲省科学技术协会": (1, 1, 1, 100.0), "乙省科学技术协会": (1, 1, 0, 100.0),
                   "学会学术部": (1, 0, 0, 0.0)}
    both = filing_rates(cycles=[national.april, national.may])
    units = {u["organization"]: (u["expected"], u["filed"], u["on_time"], u["rate"]) for u in both["units"]}
    assert units == {"甲省科学技术协会": (2, 2, 1, 100.0), "乙省科学技术协会": (2, 1, 1, 50.0),
                     "学会学术部": (2, 1, 1, 50.0)}
    assert (both["expected"], both["filed"], both["late"], both["rate"]) == (6, 4, 1, 66.7)
    # 甲省's clerk sees the figures of its own province only.
    mine = filing_rates(cycles=[national.april, national.may], user=world.provincial_clerk)
    assert [(u["organization"], u["filed"]) for u in mine["units"]] == [("甲省科学技术协会", 2)]
    assert {r.organization for r in reports_for(world.provincial_clerk)} == {world.prov_a}


def test_a_national_task_keeps_its_actuals_over_time(world, national):
    target = national.other_task.targets.get()  # 完成不少于20家全国学会的综合评估
    for cycle, value, day in ((national.april, "6", dt.date(2026, 5, 4)), (national.may, "11", dt.date(2026, 6, 3))):
        report = file(world, world.national_clerk, national.other_task, world.society_dept, cycle, int(value) * 5,
                      day, actuals={target: value})
        report_accept(by=world.national_clerk, report=report, today=day)
    assert list(TargetActual.objects.filter(target=target).values_list("cycle__label", "value")) == [
        ("2026年4月", Decimal(6)), ("2026年5月", Decimal(11))]
    snapshot = TaskSnapshot.objects.get(item=national.other_task)
    assert (snapshot.percent, snapshot.actuals, snapshot.lead_organization) == (
        55, {str(target.pk): "11.0000"}, world.society_dept)


def test_lists_of_late_reports_unfiled_units_and_overdue_tasks(world, national, cascaded):
    from kexie.tracking.selectors import late_reports, overdue_tasks, unfiled
    from kexie.tracking.services import snapshots_refresh

    late = file(world, world.other_provincial_clerk, cascaded.yi, world.prov_b, national.april, 20,
                dt.date(2026, 5, 9))
    assert unfiled(cycle=national.april) == sorted([(cascaded.jia.pk, world.prov_a.pk),
                                                    (national.other_task.pk, world.society_dept.pk)])
    assert unfiled(cycle=national.april, user=world.provincial_clerk) == [(cascaded.jia.pk, world.prov_a.pk)]
    assert list(late_reports(user=world.national_clerk, organization=world.cast)) == [late]
    assert list(late_reports(user=world.provincial_clerk, organization=world.cast)) == []
    snapshots_refresh(today=dt.date(2026, 10, 8))
    assert [s.item for s in overdue_tasks(user=world.national_clerk, organization=world.prov_b)] == [cascaded.yi]
