"""Volunteer pages. Staff: the team tree, a team with its members, opportunities with roles and
sign-ups, the phone-size check-in page, the queue of reported hours, a volunteer's record with
the certificate, and the hours report with its export. The volunteer (an external account linked
to a person record, or any signed-in account): open opportunities, sign-up and cancelling, the
hours report form, their hours and certificate. Every change goes through the services."""

import openpyxl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie.accounts.scope import require_page_code as _require
from kexie.core.excel import attachment_response, xlsx_response
from kexie.core.forms import form_step
from kexie.core.paging import paginate
from kexie.organizations.models import Organization

from . import selectors, services
from .certificates import certificate_pdf, period_of
from .forms import (
    CheckForm,
    DecideForm,
    HoursFilterForm,
    MemberForm,
    MyReportForm,
    OpportunityForm,
    PeriodForm,
    ReportForm,
    RoleForm,
    SignUpAddForm,
    TeamForm,
)
from .models import HoursStatus, Opportunity, OpportunityRole, OpportunityStatus, SignUp, SignUpStatus, VolunteerTeam

VIEW = selectors.VIEW
MANAGE = selectors.MANAGE


def _one(queryset, pk):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def _message(request, error: ValidationError):
    for text in error.messages:
        messages.error(request, text)


# --- teams ------------------------------------------------------------------------------------------

@login_required
@require_GET
def team_list(request):
    _require(request, VIEW)
    teams = [(team, depth, "　" * depth + ("└ " if depth else ""))
             for team, depth in selectors.team_tree(selectors.teams_for(request.user))]
    return render(request, "volunteers/teams.html", {
        "teams": teams, "may_manage": request.user.has_code(MANAGE),
        "n_volunteers": selectors.volunteers_for(request.user).count()})


def _team_form(request):
    user = request.user
    return TeamForm(request.POST or None, organizations=selectors.organizations_for(user),
                    teams=selectors.teams_for(user, MANAGE), persons=selectors.person_choices(user),
                    initial={"organization": user.organization_id})


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request):
    _require(request, MANAGE)
    form = _team_form(request)

    def run(data):
        data = dict(data)
        return services.team_create(by=request.user, organization=data.pop("organization"), data=data)

    def again(status=400):
        return render(request, "volunteers/team_form.html", {"form": form}, status=status)

    if request.method == "GET":
        return again(200)
    return form_step(request, form, run, lambda t: _("The team “%(name)s” was founded.") % {"name": t.name},
                     done=lambda t: redirect("volunteers:team", pk=t.pk), again=again)


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request, pk):
    _require(request, MANAGE)
    team = _one(selectors.teams_for(request.user, MANAGE), pk)
    user = request.user
    initial = {"name": team.name, "level": team.level, "parent": team.parent_id, "leader": team.leader_id,
               "founded_on": team.founded_on, "active": team.active}
    form = TeamForm(request.POST or None, organizations=None, teams=selectors.teams_for(user, MANAGE).exclude(
        pk=team.pk), persons=selectors.person_choices(user), editing=True, initial=initial)

    def again(status=400):
        return render(request, "volunteers/team_form.html", {"form": form, "team": team}, status=status)

    if request.method == "GET":
        return again(200)
    return form_step(request, form, lambda d: services.team_update(by=user, team=team, data=d),
                     _("The team was saved."), done=lambda t: redirect("volunteers:team", pk=t.pk), again=again)


@login_required
@require_GET
def volunteer_list(request):
    """The registered volunteers in the user's scope, found by name."""
    _require(request, VIEW)
    q = (request.GET.get("q") or "").strip()[:50]
    volunteers = selectors.volunteers_for(request.user).order_by("person__name", "pk")
    if q:
        volunteers = volunteers.filter(person__name__icontains=q)
    page = paginate(request, volunteers.prefetch_related("teams"), 50)
    return render(request, "volunteers/volunteers.html", {"page_obj": page, "q": q})


