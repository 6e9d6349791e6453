"""The dashboard asks the database the same number of questions for one task as for thirty, each
led by a unit of its own: every part is one aggregate over the subtree, never a loop over rows."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kexie.dashboard.selectors import dashboard_for
from kexie.organizations.services import organization_create
from kexie.plans.models import Assignment, Plan, PlanItem, Target
from kexie.tracking.models import ProgressReport
from kexie.tracking.services import cycles_schedule, report_accept, report_submit, snapshots_refresh

MAY_31 = dt.date(2026, 5, 31)


def build(province, clerk, n: int) -> None:
    """A province's plan of ``n`` tasks, each led by its own department, each reported late for April."""
    plan = Plan.objects.create(organization=province, title="2026年工作要点", created_by=clerk,
                               period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))
    for i in range(1, n + 1):
        unit = organization_create(by=None, parent=province, name=f"第{i}部", kind="department")
        item = PlanItem.objects.create(plan=plan, key=str(i), position=i, depth=1, kind="task", title=f"任务{i}",
                                       due=dt.date(2026, 4 + i % 6, 28))
        Assignment.objects.create(item=item, role="lead", unit_name=unit.name, organization=unit)
        Target.objects.create(item=item, text=f"完成{i}项", min_value=i, unit="项")
    april = cycles_schedule(by=clerk, plan=plan)[3]
    snapshots_refresh(today=dt.date(2026, 4, 15), plans=[plan])
    for item in plan.items.all():
        report = report_submit(by=clerk, report=ProgressReport(
            item=item, organization=item.assignments.get().organization, cycle=april, percent=10 * (item.position % 9)),
            actuals={item.targets.get(): item.position}, now=timezone.make_aware(dt.datetime(2026, 5, 7, 9)))
        report_accept(by=clerk, report=report, today=dt.date(2026, 5, 10))
    snapshots_refresh(today=MAY_31, plans=[plan])


def queries(callable_) -> int:
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured)


def test_the_dashboard_makes_as_many_queries_for_one_task_as_for_thirty(world, signed_in, monkeypatch,
                                                                        django_assert_max_num_queries):
    build(world.prov_a, world.provincial_clerk, 1)
    build(world.prov_b, world.other_provincial_clerk, 30)
    national = dashboard_for(user=world.national_clerk, organization=world.cast, today=MAY_31)
    assert national.counts.total == 31 and national.by_lead == []
    # Each province's trend and late list follow its own plan; the national office has none here.
    assert national.trend == [] and national.late_total == 0
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: MAY_31)
    client = signed_in(world.national_clerk)
    counted = {}
    for province, n in ((world.prov_a, 1), (world.prov_b, 30)):
        d = dashboard_for(user=world.national_clerk, organization=province, today=MAY_31)
        assert (d.counts.total, len(d.by_lead), len(d.targets), d.late_total) == (n, n, n, n)
        with django_assert_max_num_queries(16):
            dashboard_for(user=world.national_clerk, organization=province, today=MAY_31)
        counted[n] = (
            queries(lambda: dashboard_for(user=world.national_clerk, organization=province, today=MAY_31)),
            queries(lambda: client.get(reverse("dashboard:home"), {"org": province.pk})),
            queries(lambda: client.get(reverse("api:dashboard"), {"org": province.pk})))
    # The same, but for the COUNT of a late list that outgrows its page (20 rows on the page):
    # a list shorter than the page is read whole and counted as read.
    assert counted[1][0] == counted[30][0] and counted[1][2] == counted[30][2]
    assert counted[30][1] - counted[1][1] in (0, 1)
