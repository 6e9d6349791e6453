"""Running volunteer teams and opportunities, signing up, check-in/out and service hours. Each
state change is one transaction with its audit row. Staff steps need ``volunteer.manage`` in the
organisation concerned; a volunteer's own steps (sign up, cancel, report hours) go through the
account's linked person record (``user.person``) and touch only that person's records.

Hours: check-out writes an hours record counted at once (check-out minus check-in, rounded to the
nearest half hour); a reported record counts once staff approve it."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.accounts.scope import access_object
from kexie.accounts.scope import require_code as _require
from kexie.audit.services import audit_record
from kexie.notifications.models import Kind as NotificationKind
from kexie.notifications.services import notify
from kexie.organizations.models import Organization
from kexie.people.models import Person

from .models import (
    HoursRecord,
    HoursSource,
    HoursStatus,
    Opportunity,
    OpportunityRole,
    OpportunityStatus,
    SignUp,
    SignUpStatus,
    TeamLevel,
    TeamMembership,
    VolunteerProfile,
    VolunteerTeam,
)

MANAGE = "volunteer.manage"
MAX_REPORTED_HOURS = Decimal("100")
HALF = Decimal("0.5")


def round_hours(seconds: float) -> Decimal:
    """``seconds`` as hours rounded to the nearest half hour (1 h 14 min → 1.0, 1 h 15 min → 1.5)."""
    halves = (Decimal(max(seconds, 0)) / Decimal(1800)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return (halves * HALF).quantize(Decimal("0.1"))


def _pk(obj):
    return getattr(obj, "pk", obj)


def _text(data: dict, name: str, limit: int) -> str:
    return str(data.get(name) or "").strip()[:limit]


def _pickable(by):
    from .selectors import person_choices

    return person_choices(by)


# --- teams ------------------------------------------------------------------------------------------

def _clean_team(by, data: dict, organization) -> dict:
    name = _text(data, "name", 200)
    if not name:
        raise ValidationError({"name": _("Enter the name of the team.")})
    if data.get("level") not in TeamLevel.values:
        raise ValidationError({"level": _("Choose the level of the team.")})
    parent = data.get("parent")
    if parent is not None:
        parent = VolunteerTeam.objects.restrict(by, MANAGE).filter(pk=_pk(parent)).first()
        if parent is None:
            raise ValidationError({"parent": _("Choose the parent team among the teams you run.")})
    leader = data.get("leader")
    if leader is not None:
        leader = _pickable(by).filter(pk=_pk(leader)).first()
        if leader is None:
            raise ValidationError({"leader": _("Choose the team leader among the person records.")})
    founded = data.get("founded_on")
    if founded is not None and not isinstance(founded, dt.date):
        raise ValidationError({"founded_on": _("Enter the date the team was founded.")})
    return {"name": name, "level": data["level"], "parent": parent, "leader": leader, "founded_on": founded,
            "active": bool(data.get("active", True))}


def _team_snapshot(team) -> dict:
    return {"organization": team.organization_id, "name": team.name, "level": team.level,
            "parent": team.parent_id, "leader": team.leader_id, "founded_on": team.founded_on, "active": team.active}


def team_create(*, by, organization: Organization, data: dict) -> VolunteerTeam:
    """Found a volunteer team of ``organization`` (optionally under a parent team)."""
    _require(by, MANAGE)
    organization = access_object(Organization, by, MANAGE, pk=_pk(organization))
    fields = _clean_team(by, data, organization)
    with transaction.atomic():
        team = VolunteerTeam.objects.create(organization=organization, created_by=by, **fields)
        audit_record(action="create", by=by, obj=team, new=_team_snapshot(team))
    return team


def team_update(*, by, team: VolunteerTeam, data: dict) -> VolunteerTeam:
    """Change a team's name, level, parent, leader, founding date or whether it is active."""
    _require(by, MANAGE)
    with transaction.atomic():
        team = access_object(VolunteerTeam.objects.select_for_update(), by, MANAGE, pk=_pk(team))
        old = _team_snapshot(team)
        fields = _clean_team(by, data, team.organization)
        parent = fields["parent"]
        while parent is not None:
            if parent.pk == team.pk:
                raise ValidationError({"parent": _("A team cannot be placed under itself or one of its sub-teams.")})
            parent = parent.parent
        for name, value in fields.items():
            setattr(team, name, value)
        team.save()
        audit_record(action="update", by=by, obj=team, old=old, new=_team_snapshot(team))
    return team


