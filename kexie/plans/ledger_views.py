"""The ledger (台账) pages and its Excel export and import of corrections.

Each view checks the permission code first (403 without it); plans and items come through the
user's data scope (404 outside it). Reading goes through ``selectors.ledger_items``; writing
through ``corrections.corrections_apply``.
"""

import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.utils import flatatt
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie.accounts.scope import access_object
from kexie.accounts.scope import require_page_code as _require
from kexie.core.downloads import file_download
from kexie.core.excel import XLSX_CONTENT_TYPE
from kexie.audit.freshness import generation, remembered
from kexie.core.paging import paginate
from kexie.organizations.forms import PICKER_PROMPT, OrgChoiceField, more_than_a_select, picker_search
from kexie.organizations.selectors import organization_paths, path_labels
from kexie.organizations.models import Organization
from kexie.tracking.models import Colour
from kexie.tracking.rules import is_overdue
from kexie.tracking.selectors import task_lights
from kexie.tracking.statistics import statistics_date

from . import corrections, ledger_excel
from .models import TRACKED_KINDS, AssignmentRole, ItemStatus, Plan
from .paging import LedgerPaginator
from .selectors import ledger_items, target_label

PAGE_SIZE = 25
SESSION_KEY = "ledger_corrections"
# The page counts matching rows only this far past its first row; beyond, it shows "1,000+".
COUNT_CAP = 1000
# How long the filter form's lists are kept at most; a change to the data retires them sooner.
LISTS_CACHE_SECONDS = 600
# What the page shows of an item, its plan and its parent (no item text, no plan source text).
PAGE_COLUMNS = ("id", "plan_id", "parent_id", "key", "position", "kind", "title", "due", "status",
                "plan__id", "plan__title", "parent__id", "parent__key", "parent__title")


def _plan_label(title: str, organization: str) -> str:
    return f"{title}（{organization}）"


