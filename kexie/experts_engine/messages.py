"""Every sentence the engines produce, in Chinese, in one place.

The engines return codes and parameters (a :class:`~.match.Reason`, a
:class:`~.conflicts.Conflict`, an :class:`~.assign.Infeasible`); these templates turn them into
the default Chinese sentence. The Django layer may translate the same codes with gettext instead.
"""

REASONS = {
    "keywords": "关键词：{value}",
    "works": "成果：{value}",
    "profile": "简介相关：{value}",
    "discipline": "学科：{value}",
    "discipline_near": "同一级学科：{value}",
    "industry": "行业：{value}",
    "industry_near": "同门类行业：{value}",
    "region": "地区：{value}",
    "region_near": "同省份：{value}",
    "services": "近三年参与评审{value}次",
    "load": "近一年已评审{value}次",
}
REASON_SEPARATOR = "；"
LIST_SEPARATOR = "、"

CONFLICTS = {
    "self": "专家本人即被评对象",
    "same_unit": "专家与被评对象同一单位",
    "parent_unit": "专家所在单位是被评对象单位的上级",
    "child_unit": "专家所在单位是被评对象单位的下级",
    "outside_unit": "专家在被评对象单位兼职：{unit}",
    "office_holder": "专家是被评对象单位现任理事会成员（{title}）",
    "declared_avoidance": "专家申请回避该单位：{unit}",
    "target_avoidance": "被评对象申请回避：{unit}",
    "relation": "专家与{person}存在{kind}关系",
    "coauthor": "专家与{person}近{years}年内合作成果：{title}",
    "recommender": "专家是{person}的推荐人",
}

INFEASIBLE = {
    "short": "{item}无回避的可选专家{available}人，少于所需{needed}人",
    "capacity": "专家总评审容量{capacity}份，少于所需{needed}份",
    "solver": "在回避和工作量上限约束下无可行分配",
    "timeout": "求解超时，未找到可行分配",
}

DRAW_SHORT = "第{condition}组条件可抽专家{available}人，少于所需{needed}人"
