"""Society evaluation in the demo: the project's rubric, three years of evaluations of the national
societies under 中国科协, and the published leaderboards of the first two.

The years are those of the society reports (:func:`kexie.core.demo.societies.report_years`: the
three years before the load day's). The first uses :mod:`kexie.evaluation.standard` frozen as
version 1; the next two are new versions of it (the second gives 业务工作 more weight).
Data-sourced indicators are computed from the societies' accepted reports and registry. For the
first two years each society's claims on the judged indicators are loaded as the historical
records they are, then the reform office (周明远) assigns every evaluation to one of the four
review experts (never one in conflict with the society), each expert reviews theirs through the
reviewer service, and the office finalises the year and publishes the leaderboard. The last year
is under way: most societies have submitted their self-score; a few are reviewed, eight are
assigned to the demo's expert (钱学林, ``review_expert``) and wait for their review, a few more
wait with other experts, and the rest have no reviewer yet — the office's work. 中国电子学会 (the
demo secretary's) is still self-scoring.

Idempotent: when 中国科协 already has the rubric nothing is done.
"""

import random
from decimal import Decimal

_CAST = ("中国科学技术协会",)
SECRETARY_SOCIETY = "中国电子学会"
REVIEW_COMMENTS = ["改革举措具体，成效有材料佐证。", "材料较完整，部分成效待量化。", "举措推进较慢，证明材料不足。",
                   "社会影响较大，获得主管部门肯定。"]


def _load_claims(evaluations, judged, rng) -> None:
    """The societies' claims on the judged indicators, as historical records, and their status
    set to submitted."""
    from kexie.evaluation.models import Evaluation, EvaluationStatus, IndicatorScore

    IndicatorScore.objects.bulk_create([
        IndicatorScore(evaluation=evaluation, indicator=indicator,
                       self_points=Decimal(rng.randint(int(indicator.max_points) // 2, int(indicator.max_points))))
        for evaluation in evaluations for indicator in judged])
    Evaluation.objects.filter(pk__in=[e.pk for e in evaluations]).update(status=EvaluationStatus.SUBMITTED)


# The open year: how many submitted evaluations the other experts review, how many more wait with
# them, and how many wait for the demo's expert; the rest have no reviewer yet.
REVIEWED_OPEN, WAITING_OTHERS_OPEN, WAITING_DEMO_EXPERT_OPEN = 5, 3, 8
DEMO_EXPERT = "review_expert"


def _review(reviewer, evaluation, judged, rng) -> None:
    from kexie.evaluation.services import evaluation_review

    scores = {}
    for indicator in judged:
        claim = evaluation.scores.get(indicator=indicator).self_points
        points = max(Decimal(0), claim - rng.choice([0, 0, 1, 2]))
        scores[indicator.pk] = {"points": points, "comment": rng.choice(REVIEW_COMMENTS)}
    evaluation_review(by=reviewer, evaluation=evaluation, scores=scores)


def _assign(clerk, evaluations, experts) -> dict:
    """Assign each evaluation to the next of ``experts`` in turn who has no conflict of interest
    with its society, through the assignment service; evaluation id -> reviewer."""
    from kexie.evaluation.services import reviewer_assign
    from kexie.selection.selectors import society_conflicts

    conflicts = society_conflicts({e.society_id for e in evaluations}, experts)
    chosen, turn = {}, 0
    for evaluation in evaluations:
        for step in range(len(experts)):
            expert = experts[(turn + step) % len(experts)]
            if (evaluation.society_id, expert.pk) not in conflicts:
                chosen[evaluation.pk] = expert
                turn += step + 1
                break
    for expert in experts:
        mine = [pk for pk, reviewer in chosen.items() if reviewer == expert]
        if mine:
            reviewer_assign(by=clerk, evaluations=mine, reviewer=expert)
    return chosen


def ensure_demo_evaluation(*, organization_at, user_named, calendar) -> bool:
    """Build the evaluation demo unless 中国科协 has the project's rubric; whether it was built."""
    from kexie.evaluation.models import Evaluation, Rubric
    from kexie.evaluation.services import (
        dimension_update,
        evaluate_all,
        evaluations_finalise,
        leaderboard_publish,
        rubric_freeze,
        rubric_new_version,
    )
    from kexie.evaluation.standard import NAME, standard_rubric

    from .selection import ensure_demo_experts
    from .societies import report_years

    cast = organization_at(_CAST)
    if Rubric.objects.filter(organization=cast, name=NAME).exists():
        return False
    rng = random.Random(2025)
    clerk = user_named("national_clerk")
    experts = ensure_demo_experts(organization_at=organization_at)
    demo_expert = experts[DEMO_EXPERT]
    others = [expert for username, expert in experts.items() if username != DEMO_EXPERT]
    first, second, last = report_years(calendar)
    rubric = rubric_freeze(by=clerk, rubric=standard_rubric(by=clerk, organization=cast, year=first))
    for year in (first, second, last):
        if year > first:
            rubric = rubric_new_version(by=clerk, rubric=rubric, year=year)
            if year == second:
                dimensions = {d.code: d for d in rubric.dimensions.all()}
                dimension_update(by=clerk, dimension=dimensions["governance"], name="内部治理", weight=25)
                dimension_update(by=clerk, dimension=dimensions["work"], name="业务工作", weight=45)
            rubric = rubric_freeze(by=clerk, rubric=rubric)
        evaluate_all(by=clerk, rubric=rubric, year=year)
        judged = list(rubric.indicators.filter(rule="judged"))
        evaluations = list(Evaluation.objects.filter(rubric=rubric, year=year).select_related("society__organization")
                           .order_by("society__organization__name"))
        if year < last:
            _load_claims(evaluations, judged, rng)
            reviewers = _assign(clerk, evaluations, list(experts.values()))
            for evaluation in evaluations:
                _review(reviewers[evaluation.pk], evaluation, judged, rng)
            evaluations_finalise(by=clerk, rubric=rubric, year=year)
            leaderboard_publish(by=clerk, rubric=rubric, year=year)
        else:
            submitted = [e for e in evaluations if e.society.organization.name != SECRETARY_SOCIETY]
            _load_claims(submitted, judged, rng)
            with_others = submitted[:REVIEWED_OPEN + WAITING_OTHERS_OPEN]
            reviewers = _assign(clerk, with_others, others)
            for evaluation in with_others[:REVIEWED_OPEN]:
                _review(reviewers[evaluation.pk], evaluation, judged, rng)
            rest = submitted[len(with_others):]
            _assign(clerk, rest[:WAITING_DEMO_EXPERT_OPEN], [demo_expert])
            evaluate_all(by=clerk, rubric=rubric, year=year)
    return True
