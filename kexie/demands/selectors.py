"""What pages, exports and the API read about demands: the scope, the funnel and the board.

Scope: a demand is seen by the staff whose ``demand.view`` scope holds its organisation (a county
its own, a province its subtree). A confidential demand is seen only by the person who recorded or
filed it and by the staff named on it (``named_staff``); its figures still count in the funnel,
which shows numbers only.

The funnel counts demands, not applications or experts: merged duplicates are left out (their
demand counts once, as the one they were merged into), and each stage is a demand that reached it.
"""

import datetime as dt
import statistics
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import (Aggregate, Case, CharField, Count, DurationField, ExpressionWrapper, F, Q, Sum,
                              Value, When)
from django.utils import timezone
from django.utils.translation import gettext

from kexie.accounts.scope import scope_q
from kexie.organizations.models import ASSOCIATION_KINDS, OrgKind, Organization, OrganizationClosure

from .models import Application, Demand, DemandStatus, Route

VIEW = "demand.view"
# The associations an enterprise may file its demand with (the public intake list).
INTAKE_KINDS = (OrgKind.CITY_ASSOCIATION, OrgKind.COUNTY_ASSOCIATION, OrgKind.PARK_ASSOCIATION)


def _named(user) -> Q:
    return Q(pk__in=Demand.named_staff.through.objects.filter(user_id=user.pk).values("demand_id"))


def demands_visible(user, action: str = VIEW):
    """The demands ``user`` may see (or ``action`` on): those in their scope for ``action``, the
    confidential ones among them only when they recorded it or are named on it; and, whatever the
    scope, the demands they filed themselves (an enterprise's external account)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Demand.objects.none()
    own = Q(submitted_by=user.pk)
    scoped = scope_q(user, action, org_field=Demand.scope_org_field, owner_field=Demand.scope_owner_field)
    if scoped is None:
        return Demand.objects.filter(own)
    return Demand.objects.filter(own | (scoped & (Q(confidential=False) | _named(user))))


def intake_organizations():
    """The associations an enterprise may pick to file a demand with: active city, county and park
    associations."""
    return Organization.objects.filter(kind__in=INTAKE_KINDS, status="active").order_by("name")


def board(user, *, today: dt.date | None = None):
    """The open calls (揭榜挂帅) now taking applications, for any signed-in account: published, not
    confidential, the application period not over; soonest closing first."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Demand.objects.none()
    today = today or timezone.localdate()
    return (Demand.objects.filter(status=DemandStatus.PUBLISHED, confidential=False)
            .filter(Q(apply_until__isnull=True) | Q(apply_until__gte=today))
            .select_related("organization").order_by(F("apply_until").asc(nulls_last=True), "-published_at", "pk"))


def _subtree(organization) -> Q:
    org_id = getattr(organization, "pk", organization)
    return Q(organization_id__in=OrganizationClosure.objects.filter(ancestor_id=org_id).values("descendant_id"))


def _moment(value):
    """A date as the start of that day in the local time zone; a datetime as given."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return timezone.make_aware(dt.datetime.combine(value, dt.time.min))
    return value


def _period(queryset, since, until):
    queryset = queryset.exclude(status=DemandStatus.MERGED)
    if since is not None:
        queryset = queryset.filter(received_at__gte=_moment(since))
    if until is not None:
        queryset = queryset.filter(received_at__lt=_moment(until))
    return queryset


class _Median(Aggregate):
    """PostgreSQL's median of an interval (NULLs ignored)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _wait():
    return ExpressionWrapper(F("first_candidate_at") - F("received_at"), output_field=DurationField())


def _median_waits_in_python(queryset, group: str | None = None) -> dict:
    """The median wait of each group of ``queryset`` (keyed by its value of ``group``; without one,
    the whole under ``None``), from the waits read in one query: a group with no candidate yet is
    absent."""
    waits = queryset.filter(first_candidate_at__isnull=False).annotate(wait=_wait()).order_by()
    rows = waits.values_list(group, "wait") if group else ((None, w) for w in waits.values_list("wait", flat=True))
    seconds: dict = {}
    for key, wait in rows:
        seconds.setdefault(key, []).append(wait.total_seconds())
    return {key: dt.timedelta(seconds=statistics.median(values)) for key, values in seconds.items()}


