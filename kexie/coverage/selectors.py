"""Reads of grassroots coverage. The overview page, its Excel export and the drill-down all go
through :func:`coverage_rows`, so a figure is the same number wherever it is shown.

How regions map. An organisation stands for the region of its region code, read by level: a
province code (``410000``) stands for every code starting with its 2 digits, a city code
(``410100``) for its 4 digits, a county code (``410122``) for itself. An organisation without a
region code (a park or enterprise association, a township) takes the code of its nearest ancestor
that has one; the national association (no prefix) stands for the whole country.

The denominator of a region and category is the sum of the imported figures whose code falls in
the region, taking only the topmost figures: when both the province (410000) and a city (410100)
are imported, the province's figure already includes the city's and is the one counted.

The number covered is the count of active associations of the matching kind (高校→高校科协 …)
in the organisation's subtree whose (own or inherited) region code falls in the region and that
were founded (or, without a founding date, recorded) by the end of the year."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery

from kexie.organizations.models import (
    HIERARCHY_ASSOCIATIONS, Organization, OrganizationClosure, OrgKind, OrgStatus,
)

from .models import CATEGORY_KIND, Category, Denominator, PostKind, RosterEntry

VIEW = "org.view"
IMPORT = "org.import"


def region_prefix(code: str) -> str:
    """The prefix a region code stands for: 2 digits for a province, 4 for a city, 6 for a county."""
    code = code or ""
    if len(code) != 6:
        return ""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def _effective_region():
    """A subquery: the region code of an organisation, or of its nearest ancestor that has one."""
    return Subquery(OrganizationClosure.objects.filter(descendant_id=OuterRef("pk")).exclude(ancestor__region_code="")
                    .order_by("depth").values("ancestor__region_code")[:1])


def with_region(queryset):
    """``queryset`` of organisations with ``effective_region`` annotated."""
    return queryset.annotate(effective_region=_effective_region())


def prefix_of(organization) -> str:
    """The region prefix ``organization`` stands for ("" for the whole country)."""
    if organization.kind == OrgKind.NATIONAL_ASSOCIATION:
        return ""
    code = organization.region_code or getattr(organization, "effective_region", None)
    if code is None:
        code = with_region(Organization.objects.filter(pk=organization.pk)).values_list(
            "effective_region", flat=True).first()
    return region_prefix(code or "")


@dataclass(frozen=True)
class Figure:
    """One category's coverage in one organisation's region and subtree."""

    category: str
    label: str
    denominator: int | None
    covered: int

    @property
    def percent(self) -> float | None:
        """The raw percentage (may exceed 100 when the tree holds more than the statistics count)."""
        if not self.denominator:
            return None
        return round(self.covered * 100 / self.denominator, 1)

    @property
    def shown_percent(self) -> float | None:
        """The percentage as displayed: capped at 100."""
        return None if self.percent is None else min(self.percent, 100.0)


@dataclass(frozen=True)
class Row:
    organization: Organization
    prefix: str
    figures: list[Figure]


def _topmost_sum(codes_counts: list[tuple[str, int]], prefix: str) -> int | None:
    """The sum of the figures under ``prefix`` that no other figure under it contains."""
    inside = [(code, count) for code, count in codes_counts if code.startswith(prefix)]
    if not inside:
        return None
    stands_for = {region_prefix(code) for code, _count in inside}
    total = 0
    for code, count in inside:
        own = region_prefix(code)
        if not any(len(upper) < len(own) and upper in stands_for for upper in (code[:2], code[:4])):
            total += count
    return total


def coverage_rows(organizations, year: int) -> list[Row]:
    """Coverage per category for each of ``organizations`` (their subtree and region) in ``year``:
    one query for the denominators and one for the associations covering, however many rows."""
    organizations = list(organizations)
    if not organizations:
        return []
    prefixes = {org.pk: prefix_of(org) for org in organizations}
    region_q = Q()
    for prefix in set(prefixes.values()):
        region_q |= Q(region_code__startswith=prefix)
    figures: dict[str, list[tuple[str, int]]] = {}
    for code, category, count in Denominator.objects.filter(region_q, year=year).values_list(
            "region_code", "category", "count"):
        figures.setdefault(category, []).append((code, count))
    end = dt.date(year, 12, 31)
    kinds = {kind: category for category, kind in CATEGORY_KIND.items()}
    covering = (OrganizationClosure.objects
                .filter(ancestor_id__in=list(prefixes), descendant__kind__in=list(kinds),
                        descendant__status=OrgStatus.ACTIVE)
                .filter(Q(descendant__founded_on__lte=end)
                        | Q(descendant__founded_on__isnull=True, descendant__created_at__date__lte=end))
                .annotate(region=Subquery(
                    OrganizationClosure.objects.filter(descendant_id=OuterRef("descendant_id"))
                    .exclude(ancestor__region_code="").order_by("depth").values("ancestor__region_code")[:1]))
                .values_list("ancestor_id", "descendant__kind", "region"))
    counted: dict[tuple[int, str], int] = {}
    for ancestor_id, kind, region in covering:
        if (region or "").startswith(prefixes[ancestor_id]):
            key = (ancestor_id, kinds[kind])
            counted[key] = counted.get(key, 0) + 1
    rows = []
    for org in organizations:
        prefix = prefixes[org.pk]
        rows.append(Row(org, prefix, [
            Figure(value, str(label), _topmost_sum(figures.get(value, []), prefix), counted.get((org.pk, value), 0))
            for value, label in Category.choices]))
    return rows


def coverage(organization, year: int) -> Row:
    """Coverage of ``organization``'s subtree and region in ``year``."""
    return coverage_rows([organization], year)[0]


