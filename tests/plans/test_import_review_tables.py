"""A plan whose attachment is a task-division table (任务分工表), uploaded through the import page:
the review shows each item made or completed from the table beside its source cells, and the
confirmed plan's items have the table's units (mapped to organisations), deadlines and targets."""

import datetime as dt
import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kexie.organizations.services import organization_create
from kexie.plans.models import Assignment, Plan, PlanImport, PlanItem, Target
from tests.docparse.tables import build

pytest.importorskip("docx")


@pytest.fixture
def province(world):
    """甲省科协 with the departments the table names."""
    for name, aliases in [("科学技术普及部", ["科普部"]), ("学会学术部", ["学会部"]), ("组织人事部", ["组人部"])]:
        organization_create(by=None, parent=world.prov_a, name=f"甲省科协{name}", kind="department",
                            short_name=name, aliases=aliases)
    return world


def _upload(client, world, path, name):
    return client.post(reverse("plans:import"), {
        "organization": world.prov_a.pk, "file": SimpleUploadedFile(name, path.read_bytes())})


def _item_block(page: str, title: str) -> str:
    """The review page's block of the item titled ``title``, tags removed."""
    blocks = re.split(r'<div class="review-item ', page)
    block = next(b for b in blocks if f'<strong class="item-title">{title}</strong>' in b)
    return unescape(re.sub(r"<[^>]+>", " ", block))


def test_a_word_plan_with_its_task_table_is_reviewed_beside_the_cells_and_confirmed_with_their_values(
        province, signed_in, tmp_path):
    client = signed_in(province.provincial_clerk)
    response = _upload(client, province, build.write_docx(tmp_path / "plan.docx"), "重点工作任务.docx")
    plan_import = PlanImport.objects.get()
    assert response["Location"] == reverse("plans:review", args=[plan_import.pk])
    assert plan_import.parsed["tables"][0]["rows"] == 6

    page = client.get(response["Location"]).content.decode()
    assert "任务分工表“重点工作任务分工表”（表1）：共 6 行，其中 4 行补充了正文中的条目" in unescape(page)
    # A body task completed by row 2 (matched by its number), shown with that row's cells.
    block = _item_block(page, "办好全国科普日县级主场活动")
    assert "来源单元格" in block
    for words in ("重点任务", "组织科普日系列活动", "配合单位", "县科技馆、各乡镇科协", "表1 第3行",
                  "牵头单位(部门)", "表1 第2行"):
        assert words in block, words
    # A row with no body counterpart is an item of its own, under the table's caption.
    block = _item_block(page, "建设院士专家工作站")
    assert "来源单元格" in block and "建成院士专家工作站2家" in block and "表1 第7行" in block
    assert "来源单元格" not in _item_block(page, "加强组织领导")  # an item of the text alone

    client.post(reverse("plans:review_accept_suggestions", args=[plan_import.pk]))
    plan_import.refresh_from_db()
    departments = {o.short_name: o for o in province.prov_a.children.filter(kind="department")}
    assert plan_import.unit_mapping["组织人事部"] == {"organization": departments["组织人事部"].pk}
    url = reverse("plans:review_map_unit", args=[plan_import.pk])
    for unit in [u for u in {u for i in plan_import.parsed["items"] for u in i["lead_units"] + i["co_units"]}
                 if u not in plan_import.unit_mapping]:
        client.post(url, {"unit": unit, "unassigned": "1"})
    confirmed = client.post(reverse("plans:review_confirm", args=[plan_import.pk]))
    plan = Plan.objects.get()
    assert confirmed["Location"] == reverse("plans:detail", args=[plan.pk])

    volunteers = PlanItem.objects.get(plan=plan, title="开展科技志愿服务")
    assert volunteers.due == dt.date(2025, 12, 31) and volunteers.key == "2.4"
    lead = Assignment.objects.get(item=volunteers, role="lead")
    assert (lead.unit_name, lead.organization) == ("组织人事部", departments["组织人事部"])
    co = Assignment.objects.get(item=volunteers, role="co")
    assert (co.unit_name, co.organization) == ("各学会", None)
    target = Target.objects.get(item=volunteers)
    assert (target.min_value, target.unit) == (Decimal(200), "名")

    station = PlanItem.objects.get(plan=plan, title="建设院士专家工作站")
    assert station.parent.title == "人才服务" and station.parent.parent.title == "重点工作任务分工表"
    assert station.due == dt.date(2025, 12, 31) and station.span_start is not None
    assert {(a.role, a.unit_name, a.organization) for a in station.assignments.all()} == {
        ("lead", "组织人事部", departments["组织人事部"]), ("lead", "学会部", departments["学会学术部"]),
        ("co", "县工信局", None)}
    assert [(t.min_value, t.unit) for t in station.targets.all()] == [(Decimal(2), "家")]
    assert PlanItem.objects.get(plan=plan, title="深化县级学会改革").due == dt.date(2025, 6, 30)
    detail = client.get(confirmed["Location"]).content.decode()
    assert "建设院士专家工作站" in detail and "甲省科协学会学术部" in detail


def test_a_workbook_with_a_task_table_is_accepted_and_one_without_is_refused(province, signed_in, tmp_path):
    client = signed_in(province.provincial_clerk)
    response = _upload(client, province, build.write_xlsx(tmp_path / "table.xlsx"), "分工表.xlsx")
    plan_import = PlanImport.objects.get()
    assert response["Location"] == reverse("plans:review", args=[plan_import.pk])
    assert plan_import.parsed["title"] == "某县科协2025年重点工作任务分工表"
    page = client.get(response["Location"]).content.decode()
    assert "分工表!C8" in page and "来源单元格" in page

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["月份", "金额"])
    workbook.active.append([1, 2300])
    empty = tmp_path / "账目.xlsx"
    workbook.save(empty)
    response = _upload(client, province, empty, "账目.xlsx")
    assert response.status_code == 200 and "未识别到文档结构" in response.content.decode()
    assert PlanImport.objects.count() == 1
