"""A station's facts and its entry check against the rules of its type, for one station or many.

A fact is a figure about one station with where it comes from: the registry's own experts
(``national_experts``, ``experts_total``), or the station's latest annual report
(``demands_collected``, ``activities``, ``people_served``). Another app that keeps the records
behind a figure registers a *provider* from its ``AppConfig.ready``::

    stations.facts.register_provider("demands_collected", _("Demands collected"), count_demands, default=0)

``count_demands(station_ids, year)`` returns ``{station id: value}`` for many stations at once (one
query; a station it leaves out gets the provider's ``default``) and then replaces the annual
report's figure (the demands app counts its own demand records; this app never imports it). Until
then the report's figure is used and its source says so (年报填报).

:func:`fact_table` is the one place that computes them, for any number of stations with one query
per fact; :func:`check_table` the one place that compares them with the rules
(:class:`~kexie.stations.models.StationRule`). The station page, the list's "below threshold"
filter, the export and the API all go through these two; :func:`fact_list`, :func:`check` and
:func:`failures` are the same applied to one station.
"""

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ExpertLevel, Operator, ReportStatus, Station, StationExpert, StationReport, StationRule

# fn_many(station_ids, year) -> {station id: value}; ``station_ids`` is a list of ids or a queryset
# of them (usable with ``__in``); a station left out gets the provider's default.
Provider = Callable[[Collection[int] | QuerySet, int | None], dict[int, int | Decimal | None]]


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
_DEFAULTS: dict[str, int | Decimal | None] = {}


def register_provider(code: str, label, fn_many: Provider, *, default: int | Decimal | None = None) -> None:
    """Let ``fn_many(station_ids, year)`` compute the fact ``code`` for many stations at once
    (idempotent for the same code). A station it leaves out has ``default`` (a count: 0; None:
    nothing to read, the rule fails)."""
    _PROVIDERS[code] = (label, fn_many)
    _DEFAULTS[code] = default


def fact_choices() -> list[tuple[str, str]]:
    """(code, label) of every fact a rule may name."""
    labels = {**REGISTRY_FACTS, **REPORT_FACTS, **{code: label for code, (label, _fn) in _PROVIDERS.items()}}
    return [(code, str(label)) for code, label in labels.items()]


def fact_label(code: str) -> str:
    return dict(fact_choices()).get(code, code)


def _filed(year: int | None):
    """Submitted (or evaluated) annual reports, up to ``year`` when given."""
    reports = StationReport.objects.exclude(status=ReportStatus.DRAFT)
    return reports if year is None else reports.filter(year__lte=year)


def latest_reports(station_ids, year: int | None = None) -> dict[int, StationReport]:
    """{station id: its latest submitted (or evaluated) annual report, up to ``year``}, one query."""
    latest = _filed(year).filter(station_id=OuterRef("station_id")).order_by("-year").values("pk")[:1]
    return {report.station_id: report
            for report in _filed(year).filter(station_id__in=station_ids, pk=Subquery(latest))}


def latest_report(station: Station, year: int | None = None) -> StationReport | None:
    """The station's latest submitted (or evaluated) annual report, up to ``year`` when given."""
    return latest_reports([station.pk], year).get(station.pk)


def _expert_counts(station_ids) -> dict[int, tuple[int, int]]:
    """{station id: (national-level experts, experts)} in service, one query."""
    rows = (StationExpert.objects.filter(station_id__in=station_ids, left_on__isnull=True).order_by()
            .values("station_id")
            .annotate(national=Count("pk", filter=Q(level=ExpertLevel.NATIONAL)), total=Count("pk")))
    return {row["station_id"]: (row["national"], row["total"]) for row in rows}


def _ids_and_types(stations) -> tuple[list[tuple[int, str]], Collection[int] | QuerySet]:
    """(station id, type) of ``stations`` (a queryset or Station objects), and the ids to filter on:
    a queryset's own ids as a subquery, so that the facts' queries carry no long list."""
    if isinstance(stations, QuerySet):
        return list(stations.order_by().values_list("pk", "type")), stations.order_by().values("pk")
    rows = [(station.pk, station.type) for station in stations]
    return rows, [pk for pk, _type in rows]


