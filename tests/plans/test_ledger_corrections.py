"""Corrections to the ledger from its edited Excel sheet: a dry run listing every change and
every error per row, then all of it applied in one transaction — or nothing."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kexie.audit.models import AuditLog
from kexie.plans.models import Assignment, PlanItem, Target
from tests.plans.ledger_world import add_departments, confirmed_plan


@pytest.fixture
def ledger(world):
    world.departments = add_departments(world)
    world.plan = confirmed_plan(world)
    return world


def _exported(client, plan):
    response = client.get(reverse("ledger:plan_export", args=[plan.pk]))
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _row_of(sheet, key):
    for row in sheet.iter_rows(min_row=4):
        if row[0].value == key:
            return row
    raise KeyError(key)


def _upload(client, plan, workbook, name="台账修正.xlsx"):
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile(name, buffer.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return client.post(reverse("ledger:plan_import", args=[plan.pk]), {"file": upload})


def _state(plan):
    return (list(PlanItem.objects.filter(plan=plan).order_by("pk").values_list("title", "due", "status")),
            list(Assignment.objects.filter(item__plan=plan).order_by("pk").values_list("unit_name", "organization")),
            list(Target.objects.filter(item__plan=plan).order_by("pk").values_list("min_value", "max_value")))


def test_the_unchanged_export_changes_nothing(ledger, signed_in):
    client = signed_in(ledger.provincial_clerk)
    response = _upload(client, ledger.plan, _exported(client, ledger.plan))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.ok and report.changed == [] and len(report.rows) == 5
    assert "该文件没有任何修改" in response.content.decode()


def test_a_sheet_with_bad_rows_saves_nothing_and_names_each_row_and_column(ledger, signed_in):
    client = signed_in(ledger.provincial_clerk)
    workbook = _exported(client, ledger.plan)
    sheet = workbook.active
    _row_of(sheet, "1.1")[4].value = "2026-13-40"         # row 5: no such date
    _row_of(sheet, "1.2")[8].value = "搁置"                # row 6: unknown status
    _row_of(sheet, "2.1")[6].value = "二十多"              # row 8: not a number
    _row_of(sheet, "2.2")[2].value = "宣传部"              # row 9: no such organisation in scope
    row = _row_of(sheet, "3.1")
    row[0].value, row[9].value = "3.9", None               # row 11: unknown 序号
    _row_of(sheet, "1.1")[1].value = "深化理论学习（修订）"  # a good change on a bad row's neighbour
    before = _state(ledger.plan)
    response = _upload(client, ledger.plan, workbook)
    html = response.content.decode()
    assert "第 5 行：“完成时限”列：“2026-13-40”不是日期" in html
    assert "第 6 行：“状态”列：未知状态“搁置”" in html
    assert "第 8 行：“目标值”列：“二十多”不是数值或区间" in html
    assert "第 9 行：“牵头单位”列：在您的数据范围内没有名为“宣传部”的单位" in html
    assert "第 11 行：“序号”列：本规划中没有序号为“3.9”的任务" in html
    assert "confirm-corrections" not in html
    # Confirming anyway (the pending file is in the session) is refused as a whole.
    token = response.context["token"]
    refused = client.post(reverse("ledger:import_confirm"), {"token": token})
    assert refused.status_code == 400 and "未保存任何修改" in refused.content.decode()
    assert _state(ledger.plan) == before
    assert not AuditLog.objects.filter(action="update", object_type="plans.planitem").exists()


def test_a_good_sheet_is_previewed_then_applied_with_audit_rows(ledger, signed_in):
    client = signed_in(ledger.provincial_clerk)
    workbook = _exported(client, ledger.plan)
    sheet = workbook.active
    row = _row_of(sheet, "1.2")
    row[4].value = dt.datetime(2026, 9, 30)
    row[8].value = "进行中"
    row[2].value = "组织人事部"
    row[3].value = None
    row = _row_of(sheet, "2.1")
    row[1].value = "开展省级学会综合评估"
    row[6].value = "25以上"
    row = _row_of(sheet, "3.1")
    row[6].value = "10–12"
    row[8].value = "已完成"
    response = _upload(client, ledger.plan, workbook)
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 行有修改，0 行有错误" in html and "confirm-corrections" in html
    assert "<del>学会学术部</del> → <ins>组织人事部</ins>" in html
    assert PlanItem.objects.get(plan=ledger.plan, key="1.2").status == "not_started"  # a dry run so far

    applied = client.post(reverse("ledger:import_confirm"), {"token": response.context["token"]})
    assert applied.status_code == 302 and applied["Location"] == reverse("ledger:plan", args=[ledger.plan.pk])
    task = PlanItem.objects.get(plan=ledger.plan, key="1.2")
    assert task.due == dt.date(2026, 9, 30) and task.status == "in_progress"
    assert [(a.role, a.unit_name, a.organization) for a in task.assignments.all()] == [
        ("lead", "组织人事部", ledger.departments["组织人事部"])]
    assessment = PlanItem.objects.get(plan=ledger.plan, key="2.1")
    assert assessment.title == "开展省级学会综合评估"
    target = assessment.targets.get()
    assert (target.min_value, target.max_value) == (25, None)
    bases = PlanItem.objects.get(plan=ledger.plan, key="3.1")
    assert bases.status == "completed" and (bases.targets.get().min_value, bases.targets.get().max_value) == (10, 12)
    # 各市科协 stays as written and unassigned.
    assert bases.assignments.get(role="co").organization is None
    logs = AuditLog.objects.filter(action="update", object_type="plans.planitem")
    assert {log.object_id for log in logs} == {str(task.pk), str(assessment.pk), str(bases.pk)}
    log = logs.get(object_id=str(task.pk))
    assert log.old_values["status"] == "未开始" and log.new_values["due"] == "2026-09-30"
    assert AuditLog.objects.filter(action="import", object_type="plans.planitem",
                                   new_values__changed=3).exists()
    # The pending file is used up.
    again = client.post(reverse("ledger:import_confirm"), {"token": response.context["token"]})
    assert again.status_code == 302 and again["Location"] == reverse("ledger:import")


def test_a_file_that_is_not_a_ledger_sheet_is_refused_with_a_message(ledger, signed_in):
    client = signed_in(ledger.provincial_clerk)
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["姓名", "电话"])
    workbook.active.append(["张三", "123"])
    response = _upload(client, ledger.plan, workbook)
    assert response.status_code == 200 and "这不是台账表格" in response.content.decode()


def test_across_plans_rows_are_matched_by_system_id_within_the_users_scope(ledger, signed_in):
    other = confirmed_plan(ledger, clerk=ledger.other_provincial_clerk, organization=ledger.prov_b,
                           title="乙省科协2026年重点任务")
    client = signed_in(ledger.provincial_clerk)
    response = client.get(reverse("ledger:export"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    row = _row_of(workbook.active, "2.2")
    row[8].value = "已完成"
    foreign = other.items.get(key="2.1")
    row = _row_of(workbook.active, "2.1")
    row[9].value = foreign.pk  # an item of another province
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(reverse("ledger:import"), {"file": SimpleUploadedFile("台账.xlsx", buffer.getvalue())})
    assert f"“系统编号”列：没有系统编号为“{foreign.pk}”且您可修改的任务" in response.content.decode()
    report = response.context["report"]
    assert len(report.changed) == 1 and [r.key for r in report.errors] == ["2.1"]
    # Without its system ID a row of a sheet spanning plans cannot be placed.
    row = _row_of(workbook.active, "1.1")
    row[9].value = None
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(reverse("ledger:import"), {"file": SimpleUploadedFile("台账.xlsx", buffer.getvalue())})
    assert "“系统编号”列：为空" in response.content.decode()