def drill_down(organization, year: int) -> list[Row]:
    """Coverage of each association directly below ``organization`` that has a region of its own
    (a city under a province, a county under a city): one row each."""
    children = with_region(Organization.objects).filter(parent=organization, kind__in=HIERARCHY_ASSOCIATIONS).exclude(
        region_code="").order_by("sort_order", "name")
    return coverage_rows(children, year)


def direct_figures(row: Row, children: list[Row]) -> list[Figure] | None:
    """What ``row`` covers that none of its drill-down ``children`` does — the grassroots
    associations attached to the organisation itself (a university association directly under a
    province) — per category, so the drill-down adds up to the total; None when there are none.
    No denominator: the statistics count regions, not attachments."""
    figures = []
    for i, figure in enumerate(row.figures):
        covered = figure.covered - sum(child.figures[i].covered for child in children)
        figures.append(Figure(figure.category, figure.label, None, covered))
    return figures if any(f.covered for f in figures) else None


def organizations_for(user, action: str = VIEW):
    """The organisations whose coverage ``user`` may see (``org.view`` scope)."""
    return Organization.objects.restrict(user, action)


def years(default: int) -> list[int]:
    """The years with denominators, and ``default``, newest first."""
    found = set(Denominator.objects.values_list("year", flat=True).distinct())
    return sorted(found | {default}, reverse=True)


def denominators_under(organization, year: int | None = None):
    """The imported figures inside ``organization``'s region."""
    queryset = Denominator.objects.filter(region_code__startswith=prefix_of(organization)).select_related(
        "organization")
    if year is not None:
        queryset = queryset.filter(year=year)
    return queryset


def _established(since: dt.date | None, until: dt.date | None) -> Q:
    """Founded within [since, until]; an organisation without a founding date counts by the day it
    was recorded."""
    founded, recorded = Q(founded_on__isnull=False), Q(founded_on__isnull=True)
    if since is not None:
        founded &= Q(founded_on__gte=since)
        recorded &= Q(created_at__date__gte=since)
    if until is not None:
        founded &= Q(founded_on__lte=until)
        recorded &= Q(created_at__date__lte=until)
    return founded | recorded


def count_new(organization, since, until, *, kind: str) -> int:
    """New associations of ``kind`` established within [since, until] in ``organization``'s subtree
    (the plan measure for targets such as "新增企业科协20家")."""
    return Organization.objects.subtree_of(organization).filter(_established(since, until), kind=kind).count()


# --- the 三长/四长 roster ---------------------------------------------------------------------------

