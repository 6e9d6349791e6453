"""A respondent answers the survey of S&T workers on a phone (390 x 844), without an account.

They open the public answering page, type the code their station handed them (in lower case,
as people do), answer the questionnaire — choosing 企业 shows the follow-up question about
research work, which stays hidden otherwise — submit and see the thank-you page. The same code
typed again is refused in Chinese. No page may scroll sideways or break the Content-Security-Policy.
"""

import pytest
from playwright.sync_api import expect

from kexie.surveys.models import Response
from tests.surveys.helpers import codes, station, survey_round

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


def _fits(page):
    page.wait_for_load_state()
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def _enter_code(page, base_url, code):
    page.goto(base_url + "/surveys/answer/")
    expect(page.locator("#survey-code")).to_be_visible()
    _fits(page)
    page.locator("input[name=code]").fill(code)
    page.locator("#code-submit").tap()
    page.wait_for_load_state()


def test_a_respondent_answers_on_a_phone_and_the_code_is_then_refused(phone, live_server, browser_world):
    world, base_url = browser_world, live_server.url
    one = station(world, name="甲大学调查站点")
    made = survey_round(world, stations=[(one, 5)])
    code = codes(world, made, one, n=1)[0]

    _enter_code(phone, base_url, code.lower())
    form = phone.locator("#answer-form")
    expect(form).to_be_visible()
    _fits(phone)
    follow_up = phone.locator("#question-rd")
    expect(follow_up).to_be_hidden()
    phone.locator("#question-unit").get_by_label("企业").check()
    expect(follow_up).to_be_visible()
    phone.locator("#question-unit").get_by_label("高等院校").check()
    expect(follow_up).to_be_hidden()
    phone.locator("#question-unit").get_by_label("企业").check()
    follow_up.get_by_label("是").check()
    phone.locator("#question-pressure").get_by_label("4").check()
    phone.locator("#question-needs").get_by_label("学术交流").check()
    phone.locator("textarea[name=q_advice]").fill("希望多组织青年科技工作者座谈。")
    phone.locator("#answer-submit").tap()
    expect(phone.locator("#survey-thanks")).to_be_visible()
    expect(phone.locator("#survey-thanks h1")).to_have_text("感谢您的参与")
    _fits(phone)
    response = Response.objects.get()
    assert response.answers == {"unit": "ent", "rd": "yes", "pressure": 4, "needs": ["talk"],
                                "advice": "希望多组织青年科技工作者座谈。"}

    _enter_code(phone, base_url, code)
    expect(phone.locator("#survey-code")).to_contain_text("该填答码已使用，每个填答码只能使用一次。")
    _fits(phone)
    assert Response.objects.count() == 1