# --- volunteers -------------------------------------------------------------------------------------

def _profile_for(person: Person, *, by, organization_id=None, day=None) -> VolunteerProfile:
    """The person's volunteer profile, registered now if they have none (inside a transaction)."""
    profile = VolunteerProfile.objects.filter(person=person).first()
    if profile is not None:
        return profile
    profile = VolunteerProfile.objects.create(person=person, organization_id=organization_id or person.organization_id,
                                              registered_on=day or timezone.localdate(), created_by=by)
    audit_record(action="create", by=by, obj=profile, new={"person": person.pk,
                                                           "organization": profile.organization_id})
    return profile


def volunteer_register(*, by, person, organization=None, data: dict | None = None) -> VolunteerProfile:
    """Register ``person`` as a volunteer with ``organization`` (skills, service areas); a person
    already registered keeps their profile and has these fields updated."""
    _require(by, MANAGE)
    data = data or {}
    person = access_object(Person.objects.current(), by, "person.view", pk=_pk(person))
    organization = access_object(Organization, by, MANAGE, pk=_pk(organization or person.organization))
    with transaction.atomic():
        profile = _profile_for(person, by=by, organization_id=organization.pk, day=data.get("registered_on"))
        old = {"skills": profile.skills, "service_areas": profile.service_areas}
        profile.skills = _text(data, "skills", 2000) or profile.skills
        profile.service_areas = _text(data, "service_areas", 2000) or profile.service_areas
        profile.save(update_fields=["skills", "service_areas"])
        if old != {"skills": profile.skills, "service_areas": profile.service_areas}:
            audit_record(action="update", by=by, obj=profile, old=old,
                         new={"skills": profile.skills, "service_areas": profile.service_areas})
    return profile


def member_add(*, by, team: VolunteerTeam, person, joined_on: dt.date | None = None, data: dict | None = None
               ) -> TeamMembership:
    """Put ``person`` in ``team`` (registering them as a volunteer of the team's organisation if
    they are not one yet)."""
    _require(by, MANAGE)
    with transaction.atomic():
        team = access_object(VolunteerTeam.objects.select_for_update(), by, MANAGE, pk=_pk(team))
        person = _pickable(by).filter(pk=_pk(person)).first()
        if person is None:
            raise ValidationError({"person": _("Choose the volunteer among the person records you may see.")})
        profile = _profile_for(person, by=by, organization_id=team.organization_id)
        if data:
            profile.skills = _text(data, "skills", 2000) or profile.skills
            profile.service_areas = _text(data, "service_areas", 2000) or profile.service_areas
            profile.save(update_fields=["skills", "service_areas"])
        if TeamMembership.objects.filter(team=team, volunteer=profile).exists():
            raise ValidationError({"person": _("%(name)s is already a member of this team.") % {"name": person.name}})
        membership = TeamMembership.objects.create(team=team, volunteer=profile,
                                                   joined_on=joined_on or timezone.localdate())
        audit_record(action="create", by=by, obj=membership, object_repr=f"{team.name} / {person.name}",
                     new={"team": team.pk, "volunteer": profile.pk, "joined_on": membership.joined_on})
    return membership


# --- opportunities ----------------------------------------------------------------------------------

