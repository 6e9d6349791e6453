"""Pages of the organisation registry: tree, list, detail, forms, import and export.

Every view checks the permission code first (403 without it) and then fetches objects through
the user's data scope (404 outside it). The services do the writing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kexie.accounts.scope import access_object
from kexie.core.excel import write_workbook, xlsx_response
from kexie.core.forms import apply_service_errors
from kexie.core.masking import mask_email, mask_phone
from kexie.accounts.scope import require_page_code as _require
from kexie.core.paging import paginate

from . import importers, selectors, services
from .forms import (
    BatchStatusForm,
    ImportUploadForm,
    MoveForm,
    OrganizationFilterForm,
    OrganizationForm,
    StatusForm,
)
from .models import Organization, OrganizationImport, OrgKind, OrgStatus

PAGE_SIZE = 25


def _get_org(request, pk, code: str) -> Organization:
    _require(request, code)
    return access_object(Organization, request.user, code, pk=pk)


# --- browsing ----------------------------------------------------------------------------------

@login_required
@require_GET
def tree(request):
    _require(request, "org.view")
    query = request.GET.get("q", "").strip()
    context = {"query": query}
    if query:
        context["results"] = selectors.search_organizations(request.user, query)
    else:
        context["roots"] = selectors.visible_roots(request.user)
    return render(request, "organizations/tree.html", context)


@login_required
@require_GET
def search(request):
    """The large-scope picker's results (JSON): organisations within the user's scope whose name,
    short name, alias or pinyin contains every word typed, each with its full path."""
    _require(request, "org.view")
    words = request.GET.get("q", "").split()[:5]
    found = selectors.visible_organizations(request.user)
    for word in words:
        found = found.search(word)
    rows = list(found.order_by("depth", "sort_order", "name").values_list("pk", flat=True)[:20]) if words else []
    paths = selectors.path_labels(rows)
    return JsonResponse({"results": [{"id": pk, "label": paths.get(pk, "")} for pk in rows]})


@login_required
@require_GET
def children(request, pk):
    """The children of one node, as an HTML fragment for the tree (htmx)."""
    org = _get_org(request, pk, "org.view")
    nodes = selectors.visible_children(request.user, org)
    return render(request, "organizations/_tree_nodes.html", {"nodes": nodes, "parent": org})


def _filtered(request, action: str):
    form = OrganizationFilterForm(request.GET or None, user=request.user)
    queryset = selectors.visible_organizations(request.user, action).select_related("parent")
    filters = form.filters() if form.is_bound else {}
    return form, selectors.filter_organizations(queryset, **filters)


@login_required
@require_GET
def organization_list(request):
    _require(request, "org.view")
    form, queryset = _filtered(request, "org.view")
    page = paginate(request, queryset, PAGE_SIZE)
    selectors.with_child_counts(request.user, page.object_list)
    sort = request.GET.get("sort", "")
    columns = [("name", _("Name")), ("kind", _("Kind")), ("status", _("Status")),
               ("region_code", _("Region code")), ("created_at", _("Created on"))]
    return render(request, "organizations/list.html", {
        "form": form, "page_obj": page, "organizations": page.object_list, "sort": sort,
        "columns": [{"field": f, "label": label, "active": sort.lstrip("-") == f,
                     "next": f"-{f}" if sort == f else f, "desc": sort == f"-{f}"} for f, label in columns],
        "status_choices": OrgStatus.choices,
        "can": {code: request.user.has_code(f"org.{code}") for code in
                ("add", "import", "export", "deactivate")},
    })


@login_required
@require_GET
def detail(request, pk):
    org = _get_org(request, pk, "org.view")
    user = request.user
    return render(request, "organizations/detail.html", {
        "org": org,
        # The contact's phone and e-mail are personal data: masked here as everywhere.
        "contact_phone": mask_phone(org.contact_phone), "contact_email": mask_email(org.contact_email),
        "ancestors": selectors.visible_ancestors(user, org),
        "children": selectors.visible_children(user, org),
        "people": selectors.organization_people(org),
        "status_history": org.status_history.select_related("changed_by")[:50],
        "history": selectors.organization_change_history(org),
        "can": {code: user.has_code(f"org.{code}") for code in ("add", "change", "move", "deactivate")},
    })


# --- changing ----------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    _require(request, "org.add")
    may_root = selectors.has_unlimited_scope(request.user, "org.add")
    initial = {}
    if request.GET.get("parent"):
        parent = Organization.objects.restrict(request.user, "org.add").filter(
            pk=request.GET["parent"]).first() if request.GET["parent"].isdigit() else None
        if parent is not None:
            initial["parent"] = parent.pk
    form = OrganizationForm(request.POST or None, user=request.user, may_create_root=may_root, initial=initial)
    if request.method == "POST" and form.is_valid():
        parent = form.cleaned_data["parent"]
        try:
            org = services.organization_create(by=request.user, parent=parent, **form.service_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was created.") % {"name": org.name})
            return redirect("organizations:detail", pk=org.pk)
    return render(request, "organizations/form.html", {"form": form, "org": None})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    org = _get_org(request, pk, "org.change")
    form = OrganizationForm(request.POST or None, user=request.user, organization=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(by=request.user, organization=org, data=form.service_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": form.cleaned_data["name"]})
            return redirect("organizations:detail", pk=org.pk)
    return render(request, "organizations/form.html", {"form": form, "org": org})


@login_required
@require_http_methods(["GET", "POST"])
def move(request, pk):
    org = _get_org(request, pk, "org.move")
    may_root = selectors.has_unlimited_scope(request.user, "org.move")
    form = MoveForm(request.POST or None, user=request.user, organization=org, may_create_root=may_root)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_move(by=request.user, organization=org, new_parent=form.cleaned_data["new_parent"])
        except ValidationError as error:
            # The service reports everything against "parent"; the form calls it new_parent.
            for message in getattr(error, "message_dict", {}).get("parent", error.messages):
                form.add_error("new_parent", message)
        else:
            messages.success(request, _("%(name)s was moved.") % {"name": org.name})
            return redirect("organizations:detail", pk=org.pk)
    return render(request, "organizations/move.html", {"form": form, "org": org})


@login_required
@require_http_methods(["GET", "POST"])
def status(request, pk):
    org = _get_org(request, pk, "org.deactivate")
    initial = {"status": request.GET.get("to")} if request.GET.get("to") in OrgStatus.values else {}
    form = StatusForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_set_status(by=request.user, organization=org, status=form.cleaned_data["status"],
                                             reason=form.cleaned_data["reason"].strip())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The status of %(name)s was changed.") % {"name": org.name})
            return redirect("organizations:detail", pk=org.pk)
    return render(request, "organizations/status.html", {"form": form, "org": org})


@login_required
def batch_status(request):
    _require(request, "org.deactivate")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = BatchStatusForm(request.POST)
    # Back to the list page the user came from (with its filters), never anywhere else.
    list_url = reverse("organizations:list")
    back = request.POST.get("next") or ""
    if not back.startswith(list_url):
        back = list_url
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    ids = form.cleaned_data["ids"]
    organizations = list(Organization.objects.restrict(request.user, "org.deactivate").filter(pk__in=ids))
    if len(organizations) != len(set(ids)):
        raise Http404
    try:
        changed = services.organization_batch_set_status(
            by=request.user, organizations=organizations, status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"].strip())
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The status of %(count)d organisations was changed.") % {"count": changed})
    return redirect(back)


# --- import and export -------------------------------------------------------------------------

EXPORT_COLUMNS = ["name", "short_name", "aliases", "kind", "parent", "credit_code", "region_code", "founded_on",
                  "status", "contact_person", "contact_phone", "contact_email", "address"]


def _export_row(org: Organization) -> list:
    return [
        org.name, org.short_name, "，".join(org.aliases or []), org.get_kind_display(),
        org.parent.name if org.parent_id else "", org.credit_code, org.region_code,
        org.founded_on.isoformat() if org.founded_on else "", org.get_status_display(),
        org.contact_person, mask_phone(org.contact_phone), mask_email(org.contact_email), org.address,
    ]


@login_required
@require_GET
def export(request):
    _require(request, "org.export")
    form, queryset = _filtered(request, "org.export")
    title = _("Organisations")
    workbook = services.organization_export(
        by=request.user, queryset=queryset, filters=form.description() if form.is_bound else {},
        headers=[str(importers.COLUMN_LABELS[c]) for c in EXPORT_COLUMNS], row_for=_export_row, title=title)
    return xlsx_response(workbook, f"{title}-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_GET
def import_template(request):
    _require(request, "org.import")
    headers = [str(label) + ("*" if required else "") for _key, label, required, _max in importers.COLUMNS]
    example = [str(importers.EXAMPLE_ROW[key]) for key, *_rest in importers.COLUMNS]
    title = _("Organisation import template (row 3 is an example: replace or delete it; * marks required "
              "columns)")
    workbook = write_workbook(title=title, sheet_name=_("Organisations"), headers=headers, rows=[example])
    _add_choice_validation(workbook)
    _keep_codes_as_text(workbook)
    return xlsx_response(workbook, _("Organisation import template") + ".xlsx")


def _add_choice_validation(workbook) -> None:
    """Drop-down lists for the kind and status columns (a hidden sheet holds the choices)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = workbook.active
    lists = workbook.create_sheet("choices")
    lists.sheet_state = "hidden"
    keys = [key for key, *_rest in importers.COLUMNS]
    for col, (key, choices) in enumerate((("kind", OrgKind.choices), ("status", OrgStatus.choices)), start=1):
        for row, (_value, label) in enumerate(choices, start=1):
            lists.cell(row=row, column=col, value=str(label))
        letter = get_column_letter(col)
        validation = DataValidation(type="list", formula1=f"=choices!${letter}$1:${letter}${len(choices)}",
                                    allow_blank=True)
        validation.error = _("Choose a value from the list.")
        validation.showErrorMessage = True
        target = get_column_letter(keys.index(key) + 1)
        validation.add(f"{target}3:{target}5002")
        sheet.add_data_validation(validation)


