"""Evaluating and finalising a year takes the same number of queries for 5 societies as for 50."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kexie.evaluation.models import Evaluation, EvaluationStatus
from kexie.evaluation.services import evaluate_all, evaluations_finalise
from kexie.societies.models import Discipline, ReportYear

from .evaluation_world import accept_report, build_rubric


def _queries(world, n: int, year: int) -> tuple[int, int]:
    from tests.societies.conftest import make_society

    round_ = ReportYear.objects.create(organization=world.cast, year=year, due_on=dt.date(year + 1, 3, 31))
    disciplines = list(Discipline.values)
    for i in range(n):
        society = make_society(world.cast, f"中国第{year}-{i}学会", discipline=disciplines[i % len(disciplines)],
                               members=40 * i)
        if i % 3:
            accept_report(society, round_, academic_events=i, council_meetings=i % 4)
    rubric = build_rubric(world.national_clerk, world.cast, year=year)
    with CaptureQueriesContext(connection) as evaluating:
        evaluate_all(by=world.national_clerk, rubric=rubric)
    with CaptureQueriesContext(connection) as finalising:
        evaluations_finalise(by=world.national_clerk, rubric=rubric)
    assert Evaluation.objects.filter(rubric=rubric, status=EvaluationStatus.FINAL).count() >= n
    return len(evaluating), len(finalising)


def test_the_query_count_does_not_grow_with_the_number_of_societies(world):
    few = _queries(world, 5, 2024)
    many = _queries(world, 50, 2025)
    assert few == many
