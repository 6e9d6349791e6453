"""The full cycle of issue 4, end to end on the services a user's clicks and the daily jobs call:
a national plan imported, one task handed down to 甲省 and 乙省, reminders before the filing due
date, urging notices after it and their escalation to a unit's head (mail captured), one province
reporting on time and one late, review with a return, a supervision notice answered and closed,
a deferral approved — with the dashboard's numbers and colours checked at every step — and the
monthly meeting pack generated and read back.

Dates: the plan runs through 2026; the handed-down task is due 2026-09-30 (272 days from
1 January), 学会部's own task has no deadline of its own, so the plan's end (364 days). The April
cycle's reports are due on 5 May; reminders start 3 days before, urging the day after, and the
escalation 3 days after the first urging notice.
"""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from kexie.accounts.models import Position
from kexie.dashboard.meeting_pack import meeting_pack, meeting_pack_docx, meeting_pack_xlsx
from kexie.dashboard.selectors import dashboard_for
from kexie.notifications.models import Kind, Notification, Urging
from kexie.notifications.reminders import reminders_send
from kexie.notifications.services import mail_deliver
from kexie.tracking.models import NoticeStatus, ProgressReport, ReportStatus
from kexie.tracking.selectors import filing_rates
from kexie.tracking.services import (
    deferral_approve,
    deferral_request,
    report_accept,
    report_return,
    report_submit,
    snapshots_refresh,
)
from kexie.tracking.supervision import supervision_close, supervision_issue, supervision_reply
from tests.personas import make_user

MAY = {day: dt.date(2026, 5, day) for day in range(1, 32)}


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def colours(world, today):
    """(green, amber, red) of the national dashboard, and the same per level."""
    board = dashboard_for(user=world.national_clerk, organization=world.cast, today=today)
    c = board.counts
    levels = {row.level: (row.counts.green, row.counts.amber, row.counts.red) for row in board.by_level}
    return (c.green, c.amber, c.red), levels


def delivered() -> list[tuple[str, str]]:
    """Run the mail job as the worker would; the (recipient, subject) pairs it sent, sorted."""
    mail.outbox.clear()
    mail_deliver()
    return sorted((message.to[0], message.subject) for message in mail.outbox)


def docx_file(text: str) -> SimpleUploadedFile:
    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile("整改情况说明.docx", buffer.getvalue())


@pytest.fixture
def people(world):
    world.provincial_clerk.email = "jia.clerk@example.cn"
    world.other_provincial_clerk.email = "yi.clerk@example.cn"
    world.national_clerk.email = "reform.office@example.cn"
    for user in (world.provincial_clerk, world.other_provincial_clerk, world.national_clerk):
        user.save(update_fields=["email"])
    # 学会部 has nobody in the application: its contact address gets the mail.
    world.society_dept.contact_email = "xuehui@example.cn"
    world.society_dept.save(update_fields=["contact_email"])
    # 乙省's head (单位负责人) receives the escalated urging notice.
    head = make_user("yi_head", world.prov_b, [], full_name="乙省科协负责人", email="yi.head@example.cn")
    Position.objects.create(user=head, organization=world.prov_b, title="党组书记", is_head=True)
    return head


