"""Award call pages: the calls in the user's scope, one call's page with what can be done at its
stage (channels, opening, the formal check, the review, the notice, the winners, 托举 follow-ups),
the nomination page of a channel organisation, and an Excel list of the nominations. Every change
goes through the services; the pages only collect input and show the services' refusals."""


import openpyxl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie.accounts.scope import require_page_code as _require
from kexie.core.excel import xlsx_response
from kexie.core.paging import paginate
from kexie.core.forms import apply_service_errors, form_step
from kexie.organizations.models import Organization
from kexie.people.models import ExpertLibrary

from . import selectors, services
from .forms import (CallForm, ChannelForm, FollowupReviewForm, FollowupsPlanForm, FollowupSubmitForm, NominateForm,
                    NoticeForm, RejectForm, ReviewStartForm, WinnersForm)
from .models import CallKind, CallStatus, FollowUp, Nomination, NominationStatus

VIEW = selectors.VIEW
MANAGE = services.MANAGE
NOMINATE = services.NOMINATE


def _call_of(request, pk, action=VIEW):
    calls = selectors.calls_run_by(request.user) if action == MANAGE else selectors.calls_for(request.user, action)
    call = calls.filter(pk=pk).first()
    if call is None:
        raise Http404
    return call


def _refusal(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_GET
def call_list(request):
    _require(request, VIEW)
    page = paginate(request, selectors.calls_for(request.user, VIEW), 50)
    return render(request, "awards/list.html", {"page_obj": page, "calls": page.object_list,
                                                "may_create": request.user.has_code(MANAGE)})


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request):
    _require(request, MANAGE)
    organizations = Organization.objects.restrict(request.user, MANAGE)
    form = CallForm(request.POST or None, organizations=organizations,
                    initial={"organization": request.user.organization_id, "kind": CallKind.YOUTH})
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(by=request.user, organization=form.cleaned_data["organization"],
                                        data=form.call_data())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The call was created; now set its nominating channels."))
            return redirect("awards:detail", pk=call.pk)
    return render(request, "awards/call_form.html", {"form": form})


def _winner_choices(call, ranking) -> list[tuple[str, str]]:
    return [(str(r["nomination"].pk), f"{r['rank']}. {r['nomination'].nominee.name}（{r['score']}）")
            for r in ranking if r["nomination"] is not None]


def _detail(request, call, status=200, **forms):
    """The call page; ``forms``: bound forms that failed, shown with their errors in place."""
    user = request.user
    nominations = selectors.nominations_for(user, call, VIEW).prefetch_related("materials", "recommenders")
    manage = user.has_code(MANAGE) and selectors.calls_run_by(user).filter(pk=call.pk).exists()
    ranking = selectors.call_ranking(call)
    context = {
        "call": call, "channels": call.channels.select_related("organization"), "ranking": ranking,
        "ranked": selectors.is_ranked(call),
        "winners": nominations.filter(status=NominationStatus.WINNER), "may_manage": manage,
        "may_nominate": call.status == CallStatus.OPEN and bool(selectors.nominating_channels(user, call)),
    }
    rows = list(nominations)
    if manage and call.status == CallStatus.FORMAL_CHECK:
        for n in rows:
            n.preview_reasons = selectors.eligibility_reasons(n) if n.status == NominationStatus.SUBMITTED else []
    context["nominations"] = rows
    if manage:
        organizations = Organization.objects.restrict(user, MANAGE)
        # ?channel=<pk> fills the form with that channel, to change its kind or quota.
        editing = call.channels.filter(pk=request.GET["channel"]).first() \
            if request.GET.get("channel", "").isdigit() else None
        context["channel_form"] = forms.get("channel_form") or ChannelForm(organizations=organizations, initial={
            "organization": editing.organization_id, "kind": editing.kind, "quota": editing.quota} if editing else None)
        context["reject_form"] = RejectForm()
        context["notice_form"] = forms.get("notice_form") or NoticeForm()
        top = request.GET.get("top", "1")
        top = int(top) if top.isdigit() else 1
        context["top"] = top
        context["winners_form"] = forms.get("winners_form") or WinnersForm(
            choices=_winner_choices(call, ranking),
            initial={"winners": [str(r["nomination"].pk) for r in ranking if r["nomination"] and r["rank"] <= top]})
        context["plan_form"] = forms.get("plan_form") or FollowupsPlanForm()
        context["review_note_form"] = FollowupReviewForm()
    context["followups"] = FollowUp.objects.filter(nomination__in=[n.pk for n in rows]).select_related(
        "person", "nomination__channel__organization")
    context["may_report"] = user.has_code(NOMINATE)
    context["report_form"] = FollowupSubmitForm()
    context["is_lift"] = call.kind == CallKind.LIFT
    return render(request, "awards/detail.html", context, status=status)