def _team_page(request, team, status=200, **forms):
    manage = request.user.has_code(MANAGE) and selectors.teams_for(request.user, MANAGE).filter(pk=team.pk).exists()
    context = {"team": team, "may_manage": manage, "members": selectors.members_of(team),
               "children": team.children.order_by("name"),
               "hours": selectors.total_hours(selectors.counted_hours(team=team))}
    context.update(forms)
    if manage:
        context.setdefault("member_form", MemberForm(persons=selectors.person_choices(request.user)))
    return render(request, "volunteers/team.html", context, status=status)


@login_required
@require_GET
def team_detail(request, pk):
    _require(request, VIEW)
    return _team_page(request, _one(selectors.teams_for(request.user), pk))


@login_required
@require_POST
def member_add(request, pk):
    _require(request, MANAGE)
    team = _one(selectors.teams_for(request.user, MANAGE), pk)
    form = MemberForm(request.POST, persons=selectors.person_choices(request.user))
    return form_step(request, form, lambda d: services.member_add(
        by=request.user, team=team, person=d["person"], joined_on=d["joined_on"], data=d),
        lambda m: _("%(name)s joined the team.") % {"name": m.volunteer.person.name},
        done=lambda _m: redirect("volunteers:team", pk=team.pk),
        again=lambda: _team_page(request, team, status=400, member_form=form))


# --- volunteers -------------------------------------------------------------------------------------

def _period(request):
    form = PeriodForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, period_of(data.get("since"), data.get("until"))


@login_required
@require_GET
def volunteer_detail(request, pk):
    _require(request, VIEW)
    profile = _one(selectors.volunteers_for(request.user), pk)
    form, (since, until) = _period(request)
    records = selectors.hours_for(request.user).filter(volunteer=profile)
    return render(request, "volunteers/volunteer.html", {
        "profile": profile, "form": form, "since": since, "until": until, "records": records[:200],
        "total": selectors.total_hours(selectors.counted_hours(volunteer=profile, since=since, until=until)),
        "memberships": profile.memberships.select_related("team"),
        "signups": SignUp.objects.restrict(request.user, VIEW).filter(volunteer=profile)
        .select_related("opportunity", "role").order_by("-opportunity__starts_at", "-pk")[:100],
        "query": request.GET.urlencode()})


def _certificate_response(profile, since, until):
    content = certificate_pdf(profile, since, until)
    return attachment_response(content, f"志愿服务时长证明-{profile.person.name}.pdf", content_type="application/pdf")


@login_required
@require_GET
def volunteer_certificate(request, pk):
    _require(request, VIEW)
    profile = _one(selectors.volunteers_for(request.user), pk)
    _form, (since, until) = _period(request)
    return _certificate_response(profile, since, until)


# --- opportunities ----------------------------------------------------------------------------------

@login_required
@require_GET
def opportunity_list(request):
    _require(request, VIEW)
    page = paginate(request, selectors.opportunities_for(request.user), 50)
    return render(request, "volunteers/opportunities.html", {"page_obj": page,
                                                             "may_manage": request.user.has_code(MANAGE)})


def _activities(user):
    from kexie.activities.models import Activity

    return Activity.objects.restrict(user, "activity.view").order_by("-starts_on", "pk")


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_create(request):
    _require(request, MANAGE)
    user = request.user
    form = OpportunityForm(request.POST or None, organizations=selectors.organizations_for(user),
                           teams=selectors.teams_for(user, MANAGE), activities=_activities(user),
                           initial={"organization": user.organization_id, "team": request.GET.get("team")})

    def run(data):
        data = dict(data)
        roles = data.pop("roles")
        return services.opportunity_create(by=user, organization=data.pop("organization"), data=data, roles=roles)

    def again(status=400):
        return render(request, "volunteers/opportunity_form.html", {"form": form}, status=status)

    if request.method == "GET":
        return again(200)
    return form_step(request, form, run, lambda o: _("The opportunity “%(title)s” was opened.") % {"title": o.title},
                     done=lambda o: redirect("volunteers:opportunity", pk=o.pk), again=again)


