"""A provincial clerk aligns 甲省's plan to the national plan on the screen: chooses the upper
plan, marks one item 无对应 and picks another's counterpart through the search box (htmx, the
row is replaced in place), accepts all strong suggestions in one click, then reads the coverage
report and its three states."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kexie.plans.models import AlignmentStatus, ItemAlignment
from kexie.textsim import STRONG_THRESHOLD
from tests.browser.test_provincial_clerk_browses_the_tree import sign_in
from tests.plans.ledger_world import confirmed_plan
from tests.plans.sample import KEY_TASKS_2026
from tests.plans.test_alignment import NATIONAL_2026

pytestmark = pytest.mark.browser


def test_a_clerk_decides_counterparts_on_the_alignment_screen(page, live_server, browser_world):
    world, base_url = browser_world, live_server.url
    upper = confirmed_plan(world, clerk=world.national_clerk, organization=world.cast, text=NATIONAL_2026)
    lower = confirmed_plan(world, clerk=world.provincial_clerk, organization=world.prov_a, text=KEY_TASKS_2026)
    sign_in(page, base_url, world.provincial_clerk.username)
    page.goto(base_url + reverse("plans:detail", args=[lower.pk]))
    page.get_by_role("link", name="与上级规划对标").click()
    page.locator("#upper-plan").select_option(str(upper.pk))
    page.get_by_role("button", name="计算对标建议").click()
    expect(page.locator("#alignment-items")).to_contain_text("推进学会综合评估")

    rows = {r.item.key: r for r in ItemAlignment.objects.filter(alignment__plan=lower).select_related("item")}
    party = page.locator(f"#row-{rows['1.2'].pk}")
    with page.expect_response(lambda r: "/alignment/items/" in r.url and r.request.method == "POST"):
        party.get_by_role("button", name="无对应").click()
    expect(page.locator(f"#row-{rows['1.2'].pk} .tag-alignment-none")).to_have_text("无对应")

    dormant = page.locator(f"#row-{rows['2.2'].pk}")
    dormant.get_by_role("searchbox").fill("国际")
    result = page.locator(f"#search-{rows['2.2'].pk} li", has_text="拓展国际科技组织合作")
    expect(result).to_be_visible()
    with page.expect_response(lambda r: "/alignment/items/" in r.url and r.request.method == "POST"):
        result.get_by_role("button", name="选择").click()
    expect(page.locator(f"#row-{rows['2.2'].pk} .tag-alignment-changed")).to_be_visible()

    decided = {r.item.key: r for r in ItemAlignment.objects.filter(alignment__plan=lower).select_related(
        "item", "upper_item")}
    assert decided["1.2"].status == AlignmentStatus.NONE
    assert decided["2.2"].status == AlignmentStatus.CHANGED and decided["2.2"].upper_item.title == "拓展国际科技组织合作"

    # 接受全部强对应: the strong first suggestions are accepted, the rest listed to be confirmed.
    strong = ItemAlignment.objects.filter(alignment__plan=lower, status=AlignmentStatus.SUGGESTED, rank=1,
                                          score__gte=STRONG_THRESHOLD).count()
    assert strong > 0
    page.get_by_role("button", name=re.compile("接受全部强对应")).click()
    expect(page.locator("body")).to_contain_text(f"已接受{strong}项强对应")
    expect(page.locator("#alignment-filters .btn-primary")).to_contain_text("待确认")
    assert ItemAlignment.objects.filter(alignment__plan=lower, status=AlignmentStatus.ACCEPTED).count() == strong

    page.get_by_role("link", name="覆盖情况报告").click()
    expect(page.locator("#coverage-summary")).to_contain_text("上级任务")
    expect(page.locator("#coverage-counts")).to_contain_text("部分对应，待确认")
    expect(page.locator("#coverage-uncovered")).to_contain_text("未覆盖")
    expect(page.locator("#coverage-unaligned")).to_contain_text("推进学会党建")
