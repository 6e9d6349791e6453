"""The ledger's Excel export: the shape offices use, scoped, filtered, escaped and audited."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kexie.audit.models import AuditLog
from kexie.plans.models import PlanItem
from tests.plans.ledger_world import add_departments, confirmed_plan


@pytest.fixture
def ledger(world):
    world.departments = add_departments(world)
    world.plan = confirmed_plan(world)
    return world


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(data)).active


def _rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_export_has_the_title_row_merged_headers_section_groups_and_the_items(ledger, signed_in):
    response = signed_in(ledger.provincial_clerk).get(reverse("ledger:plan_export", args=[ledger.plan.pk]))
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    sheet = _sheet(response)
    rows = _rows(sheet)
    assert rows[0][0] == "甲省科协2026年深化改革重点任务"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:L1", "A2:A3", "B2:B3", "F2:H2", "I2:I3", "K2:K3", "L2:L3"} <= merged
    assert rows[1][:6] == ["序号", "任务", "牵头单位", "配合单位", "完成时限", "目标"]
    assert rows[1][8] == "状态" and rows[2][5:8] == ["指标", "目标值", "单位"]
    assert rows[1][10:12] == ["亮灯", "完成进度"]  # after the hidden system ID: the columns before stay put
    assert sheet.freeze_panes == "C4"
    assert sheet.column_dimensions["B"].width > 30 and sheet.column_dimensions["J"].hidden
    body = [row[:9] for row in rows[3:]]
    assert [row[0] for row in body] == ["1", "1.1", "1.2", "2", "2.1", "2.2", "3", "3.1"]
    assert body[0][1] == "加强党的政治建设" and body[0][2] is None  # a section is a group row
    assessment = body[4]
    assert assessment[1:4] == ["开展学会评估", "学会学术部", None]
    assert assessment[4].date().isoformat() == "2026-12-31"
    assert assessment[5:9] == ["省级学会", "≥20", "家", "未开始"]
    assert body[7][3] == "各市科协（未指定）" and body[7][6] == "10"
    assert sheet["B5"].alignment.wrap_text


def test_the_export_follows_the_filters_and_is_audited_with_them(ledger, signed_in):
    client = signed_in(ledger.provincial_clerk)
    response = client.get(reverse("ledger:export"), {"unit": ledger.departments["学会学术部"].pk, "status": "not_started"})
    rows = _rows(_sheet(response))
    assert rows[0][0] == "重点任务台账"
    tasks = [row[1] for row in rows[3:] if row[2]]
    assert tasks == ["推进学会党建", "开展学会评估", "整治休眠学会"]
    # Across plans, each plan's title heads its group.
    assert rows[3][1] == "甲省科协2026年深化改革重点任务"
    log = AuditLog.objects.filter(action="export", object_type="plans.planitem").latest("id")
    assert log.new_values["count"] == 3
    assert log.new_values["filters"]["status"] == "not_started"
    assert log.new_values["filters"]["organization"] == str(ledger.departments["学会学术部"].pk)


def test_formula_like_text_is_exported_inert(ledger, signed_in):
    PlanItem.objects.filter(plan=ledger.plan, key="1.1").update(title='=HYPERLINK("http://x","y")')
    rows = _rows(_sheet(signed_in(ledger.provincial_clerk).get(
        reverse("ledger:plan_export", args=[ledger.plan.pk]))))
    assert rows[4][1] == "'=HYPERLINK(\"http://x\",\"y\")"


def test_the_export_of_another_provinces_plan_is_not_found_and_needs_the_export_code(ledger, signed_in):
    url = reverse("ledger:plan_export", args=[ledger.plan.pk])
    assert signed_in(ledger.other_provincial_clerk).get(url).status_code == 404
    assert signed_in(ledger.no_role_user).get(url).status_code == 403
    # Across plans, another province's clerk gets a sheet without this province's items.
    rows = _rows(_sheet(signed_in(ledger.other_provincial_clerk).get(reverse("ledger:export"))))
    assert len(rows) == 3


def test_a_large_ledger_is_written_row_by_row(ledger, signed_in, django_assert_max_num_queries):
    from kexie.plans import ledger_excel
    from kexie.plans.selectors import ledger_items

    plan = ledger.plan
    start = plan.items.count()
    PlanItem.objects.bulk_create([PlanItem(plan=plan, key=f"9.{n}", position=start + n, depth=2, kind="task",
                                           title=f"批量任务{n}") for n in range(1, 3001)])
    with django_assert_max_num_queries(20):  # chunks of 2000 with their prefetches, not one query a row
        output, count = ledger_excel.write_ledger(ledger_items(ledger.provincial_clerk, plan=plan), title="大台账")
    assert count == 3005
    sheet = load_workbook(output, read_only=True).active
    assert sum(1 for _row in sheet.iter_rows(values_only=True)) == 3 + 3 + 3005


def test_an_export_with_a_bad_filter_exports_nothing_and_says_why(ledger, signed_in):
    response = signed_in(ledger.provincial_clerk).get(reverse("ledger:export"), {"due_after": "不是日期"})
    assert response.status_code == 400
    assert "请先改正查询条件再导出" in response.content.decode()
    assert not AuditLog.objects.filter(action="export", object_type="plans.planitem").exists()