def fact_table(stations: QuerySet | Iterable[Station], year: int | None = None) -> dict[int, dict[str, Fact]]:
    """{station id: {fact code: Fact}} of ``stations`` (for ``year``, else the latest): one query for
    the experts, one for the latest reports, one per provider, whatever the number of stations."""
    rows, ids = _ids_and_types(stations)
    return _facts_of([pk for pk, _type in rows], ids, year)


def _facts_of(station_ids: list[int], ids, year: int | None) -> dict[int, dict[str, Fact]]:
    if not station_ids:
        return {}
    experts = _expert_counts(ids)
    report_codes = [code for code in REPORT_FACTS if code not in _PROVIDERS]
    reports = latest_reports(ids, year) if report_codes else {}
    provided = {code: (label, fn(ids, year)) for code, (label, fn) in _PROVIDERS.items()}
    registry_source, records_source = _("registry: experts in service"), _("records of the platform")
    table = {}
    for pk in station_ids:
        national, total = experts.get(pk, (0, 0))
        facts_of = {
            "national_experts": Fact("national_experts", str(REGISTRY_FACTS["national_experts"]), national,
                                     registry_source),
            "experts_total": Fact("experts_total", str(REGISTRY_FACTS["experts_total"]), total, registry_source),
        }
        report = reports.get(pk)
        for code in report_codes:
            label = str(REPORT_FACTS[code])
            if report is None:
                facts_of[code] = Fact(code, label, None, _("no annual report filed by the station"))
            else:
                facts_of[code] = Fact(code, label, getattr(report, code),
                                      _("annual report %(year)s, filed by the station") % {"year": report.year})
        for code, (label, values) in provided.items():
            facts_of[code] = Fact(code, str(label), values.get(pk, _DEFAULTS.get(code)), records_source)
        table[pk] = facts_of
    return table


def fact_list(station: Station, year: int | None = None) -> list[Fact]:
    """Every fact of ``station`` (for ``year``, else the latest), with its source."""
    return list(fact_table([station], year)[station.pk].values())


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


def _compare(rules: list[StationRule], by_code: dict[str, Fact]) -> list[RuleResult]:
    """The facts ``by_code`` against ``rules``; a fact with nothing to read fails."""
    results = []
    for rule in rules:
        fact = by_code.get(rule.fact)
        value = fact.value if fact else None
        passed = value is not None and _COMPARE[rule.operator](Decimal(value), rule.threshold)
        results.append(RuleResult(
            rule=rule, fact=rule.fact, label=fact.label if fact else rule.fact, value=value, operator=rule.operator,
            threshold=rule.threshold, passed=passed, message=rule.message,
            source=fact.source if fact else _("no such fact is computed")))
    return results


def check_table(stations: QuerySet | Iterable[Station], *, year: int | None = None,
                rules: list[StationRule] | None = None,
                table: dict[int, dict[str, Fact]] | None = None) -> dict[int, list[RuleResult]]:
    """{station id: its facts against every entry rule of its type (or against ``rules``)}: the
    queries of :func:`fact_table` (none when its ``table`` is given) and one for the rules."""
    rows, ids = _ids_and_types(stations)
    if table is None:
        table = _facts_of([pk for pk, _type in rows], ids, year)
    if rules is None:
        by_type: dict[str, list[StationRule]] = {}
        for rule in StationRule.objects.filter(type__in={station_type for _pk, station_type in rows}):
            by_type.setdefault(rule.type, []).append(rule)
    return {pk: _compare(by_type.get(station_type, []) if rules is None else rules, table[pk])
            for pk, station_type in rows}


def failures_table(stations: QuerySet | Iterable[Station], **options) -> dict[int, list[RuleResult]]:
    """{station id: the rules it does not meet} of the stations of ``stations`` failing at least one."""
    return {pk: failed for pk, results in check_table(stations, **options).items()
            if (failed := [result for result in results if not result.passed])}


def check(station: Station, *, year: int | None = None, rules: list[StationRule] | None = None) -> list[RuleResult]:
    """The station's facts against every entry rule of its type; a fact with nothing to read fails."""
    return check_table([station], year=year, rules=rules)[station.pk]


def failures(station: Station, **options) -> list[RuleResult]:
    """The rules ``station`` does not meet (empty: it meets every entry rule of its type)."""
    return failures_table([station], **options).get(station.pk, [])
