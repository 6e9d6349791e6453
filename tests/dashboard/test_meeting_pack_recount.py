"""Every figure of a generated meeting pack, recounted from the database.

The national plan (tests/tracking/conftest.py) with two more tasks of the national office — one
due on 30 June and never reported on (overdue), one completed — taken through the April
reports (tests/dashboard/conftest.py) and on to July:

    20 Jun  daily refresh (the June cycle is open)
     2 Jul  甲省 files June: 70%, 45 bases          (on time: due 5 July)
     8 Jul  乙省 files June: 30%                    (late)
     9 Jul  the national office accepts 甲省's report
    10 Jul  daily refresh; the statistics date of every pack below

Nobody files for May. Each pack is downloaded as .docx and .xlsx through the URLs, read back
with python-docx and openpyxl, and every number of every sentence is taken out of it one
labelled figure at a time: each must equal the document's own tables, the workbook and a
recount from the models (snapshots, assignments, reports, cycles), and no number may be left
over. The users here see their whole subtree, so the recount needs no scope filter.
"""

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

import kexie
from kexie.core.officialdoc import chinese_date
from kexie.organizations.models import Organization, OrganizationClosure
from kexie.plans.models import Assignment, ItemKind, ItemStatus, PlanItem
from kexie.tracking.models import Cascade, CascadeLedger, ProgressReport, ReportingCycle, TaskSnapshot
from kexie.tracking.services import report_accept, report_submit, snapshots_refresh

JUNE_20, JULY_10 = dt.date(2026, 6, 20), dt.date(2026, 7, 10)
LEVEL_OF_KIND = {"national_association": "全国", "provincial_association": "省级"}


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def more_tasks(world, national):
    """Two more tasks of the national office, there before any refresh: 科普部's, due 30 June and
    never reported on; 办公厅's, completed."""
    last = national.plan.items.order_by("-position").first()
    for n, (title, lead, due, status) in enumerate([
            ("修订科普基地管理办法", world.popsci_dept, dt.date(2026, 6, 30), ItemStatus.IN_PROGRESS),
            ("制定年度宣传方案", world.office, dt.date(2026, 5, 31), ItemStatus.COMPLETED)], start=1):
        item = PlanItem.objects.create(plan=national.plan, parent=national.other_task.parent,
                                       key=f"2.{n + 1}", position=last.position + n, depth=national.other_task.depth,
                                       kind=ItemKind.TASK, title=title, due=due, status=status)
        Assignment.objects.create(item=item, role="lead", unit_name=lead.name, organization=lead)


@pytest.fixture
def july(world, national, more_tasks, reported, cascaded):
    june = ReportingCycle.objects.get(plan=national.plan, label="2026年6月")
    snapshots_refresh(today=JUNE_20)
    jia = report_submit(by=world.provincial_clerk, report=ProgressReport(
        item=cascaded.jia, organization=world.prov_a, cycle=june, percent=70), actuals={cascaded.jia_target: "45"},
        now=at(dt.date(2026, 7, 2)))
    report_submit(by=world.other_provincial_clerk, report=ProgressReport(
        item=cascaded.yi, organization=world.prov_b, cycle=june, percent=30), actuals={cascaded.yi_target: "12"},
        now=at(dt.date(2026, 7, 8)))
    report_accept(by=world.national_clerk, report=jia, today=dt.date(2026, 7, 9))
    snapshots_refresh(today=JULY_10)
    return national


@pytest.fixture
def statistics_date_july_10(monkeypatch):
    """The clock the downloads, the page and the API read: outside the system, so set here."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: JULY_10)


# --- the recount -------------------------------------------------------------------------------

@dataclass
class Recount:
    """The pack's figures as the models give them, by rules written out here again."""

    counts: dict
    lead: dict  # lead unit name -> colour counts of the organisation's own tasks
    levels: dict  # level label -> counts, and reports expected and filed in the period
    period: ReportingCycle | None
    expected: int = 0
    filed: int = 0
    late: set = field(default_factory=set)  # (reporting unit, task) filed after the due date
    missing: set = field(default_factory=set)  # (reporting unit, task) not filed
    overdue: list = field(default_factory=list)  # (task, number, due, percent, days overdue)
    targets: list = field(default_factory=list)  # (task, attainment percent or None)

    @property
    def rate(self):
        return round(100 * self.filed / self.expected, 1) if self.expected else None


