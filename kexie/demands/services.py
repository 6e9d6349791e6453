"""Demands from intake to acceptance: every state change is one function here, one transaction
with its audit row.

Recording a demand needs ``demand.submit`` for the holding organisation (or an external account,
an enterprise filing with an association from the public intake list). Triage, matching, the open
call, choosing the team and accepting milestones need ``demand.manage`` over the demand's
organisation; a confidential demand is acted on only by those who may see it
(:func:`kexie.demands.selectors.demands_visible`). Matching is done by the one matching engine
(:func:`kexie.panels.matching.match_experts`) and the conflict engine; the open call's review by
the panels app (:mod:`kexie.panels.services`), as award nominations are.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.accounts.scope import access_object
from kexie.accounts.selectors import staff_holding
from kexie.accounts.scope import require_code as _require
from kexie.audit.services import audit_record
from kexie.experts_engine import conflicts as conflict_engine
from kexie.experts_engine.model import Target, fold_name
from kexie.notifications.models import Kind as NotificationKind
from kexie.notifications.services import notify
from kexie.organizations.models import Organization, OrganizationClosure
from kexie.panels import services as panels
from kexie.panels.experts import library_experts
from kexie.panels.matching import match_experts
from kexie.panels.models import Decision, Outcome, RoundStatus
from kexie.people.codes import is_industry
from kexie.people.models import ExpertEntry, ExpertLibrary, Person

from .models import (Application, ApplicationStatus, Candidate, Demand, DemandMilestone, DemandStatus,
                     MilestoneStatus, Route)
from .selectors import demands_visible, intake_organizations

VIEW = "demand.view"
SUBMIT = "demand.submit"
MANAGE = "demand.manage"
TEXT_FIELDS = ("enterprise_name", "enterprise_credit_code", "contact_name", "contact_phone", "title", "industry",
               "field", "problem", "goal", "reward")
# The panel's form when none is given: the plan, the team, the price and time.
OPEN_CALL_FORM = [{"code": "plan", "name": "技术方案", "max": 40}, {"code": "team", "name": "团队能力", "max": 30},
                  {"code": "cost", "name": "报价与周期", "max": 30}]
SNAPSHOT_FIELDS = ("organization_id", "station_id", "enterprise_name", "title", "industry", "field", "budget",
                   "deadline", "confidential", "status", "route")


def _demand(by, demand, code: str = MANAGE) -> Demand:
    """The demand, locked, if ``by`` holds ``code`` and may see it (404 otherwise)."""
    _require(by, code)
    pk = getattr(demand, "pk", demand)
    if not demands_visible(by, code).filter(pk=pk).exists():
        raise Http404
    return Demand.objects.select_for_update().select_related("organization").get(pk=pk)


def _status(demand: Demand, *allowed: str) -> None:
    if demand.status not in allowed:
        raise ValidationError(_("This cannot be done while the demand is “%(status)s”.")
                              % {"status": demand.get_status_display()})


def _move(by, demand: Demand, status: str, *, action: str = "status", fields=(), **extra) -> None:
    old = {"status": demand.status, **{f: getattr(demand, f) for f in fields}}
    demand.status = status
    demand.save(update_fields=["status", "updated_at", *fields])
    audit_record(action=action, by=by, obj=demand, old=old,
                 new={"status": status, **{f: getattr(demand, f) for f in fields}, **extra})


def _tell(user, demand: Demand, *, title: str, body: str, key: str) -> None:
    """Tell the account behind a demand or an application what happened, with a link to the
    demand on the page they use (an enterprise's own demands, or the staff's demand page)."""
    if user is None:
        return
    _tell_all([user], demand, title=title, body=body, key=key)


def _link(user, demand: Demand) -> str:
    """Where ``user`` finds ``demand``: the staff's demand page; for an external account, the
    page of the demands it filed, or else its open-call applications (a team's)."""
    if not user.is_external:
        return reverse("demands:detail", args=[demand.pk])
    if demand.submitted_by_id == user.pk:
        return reverse("demands:my_detail", args=[demand.pk])
    if demand.applications.filter(applicant=user).exists():
        return reverse("demands:my_applications")
    return ""


def _tell_all(users, demand: Demand, *, title: str, body: str, key: str) -> None:
    """:func:`_tell` for several accounts at once (each once, each with its own link)."""
    unique = {u.pk: u for u in users if u is not None}
    for user in unique.values():
        notify(recipients=[user], kind=NotificationKind.DEMAND, title=title, body=body, url=_link(user, demand),
               key=key, obj=demand)


def snapshot(demand: Demand) -> dict:
    return {f: getattr(demand, f) for f in SNAPSHOT_FIELDS}


def _amount(value, field: str, *, required: bool = False) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: _("Enter the amount in 10,000 yuan.")})
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter the amount in 10,000 yuan, e.g. 50 or 12.5.")}) from None
    if amount < 0 or amount >= Decimal("1e10"):
        raise ValidationError({field: _("Enter the amount in 10,000 yuan, e.g. 50 or 12.5.")})
    return amount


