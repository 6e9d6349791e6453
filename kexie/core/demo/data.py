"""The demo organisation network and the demo accounts.

Invented data in the genre of the association system: the national association with its
departments, three provinces down to townships, societies with branches and the grassroots
associations. Province, city and county names and their GB/T 2260 region codes are real; every
other name, code and number is made up. Plain data, no Django imports: the loader walks it.
"""

from dataclasses import dataclass, field

# The one documented password of every demo account (meets the default password policy).
DEMO_PASSWORD = "Kexie@2026"


@dataclass
class Node:
    """One organisation of the demo tree. ``legal`` marks a legal entity, which gets a unified
    social credit code: "13" = registered by the staffing authority as a people's organisation
    (科协), "51" = registered by civil affairs as a social organisation (学会, 农技协)."""

    name: str
    kind: str
    short_name: str = ""
    aliases: tuple[str, ...] = ()
    region_code: str = ""
    legal: str = ""
    address: str = ""
    founded_on: str = ""
    children: list["Node"] = field(default_factory=list)


def n(name, kind, *children, **fields) -> Node:
    return Node(name=name, kind=kind, children=list(children), **fields)


def association(name, short_name, kind, region_code, *children, **fields) -> Node:
    return n(name, kind, *children, short_name=short_name, region_code=region_code, legal="13", **fields)


def county(name, region_code, *children) -> Node:
    """A county-level association: 中牟县 -> 中牟县科学技术协会 (中牟县科协)."""
    return association(f"{name}科学技术协会", f"{name}科协", "county_association", region_code, *children)


def township(name, *children) -> Node:
    return n(f"{name}科学技术协会", "township_association", *children, short_name=f"{name}科协")


def city(name, region_code, *children) -> Node:
    return association(f"{name}科学技术协会", f"{name}科协", "city_association", region_code, *children)


def rural(name, *, legal=True) -> Node:
    return n(name, "rural_tech_association", legal="51" if legal else "")


def society(name, kind, *branches, **fields) -> Node:
    return n(name, kind, *(n(b, "society_branch") for b in branches), legal="51", **fields)


def provincial_departments() -> list[Node]:
    return [
        n("办公室", "department"),
        n("组织人事部", "department", aliases=("组人部",)),
        n("学会学术部", "department", aliases=("学会部",)),
        n("科学技术普及部", "department", aliases=("科普部",)),
    ]


NATIONAL = association(
    "中国科学技术协会", "中国科协", "national_association", "",
    # The departments and their short forms exactly as the plans write them.
    n("办公厅", "department"),
    n("组织人事部", "department", aliases=("组人部",)),
    n("学会学术部", "department", aliases=("学会部",)),
    n("科学技术普及部", "department", aliases=("科普部",)),
    n("调研宣传部", "department", aliases=("调宣部",)),
    n("国际联络部", "department", aliases=("国际部",)),
    n("计划财务部", "department", aliases=("计财部",)),
    n("信息中心", "affiliated_unit"),
    society("中国电子学会", "national_society", "嵌入式系统专业委员会", "电子测量与仪器专业委员会",
            "青年工作委员会", short_name="电子学会"),
    society("中国农学会", "national_society", "农业信息化专业委员会", "耕作制度专业委员会",
            short_name="农学会"),
    society("中国药学会", "national_society", "药物分析专业委员会", "医院药学专业委员会"),
    n("中国华原能源集团有限公司科学技术协会", "enterprise_association", short_name="华原能源科协"),
    founded_on="1958-09-25",
    address="北京市海淀区复兴路3号",
)

HENAN = association(
    "河南省科学技术协会", "河南省科协", "provincial_association", "410000",
    *provincial_departments(),
    city(
        "郑州市", "410100",
        county("中牟县", "410122",
               township("官渡镇", rural("官渡镇西瓜种植技术协会", legal=False)),
               township("韩寺镇"),
               rural("中牟县大蒜产业技术协会")),
        county("新郑市", "410184", township("龙湖镇")),
        county("登封市", "410185"),
        n("郑州高新技术产业开发区科学技术协会", "park_association", short_name="郑州高新区科协"),
        n("中原重型机械股份有限公司科学技术协会", "enterprise_association", short_name="中原重机科协"),
    ),
    city(
        "洛阳市", "410300",
        county("栾川县", "410324", rural("栾川县中药材种植技术协会")),
        county("嵩县", "410325"),
        county("伊川县", "410329"),
    ),
    city(
        "新乡市", "410700",
        county("原阳县", "410725", rural("原阳县稻米产业技术协会")),
        county("延津县", "410726"),
    ),
    society("河南省农学会", "provincial_society", "土壤肥料专业委员会", "小麦专业委员会"),
    n("郑州中原大学科学技术协会", "university_association", short_name="中原大学科协"),
    n("河南省农业科学研究院科学技术协会", "institute_association", short_name="省农科院科协"),
    address="河南省郑州市金水区花园路",
)

