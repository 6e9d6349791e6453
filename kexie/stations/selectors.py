"""Reads of the station registry. One selector per figure: the list page, its export, the API and
the plan-target measures (:mod:`kexie.plans.measures`) count stations through
:func:`stations_filtered`, so "新建科技小院" is the same number on the plan and on the list."""

import datetime as dt
from collections import Counter

from django.db.models import Q

from kexie.organizations.models import Organization, OrganizationClosure, OrgKind
from kexie.people.models import EntryStatus, ExpertEntry, Person

from . import facts as station_facts
from .models import Station, StationStatus, StationType

VIEW = "station.view"
MANAGE = "station.manage"


def stations_for(user, action: str = VIEW):
    """The stations ``user`` may ``action``: registered in their scope (and, to view, partnered by a
    society in it)."""
    return Station.objects.restrict(user, action).select_related("organization", "partner_society")


def subtree_ids(organization):
    return OrganizationClosure.objects.filter(ancestor_id=getattr(organization, "pk", organization)).values(
        "descendant_id")


def stations_filtered(queryset, *, organization=None, station_type: str = "", status: str = "", region: str = "",
                      since: dt.date | None = None, until: dt.date | None = None):
    """``queryset`` narrowed to stations registered in ``organization``'s subtree, of ``station_type``, in
    ``status``, whose region code starts with ``region``, established within [since, until]."""
    if organization is not None:
        queryset = queryset.filter(organization__in=subtree_ids(organization))
    if station_type:
        queryset = queryset.filter(type=station_type)
    if status:
        queryset = queryset.filter(status=status)
    if region:
        queryset = queryset.filter(region_code__startswith=region)
    if since is not None:
        queryset = queryset.filter(established_on__gte=since)
    if until is not None:
        queryset = queryset.filter(established_on__lte=until)
    return queryset


def count_new(organization, since, until, *, station_type: str) -> int:
    """New stations of ``station_type`` established within [since, until] in ``organization``'s subtree."""
    return stations_filtered(Station.objects.all(), organization=organization, station_type=station_type, since=since,
                             until=until).exclude(established_on__isnull=True).count()


def count_operating(organization, since, until) -> int:
    """Stations in operation in ``organization``'s subtree, established by ``until`` (``since`` does not
    apply: a station set up earlier still runs in the period)."""
    return stations_filtered(Station.objects.all(), organization=organization, status=StationStatus.OPERATING,
                             until=until).count()


def counts(stations) -> dict:
    """Counts of ``stations`` by type (every type, zeros kept) and by region code, and the total."""
    rows = list(stations.values_list("type", "region_code"))
    by_type = Counter(t for t, _r in rows)
    by_region = Counter(r or "" for _t, r in rows)
    return {"total": len(rows),
            "by_type": [(value, label, by_type.get(value, 0)) for value, label in StationType.choices],
            "by_region": sorted(by_region.items())}


def organizations_for(user, action: str = MANAGE):
    """The associations a user may register a station under."""
    return Organization.objects.restrict(user, action)


def may_change_rules(user) -> bool:
    """Whether ``user`` may change the entry rules: ``station.manage`` held at the national
    association itself or at one of its departments (the national office)."""
    if not user.has_code(MANAGE) or not user.organization_id:
        return False
    return Organization.objects.filter(
        Q(kind=OrgKind.NATIONAL_ASSOCIATION) | Q(kind=OrgKind.DEPARTMENT, parent__kind=OrgKind.NATIONAL_ASSOCIATION),
        pk=user.organization_id).exists()


def listing(user, *, below_only: bool = False, **filters):
    """The list page's (and its export's) stations for ``filters`` with {station id: the rules it
    fails}; ``below_only`` keeps the stations failing at least one. The facts of all the stations
    are computed together (:func:`kexie.stations.facts.failures_table`): the same few queries for
    ten stations or ten thousand."""
    stations = stations_filtered(stations_for(user), **filters)
    flagged = station_facts.failures_table(stations)
    if below_only:
        stations = stations.filter(pk__in=list(flagged))
    return stations, flagged


def expert_choices(user):
    """The persons a clerk may put on a station's experts: those in the clerk's scope and those in
    an expert library the clerk may use (a station's experts are often national-level experts kept
    elsewhere). Withdrawn or suspended library entries offer nobody."""
    in_libraries = ExpertEntry.objects.restrict(user, "expert.view").filter(status=EntryStatus.ACTIVE).values(
        "person_id")
    visible = Person.objects.restrict(user, "person.view").values("pk")
    return (Person.objects.current().filter(Q(pk__in=visible) | Q(pk__in=in_libraries))
            .select_related("organization").order_by("name", "pk"))
