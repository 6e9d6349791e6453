"""The monthly meeting pack (月度调度材料): the dashboard of an organisation written up as a report
in official-document form (.docx) and the same figures as a workbook (.xlsx).

The report is a Chinese official document and is written in Chinese whatever the interface
language: its headings, sentences and signature follow the conventions of the reform offices
that table it at their monthly meeting. Its labels are the interface's own (the dashboard's
catalogue, in Chinese), so that the report says what the screens say.

One set of figures feeds everything: :func:`meeting_pack` turns one
:class:`~kexie.dashboard.data.Dashboard` (the dashboard page's numbers) and the meeting date
into a :class:`MeetingPack` — the dashboard's tables, the reporting period's filing and the
figures derived from them — and both writers, the sentences and the tables, read only that.

The reporting period is the last cycle whose filing closed before the meeting (its due date
before the meeting date, and passed by the statistics date, ``Dashboard.as_of``): the filing rate,
the late and missing reports and the end of the trend are those of that cycle.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from kexie.audit.services import audit_record
from kexie.core.excel import add_sheet, fill_sheet, workbook_bytes
from kexie.core.officialdoc import OfficialDocument, chinese_date

from . import charts, tables
from .data import Dashboard, LateRow, LevelRow, OverdueRow, UnitRow

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The report is Chinese whatever the interface language.
LANGUAGE = "zh-hans"
# Beyond this many overdue tasks the section lists them in a table instead of one heading each.
OVERDUE_AS_HEADINGS = 15
# A level this many points behind the top level on average is "colder" (上热下冷).
COLD_GAP = 10
LOW_ATTAINMENT = Decimal(60)
# A breakdown names this many units, then gives the others as one figure.
NAMED_AT_MOST = 5
NOT_AVAILABLE = "—"
# The columns of the overdue table the report prints (task, lead unit, deadline, progress, days
# overdue): the plan and number are in each task's heading, or in the workbook.
OVERDUE_COLUMNS = (2, 3, 4, 5, 6)


# --- figures in words ------------------------------------------------------------------------

def percent_text(value) -> str:
    """55.5 -> "55.5%", 20.0 -> "20%", None -> "—"."""
    if value is None:
        return NOT_AVAILABLE
    number = round(float(value), 1)
    return f"{number:g}%"


def number_text(value) -> str:
    """Decimal("60.00") -> "60", Decimal("12.50") -> "12.5"."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def listing(parts: Sequence[tuple[str, int]], *, most: int = NAMED_AT_MOST) -> str:
    """"科普部2项、学会学术部1项": every part named, or the first ``most`` and the others summed
    ("…、E部1项，其余3个单位共4项"), so that the parts always add up to what they break down."""
    named = "、".join(f"{name}{n}项" for name, n in parts[:most])
    rest = parts[most:]
    if rest:
        named += f"，其余{len(rest)}个单位共{sum(n for _name, n in rest)}项"
    return named


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


def default_title(dashboard: Dashboard, meeting_date: dt.date) -> str:
    return f"{dashboard.organization}改革任务推进情况月度调度报告（{meeting_date.year}年{meeting_date.month}月）"


def pack_filename(pack: "MeetingPack", fmt: str) -> str:
    """The download's file name: the report's title and the format's extension."""
    return f"{pack.title}.{fmt}"


# --- the figures -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Filing:
    """Filing in the reporting period (the pack's cycle): reports expected and filed, counted by
    the dashboard's tallies, and the late and missing reports it lists."""

    cycle: str  # e.g. "2026年6月"
    due: dt.date  # the cycle's filing due date
    expected: int
    filed: int
    rate: float | None  # percent, None when nothing was expected
    late: list[LateRow] = field(default_factory=list)  # filed after the due date
    missing: list[LateRow] = field(default_factory=list)  # not filed

    @property
    def unfiled(self) -> int:
        return max(self.expected - self.filed, 0)

    @property
    def all_on_time(self) -> bool:
        """Every report expected was filed, none of them late."""
        return bool(self.expected) and not self.unfiled and not self.late and not self.missing