def _tally(snapshots) -> dict:
    rows = list(snapshots)
    return {"total": len(rows), "green": sum(s.colour == "green" for s in rows),
            "amber": sum(s.colour == "amber" for s in rows), "red": sum(s.colour == "red" for s in rows),
            "completed": sum(s.completed for s in rows), "overdue": sum(s.overdue for s in rows),
            "percent": sum(s.percent for s in rows)}


def recount(*, organization, plan, meeting: dt.date, today: dt.date) -> Recount:
    below = OrganizationClosure.objects.filter(ancestor=organization).values("descendant_id")
    snapshots = TaskSnapshot.objects.filter(organization_id__in=below).select_related(
        "item", "organization", "lead_organization", "plan")
    # The plan and the ledgers of the tasks handed down from it.
    snapshots = snapshots.filter(plan__in=[plan.pk, *CascadeLedger.objects.filter(root_plan=plan)
                                           .values_list("plan_id", flat=True)])
    # In the plan's order, as the pack lists its tasks (PostgreSQL keeps no order unasked).
    snapshots = list(snapshots.order_by("item__plan_id", "item__position", "item_id"))
    own = [s for s in snapshots if s.organization_id == organization.pk]
    lead = {}
    for s in own:
        name = s.lead_organization.short_name or s.lead_organization.name
        lead.setdefault(name, []).append(s)
    # The period: the last cycle of the root plan whose filing closed before the meeting and by today.
    period = (ReportingCycle.objects.filter(plan=plan, opens_on__lte=today,
                                            due_on__lt=min(meeting, today)).order_by("-sequence").first())
    levels: dict[str, dict] = {}
    for s in snapshots:
        levels.setdefault(LEVEL_OF_KIND[s.organization.kind], {"snapshots": [], "expected": 0, "filed": 0})[
            "snapshots"].append(s)
    result = Recount(counts=_tally(snapshots), lead={name: _tally(rows) for name, rows in lead.items()},
                     levels=levels, period=period)
    handed_down = set(Cascade.objects.values_list("source_id", flat=True))
    if period is not None:
        for s in snapshots:
            if s.item_id in handed_down:
                continue  # reported on by the tasks it was handed down to
            units = set(Assignment.objects.filter(item_id=s.item_id, organization__isnull=False)
                        .values_list("organization_id", flat=True))
            filed = ProgressReport.objects.filter(item_id=s.item_id, cycle=period, submitted_at__isnull=False)
            level = levels[LEVEL_OF_KIND[s.organization.kind]]
            level["expected"] += len(units)
            level["filed"] += filed.count()
            result.expected += len(units)
            result.filed += filed.count()
            for unit in Organization.objects.filter(pk__in=units):
                report = filed.filter(organization=unit).first()
                if report is None:
                    result.missing.add((unit.name, s.item.title))
                elif report.late:
                    result.late.add((unit.name, s.item.title))
    result.overdue = sorted(((s.item.title, s.item.key, s.due, s.percent, (today - s.due).days)
                             for s in snapshots if s.overdue), key=lambda row: (row[2], row[0]))
    for s in own:
        for target in s.item.targets.all():
            actual = s.actuals.get(str(target.pk))
            result.targets.append((s.item.title, None if actual is None else
                                   round(100 * Decimal(actual) / target.min_value, 1)))
    return result


# --- reading the pack ----------------------------------------------------------------------------