# --- intake and triage ----------------------------------------------------------------------------

def _holder(by, organization) -> Organization:
    pk = getattr(organization, "pk", organization)
    if getattr(by, "is_external", False):
        try:
            return intake_organizations().get(pk=pk)
        except (Organization.DoesNotExist, ValueError, TypeError):
            raise ValidationError({"organization": _("Choose an association from the list.")}) from None
    _require(by, SUBMIT)
    return access_object(Organization, by, SUBMIT, pk=pk)


def _staff(values) -> list:
    """The staff named on a confidential demand: active accounts of the network, not external ones."""
    from kexie.accounts.models import User

    ids = {getattr(v, "pk", v) for v in values}
    found = [u for u in User.objects.filter(pk__in=ids, is_active=True) if not u.is_external]
    if len(found) != len(ids):
        raise ValidationError({"named_staff": _("Name staff members of the associations only.")})
    return found


def _receivers(organization) -> list:
    """The staff of an association who take up its demands (``demand.submit`` or ``demand.manage``):
    named on a confidential demand an enterprise files with it, so that someone may see it, and
    told when a team reports a milestone."""
    from kexie.accounts.models import User

    return list(staff_holding(SUBMIT, MANAGE, users=User.objects.filter(organization=organization)).order_by("pk"))


def _station(organization, value):
    """The station that collected the demand (or None): one registered in the holding
    association's subtree."""
    from kexie.stations.models import Station

    if value in (None, ""):
        return None
    pk = getattr(value, "pk", value)
    subtree = OrganizationClosure.objects.filter(ancestor_id=organization.pk).values("descendant_id")
    try:
        return Station.objects.get(pk=pk, organization__in=subtree)
    except (Station.DoesNotExist, ValueError, TypeError):
        raise ValidationError({"station": _("Choose a station registered with the holding association or an "
                                            "association below it.")}) from None


