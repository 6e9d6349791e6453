"""Service teams, their rosters, visits and follow-ups, contact duties and their contacts. Each
state change needs ``visit.manage`` over the object's organisation, is one transaction and writes
its audit row in it; a refusal is a ValidationError in Chinese that names the field, with nothing
saved.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.accounts.scope import access_object
from kexie.accounts.scope import require_code as _require
from kexie.audit.services import audit_record
from kexie.organizations.models import Organization, OrganizationClosure
from kexie.people import codes

from .models import (ContactDuty, ContactLog, ContactMode, FollowUpStatus, MemberRole, ServiceTeam, TeamKind,
                     TeamMember, TeamStatus, Visit)
from .selectors import MANAGE, persons_for, staff_for

MAX_CADENCE_DAYS = 3650


def _text(data: dict, key: str, limit: int | None = None) -> str:
    value = str(data.get(key) or "").strip()
    return value[:limit] if limit else value


def _organization(by, organization) -> Organization:
    _require(by, MANAGE)
    return access_object(Organization, by, MANAGE, pk=getattr(organization, "pk", organization))


def _person(by, person, field: str):
    row = persons_for(by).filter(pk=getattr(person, "pk", person)).first()
    if row is None:
        raise ValidationError({field: _("Choose a person record you may see.")})
    return row


def _staff(by, user, field: str):
    row = staff_for(by).filter(pk=getattr(user, "pk", user)).first()
    if row is None:
        raise ValidationError({field: _("Choose a staff member of your organisation or below who may see visits.")})
    return row


def _codes(values, check, field: str, message: str) -> list[str]:
    rows = []
    for value in values or ():
        value = str(value).strip()
        if not value:
            continue
        if not check(value):
            raise ValidationError({field: message % {"code": value}})
        if value not in rows:
            rows.append(value)
    return rows


# --- teams and rosters -----------------------------------------------------------------------------

def team_snapshot(team: ServiceTeam) -> dict:
    return {"organization": team.organization_id, "name": team.name, "kind": team.kind, "mission": team.mission,
            "disciplines": team.disciplines, "industries": team.industries, "starts_on": team.starts_on,
            "ends_on": team.ends_on, "status": team.status}


def _team_fields(data: dict) -> dict:
    name = _text(data, "name")
    if not name:
        raise ValidationError({"name": _("Enter the name of the team.")})
    kind = data.get("kind") or TeamKind.SERVICE
    if kind not in TeamKind.values:
        raise ValidationError({"kind": _("Choose the kind of team.")})
    status = data.get("status") or TeamStatus.ACTIVE
    if status not in TeamStatus.values:
        raise ValidationError({"status": _("Choose the status of the team.")})
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end of the period cannot be before its start.")})
    disciplines = _codes(data.get("disciplines"), codes.is_discipline, "disciplines",
                         _("“%(code)s” is not a GB/T 13745 discipline code."))
    industries = _codes(data.get("industries"), codes.is_industry, "industries",
                        _("“%(code)s” is not a GB/T 4754 industry code."))
    return {"name": name[:200], "kind": kind, "mission": _text(data, "mission"), "disciplines": disciplines,
            "industries": industries, "starts_on": starts_on, "ends_on": ends_on, "status": status}


def team_create(*, by, organization: Organization, data: dict) -> ServiceTeam:
    """A service team kept by ``organization``: name, kind, mission, disciplines, industries, period."""
    organization = _organization(by, organization)
    fields = _team_fields(data)
    with transaction.atomic():
        team = ServiceTeam.objects.create(organization=organization, created_by=by, **fields)
        audit_record(action="create", by=by, obj=team, new=team_snapshot(team))
    return team


def _team(by, team, *, lock: bool = True) -> ServiceTeam:
    _require(by, MANAGE)
    queryset = ServiceTeam.objects.select_related("organization")
    if lock:
        queryset = queryset.select_for_update()
    return access_object(queryset, by, MANAGE, pk=getattr(team, "pk", team))


def team_update(*, by, team: ServiceTeam, data: dict) -> ServiceTeam:
    """Change a team's name, kind, mission, codes, period or status (closing it keeps its visits)."""
    fields = _team_fields(data)
    with transaction.atomic():
        team = _team(by, team)
        old = team_snapshot(team)
        for key, value in fields.items():
            setattr(team, key, value)
        team.save()
        audit_record(action="update", by=by, obj=team, old=old, new=team_snapshot(team))
    return team


def member_add(*, by, team: ServiceTeam, person, role: str = MemberRole.MEMBER) -> TeamMember:
    """Put a person on the team's roster with ``role``; a team has one leader."""
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Choose the role in the team.")})
    with transaction.atomic():
        team = _team(by, team)
        person = _person(by, person, "person")
        if team.members.filter(person=person).exists():
            raise ValidationError({"person": _("%(name)s is already on the team.") % {"name": person.name}})
        if role == MemberRole.LEADER and team.members.filter(role=MemberRole.LEADER).exists():
            raise ValidationError({"role": _("The team already has a leader; remove them first.")})
        member = TeamMember.objects.create(team=team, person=person, role=role)
        audit_record(action="create", by=by, obj=member, new={"team": team.pk, "person": person.pk, "role": role})
    return member