class Figures:
    """A sentence whose figures are taken out one labelled pattern at a time; ``done`` asserts
    that no number is left that nobody checked."""

    def __init__(self, text: str):
        self.text = self.rest = text

    def take(self, pattern: str) -> tuple[str, ...]:
        match = re.search(pattern, self.rest)
        assert match, f"{pattern!r} not in {self.rest!r}"
        self.rest = self.rest[:match.start()] + "§" + self.rest[match.end():]
        return match.groups()

    def number(self, pattern: str) -> float:
        return float(self.take(pattern)[0])

    def day(self, pattern: str) -> dt.date:
        return dt.date(*map(int, self.take(pattern)))

    def maybe(self, pattern: str) -> tuple[str, ...] | None:
        return self.take(pattern) if re.search(pattern, self.rest) else None

    def drop(self, literal: str) -> None:
        self.rest = self.rest.replace(literal, "§")

    def done(self) -> None:
        assert not re.search(r"\d", self.rest), f"unchecked figures in {self.text!r}: {self.rest!r}"


DATE = r"(\d{4})年(\d{1,2})月(\d{1,2})日"


@dataclass
class Pack:
    title: str
    sections: dict  # level-one heading -> its paragraphs (sub-headings included)
    closing: list  # the organisation and the date under the report
    tables: list  # each a list of rows of cell texts, the header first

    def table(self, *headers: str) -> list[dict]:
        found = [t for t in self.tables if t[0][:len(headers)] == list(headers)]
        assert len(found) == 1, (headers, [t[0] for t in self.tables])
        return [dict(zip(found[0][0], row)) for row in found[0][1:]]

    def has_table(self, *headers: str) -> bool:
        return any(t[0][:len(headers)] == list(headers) for t in self.tables)


def read_docx(data: bytes) -> Pack:
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs if p.text.strip()]
    sections, current = {}, None
    for line in lines[1:-2]:
        if re.match(r"^[一二三四五六七八九十]+、", line):
            current = sections.setdefault(line, [])
        else:
            current.append(line)
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return Pack(title=lines[0], sections=sections, closing=lines[-2:], tables=tables)


def sheet(workbook, name: str) -> tuple[list, list[tuple]]:
    """(headers, rows) of a sheet below its title row."""
    rows = list(workbook[name].iter_rows(values_only=True))
    return list(rows[1]), rows[2:]


def cell_number(text: str) -> float | None:
    return None if text == "—" else float(text)


def same(docx_cell: str, xlsx_value) -> bool:
    """A cell of the report and the workbook's cell, written each its own way."""
    if isinstance(xlsx_value, dt.datetime):
        return docx_cell in (chinese_date(xlsx_value.date()), xlsx_value.strftime("%Y-%m-%d %H:%M"))
    if xlsx_value is None:
        return docx_cell == "—"
    if isinstance(xlsx_value, (int, float)):
        return cell_number(docx_cell) == float(xlsx_value)
    return docx_cell == str(xlsx_value)


# --- the checks ------------------------------------------------------------------------------------

