"""The per-organisation tallies the dashboards sum over a subtree stay equal to a count of the
snapshots themselves through reports, a deferral, the daily refresh and a superseded plan."""

import datetime as dt
import importlib

from django.apps import apps

from kexie.dashboard.data import ColourCounts
from kexie.dashboard.history import tallies_rebuild
from kexie.dashboard.models import OrgTally
from kexie.dashboard.selectors import dashboard_for
from kexie.plans.models import Plan, PlanStatus
from kexie.tracking.models import TaskSnapshot
from kexie.tracking.services import deferral_approve, deferral_request, snapshots_refresh
from tests.dashboard.conftest import MAY_31

OCTOBER_5 = dt.date(2026, 10, 5)
FIELDS = ("organization_id", "tasks", "green", "amber", "red", "completed", "overdue", "percent_sum")


def kept() -> list[tuple]:
    # A tally taken down to nothing (its organisation's snapshots all discarded) counts as no row.
    return sorted(row for row in OrgTally.objects.values_list(*FIELDS) if any(row[1:]))


def rebuilt() -> list[tuple]:
    tallies_rebuild()
    return sorted(OrgTally.objects.values_list(*FIELDS))


def test_the_tallies_follow_reports_a_deferral_the_refresh_and_a_superseded_plan(world, reported, cascaded):
    before = kept()
    assert before == rebuilt() and before
    deferral = deferral_request(by=world.provincial_clerk, item=cascaded.jia, organization=world.prov_a,
                                requested_due=dt.date(2026, 12, 31), reason="场地改造推迟。")
    deferral_approve(by=world.national_clerk, deferral=deferral, today=dt.date(2026, 6, 2))
    snapshots_refresh(today=OCTOBER_5)
    overdue = kept()
    assert overdue == rebuilt()
    d = dashboard_for(user=world.national_clerk, organization=world.cast, today=OCTOBER_5)
    # 甲省's task was deferred to the year's end; the national task and 乙省's are overdue.
    assert d.counts.overdue == 2 and d.counts.total == TaskSnapshot.objects.count() == 4
    # 乙省's ledger is superseded (as importing its next version does): its task leaves every dashboard.
    Plan.objects.filter(pk=cascaded.yi.plan_id).update(status=PlanStatus.SUPERSEDED)
    snapshots_refresh(today=OCTOBER_5)
    assert kept() == rebuilt()
    assert not OrgTally.objects.filter(organization=world.prov_b).exclude(tasks=0).exists()
    d = dashboard_for(user=world.national_clerk, organization=world.cast, today=OCTOBER_5)
    assert d.counts.total == 3 and d.counts.overdue == 1
    assert [(r.level, r.counts.total) for r in d.by_level] == [("全国", 2), ("省级", 1)]


def test_a_plan_filter_and_a_narrow_scope_count_the_same_as_the_tallies(world, reported, cascaded):
    everything = dashboard_for(user=world.national_clerk, organization=world.cast, today=MAY_31)
    narrowed = dashboard_for(user=world.national_clerk, organization=world.cast, today=MAY_31, plan=reported.plan)
    assert narrowed.counts == everything.counts == ColourCounts(amber=1, red=3)
    assert [(r.level, r.counts) for r in narrowed.by_level] == [(r.level, r.counts) for r in everything.by_level]


def test_upgrading_a_database_with_snapshots_fills_the_tallies(world, reported, cascaded):
    fill = importlib.import_module("kexie.dashboard.migrations.0006_org_tally_filled").fill
    counted = rebuilt()
    OrgTally.objects.all().delete()  # as migration 0003 leaves it: the table there, empty
    fill(apps, None)
    assert kept() == counted and counted
