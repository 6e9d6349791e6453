"""Service team pages: the overview (teams, recent visits, overdue follow-ups and contacts, the
figures of the user's organisation this year), a team with its roster and visits, logging a
visit, a visit with its follow-up, the contact duties with the overdue ones first, and an Excel
export of the visits of a period with the same figures.

Every view checks the permission code first (403 without it) and fetches objects through the
data scope (404 outside it). The services do the writing; a refusal comes back on the page with
its message (status 400), a success redirects with a message. The owner of a follow-up or a
contact duty may close the one or record the other with ``visit.view`` alone.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie.accounts.scope import require_page_code as _require
from kexie.audit.services import audit_record
from kexie.core.excel import add_sheet, write_workbook, xlsx_response
from kexie.core.paging import paginate
from kexie.core.forms import apply_service_errors, form_step
from kexie.organizations.models import Organization

from . import selectors, services
from .forms import (ContactLogForm, DutyForm, FollowupDoneForm, MemberForm, PeriodForm, ReassignForm, TeamForm,
                    VisitForm)
from .models import ContactDuty, FollowUpStatus, ServiceTeam, TeamMember, Visit

VIEW = selectors.VIEW
MANAGE = selectors.MANAGE
RECENT = 20


def _may_manage(user) -> bool:
    return user.has_code(MANAGE)


def _year_so_far(today: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(today.year, 1, 1), today


def figures(organization, since: dt.date, until: dt.date) -> list[tuple[str, object]]:
    """The figures of ``organization``'s subtree over the period, as the page and the export show them."""
    on_time, due = selectors.followups_closed_on_time(organization, since, until)
    return [(_("Visits"), selectors.visits_count(organization, since, until)),
            (_("Enterprises served"), selectors.enterprises_served(organization, since, until)),
            (_("Follow-ups closed on time"), f"{on_time} / {due}")]


def _period(request) -> tuple[dt.date, dt.date, PeriodForm]:
    today = timezone.localdate()
    since, until = _year_so_far(today)
    form = PeriodForm(request.GET if "since" in request.GET else None, initial={"since": since, "until": until})
    if form.is_bound and form.is_valid():
        since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    return since, until, form


# --- the overview ----------------------------------------------------------------------------------

@login_required
@require_GET
def visit_list(request):
    _require(request, VIEW)
    user, today = request.user, timezone.localdate()
    since, until, period_form = _period(request)
    visits = selectors.visits_for(user)
    page = paginate(request, visits.prefetch_related("persons"), RECENT)
    context = {
        "teams": selectors.teams_for(user).filter(status="active"),
        "visits": page.object_list, "page_obj": page,
        "overdue_followups": selectors.overdue_followups(visits, today),
        "overdue_duties": selectors.overdue_duties(selectors.duties_for(user), today),
        "figures": figures(user.organization, since, until) if user.organization_id else [],
        "period_form": period_form, "since": since, "until": until, "may_manage": _may_manage(user),
        "today": today,
    }
    return render(request, "visits/list.html", context)


# --- teams -----------------------------------------------------------------------------------------

def _team_of(request, pk, action=VIEW) -> ServiceTeam:
    team = selectors.teams_for(request.user, action).filter(pk=pk).first()
    if team is None:
        raise Http404
    return team


def _team_page(request, team, *, member_form=None, status=200):
    user = request.user
    manage = _may_manage(user) and selectors.teams_for(user, MANAGE).filter(pk=team.pk).exists()
    context = {"team": team, "may_manage": manage,
               "members": team.members.select_related("person").order_by("role", "pk"),
               "visits": selectors.visits_for(user).filter(team=team).prefetch_related("persons"),
               "today": timezone.localdate()}
    if manage:
        context["member_form"] = member_form or MemberForm(persons=selectors.persons_for(user))
    return render(request, "visits/team_detail.html", context, status=status)


@login_required
@require_GET
def team_detail(request, pk):
    _require(request, VIEW)
    return _team_page(request, _team_of(request, pk))


def _team_form_page(request, team=None):
    user = request.user
    organizations = Organization.objects.restrict(user, MANAGE)
    initial = {"organization": user.organization_id}
    if team is not None:
        initial = {"name": team.name, "kind": team.kind, "mission": team.mission, "starts_on": team.starts_on,
                   "ends_on": team.ends_on, "status": team.status, "disciplines": "、".join(team.disciplines),
                   "industries": "、".join(team.industries)}
    form = TeamForm(request.POST if request.method == "POST" else None, organizations=organizations, editing=team is not None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if team is None:
                team = services.team_create(by=user, organization=form.cleaned_data["organization"],
                                            data=form.team_data())
            else:
                team = services.team_update(by=user, team=team, data=form.team_data())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The team “%(name)s” was saved.") % {"name": team.name})
            return redirect("visits:team_detail", pk=team.pk)
    return render(request, "visits/team_form.html", {"form": form, "team": team},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request):
    _require(request, MANAGE)
    return _team_form_page(request)


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request, pk):
    _require(request, MANAGE)
    return _team_form_page(request, _team_of(request, pk, MANAGE))