@login_required
@require_GET
def call_detail(request, pk):
    _require(request, VIEW)
    return _detail(request, _call_of(request, pk))


@login_required
@require_POST
def channel_set(request, pk):
    _require(request, MANAGE)
    call = _call_of(request, pk, MANAGE)
    form = ChannelForm(request.POST, organizations=Organization.objects.restrict(request.user, MANAGE))
    return _form_step(request, call, "channel_form", form, lambda d: services.channel_set(
        by=request.user, call=call, organization=d["organization"], quota=d["quota"], kind=d["kind"]),
        lambda channel: _("The channel “%(org)s” was saved with %(quota)s places.")
        % {"org": channel.organization, "quota": channel.quota})


def _form_step(request, call, name: str, form, run, success):
    """Run one step of the call page from ``form``: its input through ``run`` (the service call);
    a refusal goes back on the page next to the form ``name`` (nothing saved), a success
    redirects to the call with its message (``success``: text, or a function of the result)."""
    return form_step(request, form, run, success, done=lambda _result: redirect("awards:detail", pk=call.pk),
                     again=lambda: _detail(request, call, **{name: form}))


def _step(request, pk, action, success: str):
    """A button with no fields (open the call, close nominations): the service's refusal is shown
    as a message on the call page."""
    _require(request, MANAGE)
    call = _call_of(request, pk, MANAGE)
    try:
        action(by=request.user, call=call)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, success)
    return redirect("awards:detail", pk=call.pk)


@login_required
@require_POST
def call_open(request, pk):
    return _step(request, pk, services.call_open, _("The call is open for nominations."))


@login_required
@require_POST
def formal_close(request, pk):
    return _step(request, pk, services.formal_close, _("Nominations are closed; the formal check can start."))


@login_required
@require_POST
def formal_check(request, pk):
    _require(request, MANAGE)
    nomination = get_object_or_404(Nomination.objects.select_related("nominee").filter(
        call__in=selectors.calls_run_by(request.user)), pk=pk)
    reason = ""
    if request.POST.get("reject"):
        form = RejectForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the reason for rejecting %(name)s.") % {"name": nomination.nominee.name})
            return redirect("awards:detail", pk=nomination.call_id)
        reason = form.cleaned_data["reason"]
    try:
        nomination = services.formal_check(by=request.user, nomination=nomination, reject_reason=reason)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("%(name)s: %(status)s.") % {"name": nomination.nominee.name,
                                                                 "status": nomination.get_status_display()})
    return redirect("awards:detail", pk=nomination.call_id)


