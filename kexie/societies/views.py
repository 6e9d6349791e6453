"""Pages of the society registry and the annual reports.

Every view checks the permission code first (403 without it) and fetches objects through the
user's data scope (404 outside it: a society secretary reaches only their own society). The
services do the writing.
"""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie.accounts.scope import access_object
from kexie.activities.rollups import annual_counts
from kexie.core.excel import write_workbook, xlsx_response
from kexie.core.paging import paginate
from kexie.core.forms import apply_service_errors
from kexie.organizations.models import SOCIETY_KINDS, Organization, OrgKind, OrgStatus
from kexie.accounts.scope import require_page_code as _require

from . import importers, selectors, services
from .forms import (
    InspectionForm,
    JournalForm,
    MemberForm,
    NewSocietyForm,
    ProfileForm,
    ReachableForm,
    ReportForm,
    ReportImportForm,
    ReturnForm,
    RoundForm,
    SocietyFilterForm,
    TermForm,
)
from .models import (
    AnnualInspection,
    AnnualReport,
    AnnualReportStatus,
    Journal,
    MemberRecord,
    ReportYear,
    SocietyProfile,
)

PAGE_SIZE = 25
IMPORT_SESSION_KEY = "society_report_import"


def _get_society(request, pk, code: str) -> SocietyProfile:
    _require(request, code)
    return access_object(SocietyProfile.objects.select_related("organization", "supervising_body"),
                         request.user, code, pk=pk)


def _filtered(request):
    """The societies the user may see, with the list's annotations, filtered by the GET form."""
    form = SocietyFilterForm(request.GET or None)
    today = timezone.localdate()
    latest = AnnualInspection.objects.filter(society=OuterRef("pk")).order_by("-year")
    queryset = selectors.with_term_overdue(
        SocietyProfile.objects.restrict(request.user, "society.view"), today).select_related(
        "organization", "supervising_body").annotate(
        inspection_year=Subquery(latest.values("year")[:1]), inspection_result=Subquery(latest.values("result")[:1]))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            queryset = queryset.filter(organization__search_text__contains=data["q"].strip().lower())
        if data["discipline"]:
            queryset = queryset.filter(discipline=data["discipline"])
        if data["status"]:
            queryset = queryset.filter(organization__status=data["status"])
        if data["supervising"]:
            text = data["supervising"].strip()
            queryset = queryset.filter(Q(supervising_body__name__contains=text)
                                       | Q(supervising_body__short_name__contains=text)
                                       | Q(supervising_body_name__contains=text))
        if data["overdue"]:
            queryset = queryset.filter(term_overdue=True)
    return form, queryset.order_by("organization__name", "pk")


@login_required
@require_GET
def society_list(request):
    _require(request, "society.view")
    form, queryset = _filtered(request)
    page = paginate(request, queryset, PAGE_SIZE)
    overdue_count = selectors.terms_overdue(request.user, timezone.localdate()).count()
    without_profile = []
    if request.user.has_code("society.manage"):
        without_profile = list(Organization.objects.restrict(request.user, "society.manage").filter(
            kind__in=SOCIETY_KINDS, society_profile__isnull=True).order_by("name")[:50])
    return render(request, "societies/list.html", {
        "form": form, "page_obj": page, "societies": page.object_list, "overdue_count": overdue_count,
        "without_profile": without_profile,
        "inspection_labels": dict(AnnualInspection._meta.get_field("result").choices),
        "can": {"manage": request.user.has_code("society.manage"), "add": request.user.has_code("org.add"),
                "review": request.user.has_code("annual_report.review")},
    })


EXPORT_HEADERS = [
    gettext_lazy("Society name"), gettext_lazy("Unified social credit code"), gettext_lazy("discipline group"),
    pgettext_lazy("society", "Status"), gettext_lazy("supervising body"), gettext_lazy("individual members"),
    gettext_lazy("group members"), gettext_lazy("secretary-general"), gettext_lazy("full-time secretary-general"),
    gettext_lazy("Latest inspection"), gettext_lazy("Overdue for re-election"),
]


