"""Reading uploaded spreadsheets: header detection, row numbers, CSV encodings, and no XML entities."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kexie.core.excel import read_rows


def workbook_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for values in rows:
        workbook.active.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_skips_the_title_row_and_blank_rows_and_keeps_excel_row_numbers():
    data = workbook_bytes([["组织导入"], ["名称*", "类型"], ["中国科协", "全国科协"], [None, None], ["学会部", "机关部门"]])
    header, rows = read_rows(SimpleUploadedFile("a.xlsx", data), header_names={"名称"})
    assert header == ["名称*", "类型"]
    assert rows == [(3, ["中国科协", "全国科协"]), (5, ["学会部", "机关部门"])]


def test_it_reads_a_semicolon_csv_in_gbk():
    data = "名称;类型\n中国科协;全国科协\n".encode("gbk")
    header, rows = read_rows(SimpleUploadedFile("a.csv", data))
    assert header == ["名称", "类型"] and rows == [(2, ["中国科协", "全国科协"])]


def test_openpyxl_parses_through_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True


def test_an_external_entity_in_a_workbook_is_refused_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>')
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes([["名称"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            is_sheet = item.filename == "xl/worksheets/sheet1.xml"
            target.writestr(item, sheet.encode() if is_sheet else source.read(item.filename))
    with pytest.raises(ValidationError) as excinfo:
        read_rows(SimpleUploadedFile("xxe.xlsx", buffer.getvalue()))
    assert "无法作为 Excel 工作簿" in " ".join(excinfo.value.messages)
    assert "TOP-SECRET-VALUE" not in " ".join(excinfo.value.messages)


def test_a_workbook_with_too_many_rows_is_refused():
    data = workbook_bytes([["名称"]] + [[f"组织{i}"] for i in range(30)])
    with pytest.raises(ValidationError) as excinfo:
        read_rows(SimpleUploadedFile("a.xlsx", data), max_rows=10)
    assert "超过 10 行" in " ".join(excinfo.value.messages)
