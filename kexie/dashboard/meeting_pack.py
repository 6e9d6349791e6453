"""The monthly meeting pack (月度调度材料): the dashboard of an organisation written up as a report
in official-document form (.docx) and the same figures as a workbook (.xlsx).

The report is a Chinese official document and is written in Chinese whatever the interface
language: its headings, sentences and signature follow the conventions of the reform offices
that table it at their monthly meeting. Everything it says comes from one
:class:`~kexie.dashboard.data.Dashboard`, so the figures are those of the dashboard page.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kexie.audit.services import audit_record
from kexie.core.excel import add_sheet, fill_sheet, workbook_bytes
from kexie.core.officialdoc import OfficialDocument, chinese_date

from . import charts
from .data import ColourCounts, Dashboard, LevelRow

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Beyond this many overdue tasks the section lists them in a table instead of one heading each.
OVERDUE_AS_HEADINGS = 15
# A level this many points behind the top level on average is "colder" (上热下冷).
COLD_GAP = 10
LOW_ATTAINMENT = Decimal(60)
NOT_AVAILABLE = "—"


# --- figures in words ------------------------------------------------------------------------

def percent_text(value) -> str:
    """55.5 -> "55.5%", 20.0 -> "20%", None -> "—"."""
    if value is None:
        return NOT_AVAILABLE
    number = round(float(value), 1)
    return f"{number:g}%"


def completion_rate(counts: ColourCounts) -> float | None:
    return round(100 * counts.completed / counts.total, 1) if counts.total else None


def latest_filing(dashboard: Dashboard):
    """The latest trend point that has a filing rate, or None."""
    return next((point for point in reversed(dashboard.trend) if point.filing_rate is not None), None)


def colder_levels(levels: Sequence[LevelRow]) -> list[LevelRow]:
    """The levels whose average progress is non-increasing going down and ends at least
    ``COLD_GAP`` points below the top level: [top, …, coldest], or [] when there is no such
    pattern."""
    rows = sorted((row for row in levels if row.average_percent is not None and row.counts.total),
                  key=lambda row: row.depth)
    if len(rows) < 2:
        return []
    averages = [row.average_percent for row in rows]
    falling = all(a >= b for a, b in zip(averages, averages[1:]))
    return rows if falling and averages[0] - averages[-1] >= COLD_GAP else []


def _counts_cells(counts: ColourCounts) -> list[int]:
    return [counts.total, counts.green, counts.amber, counts.red, counts.completed, counts.overdue]


COUNT_HEADERS = ["任务数", "绿灯", "黄灯", "红灯", "已办结", "逾期"]


def _percent_cell(value):
    return None if value is None else round(float(value), 1)


def number_text(value) -> str:
    """Decimal("60.00") -> "60", Decimal("12.50") -> "12.5"."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _local(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


def _day(value: dt.date | None) -> str:
    return chinese_date(value) if value else NOT_AVAILABLE


def default_title(dashboard: Dashboard, meeting_date: dt.date) -> str:
    return f"{dashboard.organization}改革任务推进情况月度调度报告（{meeting_date.year}年{meeting_date.month}月）"


