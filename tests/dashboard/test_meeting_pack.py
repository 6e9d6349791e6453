"""The monthly meeting pack: the .docx and .xlsx opened again and read like a reader would."""

import datetime as dt
import io
import re
from decimal import Decimal

from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from kexie.accounts.models import DataScope, Role
from kexie.audit.models import AuditLog
from kexie.core.officialdoc import east_asian_font
from kexie.dashboard.data import (ColourCounts, Dashboard, LateRow, LevelRow, OverdueRow, TargetRow, TrendPoint,
                                  UnitRow)
from kexie.dashboard.meeting_pack import (DOCX_CONTENT_TYPE, listing, meeting_pack, meeting_pack_docx,
                                          meeting_pack_export, meeting_pack_xlsx, suggestions)
from kexie.dashboard.selectors import dashboard_for
from kexie.tracking.models import ProgressReport
from kexie.tracking.services import report_accept, report_submit
from tests.personas import make_user
from tests.tracking.conftest import cascaded, national  # noqa: F401  (fixtures)

MEETING = dt.date(2026, 5, 15)
SECTIONS = ["一、总体情况", "二、分牵头单位推进情况", "三、分层级推进情况", "四、超期任务", "五、迟报漏报情况",
            "六、指标完成情况", "七、下一步工作建议"]


def hand_built() -> Dashboard:
    """The national office's own tasks (the 全国 level) led by two departments, and 20 more red
    tasks at the levels below."""
    return Dashboard(
        organization_id=1, organization="中国科学技术协会", as_of=dt.date(2026, 5, 12),
        counts=ColourCounts(green=6, amber=3, red=23, completed=4, overdue=2),
        by_lead=[
            UnitRow(11, "科学技术普及部", ColourCounts(green=2, amber=1, red=2, completed=1, overdue=1), 52.5),
            UnitRow(12, "学会学术部", ColourCounts(green=1, amber=1, red=1, overdue=1), 40.0),
        ],
        by_level=[
            LevelRow("全国", 0, ColourCounts(green=3, amber=2, red=3, completed=1, overdue=2), 70.0, 100.0),
            LevelRow("省级", 1, ColourCounts(green=2, amber=1, red=8, completed=2), 48.3, 75.0),
            LevelRow("市级", 2, ColourCounts(green=1, red=12, completed=1), 25.0, 50.0),
        ],
        trend=[
            TrendPoint(3, "2026年3月", ColourCounts(green=8, amber=3, red=1), 30.0, 90.0, 10, 9),
            TrendPoint(4, "2026年4月", ColourCounts(green=6, amber=3, red=23), 41.7, 78.6, 14, 11),
        ],
        targets=[
            TargetRow(21, "建设科普基地", "新建全国科普教育基地100个", "个", Decimal(100), Decimal("45.00"),
                      Decimal("45.0"), "increase"),
            TargetRow(22, "开展学会评估", "完成不少于20家全国学会的综合评估", "家", Decimal(20), Decimal(20),
                      Decimal(100), "increase"),
        ],
        overdue=[
            OverdueRow(31, "中国科协2026年深化改革重点任务", "1.2", "修订科普基地管理办法", "科学技术普及部",
                       dt.date(2026, 3, 31), 40, 42),
            OverdueRow(32, "甲省科协改革任务（下达任务）", "1", "开展学会评估", "学会学术部",
                       dt.date(2026, 4, 30), 60, 12),
        ],
        late=[
            LateRow("2026年4月", "甲省科学技术协会", "建设科普基地", dt.date(2026, 5, 5),
                    dt.datetime(2026, 5, 7, 9, 30, tzinfo=dt.UTC)),
            LateRow("2026年4月", "乙省科学技术协会", "建设科普基地", dt.date(2026, 5, 5), None),
        ],
        closed_cycle_id=4, closed_cycle="2026年4月", closed_cycle_due=dt.date(2026, 5, 5),
    )


def pack_docx(dashboard: Dashboard, **kwargs) -> bytes:
    return meeting_pack_docx(meeting_pack(dashboard, meeting_date=MEETING, **kwargs))


def open_docx(data: bytes):
    return Document(io.BytesIO(data))


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text.strip()]


def body_text(document) -> str:
    return "\n".join(texts(document))


def level_one(document) -> list[str]:
    return [t for t in texts(document) if re.match(r"^[一二三四五六七八九十]+、", t)]


def level_two_under(document, heading: str) -> list[str]:
    lines = texts(document)
    start = lines.index(heading)
    found = []
    for line in lines[start + 1:]:
        if re.match(r"^[一二三四五六七八九十]+、", line):
            break
        if line.startswith("（") and re.match(r"^（[一二三四五六七八九十]+）", line):
            found.append(line)
    return found


