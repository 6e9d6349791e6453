"""Building person records and spreadsheets for the people tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from kexie.people import services

# Valid ID numbers (GB 11643 check digits), written for the tests: no real persons.
ID_A = "11010519491231002X"
ID_B = "440524188001010014"


def person(world, name="张伟", *, by=None, organization=None, unit="甲省大学", **data):
    by = by or world.provincial_clerk
    return services.person_create(by=by, organization=organization or by.organization, data={"name": name, **data},
                                  positions=[{"unit_name": unit, "role": "教授"}] if unit else [])


def xlsx_upload(rows, headers=None, name="人员.xlsx") -> SimpleUploadedFile:
    headers = headers or ["姓名", "性别", "身份证号", "手机", "工作单位", "职务", "学科代码", "省份", "荣誉"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