def demand_create(*, by, organization, data: dict, milestones: list | None = None) -> Demand:
    """Record a demand held by ``organization``: staff with ``demand.submit`` for it, or an
    enterprise's external account filing with an association of the intake list. ``milestones``:
    ``[{"title", "due"}]`` in order (the stages the work will be accepted by)."""
    if by is None or not getattr(by, "is_authenticated", False):
        raise PermissionDenied(_("You do not have permission to do this."))
    organization = _holder(by, organization)
    values = {f: str(data.get(f) or "").strip() for f in TEXT_FIELDS}
    errors = {}
    if not values["enterprise_name"]:
        errors["enterprise_name"] = _("Enter the name of the enterprise.")
    if not values["title"]:
        errors["title"] = _("Enter the title of the demand.")
    if not values["problem"]:
        errors["problem"] = _("Describe the problem to solve.")
    values["industry"] = values["industry"].upper()
    if values["industry"] and not is_industry(values["industry"]):
        errors["industry"] = _("Choose an industry of GB/T 4754 (a section letter or a two-digit division).")
    if len(values["enterprise_credit_code"]) not in (0, 18):
        errors["enterprise_credit_code"] = _("A unified social credit code has 18 characters.")
    rows = []
    for n, row in enumerate(milestones or (), 1):
        title = str(row.get("title") or "").strip()
        if not title:
            errors["milestones"] = _("Milestone %(n)s needs a title.") % {"n": n}
        rows.append((title, row.get("due") or None))
    try:
        station = _station(organization, data.get("station"))
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        demand = Demand(organization=organization, submitted_by=by, station=station,
                        budget=_amount(data.get("budget"), "budget"), deadline=data.get("deadline") or None,
                        confidential=bool(data.get("confidential")),
                        **{f: value[:Demand._meta.get_field(f).max_length] for f, value in values.items()})
        demand.save()
        if data.get("named_staff"):
            demand.named_staff.set(_staff(data["named_staff"]))
        elif demand.confidential and by.is_external:
            demand.named_staff.set(_receivers(organization))
        DemandMilestone.objects.bulk_create(
            DemandMilestone(demand=demand, position=n, title=title[:200], due=due)
            for n, (title, due) in enumerate(rows, 1))
        audit_record(action="create", by=by, obj=demand, new=snapshot(demand) | {
            "milestones": [title for title, _due in rows],
            "named_staff": sorted(u.pk for u in demand.named_staff.all())})
    return demand


def demand_accept(*, by, demand) -> Demand:
    """Accept a submitted demand (受理)."""
    with transaction.atomic():
        demand = _demand(by, demand)
        _status(demand, DemandStatus.SUBMITTED)
        demand.accepted_at = timezone.now()
        _move(by, demand, DemandStatus.ACCEPTED, action="accept", fields=("accepted_at",))
    return demand


def demand_return(*, by, demand, reason: str) -> Demand:
    """Return a demand to whoever recorded it, with the reason (not within scope, too vague …)."""
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Write why the demand is returned.")})
    with transaction.atomic():
        demand = _demand(by, demand)
        _status(demand, DemandStatus.SUBMITTED, DemandStatus.ACCEPTED)
        demand.return_reason = reason
        _move(by, demand, DemandStatus.RETURNED, action="return", fields=("return_reason",))
        _tell(demand.submitted_by, demand, key=f"demands.return.{demand.pk}",
              title=_("Demand returned: %(title)s") % {"title": demand.title},
              body=_("%(organization)s returned the demand “%(title)s”: %(reason)s")
              % {"organization": demand.organization.name, "title": demand.title, "reason": reason})
    return demand


def demand_merge(*, by, demand, into) -> Demand:
    """Merge a duplicate ``demand`` into ``into`` (the one kept); the duplicate then counts nowhere."""
    with transaction.atomic():
        demand = _demand(by, demand)
        into = _demand(by, into)
        if into.pk == demand.pk:
            raise ValidationError({"into": _("A demand cannot be merged into itself.")})
        _status(demand, DemandStatus.SUBMITTED, DemandStatus.ACCEPTED)
        if into.status in (DemandStatus.MERGED, DemandStatus.RETURNED, DemandStatus.CLOSED):
            raise ValidationError({"into": _("The demand kept must not be returned, merged or closed.")})
        demand.merged_into = into
        _move(by, demand, DemandStatus.MERGED, fields=("merged_into_id",))
    return demand


