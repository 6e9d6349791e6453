"""A rubric of every rule type under 中国科协, accepted annual reports, and an expert reviewer.

The rubric (weights 40 / 40 / 20):

    内部治理 governance, 40: members — tiers ≥600 → 3, ≥200 → 2, ≥50 → 1 (max 3, registry);
                            party — yes/no (max 2, registry); council — 1 per meeting, capped (max 2, report)
    业务工作 work, 40:       events — 0.5 per academic event, capped (max 5, report);
                            breaches — 5 minus 2.5 per supervisory-board meeting missing… (deduction, max 5,
                            report.supervisory_meetings stands in for a count of breaches)
    改革创新 reform, 20:     reform — judged by the reviewer (max 10, evidence required)
"""

import datetime as dt

import pytest

from kexie.evaluation.services import dimension_add, indicator_add, reviewer_assign, rubric_create, rubric_freeze
from kexie.societies.models import AnnualReport, AnnualReportStatus
from tests.personas import make_user


def build_rubric(by, organization, *, year: int = 2025, freeze: bool = True):
    rubric = rubric_create(by=by, organization=organization, name="学会创新工作评价指标体系", year=year)
    governance = dimension_add(by=by, rubric=rubric, code="governance", name="内部治理", weight=40)
    indicator_add(by=by, dimension=governance, code="members", name="个人会员规模", rule="tiers",
                  params={"tiers": [[600, 3], [200, 2], [50, 1]]}, max_points=3, source="registry.individual_members")
    indicator_add(by=by, dimension=governance, code="party", name="党组织建设", rule="yes_no", params={},
                  max_points=2, source="registry.has_party_organization")
    indicator_add(by=by, dimension=governance, code="council", name="理事会会议", rule="capped_count",
                  params={"per_unit": 1}, max_points=2, source="report.council_meetings")
    work = dimension_add(by=by, rubric=rubric, code="work", name="业务工作", weight=40)
    indicator_add(by=by, dimension=work, code="events", name="学术活动", rule="capped_count",
                  params={"per_unit": "0.5"}, max_points=5, source="report.academic_events")
    indicator_add(by=by, dimension=work, code="breaches", name="违规事项", rule="deduction",
                  params={"per_unit": "2.5"}, max_points=5, source="report.supervisory_meetings")
    reform = dimension_add(by=by, rubric=rubric, code="reform", name="改革创新", weight=20)
    indicator_add(by=by, dimension=reform, code="reform", name="改革成效", rule="judged", params={}, max_points=10,
                  evidence_required=True)
    if freeze:
        rubric = rubric_freeze(by=by, rubric=rubric)
    return rubric


def accept_report(society, round_, **values):
    """An accepted annual report (the registry's review is tested on its own)."""
    fields = {"academic_events": 0, "council_meetings": 0, "supervisory_meetings": 0, **values}
    return AnnualReport.objects.create(society=society, round=round_, year=round_.year,
                                       status=AnnualReportStatus.ACCEPTED, reviewed_at=dt.datetime(2026, 4, 1,
                                                                                                  tzinfo=dt.UTC),
                                       **fields)


@pytest.fixture
def rubric_2025(world, societies):
    return build_rubric(world.national_clerk, world.cast)


@pytest.fixture
def expert(world):
    return make_user("expert", world.cast, ["evaluation_expert"], full_name="评审专家")


def assign(world, reviewer, *evaluations):
    """The national reform office assigns ``reviewer`` to review ``evaluations``."""
    return reviewer_assign(by=world.national_clerk, evaluations=evaluations, reviewer=reviewer)