def _opportunity_page(request, opportunity, status=200, **forms):
    user = request.user
    manage = user.has_code(MANAGE) and selectors.opportunities_for(user, MANAGE).filter(pk=opportunity.pk).exists()
    context = {"opportunity": opportunity, "may_manage": manage, "roles": selectors.roles_with_counts(opportunity),
               "signups": opportunity.signups.select_related("volunteer__person", "role").order_by("status", "pk"),
               "hours": selectors.total_hours(selectors.counted_hours(opportunity.hours.all()))}
    context.update(forms)
    if manage:
        context.setdefault("role_form", RoleForm())
        context.setdefault("signup_form", SignUpAddForm(roles=opportunity.roles.all(),
                                                        persons=selectors.person_choices(user)))
    return render(request, "volunteers/opportunity.html", context, status=status)


@login_required
@require_GET
def opportunity_detail(request, pk):
    _require(request, VIEW)
    return _opportunity_page(request, _one(selectors.opportunities_for(request.user), pk))


@login_required
@require_POST
def role_add(request, pk):
    _require(request, MANAGE)
    opportunity = _one(selectors.opportunities_for(request.user, MANAGE), pk)
    form = RoleForm(request.POST)
    return form_step(request, form, lambda d: services.role_add(by=request.user, opportunity=opportunity,
                                                                name=d["name"], slots=d["slots"]),
                     _("The role was added."), done=lambda _r: redirect("volunteers:opportunity", pk=opportunity.pk),
                     again=lambda: _opportunity_page(request, opportunity, status=400, role_form=form))


@login_required
@require_POST
def signup_add(request, pk):
    _require(request, MANAGE)
    opportunity = _one(selectors.opportunities_for(request.user, MANAGE), pk)
    form = SignUpAddForm(request.POST, roles=opportunity.roles.all(), persons=selectors.person_choices(request.user))
    return form_step(request, form, lambda d: services.sign_up_add(
        by=request.user, opportunity=opportunity, role=d["role"], person=d["person"]),
        lambda s: _("%(name)s was signed up.") % {"name": s.volunteer.person.name},
        done=lambda _s: redirect("volunteers:opportunity", pk=opportunity.pk),
        again=lambda: _opportunity_page(request, opportunity, status=400, signup_form=form))


@login_required
@require_POST
def opportunity_status(request, pk):
    _require(request, MANAGE)
    opportunity = _one(selectors.opportunities_for(request.user, MANAGE), pk)
    try:
        services.opportunity_set_status(by=request.user, opportunity=opportunity, status=request.POST.get("status"))
    except ValidationError as error:
        _message(request, error)
        return _opportunity_page(request, opportunity, status=400)
    return redirect("volunteers:opportunity", pk=opportunity.pk)


@login_required
@require_POST
def signup_cancel(request, pk):
    _require(request, MANAGE)
    signup = _one(SignUp.objects.restrict(request.user, MANAGE), pk)
    try:
        services.sign_up_cancel(by=request.user, signup=signup)
    except ValidationError as error:
        _message(request, error)
        return _opportunity_page(request, signup.opportunity, status=400)
    messages.success(request, _("The sign-up was cancelled; the slot is free again."))
    return redirect("volunteers:opportunity", pk=signup.opportunity_id)


# --- check-in (phone size) --------------------------------------------------------------------------

def _checkin_page(request, opportunity, status=200, error=None):
    signups = opportunity.signups.filter(status=SignUpStatus.ACTIVE).select_related(
        "volunteer__person", "role", "hours").order_by("volunteer__person__name", "pk")
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    return render(request, "volunteers/checkin.html", {"opportunity": opportunity, "signups": signups,
                                                       "now": now, "error": error}, status=status)


