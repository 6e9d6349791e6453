"""The entry rules each station type starts with (认定条件), editable afterwards on the rules page.

Kept here rather than in the migration alone so that the tests can put them back after a
transactional test empties the tables (tests/conftest.py), as the four-batch rules are.
"""

from decimal import Decimal

# type: [(fact, operator, threshold, message), ...]
ENTRY_RULES = {
    "society_service": [
        ("demands_collected", "gte", 10, "学会服务站收集企业技术需求应不少于10项"),
        ("national_experts", "gte", 5, "学会服务站应有国家级专家不少于5名"),
    ],
    "academician": [
        ("national_experts", "gte", 1, "院士专家工作站应至少有1名院士或国家级专家进站"),
        ("experts_total", "gte", 3, "院士专家工作站进站专家应不少于3名"),
    ],
    "expert": [
        ("experts_total", "gte", 3, "专家工作站进站专家应不少于3名"),
    ],
    "backyard": [
        ("experts_total", "gte", 2, "科技小院应有驻站指导专家不少于2名"),
        ("activities", "gte", 4, "科技小院年度技术服务活动应不少于4次"),
    ],
    "haizhi": [
        ("experts_total", "gte", 3, "海智基地（工作站）联系海外专家应不少于3名"),
        ("activities", "gte", 2, "海智基地（工作站）年度引智活动应不少于2次"),
    ],
    "think_tank": [
        ("experts_total", "gte", 5, "智库基地研究专家应不少于5名"),
        ("national_experts", "gte", 2, "智库基地应有国家级专家不少于2名"),
    ],
    "popsci": [
        ("activities", "gte", 12, "科普教育基地年度科普活动应不少于12次"),
        ("people_served", "gte", 1000, "科普教育基地年度服务公众应不少于1000人次"),
    ],
    "society_work": [
        ("experts_total", "gte", 3, "学会工作站进站专家应不少于3名"),
        ("activities", "gte", 4, "学会工作站年度服务活动应不少于4次"),
    ],
}


def ensure_default_rules(rule_model=None) -> None:
    """Create the default rules that are missing (idempotent; used by a migration and the tests).
    A rule already there keeps the threshold the association set."""
    if rule_model is None:
        from .models import StationRule as rule_model
    for station_type, rules in ENTRY_RULES.items():
        for position, (fact, operator, threshold, message) in enumerate(rules, start=1):
            rule_model.objects.get_or_create(type=station_type, fact=fact, defaults={
                "operator": operator, "threshold": Decimal(threshold), "message": message, "position": position})
