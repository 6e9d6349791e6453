"""Building blocks of the coverage tests: a workbook of denominators and grassroots associations."""

import datetime as dt
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from kexie.organizations.services import organization_create

HEADER = ["地区代码", "地区名称", "类别", "年度", "数量", "来源"]


def workbook(*rows, header=HEADER, name="基数.xlsx") -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def grassroots(parent, name, kind, *, founded_on=dt.date(2026, 3, 1), **fields):
    return organization_create(by=None, parent=parent, name=name, kind=kind, founded_on=founded_on, **fields)