def table_with_header(document, first: str):
    return next(t for t in document.tables if t.rows[0].cells[0].text == first)


def late_table(document):
    return next(t for t in document.tables if [c.text for c in t.rows[0].cells][:2] == ["填报周期", "报送单位"])


def table_values(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows[1:]]


def check_document(data: bytes, dashboard: Dashboard, *, title: str):
    """What every pack must show, whatever the figures: title, sections, fonts, date, figures."""
    document = open_docx(data)
    lines = texts(document)
    assert lines[0] == title
    assert level_one(document) == SECTIONS
    first = next(p for p in document.paragraphs if p.text == "一、总体情况")
    assert east_asian_font(first.runs[0]) == "黑体"
    body = next(p for p in document.paragraphs if p.text.startswith("截至"))
    assert east_asian_font(body.runs[0]) == "仿宋_GB2312"
    assert lines[-2:] == [dashboard.organization, "2026年5月15日"]
    counts = dashboard.counts
    assert (f"共{counts.total}项，其中绿灯{counts.green}项、黄灯{counts.amber}项、红灯{counts.red}项；"
            f"已办结{counts.completed}项") in body.text
    assert f"已超期{counts.overdue}项" in body.text
    assert f"截至统计日期{dashboard.as_of.year}年{dashboard.as_of.month}月{dashboard.as_of.day}日" in body.text
    by_lead = table_with_header(document, "牵头单位")
    assert [(row[0], int(row[1]), int(row[2]), int(row[3]), int(row[4])) for row in table_values(by_lead)] == [
        (row.name, row.counts.green, row.counts.amber, row.counts.red, row.counts.total) for row in dashboard.by_lead]
    return document


def test_the_docx_has_the_sections_fonts_date_and_figures_of_the_dashboard():
    dashboard = hand_built()
    title = "中国科学技术协会改革任务推进情况月度调度报告（2026年5月）"
    document = check_document(pack_docx(dashboard), dashboard, title=title)
    body = body_text(document)
    assert "办结率12.5%" in body  # 4 of 32
    assert "2026年4月填报周期任务进展报送率为78.6%" in body
    # 上热下冷: 70 → 48.3 → 25 going down.
    assert "全国平均进度70%、省级平均进度48.3%、市级平均进度25%，呈现“上热下冷”态势" in body
    levels = table_with_header(document, "层级")
    assert table_values(levels)[2] == ["市级", "1", "0", "12", "13", "1", "0", "25", "50"]
    assert table_values(table_with_header(document, "任务数")) == [["32", "6", "3", "23", "4", "2", "12.5"]]


def test_each_overdue_task_is_a_numbered_second_level_heading():
    document = open_docx(pack_docx(hand_built()))
    assert level_two_under(document, "四、超期任务") == ["（一）修订科普基地管理办法（科学技术普及部牵头）",
                                                   "（二）开展学会评估（学会学术部牵头）"]
    heading = next(p for p in document.paragraphs if p.text.startswith("（一）修订"))
    assert east_asian_font(heading.runs[0]) == "楷体_GB2312"
    assert ("所属规划：中国科协2026年深化改革重点任务，编号1.2；完成时限2026年3月31日，当前进度40%，已超期42天。"
            in body_text(document))


def test_late_and_missing_reports_and_targets_are_listed():
    document = open_docx(pack_docx(hand_built()))
    body = body_text(document)
    assert ("2026年4月填报周期（报送截止日期2026年5月5日）应报送任务进展14次，已报送11次，未报送3次，报送率78.6%。"
            "迟报1次、漏报1次，明细见下表。另有2次未报送未列入明细。") in body
    assert table_values(table_with_header(document, "填报周期"))[0] == [
        "2026年4月", "2026年5月5日", "14", "11", "3", "78.6", "1", "1"]
    late = table_values(late_table(document))
    assert late[1][1:] == ["乙省科学技术协会", "建设科普基地", "2026年5月5日", "未报送"]
    targets = table_values(table_with_header(document, "任务"))
    assert targets[0] == ["建设科普基地", "新建全国科普教育基地100个", "个", "100", "45", "45"]
    assert "纳入统计的量化指标2项，已达到目标1项，完成率不足60%的1项。" in body


