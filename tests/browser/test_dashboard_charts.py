"""The national office opens its dashboard: the charts are drawn from the page's own data (no
CDN), and each switches to a table of the same numbers."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kexie.tracking.services import cycles_schedule, snapshots_refresh, task_cascade
from tests.browser.test_provincial_clerk_browses_the_tree import sign_in
from tests.plans.ledger_world import confirmed_plan
from tests.tracking.conftest import NATIONAL_TASKS_2026

pytestmark = pytest.mark.browser


def test_the_dashboard_draws_its_charts_and_shows_their_tables(page, live_server, browser_world):
    world, base_url = browser_world, live_server.url
    plan = confirmed_plan(world, clerk=world.national_clerk, organization=world.cast, text=NATIONAL_TASKS_2026)
    cycles_schedule(by=world.national_clerk, plan=plan)
    task_cascade(by=world.national_clerk, item=plan.items.get(key="1.1"), organizations=[world.prov_a, world.prov_b])
    snapshots_refresh()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    outside = []
    page.on("request", lambda request: outside.append(request.url) if not request.url.startswith(base_url) else None)
    sign_in(page, base_url, world.national_clerk.username)

    page.goto(base_url + reverse("dashboard:home"))
    expect(page.get_by_role("heading", name="中国科学技术协会")).to_be_visible()
    for part in ("counts", "lead", "level", "trend", "targets"):
        expect(page.locator(f"#chart-{part} canvas")).to_have_count(1)
    level = page.locator("#part-level")
    expect(level.locator("table")).to_be_hidden()
    level.get_by_role("button", name="表格").click()
    expect(level.locator("table")).to_be_visible()
    expect(level.locator("#chart-level")).to_be_hidden()
    expect(level.locator("table tbody tr").first).to_contain_text("全国")
    expect(level.locator("table tbody tr").nth(1)).to_contain_text("省级")
    assert errors == [] and outside == []