@login_required
@require_http_methods(["GET", "POST"])
def nominate(request, pk):
    _require(request, NOMINATE)
    call = _call_of(request, pk, NOMINATE)
    channels = selectors.nominating_channels(request.user, call)
    organizations = Organization.objects.filter(pk__in=[c.organization_id for c in channels])
    titles = next((r.get("titles", []) for r in call.rules or () if r.get("rule") == "materials"), [])
    form = NominateForm(request.POST or None, request.FILES or None, organizations=organizations,
                        persons=selectors.nominee_choices(request.user, organizations), material_titles=titles,
                        initial={"organization": channels[0].organization_id} if channels else None)
    if request.method == "POST" and form.is_valid():
        try:
            nomination = services.nominate(by=request.user, call=call, organization=form.cleaned_data["organization"],
                                           nominee=form.nominee(), recommenders=form.recommenders(),
                                           materials=form.materials(), summary=form.cleaned_data["summary"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was nominated.") % {"name": nomination.nominee.name})
            return redirect("awards:detail", pk=call.pk)
    return render(request, "awards/nominate.html", {
        "call": call, "form": form, "channels": channels, "open": call.status == CallStatus.OPEN})


@login_required
@require_http_methods(["GET", "POST"])
def review_start(request, pk):
    _require(request, MANAGE)
    call = _call_of(request, pk, MANAGE)
    libraries = ExpertLibrary.objects.restrict(request.user, "expert.view").select_related("organization")
    own = libraries.filter(organization=call.organization).first()
    form = ReviewStartForm(request.POST or None, libraries=libraries, initial={"library": own.pk if own else None})
    if request.method == "POST" and form.is_valid():
        try:
            services.review_start(by=request.user, call=call, data=form.round_data(),
                                  library=form.cleaned_data["library"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The review round was created; the panel is drawn and scores in its workspace."))
            return redirect("awards:detail", pk=call.pk)
    return render(request, "awards/review_start.html", {"call": call, "form": form})


@login_required
@require_POST
def notice_start(request, pk):
    _require(request, MANAGE)
    call = _call_of(request, pk, MANAGE)
    form = NoticeForm(request.POST)
    return _form_step(request, call, "notice_form", form, lambda d: services.notice_start(
        by=request.user, call=call, start=d["start"], end=d["end"]), _("The ranking is on public notice."))


@login_required
@require_POST
def winners_decide(request, pk):
    _require(request, MANAGE)
    call = _call_of(request, pk, MANAGE)
    form = WinnersForm(request.POST, choices=_winner_choices(call, selectors.call_ranking(call)))
    return _form_step(request, call, "winners_form", form, lambda d: services.winners_decide(
        by=request.user, call=call, winners=list(Nomination.objects.filter(call=call, pk__in=d["winners"]))),
        _("The winners were decided."))


@login_required
@require_POST
def followups_plan(request, pk):
    _require(request, MANAGE)
    call = _call_of(request, pk, MANAGE)
    form = FollowupsPlanForm(request.POST)
    return _form_step(request, call, "plan_form", form, lambda d: services.followups_plan(
        by=request.user, call=call, years=d["years"], first_due=d["first_due"]),
        lambda rows: _("%(n)s follow-up reports were planned.") % {"n": len(rows)})


def _followup(request, pk, action):
    rows = FollowUp.objects.filter(nomination__call__in=selectors.calls_run_by(request.user)) if action == MANAGE \
        else FollowUp.objects.filter(nomination__in=selectors.nominations_for(request.user, None, action))
    followup = rows.filter(pk=pk).select_related("nomination", "person").first()
    if followup is None:
        raise Http404
    return followup


@login_required
@require_POST
def followup_submit(request, pk):
    _require(request, NOMINATE)
    followup = _followup(request, pk, NOMINATE)
    form = FollowupSubmitForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Write the year's report."))
        services.followup_submit(by=request.user, followup=followup, text=form.cleaned_data["text"])
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("The report of %(name)s for year %(year)s was submitted.")
                         % {"name": followup.person.name, "year": followup.programme_year})
    return redirect("awards:detail", pk=followup.nomination.call_id)


@login_required
@require_POST
def followup_review(request, pk):
    _require(request, MANAGE)
    followup = _followup(request, pk, MANAGE)
    form = FollowupReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Write the review of the report."))
        services.followup_review(by=request.user, followup=followup, note=form.cleaned_data["note"])
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("The report was reviewed."))
    return redirect("awards:detail", pk=followup.nomination.call_id)


@login_required
@require_GET
def nominations_export(request, pk):
    _require(request, VIEW)
    call = _call_of(request, pk)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "推荐人选"
    sheet.append(["被推荐人", "推荐渠道", "推荐人", "状态", "形式审查意见"])
    for n in selectors.nominations_for(request.user, call, VIEW).prefetch_related("recommenders"):
        sheet.append([n.nominee.name, str(n.channel.organization), "、".join(p.name for p in n.recommenders.all()),
                      n.get_status_display(), "；".join(n.check_reasons)])
    return xlsx_response(book, f"{call.title}-推荐人选.xlsx")