def member_remove(*, by, member: TeamMember) -> None:
    """Take a person off the roster (the visits they went on keep them)."""
    with transaction.atomic():
        member = TeamMember.objects.select_for_update().select_related("person").get(
            pk=getattr(member, "pk", member))
        _team(by, member.team_id)
        audit_record(action="delete", by=by, obj=member,
                     old={"team": member.team_id, "person": member.person_id, "role": member.role})
        member.delete()


# --- visits and follow-ups -------------------------------------------------------------------------

def visit_snapshot(visit: Visit) -> dict:
    return {"team": visit.team_id, "organization": visit.organization_id, "date": visit.date, "place": visit.place,
            "county": visit.county_id, "enterprise": visit.enterprise, "problem": visit.problem,
            "advice": visit.advice, "persons": sorted(p.pk for p in visit.persons.all()),
            "staff_present": visit.staff_present, "followup_owner": visit.followup_owner_id,
            "followup_due": visit.followup_due, "followup_status": visit.followup_status}


def visit_log(*, by, organization: Organization, data: dict, persons=(), team: ServiceTeam | None = None,
              today: dt.date | None = None) -> Visit:
    """Log a visit of ``organization`` (or of ``team``, then kept by the team's organisation): its
    date, place, the county and/or enterprise served, problem, advice, the experts who went,
    the staff present, and a follow-up (owner and due date) when one is needed."""
    today = today or timezone.localdate()
    with transaction.atomic():
        if team is not None:
            team = _team(by, team)
            organization = team.organization
        else:
            organization = _organization(by, organization)
        date = data.get("date")
        if not isinstance(date, dt.date):
            raise ValidationError({"date": _("Enter the date of the visit.")})
        if date > today:
            raise ValidationError({"date": _("A visit is logged once it has taken place; the date is in the future.")})
        place = _text(data, "place", 200)
        if not place:
            raise ValidationError({"place": _("Enter where the visit took place.")})
        county = data.get("county")
        if county is not None:
            county = Organization.objects.filter(pk=getattr(county, "pk", county), kind="county_association").first()
            if county is None or not OrganizationClosure.objects.filter(
                    ancestor=organization, descendant=county).exists():
                raise ValidationError({"county": _("Choose a county association under %(org)s.")
                                       % {"org": organization.name}})
        enterprise = _text(data, "enterprise", 200)
        if county is None and not enterprise:
            raise ValidationError({"enterprise": _("Name the county or the enterprise that was served.")})
        problem = _text(data, "problem")
        if not problem:
            raise ValidationError({"problem": _("Describe the problem found on the visit.")})
        experts = [_person(by, p, "persons") for p in persons or ()]
        owner, due = data.get("followup_owner"), data.get("followup_due")
        if (owner is None) != (due is None):
            raise ValidationError({"followup_due" if owner is not None else "followup_owner":
                                   _("A follow-up needs both its owner and its due date.")})
        if owner is not None:
            owner = _staff(by, owner, "followup_owner")
            if due < date:
                raise ValidationError({"followup_due": _("The follow-up cannot be due before the visit.")})
        visit = Visit.objects.create(
            team=team, organization=organization, date=date, place=place, county=county, enterprise=enterprise,
            problem=problem, advice=_text(data, "advice"), staff_present=_text(data, "staff_present", 300),
            followup_owner=owner, followup_due=due, followup_status=FollowUpStatus.OPEN if owner else "",
            created_by=by)
        visit.persons.set(experts)
        audit_record(action="create", by=by, obj=visit, new=visit_snapshot(visit))
    return visit