def _filing(dashboard: Dashboard) -> Filing | None:
    if dashboard.closed_cycle_id is None:
        return None
    point = next((p for p in dashboard.trend if p.cycle_id == dashboard.closed_cycle_id), None)
    expected, filed = (point.expected_reports, point.filed_reports) if point else (0, 0)
    return Filing(cycle=dashboard.closed_cycle, due=dashboard.closed_cycle_due, expected=expected, filed=filed,
                  rate=point.filing_rate if point and expected else None,
                  late=[row for row in dashboard.late if row.submitted_at is not None],
                  missing=[row for row in dashboard.late if row.submitted_at is None])


@dataclass(frozen=True)
class MeetingPack:
    """Everything the report and its workbook say, computed once from one dashboard: its tables
    (labelled as on the screens) and the figures the sentences give."""

    dashboard: Dashboard
    meeting_date: dt.date
    title: str
    filing: Filing | None
    tables: dict[str, tables.Table]
    counts_headers: list[str]  # the overall table's: tasks, the colours, completed, overdue
    completion_rate: float | None
    units: list[UnitRow]  # the lead units of the organisation's own tasks
    unassigned: int  # own tasks without a lead unit
    red_units: list[UnitRow]  # lead units with red tasks, most first
    red_unassigned: int  # own red tasks without a lead unit
    red_below: int  # red tasks of the units below the organisation
    cold: list[LevelRow]
    targets_reached: int
    targets_low: int

    @property
    def red_own(self) -> int:
        return sum(row.counts.red for row in self.red_units) + self.red_unassigned

    def overview(self) -> list[tuple[str, object]]:
        """(label, value) of every figure the report states, as the workbook's first sheet has them."""
        d, counts, filing = self.dashboard, self.dashboard.counts, self.filing
        tasks, green, amber, red, completed, overdue = self.counts_headers
        return [
            ("统计日期", d.as_of), ("会议日期", self.meeting_date), ("统计范围", d.plan or "全部规划"),
            (tasks, counts.total), (green, counts.green), (amber, counts.amber), (red, counts.red),
            (completed, counts.completed), ("办结率（%）", self.completion_rate), (overdue, counts.overdue),
            ("牵头单位数", len(self.units)), ("有红灯任务的牵头单位数", len(self.red_units)),
            ("未明确牵头单位的任务数", self.unassigned),
            ("本级红灯任务数", self.red_own), ("下级单位红灯任务数", self.red_below),
            ("填报周期", filing.cycle if filing else ""), ("报送截止日期", filing.due if filing else None),
            ("应报数", filing.expected if filing else None), ("已报数", filing.filed if filing else None),
            ("未报送数", filing.unfiled if filing else None), ("报送率（%）", filing.rate if filing else None),
            ("迟报数", len(filing.late) if filing else None), ("漏报数", len(filing.missing) if filing else None),
            ("量化指标数", len(d.targets)), ("已达到目标的指标数", self.targets_reached),
            (f"完成率不足{LOW_ATTAINMENT}%的指标数", self.targets_low),
        ]


def meeting_pack(dashboard: Dashboard, *, meeting_date: dt.date, title: str | None = None) -> MeetingPack:
    """The figures of the meeting pack of ``dashboard`` (computed with ``closed_before`` the
    meeting date, so that its closed cycle is the pack's reporting period)."""
    with translation.override(LANGUAGE):
        parts = {part: tables.table(dashboard, part) for part in tables.PARTS}
        counts_headers = [pgettext("dashboard", label) for label in
                          ("Tasks", "Green", "Amber", "Red", "Completed", "Overdue")]
    counts = dashboard.counts
    units = [row for row in dashboard.by_lead if row.organization_id]
    unassigned = [row for row in dashboard.by_lead if not row.organization_id]
    red_units = sorted((row for row in units if row.counts.red), key=lambda row: -row.counts.red)
    red_unassigned = sum(row.counts.red for row in unassigned)
    red_own = sum(row.counts.red for row in red_units) + red_unassigned
    attained = [row.attainment for row in dashboard.targets if row.attainment is not None]
    return MeetingPack(
        dashboard=dashboard, meeting_date=meeting_date, title=title or default_title(dashboard, meeting_date),
        filing=_filing(dashboard), tables=parts, counts_headers=counts_headers,
        completion_rate=_rate(counts.completed, counts.total), units=units,
        unassigned=sum(row.counts.total for row in unassigned), red_units=red_units, red_unassigned=red_unassigned,
        red_below=max(counts.red - red_own, 0), cold=colder_levels(dashboard.by_level),
        targets_reached=sum(1 for value in attained if value >= 100),
        targets_low=sum(1 for value in attained if value < LOW_ATTAINMENT))


