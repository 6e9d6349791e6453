"""Reads of society evaluation: a stored rubric as a :class:`kexie.rubric.Rubric`, breakdown tables
for the pages, the leaderboard by peer group, and who reviews what.

Who sees an evaluation: whoever holds ``society.view`` over its society (the association's
staff, the society's own secretary), and the expert assigned to review it
(:class:`~kexie.evaluation.models.ReviewAssignment`), who need not have the society in their
data scope. Only the assigned expert scores it.
"""

from decimal import Decimal

from django.db.models import Count, Q

from kexie import rubric as rb
from kexie.societies.models import Discipline

from .models import Evaluation, EvaluationStatus, Indicator, IndicatorScore, Leaderboard, ReviewAssignment, Rubric


def grades_of(rubric: Rubric) -> tuple[rb.Grade, ...]:
    return tuple(rb.Grade(g["label"], Decimal(str(g["minimum"]))) for g in rubric.grade_thresholds)


def to_rubric(rubric: Rubric) -> rb.Rubric:
    """The stored rubric as the scoring package's rubric. Two queries."""
    dimensions = list(rubric.dimensions.all())
    indicators: dict[int, list[rb.Indicator]] = {d.pk: [] for d in dimensions}
    for i in Indicator.objects.filter(rubric=rubric).order_by("position", "id"):
        indicators[i.dimension_id].append(rb.Indicator(
            code=i.code, name=i.name, rule=i.rule, max_points=i.max_points, source=i.source, params=i.params or {},
            evidence_required=i.evidence_required))
    return rb.Rubric(dimensions=tuple(rb.Dimension(d.code, d.name, d.weight, tuple(indicators[d.pk]))
                                      for d in dimensions), grades=grades_of(rubric))


def compact(breakdown: rb.Breakdown) -> dict:
    """A breakdown as stored on an evaluation: numbers per indicator and dimension code (names and
    maxima are the rubric's, which is frozen)."""
    return {
        "indicators": {i.code: {"raw": i.raw if not isinstance(i.raw, Decimal) else str(i.raw),
                                "points": str(i.points), "contribution": str(i.contribution),
                                "overridden": i.overridden} for i in breakdown.indicators},
        "dimensions": {d.code: {"points": str(d.points), "subtotal": str(d.subtotal)} for d in breakdown.dimensions},
        "total": str(breakdown.total),
    }


def evaluations_for(user, code: str = "society.view"):
    return (Evaluation.objects.restrict(user, code)
            .select_related("rubric", "society__organization").order_by("-year", "society__organization__name"))


def current_total(evaluation: Evaluation) -> Decimal:
    """The score that stands now: final, else the reviewer's, else the self-score."""
    for value in (evaluation.final_total, evaluation.reviewer_total):
        if value is not None:
            return value
    return evaluation.self_total


def breakdown_table(evaluation: Evaluation) -> list[dict]:
    """The evaluation page's table: per dimension its indicators with the fact read, the self
    points, the reviewer's points and comment, the final points and the contribution."""
    own = (evaluation.self_breakdown or {}).get("indicators", {})
    final = (evaluation.final_breakdown or {}).get("indicators", {})
    own_dims = (evaluation.self_breakdown or {}).get("dimensions", {})
    final_dims = (evaluation.final_breakdown or {}).get("dimensions", {})
    entered = {s.indicator_id: s for s in IndicatorScore.objects.filter(evaluation=evaluation)}
    table = []
    for dimension in evaluation.rubric.dimensions.prefetch_related("indicators"):
        rows = []
        for indicator in dimension.indicators.all():
            score = entered.get(indicator.pk)
            mine, theirs = own.get(indicator.code, {}), final.get(indicator.code, {})
            rows.append({"indicator": indicator, "raw": mine.get("raw"), "self_points": mine.get("points"),
                         "reviewer_points": score.reviewer_points if score else None,
                         "comment": score.reviewer_comment if score else "",
                         "evidence": score if score and score.evidence else None,
                         "points": theirs.get("points"), "contribution": theirs.get("contribution")})
        table.append({"dimension": dimension, "rows": rows,
                      "self_subtotal": own_dims.get(dimension.code, {}).get("subtotal"),
                      "subtotal": final_dims.get(dimension.code, {}).get("subtotal")})
    return table


def next_grade(evaluation: Evaluation) -> dict | None:
    """{"points": gap, "grade": label} to the next grade up from the standing score, None at the top."""
    gap = rb.points_to_next_grade(current_total(evaluation), grades_of(evaluation.rubric))
    return None if gap is None else {"points": gap[0], "grade": gap[1]}


def leaderboards_for(user):
    """Published leaderboards: a publication (公布) is readable by every holder of society.view;
    none for anyone else."""
    if not (user and user.is_authenticated and user.has_code("society.view")):
        return Leaderboard.objects.none()
    return Leaderboard.objects.select_related("rubric", "rubric__organization")


