"""The audit log pages: a filtered list and one record's detail (audit administrator only).

Personal data inside recorded values is masked on the way out; the stored rows are never
changed, as their hashes must keep matching.
"""

import json

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kexie.accounts.scope import access_object
from kexie.core.masking import mask_text
from kexie.core.paging import paginate

from . import selectors
from .forms import AuditFilterForm
from .models import AuditLog

PAGE_SIZE = 50


def _require_audit_view(request) -> None:
    if not request.user.has_code("audit.view"):
        raise PermissionDenied


@login_required
@require_GET
def audit_list(request):
    _require_audit_view(request)
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        rows = AuditLog.objects.none()  # a half-understood filter must not show the wrong rows
    else:
        filters = form.search_filters() if form.is_bound else {}
        rows = selectors.audit_search(user=request.user, **filters)
    page = paginate(request, rows, PAGE_SIZE)
    records = [_present(row) for row in page]
    context = {"form": form, "page_obj": page, "records": records,
               "object_types": selectors.audit_object_types()}
    return render(request, "audit/list.html", context)


@login_required
@require_GET
def audit_detail(request, pk: int):
    _require_audit_view(request)
    row = access_object(AuditLog, request.user, "audit.view", pk=pk)
    return render(request, "audit/detail.html", {"record": _present(row), "changes": value_rows(row)})


def _present(row: AuditLog) -> dict:
    """A row as the pages show it: labels translated, personal data masked."""
    return {
        "row": row,
        "username": mask_text(row.username),
        "object_type": object_type_label(row.object_type),
        "object_repr": mask_text(row.object_repr),
        "detail": mask_text(row.detail),
        "summary": mask_text(_summary(row)),
    }


def object_type_label(label: str) -> str:
    """``organizations.organization`` -> the model's verbose name (组织), else the label itself."""
    if not label:
        return ""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


def render_value(value) -> str:
    """One recorded value as text, with mobile numbers, ID numbers and e-mail addresses masked."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return mask_text(text)


def value_rows(row: AuditLog) -> list[dict]:
    """Old and new values side by side, one line per key, masked."""
    old = row.old_values if isinstance(row.old_values, dict) else ({} if row.old_values is None else {"": row.old_values})
    new = row.new_values if isinstance(row.new_values, dict) else ({} if row.new_values is None else {"": row.new_values})
    keys = list(dict.fromkeys([*old, *new]))
    model = _model_for(row.object_type)
    return [{"key": key, "label": _field_label(model, key), "old": render_value(old.get(key)),
             "new": render_value(new.get(key)), "changed": old.get(key) != new.get(key)} for key in keys]


def _model_for(label: str):
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


def _field_label(model, key: str) -> str:
    """The field's verbose name (in the user's language) when the key is a field of the model."""
    if model is None or not key:
        return ""
    try:
        return str(model._meta.get_field(key).verbose_name)
    except Exception:  # FieldDoesNotExist, or a relation without a verbose name
        return ""


def _summary(row: AuditLog) -> str:
    """A short line of the changed keys for the list, e.g. ``name: A → B; status: → active``."""
    parts = []
    for item in value_rows(row)[:3]:
        if item["old"] and item["new"]:
            parts.append(f"{item['key']}: {item['old'][:40]} → {item['new'][:40]}")
        else:
            parts.append(f"{item['key']}: {(item['old'] or item['new'])[:40]}")
    return "; ".join(parts)