def _aggregates() -> dict:
    """The funnel's figures as aggregates, for the total (``aggregate``) or one row per group
    (``values(...).annotate``); on PostgreSQL with the median wait (elsewhere it is taken in
    Python, :func:`_median_waits_in_python`)."""
    extra = {"median_wait": _Median(_wait())} if connection.vendor == "postgresql" else {}
    return {
        "received": Count("pk"),
        "accepted": Count("pk", filter=Q(accepted_at__isnull=False)),
        "routed": Count("pk", filter=~Q(route="")),
        # Only an open call has applications: the cheap test first.
        "applied": Count("pk", filter=Q(route=Route.OPEN_CALL) & Q(pk__in=Application.objects.values("demand_id"))),
        "contracted": Count("pk", filter=Q(contracted_at__isnull=False)),
        "completed": Count("pk", filter=Q(completed_at__isnull=False)),
        "amount": Sum("contract_amount", filter=Q(contracted_at__isnull=False)),
        **extra}


FIGURES = ("received", "accepted", "routed", "applied", "contracted", "completed", "amount",
           "median_days_to_candidate")


def _finished(row: dict, wait: dt.timedelta | None) -> dict:
    """An aggregate row as the funnel's figures: no amount is 0, the median wait in days."""
    figures = {key: row[key] for key in FIGURES[:-1]}
    figures["amount"] = figures["amount"] or Decimal("0")
    figures["median_days_to_candidate"] = None if wait is None else round(wait.total_seconds() / 86400, 1)
    return figures


def _figures(queryset) -> dict:
    """One aggregate query for the counts and, on PostgreSQL, the median wait (elsewhere the
    waits are read and their median taken here)."""
    row = queryset.aggregate(**_aggregates())
    wait = row.get("median_wait") if connection.vendor == "postgresql" else \
        _median_waits_in_python(queryset).get(None)
    return _finished(row, wait)


def funnel(organization, since=None, until=None) -> dict:
    """The demand funnel over ``organization``'s subtree, for demands received in [since, until)
    (either may be None): received, accepted, routed (matched with experts or published as an
    open call), applied (at least one team applied), contracted, completed, the contracted amount
    (万元) and the median days from receipt to the first qualified candidate (None: none yet)."""
    return _figures(_period(Demand.objects.filter(_subtree(organization)), since, until))


def funnel_by_child(organization, since=None, until=None) -> list[tuple[Organization, dict]]:
    """The funnel one level down: the demands ``organization`` holds itself first (when it holds
    any), then each association directly below it over its own subtree."""
    org_id = getattr(organization, "pk", organization)
    rows = []
    own = _period(Demand.objects.filter(organization_id=org_id), since, until)
    if own.exists():
        rows.append((Organization.objects.get(pk=org_id), _figures(own)))
    children = Organization.objects.filter(parent_id=org_id, kind__in=ASSOCIATION_KINDS).order_by("name")
    rows.extend((child, funnel(child, since, until)) for child in children)
    return rows


SELF = "self"


class Level(NamedTuple):
    """One row of :func:`funnel_by_level`: ``code`` is the holding associations' kind, or
    ``SELF`` for the demands the organisation holds itself."""

    code: str
    label: str
    figures: dict


# The levels in the order they are read: the organisation itself first, then the kinds top-down as
# OrgKind lists them (national, provincial, city, county, township, the societies, the grassroots
# associations such as parks, an association's own bodies last). Not KIND_RANK of the organisation
# tree, which puts an association's own departments before the associations under it.
_KIND_ORDER = {kind.value: rank for rank, kind in enumerate(OrgKind)}


def _level_rank(code: str) -> tuple:
    return (code != SELF, _KIND_ORDER.get(code, len(_KIND_ORDER)), code)


def funnel_by_level(organization, since=None, until=None) -> list[Level]:
    """The funnel of ``organization``'s subtree by level: the demands it holds itself (本级) first,
    then one row per kind of the association holding the rest (city, county, park …), each with
    :func:`funnel`'s figures, in one grouped aggregate query. Only levels holding a demand in the
    period have a row; the rows add up to :func:`funnel` (the median excepted)."""
    org_id = getattr(organization, "pk", organization)
    level = Case(When(organization_id=org_id, then=Value(SELF)), default=F("organization__kind"),
                 output_field=CharField())
    queryset = _period(Demand.objects.filter(_subtree(org_id)), since, until).annotate(level=level)
    rows = list(queryset.order_by().values("level").annotate(**_aggregates()))
    on_postgres = connection.vendor == "postgresql"
    waits = {} if on_postgres else _median_waits_in_python(queryset, "level")
    levels = [Level(row["level"], _level_label(row["level"]),
                    _finished(row, row.get("median_wait") if on_postgres else waits.get(row["level"])))
              for row in rows]
    return sorted(levels, key=lambda row: _level_rank(row.code))


def _level_label(code: str) -> str:
    return gettext("held itself") if code == SELF else str(OrgKind(code).label)
