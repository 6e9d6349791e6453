"""Exports: the filtered rows, escaped formulas, a title row, and an audit row."""

import io

import openpyxl
from django.urls import reverse

from kexie.audit.models import AuditLog
from kexie.core.excel import escape_cell, write_workbook
from kexie.organizations.services import organization_create


def test_escape_cell_neutralises_formula_starts_only():
    assert escape_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert [escape_cell(v) for v in ("+1", "-1", "@SUM(A1)", "\tx")] == ["'+1", "'-1", "'@SUM(A1)", "'\tx"]
    assert escape_cell("中国科协") == "中国科协"
    assert escape_cell(-5) == -5 and escape_cell(None) is None


def test_write_workbook_has_a_title_a_bold_header_and_widths():
    workbook = write_workbook(title="组织名录", headers=["名称", "类型"], rows=[["中国科学技术协会", "全国科协"]])
    sheet = workbook.active
    assert sheet["A1"].value == "组织名录" and sheet["A2"].font.bold and sheet["A3"].value == "中国科学技术协会"
    assert sheet.column_dimensions["A"].width >= 16
    assert "A1:B1" in {str(r) for r in sheet.merged_cells.ranges}


def test_the_export_holds_the_filtered_rows_within_scope(world, signed_in):
    response = signed_in(world.provincial_clerk).get(reverse("organizations:export"), {"kind": "city_association"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "名称" and rows[1][3] == "类型"
    assert [r[0] for r in rows[2:]] == ["甲市科学技术协会"]  # 乙市 is of the same kind but out of scope
    assert rows[2][3] == "市级科协" and rows[2][4] == "甲省科学技术协会"


def test_the_export_escapes_a_formula_in_a_name(world, signed_in):
    organization_create(by=None, parent=world.city_a, name='=HYPERLINK("http://evil.example/","点我")',
                        kind="enterprise_association", contact_phone="13812345678")
    response = signed_in(world.provincial_clerk).get(reverse("organizations:export"), {"q": "hyperlink"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cell = sheet.cell(row=3, column=1)
    assert cell.value == '\'=HYPERLINK("http://evil.example/","点我")'
    assert cell.data_type == "s"
    assert sheet.cell(row=3, column=11).value == "138****5678"  # personal data stays masked


def test_the_export_is_audited_with_its_filter_and_row_count(world, signed_in):
    signed_in(world.national_clerk).get(reverse("organizations:export"), {"region": "420000", "q": "科"})
    row = AuditLog.objects.get(action="export")
    assert row.username == "national_clerk"
    assert row.new_values == {"filters": {"text": "科", "region": "420000"}, "count": 3}


def test_the_export_needs_the_export_permission(world, client, signed_in):
    from kexie.accounts.models import Role
    from tests.personas import make_user

    Role.objects.create(code="viewer_below", name="只看下级", permissions=["org.view"], data_scope="org_and_below")
    assert signed_in(make_user("v", world.prov_a, ["viewer_below"])).get(
        reverse("organizations:export")).status_code == 403
    assert not AuditLog.objects.filter(action="export").exists()