def suggestions(dashboard: Dashboard) -> list[tuple[str, str]]:
    """(heading, text) of the 下一步工作建议, derived from the figures."""
    counts = dashboard.counts
    result = []
    if counts.red:
        # Units named with their own red tasks; the rest of the red tasks belong to levels below.
        red_units = sorted((row for row in dashboard.by_lead if row.counts.red and row.organization_id),
                           key=lambda row: -row.counts.red)
        named = "、".join(f"{row.name}{row.counts.red}项" for row in red_units[:5])
        result.append(("对红灯任务挂牌督办",
                       f"对{counts.red}项红灯任务的牵头单位下发督办单" + (f"（其中{named}）" if named else "")
                       + "，限期说明滞后原因、报送整改措施，下次调度会专题听取整改情况汇报。"))
    if counts.overdue:
        result.append(("集中清理逾期任务",
                       f"对{counts.overdue}项逾期任务逐项明确完成时限，确需调整的按程序申请延期，"
                       f"不能按期完成的由牵头单位作出书面说明。"))
    late = sum(1 for row in dashboard.late if row.submitted_at is not None)
    missed = sum(1 for row in dashboard.late if row.submitted_at is None)
    if late or missed:
        result.append(("严肃进展报送纪律",
                       f"对迟报{late}次、漏报{missed}次的单位予以通报，督促按时、如实报送任务进展。"))
    cold = colder_levels(dashboard.by_level)
    if cold:
        result.append(("加强对下指导推动",
                       f"针对“上热下冷”问题，加强对{cold[-1].level}任务的指导和督促，推动改革任务层层落实。"))
    low = [row for row in dashboard.targets if row.attainment is not None and row.attainment < LOW_ATTAINMENT]
    if low:
        result.append(("聚焦指标短板",
                       f"{len(low)}项指标完成率不足{LOW_ATTAINMENT}%，请相关牵头单位加快推进，确保年度指标按期完成。"))
    if counts.amber:
        result.append(("压茬推进黄灯任务", f"对{counts.amber}项黄灯任务加强跟踪调度，防止转为红灯。"))
    if not result:
        result.append(("保持工作节奏", "各项任务总体推进顺利，请各单位保持工作节奏，按期完成年度任务。"))
    return result


# --- the document ----------------------------------------------------------------------------

def _overall_sentence(dashboard: Dashboard) -> str:
    counts = dashboard.counts
    scope = f"《{dashboard.plan}》及其下达任务中，" if dashboard.plan else ""
    text = (f"截至{chinese_date(dashboard.as_of)}，{scope}纳入调度的改革任务共{counts.total}项，"
            f"其中绿灯{counts.green}项、黄灯{counts.amber}项、红灯{counts.red}项；"
            f"已办结{counts.completed}项，办结率{percent_text(completion_rate(counts))}；"
            f"逾期{counts.overdue}项。")
    point = latest_filing(dashboard)
    if point is not None:
        text += f"{point.label}进展报送率为{percent_text(point.filing_rate)}。"
    return text


def _by_lead_sentence(dashboard: Dashboard) -> str:
    # A row with no organisation gathers the tasks whose lead unit was never mapped.
    units = [row for row in dashboard.by_lead if row.organization_id]
    behind = [row for row in units if row.counts.red]
    text = f"本期共有{len(units)}个牵头单位承担调度任务，"
    text += f"其中{len(behind)}个单位有红灯任务。" if behind else "均无红灯任务。"
    unassigned = sum(row.counts.total for row in dashboard.by_lead if not row.organization_id)
    if unassigned:
        text += f"另有{unassigned}项任务未明确牵头单位，请尽快明确责任单位。"
    return text


def _chart(doc: OfficialDocument, chart: charts.Chart, caption: str) -> None:
    doc.image(chart.png, caption=caption)
    if chart.legend:
        doc.paragraph("图中编号：" + "；".join(chart.legend) + "。")