def demand_set_staff(*, by, demand, users) -> Demand:
    """Change the staff named on a confidential demand (those who may see it besides whoever
    recorded it): at least one, each an active staff member of the holding association or an
    association below it who holds ``demand.view`` — or the manager acting (``demand.manage`` over
    the demand), who may keep themselves named though they work above the holder."""
    from kexie.accounts.models import User

    ids = {int(getattr(u, "pk", u)) for u in users or ()}
    if not ids:
        raise ValidationError({"named_staff": _("Name at least one staff member who may see the demand.")})
    with transaction.atomic():
        demand = _demand(by, demand)
        if not demand.confidential:
            raise ValidationError({"named_staff": _("Only a confidential demand has staff named for it.")})
        subtree = OrganizationClosure.objects.filter(ancestor_id=demand.organization_id).values("descendant_id")
        found = list(staff_holding(VIEW, users=User.objects.filter(pk__in=ids - {by.pk}, organization__in=subtree)))
        if by.pk in ids:
            found.append(by)
        if len(found) != len(ids):
            raise ValidationError({"named_staff": _(
                "Name staff of the holding association or of an association below it who may view demands.")})
        before = sorted(demand.named_staff.values_list("pk", flat=True))
        demand.named_staff.set(found)
        audit_record(action="update", by=by, obj=demand, detail="named_staff", old={"named_staff": before},
                     new={"named_staff": sorted(u.pk for u in found)})
    return demand


# --- expert matching ------------------------------------------------------------------------------

def demand_text(demand: Demand) -> str:
    """What the matching engine reads: the title, field, problem and goal."""
    return "\n".join(t for t in (demand.title, demand.field, demand.problem, demand.goal) if t)


def _enterprise_conflicts(demand: Demand, entries) -> dict[int, str]:
    """For each person of ``entries`` in conflict with the demand's enterprise, the panels'
    wording of the first reason (e.g. the expert works at the enterprise)."""
    name = demand.enterprise_name
    target = Target(demand.pk, text=demand_text(demand), industries=(demand.industry,) if demand.industry else (),
                    org_path=(f"unit:{fold_name(name)}",), units=(name,))
    experts, _entry_of = library_experts(None, entries=entries)
    found = conflict_engine.check(experts, [target], today=timezone.localdate())
    names = dict(Person.objects.filter(pk__in={c.expert_id for c in found}).values_list("pk", "name"))
    reasons: dict[int, str] = {}
    for conflict in found:
        reasons.setdefault(conflict.expert_id, panels._worded(conflict, names, {})[1])
    return reasons


def demand_match(*, by, demand, library: ExpertLibrary, k: int = 10) -> list[Candidate]:
    """Shortlist experts of ``library`` for the demand (专家对接): the matching engine on the
    demand's text and industry, then the conflict check against the enterprise. A conflicted
    expert stays on the list, excluded, with the reason. Matching again replaces the candidates
    not yet released."""
    with transaction.atomic():
        demand = _demand(by, demand)
        _status(demand, DemandStatus.ACCEPTED, DemandStatus.MATCHED)
        library = access_object(ExpertLibrary, by, "expert.view", pk=getattr(library, "pk", library))
        matches = match_experts(library, demand_text(demand), industry=demand.industry, k=k)
        conflicts = _enterprise_conflicts(
            demand, ExpertEntry.objects.filter(pk__in=[m.entry.pk for m in matches]))
        released = set(demand.candidates.filter(released=True).values_list("person_id", flat=True))
        demand.candidates.filter(released=False).delete()
        Candidate.objects.bulk_create(
            Candidate(demand=demand, person_id=m.entry.person_id, entry=m.entry, score=m.score, reasons=m.reasons,
                      excluded=m.entry.person_id in conflicts,
                      exclusion_reason=conflicts.get(m.entry.person_id, ""))
            for m in matches if m.entry.person_id not in released)
        demand.route = Route.MATCH
        _move(by, demand, DemandStatus.MATCHED, fields=("route",), library=library.pk,
              candidates=[m.entry.person_id for m in matches],
              excluded={p: reason for p, reason in conflicts.items()})
    return list(demand.candidates.select_related("person"))


