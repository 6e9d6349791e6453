"""The dashboard's numbers after a cycle of reports, for the national office and for 甲省
(the scenario is in conftest.py). Colours follow docs/tracking.md: on 31 May 150 of the 272 days
to the national task's 30 September deadline are gone (55% expected), 150 of the 364 days to the
year's end for 学会部's task (41%)."""

import datetime as dt
from decimal import Decimal

from kexie.dashboard.data import ColourCounts
from kexie.dashboard.history import tallies_rebuild
from kexie.dashboard.models import CycleTally
from kexie.dashboard.selectors import dashboard_for
from kexie.tracking.selectors import filing_rates
from kexie.tracking.services import snapshots_refresh
from tests.dashboard.conftest import MAY_31
from tests.personas import make_user


def test_the_national_dashboard_counts_every_level_after_the_april_reports(world, reported, cascaded):
    d = dashboard_for(user=world.national_clerk, organization=world.cast, today=MAY_31)
    # 甲省 40% of 55%: amber; 乙省 15%: red; the national task (mean 28%): red; 学会部's 0%: red.
    assert d.counts == ColourCounts(green=0, amber=1, red=3, completed=0, overdue=0)
    assert [(u.name, u.counts.red, u.average_percent) for u in d.by_lead] == [
        ("学会学术部", 1, 0.0), ("科学技术普及部", 1, 28.0)]
    # 上热下冷 the other way round: the provinces are ahead; the national level missed its filing.
    assert [(r.level, r.depth, r.counts.amber, r.counts.red, r.average_percent, r.filing_rate) for r in d.by_level] == [
        ("全国", 0, 0, 2, 14.0, 0.0), ("省级", 1, 1, 1, 27.5, 100.0)]
    assert [(t.label, t.counts.red, t.counts.amber, t.average_percent, t.filing_rate) for t in d.trend] == [
        ("2026年4月", 4, 0, 0.0, 66.7), ("2026年5月", 3, 1, 20.8, None)]
    assert d.trend_plan == reported.plan.title
    # The filing rate of the trend is the one tracking computes from the reports themselves.
    assert filing_rates(cycles=reported.april)["rate"] == 66.7
    assert [(t.task, t.goal, t.actual, t.attainment) for t in d.targets] == [
        ("建设科普基地", Decimal(100), Decimal(35), Decimal("35.0")), ("开展学会评估", Decimal(20), None, None)]
    assert [(r.organization, r.task, r.submitted_at is None) for r in d.late] == [
        ("学会学术部", "开展学会评估", True), ("乙省科学技术协会", "建设科普基地", False)]
    assert d.late_total == 2
    assert d.overdue == [] and d.overdue_total == 0


def test_the_provincial_dashboard_sees_its_own_task_only(world, reported, cascaded):
    d = dashboard_for(user=world.provincial_clerk, organization=world.prov_a, today=MAY_31)
    assert d.counts == ColourCounts(amber=1)
    assert [(u.name, u.counts.amber, u.average_percent) for u in d.by_lead] == [("甲省科协", 1, 40.0)]
    assert [(r.level, r.depth, r.counts.total, r.average_percent, r.filing_rate) for r in d.by_level] == [
        ("省级", 0, 1, 40.0, 100.0)]
    assert [(t.label, t.counts.red, t.counts.amber, t.average_percent, t.filing_rate) for t in d.trend] == [
        ("2026年4月", 1, 0, 0.0, 100.0), ("2026年5月", 0, 1, 40.0, None)]
    # 甲省's share is 60 bases, 25 built.
    assert [(t.goal, t.actual, t.attainment) for t in d.targets] == [(Decimal(60), Decimal(25), Decimal("41.7"))]
    assert d.late == [] and d.late_total == 0


def test_overdue_tasks_are_listed_longest_overdue_first_once_their_deadline_passes(world, reported, cascaded):
    october_5 = dt.date(2026, 10, 5)
    snapshots_refresh(today=october_5)
    d = dashboard_for(user=world.national_clerk, organization=world.cast, today=october_5)
    assert d.counts.overdue == d.overdue_total == 3
    assert [(r.task, r.lead, r.due, r.days_overdue) for r in d.overdue] == [
        ("建设科普基地", "科学技术普及部", dt.date(2026, 9, 30), 5), ("建设科普基地", "甲省科协", dt.date(2026, 9, 30), 5),
        ("建设科普基地", "乙省科协", dt.date(2026, 9, 30), 5)]
    page = dashboard_for(user=world.national_clerk, organization=world.cast, today=october_5, rows=2, overdue_offset=2)
    assert [r.lead for r in page.overdue] == ["乙省科协"] and page.overdue_total == 3


def test_the_late_list_pages_across_unfiled_and_late_rows_and_counts_them_all(world, reported, cascaded):
    """The list is the unfiled pairs, then the reports filed late: a page may start in either, or
    straddle them, and every page knows the whole list's length."""
    whole = dashboard_for(user=world.national_clerk, organization=world.cast, today=MAY_31)
    names = [(r.organization, r.task) for r in whole.late]
    for offset in range(0, 4):
        for rows in (1, 2, 5):
            page = dashboard_for(user=world.national_clerk, organization=world.cast, today=MAY_31, rows=rows,
                                 late_offset=offset)
            assert [(r.organization, r.task) for r in page.late] == names[offset:offset + rows], (offset, rows)
            assert page.late_total == 2


def test_a_plan_filter_keeps_the_plan_and_what_was_cascaded_from_it(world, reported, cascaded):
    other = dashboard_for(user=world.national_clerk, organization=world.cast, today=MAY_31, plan=reported.plan)
    everything = dashboard_for(user=world.national_clerk, organization=world.cast, today=MAY_31)
    assert other.counts == everything.counts and other.plan_id == reported.plan.pk
    ledger = cascaded.jia.plan  # 甲省's ledger of handed-down tasks: same family, same numbers
    assert dashboard_for(user=world.national_clerk, organization=world.cast, today=MAY_31,
                         plan=ledger).counts == everything.counts


def test_the_tallies_kept_on_the_way_equal_the_tallies_recomputed_from_history(world, reported):
    kept = sorted(CycleTally.objects.values_list("organization_id", "cycle_id", "tasks", "green", "amber", "red",
                                                 "percent_sum", "expected_reports", "filed_reports", "late_reports"))
    tallies_rebuild()
    rebuilt = sorted(CycleTally.objects.values_list("organization_id", "cycle_id", "tasks", "green", "amber", "red",
                                                    "percent_sum", "expected_reports", "filed_reports",
                                                    "late_reports"))
    assert kept == rebuilt and kept


def test_a_viewer_of_the_national_office_alone_counts_only_its_tasks(world, reported):
    viewer = make_user("national_viewer", world.cast, ["viewer"])  # plan.view over its own organisation only
    d = dashboard_for(user=viewer, organization=world.cast, today=MAY_31)
    assert d.counts == ColourCounts(red=2)
    assert [(r.level, r.counts.total, r.filing_rate) for r in d.by_level] == [("全国", 2, 0.0)]
    assert [(t.label, t.counts.red) for t in d.trend] == [("2026年4月", 2), ("2026年5月", 2)]
    # The late list names reporting units: 学会学术部 is a unit of its own, outside this scope.
    assert d.late == [] and d.late_total == 0