def test_a_full_reporting_cycle_from_the_national_plan_to_the_meeting_pack(world, national, cascaded, people):
    april = national.april
    # 1 April, after the hand-down and the daily refresh: the three copies of the 科普基地 task are
    # 33% through their time with nothing done (red); 学会部's task is 25% through (amber).
    snapshots_refresh(today=dt.date(2026, 4, 1))
    assert colours(world, dt.date(2026, 4, 1)) == ((0, 1, 3), {"全国": (0, 1, 1), "省级": (0, 0, 2)})

    # 2 May, three days before the due date: a reminder to each unit that has not filed.
    run = reminders_send(today=MAY[2])
    assert (run.reminded, run.urged, run.escalated) == (3, 0, 0)
    sent = delivered()
    assert [to for to, _subject in sent] == ["jia.clerk@example.cn", "xuehui@example.cn", "yi.clerk@example.cn"]
    assert all(subject.startswith("提醒") and "2026年4月" in subject for _to, subject in sent)
    assert Notification.objects.filter(kind=Kind.REMINDER).count() == 2  # the two clerks' inboxes

    # 3 May: 甲省 files on time. 6 May: the two units still silent are urged (催办), once only.
    jia_report = report_submit(
        by=world.provincial_clerk,
        report=ProgressReport(item=cascaded.jia, organization=world.prov_a, cycle=april, percent=40,
                              narrative="已新建科普教育基地25个。"),
        actuals={cascaded.jia_target: "25"}, now=at(MAY[3]))
    run = reminders_send(today=MAY[6])
    assert (run.reminded, run.urged, run.escalated) == (0, 2, 0)
    assert [to for to, subject in delivered() if subject.startswith("催办")] == ["xuehui@example.cn",
                                                                                "yi.clerk@example.cn"]
    assert reminders_send(today=MAY[6]).urged == 0
    assert delivered() == []

    # 9 May, three days on and still nothing: the urging goes to the unit's head.
    run = reminders_send(today=MAY[9])
    assert (run.urged, run.escalated) == (0, 2)
    escalated = delivered()
    assert [to for to, _subject in escalated] == ["xuehui@example.cn", "yi.head@example.cn"]
    assert all("负责人" in subject for _to, subject in escalated)
    assert Urging.objects.filter(cycle=april, organization=world.prov_b).count() == 2

    # 10 May: 乙省 files, late. The national office accepts 甲省 (129 of 272 days: 47% expected,
    # 40% done: green; the national task rolls up to 20%: red) and returns 乙省's report.
    yi_report = report_submit(
        by=world.other_provincial_clerk,
        report=ProgressReport(item=cascaded.yi, organization=world.prov_b, cycle=april, percent=15,
                              narrative="正在遴选。"),
        actuals={cascaded.yi_target: "10"}, now=at(MAY[10]))
    assert (jia_report.late, yi_report.late) == (False, True)
    report_accept(by=world.national_clerk, report=jia_report, today=MAY[10])
    report_return(by=world.national_clerk, report=yi_report, reason="请补充基地名单。")
    assert colours(world, MAY[10]) == ((1, 1, 2), {"全国": (0, 1, 1), "省级": (1, 0, 1)})
    # The reform office was told of 乙省's filing, and 乙省 of the return.
    assert delivered() == [
        ("reform.office@example.cn", "待审核：乙省科学技术协会报送的“建设科普基地”2026年4月进度报告"),
        ("yi.clerk@example.cn", "报告退回：“建设科普基地”2026年4月")]

    # 11 May: 乙省 files again (still late); 12 May: accepted (20% of an expected 48%: red) and the
    # national task rolls up to 30% (amber). The daily refresh turns 学会部's silent task red (36%).
    yi_report.percent, yi_report.narrative = 20, "已确定基地名单，新建10个。"
    yi_report = report_submit(by=world.other_provincial_clerk, report=yi_report,
                              actuals={cascaded.yi_target: "10"}, now=at(MAY[11]))
    report_accept(by=world.national_clerk, report=yi_report, today=MAY[12])
    snapshots_refresh(today=MAY[12])
    assert colours(world, MAY[12]) == ((1, 1, 2), {"全国": (0, 1, 1), "省级": (1, 0, 1)})
    board = dashboard_for(user=world.national_clerk, organization=world.cast, today=MAY[12])
    assert {(row.name, row.counts.amber, row.counts.red) for row in board.by_lead} == {
        ("科学技术普及部", 1, 0), ("学会学术部", 0, 1)}
    assert [(row.target, row.actual, row.attainment) for row in board.targets
            if row.item_id == national.task.pk] == [(national.target.text, 35, 35)]
    rates = filing_rates(cycles=april)
    assert (rates["expected"], rates["filed"], rates["late"], rates["rate"]) == (3, 2, 1, 66.7)

    # The reform office issues supervision notice 督办〔2026〕1号 to 乙省 on its red task; 乙省
    # replies with evidence before the deadline; the office closes it.
    notice = supervision_issue(by=world.national_clerk, item=cascaded.yi, organization=world.prov_b,
                               reason="进度滞后于序时进度28个百分点，请说明原因并提出整改措施。",
                               reply_due=MAY[19], today=MAY[12])
    assert notice.number == "督办〔2026〕1号"
    assert ("yi.clerk@example.cn", "督办〔2026〕1号：“建设科普基地”") in delivered()
    supervision_reply(by=world.other_provincial_clerk, notice=notice, text="已制定整改方案，6月底前补齐进度。",
                      evidence=[docx_file("整改方案")], now=at(MAY[15]))
    supervision_close(by=world.national_clerk, notice=notice)
    notice.refresh_from_db()
    assert (notice.status, notice.replied_late, notice.evidence.count()) == (NoticeStatus.CLOSED, False, 1)

    # 乙省 asks for two more months; approved. Against the new deadline (131 of 333 days: 39%)
    # its 20% is amber; the original deadline stays as the baseline.
    deferral = deferral_request(by=world.other_provincial_clerk, item=cascaded.yi, organization=world.prov_b,
                                requested_due=dt.date(2026, 11, 30), reason="基地建设受施工进度影响。")
    deferral_approve(by=world.national_clerk, deferral=deferral, today=MAY[12])
    assert colours(world, MAY[12]) == ((1, 2, 1), {"全国": (0, 1, 1), "省级": (1, 1, 0)})
    yi = cascaded.yi.snapshot
    yi.refresh_from_db()
    assert (yi.baseline_due, yi.due, yi.slips) == (dt.date(2026, 9, 30), dt.date(2026, 11, 30), 1)
    assert ProgressReport.objects.filter(status=ReportStatus.ACCEPTED).count() == 2

    # 15 May: the meeting pack for the leading group (领导小组) meeting.
    snapshots_refresh(today=MAY[15])
    board = dashboard_for(user=world.national_clerk, organization=world.cast, today=MAY[15], closed_before=MAY[15])
    assert (board.counts.green, board.counts.amber, board.counts.red, board.counts.overdue) == (1, 2, 1, 0)
    pack = meeting_pack(board, meeting_date=MAY[15])
    document = Document(io.BytesIO(meeting_pack_docx(pack)))
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    texts = [p.text for p in paragraphs]
    level_one = [t for t in texts if t[:2] in {"一、", "二、", "三、", "四、", "五、", "六、", "七、"}]
    assert [t[:2] for t in level_one] == ["一、", "二、", "三、", "四、", "五、", "六、", "七、"]
    assert level_one[0] == "一、总体情况"
    assert "2026年5月15日" in texts
    overall = next(t for t in texts if "绿灯" in t)
    assert all(figure in overall for figure in ("共4项", "绿灯1项", "黄灯2项", "红灯1项", "已超期0项",
                                                "2026年4月填报周期任务进展报送率为66.7%"))
    assert any("应报送任务进展3次，已报送2次，未报送1次，报送率66.7%。迟报1次、漏报1次，明细见下表。" in t for t in texts)
    heading = next(p for p in paragraphs if p.text == "一、总体情况")
    body = next(p for p in paragraphs if p.text == overall)
    assert _east_asian_font(heading) == "黑体"
    assert _east_asian_font(body) == "仿宋_GB2312"
    assert any(shape for shape in document.inline_shapes)  # the chart images
    tables_text = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "科学技术普及部" in tables_text and "学会学术部" in tables_text
    workbook = load_workbook(io.BytesIO(meeting_pack_xlsx(pack)))
    cells = [str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "科学技术普及部" in cells and "学会学术部" in cells


def _east_asian_font(paragraph) -> str | None:
    """The eastAsia font a paragraph's first run shows in: its own, else its style's."""
    from docx.oxml.ns import qn

    for element in (paragraph.runs[0]._element.rPr if paragraph.runs else None, paragraph.style.element.rPr):
        fonts = element.find(qn("w:rFonts")) if element is not None else None
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return fonts.get(qn("w:eastAsia"))
    return None
