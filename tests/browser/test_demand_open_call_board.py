"""The open-call board in the browser: a call the province published is found on the board by a
search, a team applies to it from an external account (a missing plan is refused next to its
field first), and the clerk sees the application on the demand's page, checks it and chooses the
team; the chosen team then reports its milestone from its own page (我的揭榜), and the clerk's
acceptance shows there."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from kexie.demands import services
from kexie.demands.models import Application, ApplicationStatus, DemandMilestone, DemandStatus, MilestoneStatus
from tests.personas import PASSWORD, make_external

pytestmark = pytest.mark.browser


def _zh(label) -> str:
    """The Chinese of ``label`` (a model's lazy label or a menu's English text)."""
    with translation.override("zh-hans"):
        return translation.gettext(label) if isinstance(label, str) else str(label)


def _sign_in(page, base_url, username):
    page.context.clear_cookies()
    page.goto(base_url + reverse("accounts:login"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: reverse("accounts:login") not in url)


def _published(world, title, problem):
    demand = services.demand_create(by=world.county_clerk, organization=world.county_a, data={
        "enterprise_name": "甲县绿源农业科技有限公司", "title": title, "industry": "03", "field": "生物发酵",
        "problem": problem, "goal": "发酵周期缩短到7天。", "budget": 120},
        milestones=[{"title": "菌剂筛选", "due": dt.date(2027, 3, 1)}])
    services.demand_accept(by=world.provincial_clerk, demand=demand)
    return services.demand_publish(by=world.provincial_clerk, demand=demand,
                                   apply_until=dt.date.today() + dt.timedelta(days=30), reward="揭榜成功奖励50万元")


def test_a_team_finds_a_call_on_the_board_applies_is_chosen_and_reports_its_milestone(page, live_server, browser_world):
    world, base_url = browser_world, live_server.url
    call = _published(world, "秸秆低成本饲料化发酵工艺", "玉米秸秆饲料化成本高，发酵周期长。")
    _published(world, "果蔬冷链保鲜包装", "运输损耗高。")
    make_external("team@example.cn", full_name="钱立")

    _sign_in(page, base_url, "team@example.cn")
    page.locator(f"#sidemenu a[href='{reverse('demands:board')}']").click()
    expect(page.locator("#calls")).to_contain_text("果蔬冷链保鲜包装")
    page.locator("#board-search input[name=q]").fill("秸秆")
    page.locator("#board-search button[type=submit]").click()
    expect(page.locator("#calls")).not_to_contain_text("果蔬冷链保鲜包装")
    expect(page.locator(f"#call-{call.pk}")).to_contain_text("揭榜成功奖励50万元")
    page.get_by_role("link", name=call.title).click()
    page.locator("#apply-link").click()
    form = page.locator("#apply-form")
    form.locator("input[name=team_name]").fill("甲省农科院发酵团队")
    form.locator("input[name=lead_name]").fill("钱立")
    form.locator("input[name=lead_unit]").fill("甲省农业科学院")
    form.locator("input[name=quoted_amount]").fill("95")
    form.locator("textarea[name=proposal]").evaluate("e => e.removeAttribute('required')")
    form.locator("button[type=submit]").click()
    expect(page.locator("#apply-form .has-error")).to_contain_text("该字段是必填项")
    assert not Application.objects.exists()
    page.locator("#apply-form textarea[name=proposal]").fill("以复合菌剂分段发酵，三个月完成中试。")
    page.locator("#apply-form button[type=submit]").click()
    expect(page.locator("#my-applications")).to_contain_text("甲省农科院发酵团队")

    _sign_in(page, base_url, world.provincial_clerk.username)
    page.goto(base_url + reverse("demands:list") + "?status=published")
    page.get_by_role("link", name=call.title).click()
    row = page.locator("#applications tr", has_text="甲省农科院发酵团队")
    expect(row).to_contain_text("钱立")
    row.locator("button[name=eligible][value='1']").click()
    expect(page.locator("#applications tr", has_text="甲省农科院发酵团队")).to_contain_text(
        _zh(ApplicationStatus.ELIGIBLE.label))
    assert Application.objects.get().status == ApplicationStatus.ELIGIBLE

    page.locator("#choose-form input[name=amount]").fill("90")
    page.locator("#choose-form button[type=submit]").click()
    expect(page.locator("#demand-status")).to_have_text(_zh(DemandStatus.CONTRACTED.label))

    _sign_in(page, base_url, "team@example.cn")
    page.locator(f"#sidemenu a[href='{reverse('demands:my_applications')}']").click()
    milestone = DemandMilestone.objects.get(demand=call)
    row = page.locator(f"#team-milestone-{milestone.pk}")
    expect(row).to_contain_text("菌剂筛选")
    row.locator("textarea[name=report]").fill("完成三株高产菌筛选。")
    row.locator("button[type=submit]").click()
    expect(page.locator(f"#team-milestone-{milestone.pk} .milestone-status")).to_have_text(
        _zh(MilestoneStatus.REPORTED.label))

    _sign_in(page, base_url, world.provincial_clerk.username)
    page.goto(base_url + reverse("demands:detail", args=[call.pk]))
    accept = page.locator(f"#milestone-{milestone.pk}")
    expect(accept).to_contain_text("完成三株高产菌筛选。")
    accept.locator("button[name=accept][value='1']").click()
    expect(page.locator("#demand-status")).to_have_text(_zh(DemandStatus.COMPLETED.label))

    _sign_in(page, base_url, "team@example.cn")
    page.goto(base_url + reverse("demands:my_applications"))
    expect(page.locator(f"#team-milestone-{milestone.pk} .milestone-status")).to_have_text(
        _zh(MilestoneStatus.ACCEPTED.label))
    assert DemandMilestone.objects.get(pk=milestone.pk).status == MilestoneStatus.ACCEPTED