def test_the_suggestions_follow_from_the_figures():
    document = open_docx(pack_docx(hand_built()))
    headings = level_two_under(document, "七、下一步工作建议")
    assert headings == ["（一）对红灯任务挂牌督办", "（二）集中清理超期任务", "（三）严肃进展报送纪律",
                        "（四）加强对下指导推动", "（五）聚焦指标短板", "（六）压茬推进黄灯任务"]
    body = body_text(document)
    # The parts add up to the whole: the units' own red tasks, then those of the levels below.
    assert "23项红灯任务中，本级任务3项（科学技术普及部2项、学会学术部1项），下级单位任务20项。" in body
    assert "对2026年4月填报周期迟报1次、未报送3次的情况予以通报" in body
    assert "加强对市级任务的指导和督促" in body


def test_a_breakdown_of_many_units_gives_the_others_as_one_figure():
    parts = [(f"第{i}部", 8 - i) for i in range(1, 8)]
    assert listing(parts) == "第1部7项、第2部6项、第3部5项、第4部4项、第5部3项，其余2个单位共3项"
    assert listing(parts[:2]) == "第1部7项、第2部6项"


def test_tasks_without_a_lead_unit_are_counted_but_no_unit_is_named_for_them():
    dashboard = Dashboard(organization_id=1, organization="中国科学技术协会", as_of=dt.date(2026, 5, 12),
                          counts=ColourCounts(red=3),
                          by_lead=[UnitRow(0, "未明确牵头单位", ColourCounts(red=1), 0.0),
                                   UnitRow(11, "科学技术普及部", ColourCounts(red=2), 5.0)])
    (heading, text), *_rest = suggestions(meeting_pack(dashboard, meeting_date=MEETING))
    assert heading == "对红灯任务挂牌督办"
    assert text.startswith("3项红灯任务均为本级任务3项（科学技术普及部2项、未明确牵头单位1项）。")
    body = body_text(open_docx(pack_docx(dashboard)))
    assert "本级任务由1个牵头单位承担，其中1个单位有红灯任务。另有1项任务未明确牵头单位" in body


def test_a_quiet_month_says_so_instead_of_inventing_problems():
    quiet = Dashboard(organization_id=1, organization="甲省科学技术协会", as_of=dt.date(2026, 5, 12),
                      counts=ColourCounts(green=2),
                      by_lead=[UnitRow(11, "甲省科协办公室", ColourCounts(green=2), 80.0)],
                      trend=[TrendPoint(4, "2026年4月", ColourCounts(green=2), 80.0, 100.0, 2, 2)],
                      closed_cycle_id=4, closed_cycle="2026年4月", closed_cycle_due=dt.date(2026, 5, 5))
    document = open_docx(pack_docx(quiet, title="甲省科协五月调度"))
    assert texts(document)[0] == "甲省科协五月调度"
    assert level_one(document) == SECTIONS
    body = body_text(document)
    assert "截至统计日期，无已超期任务。" in body
    assert "应报送任务进展2次，已报送2次，报送率100%。各单位均按时报送，无迟报漏报。" in body
    assert level_two_under(document, "七、下一步工作建议") == ["（一）保持工作节奏"]


def test_nobody_filing_is_never_called_on_time():
    """The month the filing rate was 0% and the list of missing reports is empty (its units are
    outside the reader's scope): the report says what it cannot list, not "均按时报送"."""
    silent = Dashboard(organization_id=1, organization="中国科学技术协会", as_of=dt.date(2026, 5, 12),
                       counts=ColourCounts(red=2),
                       trend=[TrendPoint(4, "2026年4月", ColourCounts(red=2), 0.0, 0.0, 2, 0)],
                       closed_cycle_id=4, closed_cycle="2026年4月", closed_cycle_due=dt.date(2026, 5, 5))
    body = body_text(open_docx(pack_docx(silent)))
    assert "2026年4月填报周期任务进展报送率为0%。" in body
    assert "应报送任务进展2次，已报送0次，未报送2次，报送率0%。另有2次未报送未列入明细。" in body
    assert "按时报送" not in body.replace("督促各单位按时、如实报送", "")
    assert "对2026年4月填报周期未报送2次的情况予以通报" in body


def test_the_charts_are_embedded_as_images():
    document = open_docx(pack_docx(hand_built()))
    images = [rel for rel in document.part.rels.values() if "image" in rel.reltype]
    assert len(images) == 2
    assert all(rel.target_part.blob.startswith(b"\x89PNG") for rel in images)
    captions = [t for t in texts(document) if t.startswith("图")]
    assert captions == ["图1 任务亮灯情况", "图2 各牵头单位任务亮灯情况"]


def sheet_rows(workbook, name) -> list[tuple]:
    sheet = workbook[name]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] in {"项目", "牵头单位", "层级", "规划", "填报周期", "任务"})
    return rows[header + 1:]


