"""Plan pages: list, detail, the reviewed import of a document and the revision of a plan.

Every view checks the permission code first (403 without it) and then fetches objects through
the user's data scope (404 outside it). The services do the writing; a review edit answers an
htmx request with the re-rendered fragment and a plain POST with a redirect to the review.
"""

import json
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie.accounts.scope import access_object
from kexie.core.downloads import content_disposition, file_download
from kexie.core.forms import apply_service_errors
from kexie.core.paging import paginate
from kexie.organizations.models import Organization
from kexie.organizations.selectors import path_labels
from kexie.accounts.scope import require_page_code as _require

from . import services, tree
from .alignment import ancestors_have_plans
from .forms import DocumentForm, MetadataForm, PlanFilterForm, UnitMappingForm
from .matching import suggest_organizations
from .models import TRACKED_KINDS, AssignmentRole, ImportStatus, ItemKind, Plan, PlanImport, PlanStatus
from .selectors import plan_diff, plan_items_with_details, plan_to_json

PAGE_SIZE = 20
_SENTENCE_END = re.compile(r"[。；;！？]")


def _get_plan(request, pk, code: str) -> Plan:
    _require(request, code)
    return access_object(Plan.objects.select_related("organization", "previous"), request.user, code, pk=pk)


def _get_import(request, pk) -> PlanImport:
    _require(request, "plan.import")
    return access_object(PlanImport.objects.select_related("organization", "base_plan"), request.user,
                         "plan.import", pk=pk)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- browsing ----------------------------------------------------------------------------------

@login_required
@require_GET
def plan_list(request):
    _require(request, "plan.view")
    form = PlanFilterForm(request.GET or None)
    plans = Plan.objects.restrict(request.user, "plan.view").select_related("organization").annotate(
        item_count=Count("items", distinct=True),
        task_count=Count("items", filter=Q(items__kind__in=TRACKED_KINDS), distinct=True),
    ).order_by("-issued_on", "-id")  # annotating drops Meta.ordering
    if form.is_valid():
        query, status = form.cleaned_data["q"].strip(), form.cleaned_data["status"]
        if query:
            plans = plans.filter(Q(title__icontains=query) | Q(issuer__icontains=query)
                                 | Q(doc_number__icontains=query))
        if status:
            plans = plans.filter(status=status)
    page = paginate(request, plans, PAGE_SIZE)
    can_import = request.user.has_code("plan.import")
    drafts = []
    if can_import:
        drafts = list(PlanImport.objects.restrict(request.user, "plan.import").filter(
            status=ImportStatus.DRAFT).select_related("organization", "created_by")[:20])
    return render(request, "plans/list.html", {
        "form": form, "page_obj": page, "plans": page.object_list, "can_import": can_import, "drafts": drafts,
    })


def _unit_label(assignment) -> dict:
    return {"name": assignment.unit_name, "organization": assignment.organization}


@login_required
@require_GET
def plan_detail(request, pk):
    plan = _get_plan(request, pk, "plan.view")
    rows = []
    for item in plan_items_with_details(plan):
        assignments = list(item.assignments.all())
        rows.append({
            "item": item, "indent": item.depth - 1, "tracked": item.kind in TRACKED_KINDS,
            "lead": [_unit_label(a) for a in assignments if a.role == AssignmentRole.LEAD],
            "co": [_unit_label(a) for a in assignments if a.role == AssignmentRole.CO],
            "targets": list(item.targets.all()),
        })
    versions = Plan.objects.restrict(request.user, "plan.view").filter(
        Q(pk=plan.previous_id) | Q(previous=plan)).order_by("version")
    user = request.user
    aligned = plan.alignments.exists()
    return render(request, "plans/detail.html", {
        "plan": plan, "rows": rows, "versions": versions,
        "task_count": sum(1 for r in rows if r["tracked"]),
        # 与上级规划对标 is offered (a link, nothing computed) once the organisations above have plans.
        "alignment": {"exists": aligned, "offer": not aligned and plan.status == PlanStatus.ACTIVE
                      and user.has_code("plan.change") and ancestors_have_plans(plan)},
        "can": {"import": user.has_code("plan.import") and plan.status == PlanStatus.ACTIVE,
                "export": user.has_code("plan.export")},
    })