# --- the sentences ---------------------------------------------------------------------------

def _day(value: dt.date | None) -> str:
    return chinese_date(value) if value else NOT_AVAILABLE


def _period(filing: Filing) -> str:
    return f"{filing.cycle}填报周期（报送截止日期{chinese_date(filing.due)}）"


def _overall_sentence(pack: MeetingPack) -> str:
    d, counts = pack.dashboard, pack.dashboard.counts
    scope = f"《{d.plan}》及其下达任务中，" if d.plan else ""
    text = (f"截至统计日期{chinese_date(d.as_of)}，{scope}纳入调度的改革任务共{counts.total}项，"
            f"其中绿灯{counts.green}项、黄灯{counts.amber}项、红灯{counts.red}项；"
            f"已办结{counts.completed}项，办结率{percent_text(pack.completion_rate)}；"
            f"已超期{counts.overdue}项。")
    filing = pack.filing
    if filing is None:
        text += "会议日期前尚无报送已截止的填报周期。"
    elif not filing.expected:
        text += f"{filing.cycle}填报周期暂无报送统计。"
    else:
        text += f"{filing.cycle}填报周期任务进展报送率为{percent_text(filing.rate)}。"
    return text


def _red_sentence(pack: MeetingPack) -> str:
    """Where the red tasks are: the organisation's own by lead unit, and those of the units below;
    the parts add up to the whole."""
    red = pack.dashboard.counts.red
    own = [(row.name, row.counts.red) for row in pack.red_units]
    if pack.red_unassigned:
        own.append(("未明确牵头单位", pack.red_unassigned))
    own_text = f"本级任务{pack.red_own}项（{listing(own)}）" if own else ""
    if own and not pack.red_below:
        return f"{red}项红灯任务均为{own_text}"
    if not own:
        return f"{red}项红灯任务均为下级单位任务"
    return f"{red}项红灯任务中，{own_text}，下级单位任务{pack.red_below}项"


def _by_lead_sentence(pack: MeetingPack) -> str:
    text = f"本级任务由{len(pack.units)}个牵头单位承担，"
    text += f"其中{len(pack.red_units)}个单位有红灯任务。" if pack.red_units else "均无红灯任务。"
    if pack.unassigned:
        text += f"另有{pack.unassigned}项任务未明确牵头单位，请尽快明确责任单位。"
    return text


def _filing_sentence(filing: Filing | None) -> str:
    """What the filing of the reporting period was, chosen from its figures: "on time" only when
    every report expected was filed and none late."""
    if filing is None:
        return "会议日期前尚无报送已截止的填报周期。"
    if not filing.expected:
        return f"{_period(filing)}暂无报送统计。"
    text = f"{_period(filing)}应报送任务进展{filing.expected}次，已报送{filing.filed}次"
    if filing.unfiled:
        text += f"，未报送{filing.unfiled}次"
    text += f"，报送率{percent_text(filing.rate)}。"
    if filing.all_on_time:
        return text + "各单位均按时报送，无迟报漏报。"
    listed = ([f"迟报{len(filing.late)}次"] if filing.late else []) + (
        [f"漏报{len(filing.missing)}次"] if filing.missing else [])
    if listed:
        text += "、".join(listed) + "，明细见下表。"
    if filing.unfiled > len(filing.missing):
        text += f"另有{filing.unfiled - len(filing.missing)}次未报送未列入明细。"
    return text