def check_sentences(pack: Pack, r: Recount, *, meeting: dt.date, today: dt.date, plan_title: str) -> dict:
    """Every number of every sentence against the report's tables and the recount; returns the
    headline figures for the workbook to be compared with."""
    assert re.fullmatch(r".+（(\d+)年(\d+)月）", pack.title).groups() == (str(meeting.year), str(meeting.month))
    assert pack.closing[1] == chinese_date(meeting)
    period = r.period.label if r.period else None
    overall = pack.table("任务数", "绿灯", "黄灯", "红灯", "已办结", "已超期", "办结率（%）")[0]
    lead = pack.table("牵头单位")
    levels = pack.table("层级")
    headline = {}

    # 一、总体情况
    text, *rest = pack.sections["一、总体情况"]
    f = Figures(text)
    if plan_title:
        f.drop(f"《{plan_title}》")
    assert f.day("截至统计日期" + DATE) == today
    for name, pattern, column in (("total", r"共(\d+)项", "任务数"), ("green", r"绿灯(\d+)项", "绿灯"),
                                  ("amber", r"黄灯(\d+)项", "黄灯"), ("red", r"红灯(\d+)项", "红灯"),
                                  ("completed", r"已办结(\d+)项", "已办结"), ("overdue", r"已超期(\d+)项", "已超期")):
        value = f.number(pattern)
        assert value == r.counts[name] == cell_number(overall[column]), name
        headline[name] = value
    completion = f.number(r"办结率([\d.]+)%")
    assert completion == round(100 * r.counts["completed"] / r.counts["total"], 1) == cell_number(overall["办结率（%）"])
    if r.expected:
        label, rate = f.take(r"(\d{4}年\d{1,2}月)填报周期任务进展报送率为([\d.]+)%")
        assert (label, float(rate)) == (period, r.rate)
    elif period:
        assert f.take(r"(\d{4}年\d{1,2}月)填报周期暂无报送统计")[0] == period
    f.done()
    assert all(line.startswith("图") for line in rest), rest  # the chart's caption (and key)

    # 二、分牵头单位推进情况
    assert {row["牵头单位"]: (int(row["绿灯"]), int(row["黄灯"]), int(row["红灯"]), int(row["合计"]))
            for row in lead} == {name: (c["green"], c["amber"], c["red"], c["total"]) for name, c in r.lead.items()}
    f = Figures(pack.sections["二、分牵头单位推进情况"][0])
    assert f.number(r"由(\d+)个牵头单位承担") == len(lead) == len(r.lead)
    red_units = f.maybe(r"其中(\d+)个单位有红灯任务")
    assert int(red_units[0] if red_units else 0) == sum(int(row["红灯"]) > 0 for row in lead)
    f.done()

    # 三、分层级推进情况
    assert {row["层级"]: (int(row["合计"]), int(row["红灯"]), cell_number(row["报送率（%）"])) for row in levels} == {
        name: (len(level["snapshots"]), sum(s.colour == "red" for s in level["snapshots"]),
               round(100 * level["filed"] / level["expected"], 1) if level["expected"] else None)
        for name, level in r.levels.items()}
    assert sum(int(row["合计"]) for row in levels) == r.counts["total"]
    f = Figures(pack.sections["三、分层级推进情况"][0])
    for name, average in re.findall(r"(\S{2})平均进度([\d.]+)%", f.rest):
        assert cell_number(next(row for row in levels if row["层级"] == name)["平均进度（%）"]) == float(average)
        f.take(f"{name}平均进度[\\d.]+%")
    if period:
        assert f.take(r"表中报送率为(\d{4}年\d{1,2}月)填报周期的报送率")[0] == period
    f.done()

    # 四、超期任务
    text, *tasks = pack.sections["四、超期任务"]
    f = Figures(text)
    if r.overdue:
        assert f.number(r"共有(\d+)项任务超过完成时限") == len(r.overdue) == r.counts["overdue"]
    f.done()
    details = [line for line in tasks if line.startswith("所属规划")]
    assert len(details) == len(r.overdue)
    for line, (title, key, due, percent, days) in zip(details, r.overdue):
        f = Figures(line)
        f.take(r"所属规划：[^，]+，")
        assert f.take(r"编号([\d.]+)；")[0] == key
        assert f.day("完成时限" + DATE) == due
        assert f.number(r"当前进度(\d+)%") == percent
        assert f.number(r"已超期(\d+)天") == days
        f.done()

    # 五、迟报漏报情况
    f = Figures(pack.sections["五、迟报漏报情况"][0])
    late_rows = pack.table("填报周期", "报送单位") if pack.has_table("填报周期", "报送单位") else []
    listed_late = {(row["报送单位"], row["任务"]) for row in late_rows if row["报送时间"] != "未报送"}
    listed_missing = {(row["报送单位"], row["任务"]) for row in late_rows if row["报送时间"] == "未报送"}
    assert (listed_late, listed_missing) == (r.late, r.missing)
    assert all(row["填报周期"] == period for row in late_rows)
    if r.expected:
        summary = pack.table("填报周期", "报送截止日期")[0]
        label = f.take(r"(\d{4}年\d{1,2}月)填报周期")[0]
        due = f.day("报送截止日期" + DATE)
        expected, filed = f.number(r"应报送任务进展(\d+)次"), f.number(r"已报送(\d+)次")
        unfiled = f.maybe(r"未报送(\d+)次")
        rate = f.number(r"报送率([\d.]+)%")
        assert (label, due, expected, filed, rate) == (period, r.period.due_on, r.expected, r.filed, r.rate)
        assert (int(unfiled[0]) if unfiled else 0) == r.expected - r.filed
        assert (summary["填报周期"], summary["报送截止日期"]) == (period, chinese_date(r.period.due_on))
        assert [cell_number(summary[c]) for c in ("应报数", "已报数", "未报送数", "报送率（%）", "迟报数", "漏报数")] == [
            r.expected, r.filed, r.expected - r.filed, r.rate, len(r.late), len(r.missing)]
        if r.late or r.missing:
            late, missing = f.maybe(r"迟报(\d+)次"), f.maybe(r"漏报(\d+)次")
            assert (int(late[0]) if late else 0, int(missing[0]) if missing else 0) == (len(r.late), len(r.missing))
            assert "按时报送" not in f.text
        else:
            assert f.text.endswith("各单位均按时报送，无迟报漏报。")
        headline.update(period=label, expected=expected, filed=filed, rate=rate)
    elif period:
        assert f.take(r"(\d{4}年\d{1,2}月)填报周期")[0] == period
        f.day("报送截止日期" + DATE)
    f.done()

    # 六、指标完成情况
    targets = pack.table("任务", "指标")
    assert [(row["任务"], cell_number(row["完成率（%）"])) for row in targets] == [
        (task, None if value is None else float(value)) for task, value in r.targets]
    f = Figures(pack.sections["六、指标完成情况"][0])
    assert f.number(r"量化指标(\d+)项") == len(targets) == len(r.targets)
    reached = sum(1 for _task, value in r.targets if value is not None and value >= 100)
    low = sum(1 for _task, value in r.targets if value is not None and value < 60)
    assert f.number(r"已达到目标(\d+)项") == reached
    if low:
        assert f.take(r"完成率不足(60)%的(\d+)项") == ("60", str(low))
    f.done()

    # 七、下一步工作建议
    advice = pack.sections["七、下一步工作建议"]
    for heading, text in zip(advice[::2], advice[1::2]):
        f = Figures(text)
        if heading.endswith("对红灯任务挂牌督办"):
            assert f.number(r"^(\d+)项红灯任务") == r.counts["red"]
            own_red = sum(c["red"] for c in r.lead.values())
            own = f.maybe(r"本级任务(\d+)项（([^）]+)）")
            assert (int(own[0]) if own else 0) == own_red
            assert ({name: int(n) for name, n in re.findall(r"([^、\d]+)(\d+)项", own[1])} if own else {}) == {
                name: c["red"] for name, c in r.lead.items() if c["red"]}
            below = f.maybe(r"下级单位任务(\d+)项")
            assert (int(below[0]) if below else 0) == r.counts["red"] - own_red
        elif heading.endswith("集中清理超期任务"):
            assert f.number(r"对(\d+)项已超期任务") == r.counts["overdue"]
        elif heading.endswith("严肃进展报送纪律"):
            assert f.take(r"对(\d{4}年\d{1,2}月)填报周期")[0] == period
            late = f.maybe(r"迟报(\d+)次")
            unfiled = f.maybe(r"未报送(\d+)次")
            assert (int(late[0]) if late else 0, int(unfiled[0]) if unfiled else 0) == (
                len(r.late), r.expected - r.filed)
        elif heading.endswith("聚焦指标短板"):
            assert f.take(r"(\d+)项指标完成率不足(60)%") == (str(low), "60")
        elif heading.endswith("压茬推进黄灯任务"):
            assert f.number(r"对(\d+)项黄灯任务") == r.counts["amber"]
        f.done()
    return headline