def meeting_pack_docx(dashboard: Dashboard, *, title: str | None = None, meeting_date: dt.date) -> bytes:
    """The report as a .docx in official-document form."""
    doc = OfficialDocument()
    doc.title(title or default_title(dashboard, meeting_date))
    counts = dashboard.counts

    doc.heading(1, "总体情况")
    doc.paragraph(_overall_sentence(dashboard))
    if counts.total:
        _chart(doc, charts.colour_pie(counts), "任务亮灯情况")

    doc.heading(1, "分牵头单位推进情况")
    if dashboard.by_lead:
        doc.paragraph(_by_lead_sentence(dashboard))
        doc.table(["牵头单位", *COUNT_HEADERS, "平均进度"],
                  [[row.name, *_counts_cells(row.counts), percent_text(row.average_percent)]
                   for row in dashboard.by_lead])
        _chart(doc, charts.lead_bars(dashboard.by_lead), "各牵头单位任务亮灯情况")
    else:
        doc.paragraph("本期无牵头单位任务数据。")

    doc.heading(1, "分层级推进情况")
    if dashboard.by_level:
        cold = colder_levels(dashboard.by_level)
        if cold:
            doc.paragraph("从层级看，" + "、".join(f"{row.level}平均进度{percent_text(row.average_percent)}"
                                                  for row in cold)
                          + "，呈现“上热下冷”态势，越往基层推进越慢。")
        else:
            doc.paragraph("从层级看，各层级推进较为均衡，未出现“上热下冷”现象。")
        doc.table(["层级", *COUNT_HEADERS, "平均进度", "报送率"],
                  [[row.level, *_counts_cells(row.counts), percent_text(row.average_percent),
                    percent_text(row.filing_rate)] for row in dashboard.by_level])
    else:
        doc.paragraph("本期无分层级数据。")

    doc.heading(1, "逾期任务")
    overdue = dashboard.overdue
    if not overdue:
        doc.paragraph("截至目前，无逾期任务。")
    else:
        doc.paragraph(f"截至{chinese_date(dashboard.as_of)}，共有{len(overdue)}项任务超过完成时限仍未办结。")
        if len(overdue) <= OVERDUE_AS_HEADINGS:
            for row in overdue:
                doc.heading(2, f"{row.task}（{row.lead}牵头）")
                doc.paragraph(f"所属计划：{row.plan}，任务编号{row.key}；完成时限{_day(row.due)}，"
                              f"当前进度{row.percent}%，已逾期{row.days_overdue}天。")
        else:
            doc.table(["任务", "牵头单位", "完成时限", "进度", "逾期天数"],
                      [[row.task, row.lead, _day(row.due), f"{row.percent}%", row.days_overdue]
                       for row in overdue])

    doc.heading(1, "迟报漏报情况")
    late = [row for row in dashboard.late if row.submitted_at is not None]
    missed = [row for row in dashboard.late if row.submitted_at is None]
    if not dashboard.late:
        doc.paragraph("各单位均按时报送任务进展，无迟报漏报。")
    else:
        doc.paragraph(f"迟报{len(late)}次，漏报{len(missed)}次。")
        doc.table(["周期", "报送单位", "任务", "报送截止", "实际报送"],
                  [[row.cycle, row.organization, row.task, _day(row.due_on),
                    _local(row.submitted_at) or "未报送"] for row in dashboard.late])

    doc.heading(1, "指标完成情况")
    if not dashboard.targets:
        doc.paragraph("本期无量化指标数据。")
    else:
        reached = [row for row in dashboard.targets if row.attainment is not None and row.attainment >= 100]
        doc.paragraph(f"纳入统计的量化指标{len(dashboard.targets)}项，已达到目标{len(reached)}项。")
        doc.table(["任务", "指标", "实际值", "完成率"],
                  [[row.task, row.target, "" if row.actual is None else number_text(row.actual) + row.unit,
                    percent_text(row.attainment)] for row in dashboard.targets])

    doc.heading(1, "下一步工作建议")
    for heading, text in suggestions(dashboard):
        doc.heading(2, heading)
        doc.paragraph(text)

    doc.signature(dashboard.organization, meeting_date)
    return doc.to_bytes()


# --- the workbook ----------------------------------------------------------------------------