def test_the_xlsx_has_one_sheet_per_section_with_the_same_figures():
    dashboard = hand_built()
    workbook = load_workbook(io.BytesIO(meeting_pack_xlsx(meeting_pack(dashboard, meeting_date=MEETING))))
    assert workbook.sheetnames == ["总体情况", "各牵头单位进展", "分层级进展", "超期任务", "迟报漏报", "指标完成情况",
                                   "各填报周期走势"]
    assert workbook["总体情况"]["A1"].value == "中国科学技术协会改革任务推进情况月度调度报告（2026年5月）"
    overall = dict(sheet_rows(workbook, "总体情况"))
    assert (overall["任务数"], overall["绿灯"], overall["黄灯"], overall["红灯"]) == (32, 6, 3, 23)
    assert (overall["已办结"], overall["已超期"], overall["办结率（%）"]) == (4, 2, 12.5)
    assert (overall["填报周期"], overall["报送率（%）"], overall["应报数"], overall["已报数"]) == ("2026年4月", 78.6, 14, 11)
    assert (overall["统计日期"].date(), overall["会议日期"].date()) == (dt.date(2026, 5, 12), MEETING)
    assert (overall["本级红灯任务数"], overall["下级单位红灯任务数"]) == (3, 20)
    assert sheet_rows(workbook, "各牵头单位进展") == [("科学技术普及部", 2, 1, 2, 5, 1, 1, 52.5),
                                                  ("学会学术部", 1, 1, 1, 3, 0, 1, 40)]
    overdue = sheet_rows(workbook, "超期任务")
    assert [(row[2], row[4].date(), row[6]) for row in overdue] == [("修订科普基地管理办法", dt.date(2026, 3, 31), 42),
                                                                    ("开展学会评估", dt.date(2026, 4, 30), 12)]
    assert [row[-1] for row in sheet_rows(workbook, "迟报漏报")][1] == "未报送"
    assert sheet_rows(workbook, "指标完成情况")[0][3:] == (100, 45, 45)


def test_text_that_looks_like_a_formula_is_inert_in_the_xlsx():
    dashboard = hand_built()
    tricky = Dashboard(organization_id=1, organization="中国科学技术协会", as_of=dashboard.as_of,
                       counts=dashboard.counts,
                       by_lead=[UnitRow(11, "=HYPERLINK(\"http://x\")", ColourCounts(red=1), None)])
    workbook = load_workbook(io.BytesIO(meeting_pack_xlsx(meeting_pack(tricky, meeting_date=MEETING))))
    assert sheet_rows(workbook, "各牵头单位进展")[0][0] == "'=HYPERLINK(\"http://x\")"


# --- the pack of a real plan, through the service and the download URLs ----------------------

MAY_10 = dt.date(2026, 5, 10)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def reported(world, national, cascaded):
    """April reports: 甲省 on time and accepted on 10 May, 乙省 late and still waiting."""
    report = report_submit(by=world.provincial_clerk,
                           report=ProgressReport(item=cascaded.jia, organization=world.prov_a, cycle=national.april,
                                                 percent=40, narrative="已新建科普教育基地25个。"),
                           actuals={cascaded.jia_target: "25"}, now=at(dt.date(2026, 5, 3)))
    report_accept(by=world.national_clerk, report=report, today=MAY_10)
    report_submit(by=world.other_provincial_clerk,
                  report=ProgressReport(item=cascaded.yi, organization=world.prov_b, cycle=national.april, percent=15,
                                        narrative="正在遴选。"),
                  actuals={cascaded.yi_target: 10}, now=at(dt.date(2026, 5, 8)))
    return cascaded


def test_the_pack_of_a_cascaded_plan_shows_the_figures_of_the_dashboard(world, reported):
    dashboard = dashboard_for(user=world.national_clerk, organization=world.cast, today=MAY_10)
    assert dashboard.counts.total >= 3 and dashboard.by_lead and dashboard.late
    name, data = meeting_pack_export(by=world.national_clerk, organization=world.cast, fmt="docx",
                                     meeting_date=MEETING, today=MAY_10)
    title = "中国科学技术协会改革任务推进情况月度调度报告（2026年5月）"
    assert name == f"{title}.docx"
    document = check_document(data, dashboard, title=title)
    assert "截至统计日期2026年5月10日" in body_text(document)
    # 乙省 filed its April report on 8 May, after the 5 May due date.
    late = table_values(late_table(document))
    assert ["2026年4月", "乙省科学技术协会"] in [row[:2] for row in late]

    name, data = meeting_pack_export(by=world.national_clerk, organization=world.cast, fmt="xlsx", today=MAY_10)
    assert name.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(data))
    overall = dict(sheet_rows(workbook, "总体情况"))
    counts = dashboard.counts
    assert (overall["任务数"], overall["绿灯"], overall["黄灯"], overall["红灯"], overall["已超期"]) == (
        counts.total, counts.green, counts.amber, counts.red, counts.overdue)
    assert [row[0] for row in sheet_rows(workbook, "各牵头单位进展")] == [row.name for row in dashboard.by_lead]
    assert AuditLog.objects.filter(action="export", object_type="organizations.organization",
                                   object_id=str(world.cast.pk)).count() == 2