@login_required
@require_GET
def export_json(request, pk):
    plan = _get_plan(request, pk, "plan.export")
    data = services.plan_export_json(by=request.user, plan=plan)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition(f"{plan.title}-v{plan.version}.json")
    return response


@login_required
@require_GET
def source_file(request, pk):
    """The document the plan was imported from, as uploaded."""
    plan = _get_plan(request, pk, "plan.view")
    if not plan.source_file:
        raise Http404
    try:
        handle = plan.source_file.open("rb")
    except OSError:
        raise Http404 from None
    return file_download(handle, plan.source_name or plan.source_file.name)


# --- starting a review ---------------------------------------------------------------------------

def _plannable_organizations(user):
    return Organization.objects.restrict(user, "plan.import")


def _start_review(request, form: DocumentForm, *, organization, base_plan=None) -> PlanImport:
    upload = form.cleaned_data.get("file")
    mapping = {}
    if base_plan is not None:
        # A revision keeps the units already mapped in the version it replaces.
        units = set(tree.unit_names(form.parsed))
        mapping = {unit: value for unit, value in plan_to_json(base_plan)["unit_mapping"].items() if unit in units}
    return services.plan_import_start(
        by=request.user, organization=organization, source_text=form.source_text, parsed=form.parsed,
        source_name=upload.name if upload else "", uploaded_file=upload, base_plan=base_plan, unit_mapping=mapping)


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request):
    _require(request, "plan.import")
    organizations = _plannable_organizations(request.user)
    initial = {}
    if request.user.organization_id and organizations.filter(pk=request.user.organization_id).exists():
        initial["organization"] = request.user.organization_id
    form = DocumentForm(request.POST or None, request.FILES or None, organizations=organizations, initial=initial)
    if request.method == "POST" and form.is_valid():
        plan_import = _start_review(request, form, organization=form.cleaned_data["organization"])
        return redirect("plans:review", pk=plan_import.pk)
    paste = request.GET.get("mode") == "paste" or bool(request.POST.get("text", "").strip())
    return render(request, "plans/import.html", {"form": form, "base_plan": None, "paste": paste})


@login_required
@require_http_methods(["GET", "POST"])
def revise(request, pk):
    """Upload a revised version of a plan: a review that shows what changed before anything is saved."""
    plan = _get_plan(request, pk, "plan.import")
    if plan.status != PlanStatus.ACTIVE:
        messages.error(request, _("Only the version in force can be revised."))
        return redirect("plans:detail", pk=plan.pk)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        plan_import = _start_review(request, form, organization=plan.organization, base_plan=plan)
        return redirect("plans:review", pk=plan_import.pk)
    return render(request, "plans/import.html", {"form": form, "base_plan": plan})


# --- the review --------------------------------------------------------------------------------

def _split_points(text: str) -> list[tuple[int, str]]:
    """Offsets after each sentence end inside ``text``, with the words that would start the new item."""
    points = []
    for match in _SENTENCE_END.finditer(text):
        at = match.end()
        rest = text[at:].lstrip()
        if rest:
            points.append((at, rest[:20]))
    return points