def _export_row(profile) -> list:
    inspection = ""
    if profile.inspection_year:
        labels = dict(AnnualInspection._meta.get_field("result").choices)
        inspection = f"{profile.inspection_year} {labels.get(profile.inspection_result, '')}"
    return [
        profile.organization.name, profile.organization.credit_code, profile.get_discipline_display(),
        profile.organization.get_status_display(),
        profile.supervising_body.name if profile.supervising_body_id else profile.supervising_body_name,
        profile.individual_members, profile.group_members, profile.secretary_general,
        _("Yes") if profile.secretary_general_full_time else _("No"), inspection,
        _("Yes") if profile.term_overdue else _("No"),
    ]


@login_required
@require_GET
def society_export(request):
    _require(request, "society.view")
    form, queryset = _filtered(request)
    title = _("Society registry")
    workbook = services.societies_export(
        by=request.user, queryset=queryset, filters=form.description() if form.is_bound else {},
        headers=[str(label) for label in EXPORT_HEADERS], row_for=_export_row, title=title)
    return xlsx_response(workbook, f"{title}-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_GET
def society_detail(request, pk):
    profile = _get_society(request, pk, "society.view")
    user = request.user
    today = timezone.localdate()
    bodies = list(profile.bodies.prefetch_related("members"))
    overdue_ids = set(selectors.overdue_council_terms(today).filter(society=profile).values_list("pk", flat=True))
    reports = (AnnualReport.objects.restrict(user, "society.view").filter(society=profile).select_related("round")
               .order_by("-year"))
    branches = profile.organization.children.filter(kind=OrgKind.SOCIETY_BRANCH).order_by("name")
    return render(request, "societies/detail.html", {
        "profile": profile, "org": profile.organization, "bodies": bodies, "overdue_ids": overdue_ids,
        "term_overdue": bool(overdue_ids), "journals": profile.journals.all(),
        "inspections": profile.inspections.all(), "member_count": profile.member_records.count(),
        "members": profile.member_records.all()[:200], "branches": branches,
        "active_branches": sum(1 for b in branches if b.status == OrgStatus.ACTIVE), "reports": reports,
        "can": {"manage": user.has_code("society.manage") and SocietyProfile.objects.restrict(
            user, "society.manage").filter(pk=profile.pk).exists(),
            "submit": user.has_code("annual_report.submit")},
        "forms": {"term": TermForm(), "journal": JournalForm(), "member": MemberForm(),
                  "inspection": InspectionForm(initial={"year": today.year - 1}), "reachable": ReachableForm()},
    })


@login_required
@require_http_methods(["GET", "POST"])
def society_edit(request, pk):
    profile = _get_society(request, pk, "society.manage")
    form = ProfileForm(request.POST or None, instance=SocietyProfile.objects.get(pk=profile.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_save(by=request.user, organization=profile.organization, data=form.service_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": profile.organization.name})
            return redirect("societies:detail", pk=profile.pk)
    return render(request, "societies/form.html", {"form": form, "profile": profile})


@login_required
@require_http_methods(["GET", "POST"])
def profile_create(request, org_pk):
    """The registry profile of a society organisation that has none yet."""
    _require(request, "society.manage")
    organization = access_object(Organization.objects.filter(kind__in=SOCIETY_KINDS), request.user,
                                 "society.manage", pk=org_pk)
    if SocietyProfile.objects.filter(organization=organization).exists():
        return redirect("societies:edit", pk=organization.pk)
    form = ProfileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_save(by=request.user, organization=organization, data=form.service_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": organization.name})
            return redirect("societies:detail", pk=organization.pk)
    return render(request, "societies/form.html", {"form": form, "profile": None, "organization": organization})


@login_required
@require_http_methods(["GET", "POST"])
def society_create(request):
    _require(request, "society.manage")
    form = NewSocietyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            profile = services.society_create(
                by=request.user, parent=data["parent"], name=data["name"], kind=data["kind"],
                organization_fields={"short_name": data["short_name"], "credit_code": data["credit_code"]},
                profile=form.service_fields())
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied):
                form.add_error("parent", _("You may not add an organisation under this association."))
            else:
                apply_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was created.") % {"name": profile.organization.name})
            return redirect("societies:detail", pk=profile.pk)
    return render(request, "societies/form.html", {"form": form, "profile": None})


def _post_to_service(request, profile, form, call, success: str):
    """Run a detail-page form's service and go back to the detail page with the outcome."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, success)
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}：{error}" if label else error)
    return redirect("societies:detail", pk=profile.pk)


@login_required
@require_POST
def term_create(request, pk):
    profile = _get_society(request, pk, "society.manage")
    return _post_to_service(request, profile, TermForm(request.POST), lambda d: services.body_term_create(
        by=request.user, society=profile, kind=d["kind"], term_number=d["term_number"], elected_on=d["elected_on"],
        term_ends_on=d["term_ends_on"], size=d["size"] or 0, members=d["members"]), _("The new term was recorded."))


@login_required
@require_POST
def journal_add(request, pk):
    profile = _get_society(request, pk, "society.manage")
    return _post_to_service(request, profile, JournalForm(request.POST), lambda d: services.journal_save(
        by=request.user, society=profile, data=d), _("The journal was saved."))


@login_required
@require_POST
def journal_delete(request, pk, journal_pk):
    profile = _get_society(request, pk, "society.manage")
    journal = get_object_or_404(Journal.objects.select_related("society"), society=profile, pk=journal_pk)
    services.journal_delete(by=request.user, journal=journal)
    messages.success(request, _("The journal was removed."))
    return redirect("societies:detail", pk=profile.pk)


@login_required
@require_POST
def member_add(request, pk):
    profile = _get_society(request, pk, "society.manage")
    return _post_to_service(request, profile, MemberForm(request.POST), lambda d: services.member_record_add(
        by=request.user, society=profile, **d), _("The member was added."))


@login_required
@require_POST
def member_delete(request, pk, member_pk):
    profile = _get_society(request, pk, "society.manage")
    record = get_object_or_404(MemberRecord.objects.select_related("society"), society=profile, pk=member_pk)
    services.member_record_delete(by=request.user, record=record)
    messages.success(request, _("The member was removed."))
    return redirect("societies:detail", pk=profile.pk)


@login_required
@require_POST
def inspection_add(request, pk):
    profile = _get_society(request, pk, "society.manage")
    return _post_to_service(request, profile, InspectionForm(request.POST), lambda d: services.inspection_record(
        by=request.user, society=profile, year=d["year"], result=d["result"], note=d["note"]),
        _("The inspection result was recorded."))


@login_required
@require_POST
def reachable(request, pk):
    profile = _get_society(request, pk, "society.manage")
    return _post_to_service(request, profile, ReachableForm(request.POST), lambda d: services.society_set_reachable(
        by=request.user, society=profile, reachable=d["reachable"], since=d["since"], note=d["note"]),
        _("The contact status was saved."))


# --- annual reports: the secretary's side ------------------------------------------------------------

@login_required
@require_GET
def my_reports(request):
    """我的年报: the user's societies, and for each the years they report for."""
    _require(request, "annual_report.submit")
    profiles = list(SocietyProfile.objects.restrict(request.user, "annual_report.submit")
                    .select_related("organization").order_by("organization__name"))
    reports = {(r.society_id, r.year): r for r in AnnualReport.objects.filter(society__in=profiles)}
    rows = []
    for profile in profiles:
        rounds = ReportYear.objects.filter(organization__in=profile.organization.ancestors()).order_by("-year")
        years = sorted({r.year: r for r in rounds}.items(), reverse=True)
        for year, round_ in years:
            rows.append({"society": profile, "year": year, "round": services.round_for(profile, year) or round_,
                         "report": reports.get((profile.pk, year))})
    return render(request, "societies/my_reports.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def report_form(request, pk, year):
    _require(request, "annual_report.submit")
    profile = access_object(SocietyProfile.objects.select_related("organization"), request.user,
                            "annual_report.submit", pk=pk)
    report = AnnualReport.objects.filter(society=profile, year=year).first()
    round_ = services.round_for(profile, year)
    editable = round_ is not None and not round_.closed and (
        report is None or report.status in services.EDITABLE_REPORT_STATUSES)
    # The activity counts come from the activity registry (the rollup of the society's subtree).
    registry = annual_counts(profile.organization, year) if editable else {}
    form = ReportForm(request.POST or None, instance=report, registry=registry)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            if submit:
                services.report_submit(by=request.user, society=profile, year=year, values=form.values())
            else:
                services.report_save_draft(by=request.user, society=profile, year=year, values=form.values())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The report was submitted.") if submit else _("The draft was saved."))
            return redirect("societies:report_form", pk=profile.pk, year=year)
    late = round_ is not None and services.past_due(round_) and (report is None or report.status == "draft")
    return render(request, "societies/report_form.html", {
        "profile": profile, "year": year, "report": report, "round": round_, "form": form, "editable": editable,
        "closed_message": services.closed_message(year) if round_ is not None and round_.closed else "",
        "late_message": services.late_message(round_) if late else "",
    }, status=400 if request.method == "POST" else 200)


# --- annual reports: the office's side ---------------------------------------------------------------

def _queue(request):
    """The annual reports in the user's review scope, filtered by the queue's status, year and
    late-only choices (GET)."""
    reports = AnnualReport.objects.restrict(request.user, "annual_report.review").select_related(
        "society__organization", "round")
    status = request.GET.get("status", AnnualReportStatus.SUBMITTED)
    if status in AnnualReportStatus.values:
        reports = reports.filter(status=status)
    year = request.GET.get("year", "")
    if year.isdigit():
        reports = reports.filter(year=int(year))
    late = request.GET.get("late") == "1"
    filters = {"status": status, "year": year, "late": late}
    return filters, reports, (reports.filter(late=True) if late else reports)


@login_required
@require_GET
def review_queue(request):
    _require(request, "annual_report.review")
    filters, unfiltered, reports = _queue(request)
    counts = dict(AnnualReport.objects.restrict(request.user, "annual_report.review").values_list("status")
                  .annotate(n=Count("pk")).values_list("status", "n"))
    page = paginate(request, reports.order_by("-year", "society__organization__name"), PAGE_SIZE)
    return render(request, "societies/review_queue.html", {
        "page_obj": page, "reports": page.object_list, **filters,
        "late_count": unfiltered.filter(late=True).count(),
        "statuses": [(value, label, counts.get(value, 0)) for value, label in AnnualReportStatus.choices],
        "rounds": ReportYear.objects.restrict(request.user, "annual_report.review").select_related("organization"),
        "round_form": RoundForm(),
    })


REPORT_EXPORT_HEADERS = [
    gettext_lazy("Society name"), gettext_lazy("Unified social credit code"), gettext_lazy("year"),
    gettext_lazy("status"), gettext_lazy("collecting association"), gettext_lazy("reports due on"),
    gettext_lazy("submitted at"), gettext_lazy("filed late"), gettext_lazy("reviewed at"),
]


def _report_row(report) -> list:
    def when(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    return [report.society.organization.name, report.society.organization.credit_code, report.year,
            report.get_status_display(), report.round.organization.name, report.round.due_on.isoformat(),
            when(report.submitted_at), _("Yes") if report.late else _("No"), when(report.reviewed_at)]


@login_required
@require_GET
def reports_export(request):
    """The queue's annual reports, as filtered, with the late mark (.xlsx, audited)."""
    _require(request, "annual_report.review")
    filters, _unfiltered, reports = _queue(request)
    title = _("Annual reports")
    workbook = services.reports_export(
        by=request.user, queryset=reports.select_related("round__organization").order_by(
            "-year", "society__organization__name"),
        filters={key: str(value) for key, value in filters.items() if value},
        headers=[str(label) for label in REPORT_EXPORT_HEADERS], row_for=_report_row, title=title)
    return xlsx_response(workbook, f"{title}-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_GET
def report_detail(request, pk):
    _require(request, "society.view")
    report = access_object(AnnualReport.objects.select_related("society__organization", "round__organization",
                                                               "submitted_by", "reviewed_by"),
                           request.user, "society.view", pk=pk)
    form = ReportForm(instance=report)
    may_review = (request.user.has_code("annual_report.review") and AnnualReport.objects.restrict(
        request.user, "annual_report.review").filter(pk=report.pk).exists())
    return render(request, "societies/report_detail.html", {
        "report": report, "fieldsets": form.fieldsets(), "may_review": may_review, "return_form": ReturnForm()})


def _review(request, pk, call, success):
    _require(request, "annual_report.review")
    report = access_object(AnnualReport, request.user, "annual_report.review", pk=pk)
    try:
        call(report)
    except (ValidationError, PermissionDenied) as error:
        for message in getattr(error, "messages", None) or [str(error)]:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("societies:report_detail", pk=report.pk)


@login_required
@require_POST
def report_accept(request, pk):
    return _review(request, pk, lambda r: services.report_accept(by=request.user, report=r),
                   _("The report was accepted."))


@login_required
@require_POST
def report_return(request, pk):
    return _review(request, pk, lambda r: services.report_return(by=request.user, report=r,
                                                                 reason=request.POST.get("reason", "")),
                   _("The report was returned."))


@login_required
@require_POST
def round_open(request):
    _require(request, "annual_report.review")
    form = RoundForm(request.POST)
    if form.is_valid():
        try:
            services.report_year_open(by=request.user, organization=request.user.organization,
                                      year=form.cleaned_data["year"], due_on=form.cleaned_data["due_on"])
        except (ValidationError, PermissionDenied) as error:
            for message in getattr(error, "messages", None) or [str(error)]:
                messages.error(request, message)
        else:
            messages.success(request, _("The %(year)s round was opened.") % {"year": form.cleaned_data["year"]})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("societies:review_queue")


@login_required
@require_POST
def round_close(request, pk):
    _require(request, "annual_report.review")
    round_ = access_object(ReportYear, request.user, "annual_report.review", pk=pk)
    services.report_year_close(by=request.user, report_year=round_)
    messages.success(request, _("The %(year)s round was closed.") % {"year": round_.year})
    return redirect("societies:review_queue")


# --- Excel import of many societies' reports ------------------------------------------------------------

@login_required
@require_GET
def import_template(request):
    _require(request, "annual_report.review")
    headers = [str(label) for _key, label in importers.columns()]
    title = _("Annual report import template: one row per society; every column is required except the "
              "credit code or the name (one of them is enough)")
    workbook = write_workbook(title=title, sheet_name=_("Annual reports"), headers=headers, rows=[])
    sheet = workbook.active
    for row in range(3, 1003):  # keep credit codes as text
        sheet.cell(row=row, column=1).number_format = "@"
    return xlsx_response(workbook, _("Annual report import template") + ".xlsx")


def _import_preview(request, results, *, token, year, filename, status=200):
    error_rows = sum(1 for r in results if not r.ok)
    keys = [key for key, _label in importers.columns()]
    for result in results:
        result.cells = [result.values.get(key, "") for key in keys]
    return render(request, "societies/import_preview.html", {
        "results": results, "error_rows": error_rows, "ok_rows": len(results) - error_rows, "token": token,
        "year": year, "filename": filename, "headers": [label for _key, label in importers.columns()],
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    _require(request, "annual_report.review")
    form = ReportImportForm(request.POST or None, request.FILES or None,
                            initial={"year": timezone.localdate().year - 1})
    if request.method == "POST" and form.is_valid():
        upload, year = form.cleaned_data["file"], form.cleaned_data["year"]
        try:
            rows = importers.read_report_file(upload)
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            token = secrets.token_urlsafe(12)
            request.session[IMPORT_SESSION_KEY] = {"token": token, "year": year, "file": upload.name[:200],
                                                   "rows": rows}
            results = importers.validate_rows(rows, by=request.user, year=year)
            return _import_preview(request, results, token=token, year=year, filename=upload.name)
    return render(request, "societies/import.html", {"form": form})


@login_required
@require_POST
def import_confirm(request):
    _require(request, "annual_report.review")
    pending = request.session.get(IMPORT_SESSION_KEY) or {}
    if not pending or pending.get("token") != request.POST.get("token"):
        messages.error(request, _("The checked file is no longer available; upload it again."))
        return redirect("societies:import")
    try:
        saved = services.reports_import(by=request.user, year=pending["year"], rows=pending["rows"],
                                        filename=pending.get("file", ""))
    except services.ImportRejected as rejected:
        messages.error(request, _("Nothing was imported: some rows have errors."))
        return _import_preview(request, rejected.results, token=pending["token"], year=pending["year"],
                               filename=pending.get("file", ""), status=400)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("societies:import")
    del request.session[IMPORT_SESSION_KEY]
    messages.success(request, _("%(count)d annual reports were imported as submitted.") % {"count": len(saved)})
    return redirect(reverse("societies:review_queue") + f"?year={pending['year']}")
