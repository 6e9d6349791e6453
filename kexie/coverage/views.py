"""Coverage pages: the overview of one organisation's coverage per category with a drill-down to
the associations below it, its Excel export (the same selector), the denominators with their
import form and template, and the 三长/四长 roster (list with counts per post kind, export, add,
end). Pages read through the selectors; changes go through the services."""

import openpyxl
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from kexie.accounts.scope import require_page_code as _require
from kexie.core.excel import add_sheet, write_workbook, xlsx_response
from kexie.core.forms import form_step
from kexie.organizations.models import Organization

from . import selectors, services
from .forms import ImportForm, RosterEndForm, RosterForm, roster_person_choices
from .models import PostKind, RosterEntry

VIEW, IMPORT, CHANGE = selectors.VIEW, selectors.IMPORT, selectors.CHANGE


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
    row, children = selectors.coverage(org, year), selectors.drill_down(org, year)
    return render(request, "coverage/overview.html", {
        "organization": org, "year": year, "years": selectors.years(year),
        "row": row, "children": children, "direct": selectors.direct_figures(row, children) if children else None,
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
    total, children = selectors.coverage(org, year), selectors.drill_down(org, year)
    for row in [total, *children]:
        for figure in row.figures:
            rows.append([row.organization.name, row.prefix or "全国", figure.label,
                         "—" if figure.denominator is None else figure.denominator, figure.covered, _percent(figure)])
    for figure in (selectors.direct_figures(total, children) if children else None) or []:
        rows.append([f"{org.name}（本级直属）", total.prefix or "全国", figure.label, "—", figure.covered, "—"])
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


# --- the 三长/四长 roster ---------------------------------------------------------------------------

ROSTER_HEADERS = ["组织", "姓名", "职务类别", "单位", "职务", "委员会职务", "任期开始", "任期结束", "状态", "参与活动数"]


def _roster_cells(row) -> list:
    """One entry as the page's table and the export show it."""
    entry = row.entry
    return [entry.organization.name, entry.person.name, entry.get_post_kind_display(), entry.post_unit,
            entry.post_title, entry.get_committee_role_display(),
            entry.term_starts_on.isoformat() if entry.term_starts_on else "",
            entry.term_ends_on.isoformat() if entry.term_ends_on else "",
            pgettext("roster", "Active") if entry.active
            else pgettext("roster", "Ended %(day)s") % {"day": entry.ended_on or ""}, row.activities_led]


def _count_label(count) -> str:
    return _("%(name)s (own committee)") % {"name": count.organization.name} if count.own_only \
        else count.organization.name


def _may_change(user, org) -> bool:
    return user.has_code(CHANGE) and selectors.organizations_for(user, CHANGE).filter(pk=org.pk).exists()


@login_required
@require_GET
def roster(request):
    _require(request, VIEW)
    org = _organization(request)
    ended = request.GET.get("ended") == "1"
    rows = selectors.roster_rows(org, include_ended=ended)
    counts = selectors.roster_counts(org)
    return render(request, "coverage/roster.html", {
        "organization": org, "ended": ended, "rows": [(row, _roster_cells(row)) for row in rows],
        "kinds": PostKind.choices, "counts": [(count, _count_label(count)) for count in counts],
        "totals": selectors.roster_totals(org), "headers": ROSTER_HEADERS,
        "may_change": _may_change(request.user, org), "query": f"?org={org.pk}" + ("&ended=1" if ended else ""),
        "org_query": f"?org={org.pk}"})


@login_required
@require_GET
def roster_export(request):
    _require(request, VIEW)
    org = _organization(request)
    ended = request.GET.get("ended") == "1"
    book = write_workbook(headers=ROSTER_HEADERS,
                          rows=[_roster_cells(row) for row in selectors.roster_rows(org, include_ended=ended)],
                          title=f"三长/四长名册 {org.name}", sheet_name="名册")
    totals = selectors.roster_totals(org)
    add_sheet(book, headers=["组织", *[str(label) for _value, label in PostKind.choices], "合计"],
              rows=[*[[_count_label(count), *count.figures(), count.total] for count in selectors.roster_counts(org)],
                    ["合计", *[totals[kind] for kind in PostKind.values], sum(totals.values())]],
              title=f"按职务类别统计 {org.name}", sheet_name="统计")
    return xlsx_response(book, f"三长四长名册-{org.name}.xlsx")


def _roster_form_page(request, org, form, status=200):
    return render(request, "coverage/roster_form.html", {"organization": org, "form": form,
                                                         "org_query": f"?org={org.pk}"}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def roster_add(request):
    _require(request, CHANGE)
    org = _organization(request, CHANGE)
    organizations = Organization.objects.subtree_of(org).filter(
        pk__in=selectors.organizations_for(request.user, CHANGE).values("pk"))
    form = RosterForm(request.POST or None, organizations=organizations,
                      persons=roster_person_choices(request.user), initial={"organization": org.pk})
    if request.method == "GET":
        return _roster_form_page(request, org, form)

    def run(data):
        return services.roster_add(by=request.user, organization=data["organization"], person=data["person"],
                                   data={k: data[k] for k in ("post_kind", "post_unit", "post_title", "committee_role",
                                                              "term_starts_on", "term_ends_on")})

    return form_step(
        request, form, run,
        lambda entry: _("%(name)s was put on the roster.") % {"name": entry.person.name},
        done=lambda entry: redirect(reverse("coverage:roster") + f"?org={org.pk}"),
        again=lambda: _roster_form_page(request, org, form, status=400))


@login_required
@require_http_methods(["GET", "POST"])
def roster_end(request, pk):
    _require(request, CHANGE)
    entry = get_object_or_404(RosterEntry.objects.restrict(request.user, CHANGE)
                              .select_related("organization", "person"), pk=pk)
    form = RosterEndForm(request.POST or None, initial={"ended_on": timezone.localdate()})

    def page(status=200):
        return render(request, "coverage/roster_end.html", {"entry": entry, "form": form,
                                                            "org_query": f"?org={entry.organization_id}"},
                      status=status)

    if request.method == "GET":
        return page()
    return form_step(
        request, form,
        lambda data: services.roster_end(by=request.user, entry=entry, ended_on=data["ended_on"],
                                         reason=data["end_reason"]),
        lambda ended: _("The entry of %(name)s has ended.") % {"name": ended.person.name},
        done=lambda ended: redirect(reverse("coverage:roster") + f"?org={ended.organization_id}"),
        again=lambda: page(status=400))
