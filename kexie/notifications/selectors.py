"""Reads of notifications: a user's inbox and unread count, who to tell in a unit, urging counts."""

import datetime as dt

from django.db.models import Case, Count, Q, Value, When
from django.utils import timezone

from kexie.accounts.models import Position, User
from kexie.organizations.models import Organization

from .models import Notification, Urging


def inbox(user):
    """The user's own notifications: unread first, then newest first."""
    unread_first = Case(When(read_at__isnull=True, then=Value(0)), default=Value(1))
    return Notification.objects.filter(recipient_id=user.pk).order_by(unread_first, "-created_at", "-id")


def unread_count(user) -> int:
    """One count over the partial index of unread rows."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def _current(positions, today: dt.date):
    return positions.filter(Q(started_on__isnull=True) | Q(started_on__lte=today),
                            Q(ended_on__isnull=True) | Q(ended_on__gte=today))


def _unit_people(organization: Organization, today: dt.date | None):
    """Active members of ``organization`` and active holders of a current position in it."""
    today = today or timezone.localdate()
    holders = _current(Position.objects.filter(organization=organization), today).values("user_id")
    return User.objects.filter(is_active=True).filter(Q(organization=organization) | Q(pk__in=holders))


def _files_for(user, organization: Organization) -> bool:
    return (user.has_code("report.submit")
            and Organization.objects.restrict(user, "report.submit").filter(pk=organization.pk).exists())


def unit_reporters(organization: Organization, today: dt.date | None = None) -> list[User]:
    """Active users who file reports for ``organization``: members of it, or holders of a current
    position in it, whose roles give ``report.submit`` with the unit inside that code's scope."""
    candidates = (_unit_people(organization, today).select_related("organization").prefetch_related("roles")
                  .order_by("pk"))
    return [user for user in candidates if _files_for(user, organization)]


def is_unit_reporter(user, organization: Organization, today: dt.date | None = None) -> bool:
    """Whether ``user`` is one of :func:`unit_reporters` of ``organization`` (one user, one query)."""
    return _unit_people(organization, today).filter(pk=user.pk).exists() and _files_for(user, organization)


def unit_heads(organization: Organization, today: dt.date | None = None) -> list[User]:
    """Active users holding a current position marked as head of the unit (单位负责人)."""
    today = today or timezone.localdate()
    heads = _current(Position.objects.filter(organization=organization, is_head=True), today).values("user_id")
    return list(User.objects.filter(is_active=True, pk__in=heads).order_by("pk"))


def urging_counts(*, cycle=None, items=None) -> dict[tuple[int, int], int]:
    """{(task id, unit id): number of urging notices} — "已催办 N 次" on task pages."""
    rows = Urging.objects.all()
    if cycle is not None:
        rows = rows.filter(cycle=cycle)
    if items is not None:
        rows = rows.filter(item__in=items)
    return {(row["item_id"], row["organization_id"]): row["n"]
            for row in rows.values("item_id", "organization_id").annotate(n=Count("id"))}
