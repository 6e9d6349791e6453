"""The national office picks the meeting date on its dashboard and downloads the meeting pack:
the report and its workbook are both for that date."""

import io
from pathlib import Path

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from kexie.tracking.services import cycles_schedule, snapshots_refresh
from tests.browser.test_provincial_clerk_browses_the_tree import sign_in
from tests.plans.ledger_world import confirmed_plan
from tests.tracking.conftest import NATIONAL_TASKS_2026

pytestmark = pytest.mark.browser


def test_the_report_and_its_workbook_are_for_the_meeting_date_chosen_on_the_dashboard(page, live_server,
                                                                                      browser_world):
    world, base_url = browser_world, live_server.url
    plan = confirmed_plan(world, clerk=world.national_clerk, organization=world.cast, text=NATIONAL_TASKS_2026)
    cycles_schedule(by=world.national_clerk, plan=plan)
    snapshots_refresh()
    sign_in(page, base_url, world.national_clerk.username)
    page.goto(base_url + reverse("dashboard:home") + f"?plan={plan.pk}")
    page.fill("#meeting-date", "2026-07-15")

    with page.expect_download() as download:
        page.get_by_role("button", name="调度数据表（.xlsx）").click()
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    overview = {row[0]: row[1] for row in workbook["总体情况"].iter_rows(min_row=3, values_only=True)}
    # June's reports were due on 5 July, before the meeting: the last cycle closed by then.
    assert (overview["会议日期"].date().isoformat(), overview["填报周期"]) == ("2026-07-15", "2026年6月")
    assert overview["统计范围"] == plan.title
    assert download.value.suggested_filename.endswith("（2026年7月）.xlsx")

    with page.expect_download() as download:
        page.get_by_role("button", name="生成月度调度材料").click()
    lines = [p.text for p in Document(download.value.path()).paragraphs if p.text.strip()]
    assert lines[-1] == "2026年7月15日"
    assert any("2026年6月填报周期" in line for line in lines)
