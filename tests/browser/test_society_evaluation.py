"""Issue 6 end to end in the browser: 中国测试学会's secretary submits the 2025 annual report, the
national reform office accepts it and evaluates every society with the frozen rubric, the
secretary self-scores with a Word file as evidence, the office assigns an expert who reviews and
scores it, the office finalises the year and publishes the leaderboard, which shows the society
with its rank and grade.
"""

import datetime as dt
import io

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kexie.evaluation.models import Evaluation, EvaluationStatus, Rubric
from kexie.societies.models import REPORT_FIELDS, AnnualReport, ReportYear, SocietyProfile
from tests.browser.test_county_reports_province_reviews import sign_out
from tests.browser.test_provincial_clerk_browses_the_tree import sign_in
from tests.evaluation.evaluation_world import build_rubric
from tests.personas import make_user

pytestmark = pytest.mark.browser

REPORT = {"academic_events": "7", "council_meetings": "1", "supervisory_meetings": "1", "income": "120.5",
          "expenditure": "100"}


@pytest.fixture
def evaluation_world(browser_world):
    world = browser_world
    SocietyProfile.objects.create(organization=world.society, discipline="engineering", individual_members=800)
    ReportYear.objects.create(organization=world.cast, year=2025, due_on=dt.date.today() + dt.timedelta(days=60))
    rubric = build_rubric(world.national_clerk, world.cast)
    expert = make_user("expert", world.cast, ["evaluation_expert"], full_name="评审专家")
    return world, rubric, expert


def docx_file(tmp_path):
    from docx import Document

    document = Document()
    document.add_paragraph("本年度完成章程修订和秘书处改革，建立会员服务平台。")
    path = tmp_path / "改革成效说明.docx"
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_a_report_is_scored_and_the_society_appears_on_the_leaderboard(page, live_server, evaluation_world,
                                                                       tmp_path):
    world, rubric, expert = evaluation_world
    base = live_server.url

    # The secretary fills in and submits the 2025 annual report.
    sign_in(page, base, world.society_secretary.username)
    page.goto(base + reverse("societies:report_form", args=[world.society.pk, 2025]))
    form = page.locator("#report-form")
    for name in REPORT_FIELDS:
        form.locator(f"[name={name}]").fill(REPORT.get(name, "0"))
    form.locator("[name=narrative]").fill("本年度举办学术活动7次，完成理事会换届筹备。")
    with page.expect_navigation():
        form.get_by_role("button", name="提交", exact=True).click()
    report = AnnualReport.objects.get(society_id=world.society.pk, year=2025)
    assert report.status == "submitted"
    sign_out(page)

    # The national office accepts it and evaluates every society with the frozen rubric.
    sign_in(page, base, world.national_clerk.username)
    page.goto(base + reverse("societies:report_detail", args=[report.pk]))
    with page.expect_navigation():
        page.get_by_role("button", name="采纳").click()
    assert AnnualReport.objects.get(pk=report.pk).status == "accepted"
    page.goto(base + reverse("evaluation:rubric", args=[rubric.pk]))
    page.locator("#rubric-evaluate").click()
    expect(page.locator(".msg-success")).to_contain_text("已计算")
    sign_out(page)

    # The secretary claims the judged indicator with a Word file as evidence and submits.
    sign_in(page, base, world.society_secretary.username)
    page.locator("nav.sidemenu").get_by_role("link", name="学会评价").click()
    page.get_by_role("link", name="中国测试学会").click()
    expect(page.locator("#score-events")).to_contain_text("3.50")
    page.locator("#go-self-score").click()
    reform = rubric.indicators.get(code="reform")
    page.locator(f"input[name=claim_{reform.pk}]").fill("8")
    page.locator(f"input[name=evidence_{reform.pk}]").set_input_files(str(docx_file(tmp_path)))
    page.locator("#self-score-submit").click()
    expect(page.locator("#evaluation-status")).to_have_text("已提交")
    expect(page.locator("#evaluation-total")).to_have_text("62.86")
    sign_out(page)

    # The office assigns the expert to review it; the scoring is the expert's, not the office's.
    sign_in(page, base, world.national_clerk.username)
    page.goto(base + reverse("evaluation:rubric", args=[rubric.pk]))
    page.locator("#rubric-reviewers").click()
    expect(page.locator("#progress-unassigned")).to_have_text("1")
    page.locator("#assignments tr", has_text="中国测试学会").locator("input[name=evaluation]").check()
    page.locator("#assign-form select[name=reviewer]").select_option(label="评审专家（中国科学技术协会）")
    page.locator("#assign").click()
    expect(page.locator(".msg-success")).to_contain_text("评审专家")
    expect(page.locator("#assignments tr", has_text="中国测试学会")).to_contain_text("评审专家")
    page.goto(base + reverse("evaluation:index"))
    expect(page.locator("#to-review")).to_have_count(0)
    sign_out(page)

    # The expert scores it from the review queue: a score above the maximum is refused first.
    sign_in(page, base, expert.username)
    page.locator("nav.sidemenu").get_by_role("link", name="学会评价").click()
    page.locator("#to-review").get_by_role("link", name="中国测试学会").click()
    page.locator(f"input[name=points_{reform.pk}]").fill("12")
    page.locator("#review-submit").click()
    expect(page.locator(".msg-error")).to_contain_text("指标“改革成效”：12分超出0至满分10的范围。")
    page.locator(f"input[name=points_{reform.pk}]").fill("10")
    page.locator(f"input[name=comment_{reform.pk}]").fill("改革成效显著")
    page.locator("#review-submit").click()
    expect(page.locator("#evaluation-status")).to_have_text("已评审")
    expect(page.locator("#score-reform")).to_contain_text("改革成效显著")
    expect(page.locator("#evaluation-total")).to_have_text("66.86")
    sign_out(page)

    # The office finalises the year and publishes the leaderboard.
    sign_in(page, base, world.national_clerk.username)
    page.goto(base + reverse("evaluation:rubric", args=[rubric.pk]))
    page.locator("#rubric-finalise").click()
    expect(page.locator(".msg-success")).to_contain_text("已确定")
    page.locator("#rubric-publish").click()
    expect(page.locator("h1")).to_have_text("2025年度学会创新工作排行榜")
    row = page.locator("#leaderboard-overall tbody tr").first
    expect(row).to_contain_text("中国测试学会")
    expect(row).to_contain_text("66.86")
    expect(row).to_contain_text("合格")
    expect(row).to_contain_text("新上榜")
    evaluation = Evaluation.objects.get(society_id=world.society.pk, rubric=Rubric.objects.get(pk=rubric.pk))
    assert (evaluation.status, evaluation.rank) == (EvaluationStatus.FINAL, 1)
