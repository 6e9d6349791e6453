"""Eligibility rules as data, and the small evaluator that checks a nomination against them.

A call's ``rules`` is a list of dicts, each with a ``rule`` key:

* ``{"rule": "max_age", "age": 40, "on": "2025-12-31"}`` — not older than ``age`` on that day;
* ``{"rule": "disciplines", "prefixes": ["08", "41"]}`` — a discipline code starting so;
* ``{"rule": "channel_kinds", "kinds": ["省级科协", "全国学会"]}`` — nominated through such a channel;
* ``{"rule": "materials", "titles": ["推荐书", "代表性论文"]}`` — these materials present.

Each failure is a Chinese sentence naming the rule.
"""

import datetime as dt

RULES = ("max_age", "disciplines", "channel_kinds", "materials")


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def clean_rules(rules) -> list[dict]:
    """The rules checked for shape; a ValueError with a Chinese message for a bad one."""
    clean = []
    for n, rule in enumerate(rules or (), 1):
        name = rule.get("rule") if isinstance(rule, dict) else None
        if name not in RULES:
            raise ValueError(f"第{n}条资格条件的类型“{name}”不认识。")
        if name == "max_age":
            try:
                int(rule["age"])
                dt.date.fromisoformat(str(rule["on"]))
            except (KeyError, TypeError, ValueError):
                raise ValueError(f"第{n}条资格条件（年龄上限）需要年龄和截止日期，如 2025-12-31。") from None
        clean.append(dict(rule))
    return clean


def evaluate(rules, *, birth_date, disciplines, channel_kind, material_titles) -> list[str]:
    """The reasons the nominee fails ``rules`` (empty: eligible)."""
    reasons = []
    for rule in rules or ():
        name = rule.get("rule")
        if name == "max_age":
            on = dt.date.fromisoformat(str(rule["on"]))
            limit = int(rule["age"])
            if birth_date is None:
                reasons.append(f"年龄上限：被推荐人没有出生日期，无法核对截至{on.isoformat()}不超过{limit}周岁的条件。")
            elif age_on(birth_date, on) > limit:
                reasons.append(f"年龄上限：截至{on.isoformat()}被推荐人{age_on(birth_date, on)}周岁，超过{limit}周岁。")
        elif name == "disciplines":
            prefixes = [str(p) for p in rule.get("prefixes", [])]
            if not any(str(d).startswith(p) for d in disciplines or () for p in prefixes):
                reasons.append(f"学科范围：被推荐人的学科不在{'、'.join(prefixes)}范围内。")
        elif name == "channel_kinds":
            kinds = [str(k) for k in rule.get("kinds", [])]
            if channel_kind not in kinds:
                reasons.append(f"推荐渠道：须经{'、'.join(kinds)}推荐，本推荐渠道为“{channel_kind or '未注明'}”。")
        elif name == "materials":
            missing = [t for t in rule.get("titles", []) if t not in set(material_titles)]
            if missing:
                reasons.append(f"必备材料：缺少{'、'.join(missing)}。")
    return reasons
