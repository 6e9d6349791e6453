"""Issue 4 end to end in the browser: 甲县's clerk files a report, with a Word document as evidence,
on a task of 甲省's plan that the county leads; 甲省's clerk accepts it from the review queue, and
the dashboard and the task page turn from red to green.

The pages read the real clock for "today", so the plan is dated around it: issued 60 days ago,
the task due in 60 days. Expected progress (序时进度) is then 50%, and a task at 0% is red
(behind by more than the red threshold of 25 points) until its completion is signed off.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from kexie.core.demo.plans import docx_bytes
from kexie.plans.models import ItemStatus
from kexie.tracking.models import Colour, ProgressReport, ReportStatus, TaskSnapshot
from kexie.tracking.services import cycles_schedule, snapshots_refresh
from tests.browser.test_plan_import_to_ledger import DOCX
from tests.browser.test_provincial_clerk_browses_the_tree import sign_in
from tests.plans.ledger_world import confirmed_plan

pytestmark = pytest.mark.browser


def county_plan_text(issued: dt.date, due: dt.date) -> str:
    return f"""关于印发《甲省科协基层科普重点任务》的通知

甲县科协：
现将《甲省科协基层科普重点任务》印发给你们，请认真贯彻落实。

甲省科学技术协会
{issued.year}年{issued.month}月{issued.day}日

甲省科协基层科普重点任务

一、提升基层科普能力
1.建设社区科普站。新建社区科普站10个，{due.year}年{due.month}月{due.day}日前完成。（甲县科协牵头）
"""


@pytest.fixture
def county_led_task(browser_world):
    """甲省's plan, confirmed through the reviewed import, with one task led by 甲县科协; monthly
    cycles over the plan's span, and the task's snapshot as of today (red)."""
    world = browser_world
    today = timezone.localdate()
    issued, due = today - dt.timedelta(days=60), today + dt.timedelta(days=60)
    plan = confirmed_plan(world, text=county_plan_text(issued, due))
    cycles_schedule(by=world.provincial_clerk, plan=plan, start=issued, end=due, frequency="monthly")
    task = plan.items.get(key="1.1")
    assert task.assignments.get().organization == world.county_a
    snapshots_refresh(plans=[plan.pk])
    snapshot = TaskSnapshot.objects.get(item=task)
    assert (snapshot.expected, snapshot.percent, snapshot.colour) == (50, 0, Colour.RED)
    return world, task


def sign_out(page):
    page.locator("header.topbar").get_by_role("button", name="退出").click()
    page.wait_for_url(lambda url: reverse("accounts:login") in url)
    expect(page.locator("input[name=username]")).to_be_visible()


def expect_counts(page, *, green: int, amber: int, red: int):
    counts = page.locator("#counts")
    for colour, number in (("green", green), ("amber", amber), ("red", red)):
        expect(counts.locator(f".card-{colour} .card-num")).to_have_text(str(number))


def test_a_county_files_and_the_province_accepts_and_the_task_turns_green(page, live_server, county_led_task):
    world, task = county_led_task
    base_url = live_server.url
    target = task.targets.get()
    task_url = base_url + reverse("tracking:task", args=[task.pk])
    dashboard_url = base_url + reverse("dashboard:home") + f"?org={world.prov_a.pk}"

    # 甲县's clerk finds the task on the filing page and files it as completed, with a Word file.
    sign_in(page, base_url, world.county_clerk.username)
    page.locator("nav.sidemenu").get_by_role("link", name="进度填报").click()
    row = page.locator(f"#filing-list tr.filing-to_file[data-item='{task.pk}']").first
    expect(row).to_contain_text("建设社区科普站")
    expect(row).to_contain_text(world.county_a.name)
    row.locator("a.btn").click()
    form = page.locator("#report-form")
    expect(page.locator("h1")).to_contain_text("建设社区科普站")
    form.locator("select[name=progress]").select_option(value=ItemStatus.COMPLETED)
    form.locator("input[name=percent]").fill("100")
    form.locator("textarea[name=narrative]").fill("10个社区科普站均已建成并开放。")
    form.locator(f"input[name=actual_{target.pk}]").fill("10")
    form.locator("input[name=evidence]").set_input_files(
        {"name": "社区科普站建设情况.docx", "mimeType": DOCX,
         "buffer": docx_bytes("甲县社区科普站建设情况\n已建成社区科普站10个。")})
    form.locator("#report-submit").click()
    page.wait_for_url(lambda url: "/reports/" in url)
    expect(page.locator(".msg")).to_contain_text("已填报“建设社区科普站”")
    expect(page.locator("#report-status")).to_have_text("已提交")
    expect(page.locator("#report-percent")).to_have_text("100%")
    expect(page.locator("#report-evidence")).to_contain_text("社区科普站建设情况.docx")
    expect(page.locator("#report-review")).to_have_count(0)  # the county does not review its own report
    report = ProgressReport.objects.get(item=task)
    assert (report.organization, report.status, report.evidence.count()) == (world.county_a,
                                                                            ReportStatus.SUBMITTED, 1)
    sign_out(page)

    # 甲省's clerk sees the task red on the dashboard and on its page.
    sign_in(page, base_url, world.provincial_clerk.username)
    page.goto(dashboard_url)
    expect(page.locator("h1")).to_contain_text(world.prov_a.name)
    expect_counts(page, green=0, amber=0, red=1)
    page.goto(task_url)
    expect(page.locator("#task-title .tag-colour")).to_have_attribute("data-colour", Colour.RED)
    expect(page.locator("#task-expected")).to_have_text("50%")
    expect(page.locator("#task-percent")).to_have_text("0%")

    # The review queue lists the report; the clerk opens it and signs the completion off.
    page.locator("nav.sidemenu").get_by_role("link", name="填报审核").click()
    queued = page.locator(f"#review-list tr[data-report='{report.pk}']")
    expect(queued).to_contain_text(world.county_a.name)
    expect(queued).to_contain_text("100%")
    queued.locator("a.btn").click()
    expect(page.locator("#report-evidence")).to_contain_text("社区科普站建设情况.docx")
    page.locator("#report-accept").click()
    expect(page.locator(".msg")).to_contain_text("审核通过")
    expect(page.locator(f"#review-list tr[data-report='{report.pk}']")).to_have_count(0)

    # Green on the dashboard and on the task page, with the indicator's actual.
    page.goto(dashboard_url)
    expect_counts(page, green=1, amber=0, red=0)
    expect(page.locator("#counts .card", has_text="已办结").locator(".card-num")).to_have_text("1")
    page.goto(task_url)
    expect(page.locator("#task-title .tag-colour")).to_have_attribute("data-colour", Colour.GREEN)
    expect(page.locator("#task-percent")).to_have_text("100%")
    expect(page.locator(f"#task-targets tr[data-target='{target.pk}']")).to_contain_text("10个")
    expect(page.locator(f"#task-reports tr[data-report='{report.pk}']")).to_contain_text("已通过")