class PlainSelect(forms.Select):
    """A ``<select>`` written out in Python: Django renders each option through a template, which
    costs a millisecond per dozen options, and the plan and unit lists hold up to 500."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        # A third element, when given, is the option's data-search (the organisation picker's).
        options = "".join(
            f'<option value="{escape(option)}"{" selected" if str(option) in chosen else ""}'
            + (f' data-search="{escape(rest[0])}"' if rest else "") + f">{escape(label)}</option>"
            for option, label, *rest in self.choices)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)),
                           mark_safe(options))  # noqa: S308 - every value and label is escaped above


class UnitChoiceField(OrgChoiceField):
    """The responsible-unit filter; the organisation found while cleaning is kept, so that the
    text box shows its name without asking the database again."""

    def to_python(self, value):
        organization = super().to_python(value)
        self.found = organization
        return organization

    def prepare_value(self, value):
        found = getattr(self, "found", None)
        if found is not None and isinstance(self.widget, forms.TextInput) and str(value) in (str(found.pk),
                                                                                            found.name):
            return path_labels([found.pk]).get(found.pk, found.name)
        return super().prepare_value(value)


def _filter_lists(user, *, with_plan: bool, chosen: str, generation: str | None) -> dict:
    """The filter form's plan list and unit list (None: too many units, a text box instead).

    A national clerk's scope holds thousands of plans and tens of thousands of organisations, and
    asking about them costs more than the page's rows (on SQLite most of the page): with the
    data's ``generation`` (:mod:`kexie.audit.freshness`) the lists are kept in the cache until
    something changes. They only offer choices; the fields still check a choice against the scope.
    """
    if generation is not None:
        return remembered(("ledger-lists", user.pk, with_plan, chosen),
                          lambda: _filter_lists(user, with_plan=with_plan, chosen=chosen, generation=None),
                          seconds=LISTS_CACHE_SECONDS, now=generation)
    lists = {"plans": [], "units": None}
    if with_plan:
        plans = Plan.objects.restrict(user, "plan.view")
        rows = plans.values_list("pk", "title", "organization__short_name", "organization__name")
        if more_than_a_select(plans):
            # At national level thousands of plans are in scope: the list offers the user's own
            # organisation's plans (and the one chosen); any plan in scope is still accepted.
            rows = rows.filter(Q(organization_id=user.organization_id)
                               | Q(pk=int(chosen) if chosen.isdigit() else None))
        lists["plans"] = [(pk, _plan_label(title, short_name or name)) for pk, title, short_name, name in rows]
    organizations = Organization.objects.restrict(user, "org.view")
    if not more_than_a_select(organizations):
        # Labelled by full path in tree order, searchable, as every organisation picker is.
        rows = dict(organizations.values_list("pk", "search_text"))
        paths = organization_paths(rows)
        lists["units"] = [(pk, paths[pk].label, picker_search(paths[pk].label, rows[pk]))
                          for pk in sorted(rows, key=lambda pk: paths[pk].key)]
    return lists


class LedgerFilterForm(forms.Form):
    """The search form above the ledger (GET). ``plan`` is left out on a single plan's page.

    The plan and unit lists are built from tuples (no model instances, see ``_filter_lists``) and
    written out by ``PlainSelect``; validation still goes through the fields' scoped querysets.
    """

    plan = forms.ModelChoiceField(label=gettext_lazy("Plan"), required=False, queryset=Plan.objects.none(),
                                  empty_label=gettext_lazy("All plans"), widget=PlainSelect)
    unit = UnitChoiceField(label=gettext_lazy("Responsible unit"), required=False,
                           queryset=Organization.objects.none(), empty_label=gettext_lazy("All units"),
                           help_text=gettext_lazy("Lead or co-responsible, the unit or any unit under it."),
                           widget=PlainSelect(attrs={"data-picker": PICKER_PROMPT}))
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False, choices=[
        ("", gettext_lazy("All kinds")), *[(k.value, k.label) for k in TRACKED_KINDS]])
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False,
                               choices=[("", gettext_lazy("All statuses")), *ItemStatus.choices])
    due_after = forms.DateField(label=gettext_lazy("Deadline from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    due_before = forms.DateField(label=gettext_lazy("Deadline to"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    colour = forms.ChoiceField(label=pgettext_lazy("ledger column", "Light"), required=False,
                               choices=[("", gettext_lazy("All lights")), *Colour.choices])
    q = forms.CharField(label=gettext_lazy("Keywords"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Task title or text")}))
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, with_plan: bool = True, generation: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = str(self.data.get("plan") or "") if with_plan else ""
        lists = _filter_lists(user, with_plan=with_plan, chosen=chosen, generation=generation)
        if with_plan:
            field = self.fields["plan"]
            # Only checks a choice now (the labels come from _filter_lists): no organisation to join.
            field.queryset = Plan.objects.restrict(user, "plan.view")
            field.widget.choices = [("", field.empty_label), *lists["plans"]]
        else:
            del self.fields["plan"]
        unit = self.fields["unit"]
        unit.queryset = Organization.objects.restrict(user, "org.view").order_by("depth", "name")
        if lists["units"] is None:
            unit.use_text_input()
        else:
            unit.widget.choices = [("", unit.empty_label), *lists["units"]]

    def clean(self):
        data = super().clean()
        after, before = data.get("due_after"), data.get("due_before")
        if after and before and after > before:
            self.add_error("due_before", _("The end of the deadline range is before its start."))
        return data

    def filters(self) -> dict:
        """Keyword arguments for ``selectors.ledger_items`` (empty when the form is invalid)."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "plan": data.get("plan"), "organization": data.get("unit"), "kind": data.get("kind") or None,
            "status": data.get("status") or None, "due_after": data.get("due_after"),
            "due_before": data.get("due_before"), "text": (data.get("q") or "").strip() or None,
            "colour": data.get("colour") or None, "sort": data.get("sort") or None,
        }

    def description(self) -> dict:
        """The filters as written, for the audit row of an export."""
        filters = self.filters()
        return {key: str(getattr(value, "pk", value)) for key, value in filters.items() if value}