@login_required
@require_GET
def checkin(request, pk):
    _require(request, MANAGE)
    return _checkin_page(request, _one(selectors.opportunities_for(request.user, MANAGE), pk))


@login_required
@require_POST
def check(request, pk):
    """Check one signed-up volunteer in or out (``action``: in/out; ``at``: the time, default now)."""
    _require(request, MANAGE)
    signup = _one(SignUp.objects.restrict(request.user, MANAGE).select_related("opportunity"), pk)
    form = CheckForm(request.POST)
    action = request.POST.get("action")
    try:
        if not form.is_valid():
            raise ValidationError({"at": _("Enter the time as shown, e.g. 2026-09-20 09:30.")})
        run = services.check_out if action == "out" else services.check_in
        run(by=request.user, signup=signup, at=form.cleaned_data.get("at"))
    except ValidationError as error:
        return _checkin_page(request, signup.opportunity, status=400,
                             error=(signup.pk, " ".join(error.messages)))
    return redirect(f"{reverse('volunteers:checkin', kwargs={'pk': signup.opportunity_id})}#signup-{signup.pk}")


# --- hours approval ---------------------------------------------------------------------------------

@login_required
@require_GET
def hours_queue(request):
    _require(request, VIEW)
    form = HoursFilterForm(request.GET or None)
    status = (form.cleaned_data.get("status") if form.is_valid() else None)
    if status is None:
        status = HoursStatus.PENDING
    records = selectors.hours_for(request.user)
    if status:
        records = records.filter(status=status)
    page = paginate(request, records.order_by("created_at", "pk") if status == HoursStatus.PENDING else records, 50)
    return render(request, "volunteers/hours.html", {
        "form": form, "page_obj": page, "status": status, "decide_form": DecideForm(),
        "manageable": set(selectors.hours_for(request.user, MANAGE).filter(
            pk__in=[r.pk for r in page.object_list]).values_list("pk", flat=True))})


@login_required
@require_POST
def hours_decide(request, pk):
    _require(request, MANAGE)
    record = _one(selectors.hours_for(request.user, MANAGE), pk)
    form = DecideForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"decision": _("Choose to approve or return the hours.")})
        services.hours_decide(by=request.user, record=record, approve=form.cleaned_data["decision"] == "approve",
                              reason=form.cleaned_data["reason"])
    except ValidationError as error:
        _message(request, error)
        return redirect("volunteers:hours")
    messages.success(request, _("The hours were approved.") if form.cleaned_data["decision"] == "approve"
                     else _("The hours were returned."))
    return redirect("volunteers:hours")


# --- report -----------------------------------------------------------------------------------------

def report_data(request):
    """The report's form, grouping, records (scoped, counted, filtered) and summary: the page and
    the export both come from here."""
    user = request.user
    form = ReportForm(request.GET or None, organizations=Organization.objects.restrict(user, VIEW),
                      teams=selectors.teams_for(user), persons=selectors.person_choices(user))
    data = form.cleaned_data if form.is_valid() else {}
    volunteer = None
    if data.get("person") is not None:
        volunteer = selectors.volunteers_for(user).filter(person=data["person"]).first() or -1
    records = selectors.counted_hours(selectors.hours_for(user), organization=data.get("org"), team=data.get("team"),
                                      volunteer=volunteer, since=data.get("since"), until=data.get("until"))
    group = data.get("group") or "volunteer"
    return form, group, selectors.hours_summary(records, group)


GROUP_HEADERS = {"volunteer": "志愿者", "team": "志愿服务队", "organization": "组织"}


@login_required
@require_GET
def report(request):
    _require(request, VIEW)
    form, group, summary = report_data(request)
    return render(request, "volunteers/report.html", {"form": form, "group": group, "summary": summary,
                                                      "query": request.GET.urlencode()})