def candidates_release(*, by, demand, candidate_ids) -> list[Candidate]:
    """Release shortlisted experts to the enterprise; excluded ones cannot be released. The first
    release marks the demand's first qualified candidate."""
    ids = {int(getattr(c, "pk", c)) for c in candidate_ids or ()}
    if not ids:
        raise ValidationError({"candidates": _("Choose the experts to release.")})
    with transaction.atomic():
        demand = _demand(by, demand)
        _status(demand, DemandStatus.MATCHED)
        chosen = list(demand.candidates.select_for_update().filter(pk__in=ids))
        if len(chosen) != len(ids):
            raise ValidationError({"candidates": _("An expert chosen is not on this demand's shortlist.")})
        if any(c.excluded for c in chosen):
            raise ValidationError({"candidates": _("An excluded expert cannot be released.")})
        now = timezone.now()
        fresh = [c for c in chosen if not c.released]
        for c in fresh:
            c.released, c.released_at = True, now
        Candidate.objects.bulk_update(fresh, ["released", "released_at"])
        if fresh and demand.first_candidate_at is None:
            demand.first_candidate_at = now
            demand.save(update_fields=["first_candidate_at", "updated_at"])
        audit_record(action="publish", by=by, obj=demand, detail="candidates",
                     new={"released": sorted(c.person_id for c in fresh)})
        if fresh:
            _tell(demand.submitted_by, demand, key=f"demands.release.{demand.pk}.{now.timestamp()}",
                  title=_("Experts recommended for your demand: %(title)s") % {"title": demand.title},
                  body=_("%(organization)s recommends %(n)s experts for “%(title)s”; see them on the demand.")
                  % {"organization": demand.organization.name, "n": len(fresh), "title": demand.title})
    return chosen


# --- the open call --------------------------------------------------------------------------------

def demand_publish(*, by, demand, apply_until: dt.date, reward: str = "") -> Demand:
    """Publish an accepted demand as an open call (发榜), taking applications until ``apply_until``."""
    if not apply_until:
        raise ValidationError({"apply_until": _("Set the last day for applications.")})
    if apply_until < timezone.localdate():
        raise ValidationError({"apply_until": _("The last day for applications cannot be in the past.")})
    with transaction.atomic():
        demand = _demand(by, demand)
        _status(demand, DemandStatus.ACCEPTED, DemandStatus.MATCHED)
        if demand.confidential:
            raise ValidationError(_("A confidential demand cannot be published as an open call."))
        demand.route, demand.apply_until, demand.published_at = Route.OPEN_CALL, apply_until, timezone.now()
        demand.reward = str(reward or "").strip() or demand.reward
        _move(by, demand, DemandStatus.PUBLISHED, action="publish",
              fields=("route", "apply_until", "published_at", "reward"))
    return demand


def _lead_person(by, value) -> Person | None:
    """The team lead's person record: the applicant's own, or one staff may see."""
    if not value:
        return None
    pk = getattr(value, "pk", value)
    own = Person.objects.current().filter(pk=pk, account_id=by.pk)
    found = (own | Person.objects.current().restrict(by, "person.view").filter(pk=pk)).first()
    if found is None:
        raise ValidationError({"lead_person": _("A person given is not among the person records you may see.")})
    return found


def application_submit(*, by, demand, data: dict) -> Application:
    """A team applies to an open call (揭榜): any signed-in account, while the call is on the board."""
    from .selectors import board

    if by is None or not getattr(by, "is_authenticated", False):
        raise PermissionDenied(_("You do not have permission to do this."))
    values = {f: str(data.get(f) or "").strip() for f in ("team_name", "lead_name", "lead_unit", "members",
                                                            "proposal")}
    errors = {}
    for field, message in (("team_name", _("Enter the name of the team.")),
                           ("lead_name", _("Enter the name of the team lead.")),
                           ("proposal", _("Describe how the team will solve the problem."))):
        if not values[field]:
            errors[field] = message
    if errors:
        raise ValidationError(errors)
    quoted = _amount(data.get("quoted_amount"), "quoted_amount")
    lead_person = _lead_person(by, data.get("lead_person"))
    with transaction.atomic():
        pk = getattr(demand, "pk", demand)
        if not board(by).filter(pk=pk).exists():
            raise ValidationError(_("This open call is not taking applications."))
        demand = Demand.objects.select_for_update().get(pk=pk)
        application = Application.objects.create(
            demand=demand, team_name=values["team_name"][:200], lead_name=values["lead_name"][:60],
            lead_unit=values["lead_unit"][:200], members=values["members"], proposal=values["proposal"],
            quoted_amount=quoted, applicant=by,
            lead_person=lead_person)
        audit_record(action="apply", by=by, obj=application, new={
            "demand": demand.pk, "team_name": application.team_name, "lead_name": application.lead_name,
            "lead_unit": application.lead_unit, "quoted_amount": quoted})
    return application


