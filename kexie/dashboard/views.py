"""The dashboard page and the .xlsx export of each of its parts.

Both need ``plan.view`` (403 without it); ``?org=`` (default: the user's organisation) and
``?plan=`` must be within the user's scope (404 otherwise). The numbers come from
:func:`kexie.dashboard.selectors.dashboard_for`, the tables from :mod:`kexie.dashboard.tables`.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_GET

from kexie.core.excel import xlsx_response
from kexie.organizations.forms import OrgChoiceField
from kexie.organizations.models import Organization

from . import selectors, services, tables

PAGE_SIZE = 20
CODE = selectors.CODE


def _require(request) -> None:
    if not request.user.has_code(CODE):
        raise PermissionDenied


def _organization(request) -> Organization:
    """``?org=``, else the user's own organisation, else the top of their scope; 404 outside it."""
    raw = request.GET.get("org", "").strip()
    if raw:
        return selectors.accessible_organization(request.user, raw)
    if request.user.organization_id:
        return selectors.accessible_organization(request.user, request.user.organization_id)
    top = Organization.objects.restrict(request.user, CODE).order_by("depth", "sort_order", "name").first()
    if top is None:
        raise Http404
    return top


def _plan(request, organization):
    raw = request.GET.get("plan", "").strip()
    if not raw:
        return None
    plan = selectors.plans_for(request.user, organization).filter(pk=raw if raw.isdigit() else None).first()
    if plan is None:
        raise Http404
    return plan


def _page(request, name: str) -> int:
    raw = request.GET.get(name, "")
    return max(int(raw), 1) if raw.isdigit() else 1


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title}（{obj.organization.display_name}）"


class PickerForm(forms.Form):
    """Which organisation's subtree, and optionally which plan, the dashboard shows."""

    org = OrgChoiceField(label=pgettext_lazy("dashboard", "Organisation"), queryset=Organization.objects.none())
    plan = PlanChoiceField(label=pgettext_lazy("dashboard", "Plan"), required=False, queryset=None,
                           empty_label=gettext_lazy("All plans"))

    def __init__(self, *args, user, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.restrict(user, CODE).order_by("depth", "sort_order", "name")
        self.fields["org"].use_text_input_if_large()
        self.fields["plan"].queryset = selectors.plans_for(user, organization)


def _pager(request, name: str, page: int, total: int) -> dict:
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)

    def query(number):
        params = request.GET.copy()
        params[name] = number
        return params.urlencode()
    return {"number": page, "pages": pages, "total": total, "previous_query": query(page - 1) if page > 1 else "",
            "next_query": query(page + 1) if page < pages else ""}


def _chart_data(dashboard) -> dict:
    """What dashboard.js draws: labels and series, in the page's language."""
    def p(text):
        return pgettext("dashboard", text)

    def series(rows, get):
        # A cycle with nothing recorded is a gap in the chart (null), not a zero.
        def values(colour):
            return [getattr(get(r), colour) if getattr(r, "recorded", True) else None for r in rows]
        return {"green": values("green"), "amber": values("amber"), "red": values("red")}
    return {
        "names": {"green": p("Green"), "amber": p("Amber"), "red": p("Red"), "average": p("Average progress (%)"),
                  "filing": p("Filing rate (%)"), "attainment": p("Attainment (%)")},
        "counts": {"green": dashboard.counts.green, "amber": dashboard.counts.amber, "red": dashboard.counts.red},
        "lead": {"labels": [r.name for r in dashboard.by_lead], **series(dashboard.by_lead, lambda r: r.counts)},
        "level": {"labels": [r.level for r in dashboard.by_level], **series(dashboard.by_level, lambda r: r.counts),
                  "average": [r.average_percent for r in dashboard.by_level],
                  "filing": [r.filing_rate for r in dashboard.by_level]},
        "trend": {"labels": [r.label for r in dashboard.trend], **series(dashboard.trend, lambda r: r.counts),
                  "average": [r.average_percent for r in dashboard.trend],
                  "filing": [r.filing_rate for r in dashboard.trend]},
        "targets": {"labels": [f"{r.task}：{r.target}" for r in dashboard.targets],
                    "attainment": [float(r.attainment) if r.attainment is not None else None
                                   for r in dashboard.targets]},
    }


@login_required
@require_GET
def home(request):
    _require(request)
    organization = _organization(request)
    plan = _plan(request, organization)
    overdue_page, late_page = _page(request, "overdue_page"), _page(request, "late_page")
    dashboard = selectors.dashboard_for(user=request.user, organization=organization, plan=plan, rows=PAGE_SIZE,
                                        overdue_offset=(overdue_page - 1) * PAGE_SIZE,
                                        late_offset=(late_page - 1) * PAGE_SIZE)
    query = {"org": organization.pk, **({"plan": plan.pk} if plan else {})}
    form = PickerForm(initial=query, user=request.user, organization=organization)
    parts = {part: tables.table(dashboard, part) for part in tables.PARTS}
    return render(request, "dashboard/home.html", {
        "dashboard": dashboard, "organization": organization, "plan": plan, "form": form, "tables": parts,
        "charts": _chart_data(dashboard), "query_string": urlencode(query),
        "overdue_pager": _pager(request, "overdue_page", overdue_page, dashboard.overdue_total),
        "late_pager": _pager(request, "late_page", late_page, dashboard.late_total),
        # The monthly meeting pack (pack_views) needs the export permission.
        "can_pack": request.user.has_code("plan.export"), "today": timezone.localdate(),
    })


@login_required
@require_GET
def export(request, part: str):
    """One part of the dashboard as a workbook: every row, with the numbers of the page."""
    _require(request)
    if part not in tables.PARTS:
        raise Http404
    organization = _organization(request)
    plan = _plan(request, organization)
    filename, workbook = services.dashboard_export(by=request.user, organization=organization, part=part, plan=plan)
    return xlsx_response(workbook, filename)
