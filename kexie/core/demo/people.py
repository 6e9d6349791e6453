"""Person records and two expert libraries in the demo: the national one (中国科协专家库) and the
provincial one of 河南省科协, a few hundred people written for the project.

Names, units, titles, keywords and works are drawn deterministically (a fixed seed) from the
vocabularies below; no real person is meant. Some experts are in both libraries (one record, two
entries); two pairs of records are possible duplicates (same pinyin, same unit) for the
duplicates page. Loaded in bulk as historical records (no audit rows), in a fixed number of
queries. Idempotent: when the national library exists nothing is done.
"""

import datetime as dt
import random

from kexie.core import crypto
from kexie.core.validators import id_number_check_char
from kexie.people import codes
from kexie.people.models import (
    EntryStatus,
    ExpertEntry,
    ExpertLibrary,
    Honour,
    PerformanceReview,
    Person,
    Position,
    Work,
)

_CAST = ("中国科学技术协会",)
_HENAN = _CAST + ("河南省科学技术协会",)
NATIONAL_COUNT, PROVINCIAL_COUNT, SHARED_COUNT = 240, 120, 30

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华文辉玲建国宁红梅亮林斌志新海波鹏飞雪琳晨阳思远博宇浩然欣怡子涵雨轩嘉懿泽宏"
TITLES = ["教授", "研究员", "正高级工程师", "副教授", "副研究员", "高级工程师", "主任医师", "教授级高级农艺师"]
ROLES = ["院长", "副院长", "所长", "主任", "首席科学家", "总工程师", "学科带头人", ""]
UNITS_NATIONAL = ["清源大学", "华中理工学院", "东方科学研究院", "北辰信息技术研究所", "长江生命科学研究中心", "南海海洋研究所",
                  "中原农业科学院", "西部能源研究院", "国家材料测试中心", "京华医学院"]
UNITS_HENAN = ["河南省科学院", "中原工学研究院", "郑州理工大学", "河南省农业科学院", "洛阳装备研究所", "开封医学院",
               "河南省人民医院", "新乡生物工程研究所"]
CITIES_HENAN = ["郑州市", "洛阳市", "开封市", "新乡市", "南阳市", "许昌市"]
# discipline code -> (industry code, keywords)
FIELDS = {
    "520": ("65", ["人工智能", "机器学习", "知识图谱", "软件工程", "数据库", "自然语言处理"]),
    "52020": ("65", ["深度学习", "智能推荐", "计算机视觉"]),
    "510": ("39", ["集成电路", "通信网络", "信号处理", "物联网"]),
    "140": ("73", ["凝聚态", "量子信息", "激光物理"]),
    "150": ("26", ["催化", "高分子材料", "分析检测"]),
    "180": ("73", ["基因组学", "合成生物学", "生态学"]),
    "210": ("01", ["作物育种", "土壤肥料", "植物保护", "智慧农业"]),
    "320": ("84", ["心血管", "肿瘤诊疗", "医学影像"]),
    "430": ("30", ["新能源材料", "复合材料", "金属材料"]),
    "460": ("34", ["智能制造", "数控装备", "机器人"]),
    "480": ("44", ["储能", "氢能", "光伏"]),
    "610": ("77", ["大气污染治理", "水环境", "碳中和"]),
    "630": ("72", ["科技管理", "技术经济", "创新政策"]),
}
CATEGORIES = ["学术评审专家", "技术咨询专家", "科普专家", "决策咨询专家"]
HONOURS = ["全国优秀科技工作者", "省青年科技奖", "省劳动模范", "省学术技术带头人", "省优秀专家"]
VENUES = ["科学通报", "中国科学", "计算机学报", "农业工程学报", "中华医学杂志", "材料导报", "科技导报"]
SERVICES = ["科技奖励初评", "学会评估", "项目验收", "揭榜挂帅评审", "科普作品评审"]


def _id_number(rng: random.Random, region: str) -> str:
    first17 = f"{region}{rng.randint(1960, 1990)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return first17 + id_number_check_char(first17)


def _person(rng: random.Random, index: int, *, organization, units, region_code, cities) -> tuple[Person, dict]:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    discipline = rng.choice(list(FIELDS))
    industry, words = FIELDS[discipline]
    person = Person(organization=organization, name=name, gender=rng.choice(("male", "female")),
                    title=rng.choice(TITLES), disciplines=[discipline], industries=[industry],
                    region_code=region_code, city=rng.choice(cities),
                    phone=f"1390000{index:04d}", email=f"expert{index:04d}@example.cn")
    birth = _id_number(rng, region_code[:2] + "0100")
    person.birth_date = dt.date(int(birth[6:10]), int(birth[10:12]), int(birth[12:14]))
    if index % 3:  # not everyone gives an ID number
        person.id_number_encrypted, person.id_number_digest = crypto.encrypt(birth), crypto.digest(birth)
    person.refresh_keys()
    extra = {"unit": rng.choice(units), "role": rng.choice(ROLES), "keywords": rng.sample(words, min(2, len(words))),
             "honour": rng.choice(HONOURS) if rng.random() < 0.3 else "", "words": words}
    return person, extra