def _row(item, today, light) -> dict:
    def units(role):
        return [{"label": ledger_excel.unit_label(a) if a.organization_id else a.unit_name,
                 "unassigned": not a.organization_id} for a in item.assignments.all() if a.role == role]
    return {
        # reverse() here: the {% url %} tag costs several times more, twice a row.
        "item": item, "task_url": reverse("tracking:task", args=[item.pk]),
        "plan_url": reverse("ledger:plan", args=[item.plan_id]),
        "lead": units(AssignmentRole.LEAD), "co": units(AssignmentRole.CO),
        "targets": [{"label": target_label(t), "metric": t.metric, "text": t.text} for t in item.targets.all()],
        # The light as the task page shows it; overdue as its snapshot says once the task is tracked.
        "light": light,
        "overdue": light.overdue if light.tracked else is_overdue(
            completed=item.status == ItemStatus.COMPLETED, due=item.due, today=today),
    }


def _columns(sort: str, with_plan: bool) -> list[dict]:
    def label(text):
        return pgettext("ledger column", text)
    columns = [("key", label("No.")), ("title", label("Task")), ("lead", label("Lead units")),
               (None, label("Co-responsible units")), ("due", label("Deadline")), (None, label("Target")),
               ("status", label("Status")), (None, label("Light")), ("percent", label("Progress"))]
    if with_plan:
        columns.insert(0, ("plan", label("Plan")))
    return [{"field": f, "label": label, "active": bool(f) and sort.lstrip("-") == f,
             "next": f"-{f}" if sort == f else f, "desc": sort == f"-{f}"} for f, label in columns]


def _ledger(request, plan=None):
    _require(request, "plan.view")
    # Read first: what is cached under it was computed from data at least this recent.
    data_generation = generation()
    form = LedgerFilterForm(request.GET or None, user=request.user, with_plan=plan is None,
                            generation=data_generation)
    filters = form.filters()
    if plan is not None:
        filters["plan"] = plan
    items = ledger_items(request.user, **filters).only(*PAGE_COLUMNS)
    page = paginate(request, items, PAGE_SIZE, paginator_class=LedgerPaginator, user=request.user, filters=filters,
                    cap=COUNT_CAP, number=request.GET.get("page"), generation=data_generation)
    # The page's rows with their lights: one query for the page, not one a row.
    lights = task_lights(item.pk for item in page.object_list)
    today = statistics_date()  # the day the lights were computed for: one overdue rule
    sort = request.GET.get("sort", "")
    query = request.GET.urlencode()
    if plan is not None:
        export_url, import_url = reverse("ledger:plan_export", args=[plan.pk]), reverse("ledger:plan_import",
                                                                                          args=[plan.pk])
    else:
        export_url, import_url = reverse("ledger:export"), reverse("ledger:import")
    return render(request, "ledger/list.html", {
        "plan": plan, "form": form, "page_obj": page,
        "rows": [_row(item, today, lights[item.pk]) for item in page.object_list], "statistics_day": today,
        "columns": _columns(sort, plan is None), "sort": sort,
        "export_url": f"{export_url}?{query}" if query else export_url, "import_url": import_url,
        "can": {"export": request.user.has_code("plan.export"), "change": request.user.has_code("plan.change")},
    })


@login_required
@require_GET
def ledger_all(request):
    """The ledger across every plan the user may see."""
    return _ledger(request)


@login_required
@require_GET
def ledger_plan(request, pk):
    """The ledger of one plan."""
    _require(request, "plan.view")
    plan = access_object(Plan.objects.select_related("organization"), request.user, "plan.view", pk=pk)
    return _ledger(request, plan)


# --- export ------------------------------------------------------------------------------------

