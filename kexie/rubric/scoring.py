"""Scoring a society against a rubric, and its grade.

Arithmetic is exact (Decimal) with one rounding rule, applied at two places only:

1. an indicator's points are rounded to 0.01, half up (ROUND_HALF_UP) — a capped count of
   7 × 0.333 is 2.33;
2. a dimension's subtotal is ``weight × points / maximum`` of its indicators, rounded to 0.01
   half up. The total is the plain sum of the subtotals, so it is what the table adds up to.

An indicator's *contribution* (shown beside it) is its share of the weight computed the same
way; contributions of one dimension may differ from its subtotal by a rounding cent.

A missing fact (``None``: no accepted report) scores 0 under every rule — also a deduction, which
otherwise starts from the maximum: nothing reported is no evidence of a clean year.
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

from .model import CAPPED_COUNT, DEDUCTION, JUDGED, TIERS, YES_NO, Grade, Indicator, Rubric, decimal

CENT = Decimal("0.01")
ZERO = Decimal(0)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class ScoreOutOfRange(ValueError):
    """Points given for an indicator below 0 or above its maximum."""

    def __init__(self, indicator: Indicator, points):
        self.indicator, self.points = indicator, points
        super().__init__(f"{indicator.code}: {points} is outside 0..{indicator.max_points}")


@dataclass(frozen=True)
class IndicatorResult:
    code: str
    name: str
    dimension: str
    rule: str
    source: str
    raw: object  # the fact read (number, bool or None), or the judged points
    points: Decimal
    max_points: Decimal
    contribution: Decimal
    overridden: bool  # points given by a reviewer instead of the rule


@dataclass(frozen=True)
class DimensionResult:
    code: str
    name: str
    weight: Decimal
    points: Decimal
    max_points: Decimal
    subtotal: Decimal


@dataclass(frozen=True)
class Breakdown:
    indicators: tuple[IndicatorResult, ...]
    dimensions: tuple[DimensionResult, ...]
    total: Decimal

    def points(self) -> dict[str, Decimal]:
        return {i.code: i.points for i in self.indicators}

    def as_json(self) -> dict:
        """A JSON-ready dict (Decimals as strings, raw values as they are)."""
        def plain(row):
            return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in asdict(row).items()}
        return {"indicators": [plain(i) for i in self.indicators], "dimensions": [plain(d) for d in self.dimensions],
                "total": str(self.total)}


def _as_number(value) -> Decimal | None:
    if value is None:
        return None
    try:
        return decimal(value)
    except Exception:  # noqa: BLE001 - a fact that is not a number scores like a missing one
        return None


def rule_points(indicator: Indicator, value) -> Decimal:
    """What ``indicator``'s rule gives for the fact ``value`` (not for judged indicators)."""
    maximum, params = indicator.max_points, indicator.params or {}
    if indicator.rule == YES_NO:
        return maximum if value is not None and bool(value) else ZERO
    number = _as_number(value)
    if number is None:
        return ZERO
    if indicator.rule == TIERS:
        best_threshold = None
        points = ZERO
        for threshold, tier_points in params["tiers"]:
            threshold = decimal(threshold)
            if number >= threshold and (best_threshold is None or threshold > best_threshold):
                best_threshold, points = threshold, decimal(tier_points)
        return min(points, maximum)
    per_unit = decimal(params["per_unit"])
    if indicator.rule == CAPPED_COUNT:
        return min(max(number, ZERO) * per_unit, maximum)
    if indicator.rule == DEDUCTION:
        return max(maximum - max(number, ZERO) * per_unit, ZERO)
    raise ValueError(f"unknown rule {indicator.rule!r}")


def _given(indicator: Indicator, points) -> Decimal:
    value = decimal(points)
    if not value.is_finite() or value < 0 or value > indicator.max_points:
        raise ScoreOutOfRange(indicator, points)
    return value


def score(rubric: Rubric, facts: Mapping[str, object], judged_scores: Mapping[str, object] | None = None,
          overrides: Mapping[str, object] | None = None) -> Breakdown:
    """Score one society.

    ``facts`` maps a source ("report.academic_events", "registry.journals") to its value;
    ``judged_scores`` maps a judged indicator's code to the points given (missing: 0);
    ``overrides`` maps any indicator's code to points a reviewer gave instead of the rule.
    Points outside 0 … maximum raise :class:`ScoreOutOfRange`.
    """
    judged_scores, overrides = judged_scores or {}, overrides or {}
    indicator_rows, dimension_rows = [], []
    for dimension in rubric.dimensions:
        maximum = dimension.max_points
        earned = ZERO
        for indicator in dimension.indicators:
            if indicator.rule == JUDGED:
                given = judged_scores.get(indicator.code)
                raw = None if given is None else _given(indicator, given)
                computed = raw if raw is not None else ZERO
            else:
                raw = facts.get(indicator.source)
                computed = rule_points(indicator, raw)
            overridden = overrides.get(indicator.code) is not None
            points = cents(_given(indicator, overrides[indicator.code]) if overridden else computed)
            earned += points
            contribution = cents(dimension.weight * points / maximum) if maximum else ZERO
            indicator_rows.append(IndicatorResult(
                code=indicator.code, name=indicator.name, dimension=dimension.code, rule=indicator.rule,
                source=indicator.source, raw=_plain(raw), points=points, max_points=indicator.max_points,
                contribution=contribution, overridden=overridden))
        subtotal = cents(dimension.weight * earned / maximum) if maximum else ZERO
        dimension_rows.append(DimensionResult(code=dimension.code, name=dimension.name, weight=dimension.weight,
                                              points=earned, max_points=maximum, subtotal=subtotal))
    total = sum((d.subtotal for d in dimension_rows), ZERO)
    return Breakdown(tuple(indicator_rows), tuple(dimension_rows), total)


def _plain(raw):
    """Facts as JSON can hold them: Decimals stay numbers written exactly (as strings)."""
    if isinstance(raw, Decimal):
        return str(raw)
    return raw


def grade_for(total: Decimal, grades: tuple[Grade, ...]) -> str:
    """The label of the highest grade whose minimum ``total`` reaches ("" below every one)."""
    for grade in sorted(grades, key=lambda g: g.minimum, reverse=True):
        if total >= grade.minimum:
            return grade.label
    return ""


def points_to_next_grade(total: Decimal, grades: tuple[Grade, ...]) -> tuple[Decimal, str] | None:
    """(points still needed, next grade's label) for the lowest grade above ``total``'s, or None
    at the top grade."""
    above = [g for g in grades if g.minimum > total]
    if not above:
        return None
    nearest = min(above, key=lambda g: g.minimum)
    return nearest.minimum - total, nearest.label