def discipline_label(value: str) -> str:
    return str(dict(Discipline.choices).get(value, value))


def peer_group_label(group: str) -> str:
    """"engineering:500–1999" as "工科 · 500–1999"."""
    discipline, _, band = group.partition(":")
    return f"{discipline_label(discipline)} · {band}" if band else group


def leaderboard_groups(board: Leaderboard) -> list[dict]:
    """The published rows by peer group, each group in its own rank order."""
    groups: dict[str, list[dict]] = {}
    for row in board.rows:
        groups.setdefault(row["peer_group"], []).append(row)
    return [{"key": key, "label": peer_group_label(key),
             "rows": sorted(rows, key=lambda r: (r["peer_rank"], r["name"], r["society"]))}
            for key, rows in sorted(groups.items())]


# --- who reviews what ------------------------------------------------------------------------------

REVIEWABLE = (EvaluationStatus.SUBMITTED, EvaluationStatus.REVIEWED)


def assigned_to(user):
    """Every evaluation assigned to ``user`` for review, whatever its status; none for a user
    without ``evaluation.score`` (a reviewer whose role was withdrawn sees nothing)."""
    if user is None or not user.is_authenticated or not user.has_code("evaluation.score"):
        return Evaluation.objects.none()
    return Evaluation.objects.filter(assignment__reviewer=user)


def reviews_to_do(user):
    """待评审: the evaluations assigned to ``user`` whose self-score is submitted and that they
    have not reviewed yet, oldest year first. The reviewer's own list: a clerk who manages the
    assignments does not get other reviewers' work here. The home page counts it."""
    return (assigned_to(user).filter(status=EvaluationStatus.SUBMITTED)
            .select_related("rubric", "society__organization")
            .order_by("year", "submitted_at", "society__organization__name", "id"))


def evaluations_visible(user):
    """Every evaluation ``user`` may open: those of the societies in their ``society.view``
    scope, and those assigned to them for review."""
    return Evaluation.objects.filter(Q(pk__in=Evaluation.objects.restrict(user, "society.view").values("pk"))
                                     | Q(pk__in=assigned_to(user).values("pk")))


def may_review(user, evaluation: Evaluation) -> bool:
    """``user`` is the assigned reviewer and the self-score is in for review."""
    return evaluation.status in REVIEWABLE and assigned_to(user).filter(pk=evaluation.pk).exists()


def review_progress(evaluations) -> dict[str, int]:
    """The review work of ``evaluations`` (a queryset): how many are submitted for review, how many
    of those have a reviewer, how many are reviewed. One query."""
    return evaluations.aggregate(
        awaiting=Count("pk", filter=Q(status__in=REVIEWABLE)),
        assigned=Count("pk", filter=Q(status__in=REVIEWABLE, assignment__isnull=False)),
        unassigned=Count("pk", filter=Q(status__in=REVIEWABLE, assignment__isnull=True)),
        reviewed=Count("pk", filter=Q(status=EvaluationStatus.REVIEWED)),
        self_scoring=Count("pk", filter=Q(status=EvaluationStatus.SELF_SCORING)),
    )


def reviewer_workload(evaluations) -> list[dict]:
    """Per reviewer of ``evaluations``: assigned, reviewed, still to do. One query."""
    rows = (ReviewAssignment.objects.filter(evaluation__in=evaluations.values("pk"))
            .values("reviewer", "reviewer__full_name", "reviewer__username")
            .annotate(assigned=Count("pk"),
                      reviewed=Count("pk", filter=Q(evaluation__status=EvaluationStatus.REVIEWED)),
                      to_do=Count("pk", filter=Q(evaluation__status=EvaluationStatus.SUBMITTED)))
            .order_by("reviewer__full_name", "reviewer"))
    return [{"reviewer": row["reviewer__full_name"] or row["reviewer__username"], "assigned": row["assigned"],
             "reviewed": row["reviewed"], "to_do": row["to_do"]} for row in rows]


def final_results(year: int, *, societies=None, organization=None) -> dict[int, tuple[Decimal, str]]:
    """The final evaluation of ``year`` for each society whose evaluation is finalised, as
    ``{society id: (final score, grade)}``: what 一流学会 selection rounds read. Optionally only
    ``societies`` (ids or a queryset of profiles) and only rubrics published by ``organization``.
    A society evaluated under several rubrics that year counts its latest finalised one. One query."""
    finals = Evaluation.objects.filter(year=year, status=EvaluationStatus.FINAL, final_total__isnull=False)
    if societies is not None:
        finals = finals.filter(society__in=societies)
    if organization is not None:
        finals = finals.filter(rubric__organization=organization)
    results: dict[int, tuple[Decimal, str]] = {}
    for society_id, total, grade in finals.order_by("society_id", "-finalised_at", "-id").values_list(
            "society_id", "final_total", "grade"):
        results.setdefault(society_id, (total, grade))
    return results
