"""Builders for the permission matrix entries of society evaluation (tests/test_permission_matrix.py).

Each builds bare rows under an organisation of the ``world`` fixture — a rubric of 甲省 or 乙省
(draft or frozen, with one dimension and one judged indicator), an evaluation of a society under
it, an evidence file, a published leaderboard — and returns the URL arguments.
"""

from django.core.files.base import ContentFile
from django.utils import timezone

from kexie.evaluation.models import (
    Dimension,
    Evaluation,
    Indicator,
    IndicatorScore,
    Leaderboard,
    Rubric,
    RubricStatus,
)
from tests.societies.matrix import _society


def _rubric(world, org_attr: str, *, frozen: bool) -> Rubric:
    organization = getattr(world, org_attr)
    version = Rubric.objects.filter(organization=organization, year=2025).count() + 1
    rubric = Rubric.objects.create(organization=organization, name="矩阵测试指标体系", year=2025, version=version)
    dimension = Dimension.objects.create(rubric=rubric, code="work", name="业务工作", weight=100)
    Indicator.objects.create(rubric=rubric, dimension=dimension, code="reform", name="改革成效", rule="judged",
                             max_points=10, source="reviewer")
    if frozen:
        Rubric.objects.filter(pk=rubric.pk).update(status=RubricStatus.FROZEN, frozen_at=timezone.now())
        rubric.refresh_from_db()
    return rubric


def rubric_of(org_attr: str, *, frozen: bool = False):
    return lambda w: {"pk": _rubric(w, org_attr, frozen=frozen).pk}


def _evaluation(world, society_attr: str, status: str) -> Evaluation:
    society = _society(world, society_attr)
    rubric = _rubric(world, "cast" if society_attr == "society" else society_attr, frozen=True)
    return Evaluation.objects.create(society=society, rubric=rubric, year=2025, status=status)


def evaluation_of(society_attr: str, status: str = "self_scoring"):
    """An evaluation of the society under ``society_attr`` (or of 中国测试学会 for "society")."""
    return lambda w: {"pk": _evaluation(w, society_attr, status).pk}


def evidence_of(society_attr: str):
    def build(world):
        evaluation = _evaluation(world, society_attr, "submitted")
        score = IndicatorScore(evaluation=evaluation, indicator=evaluation.rubric.indicators.get(), self_points=5,
                               evidence_name="证明.txt")
        score.evidence.save("matrix.txt", ContentFile("矩阵测试证明材料".encode()), save=True)
        return {"pk": score.pk}
    return build


def leaderboard_of(org_attr: str):
    def build(world):
        rubric = _rubric(world, org_attr, frozen=True)
        board = Leaderboard.objects.create(rubric=rubric, year=2025, title="矩阵测试排行榜", published_at=timezone.now(),
                                           rows=[{"society": 1, "name": "矩阵学会", "discipline": "science",
                                                  "peer_group": "science:0–499", "total": "80.00", "grade": "良好",
                                                  "rank": 1, "peer_rank": 1, "previous_rank": None,
                                                  "movement": "new"}])
        return {"pk": board.pk}
    return build


def review_body(world):
    return {"scores": []}


def assigned_evaluation(society_attr: str):
    """A submitted evaluation assigned to the matrix expert for review."""
    def build(world):
        from kexie.evaluation.models import ReviewAssignment
        from tests.selection.matrix import expert_persona

        evaluation = _evaluation(world, society_attr, "submitted")
        ReviewAssignment.objects.create(evaluation=evaluation, reviewer=expert_persona(world),
                                        assigned_at=timezone.now())
        return {"pk": evaluation.pk}
    return build


def rubric_with_evaluation(org_attr: str):
    """A frozen rubric of ``org_attr`` with a submitted evaluation of a society under it."""
    return lambda w: {"pk": _evaluation(w, org_attr, "submitted").rubric_id}


def assignment_body(world):
    """Assign the matrix expert to the evaluation built last (by :func:`rubric_with_evaluation`)."""
    from tests.selection.matrix import expert_persona

    return {"evaluation": Evaluation.objects.latest("pk").pk, "reviewer": expert_persona(world).pk, "year": 2025}
