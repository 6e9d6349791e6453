"""Read-side queries over the society registry and annual reports.

:func:`facts_for` is what evaluation rubrics and the four-batch rules read: for each society,
every :data:`~kexie.societies.models.REPORT_FIELDS` value of its accepted report for a year and
every :data:`~kexie.societies.models.REGISTRY_FIELDS` value, in a fixed number of queries
whatever the number of societies.
"""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, QuerySet

from kexie.organizations.models import OrgKind, OrgStatus, Organization, OrganizationClosure

from .models import (
    REPORT_FIELDS,
    AnnualInspection,
    AnnualReport,
    AnnualReportStatus,
    BodyKind,
    GoverningBody,
    InspectionResult,
    Journal,
    PartyOrganization,
    ReportYear,
    SocietyProfile,
)

# Registry values stored on the profile as they are; the others are derived below.
_PROFILE_FIELDS = ("secretary_general_full_time", "secretary_general_appointed", "secretariat_staff",
                   "individual_members", "group_members")


def _society_ids(societies) -> QuerySet | list[int]:
    """The societies as something ``__in`` accepts: a subquery for a queryset, ids otherwise.

    Accepts a queryset of profiles, profiles, or their ids (the organisation's id).
    """
    if isinstance(societies, QuerySet):
        return societies.values("pk")
    return [getattr(item, "pk", item) for item in societies]


def registry_facts(societies: Iterable, *, as_of: dt.date) -> dict[int, dict[str, object]]:
    """Every ``registry.<field>`` value for each society, as it stood on ``as_of``.

    - ``has_party_organization``: the profile names a party organisation;
    - ``journals``: the journals it sponsors;
    - ``branches``: its active branches (分支机构) in the organisation tree;
    - ``council_term_overdue``: its latest council term ended before ``as_of`` (no newer term);
      a society with no council term recorded is not flagged here;
    - ``inspection_qualified``: its latest annual inspection up to ``as_of``'s year was 合格.

    Five queries whatever the number of societies.
    """
    ids = _society_ids(societies)
    facts: dict[int, dict[str, object]] = {}
    for row in SocietyProfile.objects.filter(pk__in=ids).values("pk", "party_organization", *_PROFILE_FIELDS):
        values = {f"registry.{name}": row[name] for name in _PROFILE_FIELDS}
        values["registry.has_party_organization"] = row["party_organization"] != PartyOrganization.NONE
        values["registry.journals"] = 0
        values["registry.branches"] = 0
        values["registry.council_term_overdue"] = False
        values["registry.inspection_qualified"] = False
        facts[row["pk"]] = values

    journals = Journal.objects.filter(society__in=ids).values("society").annotate(n=Count("pk"))
    for row in journals.values_list("society", "n"):
        facts[row[0]]["registry.journals"] = row[1]

    branches = (Organization.objects.filter(parent__in=ids, kind=OrgKind.SOCIETY_BRANCH, status=OrgStatus.ACTIVE)
                .values("parent").annotate(n=Count("pk")))
    for parent_id, count in branches.values_list("parent", "n"):
        facts[parent_id]["registry.branches"] = count

    for society_id in latest_council_overdue_ids(ids, as_of):
        facts[society_id]["registry.council_term_overdue"] = True

    # Latest inspection per society up to the year: rows come newest first, the first one wins.
    seen: set[int] = set()
    inspections = (AnnualInspection.objects.filter(society__in=ids, year__lte=as_of.year)
                   .order_by("society_id", "-year").values_list("society_id", "result"))
    for society_id, result in inspections:
        if society_id not in seen:
            seen.add(society_id)
            facts[society_id]["registry.inspection_qualified"] = result == InspectionResult.QUALIFIED
    return facts


def _newer_council_term():
    return GoverningBody.objects.filter(society=OuterRef("society"), kind=BodyKind.COUNCIL,
                                        term_number__gt=OuterRef("term_number"))


def overdue_council_terms(as_of: dt.date) -> QuerySet:
    """Council terms that are their society's latest and whose term ended before ``as_of``."""
    return (GoverningBody.objects.filter(kind=BodyKind.COUNCIL, term_ends_on__lt=as_of)
            .filter(~Exists(_newer_council_term())))