def check_workbook(workbook, pack: Pack, r: Recount, headline: dict, *, meeting: dt.date, today: dt.date) -> None:
    """The workbook carries the report's figures: its overview those of the sentences, each sheet
    the rows of the report's table."""
    assert workbook["总体情况"]["A1"].value == pack.title
    overview = dict(sheet(workbook, "总体情况")[1])
    assert (overview["统计日期"].date(), overview["会议日期"].date()) == (today, meeting)
    assert [overview[k] for k in ("任务数", "绿灯", "黄灯", "红灯", "已办结", "已超期")] == [
        headline[k] for k in ("total", "green", "amber", "red", "completed", "overdue")]
    assert overview["填报周期"] == (r.period.label if r.period else "")
    if r.expected:
        assert (overview["应报数"], overview["已报数"], overview["报送率（%）"]) == (
            headline["expected"], headline["filed"], headline["rate"])
        assert (overview["迟报数"], overview["漏报数"]) == (len(r.late), len(r.missing))
    for name, first in (("各牵头单位进展", "牵头单位"), ("分层级进展", "层级"), ("指标完成情况", "任务")):
        headers, rows = sheet(workbook, name)
        table = pack.table(first)
        assert len(rows) == len(table)
        for row, values in zip(table, rows):
            assert all(same(row[h], v) for h, v in zip(headers, values)), (name, row, values)
    headers, rows = sheet(workbook, "迟报漏报")
    docx_rows = pack.table("填报周期", "报送单位") if pack.has_table("填报周期", "报送单位") else []
    assert [[same(row[h], v) for h, v in zip(headers, values)] for row, values in zip(docx_rows, rows)] == [
        [True] * len(headers)] * len(rows)
    assert len(rows) == len(r.late) + len(r.missing)
    # The trend ends at the reporting period.
    headers, rows = sheet(workbook, "各填报周期走势")
    if r.expected:
        assert rows[-1][0] == r.period.label and rows[-1][headers.index("报送率（%）")] == r.rate


