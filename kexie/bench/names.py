"""Names in the genre of the association system for the generated data (the demo's style).

Province names and region codes are real; cities, counties and townships are made of two or
three characters chosen by their running number, so they are unique across the whole network.
"""

import random

PROVINCES = [
    ("北京市", "110000"), ("天津市", "120000"), ("河北省", "130000"), ("山西省", "140000"),
    ("内蒙古自治区", "150000"), ("辽宁省", "210000"), ("吉林省", "220000"), ("黑龙江省", "230000"),
    ("上海市", "310000"), ("江苏省", "320000"), ("浙江省", "330000"), ("安徽省", "340000"),
    ("福建省", "350000"), ("江西省", "360000"), ("山东省", "370000"), ("河南省", "410000"),
    ("湖北省", "420000"), ("湖南省", "430000"), ("广东省", "440000"), ("广西壮族自治区", "450000"),
    ("海南省", "460000"), ("重庆市", "500000"), ("四川省", "510000"), ("贵州省", "520000"),
    ("云南省", "530000"), ("西藏自治区", "540000"), ("陕西省", "610000"), ("甘肃省", "620000"),
    ("青海省", "630000"), ("宁夏回族自治区", "640000"), ("新疆维吾尔自治区", "650000"),
]

NATIONAL_DEPARTMENTS = [
    ("办公厅", ()), ("组织人事部", ("组人部",)), ("学会学术部", ("学会部",)), ("科学技术普及部", ("科普部",)),
    ("调研宣传部", ("调宣部",)), ("国际联络部", ("国际部",)), ("计划财务部", ("计财部",)),
]
PROVINCIAL_DEPARTMENTS = [
    ("办公室", ()), ("组织人事部", ("组人部",)), ("学会学术部", ("学会部",)), ("科学技术普及部", ("科普部",)),
]
CITY_DEPARTMENTS = [("办公室", ()), ("科学技术普及部", ("科普部",))]

GRASSROOTS_PROVINCE = [
    ("university_association", "大学科学技术协会"), ("institute_association", "研究院科学技术协会"),
    ("enterprise_association", "集团有限公司科学技术协会"), ("park_association", "高新技术产业开发区科学技术协会"),
    ("rural_tech_association", "农村专业技术协会联合会"), ("university_association", "理工学院科学技术协会"),
]
GRASSROOTS_CITY = [
    ("university_association", "职业技术学院科学技术协会"), ("enterprise_association", "股份有限公司科学技术协会"),
    ("institute_association", "农业科学研究所科学技术协会"), ("park_association", "经济技术开发区科学技术协会"),
]
GRASSROOTS_COUNTY = [
    ("rural_tech_association", "种植技术协会"), ("enterprise_association", "有限公司科学技术协会"),
    ("park_association", "工业园区科学技术协会"),
]

_CHARS = "安宝昌长成川大丰福阜高广海和河华怀吉嘉建江金静开康乐临龙隆宁平清庆仁瑞山上石寿顺泰通万文武西祥新兴阳永玉源云泽彰正"
_DISCIPLINES = """数学 物理 化学 天文 地理 地质 气象 海洋 生物化学与分子生物 植物 动物 昆虫 微生物 生理 心理 遗传 生态
力学 电子 通信 计算机 自动化 仪器仪表 机械工程 汽车工程 航空 宇航 造船工程 铁道 公路 水利 电机工程 电工技术 能源研究
金属 材料研究 硅酸盐 化工 纺织工程 造纸 食品科学技术 印刷技术 土木工程 建筑 测绘地理信息 环境科学 核 农学 林 土壤
园艺 植物保护 畜牧兽医 水产 农业机械 草 茶叶 蚕 作物 医学 中医药 药学 护理 营养 防痨 抗癌 针灸 预防医学 生物医学工程
体育科学 科学技术史 自然辩证法 科普作家 科技期刊编辑 工程教育 标准化 计量测试 质量 图学 人工智能 网络空间安全 大数据
密码 遥感 卫星导航 空间科学 风景园林 城市规划 区域科学 技术经济 管理现代化 未来研究 运筹 系统工程 振动工程 岩石力学
岩土 照明 制冷 真空 腐蚀与防护 热处理 铸造 焊接 锻压 表面工程 粉末冶金 稀土 颗粒 复合材料 光学 声学 激光 光伏""".split()
_BRANCHES = """青年工作委员会 学术工作委员会 科普工作委员会 国际交流委员会 标准化工作委员会 教育工作委员会
期刊工作委员会 产学研合作委员会 女科技工作者委员会 继续教育工作委员会 咨询工作委员会 奖励工作委员会""".split()
_CROPS = "小麦 水稻 玉米 大豆 棉花 茶叶 蔬菜 水果 中药材 食用菌 花卉 蜂业 生猪 肉牛 渔业".split()
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玲斌波宇浩凯健俊帆帅旭宁飞鹏辉"