def _clean_opportunity(by, data: dict, organization) -> dict:
    title = _text(data, "title", 200)
    if not title:
        raise ValidationError({"title": _("Enter the title of the opportunity.")})
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if not isinstance(starts, dt.datetime):
        raise ValidationError({"starts_at": _("Enter when the service starts.")})
    if not isinstance(ends, dt.datetime) or ends <= starts:
        raise ValidationError({"ends_at": _("The service must end after it starts.")})
    team = data.get("team")
    if team is not None:
        team = VolunteerTeam.objects.restrict(by, MANAGE).filter(pk=_pk(team)).first()
        if team is None:
            raise ValidationError({"team": _("Choose the team among the teams you run.")})
    activity = data.get("activity")
    if activity is not None:
        from kexie.activities.models import Activity

        activity = Activity.objects.restrict(by, "activity.view").filter(pk=_pk(activity)).first() \
            or Activity.objects.filter(pk=_pk(activity), organization=organization).first()
        if activity is None:
            raise ValidationError({"activity": _("Choose the activity among those you may see.")})
    return {"title": title, "description": _text(data, "description", 5000), "place": _text(data, "place", 200),
            "starts_at": starts, "ends_at": ends, "team": team, "activity": activity}


def _clean_roles(roles) -> list[tuple[str, int]]:
    cleaned, seen = [], set()
    for name, slots in roles or ():
        name = str(name or "").strip()[:100]
        if not name:
            continue
        try:
            slots = int(slots)
        except (TypeError, ValueError):
            slots = 0
        if not 1 <= slots <= 10000:
            raise ValidationError({"roles": _("Each role needs between 1 and 10000 slots.")})
        if name in seen:
            raise ValidationError({"roles": _("Each role of an opportunity has its own name.")})
        seen.add(name)
        cleaned.append((name, slots))
    return cleaned


def opportunity_create(*, by, organization: Organization, data: dict, roles=()) -> Opportunity:
    """Open a service opportunity of ``organization`` with its roles ((name, slots) pairs)."""
    _require(by, MANAGE)
    organization = access_object(Organization, by, MANAGE, pk=_pk(organization))
    fields = _clean_opportunity(by, data, organization)
    roles = _clean_roles(roles)
    if not roles:
        raise ValidationError({"roles": _("Enter at least one role with its number of slots.")})
    with transaction.atomic():
        opportunity = Opportunity.objects.create(organization=organization, created_by=by, **fields)
        for name, slots in roles:
            OpportunityRole.objects.create(opportunity=opportunity, name=name, slots=slots)
        audit_record(action="create", by=by, obj=opportunity, new={
            "organization": organization.pk, "title": opportunity.title, "place": opportunity.place,
            "starts_at": opportunity.starts_at, "ends_at": opportunity.ends_at, "team": opportunity.team_id,
            "activity": opportunity.activity_id, "roles": [f"{n}×{s}" for n, s in roles]})
    return opportunity


def _opportunity(by, opportunity) -> Opportunity:
    _require(by, MANAGE)
    return access_object(Opportunity.objects.select_for_update(), by, MANAGE, pk=_pk(opportunity))


def role_add(*, by, opportunity: Opportunity, name: str, slots) -> OpportunityRole:
    """Add a role to an opportunity."""
    with transaction.atomic():
        opportunity = _opportunity(by, opportunity)
        ((name, slots),) = _clean_roles([(name, slots)]) or [(None, None)]
        if name is None:
            raise ValidationError({"name": _("Enter the name of the role.")})
        if opportunity.roles.filter(name=name).exists():
            raise ValidationError({"name": _("Each role of an opportunity has its own name.")})
        role = OpportunityRole.objects.create(opportunity=opportunity, name=name, slots=slots)
        audit_record(action="create", by=by, obj=role, object_repr=f"{opportunity.title} / {name}",
                     new={"opportunity": opportunity.pk, "name": name, "slots": slots})
    return role


def opportunity_set_status(*, by, opportunity: Opportunity, status: str) -> Opportunity:
    """Close sign-up, open it again, or cancel the opportunity."""
    if status not in OpportunityStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    with transaction.atomic():
        opportunity = _opportunity(by, opportunity)
        if opportunity.status == OpportunityStatus.CANCELLED:
            raise ValidationError({"status": _("A cancelled opportunity cannot change.")})
        old = {"status": opportunity.status}
        opportunity.status = status
        opportunity.save(update_fields=["status"])
        audit_record(action="status", by=by, obj=opportunity, old=old, new={"status": status})
    return opportunity


# --- signing up ---------------------------------------------------------------------------------------