def ensure_demo_people(*, organization_at, user_named, calendar) -> bool:
    national_org, henan_org = organization_at(_CAST), organization_at(_HENAN)
    if ExpertLibrary.objects.filter(organization=national_org).exists():
        return False
    rng = random.Random(14)
    national_lib = ExpertLibrary.objects.create(organization=national_org, name="中国科协专家库")
    henan_lib = ExpertLibrary.objects.create(organization=henan_org, name="河南省科协专家库")
    built = []
    for i in range(NATIONAL_COUNT):
        province = rng.choice(list(codes.PROVINCES)[:31])
        built.append(("national", *_person(rng, i, organization=national_org, units=UNITS_NATIONAL,
                                           region_code=province, cities=["—"])))
    for i in range(NATIONAL_COUNT, NATIONAL_COUNT + PROVINCIAL_COUNT):
        built.append(("henan", *_person(rng, i, organization=henan_org, units=UNITS_HENAN, region_code="410000",
                                        cities=CITIES_HENAN)))
    # Two possible duplicates on the provincial side: the same sound, the same unit.
    for index, (twin, name) in enumerate((("张伟", "章伟"), ("李静", "黎静"))):
        for j, who in enumerate((twin, name)):
            person, extra = _person(rng, 900 + 2 * index + j, organization=henan_org, units=UNITS_HENAN,
                                    region_code="410000", cities=CITIES_HENAN)
            person.name = who
            person.id_number_encrypted = person.id_number_digest = ""
            person.refresh_keys()
            extra["unit"] = "河南省科学院"
            built.append(("twin", person, extra))
    for _kind, person, _extra in built:
        if person.city == "—":
            person.city = ""
    Person.objects.bulk_create([p for _k, p, _e in built])
    clerk = user_named("provincial_clerk")
    positions, honours, entries = [], [], []
    for kind, person, extra in built:
        positions.append(Position(person=person, unit_name=extra["unit"], role=extra["role"]))
        if extra["honour"]:
            honours.append(Honour(person=person, name=extra["honour"], year=rng.randint(2010, calendar.today.year - 1)))
        libraries = {"national": [national_lib], "henan": [henan_lib], "twin": []}[kind]
        for library in libraries:
            entries.append(_entry(rng, library, person, extra, calendar))
    # Some provincial experts serve in the national library too: one record, two entries.
    for kind, person, extra in [b for b in built if b[0] == "henan"][:SHARED_COUNT]:
        entries.append(_entry(rng, national_lib, person, extra, calendar))
    Position.objects.bulk_create(positions)
    Honour.objects.bulk_create(honours)
    ExpertEntry.objects.bulk_create(entries)
    works, reviews = [], []
    for entry in entries:
        for _ in range(rng.randint(0, 3)):
            words = entry._demo_words
            works.append(Work(entry=entry, title=f"{rng.choice(words)}与{rng.choice(words)}研究进展",
                              year=rng.randint(calendar.today.year - 8, calendar.today.year - 1),
                              coauthors=[rng.choice(SURNAMES) + rng.choice(GIVEN) for _ in range(rng.randint(0, 3))],
                              venue=rng.choice(VENUES)))
        if rng.random() < 0.25:
            reviews.append(PerformanceReview(
                entry=entry, date=calendar.today.replace(day=1) if calendar.today.day > 1 else calendar.today,
                service=f"{calendar.today.year - 1}年度{rng.choice(SERVICES)}", rating=rng.choice((3, 4, 4, 5, 5)),
                comment=rng.choice(("认真负责", "意见专业", "按时完成", "")), reviewer=clerk, reviewer_name=clerk.full_name))
    Work.objects.bulk_create(works)
    PerformanceReview.objects.bulk_create(reviews)
    return True


def _entry(rng, library, person, extra, calendar) -> ExpertEntry:
    status = rng.choices([EntryStatus.ACTIVE, EntryStatus.SUSPENDED, EntryStatus.WITHDRAWN], weights=(90, 7, 3))[0]
    entry = ExpertEntry(library=library, person=person, categories=rng.sample(CATEGORIES, rng.randint(1, 2)),
                        keywords=list(extra["keywords"]), avoidances=[extra["unit"]], status=status,
                        status_reason={EntryStatus.SUSPENDED: "出国访学", EntryStatus.WITHDRAWN: "本人申请退库"}.get(status, ""),
                        status_date=calendar.today)
    entry.refresh_search_text()
    entry._demo_words = extra["words"]
    return entry
