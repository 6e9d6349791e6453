"""An S&T worker's home on a phone (390 x 844): 冯自由1, an external account linked to a person
record, has a panel invitation, a nomination, a proposal, a demand and an open-call application,
each made through its service. They open the site's home URL, sign in and land on their home
(科技工作者之家): their name on top, a card per section, every record of theirs listed, nothing
of another worker's, and the page never scrolls sideways. A card takes them to its section."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.home.helpers import build_records
from tests.personas import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert not refused, f"the page broke its Content-Security-Policy: {refused}"


def test_a_worker_signs_in_on_a_phone_and_finds_their_own_records_at_home(phone, live_server, browser_world):
    records = build_records(browser_world)
    base_url = live_server.url

    phone.goto(base_url + "/")
    phone.wait_for_url(lambda url: reverse("accounts:login") in url)
    phone.locator("input[name=username]").fill("feng1@example.cn")
    phone.locator("input[name=password]").fill(PASSWORD)
    phone.get_by_role("button", name="登录").tap()
    phone.wait_for_url(base_url + reverse("accounts:me"))

    expect(phone.locator("#home-head h1")).to_have_text("冯自由1")
    cards = phone.locator("#home-cards a")
    for key in ("panels.reviews", "awards.nominations", "proposals.mine", "demands.mine", "demands.applications"):
        expect(phone.locator(f"#home-cards a[data-section='{key}'] .home-count")).to_have_text("1")
    assert cards.count() >= 5

    expect(phone.locator("#home-proposals\\.mine")).to_contain_text(records.proposal.title)
    expect(phone.locator("#home-demands\\.mine")).to_contain_text(records.demand.title)
    expect(phone.locator("#home-demands\\.applications")).to_contain_text(records.application.demand.title)
    expect(phone.locator("#home-panels\\.reviews")).to_contain_text(records.round.title)
    expect(phone.locator("#home-panels\\.reviews")).to_contain_text("待答复邀请")
    expect(phone.locator("#home-awards\\.nominations")).to_contain_text(records.nomination.call.title)
    body = phone.locator("main, body").first
    expect(body).not_to_contain_text(records.other_proposal.title)
    expect(body).not_to_contain_text(records.other_demand.title)
    expect(phone.locator("#my-profile button[value=sign_out_everywhere]")).to_be_visible()

    width = phone.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"the home page is {width}px wide"
    # Two cards side by side on a phone.
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert first["y"] == second["y"] and second["x"] > first["x"]

    # A card leads to its section; the demand opens the worker's own demand page.
    phone.locator("#home-cards a[data-section='demands.mine']").tap()
    phone.wait_for_url(lambda url: url.endswith("#home-demands.mine"))
    expect(phone.locator("#home-demands\\.mine")).to_be_in_viewport()
    with phone.expect_navigation():
        phone.locator("#home-demands\\.mine").get_by_role("link", name=records.demand.title).tap()
    expect(phone.locator("h1")).to_have_text(records.demand.title)
