"""The organisation picker in a real browser: typing narrows a list by name or pinyin initials,
the ledger's unit filter moves to the match, and the cascade form hands a task to every province
with one tick."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kexie.tracking.models import Cascade
from tests.browser.test_provincial_clerk_browses_the_tree import sign_in
from tests.plans.ledger_world import confirmed_plan
from tests.tracking.conftest import NATIONAL_TASKS_2026

pytestmark = pytest.mark.browser


def test_typing_narrows_the_unit_list_and_one_tick_hands_a_task_to_every_province(page, live_server, browser_world):
    world, base_url = browser_world, live_server.url
    plan = confirmed_plan(world, clerk=world.national_clerk, organization=world.cast, text=NATIONAL_TASKS_2026)
    task = plan.items.get(key="1.1")
    sign_in(page, base_url, world.national_clerk.username)

    # The ledger's unit filter: pinyin initials of 甲县科协 pick it out of the whole tree.
    page.goto(base_url + reverse("ledger:all"))
    search = page.locator("select[name=unit]").locator("xpath=preceding-sibling::input[@type='search']")
    expect(search).to_have_attribute("placeholder", "搜索：名称、简称或拼音首字母")
    search.fill("jxkx")
    expect(page.locator("select[name=unit]")).to_have_value(str(world.county_a.pk))
    visible = page.locator("select[name=unit] option:not([hidden])")
    expect(visible).to_have_text(["全部单位", "甲省科协 / 甲市科协 / 甲县科学技术协会"])

    # The cascade form: grouped by kind; typing hides the other rows; one box ticks every province.
    page.goto(base_url + reverse("tracking:cascade", args=[task.pk]))
    page.locator("#cascade-units").locator("xpath=preceding-sibling::input[@type='search']").fill("乙省")
    expect(page.locator(f'tr[data-organization="{world.prov_a.pk}"]')).to_be_hidden()
    expect(page.locator(f'tr[data-organization="{world.prov_b.pk}"]')).to_be_visible()
    expect(page.locator(f'tr[data-organization="{world.office.pk}"]')).to_be_hidden()
    page.get_by_label("全部省级科协（2）").check()
    expect(page.locator(f"#cascade-org-{world.prov_a.pk}")).to_be_checked()
    expect(page.locator(f"#cascade-org-{world.prov_b.pk}")).to_be_checked()
    expect(page.locator(f"#cascade-org-{world.office.pk}")).not_to_be_checked()
    page.locator("#cascade-submit").click()
    page.wait_for_url(base_url + reverse("tracking:task", args=[task.pk]))
    assert {c.organization for c in Cascade.objects.filter(source=task)} == {world.prov_a, world.prov_b}