def latest_council_overdue_ids(ids, as_of: dt.date) -> set[int]:
    return set(overdue_council_terms(as_of).filter(society__in=ids).values_list("society_id", flat=True))


def report_facts(societies: Iterable, year: int) -> dict[int, dict[str, object]]:
    """Every ``report.<field>`` value of each society's accepted report for ``year`` (None when
    there is no accepted report). One query."""
    ids = _society_ids(societies)
    rows = (AnnualReport.objects.filter(society__in=ids, year=year, status=AnnualReportStatus.ACCEPTED)
            .values("society_id", *REPORT_FIELDS))
    return {row["society_id"]: {f"report.{name}": row[name] for name in REPORT_FIELDS} for row in rows}


def facts_for(societies: Iterable, year: int, *, as_of: dt.date | None = None) -> dict[int, dict[str, object]]:
    """For each society (keyed by its id, the organisation's id), every "report.<field>" value of
    its accepted report for ``year`` (None when it has none) and every "registry.<field>" value.

    Registry values are taken as of ``as_of``, by default the last day of ``year``. ``societies``
    is a queryset of :class:`SocietyProfile`, profiles or their ids. Six queries whatever their
    number.
    """
    as_of = as_of or dt.date(year, 12, 31)
    facts = registry_facts(societies, as_of=as_of)
    reports = report_facts(societies, year)
    empty_report = {f"report.{name}": None for name in REPORT_FIELDS}
    for society_id, values in facts.items():
        values.update(reports.get(society_id, empty_report))
    return facts


def terms_overdue(user, today: dt.date) -> QuerySet:
    """The societies the user may see whose council term has run out without a newer term (换届逾期)."""
    overdue = overdue_council_terms(today).filter(society=OuterRef("pk"))
    return SocietyProfile.objects.restrict(user, "society.view").filter(Exists(overdue))


def with_term_overdue(queryset: QuerySet, today: dt.date) -> QuerySet:
    """Annotate profiles with ``term_overdue`` (their council term has run out, see above)."""
    return queryset.annotate(term_overdue=Exists(overdue_council_terms(today).filter(society=OuterRef("pk"))))



# --- annual reports -------------------------------------------------------------------------------

def levels_reviewed_by(user) -> QuerySet:
    """Closure rows of the organisations whose annual-report rounds ``user`` may review: their own
    organisation and every one below it (a report is reviewed by the collecting association or a
    level above it)."""
    return OrganizationClosure.objects.filter(ancestor_id=user.organization_id)


def annual_reports_to_review(user) -> QuerySet:
    """年报待审: the submitted annual reports waiting for ``user``'s review — in their
    ``annual_report.review`` scope, collected by their association or one below it — late ones
    first, then the longest waiting. Empty for a user without the code; the home page counts it.
    """
    if user is None or not user.is_authenticated or not user.has_code("annual_report.review"):
        return AnnualReport.objects.none()
    return (AnnualReport.objects.restrict(user, "annual_report.review")
            .filter(status=AnnualReportStatus.SUBMITTED,
                    round__organization_id__in=levels_reviewed_by(user).values("descendant_id"))
            .select_related("society__organization", "round")
            .order_by("-late", "submitted_at", "id"))


def annual_reports_to_file(user) -> list[tuple]:
    """年报待填: (society, year, report or None) for each of the user's societies and each open
    round (not closed) of its association whose report is not submitted yet — missing, a draft or
    returned — the latest year first. What 我的年报 offers to file; the home page counts it."""
    from .services import round_for

    if user is None or not user.is_authenticated or not user.has_code("annual_report.submit"):
        return []
    profiles = list(SocietyProfile.objects.restrict(user, "annual_report.submit").select_related("organization"))
    reports = {(r.society_id, r.year): r for r in AnnualReport.objects.filter(society__in=profiles)}
    todo = []
    for profile in profiles:
        years = sorted(set(ReportYear.objects.filter(organization__in=profile.organization.ancestors(),
                                                     closed=False).values_list("year", flat=True)), reverse=True)
        for year in years:
            round_ = round_for(profile, year)
            report = reports.get((profile.pk, year))
            if round_ is not None and not round_.closed and (
                    report is None or report.status in (AnnualReportStatus.DRAFT, AnnualReportStatus.RETURNED)):
                todo.append((profile, year, report))
    return todo
