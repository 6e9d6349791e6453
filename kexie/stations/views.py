"""Station pages: the registry with its counts by type and region and the stations below a
threshold, one station's page (facts against the entry rules, experts, annual reports and their
evaluation), the forms that register and change stations, the entry rules of each type, and an
Excel export of the list. Every change goes through the services; the pages only collect input
and show the services' refusals."""

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

from . import facts as station_facts
from . import rubric as station_rubric
from . import selectors, services
from .forms import EvaluateForm, ExpertForm, FilterForm, ReportForm, RuleForm, StationForm
from .models import ReportStatus, StationExpert, StationReport, StationRule, StationType

VIEW = selectors.VIEW
MANAGE = selectors.MANAGE


def _station_of(request, pk, action=VIEW):
    station = selectors.stations_for(request.user, action).filter(pk=pk).first()
    if station is None:
        raise Http404
    return station


def _may_manage(user, station) -> bool:
    return user.has_code(MANAGE) and selectors.stations_for(user, MANAGE).filter(pk=station.pk).exists()


def _persons(user):
    return selectors.expert_choices(user)


def _filter_form(request):
    return FilterForm(request.GET or None, organizations=selectors.organizations_for(request.user, VIEW))


@login_required
@require_GET
def station_list(request):
    _require(request, VIEW)
    form = _filter_form(request)
    stations, flagged = selectors.listing(request.user, below_only=form.below_only(), **form.filters())
    page = paginate(request, stations, 50)
    rows = [(station, flagged.get(station.pk, [])) for station in page.object_list]
    return render(request, "stations/list.html", {
        "form": form, "page_obj": page, "rows": rows, "counts": selectors.counts(stations),
        "below_count": len(flagged),
        "may_manage": request.user.has_code(MANAGE), "types": StationType.choices,
        "query": request.GET.urlencode()})


