"""Activity pages: the registry with its filters and Excel export, one activity's page (with the
cancel and mark-held forms), the forms that record and change activities, the campaigns, and the
rollup of held activities over an organisation's subtree with its export. Every change goes
through the services; the pages only collect input and show the services' refusals."""

import openpyxl
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie.accounts.scope import require_page_code as _require
from kexie.core.excel import xlsx_response
from kexie.core.forms import form_page, form_step
from kexie.core.paging import paginate
from kexie.organizations.models import Organization
from kexie.organizations.selectors import rollup_root

from . import rollups, selectors, services
from .forms import ActivityForm, CampaignForm, CancelForm, FilterForm, HeldForm, RollupForm
from .models import ActivityStatus
from .registration import checked_in_count

VIEW = selectors.VIEW
MANAGE = selectors.MANAGE


def _filter_form(request):
    return FilterForm(request.GET or None, organizations=selectors.organizations_for(request.user, VIEW),
                      campaigns=selectors.campaigns_for(request.user))


def listing(request):
    """The list page's (and its export's) activities for the request's filters."""
    form = _filter_form(request)
    activities = selectors.activities_filtered(selectors.activities_for(request.user), **form.filters())
    return form, activities


@login_required
@require_GET
def activity_list(request):
    _require(request, VIEW)
    form, activities = listing(request)
    page = paginate(request, activities, 50)
    return render(request, "activities/list.html", {
        "form": form, "page_obj": page, "total": page.paginator.count,
        "may_manage": request.user.has_code(MANAGE), "query": request.GET.urlencode()})


EXPORT_HEADER = ["活动名称", "类型", "形式", "主办组织", "活动品牌", "地点", "地区代码", "开始日期", "结束日期",
                 "受众（人次）", "线上观看", "科技工作者参与", "状态"]


def export_row(activity) -> list:
    return [activity.title, activity.get_kind_display(), activity.get_setting_display() if activity.setting else "",
            activity.organization.name, activity.campaign.name if activity.campaign else "", activity.place,
            activity.region_code, activity.starts_on, activity.ends_on, activity.audience, activity.online_views,
            activity.staff_involved, activity.get_status_display()]


@login_required
@require_GET
def activity_export(request):
    _require(request, VIEW)
    _form, activities = listing(request)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "活动名录"
    sheet.append(EXPORT_HEADER)
    for activity in activities:
        sheet.append(export_row(activity))
    return xlsx_response(book, "活动名录.xlsx")


def _activity_of(request, pk, action=VIEW):
    activity = selectors.activities_for(request.user, action).filter(pk=pk).first()
    if activity is None:
        raise Http404
    return activity


def _may_manage(user, activity) -> bool:
    return user.has_code(MANAGE) and selectors.activities_for(user, MANAGE).filter(pk=activity.pk).exists()


def _activity_form(request, *, editing=False, initial=None):
    user = request.user
    return ActivityForm(request.POST or None, organizations=selectors.organizations_for(user),
                        campaigns=selectors.campaigns_for(user), persons=selectors.expert_choices(user),
                        editing=editing, initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request):
    _require(request, MANAGE)
    form = _activity_form(request, initial={"organization": request.user.organization_id,
                                            "status": ActivityStatus.PLANNED})

    def run(data):
        data = dict(data)
        return services.activity_create(by=request.user, organization=data.pop("organization"),
                                        status=data.pop("status"), data=data)

    return form_page(request, "activities/form.html", {"form": form}, form, run,
                     lambda a: _("The activity “%(title)s” was recorded.") % {"title": a.title},
                     done=lambda a: redirect("activities:detail", pk=a.pk))


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    _require(request, MANAGE)
    activity = _activity_of(request, pk, MANAGE)
    initial = {name: getattr(activity, name) for name in services.ACTIVITY_FIELDS}
    initial["co_hosts"] = list(activity.co_hosts.all())
    initial["experts"] = list(activity.experts.all())
    form = _activity_form(request, editing=True, initial=initial)
    context = {"form": form, "activity": activity}
    return form_page(request, "activities/form.html", context, form,
                     lambda d: services.activity_update(by=request.user, activity=activity, data=d),
                     _("The activity was saved."), done=lambda a: redirect("activities:detail", pk=a.pk))


def _detail(request, activity, status=200, **forms):
    """The activity page; ``forms``: bound forms that failed, shown with their errors in place."""
    manage = _may_manage(request.user, activity)
    context = {"activity": activity, "may_manage": manage,
               "co_hosts": activity.co_hosts.order_by("name"), "experts": activity.experts.order_by("name")}
    context.update(forms)  # a refused step shows its form with the refusal, whatever the status
    if manage and activity.status == ActivityStatus.PLANNED:
        context.setdefault("cancel_form", CancelForm())
        # The audience starts from the door's count when more have checked in than recorded.
        checked_in = checked_in_count(activity)
        context.setdefault("held_form", HeldForm(initial={"audience": max(activity.audience, checked_in),
                                                          "online_views": activity.online_views}))
        context["checked_in"] = checked_in
    return render(request, "activities/detail.html", context, status=status)


@login_required
@require_GET
def activity_detail(request, pk):
    _require(request, VIEW)
    return _detail(request, _activity_of(request, pk))


