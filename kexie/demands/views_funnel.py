"""The demand funnel of an organisation, by association one level down and by level of the holding
association (and its Excel export, a sheet for each): the page and the workbook read the one
selector (``selectors.funnel`` and its breakdowns), so their figures agree."""

import openpyxl
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from kexie.accounts.scope import require_page_code as _require
from kexie.core.excel import xlsx_response
from kexie.organizations.models import Organization

from . import selectors
from .forms import FunnelForm

VIEW = "demand.view"


def _funnel_org(request):
    """The organisation the funnel is for: the user's own, or ``?org=`` within the user's scope."""
    org = request.user.organization
    wanted = request.GET.get("org", "")
    if wanted.isdigit():
        org = Organization.objects.restrict(request.user, VIEW).filter(pk=wanted).first()
        if org is None:
            raise Http404
    if org is None:
        raise Http404
    return org


def _funnel_rows(request):
    org = _funnel_org(request)
    form = FunnelForm(request.GET or None)
    since = until = None
    if form.is_valid():
        since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    total = selectors.funnel(org, since=since, until=until)
    children = selectors.funnel_by_child(org, since=since, until=until)
    levels = selectors.funnel_by_level(org, since=since, until=until)
    return org, form, total, children, levels


# The funnel's columns: (key of the selector's dict, label).
def _columns():
    return [("received", pgettext("funnel", "Received")), ("accepted", pgettext("funnel", "Accepted")),
            ("routed", pgettext("funnel", "Matched or published")), ("applied", pgettext("funnel", "Applications")),
            ("contracted", pgettext("funnel", "Contracted")), ("completed", pgettext("funnel", "Completed")),
            ("amount", _("Contract amount (10,000 yuan)")),
            ("median_days_to_candidate", _("Median days to the first candidate"))]


@login_required
@require_GET
def funnel(request):
    _require(request, VIEW)
    org, form, total, children, levels = _funnel_rows(request)
    # The way back up: the parent, while it is still within the user's scope.
    up = Organization.objects.restrict(request.user, VIEW).filter(pk=org.parent_id).first() \
        if org.parent_id and org.pk != request.user.organization_id else None
    columns = _columns()
    return render(request, "demands/funnel.html", {
        "org": org, "form": form, "columns": columns,
        "total": [total.get(key) for key, _label in columns],
        "children": [(child, [figures.get(key) for key, _label in columns]) for child, figures in children],
        "levels": [(level, [level.figures.get(key) for key, _label in columns]) for level in levels],
        "up": up, "query": request.GET.urlencode()})


@login_required
@require_GET
def funnel_export(request):
    _require(request, VIEW)
    org, _form, total, children, levels = _funnel_rows(request)
    columns = _columns()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "需求漏斗"
    sheet.append([pgettext("funnel", "Organisation"), *[label for _key, label in columns]])
    sheet.append([org.name, *[_cell(total.get(key)) for key, _label in columns]])
    for child, figures in children:
        sheet.append([child.name, *[_cell(figures.get(key)) for key, _label in columns]])
    # The same rows as the page's table by level.
    by_level = book.create_sheet(_("By level"))
    by_level.append([_("Level"), *[label for _key, label in columns]])
    for level in levels:
        by_level.append([level.label, *[_cell(level.figures.get(key)) for key, _label in columns]])
    return xlsx_response(book, f"{org.name}-需求漏斗.xlsx")


def _cell(value):
    """A figure as the workbook keeps it: numbers as numbers, nothing as empty."""
    if value is None:
        return None
    return float(value) if not isinstance(value, int) else value

