"""The pages an enterprise contact reaches from an external account — its own demands (and the
expert shortlist its association released), filing a new demand to the association it picks —
and the open-call board every signed-in person reaches: the published calls open for
applications, one call, and the application of a team (揭榜); then the team's own applications,
where the chosen team reports its milestones.

An external account sees only the demands it filed (any other is not found), and the board shows
only what ``selectors.board`` gives: never a confidential or unpublished demand."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie.core.forms import apply_service_errors, form_step
from kexie.people.codes import industry_name

from . import selectors, services
from .forms import ApplicationForm, BoardSearchForm, EnterpriseDemandForm, MilestoneReportForm
from .models import Application, ApplicationStatus, Demand, DemandMilestone


def _receivers():
    """The public intake list (county, city and park associations), each labelled with its parent."""
    return selectors.intake_organizations().select_related("parent").order_by("parent__name", "name")


def _own(request):
    """The demands the signed-in account filed itself."""
    return Demand.objects.filter(submitted_by=request.user)


@login_required
@require_GET
def my_demands(request):
    demands = _own(request).select_related("organization")
    return render(request, "demands/mine.html", {"demands": demands})


@login_required
@require_http_methods(["GET", "POST"])
def my_new(request):
    form = EnterpriseDemandForm(request.POST or None, organizations=_receivers(),
                                initial={"contact_name": request.user.full_name,
                                         "contact_phone": getattr(request.user, "mobile", "")})
    if request.method == "POST" and form.is_valid():
        try:
            demand = services.demand_create(by=request.user, organization=form.cleaned_data["organization"],
                                            data=form.demand_data(), milestones=form.milestones())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your demand was sent to %(org)s.") % {"org": demand.organization.name})
            return redirect("demands:my_detail", pk=demand.pk)
    return render(request, "demands/my_form.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def my_detail(request, pk):
    demand = _own(request).filter(pk=pk).select_related("organization").first()
    if demand is None:
        raise Http404
    return render(request, "demands/my_detail.html", {
        "demand": demand, "industry_name": industry_name(demand.industry), "milestones": demand.milestones.all(),
        "shortlist": demand.candidates.filter(released=True, excluded=False).select_related("person")})


@login_required
@require_GET
def board(request):
    form = BoardSearchForm(request.GET or None)
    calls = selectors.board(request.user).select_related("organization")
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"]
        calls = calls.filter(Q(title__icontains=q) | Q(field__icontains=q) | Q(enterprise_name__icontains=q)
                             | Q(problem__icontains=q) | Q(industry__iexact=q))
    calls = list(calls)
    for call in calls:
        call.industry_label = industry_name(call.industry)
    return render(request, "demands/board.html", {"calls": calls, "form": form})


def _call_of(request, pk) -> Demand:
    call = selectors.board(request.user).filter(pk=pk).select_related("organization").first()
    if call is None:
        raise Http404
    return call


@login_required
@require_GET
def board_detail(request, pk):
    call = _call_of(request, pk)
    return render(request, "demands/board_detail.html", {
        "call": call, "industry_name": industry_name(call.industry), "milestones": call.milestones.all(),
        "mine": call.applications.filter(applicant=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def apply(request, pk):
    call = _call_of(request, pk)
    form = ApplicationForm(request.POST or None, initial={"lead_name": request.user.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(by=request.user, demand=call, data=form.application_data())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your team's application was submitted."))
            return redirect("demands:board_detail", pk=call.pk)
    return render(request, "demands/apply.html", {"call": call, "form": form},
                  status=400 if request.method == "POST" else 200)


def _my_applications(request, status=200, failed=None):
    """The account's own applications, newest first; a chosen one with its demand's milestones.
    ``failed``: (milestone pk, bound report form) of a report refused, shown on its row."""
    applications = list(Application.objects.filter(applicant=request.user).select_related(
        "demand", "demand__organization").order_by("-submitted_at", "-pk"))
    for application in applications:
        application.milestones = (list(application.demand.milestones.all())
                                  if application.status == ApplicationStatus.CHOSEN else [])
    failed_row, failed_form = failed or (None, None)
    return render(request, "demands/my_applications.html", {
        "applications": applications, "failed_row": failed_row, "failed_form": failed_form}, status=status)


@login_required
@require_GET
def my_applications(request):
    return _my_applications(request)


@login_required
@require_POST
def team_report(request, pk):
    """The chosen team reports one of its demand's milestones (any other milestone: not found)."""
    milestone = DemandMilestone.objects.filter(
        pk=pk, demand__applications__status=ApplicationStatus.CHOSEN,
        demand__applications__applicant=request.user.pk).first()
    if milestone is None:
        raise Http404
    form = MilestoneReportForm(request.POST)
    return form_step(
        request, form, lambda data: services.milestone_report(by=request.user, milestone=milestone,
                                                              report=data["report"]),
        _("The report of “%(title)s” was filed.") % {"title": milestone.title},
        done=lambda _milestone: redirect("demands:my_applications"),
        again=lambda: _my_applications(request, status=400, failed=(milestone.pk, form)))
