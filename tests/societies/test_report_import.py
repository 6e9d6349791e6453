"""Excel import of many societies' annual reports: the template, a preview with row-by-row errors,
and an all-or-nothing confirmation. Files are real .xlsx workbooks written with openpyxl."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kexie.organizations.models import Organization
from kexie.societies import importers, services
from kexie.societies.models import AnnualReport

from .matrix import FILLED

# Valid credit codes (check digit included) for the test societies.
CODES = {"testing": "51100000500000001A", "physics": "51100000500000002D", "crops": "51100000500000003G"}


def _with_codes(societies):
    from kexie.core.validators import is_valid_credit_code

    for attr, code in CODES.items():
        assert is_valid_credit_code(code), code
        Organization.objects.filter(pk=getattr(societies, attr).pk).update(credit_code=code)


def _workbook(rows, *, headers=None) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers or [str(label) for _key, label in importers.columns()])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("年报汇总.xlsx", buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _row(code, name, **values):
    filled = {**FILLED, **values}
    return [code, name] + [filled[key] for key, _label in importers.columns()[2:]]


def _upload(client, rows, year=2025):
    return client.post(reverse("societies:import"), {"year": year, "file": _workbook(rows)})


def test_the_template_has_the_code_the_name_and_every_report_field(world, societies, signed_in):
    response = signed_in(world.national_clerk).get(reverse("societies:import_template"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[2]]
    assert headers[:2] == ["统一社会信用代码", "学会名称"]
    assert "举办学术活动次数" in headers and "年度收入（万元）" in headers
    assert len(headers) == len(importers.columns())


def test_a_correct_file_is_previewed_then_saved_as_submitted(world, societies, signed_in):
    _with_codes(societies)
    client = signed_in(world.national_clerk)
    preview = _upload(client, [_row(CODES["physics"], "中国甲物理学会", academic_events=9),
                               _row(CODES["crops"], "", income=45.5)])
    assert preview.status_code == 200 and preview.context["error_rows"] == 0
    assert not AnnualReport.objects.exists()  # nothing before the confirmation
    confirmed = client.post(reverse("societies:import_confirm"), {"token": preview.context["token"]})
    assert confirmed.status_code == 302
    physics = AnnualReport.objects.get(society=societies.physics, year=2025)
    crops = AnnualReport.objects.get(society=societies.crops, year=2025)
    assert physics.status == crops.status == "submitted" and physics.academic_events == 9
    assert str(crops.income) == "45.50" and physics.round == societies.round_2025


def test_mismatched_codes_wrong_types_and_duplicates_are_row_errors_and_nothing_is_saved(world, societies,
                                                                                         signed_in):
    _with_codes(societies)
    outside = Organization.objects.create(name="乙省测试学会", kind="provincial_society", parent=world.prov_b,
                                          depth=2, credit_code="51420000500000009F")
    client = signed_in(world.national_clerk)
    rows = [
        _row(CODES["physics"], "中国甲物理学会"),                   # row 2: correct
        _row("51100000500000099C", "中国乙作物学会"),                # row 3: unknown code
        _row(CODES["testing"], "中国乙作物学会"),                   # row 4: code and name of different societies
        _row(CODES["crops"], "中国乙作物学会", academic_events="三百"),  # row 5: not a number
        _row(CODES["physics"], "中国甲物理学会"),                   # row 6: the same society again
        _row(outside.credit_code, "乙省测试学会"),                  # row 7: not in the registry / scope
    ]
    preview = _upload(client, rows)
    by_row = {r.row: " ".join(e["message"] for e in r.errors) for r in preview.context["results"]}
    assert by_row[2] == ""
    assert "51100000500000099C" in by_row[3]
    assert "属于中国测试学会" in by_row[4]
    assert "“三百”不是用阿拉伯数字填写的非负整数" in by_row[5]
    assert "已在本文件第2行出现" in by_row[6]
    assert "51420000500000009F" in by_row[7]
    assert "第5行，“举办学术活动次数”列：“三百”不是" in preview.text
    # Confirming a file with errors anyway imports nothing and shows the errors again.
    assert client.post(reverse("societies:import_confirm"), {"token": preview.context["token"]}).status_code == 400
    assert not AnnualReport.objects.exists()


def test_a_closed_year_or_an_accepted_report_is_a_row_error(world, societies, signed_in):
    _with_codes(societies)
    services.report_submit(by=world.society_secretary, society=societies.testing, year=2025, values=FILLED)
    report = AnnualReport.objects.get(society=societies.testing)
    services.report_accept(by=world.national_clerk, report=report)
    client = signed_in(world.national_clerk)
    preview = _upload(client, [_row(CODES["testing"], "中国测试学会", academic_events=99)])
    assert "已审核通过" in preview.text
    services.report_year_close(by=world.national_clerk, report_year=societies.round_2025)
    preview = _upload(client, [_row(CODES["physics"], "中国甲物理学会")])
    assert "2025年度年报已关闭" in preview.text
    assert AnnualReport.objects.get(pk=report.pk).academic_events == FILLED["academic_events"]
    assert AnnualReport.objects.count() == 1


def test_the_confirmation_checks_again_and_keeps_nothing_when_a_row_went_bad(world, societies, signed_in):
    _with_codes(societies)
    client = signed_in(world.national_clerk)
    preview = _upload(client, [_row(CODES["physics"], "中国甲物理学会"), _row(CODES["crops"], "中国乙作物学会")])
    assert preview.context["error_rows"] == 0
    services.report_year_close(by=world.national_clerk, report_year=societies.round_2025)  # meanwhile
    response = client.post(reverse("societies:import_confirm"), {"token": preview.context["token"]})
    assert response.status_code == 400 and "2025年度年报已关闭" in response.text
    assert not AnnualReport.objects.exists()


def test_a_secretary_cannot_import(world, societies, signed_in):
    client = signed_in(world.society_secretary)
    assert client.get(reverse("societies:import")).status_code == 403