@login_required
@require_POST
def member_add(request, pk):
    _require(request, MANAGE)
    team = _team_of(request, pk, MANAGE)
    form = MemberForm(request.POST, persons=selectors.persons_for(request.user))
    return form_step(
        request, form, lambda data: services.member_add(by=request.user, team=team, person=data["person"],
                                                        role=data["role"]),
        lambda member: _("%(name)s joined the team.") % {"name": member.person.name},
        done=lambda _member: redirect("visits:team_detail", pk=team.pk),
        again=lambda: _team_page(request, team, member_form=form, status=400))


@login_required
@require_POST
def member_remove(request, pk):
    _require(request, MANAGE)
    member = TeamMember.objects.filter(team__in=selectors.teams_for(request.user, MANAGE), pk=pk) \
        .select_related("person").first()
    if member is None:
        raise Http404
    services.member_remove(by=request.user, member=member)
    messages.success(request, _("%(name)s left the team.") % {"name": member.person.name})
    return redirect("visits:team_detail", pk=member.team_id)


# --- visits ----------------------------------------------------------------------------------------

def _visit_form(request, data=None, initial=None) -> VisitForm:
    user = request.user
    return VisitForm(data, initial=initial, teams=selectors.teams_for(user, MANAGE).filter(status="active"),
                     organizations=Organization.objects.restrict(user, MANAGE),
                     counties=selectors.counties_for(user), persons=selectors.persons_for(user),
                     staff=selectors.staff_for(user).select_related("organization"))


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request):
    _require(request, MANAGE)
    team = request.GET.get("team", "")
    initial = {"date": timezone.localdate(), "organization": request.user.organization_id,
               "team": int(team) if team.isdigit() else None}
    form = _visit_form(request, request.POST if request.method == "POST" else None, initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.visit_log(by=request.user, organization=data.get("organization"), team=data.get("team"),
                                       data=form.visit_data(), persons=list(data.get("persons") or ()))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The visit was logged."))
            return redirect("visits:visit_detail", pk=visit.pk)
    return render(request, "visits/visit_form.html", {"form": form}, status=400 if form.errors else 200)


def _visit_of(request, pk) -> Visit:
    """A visit in the user's scope, or one whose follow-up they own."""
    user = request.user
    visit = (Visit.objects.filter(Q(pk__in=selectors.visits_for(user).values("pk")) | Q(followup_owner=user))
             .select_related("team", "organization", "county", "followup_owner").filter(pk=pk).first())
    if visit is None:
        raise Http404
    return visit


def _visit_page(request, visit, *, done_form=None, status=200):
    user = request.user
    manage = _may_manage(user) and selectors.visits_for(user, MANAGE).filter(pk=visit.pk).exists()
    context = {"visit": visit, "persons": visit.persons.all(), "today": timezone.localdate(),
               "may_close": visit.followup_status == FollowUpStatus.OPEN and (manage or visit.followup_owner_id == user.pk),
               "done_form": done_form or FollowupDoneForm()}
    return render(request, "visits/visit_detail.html", context, status=status)


@login_required
@require_GET
def visit_detail(request, pk):
    _require(request, VIEW)
    return _visit_page(request, _visit_of(request, pk))


@login_required
@require_POST
def followup_done(request, pk):
    _require(request, VIEW)
    visit = _visit_of(request, pk)
    form = FollowupDoneForm(request.POST)
    return form_step(
        request, form, lambda data: services.followup_done(by=request.user, visit=visit, outcome=data["outcome"],
                                                           done_on=data["done_on"]),
        _("The follow-up was closed."), done=lambda _visit: redirect("visits:visit_detail", pk=visit.pk),
        again=lambda: _visit_page(request, visit, done_form=form, status=400))


# --- contact duties ----------------------------------------------------------------------------------

def _duties_of(user):
    """Duties in the user's scope and those they are in charge of."""
    return selectors.with_last_contact(ContactDuty.objects.filter(
        Q(pk__in=ContactDuty.objects.restrict(user, VIEW).values("pk")) | Q(owner=user)))


def _contacts_page(request, *, bound=None, status=200):
    user, today = request.user, timezone.localdate()
    duties = _duties_of(user)
    overdue = selectors.overdue_duties(duties, today)
    late = {d.pk for d in overdue}
    rest = [d for d in duties.filter(active=True).order_by("person__name_pinyin", "pk") if d.pk not in late]
    for duty in rest:
        duty.due_on = selectors.duty_due_on(duty)
    bound = bound or {}
    manage = _may_manage(user)
    staff = selectors.staff_for(user).select_related("organization") if manage else None
    context = {"overdue": overdue, "duties": rest, "today": today, "may_manage": manage,
               "closed": duties.filter(active=False).order_by("-pk")[:RECENT],
               "log_form": ContactLogForm(initial={"date": today}),
               "reassign_form": ReassignForm(staff=staff) if manage else None,
               # The form that was refused, its messages shown above the lists.
               "refused": bound.get("log") or bound.get("reassign")}
    return render(request, "visits/contacts.html", context, status=status)


@login_required
@require_GET
def contacts(request):
    _require(request, VIEW)
    return _contacts_page(request)


@login_required
@require_http_methods(["GET", "POST"])
def duty_create(request):
    _require(request, MANAGE)
    user = request.user
    form = DutyForm(request.POST if request.method == "POST" else None, organizations=Organization.objects.restrict(user, MANAGE),
                    persons=selectors.persons_for(user), staff=selectors.staff_for(user).select_related("organization"),
                    initial={"organization": user.organization_id, "owner": user.pk, "cadence_days": 90})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            duty = services.duty_create(by=user, organization=data["organization"], person=data["person"],
                                        owner=data["owner"], cadence_days=data["cadence_days"],
                                        started_on=data.get("started_on"))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(owner)s keeps in touch with %(name)s.")
                             % {"owner": duty.owner.full_name or duty.owner.username, "name": duty.person.name})
            return redirect("visits:contacts")
    return render(request, "visits/duty_form.html", {"form": form}, status=400 if form.errors else 200)


