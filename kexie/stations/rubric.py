"""The annual evaluation of a station (站点年度考核), as a rubric of the rubric engine.

The rubric is data: three dimensions — 服务成效 50, 专家团队 30, 工作成果 20 — whose indicators read
the annual report being evaluated (``report.<figure>``), the station's registry facts
(``registry.<fact>``, from :func:`kexie.stations.facts.facts`) and the reviewer's judgement of
the achievements. :func:`evaluate` scores it with :func:`kexie.rubric.score` — the same engine and
arithmetic as the society evaluation — and grades it with the engine's default grades.
"""

from decimal import Decimal

from kexie import rubric as rb

from .facts import facts

# (code, name, weight, [(code, name, rule, params, max points, source), ...])
DIMENSIONS = [
    ("service", "服务成效", 50, [
        ("demands", "收集企业需求", "capped_count", {"per_unit": 1}, 10, "report.demands_collected"),
        ("activities", "开展服务活动", "capped_count", {"per_unit": "0.5"}, 10, "report.activities"),
        ("served", "服务人次", "tiers", {"tiers": [[1000, 10], [300, 7], [100, 4]]}, 10, "report.people_served"),
    ]),
    ("team", "专家团队", 30, [
        ("national", "国家级专家", "capped_count", {"per_unit": 2}, 10, "registry.national_experts"),
        ("experts", "进站专家", "capped_count", {"per_unit": 1}, 10, "registry.experts_total"),
    ]),
    ("results", "工作成果", 20, [
        ("achievements", "成果与成效（评审）", "judged", {}, 10, "reviewer"),
    ]),
]

REPORT_FIGURES = ("demands_collected", "activities", "people_served")


def station_rubric() -> rb.Rubric:
    """The rubric above as the engine's objects."""
    return rb.Rubric(dimensions=tuple(
        rb.Dimension(code, name, Decimal(weight), tuple(
            rb.Indicator(i_code, i_name, rule, Decimal(max_points), source, params)
            for i_code, i_name, rule, params, max_points, source in indicators))
        for code, name, weight, indicators in DIMENSIONS))


def judged_indicators() -> list[rb.Indicator]:
    return [i for i in station_rubric().indicators if i.judged]


def report_facts(report) -> dict:
    """The sources the rubric reads for ``report``: its own figures and the station's registry facts
    for its year."""
    values = {f"report.{name}": getattr(report, name) for name in REPORT_FIGURES}
    values.update({f"registry.{code}": value for code, value in facts(report.station, report.year).items()})
    return values


def evaluate(report, judged_scores: dict) -> rb.Breakdown:
    """Score ``report`` on the station rubric (raises :class:`kexie.rubric.ScoreOutOfRange`)."""
    return rb.score(station_rubric(), report_facts(report), judged_scores)


def grade(total: Decimal) -> str:
    return rb.grade_for(total, station_rubric().grades)