def _tree_rows(plan_import: PlanImport, mapping_labels: dict) -> list[dict]:
    rows = []
    for item in plan_import.parsed["items"]:
        span = item.get("span") or [None, None]
        rows.append({
            "item": item, "uid": item["uid"], "indent": tree.depth_of(item) - 1,
            "kind_label": dict(ItemKind.choices).get(item.get("kind"), item.get("kind")),
            "span_start": span[0], "span_end": span[1],
            "lead": [(u, mapping_labels.get(u)) for u in item.get("lead_units", [])],
            "co": [(u, mapping_labels.get(u)) for u in item.get("co_units", [])],
            "lead_text": "、".join(item.get("lead_units", [])), "co_text": "、".join(item.get("co_units", [])),
            "split_points": _split_points(item.get("text") or ""),
            # The table cells (任务分工表) an item was made or completed from: column, text, where.
            "source_cells": [cell for cell in item.get("source_cells") or () if isinstance(cell, dict)],
        })
    return rows


def _mapping_labels(plan_import: PlanImport) -> dict:
    """unit string -> {"organization": Organization | None, "unassigned": bool} for mapped units."""
    ids = {m["organization"] for m in plan_import.unit_mapping.values() if m.get("organization")}
    orgs = Organization.objects.in_bulk(ids)
    paths = path_labels(orgs)
    labels = {}
    for unit, value in plan_import.unit_mapping.items():
        labels[unit] = {"organization": orgs.get(value.get("organization")),
                        "path": paths.get(value.get("organization"), ""),
                        "unassigned": bool(value.get("unassigned"))}
    return labels


def _unit_rows(request, plan_import: PlanImport, labels: dict) -> list[dict]:
    candidates = list(services.assignable_organizations(user=request.user, owner=plan_import.organization))
    counts: dict[str, int] = {}
    for item in plan_import.parsed["items"]:
        for unit in dict.fromkeys(item.get("lead_units", []) + item.get("co_units", [])):
            counts[unit] = counts.get(unit, 0) + 1
    organizations = _mapping_choices(request.user)
    own = [org.pk for org in candidates if org.parent_id == plan_import.organization_id]
    rows, choices = [], None
    for unit in tree.unit_names(plan_import.parsed):
        form = UnitMappingForm(organizations=organizations, prefix=None, first=own,
                               initial={"unit": unit, "organization": (labels.get(unit) or {}).get("organization")})
        field = form.fields["organization"]
        if not isinstance(field.widget, forms.TextInput):
            # One list for every row: labelled and ordered once, not once per unit.
            if choices is None:
                choices = list(field.choices)
            field.choices = choices
        rows.append({
            "unit": unit, "count": counts.get(unit, 0), "mapping": labels.get(unit),
            "suggestions": suggest_organizations(unit, candidates, owner=plan_import.organization),
            "form": form,
        })
    paths = path_labels({s.organization.pk for row in rows for s in row["suggestions"]})
    for row in rows:
        row["suggestions"] = [{"organization": s.organization, "score": s.score, "path": paths[s.organization.pk]}
                              for s in row["suggestions"]]
    return rows


def _mapping_choices(user):
    """Any organisation in the user's scope; confirmation checks the mapping against the same set."""
    return Organization.objects.restrict(user, "org.view")


def _review_context(request, plan_import: PlanImport, *, item_errors=None, unit_errors=None,
                    metadata_form=None) -> dict:
    labels = _mapping_labels(plan_import)
    item_errors, unit_errors = item_errors or {}, unit_errors or {}
    rows = _tree_rows(plan_import, labels)
    for row in rows:
        row["error"] = item_errors.get(str(row["uid"]))
    units = _unit_rows(request, plan_import, labels)
    for row in units:
        row["error"] = unit_errors.get(row["unit"])
    unmapped = services.unmapped_units(plan_import)
    context = {
        "plan_import": plan_import, "parsed": plan_import.parsed,
        "rows": rows, "units": units, "unit_errors": unit_errors,
        "unmapped": unmapped,
        "suggestible": sum(1 for row in units if row["unit"] in unmapped and row["suggestions"]),
        "kinds": ItemKind.choices,
        "metadata_form": metadata_form or MetadataForm(initial=MetadataForm.initial_from(plan_import.parsed)),
        "editable": plan_import.status == ImportStatus.DRAFT,
        "item_buttons": [
            ("merge", "", "", _("Merge with previous")), ("indent", "levels", "-1", _("Outdent")),
            ("indent", "levels", "1", _("Indent")), ("move", "direction", "-1", _("Move up")),
            ("move", "direction", "1", _("Move down")), ("delete", "", "", _("Delete")),
        ],
    }
    if plan_import.base_plan_id:
        context["diff"] = plan_diff(plan_to_json(plan_import.base_plan)["items"], plan_import.parsed["items"])
    return context


