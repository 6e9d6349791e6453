"""Rubric-based evaluation of societies (学会评价指标体系), as plain Python with no Django.

:mod:`.model` describes a rubric and validates it, :mod:`.scoring` scores one society and grades
it, :mod:`.ranking` ranks societies overall and within peer groups and tells how far each moved
since last year. The evaluation app (``kexie.evaluation``) stores rubrics and scores and calls
these functions.
"""

from .model import (
    CAPPED_COUNT,
    DEDUCTION,
    DEFAULT_GRADES,
    DEFAULT_SIZE_BANDS,
    JUDGED,
    REVIEWER,
    RULES,
    TIERS,
    YES_NO,
    Dimension,
    Grade,
    Indicator,
    Problem,
    Rubric,
    check_params,
    decimal,
    validate,
)
from .ranking import Entry, Movement, Ranked, band_label, check_bands, movement, peer_group, rank, rank_by_group
from .scoring import Breakdown, ScoreOutOfRange, grade_for, points_to_next_grade, rule_points, score

__all__ = [
    "CAPPED_COUNT", "DEDUCTION", "DEFAULT_GRADES", "DEFAULT_SIZE_BANDS", "JUDGED", "REVIEWER", "RULES", "TIERS",
    "YES_NO", "Breakdown", "Dimension", "Entry", "Grade", "Indicator", "Movement", "Problem", "Ranked", "Rubric",
    "ScoreOutOfRange", "band_label", "check_bands", "check_params", "decimal", "grade_for", "movement",
    "peer_group", "points_to_next_grade", "rank", "rank_by_group", "rule_points", "score", "validate",
]