def _step(request, activity, name, form, run, success):
    return form_step(request, form, run, success, done=lambda _r: redirect("activities:detail", pk=activity.pk),
                     again=lambda: _detail(request, activity, status=400, **{name: form}))


@login_required
@require_POST
def activity_cancel(request, pk):
    _require(request, MANAGE)
    activity = _activity_of(request, pk, MANAGE)
    return _step(request, activity, "cancel_form", CancelForm(request.POST), lambda d: services.activity_cancel(
        by=request.user, activity=activity, reason=d["reason"]), _("The activity was cancelled."))


@login_required
@require_POST
def activity_held(request, pk):
    _require(request, MANAGE)
    activity = _activity_of(request, pk, MANAGE)
    return _step(request, activity, "held_form", HeldForm(request.POST), lambda d: services.activity_mark_held(
        by=request.user, activity=activity, audience=d["audience"], online_views=d["online_views"]),
        _("The activity was recorded as held."))


# --- campaigns ------------------------------------------------------------------------------------

@login_required
@require_GET
def campaign_list(request):
    _require(request, VIEW)
    page = paginate(request, selectors.campaigns_for(request.user), 50)
    return render(request, "activities/campaigns.html", {"page_obj": page,
                                                         "may_manage": request.user.has_code(MANAGE)})


def _campaign_of(request, pk, action=VIEW):
    campaign = selectors.campaigns_for(request.user, action).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    _require(request, MANAGE)
    form = CampaignForm(request.POST or None, organizations=selectors.organizations_for(request.user),
                        initial={"organization": request.user.organization_id})

    def run(data):
        data = dict(data)
        return services.campaign_create(by=request.user, organization=data.pop("organization"), data=data)

    return form_page(request, "activities/campaign_form.html", {"form": form}, form, run,
                     lambda c: _("The campaign “%(name)s” was launched.") % {"name": c.name},
                     done=lambda c: redirect("activities:campaign_detail", pk=c.pk))


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk):
    _require(request, MANAGE)
    campaign = _campaign_of(request, pk, MANAGE)
    initial = {name: getattr(campaign, name) for name in services.CAMPAIGN_FIELDS}
    form = CampaignForm(request.POST or None, organizations=None, editing=True, initial=initial)
    context = {"form": form, "campaign": campaign}
    return form_page(request, "activities/campaign_form.html", context, form,
                     lambda d: services.campaign_update(by=request.user, campaign=campaign, data=d),
                     _("The campaign was saved."), done=lambda c: redirect("activities:campaign_detail", pk=c.pk))



@login_required
@require_GET
def campaign_detail(request, pk):
    _require(request, VIEW)
    campaign = _campaign_of(request, pk)
    activities = selectors.activities_filtered(selectors.activities_for(request.user), campaign=campaign)
    page = paginate(request, activities, 50)
    root = rollup_root(request.user, VIEW)
    children, own = selectors.rollup_by_child(root, campaign=campaign) if root else ([], None)
    children, folded = rollups.fold(children)
    return render(request, "activities/campaign_detail.html", {
        "campaign": campaign, "page_obj": page, "root": root, "children": children, "own": own, "folded": folded,
        "summary": selectors.rollup(root, campaign=campaign) if root else None,
        "may_manage": request.user.has_code(MANAGE)
        and selectors.campaigns_for(request.user, MANAGE).filter(pk=campaign.pk).exists()})


# --- rollup ---------------------------------------------------------------------------------------

def rollup_data(request):
    """The rollup page's (and its export's) form, organisation and figures: the organisation asked
    for (``?org=``, within the user's scope; else their own), its subtree's held activities by kind
    and one row per child organisation."""
    user = request.user
    form = RollupForm(request.GET or None, organizations=Organization.objects.restrict(user, VIEW),
                      campaigns=selectors.campaigns_for(user))
    data = form.cleaned_data if form.is_valid() else {}
    root = data.get("org") or rollup_root(user, VIEW)
    if root is None:
        raise Http404
    period = {"since": data.get("since"), "until": data.get("until"), "campaign": data.get("campaign")}
    table = rollups.rollup_table(root, **period)
    return form, root, table["summary"], table["children"], table["own"], table["folded"]


@login_required
@require_GET
def rollup(request):
    _require(request, VIEW)
    form, root, summary, children, own, folded = rollup_data(request)
    return render(request, "activities/rollup.html", {
        "form": form, "root": root, "summary": summary, "children": children, "own": own, "folded": folded,
        "query": request.GET.urlencode()})


@login_required
@require_GET
def rollup_export(request):
    _require(request, VIEW)
    _form, root, summary, children, own, folded = rollup_data(request)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "活动统计"
    kinds = [str(label) for _value, label, _n in summary["by_kind"]]
    sheet.append(["组织", *kinds, "合计", "受众（人次）"])
    def line(name, figures):
        sheet.append([name, *[n for _v, _l, n in figures["by_kind"]], figures["total"], figures["audience"]])
    line(f"{root.name}（本级）", own)
    for child, figures in children:
        line(child.name, figures)
    if folded:  # the children without a held activity, in one line as on the page
        sheet.append([f"其余 {folded} 个组织无活动", *[0] * len(kinds), 0, 0])
    line(f"{root.name}（合计）", summary)
    return xlsx_response(book, "活动统计.xlsx")
