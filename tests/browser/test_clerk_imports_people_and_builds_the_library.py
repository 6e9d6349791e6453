"""The provincial clerk's daily job with person records: import people from Excel, see which
are new and which may already be on record, merge a possible duplicate after comparing the two
records field by field, and add the merged person to the provincial expert library."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook
from playwright.sync_api import expect

from kexie.people import services
from kexie.people.models import ExpertEntry, Person
from tests.personas import PASSWORD

pytestmark = pytest.mark.browser


def _workbook(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "性别", "手机", "工作单位", "职务", "学科代码", "省份"])
    sheet.append(["章伟", "男", "13900002222", "甲省大学", "教授", "520", "河南省"])
    sheet.append(["王芳", "女", "13900001111", "甲省农科院", "研究员", "210", "河南省"])
    path = tmp_path / "人员.xlsx"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_a_provincial_clerk_imports_merges_a_duplicate_and_adds_an_expert(page, live_server, browser_world,
                                                                          tmp_path):
    world, base_url = browser_world, live_server.url
    on_record = services.person_create(by=world.provincial_clerk, organization=world.prov_a,
                                       data={"name": "张伟", "phone": "13812345678", "title": "副教授"},
                                       positions=[{"unit_name": "甲省大学", "role": "教授"}])
    page.goto(base_url + reverse("accounts:login"))
    page.locator("input[name=username]").fill(world.provincial_clerk.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: reverse("accounts:login") not in url)

    # The menu leads to the person records, and from there to the import.
    page.get_by_role("link", name="人员库").click()
    page.get_by_role("link", name="导入", exact=True).click()
    page.locator("input[type=file]").set_input_files(str(_workbook(tmp_path)))
    page.get_by_role("button", name="校验文件").click()
    expect(page.locator("#import-counts")).to_have_text(
        "新增 1 人；已登记（跳过）0 人；疑似重复（保存后核对）1 人。")
    expect(page.locator("#import-rows")).to_contain_text("姓名拼音相同、单位相同")
    page.get_by_role("button", name="保存新记录").click()

    # The duplicates page offers the pair; the clerk keeps 张伟 and takes the mobile of the import.
    expect(page.locator("h1")).to_have_text("疑似重复")
    page.get_by_role("link", name="核对并合并").click()
    page.locator("input[name=phone][value=absorbed]").check()
    page.get_by_role("button", name="合并", exact=True).click()
    expect(page.locator("h1")).to_contain_text("张伟")
    expect(page.locator("#positions")).to_contain_text("甲省大学")
    expect(page.locator("#person-props")).to_contain_text("139****2222")

    # Then into the provincial expert library.
    page.locator("#entry-add select").select_option(str(world.prov_a.pk))
    page.get_by_role("button", name="加入专家库").click()
    expect(page.locator("h1")).to_contain_text("在库")
    on_record.refresh_from_db()
    assert on_record.phone == "13900002222"
    assert Person.objects.current().filter(name="章伟").count() == 0
    assert ExpertEntry.objects.get(person=on_record).library.organization_id == world.prov_a.pk