_VERBS = "推进 实施 建设 开展 完善 深化 加强 健全 打造 提升 培育 探索 优化 落实 拓展".split()
_OBJECTS = """科普教育基地 学会治理结构 科技工作者之家 院士专家工作站 科创中国试点城市 青少年科技教育 基层科协组织
科技智库 学术交流平台 科技期刊质量 科普信息化 农村科普示范 科学家精神宣传 科技志愿服务 海智计划工作站 学会服务站
应急科普体系 科技人才评价 产学研协同 老科技工作者协会 企业科协组织 高校科协组织 园区科协组织 科普场馆体系
全民科学素质行动 科技成果转化 国际科技交流 科技社团党建 学会综合评估 科技奖励推荐""".split()
_ENDINGS = ["", "工作", "机制", "工程", "行动", "改革", "体系建设"]
SECTIONS = """提升科普能力 强化学会治理 服务科技工作者 推动创新驱动发展 加强基层组织建设 深化对外交流
夯实党建基础 建设高水平科技智库 完善工作保障""".split()
METRICS = [("科普教育基地", "个"), ("院士专家工作站", "个"), ("科技志愿者", "名"), ("学术会议", "场"),
           ("科普活动", "场"), ("科技工作者之家", "家"), ("培训人次", "人次"), ("学会服务站", "个")]
PLAN_TITLES = {
    "national": "2025—2026年深化改革重点任务", "province": "深化改革实施方案（2025—2026年）",
    "city": "2025—2026年工作要点", "county": "2025—2026年重点工作安排",
    "national_society": "改革发展工作方案（2025—2026年）", "provincial_society": "2025—2026年工作计划",
}


def place(suffix: str, number: int, width: int) -> str:
    """The ``number``-th made-up place name of ``width`` characters, e.g. 安宝 + 市."""
    chars = []
    for _ in range(width):
        number, digit = divmod(number, len(_CHARS))
        chars.append(_CHARS[digit])
    return "".join(chars) + suffix


def societies(count: int, prefix: str) -> list[str]:
    """``count`` distinct society names: 中国物理学会, 吉林省数学学会 …"""
    names = []
    for n in range(count):
        discipline = _DISCIPLINES[n % len(_DISCIPLINES)]
        kind = ["学会", "研究会", "协会"][n // len(_DISCIPLINES) % 3]
        names.append(f"{prefix}{discipline}{kind}")
    return names


def branch(number: int) -> str:
    return _BRANCHES[number % len(_BRANCHES)]


def grassroots(rng: random.Random, place_name: str, label: str) -> str:
    if label == "种植技术协会":
        return f"{place_name}{rng.choice(_CROPS)}{label}"
    stem = place_name.removesuffix("省").removesuffix("市").removesuffix("县")
    return f"{stem}{label}"


def person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.randint(1, 2)))


def task(rng: random.Random) -> str:
    return rng.choice(_VERBS) + rng.choice(_OBJECTS) + rng.choice(_ENDINGS)


def section(rng: random.Random) -> str:
    return rng.choice(SECTIONS)
