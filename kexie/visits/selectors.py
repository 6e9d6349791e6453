"""Reads of service teams, visits and contact duties: what a user sees (the data scope of
``visit.view``), the overdue lists, and the figures of an organisation's subtree over a period —
one selector per figure, used by the pages, the export, the API and the reminders alike."""

import datetime as dt

from django.db.models import F, Max, Q

from kexie.accounts.models import User
from kexie.accounts.selectors import staff_holding
from kexie.organizations.models import Organization, OrganizationClosure
from kexie.people.models import ExpertEntry, Person

from .models import ContactDuty, FollowUpStatus, ServiceTeam, Visit

VIEW = "visit.view"
MANAGE = "visit.manage"


# --- what a user sees ------------------------------------------------------------------------------

def teams_for(user, action: str = VIEW):
    return ServiceTeam.objects.restrict(user, action).select_related("organization")


def visits_for(user, action: str = VIEW):
    return (Visit.objects.restrict(user, action)
            .select_related("team", "organization", "county", "followup_owner"))


def with_last_contact(duties):
    """``duties``, each with ``last_contact``: the latest contact's date (None before any)."""
    return duties.select_related("person", "owner", "organization").annotate(last_contact=Max("logs__date"))


def duties_for(user, action: str = VIEW):
    return with_last_contact(ContactDuty.objects.restrict(user, action))


def persons_for(user):
    """The person records ``user`` may put on a roster, a visit or a duty: those they see
    (``person.view``) and the experts of the libraries they see (``expert.view``)."""
    entries = ExpertEntry.objects.restrict(user, "expert.view").values("person_id")
    seen = Person.objects.current().restrict(user, "person.view").values("pk")
    return Person.objects.current().filter(Q(pk__in=seen) | Q(pk__in=entries)).order_by("name_pinyin", "pk")


def staff_for(user, action: str = MANAGE):
    """The accounts that may own a follow-up or a contact duty: active staff of an organisation
    in ``user``'s scope for ``action`` who may see visits."""
    organizations = Organization.objects.restrict(user, action).values("pk")
    return staff_holding(VIEW, users=User.objects.filter(organization__in=organizations)).order_by(
        "organization_id", "username")


def counties_for(user, action: str = MANAGE):
    """County associations in ``user``'s scope: the counties a visit may serve."""
    return Organization.objects.restrict(user, action).filter(kind="county_association").order_by("name")


# --- overdue --------------------------------------------------------------------------------------

def overdue_followups(visits, today: dt.date):
    """Open follow-ups of ``visits`` whose due date is before ``today``, the oldest first."""
    return visits.filter(followup_status=FollowUpStatus.OPEN, followup_due__lt=today).order_by("followup_due", "pk")


def duty_due_on(duty) -> dt.date:
    """The day the next contact of ``duty`` is due (needs ``last_contact`` annotated)."""
    return (duty.last_contact or duty.started_on) + dt.timedelta(days=duty.cadence_days)


def overdue_duties(duties, today: dt.date) -> list:
    """Active duties of ``duties`` (through :func:`with_last_contact`) whose last contact (or start) plus the cadence is before
    ``today``, the longest overdue first; each with ``due_on`` and ``days_over``."""
    rows = []
    for duty in duties.filter(active=True):
        duty.due_on = duty_due_on(duty)
        if duty.due_on < today:
            duty.days_over = (today - duty.due_on).days
            rows.append(duty)
    return sorted(rows, key=lambda d: (d.due_on, d.pk))


# --- figures of a subtree over a period -------------------------------------------------------------

def _subtree_visits(organization, since: dt.date | None, until: dt.date | None, field: str = "date"):
    """Visits of the organisation's subtree with ``field`` in [since, until] (None: open)."""
    below = OrganizationClosure.objects.filter(ancestor=organization).values("descendant_id")
    rows = Visit.objects.filter(organization__in=below)
    if since is not None:
        rows = rows.filter(**{f"{field}__gte": since})
    if until is not None:
        rows = rows.filter(**{f"{field}__lte": until})
    return rows


def visits_count(organization, since: dt.date | None, until: dt.date | None) -> int:
    """Visits logged by the organisation's subtree with a date in the period (also the plan
    measure ``visits.visits``)."""
    return _subtree_visits(organization, since, until).count()


def enterprises_served(organization, since: dt.date | None, until: dt.date | None) -> int:
    """Distinct enterprises (by name) the subtree's visits served in the period (also the plan
    measure ``visits.enterprises``)."""
    return (_subtree_visits(organization, since, until).exclude(enterprise="")
            .values("enterprise").distinct().count())


def followups_closed_on_time(organization, since: dt.date | None, until: dt.date | None) -> tuple[int, int]:
    """Of the follow-ups due in the period on the subtree's visits, (closed by their due date,
    all of them)."""
    due = _subtree_visits(organization, since, until, "followup_due")
    on_time = due.filter(followup_status=FollowUpStatus.DONE, done_at__lte=F("followup_due")).count()
    return on_time, due.count()

