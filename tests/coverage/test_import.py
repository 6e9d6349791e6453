"""The import of denominators from Excel: every bad row and column named in Chinese, nothing saved
when any row is bad, a re-import of the same region, category and year updates the figure, and one
audit row per import."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kexie.audit.models import AuditLog
from kexie.coverage.models import Denominator
from kexie.coverage.services import import_denominators
from tests.coverage.helpers import workbook

GOOD = [("410000", "河南省", "高校", 2026, 12, "教育厅名单"),
        ("410100", "郑州市", "规上企业", 2026, 30, "统计年鉴"),
        ("410122", "中牟县", "乡镇（街道）", 2026, 11, "")]


def _audit_count():
    return AuditLog.objects.filter(detail="coverage_denominators").count()


def test_a_good_file_creates_the_figures_with_one_audit_row(world):
    result = import_denominators(by=world.provincial_clerk, organization=world.prov_a, uploaded_file=workbook(*GOOD))
    assert result == {"created": 3, "updated": 0}
    assert Denominator.objects.get(region_code="410122", category="township", year=2026).count == 11
    assert _audit_count() == 1


def test_reimport_updates_and_says_so(world, signed_in):
    import_denominators(by=world.provincial_clerk, organization=world.prov_a, uploaded_file=workbook(*GOOD))
    client = signed_in(world.provincial_clerk)
    response = client.post(f"{reverse('coverage:denominators')}?org={world.prov_a.pk}&year=2026",
                           {"file": workbook(("410000", "河南省", "高校", 2026, 15, "新名单"),
                                             ("410000", "河南省", "园区", 2026, 5, ""))}, follow=True)
    assert response.status_code == 200
    assert "新增 1 项，更新 1 项" in response.content.decode()
    assert Denominator.objects.get(region_code="410000", category="university", year=2026).count == 15
    assert Denominator.objects.count() == 4 and _audit_count() == 2


def test_bad_rows_are_named_and_nothing_is_saved(world):
    rows = [GOOD[0],
            ("4101", "郑州市", "规上企业", 2026, 30, ""),
            ("410100", "郑州市", "学校", 2026, 30, ""),
            ("410100", "郑州市", "园区", "二〇二六", -1, ""),
            ("420100", "武汉市", "园区", 2026, 3, ""),
            ("410000", "河南省", "高校", 2026, 13, "")]
    with pytest.raises(ValidationError) as caught:
        import_denominators(by=world.provincial_clerk, organization=world.prov_a, uploaded_file=workbook(*rows))
    messages = caught.value.messages
    assert "第 3 行“地区代码”列：须为 6 位行政区划代码。" in messages
    assert "第 4 行“类别”列：须为高校、规上企业、园区、乡镇（街道）、科研院所之一。" in messages
    assert "第 5 行“年度”列：须为年份，如 2026。" in messages
    assert "第 5 行“数量”列：须为零或正整数。" in messages
    assert "第 6 行“地区代码”列：地区 420100 不在本组织的地区范围内。" in messages
    assert "第 7 行“类别”列：同一地区、类别和年度已在第 2 行出现。" in messages
    assert len(messages) == 6
    assert not Denominator.objects.exists() and _audit_count() == 0


def test_the_page_shows_the_errors_on_the_form(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("coverage:denominators"),
                           {"file": workbook(("410100", "郑州市", "学校", 2026, 30, ""))})
    assert response.status_code == 400
    assert "第 2 行“类别”列" in response.content.decode()
    missing = client.post(reverse("coverage:denominators"), {"file": workbook(header=["地区代码", "数量"])})
    assert "类别、年度" in missing.content.decode() and not Denominator.objects.exists()


def test_the_template_has_the_header_row(world, signed_in):
    response = signed_in(world.provincial_clerk).get(reverse("coverage:template"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["地区代码", "地区名称", "类别", "年度", "数量", "来源"]
    assert sheet.max_row == 1


def test_importing_needs_org_import(world, signed_in):
    response = signed_in(world.county_clerk).post(reverse("coverage:denominators"), {"file": workbook(*GOOD)})
    assert response.status_code == 403 and not Denominator.objects.exists()