def _sign_up(*, by, role_pk, profile: VolunteerProfile, staff: bool, now) -> SignUp:
    role = OpportunityRole.objects.select_for_update().select_related("opportunity").filter(pk=role_pk).first()
    if role is None:
        raise ValidationError({"role": _("Choose a role of the opportunity.")})
    opportunity = role.opportunity
    # The volunteer's row too: two sign-ups of one person for overlapping opportunities queue up.
    profile = VolunteerProfile.objects.select_for_update().select_related("person").get(pk=profile.pk)
    if opportunity.status == OpportunityStatus.CANCELLED or (
            not staff and opportunity.status != OpportunityStatus.OPEN):
        raise ValidationError({"role": _("This opportunity is not open for sign-up.")})
    if not staff and opportunity.ends_at <= now:
        raise ValidationError({"role": _("This opportunity is over.")})
    if not profile.active:
        raise ValidationError({"role": _("The volunteer is no longer active.")})
    if SignUp.objects.filter(opportunity=opportunity, volunteer=profile, status=SignUpStatus.ACTIVE).exists():
        raise ValidationError({"role": _("Already signed up for this opportunity.")})
    taken = SignUp.objects.filter(role=role, status=SignUpStatus.ACTIVE).count()
    if taken >= role.slots:
        raise ValidationError({"role": _("The role “%(role)s” is full.") % {"role": role.name}})
    clash = SignUp.objects.filter(volunteer=profile, status=SignUpStatus.ACTIVE,
                                  opportunity__starts_at__lt=opportunity.ends_at,
                                  opportunity__ends_at__gt=opportunity.starts_at) \
        .exclude(opportunity__status=OpportunityStatus.CANCELLED).select_related("opportunity").first()
    if clash is not None:
        raise ValidationError({"role": _("This overlaps with “%(title)s”, already signed up for.")
                               % {"title": clash.opportunity.title}})
    signup = SignUp.objects.create(opportunity=opportunity, role=role, volunteer=profile, created_by=by)
    audit_record(action="create", by=by, obj=signup, object_repr=f"{opportunity.title} / {role.name} / "
                 f"{profile.person.name}", new={"opportunity": opportunity.pk, "role": role.pk,
                                                "volunteer": profile.pk})
    return signup


def person_of(user) -> Person | None:
    """The person record linked to ``user``'s account, if any."""
    try:
        person = user.person
    except (ObjectDoesNotExist, AttributeError):
        return None
    if person is None or person.merged_into_id is not None:
        return None
    return person


def _own_person(user) -> Person:
    person = person_of(user)
    if person is None:
        raise ValidationError({"role": _("Your account is not linked to a person record; ask your association to "
                                         "link it before signing up.")})
    return person


def sign_up_mine(*, by, role, now=None) -> SignUp:
    """The signed-in volunteer signs up for ``role`` (registered as a volunteer on first sign-up).
    Refused when the role is full, the opportunity is closed or over, or it overlaps another
    opportunity the volunteer signed up for."""
    person = _own_person(by)
    now = now or timezone.now()
    with transaction.atomic():
        profile = _profile_for(person, by=by)
        return _sign_up(by=by, role_pk=_pk(role), profile=profile, staff=False, now=now)


def sign_up_add(*, by, opportunity, role, person) -> SignUp:
    """Staff put a volunteer (a person record they may see) on a role of an opportunity they run."""
    with transaction.atomic():
        opportunity = _opportunity(by, opportunity)
        role = opportunity.roles.filter(pk=_pk(role)).first()
        if role is None:
            raise ValidationError({"role": _("Choose a role of the opportunity.")})
        person = _pickable(by).filter(pk=_pk(person)).first()
        if person is None:
            raise ValidationError({"person": _("Choose the volunteer among the person records you may see.")})
        profile = _profile_for(person, by=by, organization_id=opportunity.organization_id)
        return _sign_up(by=by, role_pk=role.pk, profile=profile, staff=True, now=timezone.now())