def _application(by, application) -> tuple[Application, Demand]:
    pk = getattr(application, "pk", application)
    row = Application.objects.filter(pk=pk).values_list("demand_id", flat=True).first()
    if row is None:
        raise Http404
    demand = _demand(by, row)
    return Application.objects.select_for_update().get(pk=pk), demand


def application_check(*, by, application, eligible: bool, reason: str = "") -> Application:
    """The formal check of an application; a failed one needs the reason. The first application
    found eligible is the demand's first qualified candidate (unless an expert came first)."""
    reason = str(reason or "").strip()
    if not eligible and not reason:
        raise ValidationError({"reason": _("Write why the application fails the formal check.")})
    with transaction.atomic():
        application, demand = _application(by, application)
        _status(demand, DemandStatus.PUBLISHED)
        if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE,
                                      ApplicationStatus.INELIGIBLE):
            raise ValidationError(_("The team has already been decided on."))
        if application.review_item_id:
            raise ValidationError(_("The application is already before the panel."))
        old = {"status": application.status, "status_reason": application.status_reason}
        application.status = ApplicationStatus.ELIGIBLE if eligible else ApplicationStatus.INELIGIBLE
        application.status_reason = reason
        application.save(update_fields=["status", "status_reason"])
        if eligible and demand.first_candidate_at is None:
            demand.first_candidate_at = timezone.now()
            demand.save(update_fields=["first_candidate_at", "updated_at"])
        audit_record(action="eligibility", by=by, obj=application, old=old,
                     new={"status": application.status, "status_reason": reason})
    return application


def review_start(*, by, demand, library: ExpertLibrary, form=None):
    """Hand the eligible applications to a panel: a panels round of kind ``open_call`` drawing on
    ``library``, one item per eligible application (its lead and unit, so conflicts are found; the
    enterprise's own staff avoided).
    Every application must have had its formal check. The panels app takes it from there."""
    with transaction.atomic():
        demand = _demand(by, demand)
        _status(demand, DemandStatus.PUBLISHED)
        if demand.review_round_id:
            raise ValidationError(_("The panel review has already started."))
        if demand.applications.filter(status=ApplicationStatus.SUBMITTED).exists():
            raise ValidationError(_("Some applications have not had their formal check yet."))
        eligible = list(demand.applications.filter(status=ApplicationStatus.ELIGIBLE))
        if not eligible:
            raise ValidationError(_("No application passed the formal check; the review cannot start."))
        round = panels.round_create(by=by, organization=demand.organization, library=library, data={
            "title": f"{demand.title}揭榜评审", "kind": "open_call", "form": form or OPEN_CALL_FORM})
        items = panels.items_add(by=by, round=round, items=[{
            "title": f"{a.team_name}（{a.lead_name}）", "text": a.proposal,
            "industries": [demand.industry] if demand.industry else [],
            "units": [a.lead_unit] if a.lead_unit else [], "avoid_units": [demand.enterprise_name],
            "persons": [a.lead_person_id] if a.lead_person_id else [], "source_object": a,
            "source": "揭榜挂帅"} for a in eligible])
        for a, item in zip(eligible, items):
            a.review_item = item
        Application.objects.bulk_update(eligible, ["review_item"])
        demand.review_round = round
        demand.save(update_fields=["review_round", "updated_at"])
        audit_record(action="update", by=by, obj=demand, detail="review", new={
            "review_round": round.pk, "applications": [a.pk for a in eligible]})
    return round