def download(client, name: str, params: dict) -> bytes:
    response = client.get(reverse(f"dashboard:meeting_pack_{name}"), params)
    assert response.status_code == 200
    return response.content


CASES = {
    # Meeting on 15 July: June closed on 5 July; 甲省 on time, 乙省 late, three units never filed.
    "june_some_late": ("2026-07-15", "2026年6月"),
    # Meeting on 3 July, before June's due date: May, when nobody filed (0%).
    "may_nobody_filed": ("2026-07-03", "2026年5月"),
    # Meeting on 1 June: April, the cycle before May's 5 June due date.
    "april_for_an_early_meeting": ("2026-06-01", "2026年4月"),
}


@pytest.mark.parametrize("case", CASES)
def test_every_figure_of_the_pack_is_recounted_from_the_database(world, july, signed_in, statistics_date_july_10,
                                                                  case):
    raw_date, period = CASES[case]
    meeting = dt.date.fromisoformat(raw_date)
    client = signed_in(world.national_clerk)
    params = {"org": world.cast.pk, "plan": july.plan.pk, "date": raw_date}
    pack = read_docx(download(client, "docx", params))
    workbook = load_workbook(io.BytesIO(download(client, "xlsx", params)))
    r = recount(organization=world.cast, plan=july.plan, meeting=meeting, today=JULY_10)
    assert r.period.label == period
    headline = check_sentences(pack, r, meeting=meeting, today=JULY_10, plan_title=july.plan.title)
    check_workbook(workbook, pack, r, headline, meeting=meeting, today=JULY_10)
    body = "\n".join(line for lines in pack.sections.values() for line in lines)
    if case == "may_nobody_filed":
        assert r.filed == 0 and "报送率0%" in body and "均按时报送" not in body
    if case == "june_some_late":
        assert r.late and r.missing and 0 < r.rate < 100
        assert r.overdue  # 科普部's task, due 30 June


