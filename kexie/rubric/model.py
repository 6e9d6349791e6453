"""What a rubric (指标体系) is: dimensions with weights, indicators with a scoring rule, grades.

Plain data, no Django. The evaluation app stores rubrics in the database and turns its rows into
these objects before scoring; :func:`validate` lists every problem at once, each as a
:class:`Problem` with a code and parameters so that the caller can word it in the user's language.

The scoring rules, with the ``params`` each takes:

``tiers``         ``{"tiers": [[600, 3], [200, 2], [50, 1]]}``: the points of the highest
                  threshold the value reaches (value ≥ threshold), else 0.
``capped_count``  ``{"per_unit": 0.5}``: value × per_unit, capped at the indicator's maximum.
``deduction``     ``{"per_unit": 1}``: the maximum minus value × per_unit, never below 0.
``yes_no``        ``{}``: the maximum when the value is true, else 0.
``judged``        ``{}``: a reviewer (or the society, as its claim) gives 0 … maximum.

Sources: ``"report.<field>"`` (the society's accepted annual report), ``"registry.<field>"``
(the registry) or ``"reviewer"`` (judged). A judged indicator reads the reviewer and only it.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

TIERS, CAPPED_COUNT, DEDUCTION, YES_NO, JUDGED = "tiers", "capped_count", "deduction", "yes_no", "judged"
RULES = (TIERS, CAPPED_COUNT, DEDUCTION, YES_NO, JUDGED)
REVIEWER = "reviewer"
SOURCE_PREFIXES = ("report.", "registry.")
WEIGHT_TOTAL = Decimal(100)


def decimal(value) -> Decimal:
    """``value`` as an exact Decimal (floats through their shortest repr, so 0.1 is 0.1)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    rule: str
    max_points: Decimal
    source: str
    params: dict = field(default_factory=dict, hash=False, compare=False)
    evidence_required: bool = False

    @property
    def judged(self) -> bool:
        return self.rule == JUDGED


@dataclass(frozen=True)
class Dimension:
    code: str
    name: str
    weight: Decimal
    indicators: tuple[Indicator, ...] = ()

    @property
    def max_points(self) -> Decimal:
        return sum((i.max_points for i in self.indicators), Decimal(0))


@dataclass(frozen=True)
class Grade:
    label: str
    minimum: Decimal  # a total ≥ minimum earns the grade


DEFAULT_GRADES = (Grade("优秀", Decimal(90)), Grade("良好", Decimal(75)), Grade("合格", Decimal(60)),
                  Grade("不合格", Decimal(0)))
DEFAULT_SIZE_BANDS = (0, 500, 2000, 10000)


@dataclass(frozen=True)
class Rubric:
    dimensions: tuple[Dimension, ...]
    grades: tuple[Grade, ...] = DEFAULT_GRADES

    @property
    def indicators(self) -> Iterable[Indicator]:
        for dimension in self.dimensions:
            yield from dimension.indicators


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rubric: ``code`` names the kind, ``where`` the dimension or indicator."""

    code: str
    where: str = ""
    params: dict = field(default_factory=dict, hash=False, compare=False)


def _number(value) -> Decimal | None:
    try:
        number = decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def check_params(rule: str, params: dict, max_points: Decimal) -> list[str]:
    """The problem codes of one rule's parameters (empty when they are fine)."""
    if rule not in RULES:
        return ["unknown_rule"]
    params = params or {}
    if rule == TIERS:
        tiers = params.get("tiers")
        if not isinstance(tiers, list | tuple) or not tiers:
            return ["tiers_missing"]
        problems = []
        for tier in tiers:
            if not isinstance(tier, list | tuple) or len(tier) != 2:
                return ["tiers_malformed"]
            threshold, points = _number(tier[0]), _number(tier[1])
            if threshold is None or points is None:
                return ["tiers_malformed"]
            if points < 0 or points > max_points:
                problems.append("tier_points_out_of_range")
        thresholds = [_number(t[0]) for t in tiers]
        if len(set(thresholds)) != len(thresholds):
            problems.append("tiers_duplicate_threshold")
        return sorted(set(problems))
    if rule in (CAPPED_COUNT, DEDUCTION):
        per_unit = _number(params.get("per_unit"))
        if per_unit is None or per_unit <= 0:
            return ["per_unit_invalid"]
    return []


def validate(rubric: Rubric, *, known_sources: set[str] | None = None) -> list[Problem]:
    """Every problem of ``rubric``; an empty list means it can be frozen and scored.

    ``known_sources`` (e.g. every "report.<field>" and "registry.<field>") narrows the data
    sources to those that exist; without it any name under the two prefixes is accepted.
    """
    problems: list[Problem] = []
    if not rubric.dimensions:
        problems.append(Problem("no_dimensions"))
    weights = [d.weight for d in rubric.dimensions]
    total = sum(weights, Decimal(0))
    if rubric.dimensions and total != WEIGHT_TOTAL:
        problems.append(Problem("weights_sum", params={
            "weights": [(d.name, d.weight) for d in rubric.dimensions], "sum": total}))
    codes = set()
    for dimension in rubric.dimensions:
        if dimension.weight <= 0:
            problems.append(Problem("weight_not_positive", dimension.name, {"weight": dimension.weight}))
        if not dimension.indicators:
            problems.append(Problem("dimension_empty", dimension.name))
        for indicator in dimension.indicators:
            if indicator.code in codes:
                problems.append(Problem("duplicate_code", indicator.name, {"code": indicator.code}))
            codes.add(indicator.code)
            if indicator.max_points <= 0:
                problems.append(Problem("max_not_positive", indicator.name, {"max": indicator.max_points}))
            problems.extend(Problem(code, indicator.name, {"max": indicator.max_points})
                            for code in check_params(indicator.rule, indicator.params, indicator.max_points))
            problems.extend(_source_problems(indicator, known_sources))
    grades = [g.minimum for g in rubric.grades]
    if not rubric.grades or grades != sorted(grades, reverse=True) or len(set(grades)) != len(grades):
        problems.append(Problem("grades_order"))
    elif min(grades) != 0:
        problems.append(Problem("grades_floor"))
    return problems


def _source_problems(indicator: Indicator, known_sources: set[str] | None) -> list[Problem]:
    source = indicator.source
    if indicator.judged:
        return [] if source == REVIEWER else [Problem("judged_needs_reviewer", indicator.name, {"source": source})]
    if source == REVIEWER:
        return [Problem("reviewer_needs_judged", indicator.name)]
    if not source.startswith(SOURCE_PREFIXES) or (known_sources is not None and source not in known_sources):
        return [Problem("unknown_source", indicator.name, {"source": source})]
    return []
