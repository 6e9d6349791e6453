"""A clerk checks registrants in on a phone, in the browser.

The provincial clerk signs in from the home page on a phone-sized screen, opens the activities
from the menu, the activity, and its check-in page; types a ticket code and sees the registrant
checked in and the count go up; the same code a second time answers when it was checked in, and
the count stays."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from kexie.activities import registration as reg
from kexie.activities import services
from tests.personas import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _menu_label() -> str:
    with translation.override("zh-hans"):
        return translation.pgettext("menu", "Activities")


def test_a_clerk_checks_a_ticket_in_on_a_phone_and_a_second_scan_says_already(page, live_server, browser_world):
    world, base_url = browser_world, live_server.url
    day = timezone.localdate() + dt.timedelta(days=7)
    activity = services.activity_create(by=world.provincial_clerk, organization=world.prov_a, data={
        "kind": "lecture", "title": "学会大讲堂：人工智能与农业", "starts_on": day, "ends_on": day})
    reg.registration_settings(by=world.provincial_clerk, activity=activity, open=True, capacity=100)
    ticket = reg.register_for(by=world.provincial_clerk, activity=activity, name="韩梅梅", unit="甲省农业大学").ticket

    page.set_viewport_size(PHONE)
    page.goto(base_url + "/")
    page.wait_for_url(lambda url: reverse("accounts:login") in url)
    page.locator("input[name=username]").fill(world.provincial_clerk.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: reverse("accounts:login") not in url)

    page.locator("header.topbar .menu-toggle").click()
    with page.expect_navigation():
        page.locator("nav.sidemenu").get_by_role("link", name=_menu_label(), exact=True).click()
    page.get_by_role("link", name=activity.title).click()
    expect(page.locator("#attendance-checked-in")).to_have_text("0")
    page.locator("#checkin-link").click()
    expect(page.locator("h1")).to_contain_text("签到")

    page.locator("#ticket-code").fill(ticket)
    page.locator("#checkin-submit").click()
    expect(page.locator("#checkin-result")).to_contain_text("韩梅梅 签到成功")
    expect(page.locator("#checked-in-count")).to_have_text("1")

    page.locator("#ticket-code").fill(ticket)
    page.locator("#checkin-submit").click()
    expect(page.locator("#checkin-result")).to_contain_text("已于")
    expect(page.locator("#checkin-result")).to_have_class("checkin-result outcome-already")
    expect(page.locator("#checked-in-count")).to_have_text("1")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"the check-in page is {width}px wide"
    assert reg.attendance(activity)["checked_in"] == 1


def test_offline_scans_are_queued_on_the_phone_and_counted_once_when_synced(page, live_server, browser_world):
    """The clerk keeps the roster on the phone, loses the network, scans two tickets (one twice):
    they wait in the queue with the names from the roster; back online, the queue is sent and
    each ticket counts once."""
    world, base_url = browser_world, live_server.url
    day = timezone.localdate() + dt.timedelta(days=7)
    activity = services.activity_create(by=world.provincial_clerk, organization=world.prov_a, data={
        "kind": "training", "title": "基层科普骨干培训班", "starts_on": day, "ends_on": day})
    first = reg.register_for(by=world.provincial_clerk, activity=activity, name="李雷", unit="甲县科协").ticket
    second = reg.register_for(by=world.provincial_clerk, activity=activity, name="王芳", unit="乙县科协").ticket

    page.set_viewport_size(PHONE)
    page.goto(base_url + "/")
    page.wait_for_url(lambda url: reverse("accounts:login") in url)
    page.locator("input[name=username]").fill(world.provincial_clerk.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: reverse("accounts:login") not in url)
    page.goto(base_url + reverse("activities:checkin", args=[activity.pk]))
    page.locator("#roster-download").click()
    expect(page.locator("#offline-status")).to_contain_text("2")

    page.context.set_offline(True)
    for code in (first, second, first):
        page.locator("#ticket-code").fill(code)
        page.locator("#checkin-submit").click()
    expect(page.locator("#queue-count")).to_have_text("3")
    expect(page.locator("#checkin-result")).to_contain_text("李雷")
    assert reg.attendance(activity)["checked_in"] == 0

    page.context.set_offline(False)
    expect(page.locator("#queue-count")).to_have_text("0")
    expect(page.locator("#checked-in-count")).to_have_text("2")
    assert reg.attendance(activity)["checked_in"] == 2
