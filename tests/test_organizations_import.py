"""Excel/CSV import of organisations: template, dry-run preview, all-or-nothing confirmation."""

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kexie.audit.models import AuditLog
from kexie.core.validators import credit_code_check_char
from kexie.organizations.models import Organization, OrganizationImport

HEADER = ["名称", "简称", "别名", "类型", "上级组织（全称或统一社会信用代码）", "统一社会信用代码", "行政区划代码",
          "成立日期", "状态", "联系人", "联系电话", "联系邮箱", "地址"]


def code(first17: str) -> str:
    return first17 + credit_code_check_char(first17)


def row(name, kind, parent, *, short="", credit="", region="", founded="", status=""):
    return [name, short, "", kind, parent, credit, region, founded, status, "", "", "", ""]


def xlsx_upload(rows, *, header=HEADER, title="组织导入", name="orgs.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_upload(rows, encoding, *, name="orgs.csv"):
    lines = [",".join(HEADER)] + [",".join(values) for values in rows]
    return SimpleUploadedFile(name, ("\r\n".join(lines) + "\r\n").encode(encoding))


def upload(client, file):
    return client.post(reverse("organizations:import"), {"file": file})


GOOD_ROWS = [
    row("丙市科学技术协会", "市级科协", "甲省科学技术协会", short="丙市科协", credit=code("51410300MJ0000001"),
        region="410300", founded="1985-03-01"),
    row("丙县科学技术协会", "县级科协", "丙市科学技术协会", region="410322"),  # parent on an earlier row
    row("丙市科协办公室", "机关部门", code("51410300MJ0000001")),  # parent by credit code
    row("甲市某企业科协", "企业科协", "甲市科学技术协会", status="休眠"),
]


def test_a_good_workbook_is_previewed_then_imported_in_one_go(world, signed_in):
    client = signed_in(world.provincial_clerk)
    before_orgs, before_audit = Organization.objects.count(), AuditLog.objects.count()
    response = upload(client, xlsx_upload(GOOD_ROWS))
    batch = OrganizationImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("organizations:import_preview",
                                                                           args=[batch.pk])
    preview = client.get(response["Location"])
    assert preview.context["error_rows"] == 0 and preview.context["ok_rows"] == 4
    assert "确认导入 4 个组织" in preview.text
    assert Organization.objects.count() == before_orgs  # a dry run saves nothing

    done = client.post(reverse("organizations:import_confirm", args=[batch.pk]))
    assert done.status_code == 302
    assert Organization.objects.count() == before_orgs + 4
    city = Organization.objects.get(name="丙市科学技术协会")
    assert city.parent == world.prov_a and city.founded_on.isoformat() == "1985-03-01"
    assert Organization.objects.get(name="丙县科学技术协会").parent == city
    assert Organization.objects.get(name="丙市科协办公室").parent == city
    assert Organization.objects.get(name="甲市某企业科协").status == "dormant"
    assert Organization.objects.subtree_of(world.prov_a).filter(name="丙县科学技术协会").exists()
    new_audit = AuditLog.objects.filter(pk__gt=0).count() - before_audit
    assert new_audit == 5
    assert AuditLog.objects.filter(action="import").get().new_values["count"] == 4
    assert AuditLog.objects.filter(action="create", username="provincial_clerk").count() == 4

    again = client.post(reverse("organizations:import_confirm", args=[batch.pk]))
    assert again.status_code == 302 and Organization.objects.count() == before_orgs + 4


def test_bad_rows_get_a_chinese_report_row_by_row_and_nothing_is_saved(world, signed_in):
    client = signed_in(world.provincial_clerk)
    rows = [
        row("丁市科学技术协会", "市级科协", "不存在的科协"),                                   # row 3
        row("甲市某乡科协", "乡镇（街道）科协", "甲省科学技术协会"),                           # row 4
        row("戊市科学技术协会", "市级科协", "甲省科学技术协会", credit="91110000600037341X"),  # row 5
        row("甲市科学技术协会", "市级科协", "甲省科学技术协会"),                              # row 6
        row("己市科学技术协会", "市级科协", "甲省科学技术协会", region="12"),                 # row 7
        row("庚市科学技术协会", "市级科协", "甲省科学技术协会", founded="去年"),               # row 8
        row("辛市科学技术协会", "市级科协", "甲省科学技术协会"),                              # row 9
        row("辛市科学技术协会", "市级科协", "甲省科学技术协会"),                              # row 10
        row("壬市科学技术协会", "市级科协", "乙省科学技术协会"),                              # row 11: out of scope
        row("癸县科学技术协会", "县级科协", "癸市科学技术协会"),                              # row 12: parent below
        row("癸市科学技术协会", "市级科协", "甲省科学技术协会"),                              # row 13
    ]
    before_orgs, before_audit = Organization.objects.count(), AuditLog.objects.count()
    preview = client.get(upload(client, xlsx_upload(rows))["Location"])
    messages = [e for r in preview.context["results"] for e in r.errors]
    by_row = {r.row: [f"{e['column']}：{e['message']}" for e in r.errors] for r in preview.context["results"]}
    assert any("上级组织“不存在的科协”不存在" in m for m in by_row[3])
    assert any("乡镇（街道）科协不能隶属于甲省科学技术协会（省级科协）" in m for m in by_row[4])
    assert any(m.startswith("统一社会信用代码：") and "校验位" in m for m in by_row[5])
    assert any("甲省科学技术协会下已有名为“甲市科学技术协会”的组织" in m for m in by_row[6])
    assert any(m.startswith("行政区划代码：") for m in by_row[7])
    assert any(m.startswith("成立日期：") and "去年" in m for m in by_row[8])
    assert by_row[9] == []
    assert any("在本文件中同一上级组织下重复出现" in m for m in by_row[10])
    assert any("上级组织“乙省科学技术协会”不存在" in m for m in by_row[11])
    assert any("癸市科学技术协会" in m for m in by_row[12])
    assert by_row[13] == []
    assert len(messages) == 9
    assert "第3行，“上级组织（全称或统一社会信用代码）”列" in preview.text
    assert "确认导入" not in preview.text

    # Confirming anyway (a forged POST) is refused in full.
    refused = client.post(reverse("organizations:import_confirm", args=[preview.context["batch"].pk]))
    assert refused.status_code == 400
    assert Organization.objects.count() == before_orgs
    assert AuditLog.objects.count() == before_audit


def test_rows_are_checked_again_at_confirmation(world, signed_in):
    client = signed_in(world.provincial_clerk)
    preview = client.get(upload(client, xlsx_upload(GOOD_ROWS[:2]))["Location"])
    assert preview.context["error_rows"] == 0
    # Someone creates the same city between preview and confirmation.
    from kexie.organizations.services import organization_create
    organization_create(by=None, parent=world.prov_a, name="丙市科学技术协会", kind="city_association")
    count = Organization.objects.count()
    response = client.post(reverse("organizations:import_confirm", args=[preview.context["batch"].pk]))
    assert response.status_code == 400
    assert Organization.objects.count() == count


def test_a_gbk_encoded_csv_is_imported(world, signed_in):
    client = signed_in(world.provincial_clerk)
    rows = [row("丙市科学技术协会", "市级科协", "甲省科学技术协会", region="410300")]
    preview = client.get(upload(client, csv_upload(rows, "gbk"))["Location"])
    assert preview.context["error_rows"] == 0
    assert preview.context["results"][0].values["name"] == "丙市科学技术协会"
    client.post(reverse("organizations:import_confirm", args=[preview.context["batch"].pk]))
    assert Organization.objects.filter(name="丙市科学技术协会", parent=world.prov_a).exists()


def test_a_utf16_csv_is_imported(world, signed_in):
    client = signed_in(world.provincial_clerk)
    rows = [row("丙市科学技术协会", "City association", "甲省科协".replace("甲省科协", "甲省科学技术协会"))]
    preview = client.get(upload(client, csv_upload(rows, "utf-16"))["Location"])
    assert preview.context["error_rows"] == 0
    assert preview.context["results"][0].kind == "city_association"


def test_an_invalid_credit_code_is_reported_on_its_row(world, signed_in):
    client = signed_in(world.provincial_clerk)
    good = code("51410300MJ0000002")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    preview = client.get(upload(client, xlsx_upload([
        row("丙市科学技术协会", "市级科协", "甲省科学技术协会", credit=bad)]))["Location"])
    [result] = preview.context["results"]
    assert result.row == 3
    assert result.errors == [{"column": "统一社会信用代码",
                              "message": f"“{bad}”不是有效的统一社会信用代码（应为18位，且校验位正确）。"}]


def test_a_file_without_the_required_columns_is_refused(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = upload(client, xlsx_upload([["甲", "乙"]], header=["名字", "备注"]))
    assert response.status_code == 200
    assert "表头缺少以下列：名称、类型" in response.text
    assert not OrganizationImport.objects.exists()


def test_a_malformed_workbook_is_refused_with_a_message(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = upload(client, SimpleUploadedFile("orgs.xlsx", b"PK\x03\x04 this is not a zip at all"))
    assert response.status_code == 200
    assert "不是有效的 .xlsx 文件" in response.text
    response = upload(client, SimpleUploadedFile("orgs.xlsx", b"name,kind\n"))
    assert "不是有效的 .xlsx 文件" in response.text
    assert not OrganizationImport.objects.exists()


def test_someone_elses_import_is_not_found(world, signed_in):
    batch = OrganizationImport.objects.create(created_by=world.other_provincial_clerk, filename="x.xlsx", rows=[])
    client = signed_in(world.provincial_clerk)
    assert client.get(reverse("organizations:import_preview", args=[batch.pk])).status_code == 404
    assert client.post(reverse("organizations:import_confirm", args=[batch.pk])).status_code == 404


def test_import_pages_need_the_import_permission(world, signed_in):
    client = signed_in(world.society_secretary)
    assert client.get(reverse("organizations:import")).status_code == 403
    assert client.get(reverse("organizations:import_template")).status_code == 403


def test_the_template_has_chinese_headers_an_example_and_choice_lists(world, signed_in):
    response = signed_in(world.provincial_clerk).get(reverse("organizations:import_template"))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert sheet.cell(row=2, column=1).value == "名称*"
    assert sheet.cell(row=2, column=4).value == "类型*"
    assert sheet.cell(row=3, column=4).value == "市级科协"
    formulas = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert len(formulas) == 2
    assert "省级科协" in [c.value for c in workbook["choices"]["A"]]


def test_the_filled_in_template_imports(world, signed_in):
    client = signed_in(world.provincial_clerk)
    template = client.get(reverse("organizations:import_template")).content
    preview = client.get(upload(client, SimpleUploadedFile("模板.xlsx", template))["Location"])
    assert preview.context["error_rows"] == 0
    assert preview.context["results"][0].values["name"] == "示例市科学技术协会"


def test_an_empty_import_creates_nothing_and_writes_no_audit(world, signed_in):
    batch = OrganizationImport.objects.create(created_by=world.provincial_clerk, filename="空.xlsx", rows=[])
    before = AuditLog.objects.count()
    response = signed_in(world.provincial_clerk).post(reverse("organizations:import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    assert AuditLog.objects.count() == before
    batch.refresh_from_db()
    assert batch.status == "pending"


def test_abandoned_previews_are_dropped_after_a_day(world, signed_in):
    import datetime as dt

    from django.utils import timezone

    old = OrganizationImport.objects.create(created_by=world.provincial_clerk, filename="旧.xlsx", rows=[])
    OrganizationImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    upload(signed_in(world.provincial_clerk), xlsx_upload(GOOD_ROWS[:1]))
    assert list(OrganizationImport.objects.values_list("filename", flat=True)) == ["orgs.xlsx"]
