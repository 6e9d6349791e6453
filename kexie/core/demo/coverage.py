"""Demo grassroots coverage: written for the project. Henan's denominators for the load year,
imported as a provincial clerk would (an Excel file through the import service, one audit row);
the numbers covered then come from the demo's own university, enterprise, park, institute and
township associations. The figures are illustrative, not official statistics.

The 三长/四长 roster: a few grassroots leaders of 中牟县 (a hospital head, a high-school head, the
agri-tech station head, an entrepreneur) on 中牟县科协's committee and a park director on 郑州市科协's,
put on the roster by the provincial clerk through the roster service; the station head is the expert
of a field class the county association held, so the roster shows one activity led."""

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

_HENAN = ("中国科学技术协会", "河南省科学技术协会")
_ZHENGZHOU = _HENAN + ("郑州市科学技术协会",)
_ZHONGMU = _ZHENGZHOU + ("中牟县科学技术协会",)

# (committee's association, name, post kind, unit, post, committee role, term start (year offset))
ROSTER = [
    (_ZHONGMU, "刘建华", "hospital", "中牟县人民医院", "院长", "part_time_vice_chair"),
    (_ZHONGMU, "陈晓梅", "school", "中牟县第一高级中学", "校长", "standing"),
    (_ZHONGMU, "马国庆", "agri_station", "中牟县农业技术推广站", "站长", "member"),
    (_ZHONGMU, "吕红英", "enterprise", "中牟县金穗面业有限公司", "董事长", "member"),
    (_ZHENGZHOU, "周立新", "park", "郑州经济技术开发区管理委员会", "主任", "standing"),
]
FIELD_CLASS = ("中牟县大蒜绿色种植田间课堂", "中牟县韩寺镇大蒜示范田",
               "马国庆站长现场讲解测土配方施肥与病虫害绿色防控，发放技术明白纸500份。")

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

    created = False
    # Loaded once: a later run (even in another year) leaves the figures as they were first loaded.
    if not Denominator.objects.filter(region_code__startswith="41").exists():
        year = calendar.current_year
        import_denominators(by=user_named("provincial_clerk"), organization=organization_at(_HENAN),
                            uploaded_file=_workbook(year))
        created = True
    return _ensure_roster(organization_at=organization_at, user_named=user_named, calendar=calendar) or created


def _ensure_roster(*, organization_at, user_named, calendar) -> bool:
    import datetime as dt

    from kexie.activities import services as activities
    from kexie.coverage.models import RosterEntry
    from kexie.coverage.services import roster_add
    from kexie.people import services as people

    zhongmu = organization_at(_ZHONGMU)
    if RosterEntry.objects.filter(organization=zhongmu).exists():
        return False
    clerk = user_named("provincial_clerk")
    henan = organization_at(_HENAN)
    year = calendar.current_year
    station_head = None
    for path, name, kind, unit, post, role in ROSTER:
        person = people.person_create(by=clerk, organization=henan, data={"name": name},
                                      positions=[{"unit_name": unit, "role": post}])
        roster_add(by=clerk, organization=organization_at(path), person=person, data={
            "post_kind": kind, "post_unit": unit, "post_title": post, "committee_role": role,
            "term_starts_on": dt.date(year - 1, 1, 1), "term_ends_on": dt.date(year + 3, 12, 31)})
        if kind == "agri_station":
            station_head = person
    title, place, outputs = FIELD_CLASS
    day = calendar.day(dt.date(year, 4, 15))
    activities.activity_create(by=user_named("county_clerk"), organization=zhongmu, status="held", data={
        "kind": "training", "setting": "village", "title": title, "place": place, "region_code": "410122",
        "starts_on": day, "ends_on": day, "audience": 160, "staff_involved": 6, "experts": [station_head.pk],
        "outputs": outputs})
    return True