def suggestions(pack: MeetingPack) -> list[tuple[str, str]]:
    """(heading, text) of the 下一步工作建议, derived from the figures."""
    counts, filing = pack.dashboard.counts, pack.filing
    result = []
    if counts.red:
        result.append(("对红灯任务挂牌督办",
                       f"{_red_sentence(pack)}。请对红灯任务的牵头单位下发督办单，限期说明滞后原因、报送整改措施，"
                       f"下次调度会专题听取整改情况汇报。"))
    if counts.overdue:
        result.append(("集中清理超期任务",
                       f"对{counts.overdue}项已超期任务逐项明确完成时限，确需调整的按程序申请延期，"
                       f"不能按期完成的由牵头单位作出书面说明。"))
    if filing is not None and (filing.late or filing.unfiled):
        parts = ([f"迟报{len(filing.late)}次"] if filing.late else []) + (
            [f"未报送{filing.unfiled}次"] if filing.unfiled else [])
        result.append(("严肃进展报送纪律",
                       f"对{filing.cycle}填报周期{'、'.join(parts)}的情况予以通报，督促各单位按时、如实报送任务进展。"))
    if pack.cold:
        result.append(("加强对下指导推动",
                       f"针对“上热下冷”问题，加强对{pack.cold[-1].level}任务的指导和督促，推动改革任务层层落实。"))
    if pack.targets_low:
        result.append(("聚焦指标短板",
                       f"{pack.targets_low}项指标完成率不足{LOW_ATTAINMENT}%，请相关牵头单位加快推进，确保年度指标按期完成。"))
    if counts.amber:
        result.append(("压茬推进黄灯任务", f"对{counts.amber}项黄灯任务加强跟踪调度，防止转为红灯。"))
    if not result:
        result.append(("保持工作节奏", "各项任务总体推进顺利，请各单位保持工作节奏，按期完成年度任务。"))
    return result


# --- the document ----------------------------------------------------------------------------