@login_required
@require_GET
def station_export(request):
    _require(request, VIEW)
    form = _filter_form(request)
    stations, flagged = selectors.listing(request.user, below_only=form.below_only(), **form.filters())
    counts = selectors.counts(stations)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "站点基地"
    sheet.append(["名称", "类型", "登记组织", "依托单位", "地区代码", "合作学会", "状态", "建站日期", "准入核查"])
    for station in stations:
        failed = flagged.get(station.pk, [])
        sheet.append([
            station.name, station.get_type_display(), station.organization.name, station.host_unit,
            station.region_code, station.partner_society.name if station.partner_society else "",
            station.get_status_display(), station.established_on,
            "；".join(f"{r.label} {r.value if r.value is not None else '—'}／{r.threshold}" for r in failed)
            or "达标"])
    by_type = book.create_sheet("按类型统计")
    by_type.append(["类型", "数量"])
    for _value, label, n in counts["by_type"]:
        by_type.append([str(label), n])
    by_type.append(["合计", counts["total"]])
    by_region = book.create_sheet("按地区统计")
    by_region.append(["地区代码", "数量"])
    for region, n in counts["by_region"]:
        by_region.append([region or "—", n])
    return xlsx_response(book, "站点基地名录.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def station_create(request):
    _require(request, MANAGE)
    form = StationForm(request.POST or None, organizations=selectors.organizations_for(request.user),
                       initial={"organization": request.user.organization_id})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                station = services.station_create(by=request.user, organization=data.pop("organization"), data=data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The station “%(name)s” was registered.") % {"name": station.name})
                return redirect("stations:detail", pk=station.pk)
        status = 400
    return render(request, "stations/form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def station_edit(request, pk):
    _require(request, MANAGE)
    station = _station_of(request, pk, MANAGE)
    initial = {name: getattr(station, name) for name in services.STATION_FIELDS}
    form = StationForm(request.POST or None, organizations=None, editing=True, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.station_update(by=request.user, station=station, data=form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The station was saved."))
                return redirect("stations:detail", pk=station.pk)
        status = 400
    return render(request, "stations/form.html", {"form": form, "station": station}, status=status)


def _detail(request, station, status=200, **forms):
    """The station page; ``forms``: bound forms that failed, shown with their errors in place."""
    user = request.user
    manage = _may_manage(user, station)
    reports = list(station.reports.all())
    judged = station_rubric.judged_indicators()
    table = station_facts.fact_table([station])
    context = {
        "station": station, "facts": list(table[station.pk].values()),
        "results": station_facts.check_table([station], table=table)[station.pk],
        "experts": station.experts.select_related("person").order_by("left_on", "pk"), "reports": reports,
        "may_manage": manage, "rubric": station_rubric.DIMENSIONS,
    }
    context["below"] = any(not r.passed for r in context["results"])
    if manage:
        context["expert_form"] = forms.get("expert_form") or ExpertForm(persons=_persons(user))
        context["report_form"] = forms.get("report_form") or ReportForm()
        failed_evaluation = forms.get("evaluate_form")
        for report in reports:
            if report.status != ReportStatus.DRAFT:
                report.evaluate_form = failed_evaluation if failed_evaluation is not None and \
                    forms.get("evaluated_pk") == report.pk else EvaluateForm(
                        indicators=judged, initial=report.judged_scores, prefix=f"r{report.pk}")
    return render(request, "stations/detail.html", context, status=status)


@login_required
@require_GET
def station_detail(request, pk):
    _require(request, VIEW)
    return _detail(request, _station_of(request, pk))


def _form_step(request, station, name: str, form, run, success, **extra):
    """Run one step of the station page from ``form`` through ``run`` (the service call); a refusal
    goes back on the page next to the form ``name`` with status 400 (nothing saved), a success
    redirects to the station with its message."""
    return form_step(request, form, run, success, done=lambda _result: redirect("stations:detail", pk=station.pk),
                     again=lambda: _detail(request, station, status=400, **{name: form}, **extra))


@login_required
@require_POST
def expert_add(request, pk):
    _require(request, MANAGE)
    station = _station_of(request, pk, MANAGE)
    form = ExpertForm(request.POST, persons=_persons(request.user))
    return _form_step(request, station, "expert_form", form, lambda d: services.expert_add(
        by=request.user, station=station, person=d["person"], level=d["level"], role=d["role"],
        joined_on=d["joined_on"]), lambda e: _("%(name)s joined the station.") % {"name": e.person.name})


@login_required
@require_POST
def expert_remove(request, pk):
    _require(request, MANAGE)
    expert = get_object_or_404(StationExpert.objects.select_related("person").filter(
        station__in=selectors.stations_for(request.user, MANAGE)), pk=pk)
    try:
        services.expert_remove(by=request.user, expert=expert)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(name)s left the station.") % {"name": expert.person.name})
    return redirect("stations:detail", pk=expert.station_id)


@login_required
@require_POST
def report_submit(request, pk):
    _require(request, MANAGE)
    station = _station_of(request, pk, MANAGE)
    form = ReportForm(request.POST)
    return _form_step(request, station, "report_form", form, lambda d: services.report_submit(
        by=request.user, station=station, year=d["year"], data=d),
        lambda r: _("The annual report of %(year)s was submitted.") % {"year": r.year})


@login_required
@require_POST
def report_evaluate(request, pk):
    _require(request, MANAGE)
    report = get_object_or_404(StationReport.objects.filter(station__in=selectors.stations_for(request.user, MANAGE)),
                               pk=pk)
    form = EvaluateForm(request.POST, indicators=station_rubric.judged_indicators(), prefix=f"r{report.pk}")
    return _form_step(request, report.station, "evaluate_form", form, lambda d: services.report_evaluate(
        by=request.user, report=report, judged_scores=d),
        lambda r: _("The report of %(year)s scored %(score)s (%(grade)s).") % {
            "year": r.year, "score": r.score, "grade": r.grade}, evaluated_pk=report.pk)


@login_required
@require_http_methods(["GET", "POST"])
def rules(request, station_type):
    """The entry rules of one station type; the national office adds, changes and removes them,
    everyone else reads them."""
    _require(request, VIEW)
    if station_type not in StationType.values:
        raise Http404
    manage = selectors.may_change_rules(request.user)
    form = RuleForm()
    status = 200
    if request.method == "POST":
        _require(request, MANAGE)
        if not manage:
            return render(request, "403.html", {"reason": _(
                "The entry rules are set by the national association: only its office may change them.")}, status=403)
        if request.POST.get("delete"):
            rule = get_object_or_404(StationRule, pk=request.POST["delete"] if request.POST["delete"].isdigit() else 0,
                                     type=station_type)
            services.rule_delete(by=request.user, rule=rule)
            messages.success(request, _("The rule was removed."))
            return redirect("stations:rules", station_type=station_type)
        form = RuleForm(request.POST)
        if form.is_valid():
            try:
                services.rule_set(by=request.user, station_type=station_type, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The rule was saved."))
                return redirect("stations:rules", station_type=station_type)
        status = 400
    rows = list(StationRule.objects.filter(type=station_type))
    for rule in rows:
        rule.label = station_facts.fact_label(rule.fact)
    return render(request, "stations/rules.html", {
        "station_type": station_type, "type_label": StationType(station_type).label, "types": StationType.choices,
        "rules": rows, "form": form, "may_manage": manage}, status=status)
