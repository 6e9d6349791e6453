"""Reads of the activity registry. The list page, its export, the API, the rollup page and the
plan-target measures (:mod:`kexie.plans.measures`) all count through these functions, so "科普日
活动 120 场" is the same number on the plan, on the list and on the rollup."""

import datetime as dt

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from kexie.organizations.models import Organization, OrganizationClosure
from kexie.people.models import Person

from .models import Activity, ActivityCampaign, ActivityKind, ActivityStatus

VIEW = "activity.view"
MANAGE = "activity.manage"


def activities_for(user, action: str = VIEW):
    """The activities ``user`` may ``action``: hosted in their scope (and, to view, co-hosted by an
    organisation in it)."""
    return Activity.objects.restrict(user, action).select_related("organization", "campaign")


def campaigns_for(user, action: str = VIEW):
    """The campaigns ``user`` may ``action``: launched in their scope or above it (a county joins
    the national 科普日), i.e. every campaign to view; only those in scope to manage."""
    if action == VIEW:
        return ActivityCampaign.objects.all().select_related("organization") if user.has_code(VIEW) else \
            ActivityCampaign.objects.none()
    return ActivityCampaign.objects.restrict(user, action).select_related("organization")


def organizations_for(user, action: str = MANAGE):
    """The organisations a user may record an activity under (or filter on, to view)."""
    return Organization.objects.restrict(user, action)


def subtree_ids(organization):
    return OrganizationClosure.objects.filter(ancestor_id=getattr(organization, "pk", organization)).values(
        "descendant_id")


def activities_filtered(queryset, *, organization=None, kind: str = "", campaign=None, status: str = "",
                        region: str = "", since: dt.date | None = None, until: dt.date | None = None):
    """``queryset`` narrowed to activities hosted in ``organization``'s subtree, of ``kind``, in
    ``campaign`` and ``status``, whose region code starts with ``region``, starting within
    [since, until]."""
    if organization is not None:
        queryset = queryset.filter(organization__in=subtree_ids(organization))
    if kind:
        queryset = queryset.filter(kind=kind)
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    if status:
        queryset = queryset.filter(status=status)
    if region:
        queryset = queryset.filter(region_code__startswith=region)
    if since is not None:
        queryset = queryset.filter(starts_on__gte=since)
    if until is not None:
        queryset = queryset.filter(starts_on__lte=until)
    return queryset


def _held(since, until, campaign):
    q = Q(status=ActivityStatus.HELD)
    if since is not None:
        q &= Q(starts_on__gte=since)
    if until is not None:
        q &= Q(starts_on__lte=until)
    if campaign is not None:
        q &= Q(campaign=campaign)
    return q


def _aggregates(prefix: str = "") -> dict:
    """Count per kind, the total and the audience, as aggregate expressions over activities reached
    through ``prefix`` (a relation path ending in ``__`` or empty)."""
    pk, kind, audience = f"{prefix}pk", f"{prefix}kind", f"{prefix}audience"
    figures = {f"n_{value}": Count(pk, filter=Q(**{kind: value})) for value in ActivityKind.values}
    figures["total"] = Count(pk)
    figures["audience"] = Coalesce(Sum(audience), 0)
    return figures


def _shape(row: dict) -> dict:
    return {"total": row["total"], "audience": row["audience"],
            "by_kind": [(value, label, row[f"n_{value}"]) for value, label in ActivityKind.choices]}


def rollup(organization, since: dt.date | None = None, until: dt.date | None = None, campaign=None) -> dict:
    """Held activities hosted in ``organization``'s subtree, starting within [since, until] (and in
    ``campaign``): ``{"total", "audience", "by_kind": [(kind, label, count) …]}`` — one aggregate
    query over the closure table."""
    row = Activity.objects.filter(_held(since, until, campaign), organization__in=subtree_ids(organization)) \
        .aggregate(**_aggregates())
    return _shape(row)


def rollup_by_child(organization, since: dt.date | None = None, until: dt.date | None = None,
                    campaign=None) -> tuple[list, dict]:
    """``([(child, rollup of its subtree) …], rollup of the organisation's own activities)`` for
    each child of ``organization``. Three queries whatever the tree's size: the children, the
    closure rows below them, and held activities grouped by host."""
    org_pk = getattr(organization, "pk", organization)
    children = list(Organization.objects.filter(parent_id=org_pk).order_by("name", "pk"))
    child_of = dict(OrganizationClosure.objects.filter(ancestor__parent_id=org_pk)
                    .values_list("descendant_id", "ancestor_id"))
    keys = [f"n_{value}" for value in ActivityKind.values] + ["total", "audience"]
    sums = {child.pk: dict.fromkeys(keys, 0) for child in children}
    own = dict.fromkeys(keys, 0)
    for row in (Activity.objects.filter(_held(since, until, campaign), organization__in=subtree_ids(org_pk))
                .values("organization_id").annotate(**_aggregates()).order_by()):
        target = own if row["organization_id"] == org_pk else sums.get(child_of.get(row["organization_id"]))
        if target is not None:
            for key in keys:
                target[key] += row[key]
    return [(child, _shape(sums[child.pk])) for child in children], _shape(own)


def expert_choices(user):
    """The persons a clerk may name as an activity's experts: those in the clerk's scope."""
    return Person.objects.current().filter(pk__in=Person.objects.restrict(user, "person.view").values("pk")) \
        .select_related("organization").order_by("name", "pk")


def count_held(organization, since: dt.date | None = None, until: dt.date | None = None, *, kind: str = "",
               campaign_kind: str = "") -> int:
    """Held activities hosted in ``organization``'s subtree starting within [since, until], of
    ``kind`` and/or in a campaign of ``campaign_kind`` (a plan's "开展科普日活动100场")."""
    queryset = activities_filtered(Activity.objects.all(), organization=organization, kind=kind,
                                   status=ActivityStatus.HELD, since=since, until=until)
    if campaign_kind:
        queryset = queryset.filter(campaign__kind=campaign_kind)
    return queryset.count()