def test_the_docx_download_is_a_named_attachment_and_is_audited(world, reported, signed_in):
    client = signed_in(world.national_clerk)
    before = AuditLog.objects.filter(action="export").count()
    response = client.get(reverse("dashboard:meeting_pack_docx"), {"org": world.cast.pk, "date": "2026-05-15"})
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    assert "filename*=UTF-8''" + quote("中国科学技术协会改革任务推进情况月度调度报告（2026年5月）.docx") in \
        response["Content-Disposition"]
    document = open_docx(response.content)
    assert texts(document)[-1] == "2026年5月15日"
    assert level_one(document) == SECTIONS
    row = AuditLog.objects.filter(action="export").latest("pk")
    assert AuditLog.objects.filter(action="export").count() == before + 1
    assert (row.user_id, row.new_values["format"], row.new_values["meeting_date"]) == (
        world.national_clerk.pk, "docx", "2026-05-15")


def test_the_xlsx_download_of_the_users_own_organisation(world, reported, signed_in):
    response = signed_in(world.provincial_clerk).get(reverse("dashboard:meeting_pack_xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook["总体情况"]["A1"].value.startswith("甲省科学技术协会改革任务推进情况月度调度报告")


@pytest.mark.parametrize("org", ["other_province", "garbage"])
def test_an_organisation_outside_the_scope_is_not_found(world, reported, signed_in, org):
    value = world.prov_b.pk if org == "other_province" else "x1"
    before = AuditLog.objects.filter(action="export").count()
    response = signed_in(world.provincial_clerk).get(reverse("dashboard:meeting_pack_docx"), {"org": value})
    assert response.status_code == 404
    assert AuditLog.objects.filter(action="export").count() == before


def test_a_meeting_date_that_is_not_a_date_is_refused_with_a_message(world, reported, signed_in):
    response = signed_in(world.national_clerk).get(reverse("dashboard:meeting_pack_docx"),
                                                   {"date": "<b>5月15日</b>"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "会议日期“<b>5月15日</b>”不是有效日期，请按2026-05-15的格式填写。" == response.content.decode()


def test_the_pack_can_be_narrowed_to_a_plan_as_on_the_dashboard(world, national, reported, signed_in):
    response = signed_in(world.national_clerk).get(reverse("dashboard:meeting_pack_docx"),
                                                   {"org": world.cast.pk, "plan": national.plan.pk})
    assert response.status_code == 200
    assert f"《{national.plan.title}》及其下达任务中" in body_text(open_docx(response.content))
    assert AuditLog.objects.filter(action="export").latest("pk").new_values["plan"] == national.plan.pk


@pytest.mark.parametrize("plan", ["other_province", "garbage"])
def test_a_plan_outside_the_scope_is_not_found(world, reported, signed_in, plan):
    value = reported.yi.plan_id if plan == "other_province" else "1; drop"
    response = signed_in(world.provincial_clerk).get(reverse("dashboard:meeting_pack_xlsx"), {"plan": value})
    assert response.status_code == 404


def test_the_dashboard_page_offers_the_pack_to_whoever_may_export(world, reported, signed_in):
    page = signed_in(world.national_clerk).get(reverse("dashboard:home")).content.decode()
    assert "生成月度调度材料" in page
    assert f'action="{reverse("dashboard:meeting_pack_docx")}"' in page
    # The figures are a second button of the same form: they go with the same organisation, plan and date.
    assert f'formaction="{reverse("dashboard:meeting_pack_xlsx")}"' in page
    assert f'<input type="hidden" name="org" value="{world.cast.pk}">' in page


def test_the_dashboard_page_has_no_pack_button_without_the_export_permission(world, reported, signed_in):
    role = Role.objects.create(code="dashboard_viewer", name="仪表盘查看", data_scope=DataScope.ORG_AND_BELOW,
                               permissions=["plan.view"])
    viewer = make_user("dashboard_viewer", world.cast, [role.code])
    page = signed_in(viewer).get(reverse("dashboard:home"))
    assert page.status_code == 200
    assert "生成月度调度材料" not in page.content.decode()