def test_the_pack_of_a_province_where_every_unit_filed_on_time_says_so(world, july, signed_in,
                                                                      statistics_date_july_10):
    client = signed_in(world.provincial_clerk)
    params = {"org": world.prov_a.pk, "date": "2026-07-15"}
    pack = read_docx(download(client, "docx", params))
    workbook = load_workbook(io.BytesIO(download(client, "xlsx", params)))
    meeting = dt.date(2026, 7, 15)
    r = recount(organization=world.prov_a, plan=july.plan, meeting=meeting, today=JULY_10)
    assert (r.expected, r.filed, r.late, r.missing) == (1, 1, set(), set())
    headline = check_sentences(pack, r, meeting=meeting, today=JULY_10, plan_title="")
    check_workbook(workbook, pack, r, headline, meeting=meeting, today=JULY_10)
    assert "2026年6月填报周期（报送截止日期2026年7月5日）应报送任务进展1次，已报送1次，报送率100%。各单位均按时报送" in \
        pack.sections["五、迟报漏报情况"][0]


def test_the_packs_headline_figures_are_those_of_the_dashboard_page_and_api(world, july, signed_in,
                                                                           statistics_date_july_10):
    client = signed_in(world.national_clerk)
    params = {"org": world.cast.pk, "plan": july.plan.pk}
    overview = dict(sheet(load_workbook(io.BytesIO(download(client, "xlsx", {**params, "date": "2026-07-15"}))),
                          "总体情况")[1])
    page = client.get(reverse("dashboard:home"), params).context["dashboard"]
    api = client.get(reverse("api:dashboard"), params).json()
    figures = {"任务数": "total", "绿灯": "green", "黄灯": "amber", "红灯": "red", "已办结": "completed",
               "已超期": "overdue"}
    assert {label: overview[label] for label in figures} == {
        label: getattr(page.counts, name) for label, name in figures.items()} == {
        label: api["counts"][name] for label, name in figures.items()}
    # The page's trend shows the period's filing rate as the pack gives it.
    point = next(p for p in page.trend if p.label == overview["填报周期"])
    assert point.filing_rate == overview["报送率（%）"] == 40.0
    assert [(row.name, row.counts.red) for row in page.by_lead] == [
        (row[0], row[3]) for row in sheet(load_workbook(io.BytesIO(download(
            client, "xlsx", {**params, "date": "2026-07-15"}))), "各牵头单位进展")[1]]


def _interface_terms() -> set[str]:
    terms = set()
    for path in Path(kexie.__file__).parent.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"):
        for entry in polib.pofile(path):
            terms.add(entry.msgstr)
    return terms


# Figures the report derives that no screen shows, and the overview sheet's own two columns.
PACK_OWN_LABELS = {"办结率（%）", "未报送数", "漏报数", "项目", "数值"}


def test_the_packs_labels_are_the_interfaces(world, july, signed_in, statistics_date_july_10):
    client = signed_in(world.national_clerk)
    params = {"org": world.cast.pk, "plan": july.plan.pk, "date": "2026-07-15"}
    pack = read_docx(download(client, "docx", params))
    workbook = load_workbook(io.BytesIO(download(client, "xlsx", params)))
    terms = _interface_terms() | PACK_OWN_LABELS
    headers = {h for table in pack.tables for h in table[0]}
    headers |= {h for name in workbook.sheetnames for h in sheet(workbook, name)[0]}
    assert headers - terms == set()
    assert set(workbook.sheetnames) - {"总体情况"} - terms == set()
    words = "\n".join([*(line for lines in pack.sections.values() for line in lines),
                       *(str(cell) for name in workbook.sheetnames
                         for row in workbook[name].iter_rows(values_only=True) for cell in row if cell)])
    # The dashboard says 规划 (not 计划), 超期 of tasks (not 逾期), and 填报周期 of cycles.
    assert not re.search(r"计划|逾期|(?<!填报)周期", words.replace(july.plan.title, ""))
