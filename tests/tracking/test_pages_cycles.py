"""A plan's tracking settings: scheduling cycles, colour thresholds, filing rates per unit."""

import datetime as dt

from django.urls import reverse

from kexie.tracking.models import ProgressReport, ReportingCycle, TrackingPolicy
from kexie.tracking.services import report_submit
from tests.plans.ledger_world import confirmed_plan


def test_a_clerk_schedules_quarterly_cycles_and_changes_the_thresholds(world, signed_in):
    plan = confirmed_plan(world)
    client = signed_in(world.provincial_clerk)
    detail = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert reverse("tracking:plan", args=[plan.pk]) in detail
    page = client.get(reverse("tracking:plan", args=[plan.pk])).content.decode()
    assert 'id="schedule-form"' in page and "尚未设置填报周期" in page

    response = client.post(reverse("tracking:plan_schedule", args=[plan.pk]), {
        "frequency": "quarterly", "filing_days": "10", "start": "2026-01-01", "end": "2026-12-31",
        "amber_gap": "10", "red_gap": "25", "periods": ""})
    assert response.status_code == 302
    assert list(ReportingCycle.objects.filter(plan=plan).values_list("label", "due_on")) == [
        ("2026年第1季度", dt.date(2026, 4, 10)), ("2026年第2季度", dt.date(2026, 7, 10)),
        ("2026年第3季度", dt.date(2026, 10, 10)), ("2026年第4季度", dt.date(2027, 1, 10))]

    wrong = client.post(reverse("tracking:plan_thresholds", args=[plan.pk]), {"amber_gap": "30", "red_gap": "20"})
    assert "黄色阈值应在0与红色阈值之间" in " ".join(wrong.context["thresholds_form"].errors["amber_gap"])
    client.post(reverse("tracking:plan_thresholds", args=[plan.pk]), {"amber_gap": "5", "red_gap": "15"})
    policy = TrackingPolicy.objects.get(plan=plan)
    assert (policy.amber_gap, policy.red_gap) == (5, 15)


def test_a_custom_period_that_is_not_three_dates_is_refused(world, signed_in):
    plan = confirmed_plan(world)
    response = signed_in(world.provincial_clerk).post(reverse("tracking:plan_schedule", args=[plan.pk]), {
        "frequency": "custom", "filing_days": "5", "amber_gap": "10", "red_gap": "25",
        "periods": "2026-01-01 2026-06-30 2026-07-10\n2026年7月 2026-12-31"})
    assert "第2行" in " ".join(response.context["schedule_form"].errors["periods"])
    assert not ReportingCycle.objects.exists()


def test_the_cycle_page_shows_the_filing_rate_per_unit(world, signed_in, national):
    report_submit(by=world.national_clerk, report=ProgressReport(
        item=national.task, organization=world.popsci_dept, cycle=national.april, percent=40),
        now=dt.datetime(2026, 5, 3, 9, tzinfo=dt.UTC))
    client = signed_in(world.national_clerk)
    response = client.get(reverse("tracking:cycle", args=[national.april.pk]))
    units = {u["organization"]: (u["expected"], u["filed"]) for u in response.context["rates"]["units"]}
    assert units["科学技术普及部"] == (1, 1) and units["学会学术部"] == (1, 0)
    assert [row["organization"] for row in response.context["unfiled"]] == [world.society_dept]
    settings = client.get(reverse("tracking:plan", args=[national.plan.pk]))
    april = next(c for c in settings.context["cycles"] if c.pk == national.april.pk)
    assert (april.filed, april.expected, april.rate) == (1, 2, 50.0)
    assert signed_in(world.other_provincial_clerk).get(
        reverse("tracking:cycle", args=[national.april.pk])).status_code == 404
