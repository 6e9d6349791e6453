"""An enterprise contact files a technical demand from its own external account, in the browser.

The contact signs in from the home page, opens 「我的需求」 from its menu, files a demand with two
milestones to its county association, and finds it in its list; the provincial clerk then finds
it among the demands of the province and accepts it, and the contact sees the new status.
"""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from kexie.demands.models import Demand, DemandStatus
from tests.personas import PASSWORD, make_external

pytestmark = pytest.mark.browser


def _zh(label) -> str:
    """The Chinese of ``label`` (a model's lazy label or a menu's English text)."""
    with translation.override("zh-hans"):
        return translation.gettext(label) if isinstance(label, str) else str(label)


def _sign_in_from_home(page, base_url, username):
    page.context.clear_cookies()
    page.goto(base_url + "/")
    page.wait_for_url(lambda url: reverse("accounts:login") in url)
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: reverse("accounts:login") not in url)


def test_an_enterprise_files_a_demand_with_two_milestones_and_a_clerk_accepts_it(page, live_server,
                                                                                  browser_world):
    world, base_url = browser_world, live_server.url
    make_external("boss@example.cn", full_name="刘洋")

    _sign_in_from_home(page, base_url, "boss@example.cn")
    page.get_by_role("link", name=_zh("My demands")).first.click()
    page.locator("#my-demand-new").click()
    form = page.locator("#my-demand-form")
    form.locator("select[name=organization]").select_option(str(world.county_a.pk))
    form.locator("input[name=enterprise_name]").fill("甲县恒通电子有限公司")
    form.locator("input[name=contact_name]").fill("刘洋")
    form.locator("input[name=contact_phone]").fill("13900000003")
    form.locator("input[name=title]").fill("电源模块散热结构优化")
    form.locator("select[name=industry]").select_option("39")
    form.locator("input[name=field]").fill("热管理")
    form.locator("textarea[name=problem]").fill("电源模块满载运行时温升过高，影响寿命。")
    form.locator("textarea[name=goal]").fill("满载温升降低15℃，体积不增加。")
    form.locator("input[name=budget]").fill("30")
    form.locator("input[name=milestone_title_1]").fill("仿真方案")
    form.locator("input[name=milestone_due_1]").fill("2027-02-28")
    form.locator("input[name=milestone_title_2]").fill("样机测试")
    form.locator("input[name=milestone_due_2]").fill("2027-05-31")
    form.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("电源模块散热结构优化")
    expect(page.locator("#milestones")).to_contain_text("仿真方案")
    expect(page.locator("#milestones")).to_contain_text("样机测试")
    demand = Demand.objects.get(title="电源模块散热结构优化")
    assert demand.organization == world.county_a and demand.milestones.count() == 2

    page.get_by_role("link", name=_zh("My demands")).first.click()
    row = page.locator("#my-demands tr", has_text="电源模块散热结构优化")
    expect(row).to_contain_text(_zh(DemandStatus.SUBMITTED.label))
    expect(row).to_contain_text("甲县科学技术协会")

    # The provincial clerk finds it among the province's demands and accepts it.
    _sign_in_from_home(page, base_url, world.provincial_clerk.username)
    page.get_by_role("link", name=_zh("Technical demands")).first.click()
    page.get_by_role("link", name="电源模块散热结构优化").click()
    expect(page.locator("#milestones")).to_contain_text("样机测试")
    page.locator("#demand-accept").click()
    expect(page.locator("#demand-status")).to_have_text(_zh(DemandStatus.ACCEPTED.label))
    demand.refresh_from_db()
    assert demand.status == DemandStatus.ACCEPTED

    _sign_in_from_home(page, base_url, "boss@example.cn")
    page.get_by_role("link", name=_zh("My demands")).first.click()
    expect(page.locator("#my-demands tr", has_text="电源模块散热结构优化")).to_contain_text(
        _zh(DemandStatus.ACCEPTED.label))
