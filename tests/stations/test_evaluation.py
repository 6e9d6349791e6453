"""The annual evaluation of a station on the rubric engine: the station rubric is a valid rubric of
the engine, a submitted report is scored by the engine's ``score`` from its figures, the registry
facts and the reviewer's points, and the breakdown, total and grade are kept on the report."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from kexie import rubric as rb
from kexie.audit.models import AuditLog
from kexie.stations import rubric as station_rubric
from kexie.stations import services
from tests.stations.helpers import experts, report, station


def test_the_station_rubric_is_a_valid_rubric_of_the_engine():
    assert rb.validate(station_rubric.station_rubric()) == []


def test_a_report_is_scored_by_the_engine_and_graded(world):
    st = station(world)
    experts(world, st, national=5, other=5)
    filed = report(world, st, demands=10, activities=20, served=1200)
    evaluated = services.report_evaluate(by=world.provincial_clerk, report=filed, judged_scores={"achievements": 8})
    expected = rb.score(station_rubric.station_rubric(), station_rubric.report_facts(filed), {"achievements": 8})
    assert evaluated.score == expected.total == Decimal("96.00")
    assert evaluated.grade == "优秀" and evaluated.status == "evaluated"
    assert evaluated.breakdown["total"] == "96.00"
    rows = {i["code"]: i for i in evaluated.breakdown["indicators"]}
    assert rows["national"]["raw"] == 5 and rows["achievements"]["points"] == "8.00"
    assert AuditLog.objects.filter(action="score", object_id=str(filed.pk)).exists()


def test_a_thin_year_scores_low(world):
    st = station(world, type="backyard", name="甲县小麦科技小院")
    experts(world, st, other=1)
    filed = report(world, st, demands=2, activities=2, served=50)
    evaluated = services.report_evaluate(by=world.provincial_clerk, report=filed, judged_scores={})
    # service 50 × (2 + 1 + 0) / 30 = 5.00; team 30 × 1 / 20 = 1.50; results 0
    assert evaluated.score == Decimal("6.50") and evaluated.grade == "不合格"


def test_points_above_the_maximum_are_refused_and_nothing_is_saved(world):
    filed = report(world, station(world))
    with pytest.raises(ValidationError) as error:
        services.report_evaluate(by=world.provincial_clerk, report=filed, judged_scores={"achievements": 11})
    assert "achievements" in error.value.message_dict
    filed.refresh_from_db()
    assert filed.status == "submitted" and filed.score is None


def test_an_evaluated_report_cannot_be_filed_again(world):
    st = station(world)
    filed = report(world, st)
    services.report_evaluate(by=world.provincial_clerk, report=filed, judged_scores={"achievements": 5})
    with pytest.raises(ValidationError):
        report(world, st, demands=99)


def test_another_provinces_station_is_out_of_reach(world):
    st = station(world, org=world.prov_b, by=world.other_provincial_clerk, name="乙省学会服务站")
    filed = report(world, st, by=world.other_provincial_clerk)
    with pytest.raises(Http404):
        services.report_evaluate(by=world.provincial_clerk, report=filed, judged_scores={})
