"""A volunteer signs up on a phone, a coordinator checks them in and out on a phone, and the
volunteer sees the hours and downloads the certificate.

An S&T worker with an external account linked to their person record opens 我的志愿服务 from the
menu, then the opportunities open for sign-up, and signs up for a role. The coordinator (the
provincial clerk) opens the opportunity's check-in page on a phone-size screen and records the
check-in and check-out times; the card shows 2.0 hours. Back on the volunteer's page the counted
hours read 2.0 and the certificate downloads as a PDF that names the volunteer and the hours."""

import datetime as dt
import io

import pdfplumber
import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from kexie.people.models import Person
from kexie.volunteers import services
from kexie.volunteers.models import SignUp
from tests.personas import PASSWORD, make_external

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _sign_in(page, base_url, username):
    page.goto(base_url + reverse("accounts:login"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: reverse("accounts:login") not in url)


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _fits(page):
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def test_a_volunteer_signs_up_is_checked_in_and_out_and_downloads_the_certificate(page, chromium, live_server,
                                                                                  browser_world):
    world, base_url = browser_world, live_server.url
    user = make_external("li.zhiyuan@example.cn", full_name="李志愿")
    Person.objects.create(organization=world.prov_a, name="李志愿", account=user)
    now = timezone.now().replace(second=0, microsecond=0)
    opportunity = services.opportunity_create(by=world.provincial_clerk, organization=world.prov_a, data={
        "title": "科技馆周末科普讲解", "place": "甲省科技馆", "starts_at": now - dt.timedelta(hours=3),
        "ends_at": now + dt.timedelta(hours=3)}, roles=[("展区讲解员", 2)])

    # The volunteer signs up on a phone.
    page.set_viewport_size(PHONE)
    _sign_in(page, base_url, user.username)
    page.locator("header.topbar .menu-toggle").click()
    with page.expect_navigation():
        page.locator("nav.sidemenu").get_by_role("link", name="我的志愿服务", exact=True).click()
    page.locator("#board-link").click()
    card = page.locator(f"#opportunity-{opportunity.pk}")
    expect(card).to_contain_text("科技馆周末科普讲解")
    with page.expect_navigation():
        card.get_by_role("button", name="报名展区讲解员（余2个名额）").click()
    expect(page.locator("#my-signups")).to_contain_text("科技馆周末科普讲解")
    _fits(page)
    signup = SignUp.objects.get(volunteer__person__account=user)

    # The coordinator checks them in and out on a phone.
    context = chromium.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        coordinator = context.new_page()
        _sign_in(coordinator, base_url, world.provincial_clerk.username)
        coordinator.goto(base_url + reverse("volunteers:opportunity", kwargs={"pk": opportunity.pk}))
        coordinator.locator("#checkin-link").click()
        expect(coordinator.locator("h1")).to_contain_text("签到")
        entry = coordinator.locator(f"#signup-{signup.pk}")
        expect(entry).to_contain_text("李志愿")
        expect(entry).to_contain_text("未签到")
        came = now - dt.timedelta(hours=2, minutes=30)
        entry.locator("input[name=at]").fill(_local(came))
        entry.get_by_role("button", name="签到").click()
        expect(entry).to_contain_text("签到时间")
        entry.locator("input[name=at]").fill(_local(came + dt.timedelta(hours=2)))
        entry.get_by_role("button", name="签退").click()
        expect(entry).to_contain_text("已签退：2.0小时")
        _fits(coordinator)
    finally:
        context.close()

    # The volunteer sees the hours and downloads the certificate.
    page.goto(base_url + reverse("volunteers:mine"))
    expect(page.locator("#my-total-hours")).to_have_text("2.0")
    expect(page.locator("#hours-records")).to_contain_text("签到签退")
    with page.expect_download() as download_info:
        page.locator("#certificate-download").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    content = open(download.path(), "rb").read()
    assert content.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        text = "".join(p.extract_text() or "" for p in pdf.pages)
    assert "李志愿" in text and "2.0" in text
    page.goto(base_url + reverse("accounts:me"))
    expect(page.locator("main")).to_contain_text("我的志愿服务")
    expect(page.locator("main")).to_contain_text("累计认定服务时长2.0小时")
