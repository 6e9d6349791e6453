"""Demand pages of the association staff: the demands in the user's scope with filters, recording
a demand, one demand's page with the step that applies in its status (accept, return with a
reason or merge a duplicate; match experts and release the shortlist; publish the open call,
check the applications, start the panel review and choose the team; report and accept the
milestones). Every change goes through the services; the pages only collect input and show the
services' refusals.

The enterprise's and the open-call board's pages are in ``views_enterprise``, the funnel in
``views_funnel``."""

import openpyxl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie.accounts.models import User, UserKind
from kexie.accounts.scope import require_page_code as _require
from kexie.core.excel import MAX_ROWS, escape_cell, xlsx_response
from kexie.core.paging import paginate
from kexie.core.forms import apply_service_errors, form_step
from kexie.organizations.models import Organization, OrganizationClosure
from kexie.people.codes import industry_name
from kexie.people.models import ExpertLibrary

from . import selectors, services
from kexie.stations.models import Station

from .forms import (CheckForm, ChooseForm, DemandForm, FilterForm, LibraryForm, MergeForm,
                    MilestoneAcceptForm, MilestoneReportForm, NamedStaffForm, PublishForm, ReasonForm, ReleaseForm)
from .models import Application, ApplicationStatus, DemandMilestone, DemandStatus, Route

VIEW, SUBMIT, MANAGE = "demand.view", "demand.submit", "demand.manage"
# A demand in one of these is finished with triage: nothing can be merged into it.
_NOT_A_MERGE_TARGET = (DemandStatus.RETURNED, DemandStatus.MERGED, DemandStatus.CLOSED)


def _demand_of(request, pk):
    demand = selectors.demands_visible(request.user).filter(pk=pk).select_related(
        "organization", "merged_into", "review_round", "submitted_by", "station").first()
    if demand is None:
        raise Http404
    return demand


def _libraries(user):
    return ExpertLibrary.objects.restrict(user, "expert.view").select_related("organization")


def _release_choices(demand) -> list[tuple[str, str]]:
    return [(str(c.pk), f"{c.person.name}（{c.score:.2f}）")
            for c in demand.candidates.filter(excluded=False, released=False).select_related("person")]


def _merge_targets(user, demand):
    return selectors.demands_visible(user).exclude(pk=demand.pk).exclude(status__in=_NOT_A_MERGE_TARGET)


def _choosable(demand):
    return demand.applications.filter(status=ApplicationStatus.ELIGIBLE)


def _filtered(request):
    """The demands in the user's scope narrowed by the list's filters, with the filter form."""
    form = FilterForm(request.GET or None, statuses=DemandStatus.choices, routes=Route.choices)
    rows = selectors.demands_visible(request.user).select_related("organization", "station")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            rows = rows.filter(Q(title__icontains=data["q"]) | Q(enterprise_name__icontains=data["q"])
                               | Q(field__icontains=data["q"]))
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["route"]:
            rows = rows.filter(route=data["route"])
        if data["industry"]:
            rows = rows.filter(industry=data["industry"])
    return form, rows


@login_required
@require_GET
def demand_list(request):
    _require(request, VIEW)
    form, rows = _filtered(request)
    page = paginate(request, rows, 50)
    for row in page.object_list:
        row.industry_label = industry_name(row.industry)
    return render(request, "demands/list.html", {
        "page_obj": page, "demands": page.object_list, "filter_form": form,
        "may_create": request.user.has_code(SUBMIT), "query": request.GET.urlencode()})


def _station_label(station) -> str:
    return f"{station.get_type_display()} · {station.name}" if station else ""


@login_required
@require_GET
def demand_list_export(request):
    """The list as filtered, as a workbook: one row a demand, with the station that collected it."""
    _require(request, VIEW)
    _form, rows = _filtered(request)
    rows = rows[:MAX_ROWS]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "技术需求"
    sheet.append([pgettext("demand", "Demand title"), _("Enterprise"), _("Holding association"),
                  _("Collected by station"), _("Industry (GB/T 4754)"), _("Route"), _("Status"), _("Received")])
    for d in rows.iterator(chunk_size=500):
        sheet.append([escape_cell(value) for value in (
            d.title, d.enterprise_name, d.organization.name, _station_label(d.station), d.industry,
            d.get_route_display(), d.get_status_display(), timezone.localtime(d.received_at).strftime("%Y-%m-%d"))])
    return xlsx_response(book, "技术需求.xlsx")


def _colleagues(user):
    """The staff a confidential demand may be shown to: active staff of the user's organisation,
    of the organisations above it (who take demands up) and of those in the user's scope."""
    above = OrganizationClosure.objects.filter(descendant_id=user.organization_id).values("ancestor_id")
    orgs = Q(organization__in=above) | Q(organization__in=Organization.objects.restrict(user, SUBMIT))
    return User.objects.filter(orgs, kind=UserKind.STAFF, is_active=True).exclude(pk=user.pk).select_related(
        "organization").order_by("organization__depth", "full_name")