@login_required
@require_GET
def review(request, pk):
    plan_import = _get_import(request, pk)
    if plan_import.status == ImportStatus.CONFIRMED and plan_import.plan_id:
        return redirect("plans:detail", pk=plan_import.plan_id)
    return render(request, "plans/review.html", _review_context(request, plan_import))


def _names(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[、，,；;\n]+", value or "") if part.strip()]


def _number(value: str, label: str):
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValidationError(_("%(field)s: “%(value)s” is not a number.") % {"field": label, "value": value}) from None
    if not number.is_finite():
        raise ValidationError(_("%(field)s: “%(value)s” is not a number.") % {"field": label, "value": value})
    return int(number) if number == number.to_integral_value() else float(number)


def _int(value, label: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("%(field)s is missing or not a whole number.") % {"field": label}) from None


def _edit_arguments(operation: str, post) -> dict:
    """The keyword arguments of one review edit, from the posted form."""
    if operation == "edit":
        return {"title": post.get("title", ""), "kind": post.get("kind", ""), "due": post.get("due", "").strip()}
    if operation == "split":
        return {"at": _int(post.get("at"), _("Split point"))}
    if operation == "indent":
        return {"levels": 1 if _int(post.get("levels"), _("Level")) > 0 else -1}
    if operation == "move":
        return {"direction": 1 if _int(post.get("direction"), _("Direction")) > 0 else -1}
    if operation == "units":
        return {"lead_units": _names(post.get("lead_units", "")), "co_units": _names(post.get("co_units", ""))}
    if operation == "add_target":
        due = post.get("due", "").strip()
        if due and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", due):
            raise ValidationError(_("Target deadline: a date is written as YYYY-MM-DD."))
        return {"target": {
            "text": post.get("text", "").strip()[:300], "metric": post.get("metric", "").strip()[:200],
            "verb": post.get("verb", "").strip()[:20], "unit": post.get("unit", "").strip()[:20],
            "min": _number(post.get("min"), _("Minimum")), "max": _number(post.get("max"), _("Maximum")),
            "due": due or None,
        }}
    if operation == "remove_target":
        return {"index": _int(post.get("index"), _("Target"))}
    return {}


EDIT_OPERATIONS = {"edit", "delete", "merge", "split", "indent", "move", "units", "add_target", "remove_target"}


@login_required
@require_POST
def review_edit(request, pk):
    """One edit of the parsed tree; answers htmx with the tree (and the units panel) re-rendered."""
    plan_import = _get_import(request, pk)
    operation = request.POST.get("operation", "")
    item_errors = {}
    try:
        uid = _int(request.POST.get("uid"), _("Item"))
        if operation not in EDIT_OPERATIONS:
            raise ValidationError(_("Unknown edit."))
        arguments = _edit_arguments(operation, request.POST)
        plan_import = services.plan_import_edit(by=request.user, plan_import=plan_import, operation=operation,
                                                uid=uid, **arguments)
    except ValidationError as error:
        uid = request.POST.get("uid", "")
        item_errors[str(uid)] = " ".join(error.messages)
        if not _is_htmx(request):
            messages.error(request, item_errors[str(uid)])
    if not _is_htmx(request):
        return redirect("plans:review", pk=plan_import.pk)
    plan_import.refresh_from_db()
    context = _review_context(request, plan_import, item_errors=item_errors)
    context["oob"] = True
    return render(request, "plans/_review_tree_response.html", context)


@login_required
@require_POST
def review_metadata(request, pk):
    plan_import = _get_import(request, pk)
    form = MetadataForm(request.POST)
    if form.is_valid():
        try:
            plan_import = services.plan_import_update_metadata(by=request.user, plan_import=plan_import,
                                                               **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            form = None
            if not _is_htmx(request):
                messages.success(request, _("The plan's details were saved."))
    if not _is_htmx(request):
        if form is not None:
            return render(request, "plans/review.html", _review_context(request, plan_import, metadata_form=form))
        return redirect("plans:review", pk=plan_import.pk)
    context = _review_context(request, plan_import, metadata_form=form)
    context["saved"] = form is None
    return render(request, "plans/_review_metadata.html", context)


@login_required
@require_POST
def review_map_unit(request, pk):
    """Map one unit string to an organisation in scope, or leave it explicitly unassigned."""
    plan_import = _get_import(request, pk)
    form = UnitMappingForm(request.POST, organizations=_mapping_choices(request.user))
    unit = request.POST.get("unit", "")
    unit_errors = {}
    if form.is_valid():
        try:
            plan_import = services.plan_import_map_unit(
                by=request.user, plan_import=plan_import, unit=form.cleaned_data["unit"],
                organization=None if form.cleaned_data["unassigned"] else form.cleaned_data["organization"])
        except ValidationError as error:
            unit_errors[unit] = " ".join(error.messages)
    else:
        unit_errors[unit] = " ".join(m for messages_ in form.errors.values() for m in messages_)
    if not _is_htmx(request):
        if unit_errors:
            messages.error(request, _("%(unit)s: %(error)s") % {"unit": unit, "error": unit_errors[unit]})
        return redirect("plans:review", pk=plan_import.pk)
    plan_import.refresh_from_db()
    context = _review_context(request, plan_import, unit_errors=unit_errors)
    return render(request, "plans/_review_units_response.html", context)


@login_required
@require_POST
def review_accept_suggestions(request, pk):
    """采用全部建议: every unit not yet mapped takes its first suggestion, in one step."""
    plan_import = _get_import(request, pk)
    candidates = list(services.assignable_organizations(user=request.user, owner=plan_import.organization))
    mapping = {}
    for unit in services.unmapped_units(plan_import):
        found = suggest_organizations(unit, candidates, owner=plan_import.organization, limit=1)
        if found:
            mapping[unit] = found[0].organization
    if mapping:
        try:
            services.plan_import_map_units(by=request.user, plan_import=plan_import, mapping=mapping)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, ngettext("%(count)d unit mapped to its first suggestion.",
                                               "%(count)d units mapped to their first suggestions.",
                                               len(mapping)) % {"count": len(mapping)})
    else:
        messages.info(request, _("No unmapped unit has a suggestion; choose them by hand."))
    return redirect(reverse("plans:review", args=[plan_import.pk]) + "#review-units")


@login_required
@require_POST
def review_confirm(request, pk):
    plan_import = _get_import(request, pk)
    try:
        plan = services.plan_import_confirm(
            by=request.user, plan_import=plan_import,
            allowed_organizations=Organization.objects.restrict(request.user, "org.view"))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("plans:review", pk=plan_import.pk)
    if plan.version > 1:
        messages.success(request, _("Version %(version)d of the plan was saved; the previous version is superseded.")
                         % {"version": plan.version})
    else:
        messages.success(request, _("The plan was imported with %(count)d items.") % {"count": plan.items.count()})
    return redirect("plans:detail", pk=plan.pk)


@login_required
@require_POST
def review_discard(request, pk):
    plan_import = _get_import(request, pk)
    try:
        services.plan_import_discard(by=request.user, plan_import=plan_import)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("plans:review", pk=plan_import.pk)
    messages.success(request, _("The import was discarded; nothing was saved."))
    if plan_import.base_plan_id:
        return redirect("plans:detail", pk=plan_import.base_plan_id)
    return redirect("plans:list")
