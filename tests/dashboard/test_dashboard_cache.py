"""A paged dashboard is answered again from the cache while nothing under it changes, and never
after: an audited change, the daily refresh, another user's narrower scope, another language."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from kexie.accounts.models import DataScope, Role
from kexie.dashboard.selectors import dashboard_for
from kexie.plans.models import PlanItem
from kexie.tracking.models import ProgressReport
from kexie.tracking.services import report_accept, report_submit, snapshots_refresh
from tests.dashboard.conftest import MAY_31, at
from tests.personas import make_user


def national(world, **extra):
    return dashboard_for(user=world.national_clerk, organization=world.cast, today=MAY_31, rows=20, **extra)


def queries(callable_) -> int:
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured)


def test_the_same_dashboard_asked_again_is_not_recomputed(world, reported, cascaded):
    first = national(world)
    computing = queries(lambda: national(world, cached=False))
    again = queries(lambda: national(world))
    assert national(world) == first
    # The access check and the data's generation; none of the aggregates.
    assert again <= 5 < computing


def test_an_accepted_report_shows_on_the_next_request(world, reported, cascaded):
    before = national(world)
    assert before.counts.amber == 1
    report = report_submit(by=world.provincial_clerk, report=ProgressReport(
        item=cascaded.jia, organization=world.prov_a, cycle=reported.may, percent=90),
        actuals={cascaded.jia_target: "55"}, now=at(dt.date(2026, 5, 30)))
    report_accept(by=world.national_clerk, report=report, today=MAY_31)
    after = national(world)
    assert after != before
    assert after == national(world, cached=False)


def test_the_daily_refresh_makes_earlier_answers_stale_though_it_writes_no_audit_row(world, reported, cascaded):
    assert national(world).overdue_total == 0
    # A deadline moved behind the application's back (no audit row): the cache cannot know...
    PlanItem.objects.filter(pk=cascaded.jia.pk).update(due=dt.date(2026, 5, 20))
    assert national(world).overdue_total == 0
    # ...until the daily refresh recomputes the snapshots, which counts as a change.
    snapshots_refresh(today=MAY_31)
    assert national(world).overdue_total == 1


def test_a_user_who_sees_less_never_gets_the_answer_of_one_who_sees_all(world, reported, cascaded):
    assert national(world).counts.total == 4
    own_office_only = Role.objects.create(code="plan_reader_org", name="本单位计划查看", data_scope=DataScope.ORG,
                                          permissions=["plan.view"])
    reader = make_user("reader", world.cast, [])
    reader.roles.add(own_office_only)
    narrow = dashboard_for(user=reader, organization=world.cast, today=MAY_31, rows=20)
    assert narrow.counts.total == 2  # the national office's own two tasks, not the provinces'


def test_the_answer_in_one_language_is_not_served_in_the_other(world, reported, cascaded):
    with translation.override("zh-hans"):
        chinese = national(world)
    with translation.override("en"):
        english = national(world)
    assert [row.level for row in chinese.by_level] == ["全国", "省级"]
    assert [row.level for row in english.by_level] == ["National", "Provincial"]


def test_the_api_answers_again_from_the_cache_and_moves_with_the_data(world, reported, cascaded, signed_in,
                                                                       monkeypatch):
    from django.urls import reverse

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: MAY_31)
    client = signed_in(world.national_clerk)
    url = reverse("api:dashboard")
    first = client.get(url, {"org": world.cast.pk}).json()
    with CaptureQueriesContext(connection) as captured:
        again = client.get(url, {"org": world.cast.pk}).json()
    assert again == first
    assert not any("tracking_tasksnapshot" in q["sql"] or "dashboard_" in q["sql"] and "epoch" not in q["sql"]
                   for q in captured.captured_queries)
    report = report_submit(by=world.provincial_clerk, report=ProgressReport(
        item=cascaded.jia, organization=world.prov_a, cycle=reported.may, percent=90),
        actuals={cascaded.jia_target: "55"}, now=at(dt.date(2026, 5, 30)))
    report_accept(by=world.national_clerk, report=report, today=MAY_31)
    after = client.get(url, {"org": world.cast.pk}).json()
    assert after["counts"] != first["counts"]