def application_choose(*, by, application, amount) -> Application:
    """Choose the team (挂帅) and record the contract amount (万元): the demand is contracted, the
    other applications not chosen. When the call went to a panel, its round must be decided first
    and the application approved by it (the choice follows the panel's decision); without a panel, staff with ``demand.manage``
    choose directly among the eligible applications."""
    amount = _amount(amount, "amount", required=True)
    with transaction.atomic():
        application, demand = _application(by, application)
        _status(demand, DemandStatus.PUBLISHED)
        if application.status != ApplicationStatus.ELIGIBLE:
            raise ValidationError(_("Only an application that passed the formal check can be chosen."))
        if demand.review_round_id:
            if demand.review_round.status != RoundStatus.DECIDED:
                raise ValidationError(_("The panel has not decided yet."))
            if not Decision.objects.filter(item_id=application.review_item_id, outcome=Outcome.APPROVED).exists():
                raise ValidationError(_("The panel did not approve this application."))
        application.status = ApplicationStatus.CHOSEN
        application.save(update_fields=["status"])
        others = demand.applications.exclude(pk=application.pk).filter(
            status__in=(ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE))
        not_chosen = list(others.values_list("pk", flat=True))
        others.update(status=ApplicationStatus.NOT_CHOSEN)
        demand.contracted_at, demand.contract_amount = timezone.now(), amount
        _move(by, demand, DemandStatus.CONTRACTED, action="decide", fields=("contracted_at", "contract_amount"),
              chosen=application.pk, not_chosen=not_chosen)
        _tell(application.applicant, demand, key=f"demands.chosen.{application.pk}",
              title=_("Your team was chosen: %(title)s") % {"title": demand.title},
              body=_("%(team)s was chosen for the open call “%(title)s” of %(organization)s.")
              % {"team": application.team_name, "title": demand.title, "organization": demand.organization.name})
    return application


# --- milestones -----------------------------------------------------------------------------------

def _milestone(by, milestone, code: str) -> tuple[DemandMilestone, Demand]:
    pk = getattr(milestone, "pk", milestone)
    demand_id = DemandMilestone.objects.filter(pk=pk).values_list("demand_id", flat=True).first()
    if demand_id is None:
        raise Http404
    demand = _demand(by, demand_id, code)
    return DemandMilestone.objects.select_for_update().get(pk=pk), demand


def _chosen_team(by, milestone) -> bool:
    """Whether ``by`` filed the chosen application of the milestone's demand (the team reports
    its own milestones)."""
    if by is None or not getattr(by, "is_authenticated", False):
        return False
    return Application.objects.filter(demand__milestones=getattr(milestone, "pk", milestone),
                                      status=ApplicationStatus.CHOSEN, applicant=by.pk).exists()


def _team_milestone(milestone) -> tuple[DemandMilestone, Demand]:
    pk = getattr(milestone, "pk", milestone)
    demand = Demand.objects.select_for_update().select_related("organization").get(milestones=pk)
    return DemandMilestone.objects.select_for_update().get(pk=pk), demand


def _milestone_staff(demand: Demand) -> list:
    """Who hears of a milestone reported: the holding association's demand staff, or the staff
    named on a confidential demand."""
    if demand.confidential:
        return list(demand.named_staff.filter(is_active=True))
    return _receivers(demand.organization)


def _reporter(milestone: DemandMilestone):
    """The account that filed the milestone's last report (from its audit row)."""
    from kexie.accounts.models import User
    from kexie.audit.models import AuditLog

    user_id = (AuditLog.objects.filter(action="submit", object_type=DemandMilestone._meta.label_lower,
                                       object_id=str(milestone.pk)).order_by("-pk")
               .values_list("user_id", flat=True).first())
    return User.objects.filter(pk=user_id).first() if user_id else None