ZHEJIANG = association(
    "浙江省科学技术协会", "浙江省科协", "provincial_association", "330000",
    *provincial_departments(),
    city(
        "杭州市", "330100",
        county("桐庐县", "330122"),
        county("淳安县", "330127", rural("淳安县千岛湖茶叶技术协会")),
        county("建德市", "330182"),
        n("杭州城西科创园科学技术协会", "park_association", short_name="城西科创园科协"),
    ),
    city(
        "宁波市", "330200",
        county("象山县", "330225"),
        county("宁海县", "330226"),
        n("宁波海晨电器股份有限公司科学技术协会", "enterprise_association", short_name="海晨电器科协"),
    ),
    city(
        "湖州市", "330500",
        county("德清县", "330521"),
        county("长兴县", "330522"),
        county("安吉县", "330523",
               township("天荒坪镇"),
               township("递铺街道"),
               rural("安吉县白茶产业技术协会")),
    ),
    society("浙江省电子学会", "provincial_society", "集成电路专业委员会", "通信专业委员会"),
    n("浙江东海工业大学科学技术协会", "university_association", short_name="东海工大科协"),
    address="浙江省杭州市西湖区",
)

SICHUAN = association(
    "四川省科学技术协会", "四川省科协", "provincial_association", "510000",
    *provincial_departments(),
    city(
        "成都市", "510100",
        county("金堂县", "510121", township("赵镇街道")),
        county("大邑县", "510129"),
        county("蒲江县", "510131", rural("蒲江县猕猴桃产业技术协会")),
    ),
    city(
        "绵阳市", "510700",
        county("三台县", "510722"),
        county("盐亭县", "510723", township("玉龙镇")),
        county("梓潼县", "510725"),
        n("绵阳西南仪器研究所科学技术协会", "institute_association", short_name="西南仪器所科协"),
    ),
    society("四川省药学会", "provincial_society", "中药专业委员会", "临床药学专业委员会"),
    n("蜀南理工大学科学技术协会", "university_association", short_name="蜀南理工科协"),
    address="四川省成都市青羊区",
)

NATIONAL.children += [HENAN, ZHEJIANG, SICHUAN]


@dataclass(frozen=True)
class DemoAccount:
    """One demo sign-in. ``org_path`` names the organisation from the root down."""

    username: str
    full_name: str
    role: str
    org_path: tuple[str, ...]


_CAST = ("中国科学技术协会",)

ACCOUNTS = [
    DemoAccount("national_clerk", "周明远", "national_clerk", _CAST),
    # Staff of two national departments that lead tasks: one asks for a deferral, the other
    # answers a supervision notice (the reform office, which decides and issues, may do neither).
    DemoAccount("society_dept_clerk", "何嘉宁", "department_clerk", _CAST + ("学会学术部",)),
    DemoAccount("popsci_clerk", "宋雨桐", "department_clerk", _CAST + ("科学技术普及部",)),
    # The head of the reform office, who decides the requests the office's clerk files for the
    # units (at the year-end close-out), since nobody decides a request of their own.
    DemoAccount("office_head", "李振华", "national_clerk", _CAST),
    DemoAccount("xinzheng_clerk", "许昌明", "county_clerk",
                _CAST + ("河南省科学技术协会", "郑州市科学技术协会", "新郑市科学技术协会")),
    DemoAccount("provincial_clerk", "郑晓岚", "provincial_clerk", _CAST + ("河南省科学技术协会",)),
    DemoAccount("county_clerk", "牟建国", "county_clerk",
                _CAST + ("河南省科学技术协会", "郑州市科学技术协会", "中牟县科学技术协会")),
    DemoAccount("society_secretary", "林青", "society_secretary", _CAST + ("中国电子学会",)),
    DemoAccount("review_expert", "钱学林", "evaluation_expert", _CAST + ("信息中心",)),
    DemoAccount("sysadmin", "陈立", "system_admin", _CAST),
    DemoAccount("secadmin", "吴航", "security_admin", _CAST),
    DemoAccount("auditadmin", "孙宁", "audit_admin", _CAST),
]
