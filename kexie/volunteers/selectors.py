"""Reads of the volunteer registry. Every page, export, certificate, home-page summary and plan
measure counts hours through :func:`counted_hours` and :func:`hours_summary`, so "志愿服务时长
1234.5 小时" is the same number everywhere. Counted hours: check-in/out records and approved
reports, served within the period."""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from kexie.organizations.models import Organization, OrganizationClosure
from kexie.people.models import Person

from .models import (
    HoursRecord,
    HoursStatus,
    Opportunity,
    OpportunityStatus,
    SignUp,
    SignUpStatus,
    TeamMembership,
    VolunteerProfile,
    VolunteerTeam,
)

VIEW = "volunteer.view"
MANAGE = "volunteer.manage"
ZERO = Decimal("0.0")
TENTH = Decimal("0.1")


def _hours(value) -> Decimal:
    """A sum of hours as a Decimal with one decimal place (SQLite and PostgreSQL alike)."""
    return Decimal(str(value or 0)).quantize(TENTH)


def subtree_ids(organization):
    return OrganizationClosure.objects.filter(ancestor_id=getattr(organization, "pk", organization)).values(
        "descendant_id")


def team_subtree_ids(team) -> list[int]:
    """``team`` and every team below it."""
    root = getattr(team, "pk", team)
    ids, frontier = [root], [root]
    while frontier:
        frontier = list(VolunteerTeam.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = [pk for pk in frontier if pk not in ids]
        ids.extend(frontier)
    return ids


def teams_for(user, action: str = VIEW):
    return VolunteerTeam.objects.restrict(user, action).select_related("organization", "parent", "leader")


def opportunities_for(user, action: str = VIEW):
    return Opportunity.objects.restrict(user, action).select_related("organization", "team", "activity")


def hours_for(user, action: str = VIEW):
    return HoursRecord.objects.restrict(user, action).select_related(
        "volunteer__person", "organization", "team", "opportunity")


def volunteers_for(user, action: str = VIEW):
    return VolunteerProfile.objects.restrict(user, action).select_related("person", "organization")


def organizations_for(user, action: str = MANAGE):
    return Organization.objects.restrict(user, action)


def person_choices(user):
    """The persons a clerk may make a volunteer, team leader or sign up: those of the person
    library in the clerk's scope, and those kept by an organisation where the clerk runs volunteers."""
    from django.db.models import Q

    q = Q(pk__in=Person.objects.restrict(user, "person.view").values("pk")) | Q(
        organization__in=Organization.objects.restrict(user, MANAGE).values("pk"))
    return Person.objects.current().filter(q).select_related("organization").order_by("name", "pk")


# --- the one count of hours -------------------------------------------------------------------------

def counted_hours(queryset=None, *, organization=None, team=None, volunteer=None, since: dt.date | None = None,
                  until: dt.date | None = None):
    """The hours records that count: approved (check-in/out records are approved when written),
    narrowed to ``organization``'s subtree, ``team`` and its sub-teams, ``volunteer``, and served
    within [since, until]."""
    queryset = (HoursRecord.objects.all() if queryset is None else queryset).filter(status=HoursStatus.APPROVED)
    if organization is not None:
        queryset = queryset.filter(organization__in=subtree_ids(organization))
    if team is not None:
        queryset = queryset.filter(team__in=team_subtree_ids(team))
    if volunteer is not None:
        queryset = queryset.filter(volunteer=volunteer)
    if since is not None:
        queryset = queryset.filter(served_on__gte=since)
    if until is not None:
        queryset = queryset.filter(served_on__lte=until)
    return queryset


def total_hours(queryset) -> Decimal:
    return _hours(queryset.aggregate(total=Sum("hours"))["total"])


GROUPS = {
    "volunteer": ("volunteer_id", "volunteer__person__name"),
    "team": ("team_id", "team__name"),
    "organization": ("organization_id", "organization__name"),
}


def hours_summary(queryset, group: str = "volunteer") -> dict:
    """Counted hours of ``queryset`` grouped by volunteer, team or organisation:
    ``{"rows": [{"key", "name", "records", "volunteers", "hours"} …], "total", "records", "volunteers"}``
    ordered by hours (most first), then name."""
    key, name = GROUPS.get(group, GROUPS["volunteer"])
    rows = [{"key": row[key], "name": row[name] or "", "records": row["records"], "volunteers": row["volunteers"],
             "hours": _hours(row["hours"])}
            for row in queryset.values(key, name).annotate(
                records=Count("pk"), volunteers=Count("volunteer_id", distinct=True), hours=Sum("hours")).order_by()]
    rows.sort(key=lambda r: (-r["hours"], r["name"], r["key"] or 0))
    totals = queryset.aggregate(total=Sum("hours"), records=Count("pk"),
                                volunteers=Count("volunteer_id", distinct=True))
    return {"rows": rows, "total": _hours(totals["total"]), "records": totals["records"],
            "volunteers": totals["volunteers"]}


# --- plan measures ----------------------------------------------------------------------------------

def measure_hours(organization, since: dt.date | None = None, until: dt.date | None = None) -> int:
    """Counted hours served for ``organization``'s subtree within [since, until] (whole hours)."""
    return int(total_hours(counted_hours(organization=organization, since=since, until=until)))


def measure_active(organization, since: dt.date | None = None, until: dt.date | None = None) -> int:
    """Volunteers with counted hours for ``organization``'s subtree within [since, until]."""
    return counted_hours(organization=organization, since=since, until=until) \
        .values("volunteer_id").distinct().count()


# --- teams ------------------------------------------------------------------------------------------

def team_tree(teams) -> list[tuple[VolunteerTeam, int]]:
    """``teams`` in tree order, each with its depth among them (a team whose parent is not listed
    is a root), annotated with ``n_members`` and ``n_opportunities``."""
    teams = list(teams.annotate(n_members=Count("memberships", distinct=True),
                                n_opportunities=Count("opportunities", distinct=True)))
    by_parent: dict = {}
    present = {t.pk for t in teams}
    for team in teams:
        by_parent.setdefault(team.parent_id if team.parent_id in present else None, []).append(team)
    ordered = []

    def walk(parent, depth):
        for team in sorted(by_parent.get(parent, []), key=lambda t: (t.name, t.pk)):
            ordered.append((team, depth))
            walk(team.pk, depth + 1)

    walk(None, 0)
    return ordered


def members_of(team):
    return TeamMembership.objects.filter(team=team).select_related("volunteer__person", "volunteer__organization") \
        .order_by("joined_on", "pk")


# --- sign-ups ---------------------------------------------------------------------------------------

def taken(role) -> int:
    return SignUp.objects.filter(role=role, status=SignUpStatus.ACTIVE).count()


def roles_with_counts(opportunity) -> list:
    roles = list(opportunity.roles.annotate(n_taken=Count("signups", filter=Q(signups__status=SignUpStatus.ACTIVE))))
    for role in roles:
        role.n_free = max(role.slots - role.n_taken, 0)
    return roles


def open_opportunities(now=None):
    """What a volunteer may sign up for: open opportunities that are not over."""
    now = now or timezone.now()
    return Opportunity.objects.filter(status=OpportunityStatus.OPEN, ends_at__gt=now) \
        .select_related("organization", "team").order_by("starts_at", "pk")


def profile_of(user):
    from .services import person_of

    person = person_of(user)
    if person is None:
        return None
    return VolunteerProfile.objects.filter(person=person).select_related("person", "organization").first()


def my_signups(user):
    profile = profile_of(user)
    if profile is None:
        return SignUp.objects.none()
    return SignUp.objects.filter(volunteer=profile).select_related("opportunity__organization", "role") \
        .order_by("-opportunity__starts_at", "-pk")


def my_hours(user):
    profile = profile_of(user)
    if profile is None:
        return HoursRecord.objects.none()
    return HoursRecord.objects.filter(volunteer=profile).select_related("opportunity", "team", "organization")