def _duty_of(request, pk, action=VIEW) -> ContactDuty:
    rows = ContactDuty.objects.restrict(request.user, MANAGE) if action == MANAGE else _duties_of(request.user)
    duty = rows.select_related("person").filter(pk=pk).first()
    if duty is None:
        raise Http404
    return duty


@login_required
@require_POST
def contact_log(request, pk):
    _require(request, VIEW)
    duty = _duty_of(request, pk)
    form = ContactLogForm(request.POST)
    return form_step(
        request, form, lambda data: services.contact_log(by=request.user, duty=duty, date=data["date"],
                                                         mode=data["mode"], note=data["note"]),
        _("The contact with %(name)s was recorded.") % {"name": duty.person.name},
        done=lambda _log: redirect("visits:contacts"),
        again=lambda: _contacts_page(request, bound={"log": form}, status=400))


@login_required
@require_POST
def duty_reassign(request, pk):
    _require(request, MANAGE)
    duty = _duty_of(request, pk, MANAGE)
    form = ReassignForm(request.POST, staff=selectors.staff_for(request.user))
    return form_step(
        request, form, lambda data: services.duty_reassign(by=request.user, duty=duty, owner=data["owner"],
                                                           cadence_days=data["cadence_days"]),
        lambda duty: _("%(owner)s now keeps in touch with %(name)s.")
        % {"owner": duty.owner.full_name or duty.owner.username, "name": duty.person.name},
        done=lambda _duty: redirect("visits:contacts"),
        again=lambda: _contacts_page(request, bound={"reassign": form}, status=400))


@login_required
@require_POST
def duty_close(request, pk):
    _require(request, MANAGE)
    duty = _duty_of(request, pk, MANAGE)
    try:
        services.duty_close(by=request.user, duty=duty)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The contact duty for %(name)s was closed.") % {"name": duty.person.name})
    return redirect("visits:contacts")


# --- export -------------------------------------------------------------------------------------------

@login_required
@require_GET
def visits_export(request):
    _require(request, VIEW)
    user = request.user
    since, until, _form = _period(request)
    rows = []
    for v in selectors.visits_for(user).filter(date__gte=since, date__lte=until).prefetch_related("persons"):
        rows.append([v.date, v.team.name if v.team_id else "", v.organization.name, v.place,
                     v.county.name if v.county_id else "", v.enterprise, v.problem, v.advice,
                     "、".join(p.name for p in v.persons.all()), v.staff_present,
                     (v.followup_owner.full_name or v.followup_owner.username) if v.followup_owner_id else "",
                     v.followup_due or "", v.get_followup_status_display(), v.done_at or "", v.outcome])
    title = _("Expert service visits %(since)s to %(until)s") % {"since": since, "until": until}
    book = write_workbook(title=title, sheet_name=_("Visits"), headers=[
        _("visit date"), _("service team"), _("organisation"), _("place"), _("county served"),
        _("enterprise served"), _("problem found"), _("advice given"), _("experts who went"), _("staff present"),
        _("follow-up owner"), _("follow-up due"), _("follow-up"), _("follow-up done on"), _("outcome of the follow-up")], rows=rows)
    if user.organization_id:
        add_sheet(book, title=user.organization.name, sheet_name=_("Figures"), headers=[_("Figure"), _("Value")],
                  rows=figures(user.organization, since, until))
    audit_record(action="export", by=user, detail="visits export", new={"since": since, "until": until,
                                                                         "rows": len(rows)})
    return xlsx_response(book, f"{title}.xlsx")
