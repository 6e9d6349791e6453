"""Each persona's day, from the home page (the workbench), at desktop size.

One small network with work waiting for everyone: 甲省's plan dated around the real clock with two
tasks 甲县 leads (one filed and waiting for review, one with a deferral request and a supervision
notice), an annual-report round open for 中国测试学会, an evaluation assigned to the expert, an
account without a role and a failed sign-in. Each test starts on the home page, checks the counts
it shows against the database, follows the tile to the page that does the job, does it, and comes
back to see the count move. (The filing, reply and approval jobs at phone size are in test_phone.)
"""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from kexie.accounts.models import LoginLog, Role, User
from kexie.audit.models import AuditLog
from kexie.dashboard.selectors import counts
from kexie.evaluation.models import Evaluation, EvaluationStatus
from kexie.evaluation.selectors import reviews_to_do
from kexie.evaluation.services import evaluate_all, reviewer_assign
from kexie.plans.models import ItemStatus
from kexie.societies.models import REPORT_FIELDS, AnnualReport, ReportYear, SocietyProfile
from kexie.societies.selectors import annual_reports_to_file
from kexie.tracking.models import DeferralStatus, NoticeStatus, ProgressReport, ReportStatus
from kexie.tracking.selectors import FILING_TODO, deferrals_to_decide, filing_rows, own_units, reviewable
from kexie.tracking.services import cycles_schedule, deferral_request, report_submit, snapshots_refresh
from kexie.tracking.supervision import supervision_issue
from tests.evaluation.evaluation_world import accept_report, build_rubric
from tests.personas import make_user, sign_in
from tests.plans.ledger_world import confirmed_plan

pytestmark = pytest.mark.browser


def plan_text(issued: dt.date, due: dt.date) -> str:
    return f"""关于印发《甲省科协基层科普重点任务》的通知

甲县科协：
现将《甲省科协基层科普重点任务》印发给你们，请认真贯彻落实。

甲省科学技术协会
{issued.year}年{issued.month}月{issued.day}日

甲省科协基层科普重点任务

一、提升基层科普能力
1.建设社区科普站。新建社区科普站10个，{due.year}年{due.month}月{due.day}日前完成。（甲县科协牵头）
2.开展科普进社区活动。举办科普讲座20场，{due.year}年{due.month}月{due.day}日前完成。（甲县科协牵头）
"""


@pytest.fixture
def day(browser_world):
    world = browser_world
    today = timezone.localdate()
    issued, due = today - dt.timedelta(days=60), today + dt.timedelta(days=60)
    plan = confirmed_plan(world, text=plan_text(issued, due))
    cycles_schedule(by=world.provincial_clerk, plan=plan, start=issued, end=due, frequency="monthly")
    stations, lectures = plan.items.get(key="1.1"), plan.items.get(key="1.2")
    snapshots_refresh(plans=[plan.pk])
    cycle = plan.reporting_cycles.filter(opens_on__lte=today).order_by("-opens_on").first()
    report = report_submit(by=world.county_clerk, report=ProgressReport(
        item=stations, organization=world.county_a, cycle=cycle, progress=ItemStatus.IN_PROGRESS, percent=40,
        narrative="已建成4个社区科普站。"))
    deferral = deferral_request(by=world.county_clerk, item=lectures, organization=world.county_a,
                                requested_due=due + dt.timedelta(days=30), reason="讲座场地改造推迟，申请延期一个月。")
    notice = supervision_issue(by=world.provincial_clerk, item=lectures, organization=world.county_a,
                               reason="科普讲座进度滞后，请说明原因并提出整改措施。",
                               reply_due=today + dt.timedelta(days=7), today=today)
    # The society office's side: a round open for 中国测试学会, an evaluation waiting for the expert.
    testing = SocietyProfile.objects.create(organization=world.society, discipline="engineering",
                                            individual_members=800)
    ReportYear.objects.create(organization=world.cast, year=today.year, due_on=today + dt.timedelta(days=60))
    last_year = ReportYear.objects.create(organization=world.cast, year=today.year - 1,
                                          due_on=today - dt.timedelta(days=200), closed=True)
    accept_report(testing, last_year, council_meetings=1, academic_events=7)
    rubric = build_rubric(world.national_clerk, world.cast, year=today.year - 1)
    evaluate_all(by=world.national_clerk, rubric=rubric)
    Evaluation.objects.filter(rubric=rubric).update(status=EvaluationStatus.SUBMITTED)
    expert = make_user("expert", world.info_center, ["evaluation_expert"], full_name="钱评审")
    reviewer_assign(by=world.national_clerk, evaluations=list(Evaluation.objects.filter(rubric=rubric)),
                    reviewer=expert)
    # A mistyped password in the morning.
    Client().post(reverse("accounts:login"), {"username": "county_clerk", "password": "wrong-password"})
    return world, {"report": report, "deferral": deferral, "notice": notice, "lectures": lectures,
                   "expert": expert}


