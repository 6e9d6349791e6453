"""Coverage pages: the overview of one organisation's coverage per category with a drill-down to
the associations below it, its Excel export (the same selector), and the denominators with their
import form and template. Pages read through the selectors; the import goes through the service."""

import openpyxl
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kexie.accounts.scope import require_page_code as _require
from kexie.core.excel import write_workbook, xlsx_response
from kexie.core.forms import form_step

from . import selectors, services
from .forms import ImportForm

VIEW, IMPORT = selectors.VIEW, selectors.IMPORT


def _organization(request, action=VIEW):
    """The organisation of ``?org=`` within the user's scope (404 outside it), else their own."""
    wanted = request.GET.get("org") or request.user.organization_id
    try:
        org = selectors.organizations_for(request.user, action).filter(pk=int(wanted)).first()
    except (TypeError, ValueError):
        org = None
    if org is None:
        raise Http404
    return org


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 1949 <= year <= 2100 else timezone.localdate().year


def _query(org, year) -> str:
    return f"?org={org.pk}&year={year}"


@login_required
@require_GET
def overview(request):
    _require(request, VIEW)
    org, year = _organization(request), _year(request)
    return render(request, "coverage/overview.html", {
        "organization": org, "year": year, "years": selectors.years(year),
        "row": selectors.coverage(org, year), "children": selectors.drill_down(org, year),
        "parent": org.parent if org.parent_id and selectors.organizations_for(request.user).filter(
            pk=org.parent_id).exists() else None,
        "may_import": request.user.has_code(IMPORT), "query": _query(org, year)})


def _percent(figure):
    return "—" if figure.percent is None else figure.percent


@login_required
@require_GET
def export(request):
    _require(request, VIEW)
    org, year = _organization(request), _year(request)
    headers = ["组织", "地区前缀", "类别", "基数", "已覆盖", "覆盖率（%）"]
    rows = []
    for row in [selectors.coverage(org, year), *selectors.drill_down(org, year)]:
        for figure in row.figures:
            rows.append([row.organization.name, row.prefix or "全国", figure.label,
                         "—" if figure.denominator is None else figure.denominator, figure.covered, _percent(figure)])
    book = write_workbook(headers=headers, rows=rows, title=f"基层组织覆盖 {year}")
    return xlsx_response(book, f"基层组织覆盖-{org.name}-{year}.xlsx")


def _denominator_page(request, org, year, form, status=200):
    return render(request, "coverage/denominators.html", {
        "organization": org, "year": year, "form": form, "query": _query(org, year),
        "denominators": selectors.denominators_under(org, year),
        "may_import": request.user.has_code(IMPORT)}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def denominators(request):
    """The figures inside the organisation's region for a year; a POST imports a file."""
    if request.method == "GET":
        _require(request, VIEW)
        org, year = _organization(request), _year(request)
        return _denominator_page(request, org, year, ImportForm())
    _require(request, IMPORT)
    org, year = _organization(request, IMPORT), _year(request)
    form = ImportForm(request.POST, request.FILES)

    def success(result):
        return _("Imported: %(created)d figure(s) added, %(updated)d updated.") % result

    return form_step(
        request, form,
        lambda data: services.import_denominators(by=request.user, organization=org, uploaded_file=data["file"]),
        success,
        done=lambda result: redirect(reverse("coverage:denominators") + _query(org, year)),
        again=lambda: _denominator_page(request, org, year, form, status=400),
        errors=lambda error: form.add_error("file", error))


@login_required
@require_GET
def template(request):
    _require(request, IMPORT)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "基数"
    sheet.append(list(services.COLUMNS))
    return xlsx_response(book, "基层组织覆盖基数模板.xlsx")
