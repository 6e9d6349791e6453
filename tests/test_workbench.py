"""The workbench (工作台): the home page lists what waits for each role, and each count is the count of
the page it links to.

甲省 hands a task to 甲县 in a plan whose one reporting cycle is open for filing today (the cycles are
set around the real date, because the pages read the clock).
"""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kexie.plans.models import ItemStatus
from kexie.tracking.models import ProgressReport
from kexie.notifications.models import Notification
from kexie.tracking.services import cycles_schedule, deferral_request, report_accept, report_submit, task_cascade
from tests.plans.ledger_world import confirmed_plan


@pytest.fixture
def open_cycle(world):
    today = timezone.localdate()
    plan = confirmed_plan(world)
    [cycle] = cycles_schedule(by=world.provincial_clerk, plan=plan, frequency="custom",
                              periods=[(today - dt.timedelta(days=30), today - dt.timedelta(days=1),
                                        today + dt.timedelta(days=5))])
    upper = plan.items.get(title="建设科普基地")
    [cascade] = task_cascade(by=world.provincial_clerk, item=upper, organizations=[world.county_a])
    return cycle, cascade.child


def workbench(client) -> dict[str, int]:
    page = client.get(reverse("home")).content.decode()
    return {key: int(count) for key, count in
            re.findall(r'data-todo="([a-z_]+)">\s*<a href="[^"]*"><span class="todo-count">(\d+)</span>', page)}


def link_of(client, key: str) -> str:
    page = client.get(reverse("home")).content.decode()
    return re.search(rf'data-todo="{key}">\s*<a href="([^"]*)"', page).group(1).replace("&amp;", "&")


def test_the_county_clerk_sees_the_reports_to_file_and_the_list_it_links_to_has_them(world, open_cycle,
                                                                                     signed_in):
    client = signed_in(world.county_clerk)
    todo = workbench(client)
    assert todo["to_file"] >= 1
    listing = client.get(link_of(client, "to_file")).content.decode()
    rows = re.findall(r'<tr class="filing-(to_file|missing|returned)"', listing)
    assert len(rows) == todo["to_file"]
    # Nothing to review, decide or close for a county clerk: those entries are not theirs, and its
    # role holds none of their codes, so they are not on its workbench at all.
    assert not {"to_review", "deferrals_to_decide", "notices_to_close"} & set(todo)


def test_a_filed_report_moves_from_the_county_to_the_province(world, open_cycle, signed_in):
    cycle, task = open_cycle
    before = workbench(signed_in(world.county_clerk))["to_file"]
    report_submit(by=world.county_clerk, report=ProgressReport(
        item=task, organization=world.county_a, cycle=cycle, progress=ItemStatus.IN_PROGRESS, percent=30))
    assert workbench(signed_in(world.county_clerk))["to_file"] == before - 1
    province = signed_in(world.provincial_clerk)
    assert workbench(province)["to_review"] == 1
    reviews = province.get(link_of(province, "to_review"))
    assert len(reviews.context["reports"]) == 1


def test_counts_are_kept_until_something_changes_and_unread_notices_are_always_fresh(world, open_cycle,
                                                                                    signed_in):
    cycle, task = open_cycle
    report = report_submit(by=world.county_clerk, report=ProgressReport(
        item=task, organization=world.county_a, cycle=cycle, progress=ItemStatus.IN_PROGRESS, percent=30))
    province = signed_in(world.provincial_clerk)
    assert workbench(province)["to_review"] == 1
    with CaptureQueriesContext(connection) as again:
        assert workbench(province)["to_review"] == 1
    assert not [q for q in again.captured_queries if "tracking_progressreport" in q["sql"]]  # not counted again
    unread = workbench(province)["unread"]
    Notification.objects.create(recipient=world.provincial_clerk, title="测试通知", kind="reminder", dedupe_key="wb-test")
    assert workbench(province)["unread"] == unread + 1  # a notice is no audited change, yet it shows
    report_accept(by=world.provincial_clerk, report=report)
    assert workbench(province)["to_review"] == 0  # the accepted report leaves the count at once


def test_deferrals_wait_for_the_issuer_not_for_who_asked(world, open_cycle, signed_in):
    _cycle, task = open_cycle
    deferral_request(by=world.county_clerk, item=task, organization=world.county_a,
                     requested_due=dt.date(2027, 6, 30), reason="场地调整。")
    assert workbench(signed_in(world.provincial_clerk))["deferrals_to_decide"] == 1
    assert workbench(signed_in(world.county_clerk)).get("deferrals_to_decide", 0) == 0
    listing = signed_in(world.provincial_clerk).get(reverse("tracking:deferrals"))
    assert sum(d.decidable for d in listing.context["deferrals"]) == 1


def test_the_administrators_each_see_their_own_work(world, signed_in):
    sysadmin = workbench(signed_in(world.system_admin))
    assert sysadmin["users_without_role"] == 1  # 无角色用户
    assert "to_file" not in sysadmin and "audit_failures" not in sysadmin
    Client().post(reverse("accounts:login"), {"username": "county_clerk", "password": "wrong"})
    security = workbench(signed_in(world.security_admin))
    assert security["failed_logins"] == 1 and "users_without_role" not in security
    audit = workbench(signed_in(world.audit_admin))
    assert set(audit) == {"failed_logins", "audit_failures", "unread"}


def test_the_demo_gives_every_business_persona_work_on_the_workbench(db, signed_in):
    """Loaded today, the demo leaves each business persona something to do, counted as its page counts it."""
    from django.core.management import call_command

    from kexie.accounts.models import User
    from kexie.evaluation.selectors import reviews_to_do as evaluations_to_review
    from kexie.selection.selectors import reviews_to_do as applications_to_score
    from kexie.societies.selectors import annual_reports_to_file
    from kexie.tracking.selectors import reviewable

    call_command("demo", stdout=__import__("io").StringIO())
    expected = {
        "national_clerk": ("to_review",), "provincial_clerk": ("to_review", "deferrals_to_decide"),
        "county_clerk": ("to_file",), "society_secretary": ("annual_reports_to_file",),
        "review_expert": ("evaluations_to_review", "applications_to_score"),
    }
    for username, keys in expected.items():
        user = User.objects.get(username=username)
        todo = workbench(signed_in(user))
        for key in keys:
            assert todo[key] > 0, (username, key, todo)
    expert = User.objects.get(username="review_expert")
    todo = workbench(signed_in(expert))
    assert todo["evaluations_to_review"] == evaluations_to_review(expert).count()
    assert todo["applications_to_score"] == applications_to_score(expert).count()
    secretary = User.objects.get(username="society_secretary")
    assert workbench(signed_in(secretary))["annual_reports_to_file"] == len(annual_reports_to_file(secretary))
    national = User.objects.get(username="national_clerk")
    assert workbench(signed_in(national))["to_review"] == reviewable(national).count()