def enter(page, live_server, user):
    """Open the home page signed in as ``user`` (second factor given): the administrators have one."""
    client = Client()
    sign_in(client, user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])
    page.goto(live_server.url + reverse("home"))
    expect(page.locator("#todo")).to_be_visible()


def tiles(page) -> dict[str, int]:
    return {item.get_attribute("data-todo"): int(item.locator(".todo-count").inner_text())
            for item in page.locator("#todo li").all()}


def open_tile(page, key: str):
    page.locator(f"#todo li[data-todo='{key}'] a").click()
    page.wait_for_load_state()


def go_home(page, live_server):
    page.goto(live_server.url + reverse("home"))


def test_the_county_clerk_files_a_report_and_replies_to_a_notice(page, live_server, day):
    world, work = day
    enter(page, live_server, world.county_clerk)
    todo = tiles(page)
    expected = [r for r in filing_rows(units=own_units(world.county_clerk), today=timezone.localdate())
                if r["status"] in FILING_TODO]
    assert todo["to_file"] == len(expected) >= 1 and todo["replies_due"] == 1

    open_tile(page, "to_file")
    rows = page.locator("#filing-list tbody tr.filing-to_file, #filing-list tbody tr.filing-missing, "
                        "#filing-list tbody tr.filing-returned")
    expect(rows).to_have_count(todo["to_file"])
    row = page.locator(f"#filing-list tr.filing-to_file[data-item='{work['lectures'].pk}']").first
    row.locator("a.btn").click()
    form = page.locator("#report-form")
    form.locator("select[name=progress]").select_option(value=ItemStatus.IN_PROGRESS)
    form.locator("input[name=percent]").fill("30")
    form.locator("textarea[name=narrative]").fill("已举办科普讲座6场。")
    form.locator("#report-submit").click()
    page.wait_for_url(lambda url: "/reports/" in url)
    expect(page.locator("#report-status")).to_have_text("已提交")
    go_home(page, live_server)
    assert tiles(page)["to_file"] == todo["to_file"] - 1

    open_tile(page, "replies_due")
    page.locator("#notice-list").get_by_role("link", name=work["notice"].number).click()
    page.get_by_role("link", name="回复", exact=True).click()
    page.locator("#reply-form textarea[name=text]").fill("已调整讲座安排，月底前补齐。")
    page.locator("#reply-form").get_by_role("button", name="提交回复").click()
    expect(page.locator("#notice-reply")).to_contain_text("已调整讲座安排")
    work["notice"].refresh_from_db()
    assert work["notice"].status == NoticeStatus.REPLIED
    go_home(page, live_server)
    assert tiles(page)["replies_due"] == 0


def test_the_provincial_clerk_reviews_a_report_and_decides_a_deferral(page, live_server, day):
    world, work = day
    enter(page, live_server, world.provincial_clerk)
    todo = tiles(page)
    clerk = world.provincial_clerk
    assert todo["to_review"] == reviewable(clerk).count() == 1
    assert todo["deferrals_to_decide"] == deferrals_to_decide(clerk).count() == 1

    open_tile(page, "to_review")
    page.locator(f"#review-list tr[data-report='{work['report'].pk}'] a.btn").click()
    expect(page.locator("#report-percent")).to_have_text("40%")
    page.locator("#report-accept").click()
    expect(page.locator(".msg")).to_contain_text("审核通过")
    work["report"].refresh_from_db()
    assert work["report"].status == ReportStatus.ACCEPTED

    go_home(page, live_server)
    assert tiles(page)["to_review"] == 0
    open_tile(page, "deferrals_to_decide")
    deferral = work["deferral"]
    page.locator(f"#approve-note-{deferral.pk}").fill("同意延期。")
    page.locator(f"#approve-{deferral.pk}").get_by_role("button").click()
    expect(page.locator(".msg")).to_be_visible()
    deferral.refresh_from_db()
    assert deferral.status == DeferralStatus.APPROVED
    go_home(page, live_server)
    assert tiles(page)["deferrals_to_decide"] == 0