def _cancel(by, signup: SignUp) -> SignUp:
    if signup.status != SignUpStatus.ACTIVE:
        raise ValidationError({"signup": _("This sign-up is already cancelled.")})
    if signup.checked_in_at is not None:
        raise ValidationError({"signup": _("A volunteer already checked in cannot cancel.")})
    signup.status, signup.cancelled_at = SignUpStatus.CANCELLED, timezone.now()
    signup.save(update_fields=["status", "cancelled_at"])
    audit_record(action="status", by=by, obj=signup, old={"status": SignUpStatus.ACTIVE},
                 new={"status": signup.status})
    return signup


def cancel_mine(*, by, signup) -> SignUp:
    """The volunteer cancels their own sign-up (before being checked in); the slot is freed."""
    person = _own_person(by)
    with transaction.atomic():
        signup = SignUp.objects.select_for_update().filter(pk=_pk(signup), volunteer__person=person).first()
        if signup is None:
            from django.http import Http404

            raise Http404
        return _cancel(by, signup)


def sign_up_cancel(*, by, signup) -> SignUp:
    """Staff cancel a sign-up of an opportunity they run; the slot is freed."""
    _require(by, MANAGE)
    with transaction.atomic():
        signup = access_object(SignUp.objects.select_for_update(), by, MANAGE, pk=_pk(signup))
        return _cancel(by, signup)


# --- check-in and check-out -------------------------------------------------------------------------

def _moment(signup, at, now):
    at = at or now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    opportunity = signup.opportunity
    slack = dt.timedelta(hours=2)
    if at > now + dt.timedelta(minutes=5):
        raise ValidationError({"at": _("The time cannot be in the future.")})
    if not opportunity.starts_at - slack <= at <= opportunity.ends_at + slack:
        raise ValidationError({"at": _("The time must fall within the opportunity's hours.")})
    return at


def _signup_to_check(by, signup) -> SignUp:
    _require(by, MANAGE)
    signup = access_object(SignUp.objects.select_for_update().select_related("opportunity", "volunteer__person"),
                           by, MANAGE, pk=_pk(signup))
    if signup.status != SignUpStatus.ACTIVE:
        raise ValidationError({"at": _("This sign-up is cancelled.")})
    return signup


def check_in(*, by, signup, at=None, now=None) -> SignUp:
    """Check a volunteer in (at ``at``, default now). Idempotent: a second check-in keeps the first time."""
    now = now or timezone.now()
    with transaction.atomic():
        signup = _signup_to_check(by, signup)
        if signup.checked_in_at is not None:
            return signup
        signup.checked_in_at = _moment(signup, at, now)
        signup.save(update_fields=["checked_in_at"])
        audit_record(action="checkin", by=by, obj=signup, new={"checked_in_at": signup.checked_in_at})
    return signup


