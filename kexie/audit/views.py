"""The audit log pages: a filtered list, one record's detail and the list's Excel export (audit
administrator only).

Rows are shown through :mod:`kexie.audit.presentation`, which labels the stored codes and masks
personal data on the way out; the stored rows are never changed, as their hashes must keep matching.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kexie.accounts.scope import access_object
from kexie.core.excel import xlsx_response
from kexie.core.paging import paginate

from . import selectors
from .excel import ExportTooLarge, audit_log_export
from .forms import AuditFilterForm
from .models import AuditLog
from .presentation import AuditPresenter

PAGE_SIZE = 50


def _require_audit_view(request) -> None:
    if not request.user.has_code("audit.view"):
        raise PermissionDenied


def _search(request):
    """The filter form and the rows it selects (none while the filters are not understood)."""
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, AuditLog.objects.none()  # a half-understood filter must not show the wrong rows
    filters = form.search_filters() if form.is_bound else {}
    return form, selectors.audit_search(user=request.user, **filters)


@login_required
@require_GET
def audit_list(request):
    _require_audit_view(request)
    form, rows = _search(request)
    page = paginate(request, rows, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page_obj": page, "records": AuditPresenter(page).records(),
               "object_types": selectors.audit_object_types(), "export_query": query.urlencode()}
    return render(request, "audit/list.html", context)


@login_required
@require_GET
def audit_detail(request, pk: int):
    _require_audit_view(request)
    row = access_object(AuditLog, request.user, "audit.view", pk=pk)
    record = AuditPresenter([row]).record(row)
    return render(request, "audit/detail.html", {"record": record, "changes": record["changes"]})


@login_required
@require_GET
def audit_export(request):
    """The rows the list's filters select, as an .xlsx file; the export is itself audited."""
    _require_audit_view(request)
    form, rows = _search(request)
    back = reverse("audit:list") + (f"?{request.GET.urlencode()}" if request.GET else "")
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Correct the filters marked in red and search again."))
        return redirect(back)
    title = _("Audit log")
    try:
        workbook = audit_log_export(by=request.user, rows=rows, filters=form.description() if form.is_bound else {},
                                    title=title)
    except ExportTooLarge as too_large:
        messages.error(request, _("The search finds %(count)d records; one export holds at most %(max)d. "
                                  "Narrow the dates or the other filters and export again.")
                       % {"count": too_large.count, "max": too_large.limit})
        return redirect(back)
    return xlsx_response(workbook, f"{title}-{timezone.localdate():%Y%m%d}.xlsx")