def _stations(organizations):
    """The stations a demand recorded for one of ``organizations`` may have been collected by:
    those registered with them, by type and name."""
    return Station.objects.filter(organization__in=organizations).order_by("type", "name")


def _nameable(demand, user):
    """The staff who may be named on a confidential demand: active staff of the holding
    association and of the associations below it (the services keep those who may view demands),
    and the manager acting."""
    below = OrganizationClosure.objects.filter(ancestor_id=demand.organization_id).values("descendant_id")
    return User.objects.filter(Q(organization__in=below) | Q(pk=user.pk), kind=UserKind.STAFF,
                               is_active=True).select_related("organization").order_by("organization__depth",
                                                                                       "full_name")


@login_required
@require_http_methods(["GET", "POST"])
def demand_create(request):
    _require(request, SUBMIT)
    organizations = Organization.objects.restrict(request.user, SUBMIT)
    form = DemandForm(request.POST or None, organizations=organizations, staff=_colleagues(request.user),
                      stations=_stations(organizations), initial={"organization": request.user.organization_id})
    if request.method == "POST" and form.is_valid():
        try:
            demand = services.demand_create(by=request.user, organization=form.cleaned_data["organization"],
                                            data=form.demand_data(), milestones=form.milestones())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The demand was recorded."))
            return redirect("demands:detail", pk=demand.pk)
    return render(request, "demands/form.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def _detail(request, demand, status=200, **forms):
    """The demand's page; ``forms``: bound forms that failed, shown with their errors in place
    (the page then answers 400)."""
    user = request.user
    manage = user.has_code(MANAGE)
    context = {
        "demand": demand, "industry_name": industry_name(demand.industry),
        "may_manage": manage, "may_submit": user.has_code(SUBMIT),
        "milestones": demand.milestones.select_related("accepted_by"),
        "candidates": demand.candidates.select_related("person"),
        "applications": demand.applications.all(),
        "merged": demand.merged_demands.all(),
        "named_staff": demand.named_staff.select_related("organization").order_by("full_name")
        if demand.confidential else (),
        "report_form": MilestoneReportForm(), "accept_form": MilestoneAcceptForm(),
    }
    if manage:
        libraries = _libraries(user)
        own = libraries.filter(organization=demand.organization).first()
        initial = {"library": own.pk} if own else None
        context.update({
            "return_form": forms.get("return_form") or ReasonForm(),
            "merge_form": forms.get("merge_form") or MergeForm(demands=_merge_targets(user, demand)),
            "match_form": forms.get("match_form") or LibraryForm(libraries=libraries, initial=initial),
            "release_form": forms.get("release_form") or ReleaseForm(choices=_release_choices(demand)),
            "publish_form": forms.get("publish_form") or PublishForm(),
            "review_form": forms.get("review_form") or LibraryForm(libraries=libraries, initial=initial),
            "choose_form": forms.get("choose_form") or ChooseForm(applications=_choosable(demand)),
        })
        if demand.confidential:
            context["staff_form"] = forms.get("staff_form") or NamedStaffForm(
                staff=_nameable(demand, user), initial={"named_staff": [u.pk for u in demand.named_staff.all()]})
    context["failed"] = forms
    return render(request, "demands/detail.html", context, status=400 if forms else status)


@login_required
@require_GET
def demand_detail(request, pk):
    _require(request, VIEW)
    return _detail(request, _demand_of(request, pk))


def _form_step(request, demand, name: str, form, run, success, then=None):
    """Run one step of the demand page from ``form``: its input through ``run`` (the service
    call); a refusal goes back on the page next to the form ``name`` (400, nothing saved), a
    success redirects to the demand (or to ``then(result)``) with its message."""
    return form_step(request, form, run, success,
                     done=lambda result: redirect(then(result)) if then else redirect("demands:detail", pk=demand.pk),
                     again=lambda: _detail(request, demand, **{name: form}))


def _manage(request, pk):
    _require(request, MANAGE)
    return _demand_of(request, pk)


@login_required
@require_POST
def demand_accept(request, pk):
    demand = _manage(request, pk)
    try:
        services.demand_accept(by=request.user, demand=demand)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The demand was accepted."))
    return redirect("demands:detail", pk=demand.pk)


@login_required
@require_POST
def demand_return(request, pk):
    demand = _manage(request, pk)
    return _form_step(request, demand, "return_form", ReasonForm(request.POST), lambda d: services.demand_return(
        by=request.user, demand=demand, reason=d["reason"]), _("The demand was returned with the reason."))


@login_required
@require_POST
def demand_merge(request, pk):
    demand = _manage(request, pk)
    form = MergeForm(request.POST, demands=_merge_targets(request.user, demand))
    return _form_step(request, demand, "merge_form", form, lambda d: services.demand_merge(
        by=request.user, demand=demand, into=d["into"]),
        lambda _result: _("The demand was merged into “%(title)s”.") % {"title": form.cleaned_data["into"].title})


@login_required
@require_POST
def demand_match(request, pk):
    demand = _manage(request, pk)
    form = LibraryForm(request.POST, libraries=_libraries(request.user))
    return _form_step(request, demand, "match_form", form, lambda d: services.demand_match(
        by=request.user, demand=demand, library=d["library"]),
        lambda rows: _("%(n)s experts were matched; release the shortlist to the enterprise.") % {"n": len(rows)})


@login_required
@require_POST
def candidates_release(request, pk):
    demand = _manage(request, pk)
    form = ReleaseForm(request.POST, choices=_release_choices(demand))
    return _form_step(request, demand, "release_form", form, lambda d: services.candidates_release(
        by=request.user, demand=demand, candidate_ids=[int(v) for v in d["candidates"]]),
        _("The shortlist was released to the enterprise."))


@login_required
@require_POST
def demand_set_staff(request, pk):
    demand = _manage(request, pk)
    form = NamedStaffForm(request.POST, staff=_nameable(demand, request.user))
    return _form_step(request, demand, "staff_form", form, lambda d: services.demand_set_staff(
        by=request.user, demand=demand, users=d["named_staff"]), _("The staff who may see the demand were changed."),
        # Whoever took themselves off no longer sees the demand: back to the list.
        then=lambda _d: reverse("demands:detail", args=[demand.pk])
        if selectors.demands_visible(request.user).filter(pk=demand.pk).exists() else reverse("demands:list"))


@login_required
@require_POST
def demand_publish(request, pk):
    demand = _manage(request, pk)
    return _form_step(request, demand, "publish_form", PublishForm(request.POST), lambda d: services.demand_publish(
        by=request.user, demand=demand, apply_until=d["apply_until"], reward=d["reward"]),
        _("The open call is published on the board."))


@login_required
@require_POST
def application_check(request, pk):
    _require(request, MANAGE)
    application = Application.objects.filter(
        demand__in=selectors.demands_visible(request.user), pk=pk).select_related("demand").first()
    if application is None:
        raise Http404
    form = CheckForm(request.POST)
    if not form.is_valid():
        return _detail(request, application.demand, check_form=form, check_application=application.pk)
    try:
        services.application_check(by=request.user, application=application, eligible=form.cleaned_data["eligible"],
                                   reason=form.cleaned_data["reason"])
    except ValidationError as error:
        apply_service_errors(form, error)
        return _detail(request, application.demand, check_form=form, check_application=application.pk)
    messages.success(request, _("%(team)s: the formal check was recorded.") % {"team": application.team_name})
    return redirect("demands:detail", pk=application.demand_id)


@login_required
@require_POST
def review_start(request, pk):
    demand = _manage(request, pk)
    form = LibraryForm(request.POST, libraries=_libraries(request.user))
    return _form_step(request, demand, "review_form", form, lambda d: services.review_start(
        by=request.user, demand=demand, library=d["library"]),
        _("The review round was created; draw the panel and score in its workspace."),
        then=lambda review_round: reverse("panels:detail", kwargs={"pk": review_round.pk}))


@login_required
@require_POST
def application_choose(request, pk):
    demand = _manage(request, pk)
    form = ChooseForm(request.POST, applications=_choosable(demand))
    return _form_step(request, demand, "choose_form", form, lambda d: services.application_choose(
        by=request.user, application=d["application"], amount=d["amount"]),
        lambda _result: _("%(team)s was chosen; the contract is recorded.")
        % {"team": form.cleaned_data["application"].team_name})


def _milestone_of(request, pk) -> DemandMilestone:
    milestone = DemandMilestone.objects.filter(
        demand__in=selectors.demands_visible(request.user), pk=pk).select_related("demand").first()
    if milestone is None:
        raise Http404
    return milestone


@login_required
@require_POST
def milestone_report(request, pk):
    _require(request, SUBMIT)
    milestone = _milestone_of(request, pk)
    form = MilestoneReportForm(request.POST)
    return form_step(
        request, form, lambda data: services.milestone_report(by=request.user, milestone=milestone,
                                                              report=data["report"]),
        _("The report of “%(title)s” was filed.") % {"title": milestone.title},
        done=lambda _milestone: redirect("demands:detail", pk=milestone.demand_id),
        again=lambda: _detail(request, milestone.demand, milestone_form=form, milestone_row=milestone.pk))


@login_required
@require_POST
def milestone_accept(request, pk):
    _require(request, MANAGE)
    milestone = _milestone_of(request, pk)
    form = MilestoneAcceptForm(request.POST)
    return form_step(
        request, form, lambda data: services.milestone_accept(by=request.user, milestone=milestone,
                                                              accept=data["accept"], note=data["note"]),
        lambda _result: (_("“%(title)s” was accepted.") if form.cleaned_data["accept"]
                         else _("“%(title)s” was returned.")) % {"title": milestone.title},
        done=lambda _result: redirect("demands:detail", pk=milestone.demand_id),
        again=lambda: _detail(request, milestone.demand, milestone_form=form, milestone_row=milestone.pk))