CHANGE = "org.change"


@dataclass(frozen=True)
class RosterRow:
    """An entry of the roster with the number of activities its person took part in as an expert."""

    entry: RosterEntry
    activities_led: int


@dataclass(frozen=True)
class RosterCount:
    """Active entries per post kind in one organisation's part of the roster."""

    organization: Organization
    own_only: bool  # the organisation's own committee only (not its subtree)
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def figures(self) -> list[int]:
        return [self.counts.get(kind, 0) for kind in PostKind.values]


def roster_entries(organization, *, include_ended: bool = False):
    """The entries of the committees of ``organization``'s subtree (active ones unless
    ``include_ended``), the association's own first, then by association, post kind and name."""
    queryset = (RosterEntry.objects.filter(organization__in=Organization.objects.subtree_of(organization))
                .select_related("organization", "person"))
    if not include_ended:
        queryset = queryset.filter(active=True)
    return queryset.order_by("-active", "organization__sort_order", "organization__name", "post_kind",
                             "person__name_pinyin", "pk")


def activities_led(person_ids) -> dict[int, int]:
    """How many activities (not cancelled) list each person among their experts: one query."""
    from kexie.activities.models import Activity, ActivityStatus

    through = Activity.experts.through
    rows = (through.objects.filter(person_id__in=list(person_ids))
            .exclude(activity__status=ActivityStatus.CANCELLED)
            .values("person_id").annotate(n=Count("activity_id", distinct=True)).values_list("person_id", "n"))
    return dict(rows)


def roster_rows(organization, *, include_ended: bool = False) -> list[RosterRow]:
    """The roster as the page and its export show it."""
    entries = list(roster_entries(organization, include_ended=include_ended))
    led = activities_led({entry.person_id for entry in entries})
    return [RosterRow(entry, led.get(entry.person_id, 0)) for entry in entries]


def roster_counts(organization) -> list[RosterCount]:
    """Active entries per post kind: the organisation's own committee, then each association
    directly below it (its whole subtree). Two queries, however many rows."""
    children = list(Organization.objects.filter(parent=organization, kind__in=HIERARCHY_ASSOCIATIONS)
                    .order_by("sort_order", "name"))
    active = list(RosterEntry.objects.filter(organization__in=Organization.objects.subtree_of(organization),
                                             active=True).values_list("organization_id", "post_kind"))
    under: dict[int, set[int]] = {}
    for ancestor_id, descendant_id in OrganizationClosure.objects.filter(
            ancestor_id__in=[child.pk for child in children],
            descendant_id__in={org_id for org_id, _kind in active}).values_list("ancestor_id", "descendant_id"):
        under.setdefault(ancestor_id, set()).add(descendant_id)
    own: dict[str, int] = {}
    for org_id, kind in active:
        if org_id == organization.pk:
            own[kind] = own.get(kind, 0) + 1
    rows = [RosterCount(organization, True, own)]
    for child in children:
        counts: dict[str, int] = {}
        for org_id, kind in active:
            if org_id in under.get(child.pk, ()):
                counts[kind] = counts.get(kind, 0) + 1
        rows.append(RosterCount(child, False, counts))
    return rows


def roster_totals(organization) -> dict[str, int]:
    """Active entries per post kind in the whole subtree."""
    totals = dict.fromkeys(PostKind.values, 0)
    for kind, n in (RosterEntry.objects.filter(organization__in=Organization.objects.subtree_of(organization),
                                               active=True).values("post_kind").annotate(n=Count("pk"))
                    .values_list("post_kind", "n")):
        totals[kind] = n
    return totals


def count_roster(organization, since, until, *, kind: str) -> int:
    """Active roster entries of ``kind`` in ``organization``'s subtree whose term had started by
    ``until`` (the plan measure for targets such as "吸纳医院院长进入科协组织30人")."""
    queryset = RosterEntry.objects.filter(organization__in=Organization.objects.subtree_of(organization),
                                          active=True, post_kind=kind)
    if until is not None:
        queryset = queryset.filter(Q(term_starts_on__isnull=True) | Q(term_starts_on__lte=until))
    return queryset.count()