def _keep_codes_as_text(workbook) -> None:
    """Excel turns an all-digit code into a number and loses digits past the 15th: format the
    code and phone columns as text."""
    from openpyxl.styles import Font

    sheet = workbook.active
    keys = [key for key, *_rest in importers.COLUMNS]
    for key in ("credit_code", "region_code", "contact_phone", "founded_on"):
        column = keys.index(key) + 1
        for row in range(3, 1003):
            sheet.cell(row=row, column=column).number_format = "@"
    for cell in sheet[3]:
        cell.font = Font(italic=True, color="808080")


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    _require(request, "org.import")
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = importers.read_import_file(upload)
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            batch = services.organization_import_prepare(by=request.user, filename=upload.name, rows=rows)
            return redirect("organizations:import_preview", pk=batch.pk)
    return render(request, "organizations/import.html", {"form": form})


def _get_batch(request, pk) -> OrganizationImport:
    _require(request, "org.import")
    # An import belongs to whoever uploaded it; anyone else's is "not found".
    return get_object_or_404(OrganizationImport, pk=pk, created_by=request.user)


def _import_scope(request):
    return (Organization.objects.restrict(request.user, "org.import"),
            selectors.has_unlimited_scope(request.user, "org.import"))


@login_required
@require_GET
def import_preview(request, pk):
    batch = _get_batch(request, pk)
    if batch.status != OrganizationImport.Status.PENDING:
        messages.info(request, _("This import has already been carried out."))
        return redirect("organizations:list")
    scope, may_root = _import_scope(request)
    results = importers.validate_rows(batch.rows, scope_queryset=scope, may_create_root=may_root)
    return _render_preview(request, batch, results)


def _render_preview(request, batch, results, status=200):
    error_rows = sum(1 for r in results if not r.ok)
    for result in results:
        result.cells = [result.values.get(key, "") for key, *_rest in importers.COLUMNS]
    return render(request, "organizations/import_preview.html", {
        "batch": batch, "results": results, "error_rows": error_rows, "ok_rows": len(results) - error_rows,
        "columns": importers.COLUMNS,
    }, status=status)


@login_required
def import_confirm(request, pk):
    batch = _get_batch(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    scope, may_root = _import_scope(request)
    try:
        created = services.organization_import(by=request.user, batch=batch, scope_queryset=scope,
                                               may_create_root=may_root)
    except services.ImportRejected as rejected:
        messages.error(request, _("Nothing was imported: some rows have errors."))
        return _render_preview(request, batch, rejected.results, status=400)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("organizations:list")
    messages.success(request, _("%(count)d organisations were imported.") % {"count": len(created)})
    return redirect("organizations:list")
