"""Builders for the permission matrix entries of the tracking API (tests/test_permission_matrix.py).

Each builds bare rows — a plan of the issuer with one task led by the reporting unit, a monthly
cycle, a submitted report or a pending deferral — because the matrix checks access, not content.
"""

import datetime as dt

from tests.personas import World


def _task_and_cycle(world: World, unit_attr: str, issuer_attr: str):
    from kexie.plans.models import Assignment, Plan, PlanItem
    from kexie.tracking.models import ReportingCycle

    unit, issuer = getattr(world, unit_attr), getattr(world, issuer_attr)
    plan = Plan.objects.create(organization=issuer, title=f"矩阵测试跟踪规划{issuer_attr}",
                               period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))
    item = PlanItem.objects.create(plan=plan, key="1", position=1, depth=1, kind="task", title="矩阵测试跟踪任务",
                                   due=dt.date(2026, 6, 30))
    Assignment.objects.create(item=item, role="lead", unit_name=unit.name, organization=unit)
    cycle = ReportingCycle.objects.create(plan=plan, sequence=1, label="2026年1月", opens_on=dt.date(2026, 1, 1),
                                          closes_on=dt.date(2026, 1, 31), due_on=dt.date(2026, 2, 5))
    return item, cycle


def cycle_of(issuer_attr: str):
    def build(world):
        return {"pk": _task_and_cycle(world, "city_a" if issuer_attr == "prov_a" else "city_b", issuer_attr)[1].pk}
    return build


def report_of(unit_attr: str, issuer_attr: str):
    """A submitted report of ``unit_attr`` on a task of ``issuer_attr``'s plan."""
    def build(world):
        from django.utils import timezone

        from kexie.tracking.models import ProgressReport

        item, cycle = _task_and_cycle(world, unit_attr, issuer_attr)
        report = ProgressReport.objects.create(item=item, organization=getattr(world, unit_attr), cycle=cycle,
                                               percent=10, submitted_at=timezone.now())
        return {"pk": report.pk}
    return build


def new_report(world):
    """The body of a report 甲市 files on a task of 甲省's plan."""
    item, cycle = _task_and_cycle(world, "city_a", "prov_a")
    return {"item": item.pk, "organization": world.city_a.pk, "cycle": cycle.pk, "percent": "10"}


def deferral_of(unit_attr: str, issuer_attr: str):
    """A pending deferral request of ``unit_attr`` on a task of ``issuer_attr``'s plan."""
    def build(world):
        from kexie.tracking.models import DeferralRequest

        item, _cycle = _task_and_cycle(world, unit_attr, issuer_attr)
        deferral = DeferralRequest.objects.create(item=item, organization=getattr(world, unit_attr),
                                                  previous_due=item.due, requested_due=dt.date(2026, 9, 30),
                                                  reason="矩阵")
        return {"pk": deferral.pk}
    return build


def new_deferral(world):
    """The body of a deferral request 甲市 makes on a task of 甲省's plan."""
    item, _cycle = _task_and_cycle(world, "city_a", "prov_a")
    return {"item": item.pk, "organization": world.city_a.pk, "requested_due": "2026-09-30", "reason": "矩阵"}