def followup_done(*, by, visit: Visit, outcome: str, done_on: dt.date | None = None,
                  today: dt.date | None = None) -> Visit:
    """Close the visit's follow-up with its outcome, done on ``done_on`` (default ``today``). Its
    owner or a manager of the visit's organisation may close it."""
    outcome = str(outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Write what came of the follow-up.")})
    today = today or timezone.localdate()
    done_on = done_on or today
    with transaction.atomic():
        pk = getattr(visit, "pk", visit)
        visit = Visit.objects.select_for_update().filter(pk=pk).first()
        if visit is None or getattr(by, "pk", None) is None or visit.followup_owner_id != by.pk:
            _require(by, MANAGE)
            visit = access_object(Visit.objects.select_for_update(), by, MANAGE, pk=pk)
        if visit.followup_status != FollowUpStatus.OPEN:
            raise ValidationError(_("This visit has no open follow-up."))
        if done_on < visit.date:
            raise ValidationError({"done_on": _("The follow-up cannot be done before the visit.")})
        if done_on > today:
            raise ValidationError({"done_on": _("The date the follow-up was done cannot be in the future.")})
        visit.followup_status, visit.done_at, visit.outcome = FollowUpStatus.DONE, done_on, outcome
        visit.save(update_fields=["followup_status", "done_at", "outcome"])
        audit_record(action="close", by=by, obj=visit, old={"followup_status": FollowUpStatus.OPEN},
                     new={"followup_status": visit.followup_status, "done_at": done_on, "outcome": outcome[:500]})
    return visit


# --- contact duties ---------------------------------------------------------------------------------

def duty_snapshot(duty: ContactDuty) -> dict:
    return {"organization": duty.organization_id, "person": duty.person_id, "owner": duty.owner_id,
            "cadence_days": duty.cadence_days, "started_on": duty.started_on, "active": duty.active}


def _cadence(value) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_CADENCE_DAYS:
        raise ValidationError({"cadence_days": _("Contact every 1 to %(max)s days.") % {"max": MAX_CADENCE_DAYS}})
    return days


def duty_create(*, by, organization: Organization, person, owner, cadence_days: int,
                started_on: dt.date | None = None) -> ContactDuty:
    """Make ``owner`` the staff member in charge of keeping in touch with ``person`` every
    ``cadence_days`` days, for ``organization`` (one active duty per person and organisation)."""
    cadence = _cadence(cadence_days)
    with transaction.atomic():
        organization = _organization(by, organization)
        person = _person(by, person, "person")
        owner = _staff(by, owner, "owner")
        if ContactDuty.objects.filter(organization=organization, person=person, active=True).exists():
            raise ValidationError({"person": _("%(name)s already has a contact owner at %(org)s.")
                                   % {"name": person.name, "org": organization.name}})
        duty = ContactDuty.objects.create(organization=organization, person=person, owner=owner,
                                          cadence_days=cadence, started_on=started_on or timezone.localdate(),
                                          created_by=by)
        audit_record(action="create", by=by, obj=duty, new=duty_snapshot(duty))
    return duty


def _duty(by, duty) -> ContactDuty:
    _require(by, MANAGE)
    return access_object(ContactDuty.objects.select_for_update().select_related("person"), by, MANAGE,
                         pk=getattr(duty, "pk", duty))


def duty_reassign(*, by, duty: ContactDuty, owner, cadence_days: int | None = None) -> ContactDuty:
    """Hand the duty to another staff member, and change its cadence when given."""
    with transaction.atomic():
        duty = _duty(by, duty)
        if not duty.active:
            raise ValidationError(_("This duty is closed."))
        old = duty_snapshot(duty)
        duty.owner = _staff(by, owner, "owner")
        if cadence_days not in (None, ""):
            duty.cadence_days = _cadence(cadence_days)
        duty.save(update_fields=["owner", "cadence_days"])
        audit_record(action="update", by=by, obj=duty, old=old, new=duty_snapshot(duty))
    return duty


def duty_close(*, by, duty: ContactDuty) -> ContactDuty:
    """End the duty; its contacts stay on record."""
    with transaction.atomic():
        duty = _duty(by, duty)
        if not duty.active:
            raise ValidationError(_("This duty is closed."))
        duty.active = False
        duty.save(update_fields=["active"])
        audit_record(action="close", by=by, obj=duty, old={"active": True}, new={"active": False})
    return duty


def contact_log(*, by, duty: ContactDuty, date: dt.date, mode: str, note: str = "",
                today: dt.date | None = None) -> ContactLog:
    """Record a contact under the duty: its date, mode (走访/电话/座谈/其他) and a note. The duty's
    owner or a manager of its organisation may record it."""
    if mode not in ContactMode.values:
        raise ValidationError({"mode": _("Choose how the contact was made.")})
    if not isinstance(date, dt.date):
        raise ValidationError({"date": _("Enter the date of the contact.")})
    if date > (today or timezone.localdate()):
        raise ValidationError({"date": _("The date of the contact cannot be in the future.")})
    with transaction.atomic():
        pk = getattr(duty, "pk", duty)
        duty = ContactDuty.objects.select_for_update().filter(pk=pk).first()
        if duty is None or getattr(by, "pk", None) is None or duty.owner_id != by.pk:
            duty = _duty(by, pk)
        if not duty.active:
            raise ValidationError(_("This duty is closed."))
        if date < duty.started_on:
            raise ValidationError({"date": _("The contact cannot be before the duty started (%(day)s).")
                                   % {"day": duty.started_on}})
        row = ContactLog.objects.create(duty=duty, date=date, mode=mode, note=str(note or "").strip(), by=by)
        audit_record(action="create", by=by, obj=row, new={"duty": duty.pk, "date": date, "mode": mode,
                                                           "note": row.note[:500]})
    return row
