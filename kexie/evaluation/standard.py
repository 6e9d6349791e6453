"""A rubric written for this project (学会创新工作评价指标体系), used by the demo and the benchmark.

Four dimensions as the seeds name them — 内部治理 30, 业务工作 40, 改革创新 15, 社会评价 15 — with
21 indicators of every rule type, reading the annual report, the registry and the reviewer.
"""

from .services import dimension_add, indicator_add, rubric_create

NAME = "学会创新工作评价指标体系"

# (code, name, weight, [(code, name, rule, params, max points, source, evidence required), ...])
DIMENSIONS = [
    ("governance", "内部治理", 30, [
        ("council", "理事会会议", "capped_count", {"per_unit": 1}, 2, "report.council_meetings", False),
        ("standing", "常务理事会会议", "capped_count", {"per_unit": "0.5"}, 2, "report.standing_council_meetings",
         False),
        ("supervisory", "监事会履职", "capped_count", {"per_unit": 1}, 1, "report.supervisory_meetings", False),
        ("party", "党组织建设", "yes_no", {}, 2, "registry.has_party_organization", False),
        ("secretary", "专职秘书长", "yes_no", {}, 2, "registry.secretary_general_full_time", False),
        ("staff", "秘书处专职人员", "tiers", {"tiers": [[10, 2], [5, "1.5"], [2, 1]]}, 2, "registry.secretariat_staff",
         False),
        ("term", "按期换届", "deduction", {"per_unit": 2}, 2, "registry.council_term_overdue", False),
        ("inspection", "年检合格", "yes_no", {}, 2, "registry.inspection_qualified", False),
    ]),
    ("work", "业务工作", 40, [
        ("academic", "学术活动", "capped_count", {"per_unit": "0.2"}, 4, "report.academic_events", False),
        ("participants", "学术活动参加人次", "tiers", {"tiers": [[5000, 3], [1000, 2], [200, 1]]}, 3,
         "report.academic_participants", False),
        ("popsci", "科普活动", "capped_count", {"per_unit": "0.1"}, 3, "report.popsci_events", False),
        ("consulting", "决策咨询项目", "capped_count", {"per_unit": "0.5"}, 3, "report.consulting_projects", False),
        ("journals", "主办科技期刊", "tiers", {"tiers": [[3, 3], [1, 2]]}, 3, "registry.journals", False),
        ("standards", "团体标准", "capped_count", {"per_unit": "0.5"}, 2, "report.standards_drafted", False),
    ]),
    ("reform", "改革创新", 15, [
        ("reform", "改革举措与成效", "judged", {}, 10, "reviewer", True),
        ("adopted", "建议被采纳", "capped_count", {"per_unit": 1}, 3, "report.proposals_adopted", False),
        ("growth", "会员发展", "tiers", {"tiers": [[500, 2], [100, 1]]}, 2, "report.new_members", False),
    ]),
    ("standing_in_society", "社会评价", 15, [
        ("members", "个人会员规模", "tiers", {"tiers": [[5000, 4], [1000, 3], [300, 2], [50, 1]]}, 4,
         "registry.individual_members", False),
        ("groups", "单位会员规模", "tiers", {"tiers": [[100, 2], [20, 1]]}, 2, "registry.group_members", False),
        ("awards", "奖励与表彰", "capped_count", {"per_unit": "0.5"}, 2, "report.awards", False),
        ("reputation", "社会评价（评审）", "judged", {}, 5, "reviewer", False),
    ]),
]


def standard_rubric(*, by, organization, year: int, name: str = NAME):
    """Create the rubric above as a draft of ``organization`` for ``year`` (freeze it to use it)."""
    rubric = rubric_create(by=by, organization=organization, name=name, year=year)
    for code, dimension_name, weight, indicators in DIMENSIONS:
        dimension = dimension_add(by=by, rubric=rubric, code=code, name=dimension_name, weight=weight)
        for i_code, i_name, rule, params, max_points, source, evidence in indicators:
            indicator_add(by=by, dimension=dimension, code=i_code, name=i_name, rule=rule, params=params,
                          max_points=max_points, source=source, evidence_required=evidence)
    return rubric