def _cell(value):
    """A table value as the report prints it: dates in words, no trailing ".0", "—" for nothing."""
    if value is None or value == "":
        return NOT_AVAILABLE
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return chinese_date(value)
    if isinstance(value, Decimal):
        return number_text(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _print_table(doc: OfficialDocument, table: tables.Table, columns: Sequence[int] | None = None) -> None:
    columns = range(len(table.headers)) if columns is None else columns
    doc.table([table.headers[i] for i in columns], [[_cell(row[i]) for i in columns] for row in table.rows])


def _chart(doc: OfficialDocument, chart: charts.Chart, caption: str) -> None:
    doc.image(chart.png, caption=caption)
    if chart.legend:
        doc.paragraph("图中编号：" + "；".join(chart.legend) + "。")


def _overdue_heading(row: OverdueRow) -> str:
    return f"{row.task}（{row.lead}牵头）" if row.lead else f"{row.task}（未明确牵头单位）"


def meeting_pack_docx(pack: MeetingPack) -> bytes:
    """The report as a .docx in official-document form."""
    d, counts, filing = pack.dashboard, pack.dashboard.counts, pack.filing
    doc = OfficialDocument()
    doc.title(pack.title)

    doc.heading(1, "总体情况")
    doc.paragraph(_overall_sentence(pack))
    doc.table([*pack.counts_headers, "办结率（%）"],
              [[counts.total, counts.green, counts.amber, counts.red, counts.completed, counts.overdue,
                _cell(pack.completion_rate)]])
    if counts.total:
        _chart(doc, charts.colour_pie(counts), "任务亮灯情况")

    doc.heading(1, "分牵头单位推进情况")
    if d.by_lead:
        doc.paragraph(_by_lead_sentence(pack))
        _print_table(doc, pack.tables["lead"])
        _chart(doc, charts.lead_bars(d.by_lead), "各牵头单位任务亮灯情况")
    else:
        doc.paragraph("本级无牵头单位任务数据。")

    doc.heading(1, "分层级推进情况")
    if d.by_level:
        if pack.cold:
            text = ("从层级看，" + "、".join(f"{row.level}平均进度{percent_text(row.average_percent)}"
                                           for row in pack.cold)
                    + "，呈现“上热下冷”态势，越往基层推进越慢。")
        else:
            text = "从层级看，各层级推进较为均衡，未出现“上热下冷”现象。"
        if filing is not None:
            text += f"表中报送率为{filing.cycle}填报周期的报送率。"
        doc.paragraph(text)
        _print_table(doc, pack.tables["level"])
    else:
        doc.paragraph("暂无分层级数据。")

    doc.heading(1, "超期任务")
    overdue = d.overdue
    if not overdue:
        doc.paragraph("截至统计日期，无已超期任务。")
    else:
        doc.paragraph(f"截至统计日期，共有{len(overdue)}项任务超过完成时限仍未办结。")
        if len(overdue) <= OVERDUE_AS_HEADINGS:
            for row in overdue:
                doc.heading(2, _overdue_heading(row))
                doc.paragraph(f"所属规划：{row.plan}，编号{row.key}；完成时限{_day(row.due)}，"
                              f"当前进度{row.percent}%，已超期{row.days_overdue}天。")
        else:
            _print_table(doc, pack.tables["overdue"], OVERDUE_COLUMNS)

    doc.heading(1, "迟报漏报情况")
    doc.paragraph(_filing_sentence(filing))
    if filing is not None and filing.expected:
        doc.table(["填报周期", "报送截止日期", "应报数", "已报数", "未报送数", "报送率（%）", "迟报数", "漏报数"],
                  [[filing.cycle, chinese_date(filing.due), filing.expected, filing.filed, filing.unfiled,
                    _cell(filing.rate), len(filing.late), len(filing.missing)]])
    if d.late:
        _print_table(doc, pack.tables["late"])

    doc.heading(1, "指标完成情况")
    if not d.targets:
        doc.paragraph("暂无量化指标数据。")
    else:
        text = f"纳入统计的量化指标{len(d.targets)}项，已达到目标{pack.targets_reached}项"
        if pack.targets_low:
            text += f"，完成率不足{LOW_ATTAINMENT}%的{pack.targets_low}项"
        doc.paragraph(text + "。")
        _print_table(doc, pack.tables["targets"])

    doc.heading(1, "下一步工作建议")
    for heading, text in suggestions(pack):
        doc.heading(2, heading)
        doc.paragraph(text)

    doc.signature(d.organization, pack.meeting_date)
    return doc.to_bytes()


# --- the workbook ----------------------------------------------------------------------------

WORKBOOK_PARTS = ("lead", "level", "overdue", "late", "targets", "trend")


def meeting_pack_xlsx(pack: MeetingPack) -> bytes:
    """The figures of the report: the overview (every figure the sentences give), then the
    dashboard's tables, one sheet each, numbers as numbers."""
    workbook = Workbook()
    fill_sheet(workbook.active, sheet_name="总体情况", title=pack.title, headers=["项目", "数值"],
               rows=[list(row) for row in pack.overview()])
    d = pack.dashboard
    for part in WORKBOOK_PARTS:
        table = pack.tables[part]
        add_sheet(workbook, sheet_name=table.title, headers=table.headers, rows=table.rows,
                  title=f"{d.organization}{table.title}（统计日期{d.as_of:%Y-%m-%d}）")
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
    return workbook_bytes(workbook)


# --- the service -----------------------------------------------------------------------------

WRITERS = {"docx": meeting_pack_docx, "xlsx": meeting_pack_xlsx}
FORMATS = tuple(WRITERS)


def meeting_pack_export(*, by, organization, fmt: str, meeting_date: dt.date | None = None,
                        today: dt.date | None = None, plan=None) -> tuple[str, bytes]:
    """Build the meeting pack of ``organization`` (already checked to be in ``by``'s scope),
    optionally narrowed to ``plan`` (a plan or its id; 404 outside the scope), for the meeting on
    ``meeting_date``, as .docx or .xlsx — the same figures either way — and audit it. Returns
    (file name, content)."""
    from .selectors import dashboard_for

    if not by.has_code("plan.export"):
        raise PermissionDenied
    if fmt not in FORMATS:
        raise ValueError(f"unknown meeting pack format: {fmt}")
    meeting_date = meeting_date or timezone.localdate()
    # Level names and "no lead unit" come from the catalogue: in Chinese, as the rest of the report.
    with translation.override(LANGUAGE):
        dashboard = dashboard_for(user=by, organization=organization, today=today, plan=plan,
                                  closed_before=meeting_date)
        pack = meeting_pack(dashboard, meeting_date=meeting_date)
        content = WRITERS[fmt](pack)
    with transaction.atomic():
        audit_record(action="export", by=by, obj=organization, object_repr=pack.title[:300],
                     new={"format": fmt, "as_of": dashboard.as_of.isoformat(), "plan": dashboard.plan_id,
                          "meeting_date": meeting_date.isoformat(), "cycle": dashboard.closed_cycle,
                          "tasks": dashboard.counts.total},
                     detail=_("Generated the monthly meeting pack."))
    return pack_filename(pack, fmt), content
