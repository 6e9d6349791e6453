"""Demo grassroots coverage: written for the project. Henan's denominators for the load year,
imported as a provincial clerk would (an Excel file through the import service, one audit row);
the numbers covered then come from the demo's own university, enterprise, park, institute and
township associations. The figures are illustrative, not official statistics."""

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

_HENAN = ("中国科学技术协会", "河南省科学技术协会")

# (region code, region name, category, count, source). The province's own figures sit above the
# cities' (the coverage selector counts only the topmost figure); townships are given per county
# only, so the province's township denominator is their sum.
FIGURES = [
    ("410000", "河南省", "高校", 168, "省教育厅高校名单（演示）"),
    ("410000", "河南省", "规上企业", 2400, "省统计局规上企业名录（演示，节选）"),
    ("410000", "河南省", "园区", 60, "省发展改革委开发区名录（演示）"),
    ("410000", "河南省", "科研院所", 40, "省科技厅科研院所名录（演示）"),
    ("410100", "郑州市", "高校", 68, "市教育局（演示）"),
    ("410100", "郑州市", "规上企业", 500, "市统计局（演示，节选）"),
    ("410100", "郑州市", "园区", 8, "市发展改革委（演示）"),
    ("410300", "洛阳市", "高校", 8, "市教育局（演示）"),
    ("410300", "洛阳市", "规上企业", 240, "市统计局（演示，节选）"),
    ("410700", "新乡市", "高校", 11, "市教育局（演示）"),
    ("410122", "中牟县", "乡镇（街道）", 16, "县民政局（演示）"),
    ("410184", "新郑市", "乡镇（街道）", 14, "市民政局（演示）"),
    ("410185", "登封市", "乡镇（街道）", 15, "市民政局（演示）"),
]


def _workbook(year: int) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    book.active.append(["地区代码", "地区名称", "类别", "年度", "数量", "来源"])
    for code, name, category, count, source in FIGURES:
        book.active.append([code, name, category, year, count, source])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("河南省基层组织覆盖基数.xlsx", buffer.getvalue())


def ensure_demo_coverage(*, organization_at, user_named, calendar) -> bool:
    """Create the demo's coverage data when missing; True when something was created."""
    from kexie.coverage.models import Denominator
    from kexie.coverage.services import import_denominators

    # Loaded once: a later run (even in another year) leaves the figures as they were first loaded.
    if Denominator.objects.filter(region_code__startswith="41").exists():
        return False
    year = calendar.current_year
    import_denominators(by=user_named("provincial_clerk"), organization=organization_at(_HENAN),
                        uploaded_file=_workbook(year))
    return True