def test_the_national_clerk_reads_the_dashboard_figures_of_the_database(page, live_server, day):
    world, _work = day
    enter(page, live_server, world.national_clerk)
    todo = tiles(page)
    clerk = world.national_clerk
    assert todo["to_review"] == reviewable(clerk).count()
    lights = counts(user=clerk, organization=clerk.organization_id)
    assert todo["overdue"] == lights.overdue
    card = page.locator("#home-task-counts .card-num").inner_text()
    assert [int(n) for n in re.findall(r"\d+", card)] == [lights.green, lights.amber, lights.red]
    page.locator("nav.sidemenu").get_by_role("link", name="仪表盘", exact=True).click()
    shown = {colour: int(page.locator(f"#counts .card-{colour} .card-num").inner_text())
             for colour in ("green", "amber", "red")}
    assert shown == {"green": lights.green, "amber": lights.amber, "red": lights.red}
    expect(page.locator("#statistics-date")).to_be_visible()


def test_the_society_secretary_files_the_annual_report(page, live_server, day):
    world, _work = day
    enter(page, live_server, world.society_secretary)
    todo = tiles(page)
    assert todo["annual_reports_to_file"] == len(annual_reports_to_file(world.society_secretary)) == 1
    open_tile(page, "annual_reports_to_file")
    page.locator("table a.btn").first.click()
    form = page.locator("#report-form")
    for name in REPORT_FIELDS:
        form.locator(f"[name={name}]").fill("3")
    form.locator("[name=narrative]").fill("本年度举办学术活动3次。")
    form.get_by_role("button", name="提交", exact=True).click()
    page.wait_for_load_state()
    report = AnnualReport.objects.get(society_id=world.society.pk, year=timezone.localdate().year)
    assert report.status == "submitted"
    go_home(page, live_server)
    assert tiles(page)["annual_reports_to_file"] == 0


def test_the_expert_scores_the_evaluation_assigned_to_them(page, live_server, day):
    world, work = day
    expert = work["expert"]
    enter(page, live_server, expert)
    todo = tiles(page)
    assert todo["evaluations_to_review"] == reviews_to_do(expert).count() == 1
    assert "to_file" not in todo and "to_review" not in todo
    open_tile(page, "evaluations_to_review")
    page.locator("#to-review a").first.click()
    form = page.locator("#review-form")
    for field in form.locator("input[name^=points_]").all():
        field.fill("1")
    form.locator("#review-submit").click()
    page.wait_for_load_state()
    assert Evaluation.objects.filter(status=EvaluationStatus.REVIEWED).count() == 1
    go_home(page, live_server)
    assert tiles(page)["evaluations_to_review"] == 0


def test_the_system_administrator_gives_an_account_its_role(page, live_server, day):
    world, _work = day
    enter(page, live_server, world.system_admin)
    todo = tiles(page)
    assert todo["users_without_role"] == User.objects.filter(is_active=True, roles__isnull=True).count() == 1
    open_tile(page, "users_without_role")
    page.get_by_role("link", name=world.no_role_user.username, exact=True).click()
    page.get_by_role("link", name="编辑", exact=True).click()
    viewer = Role.objects.get(code="viewer")
    page.locator(f"input[name=roles][value='{viewer.pk}']").check()
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert list(world.no_role_user.roles.values_list("code", flat=True)) == ["viewer"]
    go_home(page, live_server)
    assert tiles(page)["users_without_role"] == 0


def test_the_security_administrator_sees_the_failed_sign_in(page, live_server, day):
    world, _work = day
    enter(page, live_server, world.security_admin)
    since = timezone.now() - dt.timedelta(hours=24)
    failed = LoginLog.objects.filter(success=False, time__gte=since).count()
    assert tiles(page)["failed_logins"] == failed >= 1
    open_tile(page, "failed_logins")
    expect(page.locator("table").first).to_contain_text("county_clerk")


def test_the_audit_administrator_lists_and_exports_the_refused_operations(page, live_server, day):
    world, _work = day
    enter(page, live_server, world.audit_admin)
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    refused = AuditLog.objects.filter(success=False, time__gte=start).count()
    assert tiles(page)["audit_failures"] == refused >= 1
    open_tile(page, "audit_failures")
    expect(page.locator("#audit-list tbody tr.row-error")).to_have_count(refused)
    with page.expect_download() as download:
        page.locator("#audit-export").click()
    assert download.value.suggested_filename.endswith(".xlsx")