def meeting_pack_xlsx(dashboard: Dashboard) -> bytes:
    """The figures of the report, one sheet per section, numbers as numbers."""
    counts = dashboard.counts
    point = latest_filing(dashboard)
    workbook = Workbook()
    fill_sheet(workbook.active, sheet_name="总体情况", title=f"{dashboard.organization}改革任务推进情况",
               headers=["项目", "数值"], rows=[
                   ["统计日期", dashboard.as_of.isoformat()],
                   ["统计范围", dashboard.plan or "全部规划"],
                   ["任务总数", counts.total], ["绿灯", counts.green], ["黄灯", counts.amber], ["红灯", counts.red],
                   ["已办结", counts.completed], ["办结率（%）", completion_rate(counts)], ["逾期", counts.overdue],
                   ["报送周期", point.label if point else ""],
                   ["报送率（%）", _percent_cell(point.filing_rate) if point else None],
               ])
    add_sheet(workbook, sheet_name="分牵头单位", headers=["牵头单位", *COUNT_HEADERS, "平均进度（%）"],
              rows=[[row.name, *_counts_cells(row.counts), _percent_cell(row.average_percent)]
                    for row in dashboard.by_lead])
    add_sheet(workbook, sheet_name="分层级", headers=["层级", *COUNT_HEADERS, "平均进度（%）", "报送率（%）"],
              rows=[[row.level, *_counts_cells(row.counts), _percent_cell(row.average_percent),
                     _percent_cell(row.filing_rate)] for row in dashboard.by_level])
    add_sheet(workbook, sheet_name="逾期任务",
              headers=["计划", "编号", "任务", "牵头单位", "完成时限", "进度（%）", "逾期天数"],
              rows=[[row.plan, row.key, row.task, row.lead, row.due, row.percent, row.days_overdue]
                    for row in dashboard.overdue])
    add_sheet(workbook, sheet_name="迟报漏报", headers=["周期", "报送单位", "任务", "报送截止", "实际报送", "情况"],
              rows=[[row.cycle, row.organization, row.task, row.due_on, _local(row.submitted_at),
                     "迟报" if row.submitted_at else "漏报"] for row in dashboard.late])
    add_sheet(workbook, sheet_name="指标完成情况",
              headers=["任务", "指标", "计量单位", "目标值", "实际值", "完成率（%）"],
              rows=[[row.task, row.target, row.unit, row.goal, row.actual, _percent_cell(row.attainment)]
                    for row in dashboard.targets])
    add_sheet(workbook, sheet_name="趋势", headers=["周期", *COUNT_HEADERS, "平均进度（%）", "报送率（%）"],
              rows=[[row.label, *_counts_cells(row.counts), _percent_cell(row.average_percent),
                     _percent_cell(row.filing_rate)] for row in dashboard.trend])
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
    return workbook_bytes(workbook)


# --- the service -----------------------------------------------------------------------------

FORMATS = ("docx", "xlsx")


def meeting_pack_export(*, by, organization, fmt: str, meeting_date: dt.date | None = None,
                        today: dt.date | None = None, plan=None) -> tuple[str, bytes]:
    """Build the meeting pack of ``organization`` (already checked to be in ``by``'s scope),
    optionally narrowed to ``plan`` (a plan or its id; 404 outside the scope), as .docx or .xlsx
    and audit it. Returns (file name, content)."""
    from .selectors import dashboard_for

    if not by.has_code("plan.export"):
        raise PermissionDenied
    if fmt not in FORMATS:
        raise ValueError(f"unknown meeting pack format: {fmt}")
    meeting_date = meeting_date or timezone.localdate()
    dashboard = dashboard_for(user=by, organization=organization, today=today, plan=plan)
    title = default_title(dashboard, meeting_date)
    content = (meeting_pack_docx(dashboard, title=title, meeting_date=meeting_date) if fmt == "docx"
               else meeting_pack_xlsx(dashboard))
    with transaction.atomic():
        audit_record(action="export", by=by, obj=organization, object_repr=title[:300],
                     new={"format": fmt, "as_of": dashboard.as_of.isoformat(), "plan": dashboard.plan_id,
                          "meeting_date": meeting_date.isoformat(), "tasks": dashboard.counts.total},
                     detail=_("Generated the monthly meeting pack."))
    return f"{title}.{fmt}", content