def milestone_report(*, by, milestone, report: str) -> DemandMilestone:
    """Report a milestone of a contracted demand: by the association holding it
    (``demand.submit``), or by the chosen team itself (the account that filed the chosen
    application). The association's demand staff (the named staff of a confidential demand) are
    told."""
    report = str(report or "").strip()
    if not report:
        raise ValidationError({"report": _("Write what was done for this milestone.")})
    with transaction.atomic():
        team = _chosen_team(by, milestone)
        milestone, demand = _team_milestone(milestone) if team else _milestone(by, milestone, SUBMIT)
        _status(demand, DemandStatus.CONTRACTED)
        if milestone.status == MilestoneStatus.ACCEPTED:
            raise ValidationError({"report": _("This milestone has already been accepted; it cannot be "
                                               "reported again.")})
        if milestone.status not in (MilestoneStatus.PLANNED, MilestoneStatus.RETURNED):
            raise ValidationError({"report": _("This milestone has already been reported.")})
        old = {"status": milestone.status, "report": milestone.report}
        milestone.status, milestone.report, milestone.reported_at = MilestoneStatus.REPORTED, report, timezone.now()
        milestone.save(update_fields=["status", "report", "reported_at"])
        audit_record(action="submit", by=by, obj=milestone, old=old, new={"status": milestone.status, "report": report},
                     detail="team" if team else "")
        _tell_all([u for u in _milestone_staff(demand) if u.pk != by.pk], demand,
                  key=f"demands.milestone.report.{milestone.pk}.{milestone.reported_at.timestamp()}",
                  title=_("Milestone reported: %(milestone)s") % {"milestone": milestone.title},
                  body=_("“%(milestone)s” of “%(title)s” was reported; accept it or return it on the demand's page.")
                  % {"milestone": milestone.title, "title": demand.title})
    return milestone


def milestone_accept(*, by, milestone, accept: bool, note: str = "") -> DemandMilestone:
    """Accept a reported milestone (验收) or return it with the reason; the demand is completed
    once every milestone is accepted."""
    note = str(note or "").strip()
    if not accept and not note:
        raise ValidationError({"note": _("Write why the milestone is returned.")})
    with transaction.atomic():
        milestone, demand = _milestone(by, milestone, MANAGE)
        _status(demand, DemandStatus.CONTRACTED)
        if milestone.status != MilestoneStatus.REPORTED:
            raise ValidationError(_("Only a reported milestone can be accepted or returned."))
        old = {"status": milestone.status, "note": milestone.note}
        milestone.note = note
        if accept:
            milestone.status, milestone.accepted_at, milestone.accepted_by = (
                MilestoneStatus.ACCEPTED, timezone.now(), by)
        else:
            milestone.status = MilestoneStatus.RETURNED
        milestone.save(update_fields=["status", "note", "accepted_at", "accepted_by"])
        audit_record(action="accept" if accept else "return", by=by, obj=milestone, old=old,
                     new={"status": milestone.status, "note": note})
        _tell_milestone_decided(by, milestone, demand, accept=accept)
        if accept and not demand.milestones.exclude(status=MilestoneStatus.ACCEPTED).exists():
            demand.completed_at = milestone.accepted_at
            _move(by, demand, DemandStatus.COMPLETED, fields=("completed_at",))
    return milestone


def _tell_milestone_decided(by, milestone: DemandMilestone, demand: Demand, *, accept: bool) -> None:
    """Tell the chosen team's account and whoever reported the milestone that it was accepted,
    or returned (with the note)."""
    team = demand.applications.filter(status=ApplicationStatus.CHOSEN).select_related("applicant").first()
    users = [u for u in (team.applicant if team else None, _reporter(milestone)) if u is not None and u.pk != by.pk]
    values = {"milestone": milestone.title, "title": demand.title, "note": milestone.note}
    if accept:
        title = _("Milestone accepted: %(milestone)s") % values
        body = _("“%(milestone)s” of “%(title)s” was accepted.") % values
    else:
        title = _("Milestone returned: %(milestone)s") % values
        body = _("“%(milestone)s” of “%(title)s” was returned: %(note)s") % values
    _tell_all(users, demand, title=title, body=body,
              key=f"demands.milestone.{'accept' if accept else 'return'}.{milestone.pk}.{timezone.now().timestamp()}")
