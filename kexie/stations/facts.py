"""A station's facts and its entry check against the rules of its type.

A fact is a figure about one station with where it comes from: the registry's own experts
(``national_experts``, ``experts_total``), or the station's latest annual report
(``demands_collected``, ``activities``, ``people_served``). Another app that keeps the records
behind a figure registers a *provider* from its ``AppConfig.ready``::

    stations.facts.register_provider("demands_collected", _("Demands collected"), count_demands)

``count_demands(station, year)`` then replaces the annual report's figure (the demands app
counts its own demand records; this app never imports it). Until then the report's figure is
used and its source says so (年报填报).

:func:`facts` is the one place that computes them, :func:`check` the one place that compares
them with the rules (:class:`~kexie.stations.models.StationRule`): the station page, the list's
"below threshold" filter, the export and the API all call these two.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ExpertLevel, Operator, ReportStatus, Station, StationReport, StationRule

Provider = Callable[[Station, int | None], int | Decimal | None]


@dataclass(frozen=True)
class Fact:
    code: str
    label: str
    value: int | Decimal | None  # None: nothing to read (no report filed)
    source: str


@dataclass(frozen=True)
class RuleResult:
    rule: StationRule
    fact: str
    label: str
    value: int | Decimal | None
    operator: str
    threshold: Decimal
    passed: bool
    message: str
    source: str


# The facts this app computes itself, and those read from the annual report until a provider
# takes them over.
REGISTRY_FACTS = {
    "national_experts": gettext_lazy("National-level experts"),
    "experts_total": gettext_lazy("Experts in service"),
}
REPORT_FACTS = {
    "demands_collected": gettext_lazy("Demands collected"),
    "activities": gettext_lazy("Activities held"),
    "people_served": gettext_lazy("People served"),
}

_PROVIDERS: dict[str, tuple[object, Provider]] = {}


def register_provider(code: str, label, fn: Provider) -> None:
    """Let ``fn(station, year)`` compute the fact ``code`` (idempotent for the same code)."""
    _PROVIDERS[code] = (label, fn)


def fact_choices() -> list[tuple[str, str]]:
    """(code, label) of every fact a rule may name."""
    labels = {**REGISTRY_FACTS, **REPORT_FACTS, **{code: label for code, (label, _fn) in _PROVIDERS.items()}}
    return [(code, str(label)) for code, label in labels.items()]


def fact_label(code: str) -> str:
    return dict(fact_choices()).get(code, code)


def latest_report(station: Station, year: int | None = None) -> StationReport | None:
    """The station's latest submitted (or evaluated) annual report, up to ``year`` when given."""
    reports = station.reports.exclude(status=ReportStatus.DRAFT)
    if year is not None:
        reports = reports.filter(year__lte=year)
    return reports.order_by("-year").first()


def _active_experts(station: Station):
    return station.experts.filter(left_on__isnull=True)


def fact_list(station: Station, year: int | None = None) -> list[Fact]:
    """Every fact of ``station`` (for ``year``, else the latest), with its source."""
    experts = _active_experts(station)
    rows = [
        Fact("national_experts", str(REGISTRY_FACTS["national_experts"]),
             experts.filter(level=ExpertLevel.NATIONAL).count(), _("registry: experts in service")),
        Fact("experts_total", str(REGISTRY_FACTS["experts_total"]), experts.count(),
             _("registry: experts in service")),
    ]
    report = latest_report(station, year)
    for code, label in REPORT_FACTS.items():
        if code in _PROVIDERS:
            continue
        if report is None:
            rows.append(Fact(code, str(label), None, _("no annual report filed by the station")))
        else:
            rows.append(Fact(code, str(label), getattr(report, code),
                             _("annual report %(year)s, filed by the station") % {"year": report.year}))
    for code, (label, fn) in _PROVIDERS.items():
        rows.append(Fact(code, str(label), fn(station, year), _("records of the platform")))
    return rows


def facts(station: Station, year: int | None = None) -> dict[str, int | Decimal | None]:
    """{fact code: value} of ``station``."""
    return {fact.code: fact.value for fact in fact_list(station, year)}


_COMPARE = {
    Operator.GTE: lambda value, threshold: value >= threshold,
    Operator.GT: lambda value, threshold: value > threshold,
    Operator.LTE: lambda value, threshold: value <= threshold,
    Operator.EQ: lambda value, threshold: value == threshold,
}


def rules_of(station_type: str) -> list[StationRule]:
    return list(StationRule.objects.filter(type=station_type))


def check(station: Station, *, year: int | None = None, rules: list[StationRule] | None = None) -> list[RuleResult]:
    """The station's facts against every entry rule of its type; a fact with nothing to read fails."""
    by_code = {fact.code: fact for fact in fact_list(station, year)}
    results = []
    for rule in rules_of(station.type) if rules is None else rules:
        fact = by_code.get(rule.fact)
        value = fact.value if fact else None
        passed = value is not None and _COMPARE[rule.operator](Decimal(value), rule.threshold)
        results.append(RuleResult(
            rule=rule, fact=rule.fact, label=fact.label if fact else rule.fact, value=value, operator=rule.operator,
            threshold=rule.threshold, passed=passed, message=rule.message,
            source=fact.source if fact else _("no such fact is computed")))
    return results


def failures(station: Station, **options) -> list[RuleResult]:
    """The rules ``station`` does not meet (empty: it meets every entry rule of its type)."""
    return [result for result in check(station, **options) if not result.passed]
