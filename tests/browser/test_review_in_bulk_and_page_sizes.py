"""In the browser: a provincial clerk ticks "select all" in 待审核 and accepts the reports after
confirming them; the ledger's page size is chosen from the list under it, and a page is jumped to."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kexie.tracking.models import ProgressReport, ReportStatus
from tests.browser.test_provincial_clerk_browses_the_tree import sign_in
from tests.plans.ledger_world import confirmed_plan
from tests.plans.test_ledger_pages import MANY_TASKS
from tests.tracking.review_queue import review_queue

pytestmark = pytest.mark.browser


def test_a_clerk_selects_every_report_on_the_page_and_accepts_them_after_confirming(page, live_server,
                                                                                  browser_world):
    queue = review_queue(browser_world)
    sign_in(page, live_server.url, browser_world.provincial_clerk.username)
    page.goto(live_server.url + reverse("tracking:reviews"))
    page.locator("#review-filter select[name=plan]").select_option(str(queue.plan.pk))
    page.locator("#review-filter select[name=cycle]").select_option(str(queue.q1.pk))
    page.locator("#review-filter button[type=submit]").click()
    rows = page.locator("#review-list tbody tr")
    expect(rows).to_have_count(4)
    page.get_by_label("全选本页").check()
    expect(page.locator("#review-list tbody input[name=report]:checked")).to_have_count(4)
    page.locator("#bulk-accept-button").click()

    expect(page.locator("#bulk-accept-question")).to_contain_text("确认审核通过以下 4 份填报")
    assert ProgressReport.objects.filter(status=ReportStatus.ACCEPTED).count() == 0
    page.locator("#bulk-accept-confirm-button").click()

    expect(page.locator(".msg-success")).to_have_text("已审核通过 4 份")
    expect(page.locator("#review-list tbody tr")).to_have_count(1)  # the filters kept: the plan's q1 is done
    assert page.locator("#review-filter select[name=plan]").input_value() == str(queue.plan.pk)
    assert ProgressReport.objects.filter(status=ReportStatus.ACCEPTED).count() == 4


def test_choosing_a_page_size_shows_it_at_once_and_the_jump_field_goes_to_a_page(page, live_server,
                                                                                 browser_world):
    plan = confirmed_plan(browser_world, text=MANY_TASKS)  # 30 tasks
    sign_in(page, live_server.url, browser_world.provincial_clerk.username)
    page.goto(live_server.url + reverse("ledger:plan", args=[plan.pk]) + "?sort=-key")
    rows = page.locator("#ledger tbody tr")
    expect(rows).to_have_count(25)
    page.get_by_label("每页条数").select_option("20")  # no button to press: the page follows
    expect(page.locator(".pagination-position")).to_have_text("1 / 2")
    expect(rows).to_have_count(20)
    page.get_by_label("跳至页码").fill("2")
    page.get_by_label("跳至页码").press("Enter")
    expect(page.locator(".pagination-position")).to_have_text("2 / 2")
    expect(rows).to_have_count(10)
    assert "sort=-key" in page.url
    expect(rows.last).to_contain_text("专项任务第1项")