def check_out(*, by, signup, at=None, now=None) -> SignUp:
    """Check a volunteer out and record the hours (check-out minus check-in, to the half hour),
    counted at once. Idempotent: a second check-out changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        signup = _signup_to_check(by, signup)
        if signup.checked_in_at is None:
            raise ValidationError({"at": _("Check the volunteer in first.")})
        if signup.checked_out_at is not None:
            return signup
        at = _moment(signup, at, now)
        if at < signup.checked_in_at:
            raise ValidationError({"at": _("The check-out cannot be before the check-in.")})
        signup.checked_out_at = at
        signup.save(update_fields=["checked_out_at"])
        opportunity = signup.opportunity
        record = HoursRecord.objects.create(
            volunteer=signup.volunteer, organization=opportunity.organization, team=opportunity.team,
            opportunity=opportunity, signup=signup, source=HoursSource.ATTENDANCE,
            served_on=timezone.localtime(signup.checked_in_at).date(),
            hours=round_hours((at - signup.checked_in_at).total_seconds()), status=HoursStatus.APPROVED,
            created_by=by)
        audit_record(action="checkout", by=by, obj=signup, new={"checked_out_at": at})
        audit_record(action="create", by=by, obj=record, new={"volunteer": record.volunteer_id,
                                                             "hours": record.hours, "source": record.source})
    return signup


# --- reported hours ---------------------------------------------------------------------------------

def _reported_hours(value) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (ArithmeticError, ValueError, TypeError):
        hours = Decimal(-1)
    if not hours.is_finite() or not HALF <= hours <= MAX_REPORTED_HOURS or hours % HALF:
        raise ValidationError({"hours": _("Enter the hours in half hours, from 0.5 to 100.")})
    return hours.quantize(Decimal("0.1"))


def hours_report(*, by, served_on, hours, note: str = "", opportunity=None, team=None) -> HoursRecord:
    """The volunteer reports hours served (with a note), for one of their opportunities or teams;
    the hours count once staff approve them."""
    person = _own_person(by)
    hours = _reported_hours(hours)
    note = str(note or "").strip()[:2000]
    if not note:
        raise ValidationError({"note": _("Describe the service you gave.")})
    if not isinstance(served_on, dt.date) or served_on > timezone.localdate():
        raise ValidationError({"served_on": _("Enter the day of the service (not in the future).")})
    with transaction.atomic():
        profile = VolunteerProfile.objects.filter(person=person).first()
        if profile is None:
            raise ValidationError({"hours": _("You are not registered as a volunteer yet.")})
        organization_id = profile.organization_id
        if opportunity is not None:
            signup = SignUp.objects.filter(volunteer=profile, opportunity_id=_pk(opportunity),
                                           status=SignUpStatus.ACTIVE).select_related("opportunity").first()
            if signup is None:
                raise ValidationError({"opportunity": _("Choose one of the opportunities you signed up for.")})
            if signup.checked_out_at is not None:
                raise ValidationError({"opportunity": _("The hours of this opportunity were recorded at check-out.")})
            opportunity = signup.opportunity
            organization_id, team = opportunity.organization_id, opportunity.team
        elif team is not None:
            team = profile.teams.filter(pk=_pk(team)).first()
            if team is None:
                raise ValidationError({"team": _("Choose one of your teams.")})
            organization_id = team.organization_id
        record = HoursRecord.objects.create(
            volunteer=profile, organization_id=organization_id, team=team, opportunity=opportunity,
            source=HoursSource.REPORT, served_on=served_on, hours=hours, note=note, status=HoursStatus.PENDING,
            created_by=by)
        audit_record(action="submit", by=by, obj=record, new={"hours": hours, "served_on": served_on,
                                                             "opportunity": record.opportunity_id})
    return record


def hours_decide(*, by, record, approve: bool, reason: str = "") -> HoursRecord:
    """Approve reported hours (they count from now) or return them with a reason."""
    _require(by, MANAGE)
    reason = str(reason or "").strip()[:300]
    if not approve and not reason:
        raise ValidationError({"reason": _("Enter why the hours are returned.")})
    with transaction.atomic():
        record = access_object(HoursRecord.objects.select_for_update(), by, MANAGE, pk=_pk(record))
        if record.status != HoursStatus.PENDING:
            raise ValidationError({"reason": _("Only hours awaiting approval can be decided.")})
        if record.created_by_id == by.pk:
            raise ValidationError({"reason": _("Hours you reported yourself are decided by someone else.")})
        old = {"status": record.status}
        record.status = HoursStatus.APPROVED if approve else HoursStatus.RETURNED
        record.return_reason = "" if approve else reason
        record.decided_by, record.decided_at = by, timezone.now()
        record.save(update_fields=["status", "return_reason", "decided_by", "decided_at"])
        audit_record(action="status", by=by, obj=record, old=old,
                     new={"status": record.status, "return_reason": record.return_reason})
        _tell_volunteer(record)
    return record


def _tell_volunteer(record: HoursRecord) -> None:
    """The volunteer hears that their reported hours were approved or returned (and why), when
    their person record has an account."""
    account = record.volunteer.person.account
    if account is None:
        return
    values = {"hours": record.hours, "day": record.served_on.isoformat()}
    if record.status == HoursStatus.APPROVED:
        title = _("Your %(hours)s volunteer hours of %(day)s were approved") % values
        body = ""
    else:
        title = _("Your %(hours)s volunteer hours of %(day)s were returned") % values
        body = record.return_reason
    notify(recipients=[account], kind=NotificationKind.VOLUNTEER, title=title, body=body,
           url=reverse("volunteers:mine"), key=f"volunteers.hours:{record.pk}:{record.status}", obj=record)