def _export(request, plan=None):
    _require(request, "plan.export")
    form = LedgerFilterForm(request.GET or None, user=request.user, with_plan=plan is None)
    if form.is_bound and not form.is_valid():
        # Never export more than the user asked for: show the page with the filter's errors.
        messages.error(request, _("Correct the search conditions before exporting."))
        response = _ledger(request, plan)
        response.status_code = 400
        return response
    filters = form.filters()
    if plan is not None:
        filters["plan"] = plan
    chosen = filters.get("plan")
    title = chosen.title if chosen else _("Ledger of key tasks")
    output, _count = ledger_excel.ledger_export(
        by=request.user, items=ledger_items(request.user, code="plan.export", **filters), title=title,
        filters=form.description() | ({"plan": str(plan.pk)} if plan else {}), several_plans=chosen is None)
    filename = f"{title}-{_('ledger')}-{timezone.localdate():%Y%m%d}.xlsx"
    return file_download(output, filename, content_type=XLSX_CONTENT_TYPE)


@login_required
@require_GET
def export_all(request):
    return _export(request)


@login_required
@require_GET
def export_plan(request, pk):
    _require(request, "plan.export")
    plan = access_object(Plan, request.user, "plan.export", pk=pk)
    return _export(request, plan)


# --- import of corrections -----------------------------------------------------------------------

class CorrectionUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Corrected ledger (.xlsx)"),
                           help_text=gettext_lazy("The exported ledger sheet, edited."))


def _upload(request, plan=None):
    _require(request, "plan.change")
    form = CorrectionUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = ledger_excel.sheet_rows(upload)
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            report = corrections.corrections_check(user=request.user, rows=rows, plan=plan)
            token = secrets.token_urlsafe(12)
            # One pending correction per session: the rows wait here for the confirmation.
            request.session[SESSION_KEY] = {"token": token, "plan": plan.pk if plan else None,
                                            "file": upload.name[:200], "rows": rows}
            return _preview(request, report, plan=plan, token=token, filename=upload.name)
    return render(request, "ledger/import.html", {"form": form, "plan": plan})


def _preview(request, report, *, plan, token, filename, status=200):
    return render(request, "ledger/import_preview.html", {
        "report": report, "plan": plan, "token": token, "filename": filename,
        "shown": [r for r in report.rows if r.errors or r.changes],
        "unchanged": sum(1 for r in report.rows if r.ok and not r.changes),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_all(request):
    """Upload a corrected sheet of the ledger across plans (rows matched by system ID)."""
    return _upload(request)


@login_required
@require_http_methods(["GET", "POST"])
def import_plan(request, pk):
    """Upload a corrected sheet of one plan's ledger (rows matched by 序号 or system ID)."""
    _require(request, "plan.change")
    plan = access_object(Plan, request.user, "plan.change", pk=pk)
    return _upload(request, plan)


@login_required
@require_POST
def import_confirm(request):
    """Apply the checked corrections kept in the session — all of them, or none."""
    _require(request, "plan.change")
    pending = request.session.get(SESSION_KEY) or {}
    if not pending or pending.get("token") != request.POST.get("token"):
        messages.error(request, _("The checked file is no longer available; upload it again."))
        return redirect("ledger:import")
    plan = access_object(Plan, request.user, "plan.change", pk=pending["plan"]) if pending.get("plan") else None
    try:
        report = corrections.corrections_apply(by=request.user, rows=pending["rows"], plan=plan,
                                               source_name=pending.get("file", ""))
    except corrections.CorrectionsRejected as rejected:
        messages.error(request, _("Nothing was saved: some rows have errors."))
        return _preview(request, rejected.report, plan=plan, token=pending["token"], filename=pending.get("file"),
                        status=400)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _preview(request, corrections.corrections_check(user=request.user, rows=pending["rows"], plan=plan),
                        plan=plan, token=pending["token"], filename=pending.get("file"), status=400)
    del request.session[SESSION_KEY]
    messages.success(request, _("%(count)d items of the ledger were corrected.") % {"count": len(report.changed)})
    return redirect(reverse("ledger:plan", args=[plan.pk]) if plan else reverse("ledger:all"))