@login_required
@require_GET
def report_export(request):
    _require(request, VIEW)
    _form, group, summary = report_data(request)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "志愿服务时长"
    sheet.append([GROUP_HEADERS[group], "服务记录数", "志愿者人数", "服务时长（小时）"])
    for row in summary["rows"]:
        sheet.append([row["name"] or "（未指定）", row["records"], row["volunteers"], float(row["hours"])])
    sheet.append(["合计", summary["records"], summary["volunteers"], float(summary["total"])])
    return xlsx_response(book, "志愿服务时长统计.xlsx")


# --- the volunteer's own pages ----------------------------------------------------------------------

@login_required
@require_GET
def board(request):
    """Opportunities open for sign-up, each role with its free slots."""
    opportunities = list(selectors.open_opportunities()[:100])
    for opportunity in opportunities:
        opportunity.role_list = selectors.roles_with_counts(opportunity)
    mine = set(selectors.my_signups(request.user).filter(status=SignUpStatus.ACTIVE)
               .values_list("opportunity_id", flat=True))
    return render(request, "volunteers/board.html", {"opportunities": opportunities, "mine": mine,
                                                     "linked": services.person_of(request.user) is not None})


@login_required
@require_POST
def my_signup(request, pk):
    role = _one(OpportunityRole.objects.filter(opportunity__status=OpportunityStatus.OPEN), pk)
    try:
        services.sign_up_mine(by=request.user, role=role)
    except ValidationError as error:
        _message(request, error)
        return redirect("volunteers:board")
    messages.success(request, _("You signed up for “%(title)s” as %(role)s.")
                     % {"title": role.opportunity.title, "role": role.name})
    return redirect("volunteers:mine")


@login_required
@require_POST
def my_cancel(request, pk):
    signup = _one(selectors.my_signups(request.user), pk)
    try:
        services.cancel_mine(by=request.user, signup=signup)
    except ValidationError as error:
        _message(request, error)
    else:
        messages.success(request, _("Your sign-up was cancelled."))
    return redirect("volunteers:mine")


@login_required
@require_GET
def mine(request):
    """The volunteer's sign-ups, hours (counted and awaiting approval) and certificate."""
    profile = selectors.profile_of(request.user)
    form, (since, until) = _period(request)
    total = selectors.total_hours(selectors.counted_hours(volunteer=profile, since=since, until=until)) \
        if profile else selectors.ZERO
    return render(request, "volunteers/mine.html", {
        "profile": profile, "linked": services.person_of(request.user) is not None,
        "signups": selectors.my_signups(request.user)[:100], "records": selectors.my_hours(request.user)[:200],
        "form": form, "since": since, "until": until, "total": total, "query": request.GET.urlencode(),
        "all_time": selectors.total_hours(selectors.counted_hours(volunteer=profile)) if profile else selectors.ZERO})


@login_required
@require_GET
def my_certificate(request):
    profile = selectors.profile_of(request.user)
    if profile is None:
        raise Http404
    _form, (since, until) = _period(request)
    return _certificate_response(profile, since, until)


@login_required
@require_http_methods(["GET", "POST"])
def my_report(request):
    profile = selectors.profile_of(request.user)
    signups = selectors.my_signups(request.user).filter(status=SignUpStatus.ACTIVE, checked_out_at__isnull=True)
    form = MyReportForm(request.POST or None,
                        opportunities=Opportunity.objects.filter(pk__in=signups.values("opportunity_id")),
                        teams=profile.teams.all() if profile else VolunteerTeam.objects.none(),
                        initial={"served_on": timezone.localdate()})

    def again(status=400):
        return render(request, "volunteers/my_report.html", {"form": form, "profile": profile}, status=status)

    if request.method == "GET":
        return again(200)
    return form_step(request, form, lambda d: services.hours_report(
        by=request.user, served_on=d["served_on"], hours=d["hours"], note=d["note"], opportunity=d["opportunity"],
        team=d["team"]), _("Your hours were reported; they count once approved."),
        done=lambda _r: redirect("volunteers:mine"), again=again)
