"""A clerk's day on a phone (390 x 844): 甲县's clerk files a report and replies to a supervision
notice, 甲省's office accepts the report and decides a deferral request. Each job starts on the home
page and goes through the menu behind the top bar's menu button; no page visited on the way may
scroll sideways (a wide table scrolls inside its own box instead).

The task is the one of test_county_reports_province_reviews (dated around the real clock).
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from kexie.plans.models import ItemStatus
from kexie.tracking.models import DeferralRequest, DeferralStatus, ProgressReport, ReportStatus
from kexie.tracking.services import deferral_request, report_submit
from kexie.tracking.supervision import supervision_issue
from kexie.tracking.models import NoticeStatus, SupervisionNotice
from tests.browser.test_county_reports_province_reviews import county_led_task  # noqa: F401 (fixture)
from tests.browser.test_provincial_clerk_browses_the_tree import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def assert_fits(page):
    """The page is no wider than the phone: nothing makes it scroll sideways."""
    # A tap may have started a navigation: measure the page once it is there.
    page.wait_for_load_state()
    page.wait_for_function("document.scrollingElement !== null")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def open_menu_entry(page, label: str):
    """Tap the menu button, then the entry: the menu is folded away until then."""
    menu = page.locator("nav.sidemenu")
    expect(menu).to_be_hidden()
    page.locator("header.topbar .menu-toggle").tap()
    expect(menu).to_be_visible()
    # Wait for the page the entry leads to, not just for the current one to be loaded.
    with page.expect_navigation():
        menu.get_by_role("link", name=label, exact=True).tap()
    page.wait_for_load_state()
    expect(page.locator("nav.sidemenu")).to_be_hidden()
    assert_fits(page)


def test_a_county_clerk_files_a_report_on_a_phone(phone, live_server, county_led_task):
    world, task = county_led_task
    target = task.targets.get()
    sign_in(phone, live_server.url, world.county_clerk.username)
    assert_fits(phone)

    open_menu_entry(phone, "进度填报")
    row = phone.locator(f"#filing-list tr[data-item='{task.pk}']").first
    expect(row).to_contain_text("建设社区科普站")
    row.locator("a.btn").tap()
    form = phone.locator("#report-form")
    expect(form).to_be_visible()
    assert_fits(phone)
    form.locator("select[name=progress]").select_option(value=ItemStatus.IN_PROGRESS)
    form.locator("input[name=percent]").fill("40")
    form.locator("textarea[name=narrative]").fill("已建成4个社区科普站。")
    form.locator(f"input[name=actual_{target.pk}]").fill("4")
    form.locator("#report-submit").tap()
    phone.wait_for_url(lambda url: "/reports/" in url)
    expect(phone.locator("#report-status")).to_have_text("已提交")
    assert_fits(phone)
    report = ProgressReport.objects.get(item=task)
    assert (report.organization, report.status, report.percent) == (world.county_a, ReportStatus.SUBMITTED, 40)


def test_a_county_clerk_replies_to_a_supervision_notice_on_a_phone(phone, live_server, county_led_task):
    world, task = county_led_task
    today = timezone.localdate()
    notice = supervision_issue(by=world.provincial_clerk, item=task, organization=world.county_a,
                               reason="社区科普站建设进度滞后，请说明原因并提出整改措施。",
                               reply_due=today + dt.timedelta(days=7), today=today)
    sign_in(phone, live_server.url, world.county_clerk.username)

    open_menu_entry(phone, "督查督办")
    phone.locator("#notice-list").get_by_role("link", name=notice.number).tap()
    expect(phone.locator("h1")).to_contain_text(notice.number)
    assert_fits(phone)
    phone.get_by_role("link", name="回复", exact=True).tap()
    form = phone.locator("#reply-form")
    expect(form).to_be_visible()
    assert_fits(phone)
    form.locator("textarea[name=text]").fill("已增派两名干部驻点推进，月底前建成全部社区科普站。")
    form.get_by_role("button", name="提交回复").tap()
    phone.wait_for_url(lambda url: url.rstrip("/").endswith(str(notice.pk)))
    expect(phone.locator("#notice-reply")).to_contain_text("已增派两名干部")
    assert_fits(phone)
    notice.refresh_from_db()
    assert (notice.status, notice.replied_by) == (NoticeStatus.REPLIED, world.county_clerk)


def test_the_provincial_office_accepts_a_report_and_decides_a_deferral_on_a_phone(phone, live_server,
                                                                                  county_led_task):
    world, task = county_led_task
    cycle = task.plan.reporting_cycles.filter(opens_on__lte=timezone.localdate()).order_by("-opens_on").first()
    report = report_submit(by=world.county_clerk, report=ProgressReport(
        item=task, organization=world.county_a, cycle=cycle, progress=ItemStatus.IN_PROGRESS, percent=40,
        narrative="已建成4个社区科普站。"))
    deferral = deferral_request(by=world.county_clerk, item=task, organization=world.county_a,
                                requested_due=task.due + dt.timedelta(days=10), reason="场地移交推迟，申请延期10天。")
    sign_in(phone, live_server.url, world.provincial_clerk.username)

    open_menu_entry(phone, "填报审核")
    queued = phone.locator(f"#review-list tr[data-report='{report.pk}']")
    expect(queued).to_contain_text(world.county_a.name)
    queued.locator("a.btn").tap()
    expect(phone.locator("#report-percent")).to_have_text("40%")
    assert_fits(phone)
    phone.locator("#report-accept").tap()
    expect(phone.locator(".msg")).to_contain_text("审核通过")
    assert_fits(phone)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED

    phone.goto(live_server.url + reverse("home"))
    open_menu_entry(phone, "延期申请")
    row = phone.locator(f"#deferral-list tr[data-deferral='{deferral.pk}']")
    expect(row).to_contain_text("场地移交推迟")
    row.locator(f"#approve-note-{deferral.pk}").fill("同意延期。")
    row.locator(f"#approve-{deferral.pk}").get_by_role("button").tap()
    expect(phone.locator(".msg")).to_be_visible()
    assert_fits(phone)
    deferral.refresh_from_db()
    assert deferral.status == DeferralStatus.APPROVED


def test_on_a_desktop_the_menu_stays_open_beside_the_page_without_a_menu_button(page, live_server, browser_world):
    world = browser_world
    sign_in(page, live_server.url, world.provincial_clerk.username)
    menu = page.locator("nav.sidemenu")
    expect(menu).to_be_visible()
    expect(page.locator("header.topbar .menu-toggle")).to_be_hidden()
    box, content = menu.bounding_box(), page.locator("main.content").bounding_box()
    assert box["x"] + box["width"] <= content["x"]  # side by side, not stacked
    expect(menu.locator(".menu-section-title")).to_have_text(
        ["工作台", "规划与任务", "督查督办", "学会", "人员与专家", "服务", "活动", "基础信息", "公众用户"])
