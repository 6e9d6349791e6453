"""A deterministic synthetic expert library for benchmarks, tests and the generated matching set.

Fields of science and engineering with plausible Chinese keywords (no real persons: names are
numbered, units are "第N研究所"), GB/T 13745-style discipline codes (first two digits: the first
level), GB/T 4754-style industry codes, regions as province codes, a small organisation tree
(root → provinces → units → departments) and past reviews. The same arguments give the same
library, on any machine.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from .model import Expert, Target, Work

__all__ = ["FIELDS", "Library", "demand_text", "generate"]

# discipline code -> (industry code, keywords of the field)
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "4801": ("3841", ("储能", "锂电池", "钠离子电池", "固态电解质", "电池管理系统", "热失控", "正极材料", "液流电池")),
    "4802": ("4430", ("氢能", "电解水制氢", "燃料电池", "储氢材料", "质子交换膜", "加氢站", "绿氢", "析氢催化剂")),
    "4803": ("4415", ("光伏", "钙钛矿电池", "风电", "风机叶片", "光伏逆变器", "新能源并网", "海上风电", "光伏组件")),
    "5201": ("6513", ("人工智能", "机器学习", "深度学习", "大模型", "自然语言处理", "计算机视觉", "知识图谱", "强化学习")),
    "5202": ("6520", ("网络安全", "入侵检测", "密码算法", "数据安全", "隐私计算", "漏洞挖掘", "零信任", "态势感知")),
    "5203": ("6450", ("工业互联网", "边缘计算", "数字孪生", "物联网", "工业软件", "标识解析", "智能制造", "预测性维护")),
    "3201": ("8411", ("心血管", "冠心病", "高血压", "心力衰竭", "介入治疗", "动脉粥样硬化", "心律失常", "心脏康复")),
    "3202": ("8411", ("肿瘤", "免疫治疗", "靶向药物", "肺癌", "早期筛查", "放射治疗", "肿瘤标志物", "细胞治疗")),
    "2101": ("0111", ("作物育种", "水稻", "小麦", "分子标记", "基因编辑", "种质资源", "抗病育种", "杂交稻")),
    "2102": ("0190", ("病虫害", "生物防治", "农药残留", "植物保护", "绿色防控", "草地贪夜蛾", "天敌昆虫", "统防统治")),
    "4301": ("2651", ("高分子材料", "复合材料", "碳纤维", "可降解塑料", "树脂基体", "材料改性", "阻燃材料", "聚合物")),
    "4302": ("3240", ("高温合金", "钛合金", "增材制造", "焊接工艺", "腐蚀防护", "热处理", "粉末冶金", "轻量化")),
    "6101": ("7721", ("污水处理", "膜分离", "水污染治理", "脱氮除磷", "饮用水安全", "黑臭水体", "污泥处置", "中水回用")),
    "6102": ("7722", ("大气污染", "细颗粒物", "臭氧污染", "碳排放", "碳捕集", "挥发性有机物", "碳中和", "源解析")),
    "5801": ("5441", ("智能交通", "自动驾驶", "车路协同", "交通信号控制", "网联汽车", "出行大数据", "交通仿真", "智慧公路")),
    "5802": ("4812", ("桥梁工程", "隧道施工", "结构健康监测", "盾构", "路基沉降", "装配式建造", "桥梁检测", "岩土锚固")),
}
PROVINCES = ("11", "31", "32", "33", "37", "41", "42", "44", "51", "61")
WORK_TEMPLATES = ("{a}中的{b}关键技术研究", "基于{a}的{b}方法", "{a}与{b}协同优化研究", "面向{a}的{b}系统设计与应用",
                  "{a}{b}机理及调控", "{a}条件下{b}性能评价")
PROFILE = "长期从事{a}、{b}研究，主持{c}相关科研项目，参与制定行业标准。"
DEMANDS = ("我公司在{a}方面遇到技术难题，急需{b}领域专家指导，解决{c}问题。",
           "征集{a}与{b}技术解决方案，重点突破{c}瓶颈。",
           "候选人长期致力于{a}研究，在{b}和{c}方面取得突破。",
           "关于加快{a}和{b}产业发展、完善{c}支撑体系的建议。",
           "揭榜挂帅项目：{a}装备研发，要求具备{b}、{c}经验。")


def demand_text(rng: random.Random, code: str) -> str:
    """A demand, nomination or proposal sentence about three keywords of field ``code``."""
    a, b, c = rng.sample(FIELDS[code][1], 3)
    return rng.choice(DEMANDS).format(a=a, b=b, c=c)


@dataclass
class Library:
    experts: list[Expert]
    field_of: dict  # expert id -> its main discipline code
    units: list[tuple]  # org paths of the departments (depth 4)
    unit_names: dict  # org path -> name


def generate(n: int, *, seed: int = 1, today: dt.date = dt.date(2026, 12, 1), units_per_province: int = 6,
             works: tuple[int, int] = (0, 4)) -> Library:
    """``n`` experts: each mostly in one field (4–6 of its keywords), sometimes with one keyword
    of another field; 0–3 works; a department of the tree; 0–6 past reviews in three years."""
    rng = random.Random(seed)
    codes = list(FIELDS)
    tree_units = []
    names = {}
    for p in PROVINCES:
        names[("R", p)] = f"{p}省科协"
        for u in range(units_per_province):
            unit = ("R", p, f"{p}-{u}")
            names[unit] = f"第{p}{u:02d}研究所"
            for d in range(2):
                dept = unit + (f"{p}-{u}-{d}",)
                names[dept] = f"第{p}{u:02d}研究所{d + 1}室"
                tree_units.append(dept)
    experts, field_of = [], {}
    for i in range(n):
        code = rng.choice(codes)
        industry, kws = FIELDS[code]
        mine = rng.sample(kws, rng.randint(4, 6))
        if rng.random() < 0.2:
            mine.append(rng.choice(FIELDS[rng.choice(codes)][1]))
        ws = []
        for _ in range(rng.randint(*works)):
            a, b = rng.sample(kws, 2)
            ws.append(Work(rng.choice(WORK_TEMPLATES).format(a=a, b=b), rng.randint(today.year - 10, today.year),
                           tuple(f"P{rng.randrange(n * 3)}" for _ in range(rng.randint(0, 3)))))
        disciplines = [code] + ([rng.choice(codes)] if rng.random() < 0.15 else [])
        path = rng.choice(tree_units)
        if rng.random() < 0.2:
            path = path[:3]
        services = tuple(today - dt.timedelta(days=rng.randrange(3 * 365)) for _ in range(rng.choice((0, 0, 1, 2, 4, 7))))
        a, b = rng.sample(kws, 2)
        eid = f"E{i:06d}"
        experts.append(Expert(
            id=eid, name=f"专家{i:06d}", keywords=tuple(mine), works=tuple(ws),
            profile=PROFILE.format(a=a, b=b, c=rng.choice(kws)) if rng.random() < 0.7 else "",
            disciplines=tuple(disciplines), industries=(industry,), region=rng.choice(PROVINCES) + "0100",
            org_path=path, unit=names[path], past_services=services,
            level=rng.choice(("国家级", "省级", "省级")), library="main"))
        field_of[eid] = code
    return Library(experts, field_of, tree_units, names)


def target_for(rng: random.Random, code: str, tid, *, with_codes: bool = True) -> Target:
    """A target about field ``code``: a demand text, its discipline and industry codes."""
    return Target(tid, demand_text(rng, code), disciplines=(code,) if with_codes else (),
                  industries=(FIELDS[code][0],) if with_codes else ())
